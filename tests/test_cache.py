"""The cache directory: a file is read back only by the code that wrote it."""
from __future__ import annotations

from budgetkg import cache


def test_a_value_written_is_read_back(tmp_path, use_settings):
    use_settings(cache_dir=tmp_path)
    cache.write("kind", "key", {"a": 1})
    assert cache.read("kind", "key") == {"a": 1}
    assert cache.read("kind", "other") is None


def test_a_file_written_by_other_code_is_not_read(tmp_path, use_settings, monkeypatch):
    use_settings(cache_dir=tmp_path)
    cache.write("kind", "key", "old code's value")
    monkeypatch.setattr(cache, "code_digest", lambda: "another version of budgetkg")
    assert cache.read("kind", "key") is None
    cache.write("kind", "key", "new code's value")
    assert cache.read("kind", "key") == "new code's value"


def test_the_code_digest_covers_every_module_and_vocabulary_file():
    import budgetkg.query.intents.change as change
    from budgetkg.ontology import terms

    cache.code_digest.cache_clear()
    before = cache.code_digest()
    assert before == cache.code_digest()
    # every package's files are found (a module of a subpackage and a vocabulary file among them)
    files = cache._code_files()
    names = {f.name for f in files}
    assert {change.__file__.rsplit("/", 1)[-1], terms.__file__.rsplit("/", 1)[-1], "vocab.ttl", "func_classes.csv"} <= names
