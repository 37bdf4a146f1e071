"""``perfpack`` command line: ``demo``, ``ingest``, ``run``.

Exit status: 0 success, 1 a notebook failed (the rest of the report was still built), 2 bad input
or usage (nothing in data/processed or reports/ was changed)."""

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
    if args.force == "all" and not args.lookup:
        return _ingest_every_force(args)
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


def _ingest_every_force(args) -> int:
    """``--force all``: every force of the download, read once, one processed folder each."""
    from perfpack import ingest, national
    from perfpack.paths import PROCESSED_DIR, resolve

    root = resolve(args.processed, PROCESSED_DIR)
    try:
        folders = national.ingest_every_force(args.data, root)
    except (ValueError, FileNotFoundError, ingest.IngestError) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    print(f"ingested {len(folders)} forces -> {root} (one folder each, {national.NATIONAL_FILE})")
    return 0


def _run_many(args, periods: list[str], only) -> int:
    """Every force (a processed root of every force) and/or several periods in one batch, on
    the local process pool or a Dask scheduler."""
    from perfpack import distributed_run, national, runner
    from perfpack.paths import PROCESSED_DIR, REPORTS_DIR, resolve

    processed = resolve(args.processed, PROCESSED_DIR)
    reports = resolve(args.reports, REPORTS_DIR)
    try:
        if national.national_manifest(processed) is not None:
            outcome = national.run_national(
                periods, processed, reports, args.annotations, args.window_months,
                args.workers, args.scheduler, args.cell_timeout, not args.no_pdf,
                not args.quiet,
            )  # fmt: skip
            results = list(outcome.results.items())
            for slug, period, reason in outcome.skipped:
                print(f"  note: {slug} {period} not built: {reason.split(': ', 1)[-1][:200]}")
            for page in outcome.pages:
                print(f"national page written to {page}")
        else:
            packs = distributed_run.prepare_packs(
                [
                    dict(
                        period=period, processed_dir=processed, reports_dir=reports,
                        annotations_dir=args.annotations, cell_timeout=args.cell_timeout,
                        only=only, window_months=args.window_months, pdf=not args.no_pdf,
                    )
                    for period in periods
                ]
            )  # fmt: skip
            done = distributed_run.run_packs(packs, args.workers, args.scheduler, not args.quiet)
            results = [(("", r.period), r) for r in done]
    except (runner.BatchError, ValueError, OSError) as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    failed = []
    for (slug, period), result in results:
        where = f"{slug} {period}".strip()
        state = (
            "ok"
            if result.ok
            else "FAILED: "
            + ", ".join(f"{r.slug} (cell {r.cell}: {r.exception})" for r in result.failures)
        )
        print(f"  {where:<32} {state}")
        failed += [f"{where} {r.slug}" for r in result.failures]
    if failed:
        print(f"error: {len(failed)} notebook(s) failed: {'; '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def _cmd_run(args) -> int:
    from perfpack import distributed_run, national, runner
    from perfpack.paths import PROCESSED_DIR, resolve

    only = [s for s in (args.only or "").split(",") if s] or None
    try:
        periods = distributed_run.parse_periods(args.period)
    except ValueError as problem:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    processed = resolve(args.processed, PROCESSED_DIR)
    if len(periods) > 1 or args.scheduler or national.national_manifest(processed) is not None:
        return _run_many(args, periods, only)
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
    if not result.ok:
        names = ", ".join(f"{r.slug} (cell {r.cell})" for r in result.failures)
        print(f"error: {len(result.failures)} notebook(s) failed: {names}", file=sys.stderr)
        return 1
    return 0


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

    run = sub.add_parser("run", help="run the notebook batch for a period into reports/<period>")
    run.add_argument(
        "period", help="last month of the reporting period, YYYY-MM, or a range YYYY-MM..YYYY-MM"
    )
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
    run.add_argument(
        "--scheduler",
        help="a Dask distributed scheduler (tcp://host:8786) to run the notebooks on; the "
        "processed data and annotations must be at the same paths on its workers",
    )
    run.set_defaults(func=_cmd_run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
