"""A SPARQL 1.1 endpoint as a budgetkg Store (tested against Virtuoso 7; written to the standards).

Reads use the SPARQL 1.1 Protocol (POST, form-encoded) with SPARQL JSON results, parsed into
pyoxigraph terms.  Writes use SPARQL 1.1 Update, sent to `update_url` (Settings.update_url, or
derived: `…/query` → `…/update`, otherwise the query URL itself), or the Graph Store Protocol's PUT
when `gsp_url` is set.  Credentials come from Settings.store_user / store_password; HTTP basic or
digest is chosen from the server's challenge.  Every request has a timeout (Settings.store_timeout_s,
default 120 s; writes get 5× that).

The default graph must be the union of the named graphs.  Virtuoso, GraphDB and Blazegraph (quad
mode) do that by default; Oxigraph server gets `union-default-graph`, Fuseki
`default-graph-uri=urn:x-arq:UnionGraph` (the engine is recognised by its `Server` header).
`named_graphs`, `count` and `is_empty` only see budgetkg's graphs (IRIs under the id namespace),
not an engine's own system graphs.
"""
from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

from budgetkg.ontology import terms as t
from budgetkg.settings import DEFAULTS
from budgetkg.stores.base import Kind, Select, StoreError, StoreTimeout, Term

GRAPH_PREFIX = str(t.ID)
JSON_RESULTS = "application/sparql-results+json"
RDF_ACCEPT = "application/n-triples, text/turtle;q=0.8, application/rdf+xml;q=0.5"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
UNION_PARAMS = {"oxigraph": {"union-default-graph": ""}, "fuseki": {"default-graph-uri": "urn:x-arq:UnionGraph"}}
# Virtuoso's SPARQL parser runs out of stack near 5,000 triples in one INSERT DATA operation, so
# each operation holds at most OP_TRIPLES; one request holds operations up to REQUEST_BYTES
# (Virtuoso refuses a request body over 10 MB: "HT057 … string session longer than 10Mb").
OP_TRIPLES = 2_000
REQUEST_BYTES = 8 * 1024 * 1024
_BNODE_LABEL = re.compile(r"[^A-Za-z0-9_]")


class _Auth(httpx.Auth):
    """Basic or digest, whichever the server's first challenge asks for."""

    requires_request_body = True

    def __init__(self, user: str, password: str) -> None:
        self._schemes = {"basic": httpx.BasicAuth(user, password), "digest": httpx.DigestAuth(user, password)}
        self._scheme: str | None = None

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        challenged = None
        if self._scheme is None:
            challenged = yield request
            if challenged.status_code != 401:
                return
            header = challenged.headers.get("www-authenticate", "").strip().lower()
            self._scheme = "digest" if header.startswith("digest") else "basic"
        flow = self._schemes[self._scheme].auth_flow(request)
        request = next(flow)
        if challenged is not None and self._scheme == "digest":
            request = flow.send(challenged)  # the 401 in hand answers the digest flow's unauthenticated try
        while True:
            response = yield request
            try:
                request = flow.send(response)
            except StopIteration:
                return


def term_from_json(binding: dict[str, Any]) -> Term:
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ox.NamedNode(value)
    if kind == "bnode":
        return ox.BlankNode(_BNODE_LABEL.sub("_", value) or None)
    language = binding.get("xml:lang") or binding.get("lang")
    if language:
        return ox.Literal(value, language=language)
    datatype = binding.get("datatype")
    if datatype and datatype not in (XSD_STRING, RDF_LANG_STRING):
        return ox.Literal(value, datatype=ox.NamedNode(datatype))
    return ox.Literal(value)


def _update_url(url: str) -> str:
    return url[: -len("/query")] + "/update" if url.endswith("/query") else url


class RemoteStore:
    kind: Kind = "remote"
    read_only = False

    def __init__(self, url: str, update_url: str = "", gsp_url: str = "", user: str = "", password: str = "",
                 timeout: float = DEFAULTS.store_timeout_s, transport: httpx.BaseTransport | None = None) -> None:
        self.spec = self.url = url
        self.update_url = update_url or _update_url(url)
        self.gsp_url = gsp_url or None
        self.timeout = timeout
        self._client = httpx.Client(auth=_Auth(user, password) if user else None,
                                    timeout=httpx.Timeout(self.timeout, connect=10.0),
                                    headers={"User-Agent": "budgetkg"}, transport=transport)
        self._union: dict[str, str] | None = None

    # ------------------------------------------------------------ protocol
    def _union_params(self) -> dict[str, str]:
        """Parameters that make the default graph the union of the named graphs on this engine."""
        if self._union is None:
            response = self._request("GET", self.url, params={"query": "ASK {}"}, headers={"Accept": JSON_RESULTS})
            server = response.headers.get("server", "").lower()
            engine = next((e for e in UNION_PARAMS if e in server or (e == "fuseki" and "jena" in server)), None)
            self._union = UNION_PARAMS.get(engine, {})
        return self._union

    def _request(self, method: str, url: str, timeout: float | None = None, **kwargs: Any) -> httpx.Response:
        try:
            response = self._client.request(method, url, timeout=timeout or httpx.USE_CLIENT_DEFAULT, **kwargs)
        except httpx.TimeoutException as error:
            raise StoreTimeout(f"{url}: no answer within {timeout or self.timeout:.0f} s") from error
        except httpx.HTTPError as error:
            raise StoreError(f"{url}: {error}") from error
        if response.status_code >= 400:
            detail = response.text.strip().splitlines()[:3]
            raise StoreError(f"{url}: HTTP {response.status_code}: {' '.join(detail)[:500]}")
        # Virtuoso returns what it has when a limit cuts a query short; a partial answer is an error here.
        if response.headers.get("x-sql-state") == "S1TAT":
            raise StoreError(f"{url}: partial result ({response.headers.get('x-sql-message', 'limit reached')})")
        return response

    def _query(self, sparql: str, accept: str) -> httpx.Response:
        return self._request("POST", self.url, data={"query": sparql, **self._union_params()}, headers={"Accept": accept})

    def _results(self, sparql: str) -> dict[str, Any]:
        response = self._query(sparql, JSON_RESULTS)
        try:
            return json.loads(response.content)
        except ValueError as error:
            raise StoreError(f"{self.url}: not SPARQL JSON results ({response.headers.get('content-type')})") from error

    def update(self, sparql: str) -> None:
        """A SPARQL Update request (one transaction on engines that run a request atomically)."""
        self._request("POST", self.update_url, timeout=self.timeout * 5, content=sparql.encode("utf-8"),
                      headers={"Content-Type": "application/sparql-update; charset=utf-8"})

    # ------------------------------------------------------------ Store
    def select(self, sparql: str) -> Select:
        data = self._results(sparql)
        if "results" not in data:
            raise ValueError("not a SELECT query")
        variables: list[str] = data["head"]["vars"]
        rows = [tuple(term_from_json(b[v]) if v in b else None for v in variables) for b in data["results"]["bindings"]]
        return Select(variables, rows)

    def ask(self, sparql: str) -> bool:
        data = self._results(sparql)
        if "boolean" not in data:
            raise ValueError("not an ASK query")
        return bool(data["boolean"])

    def construct(self, sparql: str) -> list[ox.Triple]:
        response = self._query(sparql, RDF_ACCEPT)
        media = response.headers.get("content-type", "application/n-triples").split(";")[0].strip()
        fmt = ox.RdfFormat.from_media_type(media)
        if fmt is None:
            raise StoreError(f"{self.url}: unexpected RDF media type {media}")
        return [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(response.content, format=fmt)]

    def replace_graphs(self, graphs: dict[str, list[ox.Quad]]) -> None:
        """Replace each graph by its quads, in as few update requests as possible.

        Each request is one transaction on Virtuoso (and on engines that run an update request
        atomically).  Requests stay under REQUEST_BYTES: graphs are grouped whole, so each graph is
        still replaced atomically, but together they are not (a failure leaves the earlier
        requests' graphs replaced).  A single graph larger than REQUEST_BYTES is written over
        several requests and is then not atomic: a reader can see it half written, and a failure
        leaves it incomplete until the document is ingested again.
        """
        if self.gsp_url:
            for name, quads in graphs.items():
                self._put_graph(name, quads)
            return
        for request in self._update_requests(graphs):
            self.update(request)

    def _update_requests(self, graphs: dict[str, list[ox.Quad]]) -> Iterator[str]:
        parts: list[str] = []
        size = 0
        for name, quads in graphs.items():
            operations = [f"DROP SILENT GRAPH <{name}>", *_insert_operations(name, quads)]
            for operation in operations:
                if parts and size + len(operation) > REQUEST_BYTES:
                    yield " ;\n".join(parts)
                    parts, size = [], 0
                parts.append(operation)
                size += len(operation)
        if parts:
            yield " ;\n".join(parts)

    def _put_graph(self, name: str, quads: list[ox.Quad]) -> None:
        """Graph Store Protocol PUT: the engine replaces the one graph in one request."""
        body = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads), format=ox.RdfFormat.N_TRIPLES)
        self._request("PUT", self.gsp_url, timeout=self.timeout * 5, params={"graph": name}, content=body,
                      headers={"Content-Type": "application/n-triples"})

    def load(self, nquads: bytes, *, bulk: bool = False) -> None:
        """New graphs are written like replaced ones; an endpoint has no faster path to offer."""
        graphs: dict[str, list[ox.Quad]] = {}
        for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS, lenient=True):
            if isinstance(quad.graph_name, ox.NamedNode):
                graphs.setdefault(quad.graph_name.value, []).append(quad)
        if graphs:
            self.replace_graphs(graphs)

    def load_stream(self, pieces: Iterable[bytes]) -> None:
        """The pieces gathered to a request's worth (`load` splits what it is given into requests anyway)."""
        batch: list[bytes] = []
        size = 0
        for piece in pieces:
            batch.append(piece)
            size += len(piece)
            if size >= REQUEST_BYTES:
                self.load(b"".join(batch))
                batch, size = [], 0
        if batch:
            self.load(b"".join(batch))

    def drop_graph(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def named_graphs(self) -> list[str]:
        rows = self.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_OURS} }}").rows
        return sorted(r[0].value for r in rows if isinstance(r[0], ox.NamedNode))

    def count(self, graph: str | None = None) -> int:
        where = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else f"GRAPH ?g {{ ?s ?p ?o }} {_OURS}"
        return int(self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}").rows[0][0].value)

    def dump(self, fmt: ox.RdfFormat, graph: str | None = None) -> bytes:
        if graph is not None:
            return ox.serialize(self._graph_triples(graph), format=fmt)
        quads = [ox.Quad(tr.subject, tr.predicate, tr.object, ox.NamedNode(name))
                 for name in self.named_graphs() for tr in self._graph_triples(name)]
        return ox.serialize(quads, format=fmt)

    def _graph_triples(self, graph: str) -> list[ox.Triple]:
        return self.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")

    def is_empty(self) -> bool:
        return not self.ask(f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} {_OURS} }}")

    def snapshot(self) -> None:
        return None  # the endpoint runs queries itself: see stream

    @contextmanager
    def stream(self, sparql: str, accept: str, timeout_s: float) -> Iterator[Iterator[bytes]]:
        """The endpoint's answer as it arrives, with this store's credentials and union-graph parameters."""
        data = {"query": sparql, **self._union_params()}
        try:
            with self._client.stream("POST", self.url, data=data, headers={"Accept": accept},
                                     timeout=httpx.Timeout(timeout_s)) as response:
                if response.status_code >= 400:
                    detail = response.read()[:500].decode("utf-8", "replace").strip()
                    raise StoreError(f"the SPARQL endpoint answered {response.status_code}: {detail}")
                yield response.iter_bytes()
        except httpx.TimeoutException as error:
            raise StoreTimeout(f"{self.url}: no answer within {timeout_s:g} s") from error
        except httpx.HTTPError as error:
            raise StoreError(f"{self.url}: {error}") from error

    def sidecar(self) -> Path | None:
        return None

    def flush(self) -> None:
        pass  # every request is complete when it returns

    def close(self) -> None:
        self._client.close()


_OURS = f'FILTER(STRSTARTS(STR(?g), "{GRAPH_PREFIX}"))'


def _insert_operations(graph: str, quads: Iterable[ox.Quad]) -> Iterator[str]:
    """INSERT DATA operations of at most OP_TRIPLES triples.

    Triples with blank nodes go into one `INSERT {…} WHERE {}` (INSERT DATA may not hold blank
    nodes on Virtuoso, and a blank node must stay one node, so they are never split).
    """
    plain: list[str] = []
    blank: list[str] = []
    for q in quads:
        line = f"{q.subject} {q.predicate} {q.object} ."
        (blank if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) else plain).append(line)
    for i in range(0, len(plain), OP_TRIPLES):
        yield f"INSERT DATA {{ GRAPH <{graph}> {{\n" + "\n".join(plain[i:i + OP_TRIPLES]) + "\n} }"
    if blank:
        yield f"INSERT {{ GRAPH <{graph}> {{\n" + "\n".join(blank) + "\n} } WHERE {}"
