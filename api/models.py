"""Request and response models of the web API (they are what /docs and /openapi.json show)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SESSION_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
Status = Literal["ok", "no_data", "ambiguous", "not_understood", "not_found"]


class ErrorResponse(BaseModel):
    error: str = Field(description="what went wrong, for a person")
    detail: Any = Field(None, description="machine-readable details (validation errors)")


def ask_request(max_question_chars: int) -> type[BaseModel]:
    """The question body, with the server's limit on a question's length."""

    class AskRequest(BaseModel):
        question: str = Field(min_length=1, max_length=max_question_chars, description="问题（中文）",
                              examples=["柳州热线中心三公经费多少"])
        session_id: str | None = Field(None, pattern=SESSION_PATTERN,
                                       description="会话编号：追问（如“那长沙呢”）沿用上一问的内容；不给则新建")

    return AskRequest


class Entity(BaseModel):
    type: str
    text: str
    start: int
    end: int
    ids: list[str]


class Source(BaseModel):
    model_config = ConfigDict(extra="allow")
    document: str = Field(description="document title")
    file: str = ""
    graph: str = Field("", description="the document's named graph")
    table: int | None = Field(None, description="table number (0: the text)")
    table_title: str | None = None
    line: int | None = Field(None, description="line in the source file")


class Chart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    labels: list[str]
    values: list[float | None]
    unit: str = ""


class Link(BaseModel):
    text: str = Field(description="a unit name as it appears in the answer")
    href: str = Field(description="its unit page")


class AskResponse(BaseModel):
    question: str
    status: Status
    answer: str
    intent: str | None
    entities: list[Entity]
    tokens: list[str]
    year: int | None
    phase: list[str]
    sparql: str = Field(description="the queries that produced the answer, separated by blank lines")
    columns: list[str]
    rows: list[list[Any]]
    sources: list[Source]
    suggestions: list[str]
    chart: Chart | None
    session_id: str
    links: list[Link] = Field(description="unit names in the answer and their pages")


class UnitRef(BaseModel):
    key: str = Field(description="identifier used in /api/units/{key}: region/code, or region/name-digest for a unit without a code")
    name: str
    code: str | None
    href: str = Field(description="the unit's HTML page")


class UnitSummary(UnitRef):
    region: str
    parent: UnitRef | None
    children: int


class DocumentRef(BaseModel):
    iri: str
    title: str
    file: str
    year: int
    phase: str


class Figure(BaseModel):
    label: str = Field(description="预算总额, 支出合计, 基本支出, 项目支出 or 三公经费")
    phase: str = Field(description="预算 or 决算")
    year: int
    amount: float
    unit: str = "万元"
    source: Source


class UnitDetail(UnitRef):
    iri: str
    region: str
    parent: UnitRef | None
    children: list[UnitRef]
    documents: list[DocumentRef]
    figures: list[Figure]
    sparql: str = Field(description="the query behind the figures")


class FindingPlace(BaseModel):
    file: str = Field(description="source file")
    line: int = Field(description="line in the source file")
    page: int | None = Field(None, description="page of a PDF")
    table: int = Field(description="table number (0: the text)")
    table_title: str
    figure: str = Field(description="the figure as printed there (empty for a finding about words)")
    text: str = Field(description="the row and column, or the words")
    document: str = Field(description="the document's named graph")


class Finding(BaseModel):
    rule: str = Field(description="the audit rule (budgetkg check --list-rules)")
    severity: Literal["error", "warning", "hint"]
    message: str = Field(description="what disagrees and by how much, in a line")
    unit: str = Field(description="the unit the finding is about (IRI)")
    difference: str = Field(description="万元, or percentage points for a rate; empty when not a difference")
    places: list[FindingPlace] = Field(description="the places that disagree, the one the finding is about first")


class UnitFindings(UnitRef):
    summary: dict[str, int] = Field(description="findings by severity: error, warning, hint")
    findings: list[Finding]
    rules: list[str] = Field(description="the rules that were run")
    documents: int = Field(description="documents audited (the whole store: a unit's figures are also checked against others')")


class Limits(BaseModel):
    query_timeout_s: float
    max_rows: int
    max_question_chars: int
    max_request_bytes: int


class GateLoad(BaseModel):
    running: int = Field(description="requests being answered now")
    waiting: int = Field(description="requests waiting for a thread")
    slots: int = Field(description="requests answered at once")
    queue: int = Field(description="requests that may wait; beyond, 503 with Retry-After")
    answered: int
    refused: int = Field(description="503s since start")
    longest_wait_ms: float
    service_ms: float = Field(description="how long a request takes once it runs (moving average)")


class CacheLoad(BaseModel):
    entries: int
    capacity: int
    hits: int
    misses: int


class Load(BaseModel):
    ask: GateLoad = Field(description="the question layer (answers not in the cache)")
    sparql: GateLoad = Field(description="the SPARQL endpoint's query workers")
    answer_cache: CacheLoad


class Health(BaseModel):
    status: Literal["ok"]
    busy: bool = Field(description="every thread of the question layer or of the SPARQL workers taken: new requests wait")
    load: Load = Field(description="how busy this server process is")
    store: str = Field(description="memory, disk or remote")
    read_only: bool
    graphs: int
    units: int
    query_workers_network_isolated: bool
    limits: Limits
