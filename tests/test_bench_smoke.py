"""A small run of the ingest benchmark on a tiny zip made here (no timing asserts)."""

from __future__ import annotations

import zipfile

from perfpack import bench
from perfpack.police_uk import STREET_COLUMNS

ROW = (
    "{id},{month},{name} Police,{name} Police,-2.0,52.7,On or near Somewhere,E01029368,"
    "Cannock Chase 001A,Burglary,Under investigation,"
)


def test_ingest_benchmark_smoke(tmp_path):
    archive_path = tmp_path / "tiny.zip"
    with zipfile.ZipFile(archive_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for month in ("2019-01", "2019-02"):
            for force, name in (("alpha", "Alpha"), ("beta", "Beta")):
                rows = [",".join(STREET_COLUMNS)]
                rows += [ROW.format(id=f"{force}{i}", month=month, name=name) for i in range(3)]
                archive.writestr(f"{month}/{month}-{force}-street.csv", "\n".join(rows) + "\n")
    result = bench.ingest_benchmark(archive_path, workdir=tmp_path / "processed")
    assert result["files"] == 4
    assert result["rows"] == result["raw_rows"] == 12
    assert result["raw_read_seconds"] > 0 and result["canonicalise_seconds"] > 0
    assert result["ratio"] == result["canonicalise_seconds"] / result["raw_read_seconds"]
    assert result["peak_rss_bytes"] > 0 and result["target_ratio"] == 2.5
    assert (tmp_path / "processed" / "crimes.parquet").exists()
