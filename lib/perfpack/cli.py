"""``perfpack`` command line: ``demo``, ``ingest``, ``run``.

Exit status: 0 success, 1 partial (a notebook failed, or report.pdf could not be printed: the
rest of the report was still built and the overview says what is missing), 2 bad input or usage
(nothing in data/processed or reports/ was changed). Bad input and usage errors are one line
on stderr, ``error: ...``, of at most 300 characters."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from perfpack.data.safe_input import MAX_ERROR_CHARS, InputError, clip, one_line

#: Limits of ``perfpack run``'s options (a window of up to ten years; the data holds less).
WINDOW_MONTHS_RANGE = (1, 120)
WORKERS_RANGE = (1, 64)
CELL_TIMEOUT_RANGE = (1, 86_400)
PERIOD_YEARS = (1900, 2200)
_PERIOD = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
_SLUG = re.compile(r"[a-z0-9_]{1,60}")
_FORCE_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def fail(message: str) -> int:
    """Print ``error: <message>`` as one line of at most 300 characters; return 2."""
    print(one_line(f"error: {message}", MAX_ERROR_CHARS), file=sys.stderr)
    return 2


class _Parser(argparse.ArgumentParser):
    """argparse with usage errors as one ``error:`` line and exit status 2."""

    def error(self, message):
        sys.stderr.write(one_line(f"error: {self.prog}: {message}", MAX_ERROR_CHARS) + "\n")
        sys.exit(2)


def period_arg(text: str) -> str:
    """A reporting period: ``YYYY-MM`` in digits 0-9, year 1900 to 2200, or a range of them
    ``YYYY-MM..YYYY-MM`` (every period from the first to the last, for back-filling)."""
    parts = text.strip().split("..")
    if len(parts) > 2:
        raise argparse.ArgumentTypeError(
            f"period {clip(text)} is not YYYY-MM or a range YYYY-MM..YYYY-MM"
        )
    low, high = PERIOD_YEARS
    for value in parts:
        if not _PERIOD.fullmatch(value):
            raise argparse.ArgumentTypeError(
                f"period {clip(text)} is not a month written YYYY-MM with digits 0-9 (e.g. 2019-12)"
            )
        if not low <= int(value[:4]) <= high:
            raise argparse.ArgumentTypeError(f"period {value!r}: the year must be {low} to {high}")
    return "..".join(parts)


def bounded_int(name: str, low: int, high: int):
    """An argparse type: a whole number (digits 0-9) from ``low`` to ``high``."""

    def parse(text: str) -> int:
        value = text.strip()
        if not re.fullmatch(r"[+-]?[0-9]{1,12}", value):
            raise argparse.ArgumentTypeError(
                f"{name} {clip(text)} is not a whole number (digits 0-9)"
            )
        number = int(value)
        if not low <= number <= high:
            raise argparse.ArgumentTypeError(f"{name} {number} is outside {low} to {high}")
        return number

    return parse


def only_arg(text: str) -> list[str]:
    """``--only``: comma-separated appendix names (lower-case letters, digits, ``_``)."""
    names = [s.strip() for s in text.split(",") if s.strip()]
    if not names:
        raise argparse.ArgumentTypeError("--only names no appendix")
    for name in names:
        if not _SLUG.fullmatch(name):
            raise argparse.ArgumentTypeError(
                f"--only: {clip(name)} is not an appendix name (letters a-z, digits, _)"
            )
    return names


def _cmd_demo(args) -> int:
    from perfpack.data.paths import RAW_DIR, resolve
    from perfpack.ingest.demo import synthetic as demo

    raw = resolve(args.raw, RAW_DIR)
    try:
        summary = demo.write_demo(raw)
    except OSError as problem:
        return fail(f"cannot write {problem.filename or raw}: {problem.strerror or problem}")
    print(f"demo force written to {raw}: {summary}")
    return 0


def _cmd_ingest(args) -> int:
    if args.source != "police-uk":
        from perfpack.ingest.memory import prefer_system_allocator

        prefer_system_allocator()  # before pyarrow loads (perfpack.ingest.memory, issue 12)
    from perfpack.ingest import extracts as ingest

    if args.source == "police-uk":
        return _ingest_police_uk(args)

    argv = []
    if args.raw:
        argv += ["--raw", args.raw]
    if args.processed:
        argv += ["--processed", args.processed]
    return ingest.main(argv)


def _ingest_police_uk(args) -> int:
    from perfpack.ingest.police_uk import ingest as police_uk

    if not args.data:
        return fail("--source police-uk needs --data <zip or folder>")
    force = None if args.force in (None, "", "all") else args.force
    if force is not None and (len(force) > 60 or not _FORCE_SLUG.fullmatch(force)):
        return fail(f"--force {clip(force)} is not a force slug (e.g. staffordshire, or all)")
    if args.force == "all" and not args.lookup:
        return _ingest_every_force(args)
    try:
        summary = police_uk.ingest_police_uk(args.data, force, args.processed, lookup=args.lookup)
    except (ValueError, OSError) as problem:
        return fail(str(problem))
    print(summary)
    for kind, coverage in summary.manifest.get("coverage", {}).items():
        for line in coverage.get("summary", []):
            print(f"  {kind}: {line}")
    return 0


def _ingest_every_force(args) -> int:
    """``--force all``: every force of the download, read once, one processed folder each."""
    from perfpack.data.paths import PROCESSED_DIR, resolve
    from perfpack.ingest import extracts as ingest
    from perfpack.ingest.police_uk import national

    root = resolve(args.processed, PROCESSED_DIR)
    try:
        folders = national.ingest_every_force(args.data, root)
    except (ValueError, OSError, ingest.IngestError) as problem:
        return fail(str(problem))
    print(f"ingested {len(folders)} forces -> {root} (one folder each, {national.NATIONAL_FILE})")
    return 0


def _run_many(args, periods: list[str], only) -> int:
    """Every force (a processed root of every force) and/or several periods in one batch, on
    the local process pool or a Dask scheduler."""
    from perfpack.data.paths import PROCESSED_DIR, REPORTS_DIR, resolve
    from perfpack.report import distributed_run, national, plan

    processed = resolve(args.processed, PROCESSED_DIR)
    reports = resolve(args.reports, REPORTS_DIR)
    try:
        if national.national_manifest(processed) is not None:
            outcome = national.run_national(
                periods, processed, reports, args.annotations, args.window_months,
                args.workers, args.scheduler, args.cell_timeout, not args.no_pdf,
                not args.quiet, fresh_kernels=args.fresh_kernels,
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
            done = distributed_run.run_packs(
                packs, args.workers, args.scheduler, not args.quiet,
                fresh_kernels=args.fresh_kernels,
            )  # fmt: skip
            results = [(("", r.period), r) for r in done]
    except (plan.BatchError, ValueError, OSError) as problem:
        return fail(str(problem))
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
    from perfpack.data.paths import PROCESSED_DIR, resolve
    from perfpack.data.processed import check_processed
    from perfpack.data.public_tables import national_manifest
    from perfpack.report import annotations, distributed_run, plan, runner

    only = args.only or None
    try:
        periods = distributed_run.parse_periods(args.period)
    except ValueError as problem:
        return fail(str(problem))
    processed = resolve(args.processed, PROCESSED_DIR)
    every_force = national_manifest(processed) is not None
    try:
        if not every_force:  # a root of every force holds one processed folder per force
            check_processed(args.processed)
        for period in periods:
            annotations.check_annotations(period, args.annotations)
    except InputError as problem:
        return fail(str(problem))
    if len(periods) > 1 or args.scheduler or every_force:
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
            fresh_kernels=args.fresh_kernels,
        )
    except (plan.BatchError, ValueError) as problem:
        return fail(str(problem))
    except OSError as problem:  # e.g. an unwritable reports folder
        return fail(
            f"cannot write {problem.filename or 'the report'}: {problem.strerror or problem}"
        )
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
    parser = _Parser(prog="perfpack", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

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
    run.add_argument(
        "period",
        type=period_arg,
        help="last month of the reporting period, YYYY-MM, or a range YYYY-MM..YYYY-MM",
    )
    run.add_argument("--processed", help="processed folder (default data/processed)")
    run.add_argument("--reports", help="reports folder (default reports)")
    run.add_argument("--annotations", help="analyst commentary folder (default annotations)")
    run.add_argument(
        "--workers",
        type=bounded_int("--workers", *WORKERS_RANGE),
        help="notebooks run at once (default: cores)",
    )
    run.add_argument(
        "--cell-timeout",
        type=bounded_int("--cell-timeout", *CELL_TIMEOUT_RANGE),
        default=600,
        help="seconds per cell (600)",
    )
    run.add_argument(
        "--only", type=only_arg, help="comma-separated appendices to re-run, keeping the rest"
    )
    run.add_argument(
        "--window-months",
        type=bounded_int("--window-months", *WINDOW_MONTHS_RANGE),
        help="length of the comparison windows (default 12; 1 to 120)",
    )
    run.add_argument("--quiet", action="store_true", help="no progress bar")
    run.add_argument("--no-pdf", action="store_true", help="skip report.pdf (quicker)")
    run.add_argument(
        "--fresh-kernels",
        action="store_true",
        help="start a kernel for every notebook (slower; default: each worker runs its "
        "notebooks in one kernel, put back to its starting state between them)",
    )
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
