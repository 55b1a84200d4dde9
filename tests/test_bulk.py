"""Parallel parsing, N-Quads files for bulk loaders, and the fast paths of ingest give the same graph."""
from __future__ import annotations

import pyoxigraph as ox

from conftest import CORPUS, corpus_file

from budgetkg.ingest.bulk import VOCABULARY_FILE, graph_file_name, write_bulk
from budgetkg.ingest.pipeline import document_paths, ingest
from budgetkg.store import open_store


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
    assert len(loaded) == len(corpus_store.oxigraph)
    assert ground(loaded) == ground(corpus_store.oxigraph)


def test_jobs_and_bulk_give_the_same_store(corpus_store, tmp_path):
    for jobs, bulk in ((2, False), (1, True)):
        store = open_store(str(tmp_path / f"store-{jobs}-{bulk}"))
        reports = ingest(store, [CORPUS], jobs=jobs, bulk=bulk)
        assert [r.path for r in reports] == document_paths([CORPUS])  # input order, whatever the processes
        assert ground(store.oxigraph) == ground(corpus_store.oxigraph)
        assert len(store.oxigraph) == len(corpus_store.oxigraph)
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
    assert len(store.oxigraph) == len(corpus_store.oxigraph)
