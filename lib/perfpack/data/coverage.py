"""What a processed folder's data covers, as its manifest states it: the one place that knows
under which ``coverage`` key a data.police.uk ingest records each canonical table's files."""

from __future__ import annotations

import pandas as pd

#: Canonical table -> its key under ``coverage`` in a data.police.uk processed manifest (the
#: kind of download file the table is read from).
COVERAGE_KEYS = {"crimes": "street", "stop_searches": "stop_search"}


def table_coverage(data_manifest: dict, table: str) -> dict | None:
    """The coverage record of ``table``'s files in a data.police.uk manifest (months, missing
    files, summary sentences); None for other data or when the manifest holds none."""
    if data_manifest.get("data_source") != "police_uk":
        return None
    return (data_manifest.get("coverage") or {}).get(COVERAGE_KEYS.get(table, "")) or None


def coverage_records(coverage: dict | None) -> list[dict]:
    """The coverage records of a manifest's ``coverage`` mapping, in the order of
    :data:`COVERAGE_KEYS` (street crime, then stop search), skipping those it does not hold."""
    coverage = coverage or {}
    return [coverage[key] for key in COVERAGE_KEYS.values() if coverage.get(key)]


def months_covered(data_manifest: dict, table: str) -> set[str] | None:
    """The months (``YYYY-MM``) a processed table's data covers, as its manifest states them;
    None when the manifest does not say (then nothing is checked)."""
    if data_manifest.get("data_source") == "police_uk":
        coverage = table_coverage(data_manifest, table)
        if not coverage:
            return None
        missing = {m["month"] for m in coverage.get("missing_files", [])}
        return set(coverage.get("months", [])) - missing
    for item in data_manifest.get("inputs", []):
        if item.get("table") == table and item.get("first_month") and item.get("last_month"):
            span = pd.period_range(item["first_month"], item["last_month"], freq="M")
            return {str(m) for m in span}
    return None
