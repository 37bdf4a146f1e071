"""Property-based tests (Hypothesis) of the bad-input contract of ``perfpack ingest``.

Every generated input is EITHER accepted -- and, where the data dictionary calls the change
harmless (column order, byte-order mark, line endings, quoting), its canonical tables equal
those of the unmutated input -- OR refused with exit status 2 and ONE line of at most 300
characters that starts with the file's name; never a traceback, and ``data/processed/`` is
byte-identical after a refusal.

The base inputs are small: the first rows of the demo force's extracts, and the first rows of
two real data.police.uk month files (../shared/data). ``PERFPACK_FUZZ_PROFILE=fuzz`` (``make
fuzz``) runs thousands of examples; the default ``quick`` profile a few dozen, in seconds.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import random
import traceback
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfpack import cli

settings.register_profile(
    "quick",
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
settings.register_profile(
    "fuzz",
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
PROFILE = settings.get_profile(os.environ.get("PERFPACK_FUZZ_PROFILE", "quick"))

FORCE_FILES = ("crimes.csv", "stop_searches.csv", "missing_episodes.csv")
BASE_ROWS = 120
MAX_ERROR = 300


# --------------------------------------------------------------------------------------------
# base inputs


@pytest.fixture(scope="module")
def force_base(demo_raw) -> dict[str, bytes]:
    """The demo force's manifest and the first rows of each extract."""
    files = {"manifest.yml": (demo_raw / "manifest.yml").read_bytes()}
    for name in FORCE_FILES:
        lines = (demo_raw / name).read_bytes().splitlines(keepends=True)
        files[name] = b"".join(lines[: BASE_ROWS + 1])
    return files


@pytest.fixture(scope="module")
def police_base(shared_data) -> dict[str, bytes]:
    """Two real Staffordshire street files, first rows only: member name -> bytes."""
    files = {}
    for month in ("2018-10", "2018-11"):
        path = shared_data / "police-uk" / "staffordshire" / month
        lines = (path / f"{month}-staffordshire-street.csv").read_bytes().splitlines(True)
        files[f"{month}/{month}-staffordshire-street.csv"] = b"".join(lines[: BASE_ROWS + 1])
    return files


def write_files(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return folder


def snapshot(folder: Path) -> dict[str, bytes | None]:
    return {
        str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None)
        for p in sorted(folder.rglob("*"))
    }


def run_cli(argv: list[str]) -> tuple[int, str]:
    """``perfpack`` in-process: (exit status, stderr); a traceback fails the test."""
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            try:
                status = cli.main(argv)
            except SystemExit as leaving:
                status = leaving.code
    except Exception:  # noqa: BLE001 - the contract: no input gives a traceback
        pytest.fail(f"traceback for {argv}:\n{traceback.format_exc()}")
    return status, err.getvalue()


def tables(folder: Path) -> dict[str, pd.DataFrame]:
    return {p.stem: pd.read_parquet(p) for p in sorted(folder.glob("*.parquet"))}


def assert_contract(status, err, processed, before, file_names, *, harmless=None):
    """The bad-input contract; ``harmless``: the tables an accepted harmless change must give."""
    if status == 0:
        if harmless is not None:
            got = tables(processed)
            assert set(got) == set(harmless)
            for name, frame in harmless.items():
                pd.testing.assert_frame_equal(got[name], frame, check_like=False)
        return
    assert harmless is None, f"a harmless change was refused: {err}"
    assert status == 2, err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert len(err.rstrip("\n")) <= MAX_ERROR, err
    assert err.startswith("error: "), err
    assert any(err[len("error: ") :].startswith(name) for name in file_names), err
    assert snapshot(processed) == before


# --------------------------------------------------------------------------------------------
# force extracts


@pytest.fixture(scope="module")
def force_world(force_base, tmp_path_factory):
    """A processed folder holding the base ingest, and its tables (the expected result)."""
    root = tmp_path_factory.mktemp("fuzz-force")
    raw = write_files(root / "raw", force_base)
    processed = root / "processed"
    status, err = run_cli(["ingest", "--raw", str(raw), "--processed", str(processed)])
    assert status == 0, err
    return root, processed, tables(processed)


_counter = iter(range(10**9))


def ingest_files(root: Path, processed: Path, files: dict[str, bytes]) -> tuple[int, str]:
    raw = write_files(root / f"raw-{next(_counter)}", files)
    return run_cli(["ingest", "--raw", str(raw), "--processed", str(processed)])


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def write_rows(rows, *, quoting=csv.QUOTE_MINIMAL, newline="\n", delimiter=",") -> bytes:
    out = io.StringIO()
    csv.writer(out, quoting=quoting, lineterminator=newline, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode("utf-8")


NASTY_VALUES = [
    "0001-01-01",
    "9999-12-31",
    "1677-01-01 00:00",
    "2262-12-31T00:00:00Z",
    "٢٠١٩-٠١-٠١",
    "２０１９-１２-０１",
    "٣",
    "３",
    "1e999",
    "-0",
    "NaN",
    "inf",
    "\x07bell",
    "a\x00b",
    "\u202eevil",
    "x" * 5000,
    " ",
    '"',
    "\r",
    "Y\n",
    "2019-02-29",
    "2019-06-31 10:00",
    "2019-06-01T10:00:00+25:00",
    "99999999999999999999",
    "Tamworth\u200b",
]


@PROFILE
@given(data=st.data())
def test_force_harmless_changes_give_the_same_tables(force_world, force_base, data):
    root, processed, expected = force_world
    files = dict(force_base)
    for name in FORCE_FILES:
        rows = rows_of(files[name])
        order = data.draw(st.permutations(range(len(rows[0]))), label=f"{name} column order")
        rows = [[row[i] for i in order] for row in rows]
        quoting = data.draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]), label="quoting")
        newline = data.draw(st.sampled_from(["\n", "\r\n", "\r"]), label="line ending")
        body = write_rows(rows, quoting=quoting, newline=newline)
        if data.draw(st.booleans(), label="byte-order mark"):
            body = b"\xef\xbb\xbf" + body
        files[name] = body
    before = snapshot(processed)
    status, err = ingest_files(root, processed, files)
    assert_contract(status, err, processed, before, FORCE_FILES, harmless=expected)


@PROFILE
@given(
    name=st.sampled_from(FORCE_FILES),
    position=st.floats(0, 1),
    operation=st.sampled_from(["flip", "insert", "delete", "truncate"]),
    byte=st.sampled_from(list(b'\x00\xff\xfe",\n\r;\t\x80\xe9 a0') + [None]),
    seed=st.integers(0, 2**16),
)
def test_force_byte_mutations_keep_the_contract(
    force_world, force_base, name, position, operation, byte, seed
):
    root, processed, _ = force_world
    data = bytearray(force_base[name])
    at = int(position * (len(data) - 1))
    value = random.Random(seed).randrange(256) if byte is None else byte
    if operation == "flip":
        data[at] = value
    elif operation == "insert":
        data.insert(at, value)
    elif operation == "delete":
        del data[at]
    else:
        del data[at:]
    before = snapshot(processed)
    status, err = ingest_files(root, processed, {**force_base, name: bytes(data)})
    assert_contract(status, err, processed, before, FORCE_FILES)


@PROFILE
@given(
    name=st.sampled_from(FORCE_FILES),
    row=st.integers(1, BASE_ROWS),
    column=st.integers(0, 30),
    value=st.one_of(st.sampled_from(NASTY_VALUES), st.text(max_size=30)),
)
def test_force_cell_mutations_keep_the_contract(force_world, force_base, name, row, column, value):
    root, processed, _ = force_world
    rows = rows_of(force_base[name])
    rows[row][column % len(rows[0])] = value
    before = snapshot(processed)
    status, err = ingest_files(root, processed, {**force_base, name: write_rows(rows)})
    assert_contract(status, err, processed, before, FORCE_FILES)
    if status == 0:
        for frame in tables(processed).values():
            for column_name in frame.columns:
                if frame[column_name].dtype == "str":
                    text = frame[column_name].dropna()
                    assert not text.str.contains(r"[\x00-\x08\x0b-\x1f\x7f]").any()
                    assert (text.str.len() <= 1000).all()


@PROFILE
@given(
    name=st.sampled_from(FORCE_FILES),
    change=st.sampled_from(["rename", "duplicate", "drop", "extra", "case", "space"]),
    which=st.integers(0, 30),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-16", "latin-1", "cp1252", "utf-32"]),
)
def test_force_header_delimiter_and_encoding_keep_the_contract(
    force_world, force_base, name, change, which, delimiter, encoding
):
    root, processed, _ = force_world
    rows = rows_of(force_base[name])
    i = which % len(rows[0])
    if change == "rename":
        rows[0][i] = "renamed"
    elif change == "duplicate":
        rows[0][i] = rows[0][(i + 1) % len(rows[0])]
    elif change == "drop":
        rows = [r[:i] + r[i + 1 :] for r in rows]
    elif change == "extra":
        rows = [r + (["extra"] if k == 0 else ["x"]) for k, r in enumerate(rows)]
    elif change == "case":
        rows[0][i] = rows[0][i].upper()
    else:
        rows[0][i] = rows[0][i] + " "
    rows[1][0] = rows[1][0] + "é"
    text = write_rows(rows, delimiter=delimiter).decode("utf-8")
    body = text.encode(encoding, errors="replace")
    before = snapshot(processed)
    status, err = ingest_files(root, processed, {**force_base, name: body})
    assert status == 2  # every change here is a fault
    assert_contract(status, err, processed, before, FORCE_FILES)


MANIFEST_NASTIES = [
    "a: &x [1, 2]\nb: *x\n",
    "force: a\nforce: b\nsynthetic: false\nextracts: {}\n",
    'lol: &a ["x","x"]\nlol2: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nlol3: [*b,*b,*b,*b,*b,*b,*b]\n',
    "[1, 2",
    "- a\n- b\n",
    "",
    "!!python/object/apply:os.system ['echo hi']\n",
    "force: [unclosed\n",
    "\x00",
    "force: x\n" * 3,
]


@PROFILE
@given(
    mutation=st.one_of(
        st.sampled_from(MANIFEST_NASTIES),
        st.tuples(
            st.sampled_from(["force", "synthetic", "note", "extracts", "crimes", "first_month"]),
            st.one_of(
                st.sampled_from(["", "~", "[]", "{}", "yes", "2019-13", "٢٠١٩-٠١", "'x'"]),
                st.text(max_size=20),
                st.just("x" * 400),
            ),
        ),
        st.text(max_size=200),
    )
)
def test_manifest_mutations_keep_the_contract(force_world, force_base, mutation):
    root, processed, expected = force_world
    text = force_base["manifest.yml"].decode("utf-8")
    if isinstance(mutation, tuple):
        key, value = mutation
        lines = text.splitlines()
        for k, line in enumerate(lines):
            if line.lstrip().startswith(f"{key}:"):
                lines[k] = line[: line.index(":") + 1] + " " + value
                break
        else:
            lines.append(f"{key}: {value}")
        text = "\n".join(lines) + "\n"
    else:
        text = mutation
    before = snapshot(processed)
    status, err = ingest_files(
        root, processed, {**force_base, "manifest.yml": text.encode("utf-8", "surrogatepass")}
    )
    names = ("manifest.yml",) + FORCE_FILES
    assert_contract(status, err, processed, before, names)


# --------------------------------------------------------------------------------------------
# data.police.uk downloads


@pytest.fixture(scope="module")
def police_world(police_base, tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz-police")
    download = write_files(root / "download", police_base)
    processed = root / "processed"
    status, err = run_police(download, processed)
    assert status == 0, err
    return root, processed, tables(processed)["crimes"]


def run_police(data: Path, processed: Path) -> tuple[int, str]:
    argv = ["ingest", "--source", "police-uk", "--force", "staffordshire"]
    return run_cli(argv + ["--data", str(data), "--processed", str(processed)])


def make_zip(path: Path, members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@PROFILE
@given(data=st.data())
def test_police_harmless_changes_give_the_same_crimes(police_world, police_base, data):
    root, processed, expected = police_world
    files = {}
    for name, body in police_base.items():
        rows = rows_of(body)
        order = data.draw(st.permutations(range(len(rows[0]))), label="column order")
        quoting = data.draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]), label="quoting")
        newline = data.draw(st.sampled_from(["\n", "\r\n"]), label="line ending")
        out = write_rows([[r[i] for i in order] for r in rows], quoting=quoting, newline=newline)
        files[name] = (b"\xef\xbb\xbf" if data.draw(st.booleans(), label="bom") else b"") + out
    as_zip = data.draw(st.booleans(), label="zip")
    n = next(_counter)
    download = make_zip(root / f"d{n}.zip", files) if as_zip else write_files(root / f"d{n}", files)
    before = snapshot(processed)
    status, err = run_police(download, processed)
    assert status == 0, err
    pd.testing.assert_frame_equal(tables(processed)["crimes"], expected)
    assert snapshot(processed).keys() == before.keys()


@PROFILE
@given(
    member=st.integers(0, 1),
    position=st.floats(0, 1),
    operation=st.sampled_from(["flip", "insert", "delete", "truncate", "cell"]),
    byte=st.sampled_from(list(b'\x00\xff",\n\r;a9') + [None]),
    value=st.sampled_from(NASTY_VALUES + ["", "2019-13", "abc", "200.5"]),
    column=st.integers(0, 11),
    seed=st.integers(0, 2**16),
)
def test_police_file_mutations_keep_the_contract(
    police_world, police_base, member, position, operation, byte, value, column, seed
):
    root, processed, _ = police_world
    names = list(police_base)
    name = names[member]
    data = bytearray(police_base[name])
    at = int(position * (len(data) - 1))
    if operation == "cell":
        rows = rows_of(bytes(data))
        rows[1 + at % (len(rows) - 1)][column] = value
        data = bytearray(write_rows(rows))
    elif operation == "flip":
        data[at] = random.Random(seed).randrange(256) if byte is None else byte
    elif operation == "insert":
        data.insert(at, byte if byte is not None else 0)
    elif operation == "delete":
        del data[at]
    else:
        del data[at:]
    n = next(_counter)
    download = write_files(root / f"m{n}", {**police_base, name: bytes(data)})
    before = snapshot(processed)
    status, err = run_police(download, processed)
    assert_contract(status, err, processed, before, names)


@pytest.mark.filterwarnings("ignore:Duplicate name")
@PROFILE
@given(
    change=st.sampled_from(
        ["dotdot", "absolute", "encrypted", "method", "truncate", "garbage", "duplicate", "dir"]
    ),
    cut=st.floats(0.05, 0.95),
)
def test_zip_structure_mutations_keep_the_contract(police_world, police_base, change, cut):
    root, processed, _ = police_world
    n = next(_counter)
    path = root / f"z{n}.zip"
    members = dict(police_base)
    first = next(iter(members))
    if change == "dotdot":
        members = {f"../{k}": v for k, v in members.items()}
    elif change == "absolute":
        members = {f"/{k}": v for k, v in members.items()}
    elif change == "dir":
        members = {k: v for k, v in list(members.items())[1:]}
    make_zip(path, members)
    raw = bytearray(path.read_bytes())
    if change == "encrypted":
        raw = _set_member_field(raw, 6, 1)  # general purpose flag bit 0
    elif change == "method":
        raw = _set_member_field(raw, 8, 99)  # an unknown compression method
    elif change == "truncate":
        raw = raw[: int(len(raw) * cut)]
    elif change == "garbage":
        at = int(len(raw) * cut * 0.5)
        raw[at : at + 16] = b"\x00" * 16
    elif change == "duplicate":
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr(first, members[first])
        raw = bytearray(path.read_bytes())
    elif change == "dir":
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr(zipfile.ZipInfo(first + "/"), b"")
        raw = bytearray(path.read_bytes())
    path.write_bytes(bytes(raw))
    before = snapshot(processed)
    status, err = run_police(path, processed)
    assert_contract(status, err, processed, before, (path.name, *members, str(path)))
    if change in ("dotdot", "absolute", "encrypted", "method", "duplicate"):
        assert status == 2


def _set_member_field(raw: bytearray, offset: int, value: int) -> bytearray:
    """Set a 2-byte field of every local and central header (flags at 6/8, method at 8/10)."""
    central = {6: 8, 8: 10}[offset]
    for signature, field in ((b"PK\x03\x04", offset), (b"PK\x01\x02", central)):
        start = 0
        while (at := raw.find(signature, start)) >= 0:
            raw[at + field : at + field + 2] = value.to_bytes(2, "little")
            start = at + 4
    return raw


def test_zip_bomb_member_is_refused_before_it_is_read(police_world, police_base, tmp_path):
    _, processed, _ = police_world
    name = next(iter(police_base))
    bomb = {name: police_base[name] + b"\n" * (64 * 1024 * 1024)}
    path = make_zip(tmp_path / "bomb.zip", {**police_base, **bomb})
    before = snapshot(processed)
    status, err = run_police(path, processed)
    assert status == 2 and "zip bomb" in err and len(err) <= MAX_ERROR + 1
    assert snapshot(processed) == before
