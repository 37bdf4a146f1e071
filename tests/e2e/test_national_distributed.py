"""The batch on a Dask distributed cluster (a LocalCluster in one process): every force x
appendix x period unit runs on the cluster's worker, the pages come back as bytes and the
publishing side writes them. Expected counts are the rows written by the test itself."""

from __future__ import annotations

import pytest

from perfpack.ingest.police_uk.ingest import ingest_police_uk
from perfpack.ingest.police_uk.read import STREET_COLUMNS
from perfpack.report import distributed_run, plan

HEADER = ",".join(STREET_COLUMNS)
#: month -> robbery rows in Stafford (the force's only area)
ROWS = {"2018-12": 3, "2019-01": 5, "2019-02": 2}


def _row(month: str) -> str:
    return (
        f",{month},Test Police,Test Police,-2.1,52.8,On or near Somewhere,E0,Stafford 001A,"
        "Robbery,Under investigation,"
    )


@pytest.fixture(scope="module")
def processed(tmp_path_factory):
    root = tmp_path_factory.mktemp("dask")
    for month, n in ROWS.items():
        folder = root / "download" / month
        folder.mkdir(parents=True)
        lines = [HEADER] + [_row(month)] * n
        (folder / f"{month}-testforce-street.csv").write_text("\n".join(lines) + "\n")
    ingest_police_uk(root / "download", "testforce", root / "processed")
    return root


@pytest.mark.slow
def test_period_range_on_a_local_cluster(processed, tmp_path):
    from distributed import Client, LocalCluster, get_task_stream

    reports = tmp_path / "reports"
    packs = distributed_run.prepare_packs(
        [
            dict(period=period, processed_dir=processed / "processed", reports_dir=reports,
                 annotations_dir=tmp_path / "annotations", only=["robbery_all"],
                 window_months=1, pdf=False)
            for period in distributed_run.parse_periods("2019-01..2019-02")
        ]
    )  # fmt: skip
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False) as cluster:
        with Client(cluster) as client, get_task_stream(client) as stream:
            results = distributed_run.run_packs(packs, scheduler=client)
    assert len(stream.data) == 2  # both units (one appendix x two periods) ran on the cluster
    assert [r.period for r in results] == ["2019-01", "2019-02"]
    assert all(r.ok for r in results), [r.failures for r in results]
    for period, (previous, current) in {"2019-01": (3, 5), "2019-02": (5, 2)}.items():
        figures = (reports / period / "figures.csv").read_text().splitlines()
        assert any(line.startswith("robbery_all,count_previous,") and line.endswith(
            f",,{previous}") for line in figures), figures[:5]  # fmt: skip
        assert any(line.startswith("robbery_all,count_current,") and line.endswith(
            f",,{current}") for line in figures)  # fmt: skip
        assert (reports / period / "appendices" / "robbery_all.html").exists()
        assert (reports / plan.EXECUTED_DIR / period / "robbery_all.ipynb").exists()
    assert not list(reports.glob(".staging-*"))
