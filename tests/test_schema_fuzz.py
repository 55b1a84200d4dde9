"""Property-based requests generated from the app's own OpenAPI schema (schemathesis): no 5xx
except the documented 503/504 of the SPARQL endpoint, and responses that match the schema."""
from __future__ import annotations

from dataclasses import replace

import pytest
import schemathesis
import schemathesis.specs.openapi.schemas  # noqa: F401  (see below)
from conftest import SETTINGS
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from budgetkg.api.app import create_app

# schemathesis imports the OpenAPI loader lazily, when the schema is first read; pytest rewrites a
# plugin's modules on import with ast.parse, which on CPython 3.11.7 fails with "AST constructor
# recursion depth mismatch" when called deep in the stack of a long session.  Imported above, at
# collection, it is parsed while the stack is shallow.


@pytest.fixture(scope="module")
def api_schema(corpus_store):
    app = create_app(replace(SETTINGS, query_workers=1), store=corpus_store)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    app.state.services.runner.close()


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.exclude(path="/api/export").parametrize()
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case):
    # The schema cannot say what SPARQL is, so a schema-valid query may still be refused (400).
    excluded = [positive_data_acceptance] if case.path == "/sparql" else []
    response = case.call_and_validate(excluded_checks=excluded)
    assert response.status_code < 500 or (case.path == "/sparql" and response.status_code in (503, 504))


@schema.include(path="/api/export").parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_export_no_server_errors(case):  # each export reads the whole graph: fewer examples
    assert case.call_and_validate().status_code < 500
