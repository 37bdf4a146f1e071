"""``perfpack`` command line: ``demo``, ``ingest``, ``run``.

Exit status: 0 success, 1 partial (a notebook failed, or report.pdf could not be printed: the
rest of the report was still built and the overview says what is missing), 2 bad input or usage
(nothing in data/processed or reports/ was changed)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def _cmd_demo(args) -> int:
    from perfpack import demo
    from perfpack.paths import RAW_DIR, resolve

    raw = resolve(args.raw, RAW_DIR)
    summary = demo.write_demo(raw)
    print(f"demo force written to {raw}: {summary}")
    return 0


def _cmd_ingest(args) -> int:
    from perfpack import ingest

    if args.source == "police-uk":
        return _ingest_police_uk(args)

    argv = []
    if args.raw:
        argv += ["--raw", args.raw]
    if args.processed:
        argv += ["--processed", args.processed]
    return ingest.main(argv)


def _ingest_police_uk(args) -> int:
    from perfpack import ingest, police_uk

    if not args.data:
        print("error: --source police-uk needs --data <zip or folder>", file=sys.stderr)
        return 2
    force = None if args.force in (None, "", "all") else args.force
    try:
        summary = police_uk.ingest_police_uk(args.data, force, args.processed, lookup=args.lookup)
    except (ValueError, FileNotFoundError, ingest.IngestError) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    print(summary)
    for kind, coverage in summary.manifest.get("coverage", {}).items():
        for line in coverage.get("summary", []):
            print(f"  {kind}: {line}")
    return 0


def _cmd_run(args) -> int:
    from perfpack import runner

    only = [s for s in (args.only or "").split(",") if s] or None
    try:
        result = runner.run_batch(
            args.period,
            processed_dir=args.processed,
            reports_dir=args.reports,
            annotations_dir=args.annotations,
            workers=args.workers,
            cell_timeout=args.cell_timeout,
            only=only,
            progress=not args.quiet,
            window_months=args.window_months,
            pdf=not args.no_pdf,
        )
    except (runner.BatchError, ValueError) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    for r in result.results:
        state = "ok" if r.ok else f"FAILED at cell {r.cell}: {r.exception}"
        print(f"  {r.html:<40} {r.seconds:6.1f}s  {state}")
        for warning in r.warnings:
            print(f"    warning: {warning.splitlines()[0][:160]}")
    for note in result.notes:
        print(f"  note: {note}")
    print(f"report written to {Path(result.report_dir) / 'index.html'}")
    if result.failures:
        names = ", ".join(f"{r.slug} (cell {r.cell})" for r in result.failures)
        print(f"error: {len(result.failures)} notebook(s) failed: {names}", file=sys.stderr)
    if result.pdf_error:
        print(f"error: report.pdf not made: {result.pdf_error}", file=sys.stderr)
    return 0 if result.ok else 1


RUN_EXIT_STATUS = (
    "exit status: 0 the report was built with report.pdf (or without it when --no-pdf is given "
    "or no Chromium is installed: the overview says so); 1 partial: a notebook failed (its page "
    "is an error page) or Chromium could not print report.pdf (no report.pdf is left in the "
    "report, the overview says so); 2 bad input or usage, nothing changed."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="perfpack", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="write the embedded synthetic demo force into data/raw")
    demo.add_argument("--raw", help="folder to write (default data/raw)")
    demo.set_defaults(func=_cmd_demo)

    ingest = sub.add_parser("ingest", help="validate data/raw and rebuild data/processed")
    ingest.add_argument("--raw", help="raw folder (default data/raw)")
    ingest.add_argument("--processed", help="processed folder (default data/processed)")
    ingest.add_argument(
        "--source",
        choices=["force", "police-uk"],
        default="force",
        help="force records extracts in --raw (default), or data.police.uk downloads in --data",
    )
    ingest.add_argument("--data", help="police-uk: the downloaded zip or its extracted folder")
    ingest.add_argument("--force", help="police-uk: force slug, e.g. staffordshire (or all)")
    ingest.add_argument("--lookup", help="police-uk: CSV mapping LSOA or local authority to NPT")
    ingest.set_defaults(func=_cmd_ingest)

    run = sub.add_parser(
        "run",
        help="run the notebook batch for a period into reports/<period>",
        description="Run the notebook batch for a period into reports/<period>.",
        epilog=RUN_EXIT_STATUS,
    )
    run.add_argument("period", help="last month of the reporting period, YYYY-MM")
    run.add_argument("--processed", help="processed folder (default data/processed)")
    run.add_argument("--reports", help="reports folder (default reports)")
    run.add_argument("--annotations", help="analyst commentary folder (default annotations)")
    run.add_argument("--workers", type=int, help="notebooks run at once (default: cores)")
    run.add_argument("--cell-timeout", type=int, default=600, help="seconds per cell (600)")
    run.add_argument("--only", help="comma-separated appendices to re-run, keeping the rest")
    run.add_argument(
        "--window-months", type=int, help="length of the comparison windows (default 12)"
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument("--no-pdf", action="store_true", help="skip report.pdf (quicker)")
    run.set_defaults(func=_cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
