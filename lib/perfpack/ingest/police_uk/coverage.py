"""What a download covers: the :class:`CoverageReport` of the files read (months, missing files,
absent forces, rows with no location or outside the force's area, per force and month), the
check that a window is fully covered, and the tallies behind them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from perfpack.core.windows import Window
from perfpack.data.public_tables import NS, POLICE_UK_FORCES, IncompleteWindowError
from perfpack.ingest.police_uk.areas import OWN_AREA_RULE
from perfpack.ingest.police_uk.discover import STREET_KIND

_NO_THEME_TYPES_NOTE = "crime types not listed in offence_themes.csv (scheme police_uk)"


@dataclass
class CoverageReport:
    """What a download covers, for the forces read, and what did not map cleanly.

    Attributes
    ----------
    source : str
        The zip or folder read.
    kind : str
        ``street`` or ``stop_search``.
    forces : list of str
        The force slugs read.
    months : list of str
        The months (``YYYY-MM``) from the first to the last any file of this kind in the
        download holds (the span the source covers).
    files : pandas.DataFrame
        The files read (:func:`discover` rows) with ``rows`` (data rows in each).
    missing_files : pandas.DataFrame
        ``force``, ``month``: months of the span with no file for a force that was read.
    absent_forces : list of str
        data.police.uk forces (:data:`POLICE_UK_FORCES`) with no file of this kind at all.
    by_month : pandas.DataFrame
        Per force and month: ``rows``, ``no_location`` (no LSOA / map point: no local
        authority), ``no_coordinates``, ``outside_force_area``, ``not_in_lookup`` and, for stop
        search, ``date_only`` and ``unplaced`` (a point no street record uses).
    outside_area : pandas.DataFrame
        ``force``, ``month``, ``local_authority``, ``rows`` for rows outside the force's area.
    own_areas : pandas.DataFrame
        :func:`own_local_authorities` for the forces read.
    unknown_crime_types : list of str
        Crime types ``offence_themes.csv`` does not list (their theme is left missing).
    notes : list of str
        Anything else a reader should know (e.g. how stop searches were placed).
    """

    source: str
    kind: str
    forces: list[str]
    months: list[str]
    files: pd.DataFrame
    missing_files: pd.DataFrame
    absent_forces: list[str]
    by_month: pd.DataFrame
    outside_area: pd.DataFrame
    own_areas: pd.DataFrame
    unknown_crime_types: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rule: str = OWN_AREA_RULE

    def months_present(self, force: str | None = None) -> list[str]:
        """Months with a file for ``force`` (every force read when None: months all of them
        have)."""
        forces = [force] if force else self.forces
        sets = [set(self.files.loc[self.files["force"] == f, "month"]) for f in forces]
        return sorted(set.intersection(*sets)) if sets else []

    def months_missing(self, window: Window, force: str | None = None) -> dict[str, list[str]]:
        """``{force: [months of window with no file]}`` for the forces read (only those missing
        something)."""
        wanted = [str(m) for m in window.months()]
        out = {}
        for f in [force] if force else self.forces:
            have = set(self.files.loc[self.files["force"] == f, "month"])
            gaps = [m for m in wanted if m not in have]
            if gaps:
                out[f] = gaps
        return out

    def own_local_authorities(self, force: str) -> list[str]:
        """The force's own local authorities (2011 names), sorted."""
        rows = self.own_areas[(self.own_areas["force"] == force) & self.own_areas["own"]]
        return sorted(rows["local_authority"])

    def totals(self) -> dict[str, int]:
        """Column sums of ``by_month`` (rows, no_location, outside_force_area, ...)."""
        numbers = self.by_month.drop(columns=["force", "month"])
        return {c: int(numbers[c].sum()) for c in numbers.columns}

    def summary_lines(self) -> list[str]:
        """Short sentences for the overview page (counts only, never records)."""
        label = "street crime" if self.kind == STREET_KIND else "stop and search"
        who = self.forces[0] if len(self.forces) == 1 else f"{len(self.forces)} forces"
        totals = self.totals()
        span = f"{self.months[0]} to {self.months[-1]}" if self.months else "no months"
        lines = [
            f"data.police.uk {label} files for {who}: {len(self.files)} files, "
            f"{totals.get('rows', 0):,} rows, covering {span}."
        ]
        if len(self.missing_files):
            gaps = "; ".join(
                f"{f}: {', '.join(g['month'])}" for f, g in self.missing_files.groupby("force")
            )
            lines.append(f"No file for: {gaps}.")
        if self.absent_forces and len(self.forces) > 1:
            lines.append(f"Forces absent from the download: {', '.join(self.absent_forces)}.")
        if totals.get("no_location"):
            lines.append(
                f"{totals['no_location']:,} rows have no location (no local authority or NPT); "
                "they count in force totals only."
            )
        if totals.get("outside_force_area"):
            lines.append(
                f"{totals['outside_force_area']:,} rows fall in local authorities outside the "
                "force's own area (counted in force totals, not in any NPT)."
            )
        if totals.get("not_in_lookup"):
            lines.append(f"{totals['not_in_lookup']:,} rows could not be placed by the NPT lookup.")
        if totals.get("unplaced"):
            lines.append(
                f"{totals['unplaced']:,} searches are at a map point no street record uses, so "
                "their NPT is unknown."
            )
        if totals.get("date_only"):
            lines.append(f"{totals['date_only']:,} searches have a date but no time.")
        if self.unknown_crime_types:
            lines.append(
                f"Crime types with no theme ({_NO_THEME_TYPES_NOTE}): "
                f"{', '.join(self.unknown_crime_types)}."
            )
        lines.extend(self.notes)
        return lines

    def to_dict(self) -> dict:
        """A JSON-ready summary (counts only; no record-level data)."""

        def records(frame: pd.DataFrame) -> list[dict]:
            return json.loads(frame.to_json(orient="records"))

        own = self.own_areas[self.own_areas["own"]]
        return {
            "source": self.source,
            "kind": self.kind,
            "forces": list(self.forces),
            "months": list(self.months),
            "files": int(len(self.files)),
            "missing_files": records(self.missing_files),
            "absent_forces": list(self.absent_forces),
            "totals": self.totals(),
            "by_month": records(self.by_month),
            "outside_area": records(
                self.outside_area.groupby(["force", "local_authority"], as_index=False)[
                    "rows"
                ].sum()
            ),
            "own_local_authorities": {
                f: sorted(g["local_authority"]) for f, g in own.groupby("force")
            },
            "own_area_rule": self.rule,
            "unknown_crime_types": list(self.unknown_crime_types),
            "notes": list(self.notes),
            "summary": self.summary_lines(),
        }


def check_windows(coverage: CoverageReport, windows) -> list[Window]:
    """Refuse windows the download does not fully cover.

    Parameters
    ----------
    coverage : CoverageReport
    windows : Window, iterable of Window, or mapping of name -> Window
        E.g. the ``(previous, current)`` pair of :func:`perfpack.core.windows.comparison_windows`.

    Returns
    -------
    list of Window
        The windows, when every month of each has a file for every force read.

    Raises
    ------
    IncompleteWindowError
        Naming each incomplete window, the force and the missing months, and the months the
        download holds.
    """
    if isinstance(windows, Window):
        named = {windows.label: windows}
    elif isinstance(windows, Mapping):
        named = dict(windows)
    else:
        named = {w.label: w for w in windows}
    problems = []
    for name, window in named.items():
        for force, months in coverage.months_missing(window).items():
            label = name if name == window.label else f"{name} ({window.label})"
            problems.append(f"window {label} for {force} lacks {', '.join(months)}")
    if problems:
        span = f"{coverage.months[0]} to {coverage.months[-1]}" if coverage.months else "nothing"
        raise IncompleteWindowError(
            "; ".join(problems)
            + f". The data.police.uk {coverage.kind.replace('_', '-')} files in "
            f"{coverage.source} cover {span}; a % change over a window with missing months "
            "would be wrong, so it is refused. Choose a period whose windows the download covers."
        )
    return list(named.values())


def month_span(months: Iterable[str]) -> list[str]:
    months = sorted(set(months))
    if not months:
        return []
    return [str(p) for p in pd.period_range(months[0], months[-1], freq="M")]


def missing_files(all_files: pd.DataFrame, read: pd.DataFrame, kind: str) -> pd.DataFrame:
    span = month_span(all_files.loc[all_files["kind"] == kind, "month"])
    rows = []
    for force in sorted(read["force"].unique()):
        have = set(read.loc[read["force"] == force, "month"])
        rows.extend((force, m) for m in span if m not in have)
    return pd.DataFrame(rows, columns=["force", "month"]).astype("str")


def absent_forces(all_files: pd.DataFrame, kind: str) -> list[str]:
    present = set(all_files.loc[all_files["kind"] == kind, "force"])
    return [f for f in POLICE_UK_FORCES if f not in present]


def tally_by_month(
    force_codes: np.ndarray,
    month_codes: np.ndarray,
    forces: list,
    months: list,
    files: pd.DataFrame,
    flags: dict[str, np.ndarray],
) -> pd.DataFrame:
    """Per force and month: ``rows`` and the number of rows with each flag set (every file's
    force and month appear, with 0s when empty)."""
    size = max(len(forces) * max(len(months), 1), 1)
    ok = month_codes >= 0
    key = force_codes.astype(np.int64)[ok] * max(len(months), 1) + month_codes[ok]
    counts = {"rows": np.bincount(key, minlength=size)}
    for name, flag in flags.items():
        counts[name] = np.bincount(key, weights=flag[ok].astype(np.float64), minlength=size)
    grid = pd.DataFrame(
        {
            "force": np.repeat(np.asarray(forces, dtype=object), max(len(months), 1)),
            "month": np.tile(np.asarray(months or [""], dtype=object), len(forces)),
            **{name: values.astype(np.int64) for name, values in counts.items()},
        }
    )
    grid = grid[grid["rows"] > 0]
    keys = files[["force", "month"]].drop_duplicates()
    out = pd.concat(
        [
            grid,
            keys[
                ~keys.set_index(["force", "month"]).index.isin(
                    grid.set_index(["force", "month"]).index
                )
            ],
        ],
        ignore_index=True,
    ).fillna(0)
    numbers = [c for c in out.columns if c not in ("force", "month")]
    out[numbers] = out[numbers].astype(int)
    out = out.astype({"force": "str", "month": "str"})
    return out.sort_values(["force", "month"]).reset_index(drop=True)


def tally_outside(force_codes, month_codes, la_codes, outside, forces, months, las) -> pd.DataFrame:
    """Rows outside the force's area per force, month and local authority."""
    chosen = outside & (month_codes >= 0)
    frame = pd.DataFrame(
        {"f": force_codes[chosen], "m": month_codes[chosen], "a": la_codes[chosen]}
    )
    counted = frame.groupby(["f", "m", "a"]).size().rename("rows").reset_index()
    out = pd.DataFrame(
        {
            "force": np.asarray(forces, dtype=object)[counted["f"].to_numpy()]
            if len(counted)
            else [],
            "month": np.asarray(months, dtype=object)[counted["m"].to_numpy()]
            if len(counted)
            else [],
            "local_authority": np.asarray(las, dtype=object)[counted["a"].to_numpy()]
            if len(counted)
            else [],
            "rows": counted["rows"].to_numpy(dtype=np.int64),
        }
    )
    return out.astype({"force": "str", "month": "str", "local_authority": "str"})


def national_search_counts(coverage: CoverageReport) -> pd.DataFrame:
    """Stop searches per force and month from a stop-and-search :class:`CoverageReport`.

    Returns
    -------
    pandas.DataFrame
        ``force``, ``month`` (first day of the month of the search's date), ``searches`` (int;
        0 for a force's month whose file holds no search). A force and month with no file has
        no row.
    """
    tally = coverage.by_month
    return pd.DataFrame(
        {
            "force": tally["force"].astype("str"),
            "month": pd.to_datetime(tally["month"], format="%Y-%m").astype(NS),
            "searches": tally["rows"].astype("int64"),
        }
    ).reset_index(drop=True)
