"""`budgetkg sparql`: a researcher's query from the command line, checked and formatted."""
from __future__ import annotations

import json
import unicodedata

import pyoxigraph as ox

from budgetkg.query.guard import QueryRejected, as_written, check_query, inspect_query, with_prefixes
from budgetkg.query.sandbox import term_json
from budgetkg.stores import Select, Store

RESULT_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "table": ox.RdfFormat.TURTLE,
                 "json": ox.RdfFormat.N_TRIPLES, "csv": ox.RdfFormat.N_TRIPLES, "tsv": ox.RdfFormat.N_TRIPLES}


def run_cli_query(store: Store, text: str, fmt: str, allow_update: bool = False) -> str | Select:
    """Run a query or, with `allow_update`, an update; raises QueryRejected with a message for the
    person who typed it (line numbers as typed: the predeclared prefixes are not counted)."""
    query, added = with_prefixes(text)
    try:
        form = check_query(query, allow_update=True, known_graphs=set(store.named_graphs()))
    except QueryRejected as error:
        raise as_written(error, added) from None
    if form == "UPDATE":
        if not allow_update:
            operations = ", ".join(sorted(set(inspect_query(query).operations)))
            raise QueryRejected(f"this is a SPARQL Update ({operations}), which changes the store; "
                                "run it with `budgetkg sparql --allow-update` if that is what you want")
        store.update(query)
        return "update done\n"
    if form == "ASK":
        answer = store.ask(query)
        return json.dumps({"head": {}, "boolean": answer}) + "\n" if fmt == "json" else f"{'yes' if answer else 'no'}\n"
    if form in {"CONSTRUCT", "DESCRIBE"}:
        triples = store.construct(query)
        return ox.serialize(triples, format=GRAPH_FORMATS[fmt]).decode("utf-8")
    return store.select(query)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cell(term) -> str:
    if term is None:
        return ""
    return term.value


def format_select(result: Select, fmt: str) -> str:
    if fmt == "table":
        header = result.variables
        rows = [[_cell(t) for t in row] for row in result.rows]
        widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(header)]
        pad = lambda text, w: text + " " * (w - _width(text))  # noqa: E731
        lines = [" | ".join(pad(h, w) for h, w in zip(header, widths)), "-+-".join("-" * w for w in widths)]
        lines += [" | ".join(pad(c, w) for c, w in zip(r, widths)) for r in rows]
        lines.append(f"({len(rows)} rows)")
        return "\n".join(lines) + "\n"
    if fmt in RESULT_FORMATS:
        return _serialize(result, fmt)
    raise ValueError(f"format {fmt} is for CONSTRUCT queries")


def _serialize(result: Select, fmt: str) -> str:
    if fmt == "json":
        bindings = [{name: term_json(term) for name, term in zip(result.variables, row) if term is not None}
                    for row in result.rows]
        return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}, ensure_ascii=False) + "\n"
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_cell(t) for t in row])
    return out.getvalue()
