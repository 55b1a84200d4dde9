"""Static checks on user-written SPARQL before it reaches a store.

The public /sparql endpoint, the web console and ``budgetkg sparql`` run text from strangers, and
pyoxigraph makes real HTTP requests for ``SERVICE`` (and ``LOAD``).  So every query is parsed with
rdflib's SPARQL grammar and the parse tree is walked: a keyword inside a comment, a string or an
IRI is never mistaken for an operation, and an operation cannot be hidden from the check.

The text is parsed, never evaluated: rdflib fetches nothing while parsing (no FROM graph, no
SERVICE; `tests/test_guard.py` checks this with an audit hook).

rdflib and Oxigraph must also agree on where comments, strings and IRIs end, or a comment that
rdflib sees could hide an operation that Oxigraph runs.  Two differences are normalised away
before parsing (the check runs on that view; Oxigraph still gets the original text):

* a lone carriage return ends a comment for Oxigraph, but not for rdflib's ``#.*`` rule;
* rdflib expands ``\\uXXXX`` escapes everywhere before parsing, Oxigraph only inside strings and
  IRIs, so an escaped newline in a comment would end the comment for rdflib only.  Escapes are
  replaced by a harmless character of the same width (the decoded letter, or U+FFFD when the
  decoded character could end a token), so positions in error messages stay right.
"""
from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql import parser
from rdflib.plugins.sparql.algebra import translatePrologue
from rdflib.plugins.sparql.parserutils import CompValue

from budgetkg.ontology.terms import PREFIXES
from budgetkg.settings import DEFAULTS, Settings

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "UPDATE")
_QUERY_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}
_UPDATE_OPS = {"Load", "Clear", "Drop", "Create", "Add", "Move", "Copy", "InsertData", "DeleteData", "DeleteWhere", "Modify"}
_ESCAPE = re.compile(r"\\\\|\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_DECLARED = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?\s*:")
_LINE = re.compile(r"at line (\d+)")


class QueryRejected(ValueError):
    """The query is refused before it runs; ``str(error)`` is a message for the person who wrote it."""


@dataclass(frozen=True)
class QueryInfo:
    """What the parse tree says about a query (the policy is applied by `check_query`)."""

    form: str  # one of FORMS
    services: int  # SERVICE clauses anywhere, nested ones included
    operations: tuple[str, ...]  # update operations (rdflib names: InsertData, Load, ...)
    from_graphs: tuple[str, ...]  # FROM <iri>
    from_named: tuple[str, ...]  # FROM NAMED <iri>
    prefixes: tuple[tuple[str, str], ...]  # PREFIX declarations, e.g. to pretty-print Turtle

    @property
    def has_dataset(self) -> bool:
        """True when FROM / FROM NAMED replace the default dataset."""
        return bool(self.from_graphs or self.from_named)


def with_prefixes(query: str) -> tuple[str, int]:
    """The query with the project's prefixes (bk:, skos:, …) predeclared on one line before it,
    except those it declares itself, and the number of lines added (0 or 1)."""
    declared = {m.group(1) or "" for m in _DECLARED.finditer(query)}
    missing = [f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items() if p not in declared]
    return (" ".join(missing) + "\n" + query, 1) if missing else (query, 0)


def as_written(error: QueryRejected, added_lines: int) -> QueryRejected:
    """The error with its line numbers counted in the text as its author wrote it."""
    if not added_lines:
        return error
    return QueryRejected(_LINE.sub(lambda m: f"at line {max(1, int(m.group(1)) - added_lines)}", str(error)))


def check_query(
    text: str,
    *,
    allow_update: bool = False,
    known_graphs: set[str] | None = None,
    max_bytes: int = DEFAULTS.max_query_bytes,
) -> str:
    """Return the query form ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE" or "UPDATE") or raise QueryRejected."""
    info = inspect_query(text, max_bytes=max_bytes)
    if info.services:
        raise QueryRejected("SERVICE (federated query) is not allowed: queries may only read this knowledge graph.")
    if "Load" in info.operations:
        raise QueryRejected("LOAD is not allowed: the server does not fetch data from other addresses.")
    if info.form == "UPDATE" and not allow_update:
        ops = ", ".join(sorted(set(info.operations)))
        raise QueryRejected(f"This endpoint is read-only: updates ({ops}) are not allowed. Use SELECT, ASK, CONSTRUCT or DESCRIBE.")
    allowed = known_graphs or set()
    for keyword, iris in (("FROM", info.from_graphs), ("FROM NAMED", info.from_named)):
        unknown = [iri for iri in iris if iri not in allowed]
        if unknown:
            hint = "" if known_graphs else " (no graph may be named here; leave FROM out to query every graph)"
            raise QueryRejected(f"{keyword} <{unknown[0]}> is not a graph of this knowledge graph{hint}.")
    return info.form


def inspect_query(text: str, *, max_bytes: int = DEFAULTS.max_query_bytes) -> QueryInfo:
    """Parse `text` and describe it; raise QueryRejected if it is too long or not SPARQL."""
    if not isinstance(text, str):
        raise QueryRejected("the query must be text")
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise QueryRejected("the query is not valid Unicode text (it contains lone surrogates)") from None
    if size > max_bytes:
        raise QueryRejected(
            f"the query is {size:,} bytes long; the limit is {max_bytes:,} bytes ({Settings.variable('max_query_bytes')})."
        )
    if not text.strip():
        raise QueryRejected("the query is empty")
    result = _inspect_cached(text)
    if isinstance(result, str):  # failures are cached too, so repeating bad text costs nothing
        raise QueryRejected(result)
    return result


# rdflib's pyparsing grammar keeps parse state in shared objects: one parse at a time.
_PARSE_LOCK = threading.Lock()


@lru_cache(maxsize=256)
def _inspect_cached(text: str) -> QueryInfo | str:
    try:
        with _PARSE_LOCK:
            return _inspect(_oxigraph_view(text))
    except QueryRejected as error:
        return str(error)


def _oxigraph_view(text: str) -> str:
    """Same-length text on which rdflib sees the comments, strings and IRIs that Oxigraph sees."""
    text = text.replace("\r\n", " \n").replace("\r", "\n")

    def replace(match: re.Match[str]) -> str:
        raw = match.group(0)
        if raw == "\\\\":  # an escaped backslash: the next "u" is plain text, for both parsers
            return raw
        code = int(match.group(1) or match.group(2), 16)
        char = chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        if not (char.isascii() and char.isalnum()) and (char.isascii() or not char.isprintable()):
            char = "\ufffd"  # could end a comment, string or IRI: make it inert
        return char * len(raw)

    return _ESCAPE.sub(replace, text)


def _inspect(text: str) -> QueryInfo:
    # Call the grammars directly: parseQuery/parseUpdate would expand \u escapes again.
    tree: ParseResults | CompValue
    try:
        try:
            tree = parser.Query.parse_string(text, parse_all=True)
        except ParseBaseException as query_error:
            try:
                tree = parser.UpdateUnit.parse_string(text, parse_all=True)[0]
            except ParseBaseException as update_error:
                raise QueryRejected(_syntax_message(max(query_error, update_error, key=lambda e: e.loc))) from None
    except RecursionError:
        raise QueryRejected(
            "the query is nested too deeply (or has too many triple patterns in one group) for the checker; "
            "split it into smaller groups"
        ) from None
    except QueryRejected:
        raise
    except Exception as error:  # parse actions may raise anything on odd input; the guard fails closed
        raise QueryRejected(f"the query could not be read: {error}") from None

    nodes = list(_walk(tree))
    names = [node.name for node in nodes]
    operations = tuple(name for name in names if name in _UPDATE_OPS)
    if isinstance(tree, CompValue):  # an update request
        if not operations:
            raise QueryRejected("the query is empty (only comments or prefixes)")
        form = "UPDATE"
        prologue_node = None
    else:
        form = _QUERY_FORMS[tree[1].name]
        prologue_node = tree[0]

    from_graphs: list[str] = []
    from_named: list[str] = []
    prefixes: list[tuple[str, str]] = []
    if prologue_node is not None:
        try:
            prologue = translatePrologue(prologue_node, None)
            for node in nodes:
                if node.name == "DatasetClause":
                    if "default" in node:
                        from_graphs.append(str(prologue.absolutize(node["default"])))
                    else:
                        from_named.append(str(prologue.absolutize(node["named"])))
        except Exception as error:  # e.g. an undeclared prefix in FROM
            raise QueryRejected(f"the query could not be read: {error}") from None
        prefixes = [(str(n.get("prefix") or ""), str(n.get("iri"))) for n in nodes if n.name == "PrefixDecl"]
    return QueryInfo(
        form=form,
        services=names.count("ServiceGraphPattern"),
        operations=operations,
        from_graphs=tuple(from_graphs),
        from_named=tuple(from_named),
        prefixes=tuple(prefixes),
    )


def _walk(root: object) -> Iterator[CompValue]:
    """Every CompValue in the tree, iteratively (deep trees must not hit the recursion limit)."""
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            yield node
            stack.extend(dict.values(node))
        elif isinstance(node, (ParseResults, list, tuple)):
            stack.extend(node)


def _syntax_message(error: ParseBaseException) -> str:
    line = error.line.rstrip("\n")
    caret = " " * (error.col - 1) + "^"
    return f"SPARQL syntax error at line {error.lineno}, column {error.col}: {error.msg}\n  {line}\n  {caret}"
