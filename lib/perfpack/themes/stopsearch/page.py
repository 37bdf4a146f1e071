"""Stop and search as the appendix shows it: the tables to publish, the sentences, the charts
and their captions, numbered as in the printed report (:func:`caption`).

Every function here formats what :func:`perfpack.themes.stopsearch.analyse` measured; nothing is
counted twice. Small counts (1 to 4) are shown as "<5", and a count hidden so that it cannot be
worked out as "[c]" (:mod:`perfpack.core.disclosure`).
"""

from __future__ import annotations

import pandas as pd

from perfpack.core import disclosure
from perfpack.core.change import change_sentence, format_count, format_pct, percent
from perfpack.core.windows import Window
from perfpack.data import reference
from perfpack.data.reference import ThemeSpec
from perfpack.present import charts
from perfpack.present.markup import escape_markdown
from perfpack.themes.areas import months_text
from perfpack.themes.stopsearch.ethnicity import ALL, NOT_RECORDED
from perfpack.themes.stopsearch.measures import OFFENSIVE_WEAPONS, THEME, age_suppression
from perfpack.themes.stopsearch.teams import FORCE_TOTAL, OTHER_TEAMS

#: Shown instead of the team tables when the searches carry no team (public data).
NO_TEAM_NOTE = (
    "data.police.uk does not publish the searching officer's team, so the searches by team "
    "(the report's figure 15) cannot be shown for this data."
)
#: What the public files can and cannot do, shown at the top of a public-data appendix.
PUBLIC_DATA_NOTE = (
    "These searches are data.police.uk's public records. They give no area and no team: each "
    "search is placed in the local authority of the street crimes published at the same "
    "anonymised map point, and searches at a point no street crime uses are in no area. No "
    "national figures are held for the public data, so the national columns are blank."
)

#: How the team tables are read (shown above them when the searches carry teams).
TEAM_TABLE_INTRO = (
    "Ethnicity is as the person searched defined it. *Not known* is every search without a "
    "stated ethnicity: those where none was recorded (the *of which not recorded* column, which "
    'the printed report\'s team rows showed as "Ethnicity Not Known") and those where the person '
    'chose "Not stated". *Other teams* are teams the report does not show separately; with them '
    "every row adds up to the force total."
)
FIVE_GROUPS_INTRO = (
    'The same searches by the five ethnic groups the government uses (it no longer uses "BAME"):'
)


#: The printed report's figure numbers (pages 12-16): every caption is numbered from here.
REPORT_FIGURE_NUMBERS = {
    "monthly": 10,
    "area_change": 11,
    "weapons": 12,
    "age": 13,
    "hour": 14,
    "teams": 15,
}
_CAPTIONS = {
    "monthly": "Monthly Volume of Stop Searches",
    "area_change": "Volume change by {area_chart} of Stop Searches over a {months} month period",
    "weapons": "Volume of Stop Searches by Offensive Weapon",
    "age": "Age breakdown of Stop Searches",
    "hour": "Time of Stop Searches across a 24 hour period",
    "teams": "Stop Search by Team, {recent}",
}


def caption(chart: str, area_chart: str = "", months: int = 12, recent: str = "") -> str:
    """The report's caption of a chart (``monthly``, ``area_change``, ``weapons``, ``age``,
    ``hour``) or of the team table (``teams``): "Figure 10. Monthly Volume of Stop Searches".

    ``area_chart`` names the areas ("Neighbourhood policing team"), ``months`` is each window's
    length and ``recent`` the team table's window in words.
    """
    title = _CAPTIONS[chart].format(area_chart=area_chart, months=months, recent=recent)
    return f"Figure {REPORT_FIGURE_NUMBERS[chart]}. {title}"


def data_note(spec: ThemeSpec) -> str:
    """:data:`PUBLIC_DATA_NOTE` for a public-data theme (``data_source`` ``police_uk``), else
    empty."""
    return PUBLIC_DATA_NOTE if spec.data_source == "police_uk" else ""


# --------------------------------------------------------------------------------------------
# tables and notes


def outcome_table(comparison: pd.DataFrame, n_months: int = 12) -> pd.DataFrame:
    """:func:`perfpack.themes.stopsearch.measures.outcome_comparison` formatted to publish
    (percent to one decimal place; ``n_months``: each window's length, for the headers)."""

    def shown(value, digits=1):
        return "–" if value is None or pd.isna(value) else format_pct(value, digits)

    span = months_text(n_months)
    return pd.DataFrame(
        {
            "Measure": comparison["label"],
            f"Previous {span}": [shown(v) for v in comparison["previous"]],
            f"Current {span}": [shown(v) for v in comparison["current"]],
            "National (year to March 2019)": [shown(v, 0) for v in comparison["national"]],
        }
    )


def object_table(shares: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """:func:`perfpack.themes.stopsearch.measures.object_shares` formatted to publish: a count
    of 1 to ``threshold - 1`` is shown as "<5", with whatever the window's total searches
    (published) would give it away with (:func:`perfpack.core.disclosure.suppress_small`); a
    hidden count's share is hidden with it."""
    frame = pd.DataFrame({"object": list(shares["object"]), "searches": list(shares["searches"])})
    shown = disclosure.suppress_small(frame, ["searches"], threshold, along="columns")
    marks = (disclosure.primary_mark(threshold), disclosure.SECONDARY_MARK)
    hidden = shown["searches"].isin(marks).to_numpy()
    out = pd.DataFrame(
        {
            "Object of search": shares["object"].to_numpy(),
            "Searches": shown["searches"].to_numpy(),
            "Share of searches": [
                text if h else format_pct(v, 1)
                for v, h, text in zip(shares["share"], hidden, shown["searches"], strict=True)
            ],
        }
    )
    return disclosure.carry(out, shown)


def date_only_note(n_date_only: int, n: int, n_months: int = 12) -> str:
    """The note under the hour-of-day chart saying how many of the window's ``n`` searches it
    leaves out (``n_date_only``, :func:`perfpack.themes.stopsearch.measures.date_only_count`)."""
    if n_date_only == 0:
        return f"Every search in these {months_text(n_months)} has a recorded time of day."
    return (
        f"{format_count(n_date_only)} of {format_count(n)} searches "
        f"({format_pct(percent(n_date_only, n), 1)}) have a date but no time of day (recorded as "
        "00:00 exactly). They are left out of this chart rather than shown as a midnight spike."
    )


def _mark(state: str, threshold: int) -> str:
    return disclosure.primary_mark(threshold) if state == "primary" else disclosure.SECONDARY_MARK


def team_table(breakdown: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """Figure 15 as a table to publish: one row per team, counts with shares, positive outcome
    rates per group, small counts hidden.

    Parameters
    ----------
    breakdown : DataFrame
        From :func:`perfpack.themes.stopsearch.teams.team_breakdown`.

    Returns
    -------
    DataFrame
        ``Team``, ``Searches``, then per group ``"<group>"`` as ``"37 / 15.6%"``, then
        ``Positive outcomes`` and ``Positive outcomes <group>`` as ``"28.27%"``. The
        "Not recorded" column (report grouping) is headed "of which not recorded (blank)".
        Hidden counts show as "<5" or "[c]" (:mod:`perfpack.core.disclosure`), and their rates with
        the same mark; a count whose team total is hidden is shown without its share; a rate
        hidden for its positive outcomes (1 to 4, or needed to protect such a number) shows as
        "[c]".
    """

    def label(group: str) -> str:
        return "of which not recorded (blank)" if group == NOT_RECORDED else group

    groups = [g for g in dict.fromkeys(breakdown["group"]) if g != ALL]
    rows = []
    for team, part in breakdown.groupby("team", sort=False):
        cells = part.set_index("group")
        row = {"Team": team}
        everyone = cells.loc[ALL]
        row["Searches"] = (
            _mark(everyone["suppressed"], threshold)
            if everyone["suppressed"]
            else format_count(everyone["searches"])
        )
        for group in groups:
            cell = cells.loc[group]
            if cell["suppressed"]:
                row[label(group)] = _mark(cell["suppressed"], threshold)
            elif cell["share_suppressed"] or pd.isna(cell["share"]):
                row[label(group)] = format_count(cell["searches"])
            else:
                row[label(group)] = (
                    f"{format_count(cell['searches'])} / {format_pct(cell['share'], 1)}"
                )
        for group in [ALL, *[g for g in groups if g != NOT_RECORDED]]:
            cell = cells.loc[group]
            name = "Positive outcomes" if group == ALL else f"Positive outcomes {group}"
            if cell["suppressed"]:
                row[name] = _mark(cell["suppressed"], threshold)
            elif cell["rate_suppressed"]:
                row[name] = disclosure.SECONDARY_MARK
            elif pd.isna(cell["positive_rate"]):
                row[name] = "–"
            else:
                row[name] = format_pct(cell["positive_rate"], 2)
        rows.append(row)
    return disclosure.carry(pd.DataFrame(rows), breakdown)


def team_table_note(threshold: int = 5) -> str:
    """The footnote of the team tables: how small counts and the rates on them are hidden."""
    return (
        f"{disclosure.suppression_note(threshold)} The two team tables are treated as one, since "
        "BAME is Asian, Black, Mixed and Other together. A positive outcome rate is hidden with "
        f'its count, and shown as "{disclosure.SECONDARY_MARK}" when it rests on 1 to '
        f"{threshold - 1} positive outcomes or would let such a number be worked out from the "
        "other rates."
    )


def team_sentence(breakdown: pd.DataFrame) -> str:
    """Which team made the most searches, and its positive outcome rate (each left out when
    the team tables hide it)."""
    teams = breakdown[(breakdown["group"] == ALL) & ~breakdown["team"].isin([FORCE_TOTAL])]
    teams = teams[teams["team"] != OTHER_TEAMS]
    if teams.empty or teams["searches"].max() == 0:
        return "No searches were recorded for the teams shown in the last three months."
    top = teams.sort_values("searches", ascending=False).iloc[0]
    total = breakdown[(breakdown["team"] == FORCE_TOTAL) & (breakdown["group"] == ALL)].iloc[0]
    if top["suppressed"] or total["suppressed"]:
        return (
            f"{top['team']} made the most searches in the last three months (the number is "
            "hidden to protect small counts)."
        )
    text = (
        f"{top['team']} made the most searches in the last three months "
        f"({format_count(top['searches'])} of {format_count(total['searches'])})"
    )
    if top["rate_suppressed"]:
        return text + "."
    return text + f", with a {format_pct(top['positive_rate'], 1)} positive outcome rate."


def disproportionality_table(table: pd.DataFrame, threshold: int = 5) -> pd.DataFrame:
    """:func:`perfpack.themes.stopsearch.ethnicity.disproportionality` formatted to publish
    (force-level counts over the current window).

    A hidden count shows as "<5" or "[c]" and so do its share and rate; a hidden ratio and its
    interval show as "[c]" (``ratio_suppressed``). "–" is a figure with nothing to show (no
    population, no White searches to compare with).
    """

    def number(value, digits):
        return "–" if value is None or pd.isna(value) else f"{value:,.{digits}f}"

    def interval(low, high):
        return "–" if pd.isna(low) or pd.isna(high) else f"{low:.2f} to {high:.2f}"

    def shown(text, state):  # a figure that does not exist ("–") has nothing to hide
        return _mark(state, threshold) if state and text != "–" else text

    secret = disclosure.SECONDARY_MARK
    rows = list(table.itertuples(index=False))
    out = pd.DataFrame(
        {
            "Ethnic group (self-defined)": table["group"],
            "Searches": [shown(format_count(r.searches), r.suppressed) for r in rows],
            "Share of searches": [shown(format_pct(r.share, 1), r.suppressed) for r in rows],
            "Residents (2011 Census)": [
                "–" if pd.isna(p) else format_count(p) for p in table["population"]
            ],
            "Searches per 1,000 residents": [
                shown(number(r.rate_per_1000, 2), r.suppressed) for r in rows
            ],
            "Disparity ratio vs White": [
                secret if r.ratio_suppressed else number(r.disparity_ratio, 2) for r in rows
            ],
            "95% interval": [
                secret if r.ratio_suppressed else interval(r.ci_low, r.ci_high) for r in rows
            ],
        }
    )
    return disclosure.carry(out, table)


def disproportionality_note(table: pd.DataFrame, threshold: int = 5) -> str:
    """The footnote of the disproportionality table when it hides anything, else empty."""
    if not table["suppressed"].astype(bool).any():
        return ""
    return (
        f"{disclosure.suppression_note(threshold)} A hidden count's share and rate are hidden "
        "with it, and so is its disparity ratio and interval (all of them when the White count "
        "is hidden, since every ratio is against it)."
    )


# --------------------------------------------------------------------------------------------
# prose


def volume_sentence(
    previous: int,
    current: int,
    previous_window: Window,
    current_window: Window,
    place: str = "Staffordshire",
) -> str:
    """The report's volume sentence ('... has increased by 59% from 3,797 searches ...')."""
    return change_sentence(
        "stop", previous, current, previous_window, current_window, noun="searches", place=place
    )


def national_sentence(theme: str = THEME) -> str:
    """The national comparison from the reference table (empty when none is held)."""
    table = reference.national_comparators(theme).set_index("measure")
    if "searches" not in table.index:
        return ""
    searches = table.loc["searches"]
    text = (
        f"Nationally there were over {format_count(searches['value'])} searches in the "
        f"{searches['window']}"
    )
    if "pct_change" in table.index:
        text += (
            f", an increase of {format_pct(table.loc['pct_change', 'value'])} on the year before"
        )
    return text + " (Home Office, England and Wales)."


def outcome_sentence(comparison: pd.DataFrame, n_months: int = 12) -> str:
    """The report's outcome paragraph from
    :func:`perfpack.themes.stopsearch.measures.outcome_comparison` (``n_months``: each
    window's length)."""
    span = months_text(n_months)
    rates = comparison.set_index("measure")

    def pct(measure, column):
        return format_pct(rates.loc[measure, column], 1)

    def national(measure):
        value = rates.loc[measure, "national"]
        return "not published" if value is None or pd.isna(value) else format_pct(value)

    return (
        f"The positive outcome rate (any outcome other than no further action) was "
        f"{pct('positive_outcome_rate', 'previous')} in the previous {span} and "
        f"{pct('positive_outcome_rate', 'current')} in the current {span} (national "
        f"{national('positive_outcome_rate')}). The current arrest rate is "
        f"{pct('arrest_rate', 'current')} (national {national('arrest_rate')}) and community "
        f"(local) resolution {pct('community_resolution_rate', 'current')} (national "
        f"{national('community_resolution_rate')}). In {pct('find_rate', 'current')} of current "
        "searches the outcome was linked to the object searched for (the find rate; searches "
        "with no link recorded count as not found)."
    )


def object_sentence(shares: pd.DataFrame, top: int = 3, n_months: int = 12) -> str:
    """The most common objects of search with their shares."""
    span = months_text(n_months)
    if shares.empty:
        return f"There were no searches in the current {span}."
    parts = [  # objects are read from data: plain text in the sentence
        f"{escape_markdown(row.object)} ({format_pct(row.share)})"
        for row in shares.head(top).itertuples()
    ]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"The most common objects of search in the current {span} were {listed}."


# --------------------------------------------------------------------------------------------
# charts (each returns the figure and its alt text)


def monthly_object_chart(monthly: pd.Series, object_of_search: str = OFFENSIVE_WEAPONS):
    """Figure 12: searches for one object per month, as a line. Returns ``(fig, alt)``."""
    fig, ax = charts.new_figure()
    labels = [f"{p:%b %y}" for p in monthly.index]
    ax.plot(range(len(monthly)), monthly.to_numpy(), marker="o", color=charts.PALETTE[0])
    ax.set_xticks(range(len(monthly)), labels, rotation=90)
    ax.set_ylabel("Searches")
    ax.set_ylim(bottom=0)
    ax.set_title(f"Monthly searches for {object_of_search.lower()}")
    if len(monthly):
        peak = monthly.idxmax()
        alt = (
            f"Line chart of monthly stop searches for {object_of_search.lower()} from "
            f"{monthly.index[0]:%B %Y} to {monthly.index[-1]:%B %Y}: "
            f"{format_count(monthly.iloc[0])} in the first month, "
            f"{format_count(monthly.iloc[-1])} in the last, highest "
            f"{format_count(monthly.max())} in {peak:%B %Y}."
        )
    else:
        alt = f"Line chart of monthly stop searches for {object_of_search.lower()}: no months."
    return fig, alt


def age_chart(ages: pd.DataFrame, threshold: int = 5, n_months: int = 12):
    """Figure 13: searches by age range, as bars; a range with 1 to ``threshold - 1``
    searches is drawn without a bar and labelled "<5", and one hidden so that the total cannot
    give it away is labelled "[c]" (:func:`perfpack.themes.stopsearch.measures.age_suppression`).
    Returns ``(fig, alt)``."""
    span = months_text(n_months)
    states = age_suppression(ages, threshold)
    disclosure.audit_frame(states, f"Stop searches by age range, last {span}")
    hidden = states != ""
    shown = pd.Series(
        [
            _mark(state, threshold) if state else format_count(n)
            for n, state in zip(ages["searches"], states, strict=True)
        ],
        index=ages.index,
    )
    heights = ages["searches"].where(~hidden, 0).to_numpy()
    fig, ax = charts.new_figure()
    ax.bar(ages["age_range"], heights, color=charts.PALETTE[0])
    for x, (height, text) in enumerate(zip(heights, shown, strict=True)):
        ax.annotate(text, (x, height), ha="center", va="bottom", fontsize=9)
    ax.set_ylabel("Searches")
    ax.set_xlabel("Age range")
    ax.set_title(f"Stop searches by age range, last {span}")
    described = "; ".join(f"{a}: {t}" for a, t in zip(ages["age_range"], shown, strict=True))
    alt = f"Bar chart of stop searches by age range over the last {span}. {described}."
    return fig, alt


def hour_chart(hours: pd.DataFrame, n_date_only: int, n_months: int = 12):
    """Figure 14: searches by hour of day (date-only records left out). Returns
    ``(fig, alt)``."""
    span = months_text(n_months)
    fig, ax = charts.new_figure()
    ax.bar(hours["hour"], hours["searches"], color=charts.PALETTE[0])
    ax.set_xticks(range(24), [f"{h:02d}" for h in range(24)])
    ax.set_xlabel("Hour of day (00 = 00:00 to 00:59); searches with no recorded time left out")
    ax.set_ylabel("Searches")
    ax.set_title(f"Stop searches by hour of day, last {span}")
    if hours["searches"].sum() > 0:
        busiest = hours.sort_values(["searches", "hour"], ascending=[False, True]).head(3)
        top = ", ".join(
            f"{h:02d}:00 ({format_count(n)})"
            for h, n in zip(busiest["hour"], busiest["searches"], strict=True)
        )
        alt = (
            f"Bar chart of stop searches by hour of day over the last {span}, "
            f"{format_count(hours['searches'].sum())} searches with a recorded time. Busiest "
            f"hours: {top}. {format_count(n_date_only)} date-only searches are not shown."
        )
    else:
        alt = "Bar chart of stop searches by hour of day: no searches with a recorded time."
    return fig, alt
