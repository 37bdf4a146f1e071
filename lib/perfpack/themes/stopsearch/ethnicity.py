"""Stop and search by ethnic group: the groupings, the 2011 Census residents of a force area,
and disproportionality (searches per 1,000 residents of a group and the disparity ratio).

- **Ethnic group**: the self-defined ethnicity grouped by ``data/reference/ethnicity_groups.csv``
  into the five 2011 Census groups (Asian, Black, Mixed, Other, White) and "Not stated", and into
  the report's older BAME / White / Not known grouping. A blank (not recorded) self-defined
  ethnicity is "Not stated" / "Not known"; it is never dropped.
- **Disparity ratio**: searches per 1,000 residents of a group over searches per 1,000 White
  residents (2011 Census), with a 95% confidence interval by the log method for a ratio of two
  Poisson rates.

The force-level counts by ethnic group are suppressed against their published total
(:func:`perfpack.themes.stopsearch.measures.suppression_with_total`), their shares, rates,
disparity ratios and intervals hidden with them.
"""

from __future__ import annotations

import math

import pandas as pd

from perfpack.core import disclosure
from perfpack.core.change import percent
from perfpack.data import reference
from perfpack.themes.areas import census_area
from perfpack.themes.stopsearch.measures import (
    blank_to_na,
    map_known,
    suppression_with_total,
)

#: The five 2011 Census ethnic groups, in the Home Office's order, and the unstated group.
FIVE_GROUPS = ("Asian", "Black", "Mixed", "Other", "White")
NOT_STATED = "Not stated"
#: The report's grouping (kept for continuity), and the blank part of its "Not known".
REPORT_GROUPS = ("BAME", "White", "Not known")
NOT_KNOWN = "Not known"
NOT_RECORDED = "Not recorded"
WHITE = "White"
ALL = "All"
#: Two-sided 95% normal quantile, as the brief states it.
Z_95 = 1.96


def ethnic_group(self_defined: pd.Series) -> pd.Series:
    """The five 2011 Census groups (Asian, Black, Mixed, Other, White) or "Not stated".

    Parameters
    ----------
    self_defined : Series
        data.police.uk ``Self-defined ethnicity`` text.

    Returns
    -------
    Series of str
        The ``group`` of ``ethnicity_groups.csv``; a blank (not recorded) ethnicity and
        "Other ethnic group - Not stated" are both "Not stated". Chinese is in Asian, as in the
        Home Office's five-group rates. An unknown value is a ValueError.
    """
    table = reference.table("ethnicity_groups")
    groups = map_known(
        self_defined,
        dict(zip(table["self_defined_ethnicity"], table["group"], strict=True)),
        "ethnicity",
    )
    return groups.fillna(NOT_STATED)


def report_ethnic_group(self_defined: pd.Series) -> pd.Series:
    """The report's grouping: "BAME", "White" or "Not known".

    Returns
    -------
    Series of str
        The ``report_group`` of ``ethnicity_groups.csv``; a blank ethnicity and "Other ethnic
        group - Not stated" are both "Not known". An unknown value is a ValueError.
    """
    table = reference.table("ethnicity_groups")
    groups = map_known(
        self_defined,
        dict(zip(table["self_defined_ethnicity"], table["report_group"], strict=True)),
        "ethnicity",
    )
    return groups.fillna(NOT_KNOWN)


def is_ethnicity_not_recorded(self_defined: pd.Series) -> pd.Series:
    """True where no self-defined ethnicity was recorded at all (blank), as opposed to the
    person choosing "Other ethnic group - Not stated". Both count as "Not known"."""
    return blank_to_na(self_defined).isna().astype(bool)


def census_populations(force_area: str = "Staffordshire") -> pd.Series:
    """2011 Census usual residents of a police force area by the five groups.

    Asian is "Asian (or Asian British)" plus "Chinese", as in the Home Office's five-group
    rates. Returns a Series of int indexed by :data:`FIVE_GROUPS`.
    """
    table = reference.table("census2011_ethnicity_by_pfa").set_index("Police force")
    if force_area not in table.index:
        raise KeyError(f"{force_area!r} is not a police force area in the Census table")
    row = table.loc[force_area].astype(int)
    return pd.Series(
        {
            "Asian": row["Asian (or Asian British)"] + row["Chinese"],
            "Black": row["Black (or Black British)"],
            "Mixed": row["Mixed"],
            "Other": row["Other"],
            "White": row["White"],
        },
        name="population",
    ).astype(int)


def force_populations(force_name: str) -> pd.Series:
    """Census residents by five groups for a force named as in the data manifest.

    An empty Series when the 2011 Census table (England and Wales police force areas) has no
    row for the force -- British Transport Police (no residents), the Police Service of
    Northern Ireland (its census is not in the table): disproportionality by Census rates does
    not apply (:func:`disproportionality`; the page says why with
    :func:`perfpack.themes.stopsearch.public.census_note`).
    """
    try:
        return census_populations(census_area(force_name))
    except KeyError:
        return pd.Series(dtype="int64", name="population")


def rate_ratio_ci(
    a: int, population_a: float, b: int, population_b: float, z: float = Z_95
) -> tuple[float | None, float | None, float | None]:
    """Ratio of two Poisson rates with its confidence interval (log method).

    ``RR = (a / population_a) / (b / population_b)``;
    interval ``exp(ln RR +/- z * sqrt(1/a + 1/b))``.

    Returns
    -------
    tuple
        ``(ratio, low, high)``. With ``b`` = 0 (or a population of 0) nothing is defined:
        ``(None, None, None)``. With ``a`` = 0 the ratio is 0 but the log interval is not
        defined: ``(0.0, None, None)``.
    """
    if b <= 0 or population_a <= 0 or population_b <= 0:
        return None, None, None
    ratio = (a / population_a) / (b / population_b)
    if a <= 0:
        return 0.0, None, None
    spread = z * math.sqrt(1.0 / a + 1.0 / b)
    return ratio, ratio * math.exp(-spread), ratio * math.exp(spread)


def disproportionality(
    searches: pd.DataFrame, populations: pd.Series, threshold: int = 5
) -> pd.DataFrame:
    """Searches per 1,000 residents by ethnic group and the disparity ratio against White.

    Parameters
    ----------
    searches : DataFrame
        The searches (normally the current 12 months).
    populations : Series
        Residents by group (:func:`census_populations`); empty when Census rates do not apply
        to the force (:func:`force_populations`): then every ``population``, rate, ratio and
        interval is missing and only the counts and shares are given.

    Returns
    -------
    DataFrame
        One row per group of :data:`FIVE_GROUPS`, then "Not stated" and "All":
        ``group``, ``searches``, ``share`` (percent of all searches, so the not-stated share is
        shown, never dropped), ``population``, ``rate_per_1000``, ``disparity_ratio``,
        ``ci_low``, ``ci_high`` (95%), ``suppressed`` and ``ratio_suppressed``. White's ratio is
        1 by definition (no interval); Not stated has no population and so no rate. "All" uses
        every search over every resident. The numbers are never blanked here; what may be
        published is in ``suppressed`` (the count: ``""``, ``"primary"`` for 1 to
        ``threshold - 1``, ``"secondary"`` so that the groups' total, every search, cannot give
        a hidden one away; its share and rate go with it, since either times a published number
        gives the count back) and ``ratio_suppressed`` (the ratio and its interval are hidden
        when the group's count or White's is: the ratio is ``(a / pop_a) / (b / pop_b)`` and
        the interval's width ``sqrt(1/a + 1/b)``, so either would give a hidden count back).
    """
    groups = ethnic_group(searches["self_defined_ethnicity"])
    n_by_group = groups.value_counts().reindex([*FIVE_GROUPS, NOT_STATED], fill_value=0)
    n_all = len(searches)
    white_n = int(n_by_group[WHITE])
    applies = len(populations) > 0
    white_pop = float(populations[WHITE]) if applies else math.nan
    rows = []
    for group in FIVE_GROUPS:
        n = int(n_by_group[group])
        pop = float(populations[group]) if applies else math.nan
        if not applies:
            ratio, low, high = None, None, None
        elif group == WHITE:
            ratio, low, high = (1.0, None, None) if white_n > 0 else (None, None, None)
        else:
            ratio, low, high = rate_ratio_ci(n, pop, white_n, white_pop)
        rows.append(
            {
                "group": group,
                "searches": n,
                "share": percent(n, n_all),
                "population": int(pop) if applies else None,
                "rate_per_1000": n / pop * 1000 if applies and pop > 0 else None,
                "disparity_ratio": ratio,
                "ci_low": low,
                "ci_high": high,
            }
        )
    not_stated = int(n_by_group[NOT_STATED])
    rows.append(
        {
            "group": NOT_STATED,
            "searches": not_stated,
            "share": percent(not_stated, n_all),
            "population": None,
            "rate_per_1000": None,
            "disparity_ratio": None,
            "ci_low": None,
            "ci_high": None,
        }
    )
    total_pop = float(populations[list(FIVE_GROUPS)].sum()) if applies else math.nan
    rows.append(
        {
            "group": ALL,
            "searches": n_all,
            "share": percent(n_all, n_all),
            "population": int(total_pop) if applies else None,
            "rate_per_1000": n_all / total_pop * 1000 if applies else None,
            "disparity_ratio": None,
            "ci_low": None,
            "ci_high": None,
        }
    )
    table = pd.DataFrame(rows)
    # hide Not stated first (it has no rate), then Asian, Black, Mixed or Other, and White
    # (every ratio rests on it) last
    cost = {group: 1.0 for group in FIVE_GROUPS} | {NOT_STATED: 0.0, WHITE: 2.0}
    parts = table[table["group"] != ALL]
    states = suppression_with_total(
        pd.Series(parts["searches"].to_numpy(), index=list(parts["group"])),
        threshold,
        pd.Series(cost),
    )
    table["suppressed"] = [states.get(group, "") for group in table["group"]]
    disclosure.carry(table, states)
    white_hidden = bool(states[WHITE])
    table["ratio_suppressed"] = [  # no ratio without Census rates: nothing to hide
        applies and group in FIVE_GROUPS and (bool(state) or white_hidden)
        for group, state in zip(table["group"], table["suppressed"], strict=True)
    ]
    return table
