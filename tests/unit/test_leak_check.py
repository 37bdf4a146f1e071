"""The disclosure scan finds a planted identifier and passes a clean report."""

import json
from pathlib import Path

import pandas as pd

from perfpack.report import leak_check


def _processed(tmp_path):
    processed = tmp_path / "processed"
    processed.mkdir()
    pd.DataFrame({"episode_id": ["MP-1001", "MP-1002"], "person_id": ["P-77", "P-78"]}).to_parquet(
        processed / "missing_episodes.parquet"
    )
    pd.DataFrame({"crime_id": ["CR/2019/000123"]}).to_parquet(processed / "crimes.parquet")
    return processed


def test_planted_identifiers_are_found(tmp_path):
    processed = _processed(tmp_path)
    report = tmp_path / "report"
    (report / "appendices").mkdir(parents=True)
    (report / "index.html").write_text("<p>12 episodes; 7 people; Case A</p>")
    (report / "appendices" / "a.html").write_text("<td>P-78</td><td>ref CR/2019/000123.</td>")
    (report / "figures.csv").write_text("theme,measure,window,group,value\nx,y,,MP-1001,1\n")
    leaks = leak_check.scan(report, processed)
    assert {(leak.file, leak.identifier, leak.column) for leak in leaks} == {
        ("appendices/a.html", "P-78", "person_id"),
        ("appendices/a.html", "CR/2019/000123", "crime_id"),
        ("figures.csv", "MP-1001", "episode_id"),
    }


def test_ids_inside_longer_tokens_are_not_false_alarms(tmp_path):
    processed = _processed(tmp_path)
    report = tmp_path / "report"
    report.mkdir()
    (report / "index.html").write_text('<img src="data:image/png;base64,QP-77xP-777A=" alt="x">')
    assert leak_check.scan(report, processed) == []


def test_absolute_paths_of_the_build_machine_are_found(tmp_path):
    from perfpack.data.paths import PROJECT_ROOT

    processed = _processed(tmp_path)
    report = tmp_path / "report"
    (report / "appendices").mkdir(parents=True)
    (report / "provenance.json").write_text(
        json.dumps({"parameters": {"processed_dir": str(processed)}})
    )
    (report / "appendices" / "a.html").write_text(
        f"<p>failed: No such file {PROJECT_ROOT}/data/processed/crimes.parquet</p>"
    )
    (report / "index.html").write_text(f"<p>see {Path.home()}/notes.md</p>")
    (report / "figures.csv").write_text("theme,measure,window,group,value\n")
    found = {(leak.file, leak.identifier) for leak in leak_check.scan(report, processed)}
    assert found == {
        ("provenance.json", str(processed)),
        ("appendices/a.html", str(PROJECT_ROOT)),
        ("index.html", str(Path.home())),
    }
    assert all(
        leak.column == leak_check.ABSOLUTE_PATH for leak in leak_check.scan(report, processed)
    )


def test_relative_paths_and_look_alikes_are_not_paths(tmp_path):
    processed = _processed(tmp_path)
    report = tmp_path / "report"
    report.mkdir()
    (report / "index.html").write_text(
        f"<p>data/processed, …/processed, :root {{}}</p><p>{Path.home()}ward</p>"
        f'<img src="data:image/png;base64,AA{Path.home()}/x" alt="x">'
    )
    assert leak_check.scan(report, processed) == []
