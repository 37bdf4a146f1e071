"""perfpack.ingest.police_uk read one month file at a time: files are read a few ahead, never
all at once, and a table written in row groups from chunks reads back as the whole table written
by pandas would."""

from __future__ import annotations

import threading
import time

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from perfpack.ingest.police_uk import spool
from perfpack.ingest.police_uk.discover import STREET_KIND, Source, discover
from perfpack.ingest.police_uk.read import STREET_COLUMNS, STREET_TYPES, iter_csvs

ROW = "x,{month},Test Police,Test Police,-2.0,52.7,On or near Somewhere,E01029368,Cannock Chase 001A,Burglary,Under investigation,"  # noqa: E501


def _download(folder, months):
    for month in months:
        (folder / month).mkdir(parents=True)
        text = "\n".join([",".join(STREET_COLUMNS), ROW.format(month=month)]) + "\n"
        (folder / month / f"{month}-testforce-street.csv").write_text(text)
    return folder


def test_files_are_read_at_most_workers_plus_one_ahead(tmp_path, monkeypatch):
    months = [f"2019-{m:02d}" for m in range(1, 11)]
    folder = _download(tmp_path / "d", months)
    files = discover(folder)
    files = files[files["kind"] == STREET_KIND]
    started = []
    lock = threading.Lock()
    original = Source.read

    def counted(self, name):
        with lock:
            started.append(name)
        return original(self, name)

    monkeypatch.setattr(Source, "read", counted)
    reader = iter_csvs(Source(folder), files, STREET_TYPES, workers=2)
    seen, digests = [], []
    for table, digest in reader:
        seen.append(table.column("Month").to_pylist())
        digests.append(digest)
        time.sleep(0.05)  # the workers have time to run ahead, if they would
        with lock:
            assert len(started) <= len(seen) + 3  # this one, then workers + 1 ahead
    assert seen == [[m] for m in months]
    assert digests == [None] * len(months)  # not hashed unless asked


def test_chunks_written_in_row_groups_read_back_as_the_whole_table(tmp_path, monkeypatch):
    monkeypatch.setattr(spool, "ROW_GROUP_ROWS", 2)
    whole = pd.DataFrame(
        {
            "crime_id": pd.Series(["a", "b", None, "d", "e"], dtype="str"),
            "month": pd.to_datetime(["2019-01-01"] * 3 + ["2019-02-01"] * 2).astype(
                "datetime64[ns]"
            ),
            "npt": pd.Series(["North", None, "South", "North", "North"], dtype="str"),
            "victim_age": pd.array([None] * 5, dtype="Int64"),
            "knife": pd.array([None] * 5, dtype="boolean"),
        }
    )
    whole.to_parquet(tmp_path / "pandas.parquet", index=False)
    levels = pa.array(["North", "South"], type=pa.large_string())

    def chunk(ids, month, npt_codes):
        n = len(ids)
        return pa.table(
            {
                "crime_id": pa.array(ids, type=pa.large_string()),
                "month": pa.array(pd.to_datetime([month] * n), type=pa.timestamp("ns")),
                "npt": pa.DictionaryArray.from_arrays(pa.array(npt_codes, pa.int32()), levels),
                "victim_age": pa.nulls(n, pa.int64()),
                "knife": pa.nulls(n, pa.bool_()),
            }
        )

    chunks = [
        chunk(["a", "b", None], "2019-01-01", [0, None, 1]),
        chunk(["d", "e"], "2019-02-01", [0, 0]),
    ]
    out = spool.write_chunks(chunks, tmp_path / "chunks.parquet", whole.iloc[:0])
    assert len(out) == 5 and pq.ParquetFile(out.path).num_row_groups == 3
    pd.testing.assert_frame_equal(
        pd.read_parquet(out.path), pd.read_parquet(tmp_path / "pandas.parquet")
    )
    assert pq.read_schema(out.path).equals(
        pq.read_schema(tmp_path / "pandas.parquet"), check_metadata=True
    )
    out.to_parquet(tmp_path / "moved.parquet")
    assert (tmp_path / "moved.parquet").exists() and not out.path.exists()


def test_no_chunks_give_the_empty_table(tmp_path):
    template = pd.DataFrame({"crime_id": pd.Series([], dtype="str")})
    out = spool.write_chunks([], tmp_path / "empty.parquet", template)
    assert len(out) == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out.path), template)
