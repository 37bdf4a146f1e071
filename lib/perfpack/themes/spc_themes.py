"""A theme's SPC settings from reference data, and its XmR table with them applied.

data/reference/spc_settings.csv gives each theme's baseline (points the limits are fixed
from), the sourced cause of a sustained shift (when a cause is given, the run rule's suggested
rebase is applied with it; otherwise it is only reported) and a numeric target (for the
"Making Data Count" assurance icon); data/reference/interventions.csv gives dated rebases with
their reasons. The rules themselves are in :mod:`perfpack.core.spc`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from perfpack.core import spc
from perfpack.data import reference
from perfpack.data.paths import REFERENCE_DIR


@dataclass
class SpcSettings:
    """A theme's SPC settings (data/reference/spc_settings.csv and interventions.csv).

    Attributes
    ----------
    baseline : int or None
        Points of each segment the limits are fixed from (None: all points).
    rebases : dict
        ``"YYYY-MM"`` -> reason, from data/reference/interventions.csv.
    explained_shift : str
        The sourced cause of a sustained shift: when given, the earliest suggested rebase is
        applied with this reason; when "", suggestions are only reported.
    target : float or None
        A numeric target for the assurance icon (None: the theme has none).
    """

    baseline: int | None = None
    rebases: dict = field(default_factory=dict)
    explained_shift: str = ""
    target: float | None = None


def theme_settings(theme: str, reference_dir=REFERENCE_DIR) -> SpcSettings:
    """A theme's SPC settings; a theme not in spc_settings.csv gets the defaults (all points,
    no rebase, no target).

    Raises
    ------
    ValueError
        A setting that is not a number where one is needed, naming the file, row and column.
    """
    settings = reference.table("spc_settings", reference_dir)
    interventions = reference.table("interventions", reference_dir)
    rebases = {
        row.start_month: f"{row.name}: {row.reason}"
        for row in interventions.itertuples()
        if row.theme == theme
    }
    rows = settings[settings["theme"] == theme]
    if rows.empty:
        return SpcSettings(rebases=rebases)
    row = rows.iloc[0]
    # the file's line: the # lines, the header, then the data rows
    line = len(reference.source_lines("spc_settings", Path(reference_dir))) + 2 + int(rows.index[0])

    def number(column, kind):
        text = row[column].strip()
        if not text:
            return None
        try:
            return kind(text)
        except ValueError:
            raise ValueError(
                f"spc_settings.csv: line {line} (theme {theme}), column {column}: {text!r} is "
                f"not a {'whole number' if kind is int else 'number'}"
            ) from None

    return SpcSettings(
        baseline=number("baseline_points", int),
        rebases=rebases,
        explained_shift=row["explained_shift"].strip(),
        target=number("target", float),
    )


def theme_xmr(
    monthly: pd.Series,
    theme: str,
    target_direction: str = "Reduction",
    reference_dir=REFERENCE_DIR,
) -> pd.DataFrame:
    """The XmR table of a theme with its reference settings applied (:func:`theme_settings`).

    The baseline and the dated rebases are applied; a sustained shift
    (:func:`perfpack.core.spc.suggested_rebases`) is applied only when the settings give its sourced
    cause (``explained_shift``), and then with that cause as the rebase reason. Other
    suggestions stay suggestions.

    Returns
    -------
    pandas.DataFrame
        As :func:`perfpack.core.spc.xmr`.
    """
    settings = theme_settings(theme, reference_dir)
    rebase = dict(settings.rebases)
    table = spc.xmr(monthly, target_direction, baseline=settings.baseline, rebase=rebase)
    suggestions = spc.suggested_rebases(table)
    if settings.explained_shift and not suggestions.empty:
        first = suggestions.iloc[0]
        month = first["month"]
        key = str(month) if isinstance(month, pd.Period) else month
        rebase[key] = (
            f"Sustained shift: {settings.explained_shift} (limits revised from the start of a "
            f"run of {first['length']} points {first['side']} the mean)"
        )
        table = spc.xmr(monthly, target_direction, baseline=settings.baseline, rebase=rebase)
    return table


def _month_window(label) -> str:
    return f"{label}/{label}" if isinstance(label, pd.Period) else str(label)


def spc_figures(table: pd.DataFrame) -> pd.DataFrame:
    """The SPC chart's own figures for figures.csv (``measure, window, group, value``).

    - ``spc_rebase``: each applied rebase, window its first month, value the segment number
      (the reason is on the chart and in :func:`perfpack.core.spc.rebase_notes`);
    - ``spc_suggested_rebase``: each suggested rebase (never applied), window the month its run
      starts, group "above" or "below" (the mean), value the run's length in points;
    - ``spc_mean``, ``spc_lower_limit``, ``spc_upper_limit``: the latest segment's mean and
      process limits, window its first/last month.
    """
    rows = []
    for segment, part in table.groupby("segment", sort=True):
        if segment > 0:
            rows.append(("spc_rebase", _month_window(part.index[0]), "", int(segment)))
    for row in spc.suggested_rebases(table).itertuples():
        rows.append(("spc_suggested_rebase", _month_window(row.month), row.side, row.length))
    last = table[table["segment"] == table["segment"].iloc[-1]]
    span = f"{last.index[0]}/{last.index[-1]}"
    for measure, column in (
        ("spc_mean", "mean"),
        ("spc_lower_limit", "lcl"),
        ("spc_upper_limit", "ucl"),
    ):
        rows.append((measure, span, "", float(last[column].iloc[-1])))
    return pd.DataFrame(rows, columns=["measure", "window", "group", "value"])
