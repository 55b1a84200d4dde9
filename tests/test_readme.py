"""The README says what the code does: its limits table is the Settings, its examples work."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from budgetkg.query.console import run_cli_query
from budgetkg.settings import DEFAULTS, Settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def limits_table() -> dict[str, tuple[str, str]]:
    """variable → (limit, default) from the README's “Limits” table."""
    section = README.split("## Limits", 1)[1]
    rows: dict[str, tuple[str, str]] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[2].startswith("`BUDGETKG_"):
            rows[re.match(r"`(BUDGETKG_\w+)`", cells[2]).group(1)] = (cells[0], cells[1])
    return rows


def shown(value: object, unit_words: str) -> str:
    """How the README writes a default: 10 s, 10,000, 2048 MB, 20,000 bytes, off."""
    if value == ():
        return "off"
    number = f"{value:g}" if isinstance(value, float) else (f"{value:,}" if value >= 10_000 else str(value))
    return f"{number} {unit_words}".strip()


def test_limits_table_is_the_settings():
    table = limits_table()
    limits = {f.metadata["env"]: f for f in dataclasses.fields(Settings) if f.metadata["limit"]}
    assert set(table) == set(limits), "the README's limits table and Settings' limits differ"
    for variable, (_, default) in table.items():
        value = getattr(DEFAULTS, limits[variable].name)
        unit_words = re.sub(r"^[\d,.]+\s*", "", default) if default != "off" else ""
        assert default == shown(value, unit_words), f"{variable}: README says {default}, Settings has {value!r}"


def test_settings_come_from_the_variables_the_readme_names():
    environ = {"BUDGETKG_QUERY_TIMEOUT": "2.5", "BUDGETKG_MAX_ROWS": "50", "BUDGETKG_QUERY_MEMORY_MB": "512",
               "BUDGETKG_MAX_QUERY_BYTES": "3000", "BUDGETKG_MAX_REQUEST_BYTES": "4096",
               "BUDGETKG_MAX_QUESTION_CHARS": "40", "BUDGETKG_CORS_ORIGINS": "https://a.example, https://b.example"}
    settings = Settings.from_env(environ)
    assert (settings.query_timeout_s, settings.max_rows, settings.query_memory_bytes, settings.max_query_bytes,
            settings.max_request_bytes, settings.max_question_chars, settings.cors_origins) == \
        (2.5, 50, 512 * 2**20, 3000, 4096, 40, ("https://a.example", "https://b.example"))
    assert Settings.from_env(settings.environ()) == settings  # what a server hands its worker processes


def test_a_bad_value_is_named_with_its_variable():
    from budgetkg.settings import SettingsError

    with pytest.raises(SettingsError, match="BUDGETKG_MAX_ROWS='many'"):
        Settings.from_env({"BUDGETKG_MAX_ROWS": "many"})
    with pytest.raises(SettingsError, match="BUDGETKG_QUERY_TIMEOUT"):
        Settings.from_env({"BUDGETKG_QUERY_TIMEOUT": "-1"})


def test_the_sparql_example_lists_each_unit_once(corpus_store):
    example = re.search(r'budgetkg sparql "([^"]+)"', README).group(1)
    result = run_cli_query(corpus_store, example, "table")
    units = [row[0].value for row in result.rows]
    assert len(units) == len(set(units)) == 11


def question_examples() -> list[tuple[str, str]]:
    """(question, intent) from the README's “Questions” table."""
    section = README.split("## Questions", 1)[1].split("\n## ", 1)[0]
    rows = [[c.strip() for c in line.strip().strip("|").split("|")] for line in section.splitlines() if line.startswith("|")]
    return [(cells[1], cells[2].strip("`")) for cells in rows[2:]]


@pytest.mark.parametrize("question,intent", question_examples())
def test_question_examples_are_answered_by_their_kind(asker, question, intent):
    result = asker.ask(question)
    assert (result["status"], result["intent"]) == ("ok", intent), result["answer"]


def test_every_kind_of_question_has_an_example():
    from budgetkg.query.intents import REGISTRY

    shown = {intent for _, intent in question_examples()}
    assert set(REGISTRY) - shown <= {"compare", "project", "parent"}  # the same look-ups as measure, children
