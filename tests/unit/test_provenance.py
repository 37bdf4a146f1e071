"""provenance.json and error messages name places relative to the project, never a folder of the
build machine (expected strings written by hand from the paths given)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from perfpack.data import provenance
from perfpack.data.paths import PROJECT_ROOT


def test_public_path():
    assert provenance.public_path(PROJECT_ROOT / "data" / "processed") == "data/processed"
    assert provenance.public_path(PROJECT_ROOT) == "."
    assert provenance.public_path("/somewhere/else/download.zip") == "…/download.zip"
    assert provenance.public_path("data/raw/crimes.csv") == "data/raw/crimes.csv"


def test_public_text_replaces_machine_folders():
    tmp = Path(tempfile.gettempdir())
    text = (
        f"No such file: {PROJECT_ROOT}/data/processed/crimes.parquet; "
        f"see {Path.home()}/.cache/x and {tmp}/abc"
    )
    assert provenance.public_text(text) == (
        "No such file: ./data/processed/crimes.parquet; see ~/.cache/x and $TMPDIR/abc"
    )


def test_the_record_holds_no_absolute_path(tmp_path):
    processed = tmp_path / "processed"
    processed.mkdir()
    record = provenance.build(
        "2019-12",
        {
            "processed_dir": str(processed),
            "annotations_dir": str(PROJECT_ROOT / "annotations"),
            "window_months": 12,
            "appendices": ["personal_robbery"],
        },
        {
            "force": "Test force",
            "inputs": [
                {"file": "x.zip", "path": "/data/downloads/x.zip", "members": ["2019-01/a.csv"]}
            ],
        },
        processed,
    )
    assert record["parameters"] == {
        "processed_dir": "…/processed",
        "annotations_dir": "annotations",
        "window_months": 12,
        "appendices": ["personal_robbery"],
    }
    assert record["inputs"] == [{"file": "x.zip", "path": "…/x.zip", "members": ["2019-01/a.csv"]}]
