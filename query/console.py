"""`budgetkg sparql`: a researcher's query from the command line, checked and formatted."""
from __future__ import annotations

import json
import unicodedata

import pyoxigraph as ox

from budgetkg.ontology.terms import SPARQL_PREFIXES
from budgetkg.query.guard import QueryRejected, check_query
from budgetkg.store import OxigraphStore, Select, Store

RESULT_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV, "json": ox.QueryResultsFormat.JSON}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "table": ox.RdfFormat.TURTLE,
                 "json": ox.RdfFormat.N_TRIPLES, "csv": ox.RdfFormat.N_TRIPLES, "tsv": ox.RdfFormat.N_TRIPLES}


def with_prefixes(text: str) -> str:
    """The project's prefixes are predeclared, as in the web console; a query may redeclare them."""
    return SPARQL_PREFIXES + text


def run_cli_query(store: Store, text: str, fmt: str, allow_update: bool = False) -> str | Select:
    from budgetkg.cli import CommandError

    query = with_prefixes(text)
    try:
        form = check_query(query, allow_update=allow_update, known_graphs=set(store.named_graphs()))
    except QueryRejected as error:
        raise CommandError(str(error)) from error
    if form == "UPDATE":
        if not isinstance(store, OxigraphStore) and not hasattr(store, "update"):
            raise CommandError("this store does not accept updates")
        store.update(query)  # type: ignore[attr-defined]
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
        bindings = []
        for row in result.rows:
            binding = {}
            for name, term in zip(result.variables, row):
                if term is None:
                    continue
                if isinstance(term, ox.NamedNode):
                    binding[name] = {"type": "uri", "value": term.value}
                elif isinstance(term, ox.BlankNode):
                    binding[name] = {"type": "bnode", "value": term.value}
                else:
                    value = {"type": "literal", "value": term.value}
                    if term.language:
                        value["xml:lang"] = term.language
                    elif term.datatype and term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                        value["datatype"] = term.datatype.value
                    binding[name] = value
            bindings.append(binding)
        return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}, ensure_ascii=False) + "\n"
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_cell(t) for t in row])
    return out.getvalue()
