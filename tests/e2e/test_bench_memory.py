"""The ingest memory measurement (``tools.bench_memory``) and the memory helpers it checks.

Only structure is asserted here; the figures are measured by ``make bench`` and stated in
docs/PERFORMANCE.md.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pyarrow as pa
import pytest
from tools import bench, bench_memory

from perfpack.data.safe_input import IngestError
from perfpack.ingest import memory
from perfpack.ingest.csv_text import check_utf8, decode_utf8
from perfpack.ingest.demo import synthetic as demo


def test_force_ingest_memory_measures_a_fresh_process(tmp_path):
    raw = tmp_path / "raw"
    demo.write_demo(raw)
    size = sum(p.stat().st_size for p in raw.iterdir())  # manifest.yml and the three CSVs
    records = {  # the demo writes one record per line, after a header
        p.stem: len(p.read_bytes().splitlines()) - 1 for p in raw.glob("*.csv")
    }
    result = bench_memory.force_ingest_memory(raw, runs=1)
    assert result["input_bytes"] == size
    for baseline in ("cold", "warm"):
        entry = result[baseline]
        (run,) = entry["runs"]
        assert run["rows"] == records
        assert run["peak_bytes"] >= run["baseline_bytes"] > 0
        # reading and writing the extracts costs memory: more than nothing, less than the peak
        assert 0 < entry["above_baseline_bytes"] < run["peak_bytes"]
        assert entry["ratio"] > 0
    # the warm-up ingest ran before the warm baseline, so that baseline is the higher
    assert result["warm"]["baseline_bytes"] > result["cold"]["baseline_bytes"]
    assert "peak above imports" in bench_memory.summary_line(result)


def test_lean_memory_restores_the_default_pool():
    before = pa.default_memory_pool().backend_name
    with memory.lean_memory():
        assert pa.default_memory_pool().backend_name == "system"
    assert pa.default_memory_pool().backend_name == before


@pytest.mark.parametrize(("preset", "expected"), [(None, "system"), ("jemalloc", "jemalloc")])
def test_prefer_system_allocator_sets_arrow_pool_before_pyarrow_loads(preset, expected):
    env = {k: v for k, v in os.environ.items() if k != memory.ARROW_POOL_VARIABLE}
    if preset:
        env[memory.ARROW_POOL_VARIABLE] = preset  # a value already set is kept
    code = (
        "from perfpack.ingest.memory import prefer_system_allocator as p; p(); "
        "import pyarrow as pa; print(pa.default_memory_pool().backend_name)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.strip() == expected


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"  \r\n\n",
        b"\xef\xbb\xbf \n",
        b"\xff\xfea\x00",
        b"a,b\n1,\x00\n",
        b"a,b\n1,2\n3,\xe9\n",
        b"a,b\n" + b"1,2\n" * 300_000 + b"\xc3",  # a bad byte after the first megabyte
    ],
)
def test_check_utf8_refuses_what_decode_utf8_refuses_with_its_message(data):
    with pytest.raises(IngestError) as decoded:
        decode_utf8(data, "x.csv")
    with pytest.raises(IngestError) as checked:
        check_utf8(data, "x.csv")
    assert str(checked.value) == str(decoded.value)


def test_check_utf8_accepts_utf8_split_across_its_chunks():
    text = "a,b\n" + "é" * (2**20) + ",1\n"  # two-byte characters straddle each chunk edge
    assert check_utf8(("\ufeff" + text).encode("utf-8"), "x.csv") is None


def test_summary_line_and_bench_table_show_both_baselines():
    mib = 2**20

    def entry(above, low, high):
        return {
            "above_baseline_bytes": above * mib,
            "above_baseline_min_bytes": low * mib,
            "above_baseline_max_bytes": high * mib,
            "ratio": above / 4,
        }

    result = {"input_bytes": 4 * mib, "cold": entry(10, 9, 12), "warm": entry(6, 5, 7)}
    line = bench_memory.summary_line(result)
    assert line == (
        "demo ingest memory (input 4.0 MiB): peak above imports 10.0 MiB (9.0-12.0) = 2.50x; "
        "above a warm-up ingest 6.0 MiB (5.0-7.0) = 1.50x"
    )
    table = bench.summary_table({"machine": {}, "demo_ingest_memory": result})
    assert line in table
