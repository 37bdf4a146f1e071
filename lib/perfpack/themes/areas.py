"""Change by area (Neighbourhood Policing Team, or whatever areas a table holds): counts in two
windows, change, % change, rate per 1,000, significance, how many areas fell, and what may be
published of it (the charts are :mod:`perfpack.themes.area_charts`).

Which areas a processed folder's ``npt`` column holds, and their populations, depends on where
the data came from (:func:`processed_areas`): a force extract's NPTs with the populations of
``data/reference/npts.csv``, or, for a data.police.uk download, the force's own local
authorities (or the NPTs of a lookup) with the populations the ingest stored beside the tables
(``areas.parquet``, :func:`perfpack.ingest.police_uk.force_areas.own_area_table`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from perfpack.core import disclosure, overdispersion, stats
from perfpack.core.change import pct_change, round_half_up
from perfpack.data import reference
from perfpack.present.markup import escape_markdown

AREA_COLUMNS = [
    "area",
    "previous",
    "current",
    "change",
    "pct_change",
    "population",
    "rate_per_1000",
    "decreased",
    "p_value",
    "judged_p_value",
    "significant",
    "change_method",
]


def npt_populations(reference_dir=None) -> pd.Series:
    """Resident population (mid-2019) per NPT from ``data/reference/npts.csv``, indexed by NPT."""
    frame = reference.npts() if reference_dir is None else reference.npts(reference_dir)
    return frame.set_index("npt")["population_mid2019"].rename("population")


def plural_label(label: str) -> str:
    """An area label in the plural for alt text: NPT -> NPTs, Local authority -> local
    authorities."""
    if label.endswith("y"):
        return label[:-1].lower() + "ies"
    return f"{label}s"


def months_text(n_months: int) -> str:
    """A window's length in words as sentences and headers use it: 12 -> "12 months",
    1 -> "1 month"."""
    n = int(n_months)
    return f"{n} month" if n == 1 else f"{n} months"


# --------------------------------------------------------------------------------------------
# the areas of a processed folder


@dataclass(frozen=True)
class AreaNames:
    """How the appendices name a kind of area.

    ``kind`` (``npt`` or ``local_authority``), ``short`` (table and axis headers: "NPT"),
    ``singular`` ("Neighbourhood Policing Team"), ``plural`` ("Neighbourhood Policing Teams
    (NPTs)"), ``chart`` (the printed report's caption wording: "Neighbourhood policing
    team") and ``caption`` (inside a caption: "by NPT", "by local authority").
    """

    kind: str
    short: str
    singular: str
    plural: str
    chart: str
    caption: str


NPT_NAMES = AreaNames(
    "npt",
    "NPT",
    "Neighbourhood Policing Team",
    "Neighbourhood Policing Teams (NPTs)",
    "Neighbourhood policing team",
    "NPT",
)
LOCAL_AUTHORITY_NAMES = AreaNames(
    "local_authority",
    "Local authority",
    "local authority",
    "local authorities",
    "local authority",
    "local authority",
)


@dataclass(frozen=True)
class ProcessedAreas:
    """The areas of one processed folder (:func:`processed_areas`).

    ``populations``: residents (mid-2019) per area, indexed like the ``npt`` column (NaN where
    an area has no population of its own); ``force_population``: the force area's residents;
    ``names``: :class:`AreaNames`; ``place``: the force area as sentences name it
    ("Staffordshire"); ``force_name``: the force ("Staffordshire Police"); ``public``: True for
    a data.police.uk download; ``note``: what the populations are (empty for a force extract).
    ``place``, ``force_name`` and ``note`` are markdown prose (names read from data escaped by
    :func:`perfpack.present.markup.escape_markdown`): for sentences shown with ``show_markdown``,
    not
    for chart text or table cells;
    ``scope``: what does not apply to this force, said at the top of its appendices (empty for
    most forces; :func:`scope_note`).
    """

    populations: pd.Series
    force_population: float
    names: AreaNames
    place: str
    force_name: str
    public: bool
    note: str = ""
    scope: str = ""

    @property
    def has_residents(self) -> bool:
        """Whether rates per 1,000 residents apply (False for British Transport Police)."""
        return not np.isnan(self.force_population)


def scope_note(slug: str | None, force_name: str, n_areas: int) -> str:
    """What applies to a force whose public data cannot give everything (empty otherwise).

    A force with no residents (:data:`perfpack.data.public_tables.NON_TERRITORIAL_FORCES`): rates
    per 1,000 residents do not apply. A force with no record placed in any area (Northern Ireland's
    files carry no LSOA): the pack is force-level only.
    """
    from perfpack.data import public_tables as police_uk

    if slug in police_uk.NON_TERRITORIAL_FORCES:
        return (
            f"{force_name} polices the railways and has no resident population, so rates per "
            "1,000 residents do not apply. This pack shows counts, their change and the local "
            "authorities where offences were recorded (each holding at least 1% of the force's "
            "offences with a location; offences elsewhere count in the force totals only)."
        )
    if n_areas == 0:
        return (
            f"The data.police.uk files for {force_name} carry no LSOA, so no offence can be "
            "placed in a local authority: this pack is force-level only (counts, change and "
            "the rate per 1,000 residents of the whole force area, no breakdown by area)."
        )
    return ""


def _manifest(processed_dir) -> dict:
    from perfpack.data import tables

    return tables.manifest(processed_dir)


def _is_public(manifest: dict) -> bool:
    return manifest.get("data_source") == "police_uk"


def _stored_areas(processed_dir) -> pd.DataFrame:
    from perfpack.data import public_tables as police_uk
    from perfpack.data import tables

    file = tables.processed_dir(processed_dir) / police_uk.AREAS_FILE
    if not file.exists():
        raise FileNotFoundError(
            f"{file} does not exist: ingest the data.police.uk download again "
            "(perfpack ingest --source police-uk) to store the force's areas"
        )
    return pd.read_parquet(file)


def area_populations(processed_dir=None, reference_dir=None) -> pd.Series:
    """The populations of this processed data's areas, indexed like its ``npt`` column.

    Parameters
    ----------
    processed_dir : path, optional
        The processed folder (default ``data/processed``); its manifest says where the data came
        from.
    reference_dir : path, optional
        Where ``npts.csv`` is (force extracts).

    Returns
    -------
    pandas.Series
        float residents (mid-2019) per area, named ``population``. A force extract: every NPT
        of ``data/reference/npts.csv``. A data.police.uk download: the areas the ingest stored
        (``areas.parquet``): the force's own local authorities with their own populations (NaN
        for one merged since 2011 into a bigger authority, and for NPTs of a lookup, whose
        populations are not known).
    """
    manifest = _manifest(processed_dir)
    if not _is_public(manifest):
        return npt_populations(reference_dir).astype(float)
    stored = _stored_areas(processed_dir)
    values = pd.to_numeric(stored["population"], errors="coerce").astype("float64")
    return pd.Series(
        values.to_numpy(na_value=np.nan), index=stored["area"].astype(str), name="population"
    )


def _force_population_public(processed_dir, manifest: dict) -> float:
    from perfpack.data import public_tables as police_uk
    from perfpack.data import tables

    slug = manifest.get("force_slug")
    file = tables.processed_dir(processed_dir) / police_uk.NATIONAL_POPULATIONS_FILE
    if slug and file.exists():
        pops = pd.read_parquet(file)
        rows = pops[pops["force"] == slug]
        if len(rows) and not pd.isna(rows["population"].iloc[0]):
            return float(rows["population"].iloc[0])
    stored = _stored_areas(processed_dir)
    distinct = stored[stored["area_code"] != ""].drop_duplicates("area_code")
    total = pd.to_numeric(distinct["area_population"], errors="coerce").sum()
    return float(total) if total > 0 else float("nan")


def _strip_brackets(name: str) -> str:
    return " ".join(re.sub(r"\(.*?\)", " ", str(name)).split())


def census_area(force_name: str) -> str:
    """The Census table's name for a force as a data manifest names it.

    The longest police force area whose name begins the force's name wins, ignoring case,
    "&" versus "and" and anything in brackets: "Staffordshire Police (synthetic demonstration
    force)" -> "Staffordshire"; "Avon and Somerset Constabulary" -> "Avon & Somerset";
    "Metropolitan Police Service" -> "Metropolitan". A KeyError when none matches.
    """

    def normal(text: str) -> str:
        text = re.sub(r"\(.*?\)", " ", str(text)).lower().replace("&", " and ")
        return " ".join(text.split())

    wanted = normal(force_name)
    names = reference.table("census2011_ethnicity_by_pfa")["Police force"]
    matches = [
        name for name in names if wanted == normal(name) or wanted.startswith(normal(name) + " ")
    ]
    if not matches:
        raise KeyError(f"{force_name!r} is not a police force area in the Census table")
    return max(matches, key=len)


def processed_areas(processed_dir=None, reference_dir=None) -> ProcessedAreas:
    """Everything the appendices need to know about the areas of one processed folder.

    Parameters
    ----------
    processed_dir : path, optional
        Default ``data/processed``.
    reference_dir : path, optional
        Where ``npts.csv`` is (force extracts).

    Returns
    -------
    ProcessedAreas
        For a force extract: the NPTs of ``npts.csv`` and their total (1,135,935 for
        Staffordshire). For a data.police.uk download: :func:`area_populations` and the force's
        population over the distinct mid-2019 areas of its own local authorities (what
        :func:`perfpack.ingest.police_uk.force_areas.force_populations` stored). ``place`` is the
        Census police force area the force's name begins with ("Staffordshire Police" ->
        "Staffordshire"), or the force's name when there is none.
    """

    manifest = _manifest(processed_dir)
    public = _is_public(manifest)
    populations = area_populations(processed_dir, reference_dir)
    force_name = _strip_brackets(manifest.get("force", "")) or "the force"
    try:
        place = census_area(manifest.get("force", ""))
    except KeyError:
        place = force_name
    # names read from data are plain text in the sentences that use them (never markup)
    force_name, place = escape_markdown(force_name), escape_markdown(place)
    if not public:
        return ProcessedAreas(
            populations, float(populations.sum()), NPT_NAMES, place, force_name, False
        )
    kind = manifest.get("areas", {}).get("kind", "local_authority")
    names = NPT_NAMES if kind == "npt" else LOCAL_AUTHORITY_NAMES
    missing = sorted(populations.index[populations.isna()])
    note = (
        "Areas are the force's own local authorities (the local authority of each record's "
        "LSOA); populations are ONS mid-2019 estimates."
        if kind != "npt"
        else "Areas are the NPTs of the force's lookup; no NPT populations are held, so no "
        "area rates are shown."
    )
    if missing and kind != "npt":
        note += (
            f" No population of its own is published for "
            f"{', '.join(escape_markdown(m) for m in missing)} (merged since "
            "2011 into a larger authority, or not matched), so no rate is shown for it."
        )
    scope = scope_note(manifest.get("force_slug"), force_name, len(populations))
    if scope and kind != "npt":
        note = scope
    return ProcessedAreas(
        populations,
        _force_population_public(processed_dir, manifest),
        names,
        place,
        force_name,
        True,
        note,
        scope,
    )


def unplaced_count(frame: pd.DataFrame, date_column: str, window, area_column: str = "npt") -> int:
    """How many rows in ``window`` have no area (a blank ``area_column``)."""
    inside = window.contains(frame[date_column])
    return int((inside & frame[area_column].isna()).sum())


def _count_text(n: int) -> str:
    """A count for prose: 1 to 4 as "fewer than 5" (:func:`perfpack.core.disclosure.primary_mark`'s
    rule), others with thousands separators."""
    return "fewer than 5" if 1 <= n <= 4 else f"{n:,}"


def published_count(n: int) -> float:
    """A count as figures.csv may carry it: NaN (blank) for 1 to 4, as on the page."""
    return float("nan") if 1 <= n <= 4 else n


def unplaced_note(
    previous: int,
    current: int,
    names: AreaNames = NPT_NAMES,
    n_months: int = 12,
    noun: str = "offences",
) -> str:
    """The note under an area table when some rows have no area (empty when none).

    Rows with a blank area had no published location, or fall outside the force's own local
    authorities (or the lookup's NPTs): they count in the force's totals, not in any area row.
    """
    if previous == 0 and current == 0:
        return ""
    span = months_text(n_months)
    return (
        f"{_count_text(current)} {noun} in the current {span} and {_count_text(previous)} in "
        f"the previous {span} "
        f"have no {names.singular}: no location was published for them, or they fall outside "
        f"the force's own area. They count in the force totals above, not in any "
        f"{names.singular} row."
    )


def change_by_area(
    previous: pd.Series,
    current: pd.Series,
    populations: pd.Series | None = None,
    method: str = overdispersion.DEFAULT_METHOD,
) -> pd.DataFrame:
    """Counts per area in two windows, side by side, with change, rate and significance.

    Parameters
    ----------
    previous, current : pandas.Series
        Counts indexed by area name (an area missing from one series counts 0 there).
    populations : pandas.Series, optional
        Resident population indexed by area name; areas in it with no events still appear
        (with 0 and 0). Without it, ``population`` and ``rate_per_1000`` are NaN.
    method : {"additive", "multiplicative", "poisson"}, default "additive"
        How an area's change is judged when the areas' changes are overdispersed
        (:func:`perfpack.core.overdispersion.change_judgement`).

    Returns
    -------
    pandas.DataFrame
        One row per area, sorted by name: ``area``, ``previous``, ``current`` (int),
        ``change`` (current - previous), ``pct_change`` (percent, NaN when previous is 0),
        ``population``, ``rate_per_1000`` (current count per 1,000 residents), ``decreased``
        (bool, current < previous), ``p_value`` (did the area's count change? the exact
        Poisson test of no change, :func:`perfpack.core.stats.poisson_change_test`),
        ``judged_p_value`` (does the area's change differ from the change across all areas?
        :func:`perfpack.core.overdispersion.change_judgement`: the exact test against the areas'
        pooled change, or, when the areas' changes vary more than chance alone would make
        them, the normal test allowing for that spread), ``significant``
        (``judged_p_value < 0.05``) and ``change_method`` (``"poisson"``, ``"additive"`` or
        ``"multiplicative"``: how the comparison was judged, the same on every row).
    """
    areas = set(previous.index) | set(current.index)
    if populations is not None:
        areas |= set(populations.index)
    areas = sorted(str(a) for a in areas if not pd.isna(a))
    prev = previous.groupby(previous.index.astype(str)).sum().reindex(areas, fill_value=0)
    curr = current.groupby(current.index.astype(str)).sum().reindex(areas, fill_value=0)
    table = pd.DataFrame(
        {
            "area": areas,
            "previous": prev.to_numpy().astype(int),
            "current": curr.to_numpy().astype(int),
        }
    )
    table["change"] = table["current"] - table["previous"]
    table["pct_change"] = [
        np.nan if (p := pct_change(a, b)) is None else p
        for a, b in zip(table["previous"], table["current"], strict=True)
    ]
    if populations is not None:
        pops = populations.copy()
        pops.index = pops.index.astype(str)
        table["population"] = pops.reindex(areas).to_numpy(dtype=float)
    else:
        table["population"] = np.nan
    table["rate_per_1000"] = [
        stats.rate_per_1000(c, p)
        for c, p in zip(table["current"], table["population"], strict=True)
    ]
    table["decreased"] = table["current"] < table["previous"]
    judged = overdispersion.change_judgement(table["previous"], table["current"], method)
    table["p_value"] = judged.units["p_exact"].to_numpy()
    table["judged_p_value"] = judged.units["p_value"].to_numpy()
    table["significant"] = judged.units["significant"].to_numpy()
    table["change_method"] = judged.method
    return table[AREA_COLUMNS]


def change_judgement(
    table: pd.DataFrame, method: str = overdispersion.DEFAULT_METHOD
) -> overdispersion.ChangeJudgement:
    """The overdispersion test and per-area comparison with the change across all areas behind
    a :func:`change_by_area` table's ``judged_p_value``
    (:func:`perfpack.core.overdispersion.change_judgement`), for its note."""
    return overdispersion.change_judgement(
        table["previous"].set_axis(table["area"]), table["current"].to_numpy(), method
    )


def change_note(
    table: pd.DataFrame, names: AreaNames = NPT_NAMES, method: str = overdispersion.DEFAULT_METHOD
) -> str:
    """How the areas' changes were compared with the change across all areas, for the note
    under an area table: the test for overdispersion in the changes and the method used (e.g.
    "No evidence that the NPTs' changes vary more than chance alone would make them ... Each
    NPT's change is compared with the NPTs' pooled change by the exact Poisson test ...")."""
    unit = names.short if names.short.isupper() else names.short.lower()
    return change_judgement(table, method).description(plural_label(names.short), unit)


def n_decreased(table: pd.DataFrame) -> int:
    """How many areas fell (``current < previous``) in a :func:`change_by_area` table."""
    return int(table["decreased"].sum())


def number_word(n: int) -> str:
    """0-10 in words as the report writes them ("four of ten"), larger numbers as digits."""
    words = "none one two three four five six seven eight nine ten".split()
    return words[n] if 0 <= n <= 10 else str(n)


def comparison_label(p_value: float, alpha: float = stats.ALPHA) -> str:
    """The verdict of the comparison with the change across all areas, for a table cell:
    "Differs beyond chance" or "No evidence of a difference" (the header names the level and
    the comparison); "–" without a p-value."""
    if p_value is None or pd.isna(p_value):
        return "–"
    return "Differs beyond chance" if p_value < alpha else "No evidence of a difference"


def _plural_lower(label: str) -> str:
    """NPT -> NPTs, Local authority -> local authorities (abbreviations keep their case)."""
    return plural_label(label) if label.isupper() else plural_label(label).lower()


def comparison_header(table: pd.DataFrame, area_label: str = "NPT") -> str:
    """What a :func:`change_by_area` table's ``judged_p_value`` tests, for a column header:
    "against the change across all NPTs: exact Poisson test" or "...: allowing for the spread
    between NPTs" when the areas' changes are overdispersed."""
    plural = _plural_lower(area_label)
    used = table["change_method"].iloc[0] if "change_method" in table and len(table) else "poisson"
    how = "exact Poisson test" if used == "poisson" else f"allowing for the spread between {plural}"
    return f"against the change across all {plural}: {how}"


def suppressed_counts(table: pd.DataFrame) -> pd.DataFrame:
    """The ``previous`` and ``current`` counts of a :func:`change_by_area` table as published
    (:func:`perfpack.core.disclosure.suppress_small`: 1-4 shown "<5", and "[c]" where the force's
    totals would give a hidden count away), in the table's row order."""
    return disclosure.suppress_small(
        table[["previous", "current"]].reset_index(drop=True),
        ["previous", "current"],
        along="columns",
    )


def hidden_areas(table: pd.DataFrame) -> list:
    """Areas of a :func:`change_by_area` table with a count hidden when published: their
    change, rate and test are not published either (a change beside a shown count gives the
    hidden one)."""
    counts = suppressed_counts(table)
    marks = [disclosure.primary_mark(), disclosure.SECONDARY_MARK]
    hidden = counts.isin(marks).any(axis=1).to_numpy()
    return [a for a, h in zip(table["area"], hidden, strict=True) if h]


def published_figures(table: pd.DataFrame) -> pd.DataFrame:
    """A :func:`change_by_area` table as figures.csv may carry it: for an area with a count
    hidden on the page (:func:`hidden_areas`) its counts, change, rate and p-values are NaN
    (published blank)."""
    out = table.copy()
    hidden = out["area"].isin(hidden_areas(table))
    columns = ["previous", "current", "change", "pct_change", "rate_per_1000", "p_value",
               "judged_p_value"]  # fmt: skip
    for column in (c for c in columns if c in out):
        out[column] = out[column].astype("float64").where(~hidden)
    return out


def display_table(table: pd.DataFrame, area_label: str = "NPT", n_months: int = 12) -> pd.DataFrame:
    """A :func:`change_by_area` table formatted for publication (rounded, readable headers;
    ``n_months`` is the length of each window, "Previous 12 months").

    Two questions, each with its p-value and verdict: did the area's count change (the exact
    Poisson test of no change, ``p_value``; :func:`perfpack.core.stats.significance_label`), and
    does its change differ from the change across all areas (``judged_p_value``, allowing for
    the spread between areas when their changes are overdispersed; :func:`comparison_label`,
    :func:`change_note` says more)."""
    span = months_text(n_months)
    judged = table["judged_p_value"] if "judged_p_value" in table else table["p_value"]
    against = comparison_header(table, area_label)
    level = f"{stats.ALPHA * 100:g}%"
    # small area counts through the one suppression routine (the areas add up to the force's
    # totals); a change, rate or test beside a hidden count would give it away: "–"
    counts = suppressed_counts(table)
    marks = [disclosure.primary_mark(), disclosure.SECONDARY_MARK]
    hidden = counts.isin(marks).any(axis=1).to_numpy()

    def unless_hidden(values):
        return ["–" if h else v for h, v in zip(hidden, values, strict=True)]

    shown = pd.DataFrame(
        {
            area_label: table["area"].to_numpy(),
            f"Previous {span}": counts["previous"].to_numpy(),
            f"Current {span}": counts["current"].to_numpy(),
            "Change": unless_hidden([f"{c:+d}" for c in table["change"]]),
            "% change": unless_hidden(
                ["n/a" if pd.isna(p) else f"{round_half_up(p):+.0f}%" for p in table["pct_change"]]
            ),
            "Rate per 1,000": unless_hidden(
                [
                    "n/a" if pd.isna(r) else f"{round_half_up(r, 2):.2f}"
                    for r in table["rate_per_1000"]
                ]
            ),
            "p-value (exact Poisson test of no change)": unless_hidden(
                [stats.format_p_number(p) for p in table["p_value"]]
            ),
            f"Change at the {level} level": unless_hidden(
                [stats.significance_label(p) for p in table["p_value"]]
            ),
            f"p-value ({against})": unless_hidden([stats.format_p_number(p) for p in judged]),
            f"Differs from the change across all {_plural_lower(area_label)} at the {level} "
            "level": unless_hidden([comparison_label(p) for p in judged]),
        }
    )
    return disclosure.carry(shown, counts)
