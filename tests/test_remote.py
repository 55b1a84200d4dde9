"""RemoteStore's protocol handling without a server: results, union default graph, auth, chunking."""
from __future__ import annotations

import base64
from urllib.parse import parse_qs

import httpx
import pyoxigraph as ox
import pytest

from budgetkg.settings import Settings
from budgetkg.stores import StoreError, open_store, remote
from budgetkg.stores.remote import RemoteStore

RESULTS = {"head": {"vars": ["s", "label", "n", "b", "missing"]}, "results": {"bindings": [{
    "s": {"type": "uri", "value": "https://w3id.org/budgetkg/id/unit/450200/name/%E6%9F%B3"},
    "label": {"type": "literal", "xml:lang": "zh", "value": "柳州"},
    "n": {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#decimal", "value": "1113.4"},
    "b": {"type": "bnode", "value": "nodeID://b10008"}}]}}


def server(server_header: str, seen: list[httpx.Request], challenge: str | None = None, extra: dict | None = None):
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(httpx.Request(request.method, request.url, headers=dict(request.headers), content=request.content))  # a copy: auth edits in place
        if challenge and request.method == "POST" and request.url.path == "/update":
            auth = request.headers.get("authorization", "")
            if not auth.lower().startswith(challenge.split()[0].lower()):
                return httpx.Response(401, headers={"www-authenticate": challenge})
            return httpx.Response(200, text="ok")
        if request.url.path == "/update":
            return httpx.Response(200, text="ok")
        return httpx.Response(200, json=RESULTS, headers={"server": server_header, **(extra or {})})
    return httpx.MockTransport(handler)


def form(request: httpx.Request) -> dict[str, list[str]]:
    return parse_qs(request.content.decode(), keep_blank_values=True)


def test_json_results_become_terms():
    store = RemoteStore("http://127.0.0.1:1/sparql", transport=server("Virtuoso/07.20", []))
    row = store.select("SELECT * WHERE { ?s ?p ?o }").rows[0]
    assert row[0] == ox.NamedNode("https://w3id.org/budgetkg/id/unit/450200/name/%E6%9F%B3")
    assert row[1] == ox.Literal("柳州", language="zh")
    assert row[2] == ox.Literal("1113.4", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))
    assert isinstance(row[3], ox.BlankNode) and row[4] is None


@pytest.mark.parametrize("header, params", [("Virtuoso/07.20", {}), ("Oxigraph/0.4", {"union-default-graph": [""]}),
                                            ("Apache Jena Fuseki (5.0)", {"default-graph-uri": ["urn:x-arq:UnionGraph"]})])
def test_default_graph_is_the_union_on_each_engine(header, params):
    seen: list[httpx.Request] = []
    store = RemoteStore("http://127.0.0.1:1/query", transport=server(header, seen))
    store.select("SELECT * WHERE { ?s ?p ?o }")
    sent = form(seen[-1])
    assert sent.pop("query") == ["SELECT * WHERE { ?s ?p ?o }"]
    assert sent == params
    assert store.update_url == "http://127.0.0.1:1/update"


@pytest.mark.parametrize("challenge", ['Basic realm="x"', 'Digest realm="x", nonce="abc", qop="auth"'])
def test_credentials_follow_the_challenge(challenge):
    seen: list[httpx.Request] = []
    store = RemoteStore("http://127.0.0.1:1/query", user="dba", password="secret",
                        transport=server("Oxigraph", seen, challenge))
    store.drop_graph("https://w3id.org/budgetkg/id/doc/x")
    first = [r.headers.get("authorization", "") for r in seen]
    store.drop_graph("https://w3id.org/budgetkg/id/doc/y")
    second = [r.headers.get("authorization", "") for r in seen[len(first):]]
    scheme = challenge.split()[0]
    assert first[0] == "" and first[1].startswith(scheme) and len(first) == 2  # one challenge, one authorised retry
    assert len(second) == 1 and second[0].startswith(scheme)  # the scheme (and digest's nonce) is remembered
    auths = first
    if challenge.startswith("Basic"):
        assert auths[1] == "Basic " + base64.b64encode(b"dba:secret").decode()


def test_open_store_hands_the_settings_to_the_remote_store():
    settings = Settings.from_env({"BUDGETKG_STORE_USER": "dba", "BUDGETKG_STORE_PASSWORD": "secret",
                                  "BUDGETKG_UPDATE_URL": "http://127.0.0.1:1/u", "BUDGETKG_STORE_TIMEOUT": "7"})
    store = open_store("http://127.0.0.1:1/sparql", settings=settings)
    assert store.kind == "remote" and store.update_url == "http://127.0.0.1:1/u" and store.timeout == 7
    assert store._client.auth is not None and "secret" not in repr(settings)
    store.close()


def test_partial_results_are_an_error():
    store = RemoteStore("http://127.0.0.1:1/sparql", transport=server("Virtuoso", [], extra={"x-sql-state": "S1TAT"}))
    with pytest.raises(StoreError, match="partial"):
        store.select("SELECT * WHERE { ?s ?p ?o }")


def test_large_replacements_are_chunked(monkeypatch):
    monkeypatch.setattr(remote, "OP_TRIPLES", 10)
    monkeypatch.setattr(remote, "REQUEST_BYTES", 4000)
    seen: list[httpx.Request] = []
    store = RemoteStore("http://127.0.0.1:1/query", transport=server("Virtuoso", seen))
    g = "https://w3id.org/budgetkg/id/doc/x"
    blank = ox.BlankNode()
    quads = [ox.Quad(ox.NamedNode(f"https://e.org/s{i}"), ox.NamedNode("https://e.org/p"), ox.Literal(f"值{i}", language="zh"),
                     ox.NamedNode(g)) for i in range(95)]
    quads += [ox.Quad(ox.NamedNode("https://e.org/s"), ox.NamedNode("https://e.org/p"), blank, ox.NamedNode(g)),
              ox.Quad(blank, ox.NamedNode("https://e.org/q"), ox.Literal("x"), ox.NamedNode(g))]
    store.replace_graphs({g: quads})
    bodies = [r.content.decode() for r in seen if r.url.path == "/update"]
    assert len(bodies) > 1 and all(len(b.encode()) <= 4000 + 2000 for b in bodies)
    assert bodies[0].startswith(f"DROP SILENT GRAPH <{g}>")
    text = "\n".join(bodies)
    assert text.count("INSERT DATA") == 10 and text.count(" .\n") + text.count(" .\n}") >= 95
    assert text.count("} } WHERE {}") == 1  # both blank-node triples in one INSERT … WHERE


def test_a_stream_of_documents_is_loaded_a_request_at_a_time(monkeypatch):
    monkeypatch.setattr(remote, "REQUEST_BYTES", 300)
    seen: list[httpx.Request] = []
    store = RemoteStore("http://127.0.0.1:1/query", transport=server("Virtuoso", seen))
    pieces = [f'<https://e.org/s{i}> <https://e.org/p> "{i}" <https://w3id.org/budgetkg/id/doc/d{i}> .\n'.encode()
              for i in range(6)]
    store.load_stream(iter(pieces))
    text = "\n".join(r.content.decode() for r in seen if r.url.path == "/update")
    assert all(f"<https://e.org/s{i}>" in text for i in range(6))  # every piece written
    assert 1 < sum(1 for r in seen if r.url.path == "/update") < 6  # gathered, not a request a piece
