"""Which themes are "Performance Exceptions for Review": a written rule, applied to every theme,
so the list is computed, not chosen."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from perfpack.core import spc
from perfpack.data.paths import REFERENCE_DIR
from perfpack.present import spc_icons
from perfpack.themes import spc_themes

#: How many of the latest months the SPC part of the rule looks at.
RECENT_MONTHS = 3
SIGNIFICANCE = 0.05


def exception_rule(window_months: int = 12) -> str:
    """The rule in words, as the overview prints it."""
    return (
        "A theme is a performance exception for review when either (a) any of its latest "
        f"{RECENT_MONTHS} monthly points shows special-cause variation in the direction of concern "
        'on its SPC chart (NHS "Making Data Count" rules as NHSRplotthedots applies them, on '
        "the limits after the theme's baseline and rebases, concern judged against the theme's "
        "target direction), or (b) the change between the previous and current "
        f"{window_months} months is statistically significant (exact Poisson test, "
        f"p < {SIGNIFICANCE}) and against the target direction."
    )


@dataclass
class ThemeReview:
    theme: str
    spc_signal: str
    spc_concern: bool
    spc_improvement: bool
    significant_against_target: bool
    significant_with_target: bool
    reasons: list[str] = field(default_factory=list)
    #: The "Making Data Count" variation icon (a key of spc_icons.VARIATION_WORDS), or "".
    variation: str = ""
    #: The assurance icon ("pass", "fail", "hit_and_miss"), None without a numeric target.
    assurance: str | None = None
    #: Suggested rebases (never applied by the rule), in words.
    suggestions: list[str] = field(default_factory=list)

    @property
    def exception(self) -> bool:
        return bool(self.reasons)


def review_theme(
    theme: str,
    monthly: pd.Series,
    target_direction: str,
    previous: float | None,
    current: float | None,
    p_value: float | None,
    reference_dir=REFERENCE_DIR,
) -> ThemeReview:
    """Apply the exception rule to one theme.

    The SPC half is judged on the theme's chart as its reference settings draw it
    (:func:`perfpack.themes.spc_themes.theme_xmr`: baseline, dated rebases, an explained shift);
    suggested rebases are listed, never applied.

    Parameters
    ----------
    theme : str
        The theme slug (its SPC settings; a slug without settings gets the defaults).
    monthly : pandas.Series
        The theme's monthly counts in time order (the SPC chart's points).
    target_direction : {"Reduction", "Increase"}
    previous, current : float or None
        12-month counts; p_value : the exact Poisson test's p-value for their change.
    reference_dir : path, optional
        Where spc_settings.csv and interventions.csv are read from.
    """
    variation, assurance, suggestions = "", None, []
    if len(monthly) >= 2:
        table = spc_themes.theme_xmr(monthly, theme, target_direction, reference_dir)
        recent = table.iloc[-RECENT_MONTHS:]
        concern = bool((recent["signal"] == spc.CONCERN).any())
        improvement = bool((recent["signal"] == spc.IMPROVEMENT).any())
        signal_text = spc.summary(table)
        variation = spc_icons.variation(table, target_direction)
        target = spc_themes.theme_settings(theme, reference_dir).target
        assurance = spc_icons.assurance(target, table, target_direction)
        suggestions = spc.suggested_rebases(table)["text"].tolist()
    else:
        concern = improvement = False
        signal_text = "not enough monthly points for an SPC chart"
    against = with_target = False
    if previous is not None and current is not None and p_value is not None:
        significant = p_value < SIGNIFICANCE
        went_up = current > previous
        good = went_up if target_direction == "Increase" else current < previous
        against = significant and not good and current != previous
        with_target = significant and good
    reasons = []
    if concern:
        reasons.append(f"SPC special cause of concern in the latest {RECENT_MONTHS} months")
    if against:
        reasons.append("significant change against the target direction")
    return ThemeReview(
        theme,
        signal_text,
        concern,
        improvement,
        against,
        with_target,
        reasons,
        variation,
        assurance,
        suggestions,
    )


def monthly_series(figs: pd.DataFrame, theme: str) -> pd.Series:
    """A theme's published monthly counts (measure ``monthly_count``, one month per window)."""
    rows = figs[
        (figs["theme"] == theme) & (figs["measure"] == "monthly_count") & (figs["group"] == "")
    ]
    months = rows["window"].str.slice(0, 7)
    series = pd.Series(
        rows["value"].astype(float).to_numpy(), index=pd.PeriodIndex(months, freq="M")
    )
    return series.sort_index()
