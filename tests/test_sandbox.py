"""The query sandbox: formats, row cap, time limit, memory limit, workers and the remote hook."""
from __future__ import annotations

import base64
import csv
import io
import json
import resource
import socket
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pyoxigraph as ox
import pytest

from budgetkg.query.guard import QueryRejected
from budgetkg.query.sandbox import (
    RESULT_FORMATS,
    NotAcceptable,
    QueryFailed,
    QueryRunner,
    QueryTimeout,
    SandboxError,
    negotiate,
)
from budgetkg.settings import Settings
from budgetkg.stores import open_store

G1 = "http://example.org/graph/1"
G2 = "http://example.org/graph/2"
E = "http://e/"
N = 3000  # triples in G1: enough that a 4-way cross join never ends
SRX = "{http://www.w3.org/2005/sparql-results#}"
CROSS_JOIN_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def _quads() -> dict[str, list[ox.Quad]]:
    g1, g2, p = ox.NamedNode(G1), ox.NamedNode(G2), ox.NamedNode(E + "p")
    first = [ox.Quad(ox.NamedNode(f"{E}s{i}"), p, ox.Literal(i), g1) for i in range(N)]
    s = ox.NamedNode(E + "special")
    objects = [
        ox.Literal("财政拨款收入", language="zh"),
        ox.Literal('comma, "quote"\nnewline\ttab'),
        ox.Literal("12.50", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
        ox.Literal("مرحبا", language="ar", direction=ox.BaseDirection.RTL),
        ox.NamedNode(E + "thing"),
        ox.BlankNode("b1"),
    ]
    second = [ox.Quad(s, ox.NamedNode(f"{E}q{i}"), o, g2) for i, o in enumerate(objects)]
    return {G1: first, G2: second}


@pytest.fixture(scope="module")
def store():
    store = open_store("memory")
    store.replace_graphs(_quads())
    return store


@pytest.fixture(scope="module")
def runner(store):
    with QueryRunner(store, timeout_s=2.0, max_rows=100, workers=2) as runner:
        yield runner


# --- content negotiation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "accept", "name"),
    [
        ("SELECT", None, "json"),
        ("SELECT", "", "json"),
        ("SELECT", "csv", "csv"),
        ("SELECT", "TSV", "tsv"),
        ("SELECT", "text/csv", "csv"),
        ("SELECT", "application/json", "json"),
        ("SELECT", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "xml"),
        ("SELECT", "*/*", "json"),
        ("SELECT", "text/*", "csv"),
        ("SELECT", "text/csv;q=0.5, text/tab-separated-values", "tsv"),
        ("SELECT", "*/*, application/sparql-results+json;q=0", "xml"),
        ("ASK", "application/sparql-results+xml", "xml"),
        ("CONSTRUCT", None, "turtle"),
        ("CONSTRUCT", "json", "jsonld"),
        ("CONSTRUCT", "nt", "nt"),
        ("DESCRIBE", "application/ld+json;q=0.9, text/turtle;q=0.8", "jsonld"),
        ("CONSTRUCT", "text/html, */*;q=0.1", "turtle"),
    ],
)
def test_negotiation(form: str, accept: str | None, name: str) -> None:
    assert negotiate(form, accept)[0] == name


@pytest.mark.parametrize(("form", "accept"), [("SELECT", "turtle"), ("CONSTRUCT", "csv"), ("SELECT", "text/html"),
                                              ("CONSTRUCT", "*/*;q=0"), ("SELECT", "yaml")])
def test_not_acceptable(form: str, accept: str) -> None:
    with pytest.raises(NotAcceptable):
        negotiate(form, accept)


# --- formats, each read back ---------------------------------------------------------------

SPECIAL = f"SELECT ?p ?o WHERE {{ <{E}special> ?p ?o FILTER(!isBlank(?o)) }} ORDER BY ?p"


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_select_formats_match_pyoxigraph(runner: QueryRunner, store, fmt: str) -> None:
    outcome = runner.run(SPECIAL, fmt)
    with store.stream(SPECIAL, RESULT_FORMATS[fmt][0], 5.0) as chunks:  # pyoxigraph's own serialisation
        expected = b"".join(chunks)
    assert outcome.body == expected  # the capped re-serialisation is exact
    assert (outcome.form, outcome.row_count, outcome.truncated) == ("SELECT", 5, False)


def test_select_formats_parse_back(runner: QueryRunner) -> None:
    doc = json.loads(runner.run(SPECIAL, "json").body)
    assert doc["head"]["vars"] == ["p", "o"]
    values = {b["o"]["value"] for b in doc["results"]["bindings"]}
    assert "财政拨款收入" in values and 'comma, "quote"\nnewline\ttab' in values

    root = ET.fromstring(runner.run(SPECIAL, "application/sparql-results+xml").body)
    assert len(root.findall(f"{SRX}results/{SRX}result")) == 5

    rows = list(csv.reader(io.StringIO(runner.run(SPECIAL, "text/csv").body.decode("utf-8"), newline="")))
    assert rows[0] == ["p", "o"] and len(rows) == 6
    assert 'comma, "quote"\nnewline\ttab' in [row[1] for row in rows]

    tsv = runner.run(SPECIAL, "text/tab-separated-values")
    assert tsv.media_type == "text/tab-separated-values"
    parsed = list(ox.parse_query_results(tsv.body, format=ox.QueryResultsFormat.TSV))
    assert len(parsed) == 5


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_ask(runner: QueryRunner, fmt: str) -> None:
    outcome = runner.run(f"ASK {{ ?s ?p {N - 1} }}", fmt)
    assert outcome.form == "ASK" and b"true" in outcome.body
    if fmt == "json":
        assert json.loads(outcome.body)["boolean"] is True
    if fmt == "xml":
        assert ET.fromstring(outcome.body).find(f"{SRX}boolean").text == "true"


def test_graph_formats_parse_back(runner: QueryRunner) -> None:
    query = f"PREFIX e: <{E}> CONSTRUCT {{ ?s e:p ?o }} WHERE {{ ?s e:p ?o FILTER(?o < 10) }}"
    turtle = runner.run(query)
    assert turtle.media_type == "text/turtle" and turtle.form == "CONSTRUCT"
    assert turtle.body.startswith(b"@prefix e: <http://e/>")  # the query's prefixes are reused
    assert len(list(ox.parse(turtle.body, format=ox.RdfFormat.TURTLE))) == 10
    nt = runner.run(query, "application/n-triples")
    assert len(list(ox.parse(nt.body, format=ox.RdfFormat.N_TRIPLES))) == 10
    jsonld = runner.run(query, "jsonld")
    assert jsonld.media_type == "application/ld+json"
    assert len(json.loads(jsonld.body)) == 10
    assert len(list(ox.parse(jsonld.body, format=ox.RdfFormat.JSON_LD))) == 10
    described = runner.run(f"DESCRIBE <{E}special>", "nt")
    assert described.form == "DESCRIBE" and described.row_count == 6


# --- semantics and limits ------------------------------------------------------------------


def test_default_graph_is_the_union_and_from_narrows_it(runner: QueryRunner) -> None:
    count = "SELECT (COUNT(*) AS ?n) {FROM} WHERE {{ ?s ?p ?o }}"

    def n(query: str) -> int:
        return int(json.loads(runner.run(query).body)["results"]["bindings"][0]["n"]["value"])

    assert n(count.replace("{FROM}", "")) == N + 6
    assert n(count.replace("{FROM}", f"FROM <{G2}>")) == 6
    with pytest.raises(QueryRejected, match="FROM"):
        runner.run(count.replace("{FROM}", "FROM <http://evil.example/x.ttl>"))


def test_row_cap(runner: QueryRunner) -> None:
    outcome = runner.run("SELECT ?s WHERE { ?s ?p ?o }", "csv")
    assert outcome.truncated and outcome.row_count == 100
    assert len(outcome.body.decode().splitlines()) == 101  # header + 100 rows
    exact = runner.run("SELECT ?s WHERE { ?s ?p ?o } LIMIT 100")
    assert not exact.truncated and exact.row_count == 100
    graph = runner.run("CONSTRUCT WHERE { ?s ?p ?o }", "nt")
    assert graph.truncated and len(graph.body.splitlines()) == 100


def test_refusals_and_engine_errors(runner: QueryRunner) -> None:
    with pytest.raises(QueryRejected, match="SERVICE"):
        runner.run("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }")
    with pytest.raises(QueryRejected, match="read-only"):
        runner.run("DROP ALL")
    with pytest.raises(QueryFailed, match="unknownfn"):
        runner.run("SELECT * { ?s ?p ?o FILTER(<http://e/unknownfn>(?o)) }")
    with pytest.raises(NotAcceptable):
        runner.run("SELECT * { ?s ?p ?o }", "turtle")


def test_timeout_stops_the_query_while_others_are_served(runner: QueryRunner) -> None:
    result: dict[str, object] = {}

    def slow() -> None:
        started = time.monotonic()
        try:
            runner.run(CROSS_JOIN_COUNT)
        except QueryTimeout as error:
            result["error"] = error
        result["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.2)
    started = time.monotonic()
    other = runner.run(f"ASK {{ <{E}s1> ?p ?o }}")  # the second worker answers meanwhile
    assert b"true" in other.body and time.monotonic() - started < 1.0
    thread.join(10)
    assert isinstance(result.get("error"), QueryTimeout)
    assert "BUDGETKG_QUERY_TIMEOUT" in str(result["error"])
    assert result["elapsed"] < runner.timeout_s + 2.0  # type: ignore[operator]
    # The killed worker is replaced: both workers serve again.
    for _ in range(4):
        assert b"true" in runner.run(f"ASK {{ <{E}s2> ?p ?o }}").body


def test_concurrent_callers(runner: QueryRunner) -> None:
    errors: list[BaseException] = []

    def ask(limit: int) -> None:
        try:
            for _ in range(3):
                outcome = runner.run(f"SELECT ?s WHERE {{ ?s ?p ?o }} LIMIT {limit}")
                assert outcome.row_count == limit
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=ask, args=(limit,)) for limit in range(1, 9)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert errors == []


def test_memory_limit_kills_only_the_worker(store) -> None:
    limit = 200 * 2**20
    with QueryRunner(store, timeout_s=10.0, memory_bytes=limit, workers=1) as small:
        pid = small._workers[0].info["pid"]
        assert resource.prlimit(pid, resource.RLIMIT_AS) == (limit, limit)
        started = time.monotonic()
        with pytest.raises(QueryFailed, match="BUDGETKG_QUERY_MEMORY_MB"):
            # Sorting 9 million solutions needs far more than 200 MB.
            small.run("SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f")
        assert time.monotonic() - started < 8.0  # it died of the limit, not of the time limit
        assert b"true" in small.run(f"ASK {{ <{E}s1> ?p ?o }}").body  # replaced
        assert small._workers[0].info["pid"] != pid


def test_on_disk_store_and_refresh(tmp_path) -> None:
    disk = open_store(str(tmp_path / "store"))  # held open read-write here, as an ingesting server would
    disk.replace_graphs({G2: _quads()[G2]})
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with QueryRunner(disk, timeout_s=5.0, workers=1) as on_disk:
        assert on_disk.worker_start_s is not None and on_disk.worker_start_s < 10
        assert b'"6"' in on_disk.run(count).body
        g3 = ox.NamedNode("http://example.org/graph/3")
        disk.replace_graphs({g3.value: [ox.Quad(ox.NamedNode(E + "x"), ox.NamedNode(E + "p"), ox.Literal(1), g3)]})
        on_disk.refresh()  # workers opened a read-only checkpoint; refresh shows the new graph
        assert b'"7"' in on_disk.run(count).body
        assert g3.value in on_disk.known_graphs
        for i in range(5):  # writes and compactions in the primary never break the workers
            disk.replace_graphs({G1: _quads()[G1][: 500 * (i + 1)]})
            on_disk.refresh()
            assert f'"{7 + 500 * (i + 1)}"'.encode() in on_disk.run(count).body
        assert len([p for p in tmp_path.iterdir() if p.name.startswith(".budgetkg-snapshot-")]) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["store"]  # checkpoints are removed on close
    disk.close()


def test_workers_have_no_network(runner: QueryRunner) -> None:
    if not runner.network_isolated:
        pytest.skip("user namespaces are not available here")
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.5)
    port = server.getsockname()[1]
    # Bypass the guard on purpose: even a SERVICE that got through could not connect.
    request = (f"SELECT * {{ SERVICE <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}", True, "json", 10, ())
    with pytest.raises(QueryFailed):
        runner._run_local(request)
    with pytest.raises(socket.timeout):
        server.accept()
    server.close()


def test_close(store) -> None:
    runner = QueryRunner(store, timeout_s=2.0, workers=1)
    process = runner._workers[0].process
    runner.close()
    assert process is not None and not process.is_alive()
    with pytest.raises(SandboxError):
        runner.run("ASK {}")


# --- remote stores: no worker, the endpoint does the work -----------------------------------


class _Endpoint(BaseHTTPRequestHandler):
    """A SPARQL endpoint over an Oxigraph store that asks for HTTP basic credentials, as Virtuoso can."""

    store: ox.Store
    seen: list[dict[str, list[str]]] = []
    server_version = "Oxigraph/0.5"  # so that the client asks for the union default graph

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") == "Basic " + base64.b64encode(b"dba:secret").decode():
            return True
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="sparql"')
        self.send_header("Content-Length", "0")
        self.end_headers()
        return False

    def do_GET(self) -> None:  # noqa: N802 (http.server naming): the store's probe of the engine
        if self._authorised():
            self._answer(parse_qs(self.path.split("?", 1)[1]))

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        length = int(self.headers["Content-Length"])
        params = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
        if self._authorised():
            self.seen.append(params)
            self._answer(params)

    def _answer(self, params: dict[str, list[str]]) -> None:
        query = params["query"][0]
        if "SLOW" in query:
            time.sleep(3)
        result = self.store.query(query, use_default_graph_as_union="union-default-graph" in params)
        if isinstance(result, ox.QueryTriples):
            body, media = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES), "application/n-triples"
        else:
            body, media = result.serialize(format=ox.QueryResultsFormat.JSON), "application/sparql-results+json"
        self.send_response(200)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_remote_store_is_forwarded_with_a_deadline(store, monkeypatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    _Endpoint.store = ox.Store()
    _Endpoint.store.load(store.dump(ox.RdfFormat.N_QUADS), format=ox.RdfFormat.N_QUADS)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Endpoint)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        endpoint = open_store(f"http://127.0.0.1:{server.server_port}/sparql",
                              settings=Settings(store_user="dba", store_password="secret"))
        remote = QueryRunner(endpoint, timeout_s=1.0, max_rows=50, known_graphs={G1, G2})  # not budgetkg's graphs
        assert remote.remote and not remote._workers
        outcome = remote.run("SELECT ?s WHERE { ?s ?p ?o }", "csv")
        assert outcome.truncated and outcome.row_count == 50
        assert b"true" in remote.run(f"ASK FROM <{G1}> {{ ?s ?p 1 }}").body
        assert len(list(ox.parse(remote.run("CONSTRUCT WHERE { ?s ?p 5 }", "nt").body, format=ox.RdfFormat.N_TRIPLES))) == 1
        started = time.monotonic()
        with pytest.raises(QueryTimeout):
            remote.run("SELECT * WHERE { ?s ?p 'SLOW' }")
        assert time.monotonic() - started < 2.5
        with pytest.raises(QueryRejected):
            remote.run("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }")
        # the store's credentials and union default graph went with every query
        assert _Endpoint.seen and all("union-default-graph" in params for params in _Endpoint.seen)
    finally:
        server.shutdown()
