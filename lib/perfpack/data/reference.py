"""Reference tables in ``data/reference/``: small committed CSVs, each opening with ``#`` lines
that say where the figures come from. Themes are data here, not code."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

from perfpack.core.windows import ThemeWindows, theme_windows
from perfpack.data.paths import REFERENCE_DIR


def read_reference_csv(path: Path) -> pd.DataFrame:
    """Read a reference CSV, skipping its leading ``#`` source lines; every column as text."""
    text = Path(path).read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return pd.read_csv(io.StringIO(body), dtype=str, keep_default_na=False)


def source_lines(name: str, reference_dir: Path = REFERENCE_DIR) -> list[str]:
    """The ``#`` lines at the top of a reference table (its source and assumptions)."""
    text = (reference_dir / f"{name}.csv").read_text(encoding="utf-8")
    return [line.lstrip("# ").rstrip() for line in text.splitlines() if line.startswith("#")]


@cache
def _table(name: str, reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    return read_reference_csv(reference_dir / f"{name}.csv")


def table(name: str, reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    """A reference table by file stem (``npts``, ``themes``, ...), as a fresh copy."""
    return _table(name, Path(reference_dir)).copy()


def npts(reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    """The Neighbourhood Policing Teams with their populations (int)."""
    frame = table("npts", reference_dir)
    frame["population_mid2019"] = frame["population_mid2019"].astype(int)
    return frame


def themes(reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    """The themes table, indexed by theme slug, with integer lags and a list of extra sections."""
    frame = table("themes", reference_dir)
    frame["lag_months"] = frame["lag_months"].astype(int)
    frame["rate_window_lag_months"] = pd.to_numeric(frame["rate_window_lag_months"]).astype("Int64")
    frame["report_order"] = frame["report_order"].astype(int)
    frame["extra_sections"] = frame["extra_sections"].map(
        lambda s: [part for part in s.split(";") if part]
    )
    return frame.set_index("theme", drop=False)


def theme(slug: str, reference_dir: Path = REFERENCE_DIR) -> pd.Series:
    """One theme's reference row; a clear error names the known themes if ``slug`` is not one."""
    frame = themes(reference_dir)
    if slug not in frame.index:
        raise KeyError(f"unknown theme {slug!r}; known themes: {', '.join(frame.index)}")
    return frame.loc[slug]


@dataclass(frozen=True)
class ThemeSpec:
    """One theme as ``data/reference/themes.csv`` describes it: what a theme's analysis needs
    to know about it, read once (:func:`theme_spec`).

    ``table`` is the canonical table it counts (``crimes``, ``stop_searches``,
    ``missing_episodes``); ``data_source`` ``force`` or ``police_uk``; ``notebook`` the
    appendix notebook that reports it; ``extra_sections`` optional sections of the crime
    appendix.
    """

    slug: str
    title: str
    section: str
    target_direction: str
    table: str
    data_source: str
    lag_months: int
    rate_window_lag_months: int | None
    notebook: str
    report_order: int
    extra_sections: tuple[str, ...]
    contents_group: str

    def windows(self, period: str, window_months: int = 12) -> ThemeWindows:
        """The theme's windows for ``period`` (:func:`perfpack.core.windows.theme_windows`)."""
        return theme_windows(period, self.lag_months, window_months, self.rate_window_lag_months)


def theme_spec(slug: str, reference_dir: Path = REFERENCE_DIR) -> ThemeSpec:
    """The :class:`ThemeSpec` of one theme; a KeyError names the known themes otherwise."""
    row = theme(slug, reference_dir)
    rate_lag = row["rate_window_lag_months"]
    return ThemeSpec(
        slug=str(row["theme"]),
        title=str(row["title"]),
        section=str(row["section"]),
        target_direction=str(row["target_direction"]),
        table=str(row["table"]),
        data_source=str(row["data_source"]),
        lag_months=int(row["lag_months"]),
        rate_window_lag_months=None if pd.isna(rate_lag) else int(rate_lag),
        notebook=str(row["notebook"]),
        report_order=int(row["report_order"]),
        extra_sections=tuple(row["extra_sections"]),
        contents_group=str(row["contents_group"]),
    )


def offence_themes(reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    """Offence code (or public crime type) -> theme; an empty theme means outside every theme."""
    return table("offence_themes", reference_dir)


def national_comparator(theme_slug: str, measure: str, reference_dir: Path = REFERENCE_DIR):
    """The published national figure for a theme and measure, as a float (None if not held)."""
    frame = table("national_comparators", reference_dir)
    rows = frame[(frame["theme"] == theme_slug) & (frame["measure"] == measure)]
    if rows.empty:
        return None
    return float(rows["value"].iloc[0])


def national_comparators(theme_slug: str, reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    """All national figures held for a theme (value as float)."""
    frame = table("national_comparators", reference_dir)
    frame = frame[frame["theme"] == theme_slug].copy()
    frame["value"] = frame["value"].astype(float)
    return frame.reset_index(drop=True)


def missing_persons_constants(reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    """Unit cost, investment and the 2018 forecast for missing persons (value as float)."""
    frame = table("missing_persons", reference_dir)
    frame["value"] = frame["value"].astype(float)
    return frame


def actions(reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    """Meeting actions (017, 018, 019, ...)."""
    return table("actions", reference_dir)
