"""What every route is handed: the store, the question layer, the unit index, the query runner, the settings."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request

from budgetkg.settings import Settings
from budgetkg.stores import Store

if TYPE_CHECKING:
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


def services(request: Request) -> Services:
    """The FastAPI dependency that hands a route the app's services."""
    return request.app.state.services
