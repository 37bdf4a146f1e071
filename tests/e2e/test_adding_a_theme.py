"""Adding a crime theme takes reference rows and an annotation (docs/ADDING_A_THEME.md): in a
copy of the project, Burglary is added with CSV rows only, ingested and built with
``perfpack run 2019-12 --only burglary``; its counts equal a hand count of the raw extract."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow

#: The demo extract's burglary codes (Home Office: 28E residential - home, 30C business and
#: community), listed in offence_themes.csv outside every theme.
BURGLARY_CODES = {"28E", "30C"}
THEME_ROW = (
    "burglary,Burglary,Early Intervention,Reduction,crimes,force,0,,01_crime_theme,6,,Burglary"
)
COMMENTARY = "Burglary is reviewed monthly by the force's acquisitive crime lead."


def _perfpack(root, *args):
    return subprocess.run(
        [sys.executable, "-m", "perfpack.cli", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PERFPACK_ROOT": str(root)},
        timeout=900,
    )


def _append(path, line):
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + "\n" + line + "\n", encoding="utf-8")


def _map_codes(path, codes, theme):
    """Put ``theme`` in the theme column of the ho_code rows of ``codes`` (nothing else)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    changed = 0
    for i, line in enumerate(lines):
        parts = line.split(",")
        if len(parts) == 4 and parts[0] == "ho_code" and parts[1] in codes:
            assert parts[3] == "", f"{parts[1]} already counts towards {parts[3]}"
            lines[i] = ",".join([*parts[:3], theme])
            changed += 1
    assert changed == len(codes)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _hand_count(raw_crimes, codes, year):
    with raw_crimes.open(encoding="utf-8", newline="") as handle:
        return sum(
            1
            for row in csv.DictReader(handle)
            if row["offence_code"] in codes and row["recorded_date"][:4] == year
        )


@pytest.fixture(scope="module")
def project(demo_raw, tmp_path_factory):
    """A copy of the project without its library: notebooks, reference tables, the demo's raw
    extracts and the annotations (the package is the installed one)."""
    root = tmp_path_factory.mktemp("adding") / "project"
    shutil.copytree(PROJECT_ROOT / "notebooks", root / "notebooks")
    shutil.copytree(PROJECT_ROOT / "data" / "reference", root / "data" / "reference")
    shutil.copytree(demo_raw, root / "data" / "raw")
    shutil.copytree(PROJECT_ROOT / "annotations", root / "annotations")
    return root


@pytest.fixture(scope="module")
def burglary_report(project):
    reference = project / "data" / "reference"
    _map_codes(reference / "offence_themes.csv", BURGLARY_CODES, "burglary")
    _append(reference / "themes.csv", THEME_ROW)
    _append(reference / "spc_settings.csv", "burglary,12,,")
    (project / "annotations" / "2019-12" / "burglary.md").write_text(COMMENTARY, encoding="utf-8")
    ingest = _perfpack(project, "ingest")
    assert ingest.returncode == 0, ingest.stderr
    run = _perfpack(project, "run", "2019-12", "--only", "burglary", "--no-pdf", "--quiet")
    assert run.returncode == 0, run.stderr
    return project / "reports" / "2019-12"


def test_the_demo_holds_burglary_outside_the_themes(demo_raw):
    # the codes are in the demo extract and mapped to no theme in the committed reference
    with (PROJECT_ROOT / "data" / "reference" / "offence_themes.csv").open(encoding="utf-8") as f:
        rows = [r for r in csv.reader(f) if r and not r[0].startswith("#")]
    themes = {r[1]: r[3] for r in rows[1:] if r[0] == "ho_code"}
    assert {themes[code] for code in BURGLARY_CODES} == {""}
    assert _hand_count(demo_raw / "crimes.csv", BURGLARY_CODES, "2019") > 0


def test_burglary_appendix_counts_the_raw_rows(burglary_report, project):
    from perfpack.core.figures import read_figures

    page = (burglary_report / "appendices" / "burglary.html").read_text(encoding="utf-8")
    assert "Burglary" in page and COMMENTARY in page
    figures = read_figures(burglary_report / "figures" / "burglary.csv")
    force = figures[figures["group"] == ""].set_index("measure")
    raw = project / "data" / "raw" / "crimes.csv"
    previous, current = (_hand_count(raw, BURGLARY_CODES, y) for y in ("2018", "2019"))
    assert force.loc["count_previous", "value"] == previous
    assert force.loc["count_previous", "window"] == "2018-01/2018-12"
    assert force.loc["count_current", "value"] == current
    assert force.loc["count_current", "window"] == "2019-01/2019-12"
    # no national figure held for burglary: the page says so, and the rate is the current window's
    assert "No national rate is held for this theme." in page
    assert force.loc["rate_per_1000", "window"] == "2019-01/2019-12"
    # the overview links the new appendix
    index = (burglary_report / "index.html").read_text(encoding="utf-8")
    assert 'href="appendices/burglary.html"' in index
