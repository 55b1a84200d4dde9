"""The static SPARQL guard: what it refuses, what it lets through, and that it cannot be fooled."""
from __future__ import annotations

import socket
import sys
import threading
import time

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budgetkg.query.guard import QueryRejected, check_query, inspect_query

G1 = "http://example.org/graph/1"
G2 = "http://example.org/graph/2"


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("prefix ex: <http://e/> select ?s { ?s ex:p 1 } limit 3", "SELECT"),
        ("ASK { ?s ?p ?o }", "ASK"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://e/x>", "DESCRIBE"),
        ("SELECT ?x { { SELECT ?x { ?x ?p ?o } LIMIT 1 } }", "SELECT"),
        ("SELECT ?名称 WHERE { ?s <http://e/名称> ?名称 FILTER(CONTAINS(?名称, \"预算\")) }", "SELECT"),
    ],
)
def test_query_forms(query: str, form: str) -> None:
    assert check_query(query) == form


UPDATES = [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "DROP GRAPH <http://g>",
    "DROP ALL",
    "CLEAR DEFAULT",
    "CLEAR SILENT ALL",
    "CREATE GRAPH <http://g>",
    "ADD <http://a> TO <http://b>",
    "MOVE DEFAULT TO <http://b>",
    "COPY <http://a> TO DEFAULT",
    "PREFIX ex: <http://e/> INSERT DATA { ex:a ex:b ex:c } ; DROP ALL",
]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused(update: str) -> None:
    with pytest.raises(QueryRejected, match="read-only"):
        check_query(update)
    assert check_query(update, allow_update=True) == "UPDATE"


@pytest.mark.parametrize("update", ["LOAD <http://evil.example/data.ttl>", "LOAD SILENT <http://x> INTO GRAPH <http://g>",
                                    "DROP ALL ; LOAD <http://x>"])
def test_load_is_refused_even_when_updates_are_allowed(update: str) -> None:
    for allow in (False, True):
        with pytest.raises(QueryRejected, match="LOAD"):
            check_query(update, allow_update=allow)


SERVICES = [
    "SELECT * WHERE { SERVICE <http://evil.example/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://evil.example/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://x> { ?s ?p ?o } } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://x> { ?s ?p ?o } } }",
    "SELECT * WHERE { ?s ?p ?o MINUS { { SERVICE ?endpoint { ?s ?p ?o } } UNION { ?s ?p 1 } } }",
    "SELECT * WHERE { { SELECT ?s WHERE { GRAPH ?g { SERVICE <http://x> { ?s ?p ?o } } } } }",
    "ASK { SERVICE <http://x> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <http://x> { ?s ?p ?o } }",
    "SELECT * { \\u0053ERVICE <http://x> { ?s ?p ?o } }",  # escapes are not a way round the check
]


@pytest.mark.parametrize("query", SERVICES)
def test_service_is_refused_anywhere(query: str) -> None:
    with pytest.raises(QueryRejected):
        check_query(query)


def test_service_in_an_update_is_refused() -> None:
    with pytest.raises(QueryRejected, match="SERVICE"):
        check_query("INSERT { ?s ?p ?o } WHERE { SERVICE <http://x> { ?s ?p ?o } }", allow_update=True)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x> { ?s ?p ?o }",
        "# LOAD <http://x>\nSELECT * WHERE { ?s ?p ?o }",
        "SELECT * WHERE { ?s ?p 'SERVICE <http://x> { ?s ?p ?o }' }",
        'SELECT * WHERE { ?s ?p """\nSERVICE <http://x> { ?s ?p ?o }\n""" }',
        "SELECT * WHERE { ?s ?p '''LOAD <http://x>''' }",
        "SELECT * WHERE { ?s <http://e/SERVICE> <http://e/LOAD#SERVICE> }",
        "PREFIX SERVICE: <http://e/> SELECT ?service WHERE { ?service SERVICE:SERVICE ?LOAD }",
        'SELECT * WHERE { ?s ?p ?o FILTER(?o = "\\u0022 SERVICE <http://x> {}") }',
    ],
)
def test_the_words_in_comments_strings_and_iris_are_fine(query: str) -> None:
    assert check_query(query) == "SELECT"


# Each of these would make Oxigraph call SERVICE if the guard read the text the way rdflib's
# parseQuery does: a lone CR ends an Oxigraph comment, and a \u000A escape ends only rdflib's.
HIDDEN = [
    "SELECT * { ?s ?p ?o # hidden?\r SERVICE <http://x/> { ?a ?b ?c } \n}",
    'SELECT * { ?s ?p ?o # \\u000A FILTER(?o != """\nSERVICE <http://x/> { ?a ?b ?c }\n#""")\n}',
    "SELECT * { ?s ?p ?o # \\U0000000a FILTER(?o != '''\nSERVICE <http://x/> { ?a ?b ?c }\n#''')\n}",
]


@pytest.mark.parametrize("query", HIDDEN)
def test_service_cannot_hide_where_the_parsers_disagree(query: str) -> None:
    with pytest.raises(QueryRejected):
        check_query(query)


def test_from_clauses() -> None:
    query = f"SELECT * FROM <{G1}> WHERE {{ ?s ?p ?o }}"
    with pytest.raises(QueryRejected, match="FROM"):
        check_query(query)  # no known graphs: every FROM is refused
    with pytest.raises(QueryRejected, match="FROM"):
        check_query("SELECT * FROM <http://evil.example/data.ttl> WHERE { ?s ?p ?o }", known_graphs={G1})
    assert check_query(query, known_graphs={G1, G2}) == "SELECT"
    named = f"SELECT * FROM NAMED <{G2}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert check_query(named, known_graphs={G2}) == "SELECT"
    with pytest.raises(QueryRejected, match="FROM NAMED"):
        check_query(named, known_graphs={G1})
    # Prefixed names and BASE are resolved before comparing.
    prefixed = "PREFIX g: <http://example.org/graph/> SELECT * FROM g:1 WHERE { ?s ?p ?o }"
    assert check_query(prefixed, known_graphs={G1}) == "SELECT"
    based = "BASE <http://example.org/graph/> ASK FROM <2> { ?s ?p ?o }"
    assert check_query(based, known_graphs={G2}) == "ASK"
    info = inspect_query(f"SELECT * FROM <{G1}> FROM NAMED <{G2}> {{ ?s ?p ?o }}")
    assert info.from_graphs == (G1,) and info.from_named == (G2,) and info.has_dataset


def test_size_limit_counts_bytes() -> None:
    query = 'SELECT * WHERE { ?s ?p "' + "预" * 40 + '" }'  # 3 bytes a character
    assert check_query(query, max_bytes=200) == "SELECT"
    with pytest.raises(QueryRejected, match="BUDGETKG_MAX_QUERY_BYTES"):
        check_query(query, max_bytes=100)


def test_syntax_errors_say_where() -> None:
    with pytest.raises(QueryRejected) as error:
        check_query("PREFIX ex: <http://e/>\nSELECT ?s\nWHERE { ?s ex:p }")
    message = str(error.value)
    assert "line 3" in message and "column" in message and "^" in message
    with pytest.raises(QueryRejected, match="line 1, column 1"):
        check_query("SELEC * WHERE { ?s ?p ?o }")


@pytest.mark.parametrize("text", ["", "   \n", "# just a comment", "PREFIX ex: <http://e/>", "\ud800", None, b"ASK {}"])
def test_empty_or_odd_input_is_refused(text: object) -> None:
    with pytest.raises(QueryRejected):
        check_query(text)  # type: ignore[arg-type]


def test_deep_nesting_is_a_rejection_not_a_crash() -> None:
    with pytest.raises(QueryRejected, match="nested too deeply"):
        check_query("SELECT * WHERE " + "{" * 200 + "?s ?p ?o" + "}" * 200)


def test_parsing_touches_no_network() -> None:
    events: list[str] = []
    watching = threading.Event()

    def hook(event: str, args: tuple) -> None:
        if watching.is_set() and event.startswith(("socket.", "urllib.", "http.")):
            events.append(event)

    sys.addaudithook(hook)  # cannot be removed; it only records while `watching` is set
    watching.set()
    try:
        for query in [*SERVICES, *HIDDEN, f"SELECT * FROM <{G1}> {{ ?s ?p ?o }}", "LOAD <http://x/y.ttl>",
                      "DESCRIBE <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"]:
            try:
                check_query(query + " ")  # a fresh text, not a cached answer
            except QueryRejected:
                pass
    finally:
        watching.clear()
    assert events == []


def test_parse_time_is_small_and_cached() -> None:
    query = """PREFIX bk: <https://budgetkg.example/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?dept ?label (SUM(?amount) AS ?total) WHERE {
  ?item a bk:BudgetItem ; bk:department ?dept ; bk:amount ?amount ; bk:year 2023 .
  ?dept rdfs:label ?label .
  FILTER(LANG(?label) = "zh")
} GROUP BY ?dept ?label ORDER BY DESC(?total) LIMIT 20"""
    check_query(query + "\n")  # warm up pyparsing
    started = time.perf_counter()
    check_query(query)
    first = time.perf_counter() - started
    started = time.perf_counter()
    check_query(query)
    cached = time.perf_counter() - started
    assert first < 0.25, first  # about 0.02 s on the development machine
    assert cached < 0.005, cached


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_garbage_only_ever_raises_query_rejected(text: str) -> None:
    try:
        assert check_query(text) in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
    except QueryRejected:
        pass


# --- differential check: whatever the guard accepts, Oxigraph must not call out -------------


@pytest.fixture(scope="module")
def listener() -> tuple[int, list[bytes]]:
    """A local TCP port that records every connection (a SERVICE call would land here)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    hits: list[bytes] = []

    def accept() -> None:
        while True:
            conn, _ = server.accept()
            hits.append(b"connection")
            conn.close()

    threading.Thread(target=accept, daemon=True).start()
    return server.getsockname()[1], hits


# Only the characters that open or close comments, strings and IRIs, so that the few-in-a-row
# combinations that matter (e.g. '#' then a lone CR) come up within a few hundred examples.
FRAGMENTS = [
    " ", "\n", "\r", "#", "\\u000A", "\\u0022", "\\U0000000a", "\\\\", '"', "'", '"""', "'''",
    "<", ">", "{", "}", "FILTER(?o != ", ")",
]
CLOSERS = ["\n", "\r", '"""', "'''", '"', "'", ")", ">", "#"]


def _calls_out(text: str, listener: tuple[int, list[bytes]]) -> bool:
    """Whether the guard accepts `text` and Oxigraph then connects to the listener."""
    try:
        check_query(text)
    except QueryRejected:
        return False
    store = ox.Store()  # one triple, so that the join does reach the SERVICE
    store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"), ox.Literal("o")))
    seen = len(listener[1])
    try:
        list(store.query(text))
    except Exception:
        pass
    time.sleep(0.001)  # let the accept thread record a connection
    return len(listener[1]) != seen


def _service_query(listener: tuple[int, list[bytes]], before: str, after: str) -> str:
    service = f"SERVICE <http://127.0.0.1:{listener[0]}/sparql> {{ ?a ?b ?c }}"
    return "SELECT * WHERE { ?s ?p ?o " + before + service + after + "\n}"


def test_no_two_delimiters_hide_a_service(listener: tuple[int, list[bytes]]) -> None:
    # Exhaustive over pairs: a lone CR after '#' (found this way) is one of ~1,700 cases.
    leaks = [
        text
        for a in FRAGMENTS[:13]
        for b in FRAGMENTS[:13]
        for after in ["", *CLOSERS]
        if _calls_out(text := _service_query(listener, a + b, after), listener)
    ]
    assert leaks == []


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=6), st.lists(st.sampled_from(CLOSERS), max_size=3))
def test_what_the_guard_accepts_never_calls_out(listener: tuple[int, list[bytes]], before: list[str], after: list[str]) -> None:
    text = _service_query(listener, "".join(before), "".join(after))
    assert not _calls_out(text, listener), f"the guard accepted a query that called SERVICE: {text!r}"
