"""The web API through FastAPI's TestClient: every route, its status and content type, hostile input."""
from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import QUESTIONS, SETTINGS
from fastapi.testclient import TestClient

from budgetkg.api.app import create_app, open_for_serving
from budgetkg.stores import open_store

PREFIXLESS = "SELECT DISTINCT ?name WHERE { ?u a org:Organization ; skos:prefLabel ?name } ORDER BY ?name"
LIUZHOU = "https://w3id.org/budgetkg/id/unit/450200/103007"


@pytest.fixture(scope="module")
def app(corpus_store):
    app = create_app(replace(SETTINGS, query_workers=1), store=corpus_store)
    yield app
    app.state.services.runner.close()


@pytest.fixture(scope="module")
def client(app):
    return TestClient(app)


def json_of(response, status=200):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


# ------------------------------------------------------------------ pages and health
@pytest.mark.parametrize("path, script", [("/", "chat.js"), ("/console", "yasgui.min.js"), ("/units", "units.js"),
                                          ("/units/450200/103007", "units.js")])
def test_pages_are_html_with_a_strict_policy(client, path, script):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert script in response.text
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy and "unsafe-eval" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def test_static_files_and_vendored_console(client):
    for path, kind in [("/static/chat.js", "javascript"), ("/static/style.css", "text/css"),
                       ("/static/vendor/yasgui/yasgui.min.js", "javascript"), ("/static/vendor/yasgui/yasgui.min.css", "text/css")]:
        response = client.get(path)
        assert response.status_code == 200 and kind in response.headers["content-type"], path
    bundle = client.get("/static/vendor/yasgui/yasgui.min.js").text
    assert "sourceMappingURL" not in bundle


def test_unknown_unit_page_is_404_html(client):
    response = client.get("/units/999999/nothing")
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")


def test_healthz(client):
    health = json_of(client.get("/healthz"))
    assert health["status"] == "ok" and health["store"] == "memory" and health["units"] >= 10
    assert health["limits"]["max_question_chars"] == SETTINGS.max_question_chars
    assert health["load"]["answer_cache"]["capacity"] == SETTINGS.answer_cache > 0  # an empty cache is still one


def test_openapi_documents_every_route(client):
    schema = json_of(client.get("/openapi.json"))
    assert {"/api/ask", "/sparql", "/api/units", "/api/units/{key}", "/api/export", "/healthz"} <= set(schema["paths"])
    assert "AskResponse" in schema["components"]["schemas"]
    assert {"get", "post"} <= set(schema["paths"]["/sparql"])


def test_no_cors_unless_configured(client):
    response = client.get("/healthz", headers={"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in response.headers


def test_cors_when_configured(corpus_store):
    app = create_app(replace(SETTINGS, query_workers=1, cors_origins=("https://research.example",)), store=corpus_store)
    try:
        response = TestClient(app).get("/healthz", headers={"Origin": "https://research.example"})
        assert response.headers["access-control-allow-origin"] == "https://research.example"
        other = TestClient(app).get("/healthz", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers
    finally:
        app.state.services.runner.close()


# ------------------------------------------------------------------ questions
def test_ask_post_and_get(client):
    answer = json_of(client.post("/api/ask", json={"question": "长沙热线中心的人员经费"}))
    assert answer["status"] == "ok" and "341.53" in answer["answer"]
    assert answer["sources"][0]["line"] > 0 and answer["sources"][0]["document"]
    assert len(answer["session_id"]) >= 16
    assert {"text": "长沙市12345政务热线中心", "href": "/units/430100/152003"} in answer["links"]
    same = json_of(client.get("/api/ask", params={"q": "长沙热线中心的人员经费"}))
    assert same["answer"] == answer["answer"] and same["session_id"] != answer["session_id"]


def test_follow_up_uses_the_session(client):
    first = json_of(client.post("/api/ask", json={"question": "柳州热线中心的人员经费", "session_id": "test-follow-up"}))
    assert first["session_id"] == "test-follow-up"
    second = json_of(client.get("/api/ask", params={"q": "那长沙呢", "session_id": "test-follow-up"}))
    assert second["status"] == "ok" and "341.53" in second["answer"]


def test_ranking_has_a_chart_and_unit_links(client):
    answer = json_of(client.post("/api/ask", json={"question": "哪个热线中心的预算最多"}))
    assert answer["chart"]["values"][0] == 2850.48 and len(answer["chart"]["labels"]) == 3
    assert all(link["href"].startswith("/units/") for link in answer["links"])
    for link in answer["links"]:
        assert client.get(link["href"]).status_code == 200


def load_questions() -> list[dict]:
    return [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_same_answers_as_asker(client, asker):
    questions = load_questions()
    assert len(questions) >= 30
    for item in questions:
        through_api = json_of(client.post("/api/ask", json={"question": item["q"]}))
        direct = json.loads(json.dumps(asker.ask(item["q"], None), ensure_ascii=False))
        for key, value in direct.items():
            if key != "session_id":
                assert through_api[key] == value, (item["id"], key)


@pytest.mark.parametrize("body", [
    {"question": "问" * (SETTINGS.max_question_chars + 1)},
    {"question": ""},
    {"question": None},
    {"question": ["柳州"]},
    {},
    {"question": "柳州热线中心的人员经费", "session_id": "../../etc/passwd"},
    {"question": "柳州热线中心的人员经费", "session_id": "x" * 65},
])
def test_bad_questions_are_422_with_a_message(client, body):
    problem = json_of(client.post("/api/ask", json=body), 422)
    assert problem["error"].startswith("请求无效") and problem["detail"]
    assert len(json.dumps(problem)) < 2000  # the input is not echoed back


def test_malformed_json_is_422_and_says_where(client):
    for raw in (b"{", b"not json", b"[]", b'{"question": "a"'):
        json_of(client.post("/api/ask", content=raw, headers={"Content-Type": "application/json"}), 422)
    broken = json_of(client.post("/api/ask", content=b'{"question": "a" "session_id": 1}',
                                 headers={"Content-Type": "application/json"}), 422)
    assert "Expecting ',' delimiter at line 1, column 18" in broken["error"] and "body.13" not in broken["error"]


def test_body_that_is_not_utf8_says_so(client):
    not_utf8 = client.post("/api/ask", content=b'{"question": "\xff"}', headers={"Content-Type": "application/json"})
    message = json_of(not_utf8, 400)["error"]
    assert "not UTF-8" in message and "0xff at offset 14" in message and "error parsing the body" not in message


def test_mistyped_address_shows_the_404_page_to_browsers(client):
    page = client.get("/unitss", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "没有找到" in page.text and "content-security-policy" in page.headers
    assert json_of(client.get("/unitss"), 404)["error"]  # an API client still gets JSON
    assert json_of(client.get("/api/nothing", headers={"Accept": "text/html"}), 404)["error"]


def test_limits_come_from_the_apps_settings(corpus_store, use_settings):
    """Limits are the Settings the app is built with, not values frozen when a module was imported."""
    settings = replace(SETTINGS, query_workers=1, max_question_chars=40, max_request_bytes=5000, query_timeout_s=3.0)
    app = create_app(settings, store=corpus_store)
    use_settings()  # the other tests' settings again afterwards (create_app puts its own in force)
    try:
        small = TestClient(app)
        schema = json_of(small.get("/openapi.json"))
        assert schema["components"]["schemas"]["AskRequest"]["properties"]["question"]["maxLength"] == 40
        assert "3 s" in schema["paths"]["/sparql"]["get"]["responses"]["504"]["description"]
        assert json_of(small.post("/api/ask", json={"question": "柳州热线中心三公经费多少" * 3}))["status"] == "ok"  # 36
        json_of(small.post("/api/ask", json={"question": "问" * 41}), 422)
        assert json_of(small.get("/healthz"))["limits"] == {"query_timeout_s": 3.0, "max_rows": SETTINGS.max_rows,
                                                            "max_question_chars": 40, "max_request_bytes": 5000}
        json_of(small.post("/api/ask", content=b"x" * 6000, headers={"Content-Type": "application/json"}), 413)
    finally:
        app.state.services.runner.close()


def test_get_question_limits(client):
    json_of(client.get("/api/ask", params={"q": "问" * (SETTINGS.max_question_chars + 1)}), 422)
    json_of(client.get("/api/ask"), 422)


def test_request_body_cap(client):
    big = b'{"question": "' + b"x" * (SETTINGS.max_request_bytes + 10) + b'"}'
    problem = json_of(client.post("/api/ask", content=big, headers={"Content-Type": "application/json"}), 413)
    assert "BUDGETKG_MAX_REQUEST_BYTES" in problem["error"]
    chunks = (b"x" * 65536 for _ in range(SETTINGS.max_request_bytes // 65536 + 2))  # no Content-Length: chunked
    json_of(client.post("/sparql", content=chunks, headers={"Content-Type": "application/sparql-query"}), 413)


def test_hostile_question_text_is_only_text(client):
    answer = json_of(client.post("/api/ask", json={"question": "<img src=x onerror=alert(1)>的三公经费"}))
    assert answer["question"] == "<img src=x onerror=alert(1)>的三公经费"  # echoed as JSON data, never as markup


# ------------------------------------------------------------------ SPARQL endpoint
def sparql(client, query, accept=None, method="GET", **params):
    headers = {"Accept": accept} if accept else {}
    if method == "GET":
        return client.get("/sparql", params={"query": query, **params}, headers=headers)
    if method == "FORM":
        return client.post("/sparql", data={"query": query, **params}, headers=headers)
    return client.post("/sparql", content=query.encode(), headers={**headers, "Content-Type": "application/sparql-query"})


@pytest.mark.parametrize("method", ["GET", "FORM", "BODY"])
def test_select_all_three_ways_with_predeclared_prefixes(client, method):
    response = sparql(client, PREFIXLESS, method=method)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    assert response.headers["x-result-truncated"] == "false"
    names = [b["name"]["value"] for b in response.json()["results"]["bindings"]]
    assert "柳州市12345政务服务热线管理中心" in names and int(response.headers["x-result-rows"]) == len(names)


@pytest.mark.parametrize("accept, media, marker", [
    ("application/sparql-results+xml", "application/sparql-results+xml", "<sparql"),
    ("text/csv", "text/csv", "name\r\n"),
    ("text/tab-separated-values", "text/tab-separated-values", "?name\n"),
    ("application/json", "application/sparql-results+json", '"bindings"'),
])
def test_select_content_negotiation(client, accept, media, marker):
    response = sparql(client, PREFIXLESS, accept)
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert marker in response.text and "柳州" in response.text


@pytest.mark.parametrize("accept, media, marker", [
    ("text/turtle", "text/turtle", "@prefix skos:"),
    ("application/n-triples", "application/n-triples", "<http://www.w3.org/2004/02/skos/core#prefLabel>"),
    ("application/ld+json", "application/ld+json", "@id"),
])
def test_construct_content_negotiation(client, accept, media, marker):
    query = "CONSTRUCT { ?u skos:prefLabel ?n } WHERE { ?u a org:Organization ; skos:prefLabel ?n }"
    response = sparql(client, query, accept)
    assert response.status_code == 200 and response.headers["content-type"].startswith(media)
    assert marker in response.text


def test_ask_describe_and_format_parameter(client):
    response = sparql(client, "ASK { ?u bk:code \"103007\" }")
    assert response.json() == {"head": {}, "boolean": True}
    response = sparql(client, f"DESCRIBE <{LIUZHOU}>", format="nt")
    assert response.headers["content-type"].startswith("application/n-triples") and LIUZHOU in response.text
    response = sparql(client, PREFIXLESS, "application/sparql-results+json", format="csv")
    assert response.headers["content-type"].startswith("text/csv")


def test_known_from_graph_is_allowed(client, corpus_store):
    graph = corpus_store.named_graphs()[0]
    response = sparql(client, f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}")
    assert response.status_code == 200 and int(response.json()["results"]["bindings"][0]["n"]["value"]) > 0


@pytest.mark.parametrize("query, words", [
    ("INSERT DATA { <http://a.example/s> <http://a.example/p> 1 }", "read-only"),
    ("DELETE WHERE { ?s ?p ?o }", "read-only"),
    ("DROP ALL", "read-only"),
    ("LOAD <http://example.org/data.ttl>", "LOAD"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { ?s ?p ?o . SERVICE SILENT <http://127.0.0.1:1/> { ?s ?p ?x } }", "SERVICE"),
    ("SELECT * FROM <http://example.org/other> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * WHERE { ?s ?p }", "syntax error"),
    ("   ", "Missing"),
])
@pytest.mark.parametrize("method", ["GET", "FORM", "BODY"])
def test_refused_queries_are_400_with_a_message(client, query, words, method):
    if method == "GET" and not query.strip():
        json_of(sparql(client, query, method=method), 422)  # the parameter's schema wants a non-blank query
        return
    response = sparql(client, query, method=method)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("text/plain") and words in response.text


def test_syntax_error_reports_the_users_line(client):
    response = sparql(client, "SELECT ?s\nWHERE {\n  ?s ?p\n}")
    assert response.status_code == 400 and "line 3, column 3" in response.text and "  ?s ?p\n" in response.text


def test_update_forms_are_refused(client):
    assert client.post("/sparql", data={"update": "DROP ALL"}).status_code == 400
    response = client.post("/sparql", content=b"DROP ALL", headers={"Content-Type": "application/sparql-update"})
    assert response.status_code == 400 and "read-only" in response.text
    assert client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "http://x.example/"}).status_code == 400
    assert client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")]).status_code == 400


def test_other_protocol_errors(client):
    assert client.post("/sparql", content=b"query=ASK{}", headers={"Content-Type": "text/plain"}).status_code == 415
    assert sparql(client, PREFIXLESS, "image/png").status_code == 406
    assert sparql(client, PREFIXLESS, format="turtle").status_code == 406
    assert client.post("/sparql", content=b"ASK {\xff}", headers={"Content-Type": "application/sparql-query"}).status_code == 400
    assert client.get("/sparql", headers={"Accept": "application/json"}).status_code == 400
    page = client.get("/sparql", headers={"Accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/console"


def test_row_cap_sets_the_truncated_header(client, app):
    runner = app.state.services.runner
    saved, runner.max_rows = runner.max_rows, 3
    try:
        response = sparql(client, "SELECT ?s WHERE { ?s ?p ?o }")
        assert response.headers["x-result-truncated"] == "true" and response.headers["x-result-rows"] == "3"
        assert len(response.json()["results"]["bindings"]) == 3
    finally:
        runner.max_rows = saved


def test_timeout_is_504_and_the_endpoint_recovers(client, app):
    runner = app.state.services.runner
    saved, runner.timeout_s = runner.timeout_s, 0.5
    try:
        response = sparql(client, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
        assert response.status_code == 504 and "stopped after 0.5 s" in response.text
    finally:
        runner.timeout_s = saved
    assert sparql(client, "ASK { ?s ?p ?o }").json()["boolean"] is True


# ------------------------------------------------------------------ units and export
def test_units_list_and_detail(client):
    units = json_of(client.get("/api/units"))
    by_code = {u["code"]: u for u in units}
    assert by_code["103007"]["parent"]["code"] == "103" and by_code["103"]["children"] == 6
    detail = json_of(client.get("/api/units/450200/103007"))
    assert detail["iri"] == LIUZHOU and detail["parent"]["href"] == "/units/450200/103"
    figures = {(f["label"], f["phase"]): f for f in detail["figures"] if f["year"] == 2024}  # the text also states 2023
    assert figures[("预算总额", "预算")]["amount"] == 1113.42
    assert figures[("基本支出", "预算")]["amount"] == 844.09
    assert figures[("三公经费", "预算")]["amount"] == 0.22
    assert ("支出合计", "决算") in figures and figures[("预算总额", "预算")]["source"]["line"] > 0
    assert {d["phase"] for d in detail["documents"]} == {"预算", "决算"}
    assert "<https://w3id.org/budgetkg/id/unit/450200/103007/slice/budget/expenditure-total>" in detail["sparql"]
    # the page's figure is the one an answer cites (one rule: query.figures)
    answer = json_of(client.post("/api/ask", json={"question": f"柳州热线中心{figures[('基本支出', '预算')]['year']}年基本支出预算"}))
    assert answer["sources"][0] == figures[("基本支出", "预算")]["source"]
    parent = json_of(client.get("/api/units/450200/103"))
    assert len(parent["children"]) == 6


def test_unit_lookup_by_code_name_and_name_digest(client):
    assert json_of(client.get("/api/units/103007"))["iri"] == LIUZHOU
    assert json_of(client.get("/api/units/柳州市12345政务服务热线管理中心"))["iri"] == LIUZHOU
    chizhou = next(u for u in json_of(client.get("/api/units")) if u["name"] == "池州市政务服务便民热线中心")
    assert re.fullmatch(r"/units/341700/name-[0-9a-f]{12}", chizhou["href"])  # no percent-encoded name
    assert json_of(client.get("/api" + chizhou["href"]))["name"] == "池州市政务服务便民热线中心"
    assert client.get(chizhou["href"]).status_code == 200
    json_of(client.get("/api/units/柳州市人民政府办公室"), 404)  # two units have this name
    json_of(client.get("/api/units/nothing-here"), 404)


@pytest.mark.parametrize("fmt, media, marker", [
    ("turtle", "text/turtle", b"@prefix"), ("nt", "application/n-triples", b"> ."), ("nquads", "application/n-quads", b"> ."),
    ("trig", "application/trig", b"{"), ("jsonld", "application/ld+json", b"@context"), ("csv", "text/csv", b"unit_code"),
    ("graphml", "application/graphml+xml", b"<graphml"), ("gexf", "application/gexf+xml", b"<gexf"),
    ("cytoscape", "application/json", b'"elements"'),
])
def test_export_formats(client, fmt, media, marker):
    response = client.get("/api/export", params={"format": fmt, "document": "000_09de1729fb91b93b.txt"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(media) and marker in response.content
    assert response.headers["content-disposition"].startswith('attachment; filename="budgetkg-document.')


def test_export_whole_graph_and_unit(client):
    whole = client.get("/api/export")
    assert whole.status_code == 200 and whole.headers["content-disposition"] == 'attachment; filename="budgetkg.ttl"'
    unit = client.get("/api/export", params={"format": "csv", "unit": LIUZHOU})  # as the unit page links it
    assert unit.status_code == 200 and len(unit.content) < len(client.get("/api/export", params={"format": "csv"}).content)


def test_export_reads_a_unit_name_as_the_chat_does(client):
    assert json_of(client.post("/api/ask", json={"question": "池州热线中心的基本支出"}))["status"] == "ok"
    response = client.get("/api/export", params={"format": "csv", "unit": "池州热线中心"})
    assert response.status_code == 200, response.text
    rows = response.text.splitlines()
    assert len(rows) > 10 and all("池州市政务服务便民热线中心" in row for row in rows[1:])


def test_export_errors(client):
    json_of(client.get("/api/export", params={"format": "exe"}), 422)
    assert "no unit" in json_of(client.get("/api/export", params={"unit": "nobody"}), 404)["error"]
    json_of(client.get("/api/export", params={"document": "no-such-file.txt"}), 404)


# ------------------------------------------------------------------ opening stores for serving
def test_directory_store_opens_read_only_beside_a_writer(tmp_path, corpus_store):
    path = tmp_path / "store"
    writer = open_store(str(path))
    writer.load(b"\n".join(corpus_store.dump(ox.RdfFormat.N_QUADS).split(b"\n")[:50]) + b"\n")
    writer.flush()
    reader = open_for_serving(str(path), SETTINGS)  # the writer still holds the lock
    assert reader.read_only and reader.count() == 50
    reader.close()
    writer.close()
    fresh = open_for_serving(str(tmp_path / "new"), SETTINGS)  # nothing to read yet: read-write
    assert not fresh.read_only and fresh.is_empty()
    fresh.close()


def test_static_directory_is_packaged():
    static = Path(__file__).resolve().parents[1] / "api" / "static"
    for name in ("index.html", "console.html", "unit.html", "units.html", "404.html", "common.js", "chat.js",
                 "console.js", "units.js", "style.css", "vendor/yasgui/yasgui.min.js", "vendor/yasgui/LICENSE.md"):
        assert (static / name).is_file(), name
