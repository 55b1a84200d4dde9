"""The `budgetkg` command."""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from pathlib import Path

from budgetkg import settings as process_settings
from budgetkg.settings import CORPUS_DIR, Settings, SettingsError
from budgetkg.stores import Store, StoreBusy, StoreError, open_store


class CommandError(Exception):
    """A failure to report in one line, with a non-zero exit code."""


def _store(args: argparse.Namespace, read_only: bool = False) -> Store:
    settings: Settings = args.settings
    return open_store(settings.store_spec, read_only=read_only, settings=settings)


def _with_data(args: argparse.Namespace) -> Store:
    """The store for a reading command; a store another process is writing is read as it stands."""
    from budgetkg.ingest.pipeline import ensure_data, print_progress

    try:
        store = _store(args)
    except StoreBusy:
        store = _store(args, read_only=True)
        if store.is_empty():
            raise
        print(f"note: {store.spec} is being written by another process; reading it as it stands", file=sys.stderr)
        return store
    ensure_data(store, print_progress)
    return store


def cmd_ingest(args: argparse.Namespace) -> int:
    from budgetkg.ingest.pipeline import ingest, print_progress

    paths = [Path(p) for p in args.paths] or [CORPUS_DIR]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise CommandError(f"no such file or directory: {', '.join(missing)}")
    if args.out:
        from budgetkg.ingest.bulk import write_bulk

        reports = write_bulk(paths, Path(args.out), jobs=args.jobs, progress=print_progress)
    else:
        from budgetkg.query.audit import evidence

        store = _store(args)
        # each document's audit evidence is made where it is parsed, so that `budgetkg check` need not read the store
        reports = ingest(store, paths, None if args.quiet else print_progress, batch_size=args.batch_size,
                         jobs=args.jobs, bulk=args.bulk, extract=evidence.extract, extracted=evidence.remember)
        if any(r.graph for r in reports):
            from budgetkg.query.ask import Asker

            Asker(store)  # fills the question layer's caches: the next ask or serve starts at once
        store.close()
    for report in reports:
        for warning in report.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    failed = [r for r in reports if r.error]
    done = len(reports) - len(failed)
    print(f"ingested {done} of {len(reports)} documents"
          f" ({sum(r.observations for r in reports)} observations, {sum(len(r.warnings) for r in reports)} warnings)")
    for report in failed:
        print(f"error: {report.error}", file=sys.stderr)
    return 1 if failed else 0


def _read_query(args: argparse.Namespace) -> str:
    if args.query in (None, "-", "--"):
        return sys.stdin.read()
    if args.query.startswith("@"):
        return Path(args.query[1:]).read_text(encoding="utf-8")
    return args.query


def cmd_sparql(args: argparse.Namespace) -> int:
    from budgetkg.query.console import format_select, run_cli_query
    from budgetkg.query.guard import QueryRejected

    store = _with_data(args)
    text = _read_query(args)
    try:
        output = run_cli_query(store, text, args.format, allow_update=args.allow_update)
    except QueryRejected as error:
        raise CommandError(str(error)) from None
    sys.stdout.write(output if isinstance(output, str) else format_select(output, args.format))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from budgetkg.query.stats import stats

    store = _with_data(args)
    result = stats(store)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        totals = result["totals"]
        print(f"store: {store.spec}")
        print(f"documents {totals['documents']}, units {totals['units']}, observations {totals['observations']}, "
              f"projects {totals['projects']}, triples {totals['triples']}")
        for doc in result["documents"]:
            print(f"  {doc['file']}: {doc['title']} — {doc['observations']} observations, {doc['units']} units, "
                  f"{doc['projects']} projects, {doc['triples']} triples")
    return 0


def _unit_names(store: Store):
    """A name read as the question layer reads it (built only when a name needs it: it takes a moment)."""
    def named(text: str) -> list[str]:
        from budgetkg.query.ask import Asker

        return Asker(store).understander.understand(text).units

    return named


def cmd_export(args: argparse.Namespace) -> int:
    from budgetkg.query.export import ExportError, export

    store = _with_data(args)
    try:
        data = export(store, args.format, unit=args.unit, document=args.document, unit_names=_unit_names(store))
    except ExportError as error:
        raise CommandError(str(error)) from error
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"wrote {len(data)} bytes to {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from budgetkg.query.audit import RULES, UnknownRule, audit, default_rules

    if args.list_rules:
        for rule in RULES.values():
            print(f"{rule.id:<17} {'' if rule.default else '(asked for) '}{rule.title}")
        return 0
    rules = [r.strip() for r in ",".join(args.rules or []).split(",") if r.strip()] or default_rules()
    if args.shacl and "shacl" not in rules:
        rules.append("shacl")
    fmt = "json" if args.json else args.format
    store = _with_data(args)
    try:
        report = audit(store, rules)
    except UnknownRule as error:
        raise CommandError(str(error)) from None
    if fmt == "json":
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        sys.stdout.write(report.csv())
    else:
        print(report.text())
    return 1 if report.has_errors else 0


def cmd_ask(args: argparse.Namespace) -> int:
    from budgetkg.query.ask import Asker

    store = _with_data(args)
    asker = Asker(store)
    questions = [" ".join(args.question)] if args.question else (line.rstrip("\n") for line in sys.stdin)
    session = "cli"
    for question in questions:
        if not args.question and not question.strip():
            continue
        result = asker.ask(question, session_id=session)
        if args.json:
            print(json.dumps(result, ensure_ascii=False), flush=True)
        else:
            print(result["answer"], flush=True)
            if args.sparql and result.get("sparql"):
                print(result["sparql"])
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    from budgetkg.ingest.pipeline import ensure_data, is_ready, print_progress

    settings: Settings = dataclasses.replace(args.settings, query_workers=args.query_workers or args.settings.query_workers)
    address = f"http://{args.host}:{args.port}/"
    if settings.store_spec == "memory":  # it lives in this process: filled here, served by this process alone
        if (args.workers or 1) > 1:
            raise CommandError("a memory store lives in one process: serve it with --workers 1, or name a directory")
        from budgetkg.api.app import create_app

        store = open_store("memory", settings=settings)
        ensure_data(store, print_progress)
        print(f"budgetkg serving memory at {address}", file=sys.stderr, flush=True)
        uvicorn.run(create_app(settings, store=store), host=args.host, port=args.port, log_level="warning")
        return 0
    # a store someone else is writing is served as it stands; only an empty or outdated one is filled first
    try:
        store = open_store(settings.store_spec, read_only=True, settings=settings)
        ready = is_ready(store)
        store.close()
    except StoreError:
        ready = False
    if not ready:
        store = open_store(settings.store_spec, settings=settings)
        ensure_data(store, print_progress)
        store.close()
    os.environ.update(settings.environ())  # the server's processes build the same settings from it
    print(f"budgetkg serving {settings.store_spec} at {address}", file=sys.stderr, flush=True)
    from budgetkg.api.server import run

    run("budgetkg.api.app:create_app", args.host, args.port, args.workers or settings.workers)
    return 0


def build_parser() -> argparse.ArgumentParser:
    # --store is accepted before and after the command (`budgetkg --store X ingest`, `budgetkg ingest
    # --store X`); after the command it is only set when given, so it never hides the one before.
    store_help = ("a directory (embedded Oxigraph), 'memory', or a SPARQL endpoint URL "
                  "(default: $BUDGETKG_STORE, else a store in the per-user data directory)")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", default=argparse.SUPPRESS, help=store_help)
    parser = argparse.ArgumentParser(prog="budgetkg", description="Knowledge graph of Chinese public budget disclosures.")
    parser.add_argument("--store", default=None, help=store_help)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, **kwargs: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], **kwargs)

    p = command("ingest", help="ingest documents (default: the bundled corpus)")
    p.add_argument("paths", nargs="*", help="files or directories")
    p.add_argument("--quiet", action="store_true", help="no per-document progress")
    p.add_argument("--out", help="write one N-Quads file per document to this directory instead of a store")
    p.add_argument("--jobs", type=int, default=1, help="parallel parser processes (default 1)")
    p.add_argument("--bulk", action="store_true",
                   help="add new documents with Oxigraph's bulk loader: faster, but a crash can leave one half-written")
    p.add_argument("--batch-size", type=int, default=50, help="documents written per transaction (default 50)")
    p.set_defaults(func=cmd_ingest)

    p = command("sparql", help="run a SPARQL query ('-' or '--' reads it from stdin, '@file' from a file)")
    p.add_argument("query", nargs="?", default="-", help="the query, '-' (stdin) or '@file'")
    p.add_argument("--format", default="table", choices=["table", "csv", "json", "tsv", "turtle", "nt"],
                   help="output format (default table)")
    p.add_argument("--allow-update", action="store_true", help="allow SPARQL Update (refused otherwise)")
    p.set_defaults(func=cmd_sparql)

    from budgetkg.query.export import FORMATS

    p = command("export", help="export the graph (RDF, CSV, GraphML, GEXF, Cytoscape JSON)")
    p.add_argument("--format", default="turtle", choices=list(FORMATS), help="output format (default turtle)")
    p.add_argument("--unit", help="only this unit (code or name, as in a question) and what it links to")
    p.add_argument("--document", help="only this document (IRI, file name or content hash prefix)")
    p.add_argument("-o", "--output", help="file to write (default: stdout)")
    p.set_defaults(func=cmd_export)

    p = command("check", help="audit the documents: every stated figure against the tables, across documents and years "
                              "(exit 1 when an error is found)")
    p.add_argument("--rules", action="append", metavar="RULE[,RULE…]",
                   help="only these rules (comma-separated, or the option repeated); --list-rules names them")
    p.add_argument("--list-rules", action="store_true", help="list the rules and what each checks")
    p.add_argument("--format", default="text", choices=["text", "json", "csv"], help="report format (default text)")
    p.add_argument("--json", action="store_true", help="the same as --format json")
    p.add_argument("--shacl", action="store_true", help="also validate the graph against the SHACL shapes (the rule 'shacl')")
    p.set_defaults(func=cmd_check)

    p = command("stats", help="counts per document")
    p.add_argument("--json", action="store_true", help="print the counts as JSON")
    p.set_defaults(func=cmd_stats)

    p = command("ask", help="ask a question in Chinese (no question: one per line from stdin)")
    p.add_argument("question", nargs="*", help="the question (words are joined with spaces)")
    p.add_argument("--json", action="store_true", help="print one JSON object per question")
    p.add_argument("--sparql", action="store_true", help="also print the SPARQL query")
    p.set_defaults(func=cmd_ask)

    p = command("serve", help="start the web server (chat, SPARQL console and endpoint, export)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--workers", type=int, default=None,
                   help="server processes (default: $BUDGETKG_WORKERS or the number of cores); they share an on-disk store")
    p.add_argument("--query-workers", type=int, default=None,
                   help="SPARQL query worker processes per server process (default: $BUDGETKG_QUERY_WORKERS or 2)")
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.settings = Settings.from_env(**({"store": args.store} if args.store else {}))
        process_settings.activate(args.settings)
        return args.func(args)
    except (CommandError, StoreError, SettingsError) as error:
        print(f"budgetkg {args.command}: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
