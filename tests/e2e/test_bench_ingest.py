"""tools.bench_ingest: a small run on a tiny zip made here (no timing asserts), and its table."""

from __future__ import annotations

import statistics
import zipfile

from tools import bench_ingest

from perfpack.ingest.police_uk.read import STREET_COLUMNS

ROW = (
    "{id},{month},{name} Police,{name} Police,-2.0,52.7,On or near Somewhere,E01029368,"
    "Cannock Chase 001A,Burglary,Under investigation,"
)


def _tiny_zip(tmp_path, rows_of=lambda force: 3):
    archive_path = tmp_path / "tiny.zip"
    texts = {}
    with zipfile.ZipFile(archive_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for month in ("2019-01", "2019-02"):
            for force, name in (("alpha", "Alpha"), ("beta", "Beta")):
                rows = [",".join(STREET_COLUMNS)]
                rows += [
                    ROW.format(id=f"{force}{i}", month=month, name=name)
                    for i in range(rows_of(force))
                ]
                member = f"{month}/{month}-{force}-street.csv"
                texts[member] = "\n".join(rows) + "\n"
                archive.writestr(member, texts[member])
    return archive_path, texts


def test_ingest_benchmark_smoke(tmp_path):
    archive_path, texts = _tiny_zip(tmp_path, lambda force: 3 if force == "alpha" else 5)
    result = bench_ingest.ingest_benchmark(archive_path, workdir=tmp_path / "processed", runs=2)
    assert result["files"] == 4 and result["runs"] == 2
    assert result["rows"] == result["raw_rows"] == 16
    raws, ingests = result["raw_read_runs"], result["canonicalise_runs"]
    assert len(raws) == 3 and len(ingests) == 2
    assert result["ratios"] == [ingests[k] / ((raws[k] + raws[k + 1]) / 2) for k in range(2)]
    assert result["ratio"] == statistics.median(result["ratios"])
    assert result["ratio_min"] <= result["ratio"] <= result["ratio_max"]
    sizes = {name: len(text.encode()) for name, text in texts.items()}
    assert result["largest_file_bytes"] == max(sizes.values())
    assert result["largest_file"].endswith("-beta-street.csv")
    assert result["download_bytes"] == sum(sizes.values())
    assert result["peak_rss_bytes"] >= result["start_rss_bytes"] > 0
    assert result["target_ratio"] == 1.5
    assert (tmp_path / "processed" / "crimes.parquet").exists()


def test_summary_rows_show_the_median_with_its_range_and_memory_per_largest_file():
    result = {
        "rows": 1000,
        "runs": 3,
        "canonicalise_seconds": 15.0,
        "raw_read_seconds": 10.0,
        "ratio": 1.5,
        "ratio_min": 1.25,
        "ratio_max": 1.75,
        "target_ratio": 1.5,
        "meets_ratio_target": True,
        "peak_rss_bytes": 2 * 1024**3,
        "raw_read_peak_rss_bytes": 1024**3,
        "meets_memory_target": True,
        "peak_growth_bytes": 1024**3,
        "largest_file_bytes": 256 * 1024**2,
        "download_bytes": 2048 * 1024**2,
        "growth_per_largest_file": 4.0,
    }
    ingest, memory, growth = bench_ingest.summary_rows(result)
    assert ingest == (
        "ingest (1,000 rows)",
        "15.0 s",
        "10.0 s pyarrow raw read (1.25-1.75x)",
        1.5,
        "<=1.5x",
        True,
    )
    assert memory == ("ingest peak memory", "2.00 GB", "1.00 GB raw read", 2.0, "<3 GB", True)
    assert growth == (
        "  growth / largest file",
        "1.00 GB",
        "256 MB largest of 2048 MB",
        4.0,
        "",
        None,
    )
    assert bench_ingest.summary_rows({"skipped": "no zip"}) == [
        ("ingest", "skipped", "no zip", None, "", None)
    ]
