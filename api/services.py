"""What every route is handed: the store, the question layer, the unit index, the query runner, the settings."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request

from budgetkg.settings import Settings
from budgetkg.stores import Store

if TYPE_CHECKING:
    from budgetkg.api.overload import Gate
    from budgetkg.api.units import Units
    from budgetkg.query.ask import Asker
    from budgetkg.query.sandbox import QueryRunner


@dataclass
class Services:
    settings: Settings
    store: Store
    asker: Asker
    units: Units
    runner: QueryRunner
    ask_gate: Gate  # the question layer's threads and queue
    sparql_gate: Gate  # the SPARQL endpoint's, one thread per query worker


async def services(request: Request) -> Services:
    """The FastAPI dependency that hands a route the app's services (async: no thread hop to fetch it)."""
    return request.app.state.services
