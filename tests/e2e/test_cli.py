"""perfpack's command line: every bad option or input of ``perfpack run`` refused with exit status
2 and one ``error:`` line of at most 300 characters, before anything runs (issue 12)."""

from __future__ import annotations

import contextlib
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfpack import cli
from perfpack.data.contracts import PROCESSED_SCHEMA_VERSION
from perfpack.report import annotations


def run(argv) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            status = cli.main(argv)
        except SystemExit as leaving:
            status = leaving.code
    return status, err.getvalue()


def assert_refused(status, err, *needles):
    assert status == 2, err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert len(err.rstrip("\n")) <= 300, err
    for needle in needles:
        assert needle in err, err


@pytest.fixture
def processed(tmp_path):
    folder = tmp_path / "processed"
    folder.mkdir()
    manifest = {"schema_version": PROCESSED_SCHEMA_VERSION, "force": "F", "data_source": "force"}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


@pytest.mark.parametrize(
    "period, needle",
    [
        ("2019-13", "period '2019-13' is not a month written YYYY-MM with digits 0-9"),
        ("19-12", "period '19-12' is not a month"),
        ("\uff12\uff10\uff11\uff19-\uff11\uff12", "digits 0-9"),
        ("", "period '' is not a month"),
        ("0001-12", "the year must be 1900 to 2200"),
        ("2019-12" + "x" * 500, "(507 characters)"),
    ],
)
def test_bad_periods(period, needle, processed, tmp_path):
    status, err = run(["run", period, "--processed", str(processed), "--reports", str(tmp_path)])
    assert_refused(status, err, needle)


@pytest.mark.parametrize(
    "option, value, needle",
    [
        ("--window-months", "0", "--window-months 0 is outside 1 to 120"),
        ("--window-months", "-3", "--window-months -3 is outside 1 to 120"),
        ("--window-months", "99999999", "--window-months 99999999 is outside 1 to 120"),
        ("--window-months", "1.5", "--window-months '1.5' is not a whole number"),
        ("--window-months", "\u0661\u0662", "is not a whole number (digits 0-9)"),
        ("--workers", "0", "--workers 0 is outside 1 to 64"),
        ("--cell-timeout", "-1", "--cell-timeout -1 is outside 1 to 86400"),
        ("--only", "Bad!", "'Bad!' is not an appendix name"),
        ("--only", ",", "--only names no appendix"),
    ],
)
def test_bad_options(option, value, needle, processed, tmp_path):
    argv = ["run", "2019-12", f"{option}={value}", "--processed", str(processed)]
    status, err = run(argv + ["--reports", str(tmp_path / "r")])
    assert_refused(status, err, needle)
    assert not (tmp_path / "r").exists()


def test_unknown_theme_lists_the_valid_ones(processed, tmp_path):
    argv = ["run", "2019-12", "--only", "robbery", "--processed", str(processed)]
    status, err = run(argv + ["--reports", str(tmp_path / "r")])
    assert_refused(status, err, "unknown appendix robbery; known: personal_robbery")


@pytest.mark.parametrize(
    "manifest, needle",
    [
        ({"force": "F", "data_source": "force"}, "no schema_version"),
        ({"schema_version": 1, "force": "F"}, "schema_version '1'"),
        ("not json {", "cannot be read"),
        ([1, 2], "not a JSON object"),
    ],
)
def test_a_processed_folder_from_an_older_version_is_refused(manifest, needle, tmp_path):
    folder = tmp_path / "processed"
    folder.mkdir()
    text = manifest if isinstance(manifest, str) else json.dumps(manifest)
    (folder / "manifest.json").write_text(text)
    status, err = run(["run", "2019-12", "--processed", str(folder), "--reports", str(tmp_path)])
    assert_refused(status, err, needle, "re-run perfpack ingest")


@pytest.mark.parametrize(
    "table, content, needle",
    [
        ("crimes", b"not parquet", "not a readable table"),
        ("crimes", None, "written by an older perfpack (no column 'crime_id')"),
    ],
)
def test_a_processed_table_from_an_older_version_is_refused(
    table, content, needle, processed, tmp_path
):
    path = processed / f"{table}.parquet"
    if content is None:
        import pandas as pd

        pd.DataFrame({"id": ["a"]}).to_parquet(path)
    else:
        path.write_bytes(content)
    status, err = run(["run", "2019-12", "--processed", str(processed), "--reports", str(tmp_path)])
    assert_refused(status, err, needle, "re-run perfpack ingest")


@pytest.mark.parametrize(
    "content, needle",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00", "holds NUL bytes"),
        ("caf\u00e9".encode("latin-1"), "line 1: not UTF-8 text (byte 0xe9)"),
        (b"fine\n\x1b[31mred", "line 2: holds a control character (U+001B)"),
        (b"x" * (annotations.MAX_ANNOTATION_BYTES + 1), "limit for a commentary file"),
    ],
)
def test_bad_annotation_files_are_refused_with_their_name(content, needle, processed, tmp_path):
    folder = tmp_path / "annotations" / "2019-12"
    folder.mkdir(parents=True)
    (folder / "personal_robbery.md").write_bytes(content)
    argv = ["run", "2019-12", "--processed", str(processed), "--reports", str(tmp_path / "r")]
    status, err = run(argv + ["--annotations", str(tmp_path / "annotations")])
    assert_refused(status, err, "annotations/2019-12/personal_robbery.md", needle)
    assert not (tmp_path / "r").exists()


def test_a_good_annotation_file_is_read(tmp_path):
    folder = tmp_path / "2019-12"
    folder.mkdir()
    (folder / "stop_search.md").write_bytes(b"\xef\xbb\xbfFewer searches.\r\n\tIndented\n")
    assert annotations.check_annotations("2019-12", tmp_path) == 1
    assert (
        annotations.commentary("2019-12", "stop_search", tmp_path)
        == "Fewer searches.\r\n\tIndented"
    )


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    period=st.one_of(st.text(max_size=12), st.from_regex(r"[0-9]{4}-[0-9]{2}", fullmatch=True)),
    window=st.one_of(st.text(max_size=8), st.integers(-(10**12), 10**12).map(str)),
)
def test_run_options_never_give_a_traceback(period, window):
    """Parsing alone: a period and window are accepted only when valid, else one line, exit 2."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            args = cli.build_parser().parse_args(["run", period, f"--window-months={window}"])
        except SystemExit as leaving:
            assert leaving.code == 2
            assert err.getvalue().count("\n") == 1 and len(err.getvalue()) <= 301
            return
    assert 1 <= args.window_months <= 120
    assert len(args.period) == 7 and args.period[4] == "-"
    assert 1 <= int(args.period[5:]) <= 12
