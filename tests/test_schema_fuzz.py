"""Property-based requests generated from the app's own OpenAPI schema (schemathesis): no 5xx
except the documented 503/504 of the SPARQL endpoint, and responses that match the schema."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from budgetkg.api.app import create_app


@pytest.fixture(scope="module")
def api_schema(corpus_store):
    app = create_app(store=corpus_store, query_workers=1)
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    app.state.services.runner.close()


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors(case):
    case.call_and_validate()
