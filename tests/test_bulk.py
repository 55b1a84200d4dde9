"""Parallel parsing, N-Quads files for bulk loaders, and the fast paths of ingest give the same graph."""
from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import CORPUS, corpus_file

from budgetkg.ingest.bulk import VOCABULARY_FILE, graph_file_name, write_bulk
from budgetkg.ingest.pipeline import document_paths, ingest
from budgetkg.stores import open_store


def all_quads(store) -> list[ox.Quad]:
    return list(ox.parse(store.dump(ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS))


def ground(quads) -> set[ox.Quad]:
    """Quads without blank nodes (only the vocabulary has them, and their labels differ per load)."""
    return {q for q in quads if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}


def test_write_bulk_files_load_to_the_ingested_graph(corpus_store, tmp_path):
    reports = write_bulk([CORPUS], tmp_path, jobs=2)
    assert all(r.error is None for r in reports)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted([graph_file_name(r.graph) for r in reports] + [VOCABULARY_FILE])
    loaded = ox.Store()
    for path in tmp_path.iterdir():
        loaded.load(path=str(path), format=ox.RdfFormat.N_QUADS)
    expected = all_quads(corpus_store)
    assert len(loaded) == len(expected)
    assert ground(loaded) == ground(expected)


def test_jobs_and_bulk_give_the_same_store(corpus_store, tmp_path):
    for jobs, bulk in ((2, False), (1, True)):
        store = open_store(str(tmp_path / f"store-{jobs}-{bulk}"))
        reports = ingest(store, [CORPUS], jobs=jobs, bulk=bulk)
        assert [r.path for r in reports] == document_paths([CORPUS])  # input order, whatever the processes
        assert ground(all_quads(store)) == ground(all_quads(corpus_store))
        assert len(all_quads(store)) == len(all_quads(corpus_store))
        store.close()


def test_ingesting_again_replaces_instead_of_adding(corpus_store):
    store = open_store("memory")
    ingest(store, [CORPUS])
    one = corpus_file("003")
    graph = ingest(store, [one], batch_size=1)[0].graph
    assert store.count(graph) == corpus_store.count(graph)
    store.replace_graphs({graph: []})  # an emptied graph disappears; ingesting brings it back whole
    ingest(store, [one])
    assert store.count(graph) == corpus_store.count(graph)
    assert len(all_quads(store)) == len(all_quads(corpus_store))


def test_a_bulk_load_into_an_empty_store_lets_a_later_version_replace_an_earlier(corpus_store, tmp_path):
    """Into a store without documents every document goes through one bulk load as it is parsed; a
    corrected version later in the same input still replaces the one before it."""
    original = corpus_file("003")
    text = original.read_text(encoding="utf-8")
    corrected = tmp_path / "b-corrected.txt"
    corrected.write_text(text.replace("一般公共预算", "一般公共预算 ", 1), encoding="utf-8")
    first = tmp_path / "a-first.txt"
    first.write_text(text, encoding="utf-8")
    store = open_store(str(tmp_path / "store"))
    reports = ingest(store, [first, corrected], bulk=True, batch_size=1)
    assert reports[1].replaced == [first.name]
    assert reports[0].graph not in store.named_graphs() and reports[1].graph in store.named_graphs()
    assert store.count(reports[1].graph) == corpus_store.count(reports[0].graph)
    store.close()


def test_an_error_while_documents_stream_into_the_bulk_loader_is_raised_as_itself(tmp_path):
    class Stop(Exception):
        pass

    def progress(message: str) -> None:
        if message.startswith("[2/"):
            raise Stop(message)

    store = open_store(str(tmp_path / "store"))
    with pytest.raises(Stop):
        ingest(store, [CORPUS], bulk=True, progress=progress)
    store.close()


def test_what_extract_makes_is_handed_over_once_per_document_in_a_bulk_load(tmp_path):
    handed: list[tuple[str, int]] = []
    store = open_store(str(tmp_path / "store"))
    reports = ingest(store, [CORPUS], bulk=True, extract=len_of_quads,
                     extracted=lambda graph, data: handed.append((graph, int(data))))
    assert sorted(handed) == sorted((r.graph, store.count(r.graph)) for r in reports)
    store.close()


def len_of_quads(nquads: bytes) -> bytes:
    return str(nquads.count(b"\n")).encode()
