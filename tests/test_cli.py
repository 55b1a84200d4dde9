"""The `budgetkg` command as a new user meets it: options, messages, exit codes."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest
from conftest import child_env, corpus_file

from budgetkg import cli
from budgetkg.ingest.pipeline import ingest
from budgetkg.query.export import FORMATS
from budgetkg.stores import open_store


@pytest.fixture
def on(monkeypatch):
    """Run the command on a given store (no ingest of the corpus into a fresh one each time)."""
    def use(store):
        monkeypatch.setattr(cli, "open_store", lambda spec=None, **options: store)
    return use


def test_store_is_accepted_before_and_after_the_command():
    parser = cli.build_parser()
    assert parser.parse_args(["--store", "memory", "ingest"]).store == "memory"
    assert parser.parse_args(["ingest", "--store", "/tmp/x"]).store == "/tmp/x"
    assert parser.parse_args(["--store", "a", "stats"]).store == "a"  # not reset by the command's own option
    assert parser.parse_args(["stats"]).store is None


def test_store_after_the_command_is_the_store_used(capsys, tmp_path):
    assert cli.main(["ingest", "--quiet", "--store", str(tmp_path / "store"), str(corpus_file("004"))]) == 0
    assert "ingested 1 of 1 documents" in capsys.readouterr().out
    store = open_store(str(tmp_path / "store"))
    assert any("/doc/" in g for g in store.named_graphs())
    store.close()


def test_export_lists_its_formats(capsys):
    with pytest.raises(SystemExit) as exit_code:
        cli.main(["export", "--format", "exe"])
    assert exit_code.value.code == 2
    error = capsys.readouterr().err
    assert "invalid choice: 'exe'" in error and all(f in error for f in FORMATS)
    help_text = _help("export")
    assert "gexf" in help_text and "cytoscape" in help_text


def _help(command: str) -> str:
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    return sub.format_help()


def test_every_option_has_help():
    parser = cli.build_parser()
    for name, sub in next(a for a in parser._actions if a.dest == "command").choices.items():
        for action in sub._actions:
            assert action.help, f"budgetkg {name} {'/'.join(action.option_strings) or action.dest} has no help"
    serve = _help("serve")
    assert "address to listen on" in serve and "port to listen on" in serve and "server processes" in serve


def test_sparql_syntax_error_is_on_the_line_typed(corpus_store, on, capsys):
    on(corpus_store)
    assert cli.main(["sparql", "SELECT ?s WHERE { ?s ?p }"]) == 2
    error = capsys.readouterr().err
    assert "at line 1, column" in error and "line 11" not in error
    assert cli.main(["sparql", "SELECT ?s\nWHERE { ?s ?p }"]) == 2
    assert "at line 2, column" in capsys.readouterr().err


def test_update_is_refused_with_the_option_that_allows_it(on, capsys):
    store = open_store("memory")
    ingest(store, [corpus_file("004")])
    on(store)
    insert = 'INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/s> <https://example.org/p> "x" } }'
    assert cli.main(["sparql", insert]) == 2
    error = capsys.readouterr().err
    assert "--allow-update" in error and "InsertData" in error
    assert cli.main(["sparql", "--allow-update", insert]) == 0
    assert "https://example.org/g" in store.named_graphs()


def test_check_is_not_ok_on_garbled_figures(on, capsys, tmp_path):
    """Figures whose digits are scrambled no longer add up: the check says so first and exits 1."""
    lines = corpus_file("004").read_text(encoding="utf-8").split("\n")
    garbled = [re.sub(r"(\d+)\.(\d\d)", lambda m: m.group(1)[::-1] + "." + m.group(2)[::-1], line) if 200 <= i <= 320 else line
               for i, line in enumerate(lines, 1)]
    (tmp_path / "garbled.txt").write_text("\n".join(garbled), encoding="utf-8")
    store = open_store("memory")
    ingest(store, [tmp_path / "garbled.txt"])
    on(store)
    assert cli.main(["check"]) == 1
    first = capsys.readouterr().out.splitlines()[0]
    assert re.match(r"budgetkg check: FOUND \d+ errors — 1 document;", first), first
    assert "OK" not in first


def test_no_jieba_chatter_on_stderr(tmp_path):
    """A fresh cache makes jieba build its dictionary, which it announces on stderr unless told not to."""
    env = child_env(cache_dir=tmp_path / "cache", store="memory")
    result = subprocess.run([sys.executable, "-m", "budgetkg.cli", "ask", "热线中心三公经费多少"], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "三公经费" in result.stdout
    assert "Building prefix dict" not in result.stderr and "Loading model" not in result.stderr
    assert list((tmp_path / "cache").glob("jieba-*.pickle"))  # the dictionary was built, quietly


def test_export_reads_a_unit_name_as_a_question_would(corpus_store, on, capsys):
    on(corpus_store)
    assert cli.main(["export", "--format", "csv", "--unit", "池州热线中心"]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) > 10 and all("池州市政务服务便民热线中心" in row for row in rows[1:])
