"""What a processed data.police.uk folder holds beside the canonical tables, read at report time:
the file names an ingest writes (areas, the national counts and populations, the national search
counts), the forces data.police.uk publishes, and the national comparator computed from the
stored national table for any window (:func:`stored_national_rates`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfpack.core.windows import Window

#: Every force slug data.police.uk publishes (its ``/api/forces`` list): the 43 territorial
#: forces of England and Wales, British Transport Police and the Police Service of Northern
#: Ireland. A slug in this list with no file in a download is reported as absent.
POLICE_UK_FORCES = (
    "avon-and-somerset", "bedfordshire", "btp", "cambridgeshire", "cheshire", "city-of-london",
    "cleveland", "cumbria", "derbyshire", "devon-and-cornwall", "dorset", "durham",
    "dyfed-powys", "essex", "gloucestershire", "greater-manchester", "gwent", "hampshire",
    "hertfordshire", "humberside", "kent", "lancashire", "leicestershire", "lincolnshire",
    "merseyside", "metropolitan", "norfolk", "north-wales", "north-yorkshire",
    "northamptonshire", "northern-ireland", "northumbria", "nottinghamshire", "south-wales",
    "south-yorkshire", "staffordshire", "suffolk", "surrey", "sussex", "thames-valley",
    "warwickshire", "west-mercia", "west-midlands", "west-yorkshire", "wiltshire",
)  # fmt: skip

#: Forces with no area of residents of their own: British Transport Police polices the railways
#: inside every other force's area, so it has no population and no "own" local authorities.
NON_TERRITORIAL_FORCES = ("btp",)

#: Forces whose area is not made of England and Wales local authorities: the national
#: comparator (England and Wales forces) leaves them out, and their population is the row of
#: ``data/reference/force_population_mid2019.csv``.
OUTSIDE_ENGLAND_WALES = ("northern-ireland",)

#: Files an ingest writes beside the canonical tables (never published): the force's areas with
#: their populations, and the compact national table the comparator is computed from at run time.
AREAS_FILE = "areas.parquet"
NATIONAL_COUNTS_FILE = "national_counts.parquet"
NATIONAL_POPULATIONS_FILE = "national_populations.parquet"
#: Stop searches per force and month of every force with stop-and-search files in the download
#: (:func:`perfpack.ingest.police_uk.coverage.national_search_counts`), for placing a force's
#: stop-search rate among its peers.
NATIONAL_SEARCH_COUNTS_FILE = "national_search_counts.parquet"
#: The note when a download holds one force only.
ONLY_THIS_FORCE = "No national comparator: the download holds only this force."
#: The file that marks a processed root of every force (and lists them).
NATIONAL_FILE = "national.json"
NS = "datetime64[ns]"


class IncompleteWindowError(ValueError):
    """A requested window has months the download does not hold (a % change would be wrong)."""


@dataclass
class NationalRates:
    """Crimes per 1,000 residents over the forces present in a download.

    ``rates``: ``group`` (theme slug, or ``all_crime`` = every crime type except anti-social
    behaviour), ``crimes``, ``population``, ``rate_per_1000``. ``forces``: the forces counted;
    ``months``: the months counted (the rate is over those months, not annualised);
    ``excluded``: ``{force: reason}``; ``note``: one sentence stating the coverage.
    """

    rates: pd.DataFrame
    forces: list[str]
    months: list[str]
    excluded: dict[str, str]
    note: str

    def rate(self, group: str) -> float | None:
        rows = self.rates[self.rates["group"] == group]
        return None if rows.empty else float(rows["rate_per_1000"].iloc[0])

    def to_dict(self) -> dict:
        return {
            "rates": json.loads(self.rates.to_json(orient="records")),
            "forces": list(self.forces),
            "months": list(self.months),
            "excluded": dict(self.excluded),
            "note": self.note,
        }


def national_counts(crimes) -> pd.DataFrame:
    """Record-level crimes -> the compact national table: crimes per force, month, crime type
    and theme (what :func:`national_rates` needs, a few thousand rows for a national download).

    Parameters
    ----------
    crimes : pandas.DataFrame or pyarrow.Table
        Canonical crimes with ``force`` (:func:`~perfpack.ingest.police_uk.street.read_street`),
        or at least ``force``, ``month``, ``crime_type`` and ``theme``.

    Returns
    -------
    pandas.DataFrame
        ``force``, ``month`` (first day of the month), ``crime_type``, ``theme`` (missing
        outside every theme), ``crimes`` (int, at least 1), sorted by force, month, crime type.
    """
    import pyarrow as pa

    keys = ["force", "month", "crime_type", "theme"]
    if isinstance(crimes, pa.Table):
        grouped = (
            crimes.select(keys)
            .group_by(keys)
            .aggregate([([], "count_all")])
            .rename_columns([*keys, "crimes"])
            .to_pandas()
        )
    else:
        grouped = (
            crimes[keys]
            .groupby(keys, dropna=False, observed=True)
            .size()
            .reset_index(name="crimes")
        )
    return national_count_table(grouped[grouped["force"].notna()])


def national_count_table(grouped: pd.DataFrame) -> pd.DataFrame:
    """Counts by ``force``, ``month``, ``crime_type``, ``theme`` (``crimes``) in the stored
    national table's types and order (:data:`NATIONAL_COUNTS_FILE`)."""
    out = pd.DataFrame(
        {
            "force": grouped["force"].astype("str"),
            "month": pd.to_datetime(grouped["month"]).astype(NS),
            "crime_type": grouped["crime_type"].astype("str"),
            "theme": grouped["theme"].astype("str"),
            "crimes": grouped["crimes"].astype("int64"),
        }
    )
    return out.sort_values(["force", "month", "crime_type"]).reset_index(drop=True)


def national_rates(
    all_forces_crimes: pd.DataFrame,
    populations,
    window: Window | None = None,
    groups: Iterable[str] | None = None,
) -> NationalRates:
    """The national comparator: crimes per 1,000 residents over every force present.

    A force counts when it has records in every month counted and a population; the others are
    listed in ``excluded`` with the reason (e.g. ``no file for 2018-10``). Anti-social behaviour
    is never a crime. The rate is over the months counted (5 months give a 5-month rate).

    Parameters
    ----------
    all_forces_crimes : pandas.DataFrame
        Canonical crimes with ``force`` (from
        :func:`~perfpack.ingest.police_uk.street.read_street` with ``force=None``), or the same
        already counted by :func:`national_counts` (a ``crimes`` column: what an ingest stores,
        :func:`stored_national_rates`).
    populations : pandas.DataFrame or pandas.Series
        :func:`~perfpack.ingest.police_uk.force_areas.force_populations` output (``force``,
        ``population``) or a Series by force.
    window : Window, optional
        Count only these months; every one must be in the data for a force to count.
    groups : iterable of str, optional
        Themes to rate (default: every theme present); ``all_crime`` is always added.

    Returns
    -------
    NationalRates

    Raises
    ------
    IncompleteWindowError
        When no force has every month of ``window``.
    """
    if isinstance(populations, pd.DataFrame):
        populations = populations.set_index("force")["population"]
    if "crimes" in all_forces_crimes.columns:
        counts = all_forces_crimes
    else:
        counts = national_counts(all_forces_crimes)
    counts = counts[counts["crimes"] > 0]
    months_present = sorted(f"{m:%Y-%m}" for m in pd.to_datetime(counts["month"].dropna().unique()))
    months = [str(m) for m in window.months()] if window is not None else months_present
    if window is not None:
        counts = counts[window.contains(counts["month"])]
    pairs = counts[["force", "month"]].dropna().drop_duplicates()
    pairs = pairs.assign(label=pairs["month"].dt.strftime("%Y-%m"))
    have = pairs.groupby("force")["label"].agg(set)
    excluded: dict[str, str] = {}
    included: list[str] = []
    present = {str(f) for f in all_forces_crimes["force"].dropna().unique()}
    for force in sorted(present):
        got = have.get(force, set())
        gaps = [m for m in months if m not in got]
        pop = populations.get(force, pd.NA)
        if force in NON_TERRITORIAL_FORCES:
            excluded[force] = "not a territorial force, no resident population"
        elif force in OUTSIDE_ENGLAND_WALES:
            excluded[force] = "outside England and Wales"
        elif gaps:
            excluded[force] = f"no records for {', '.join(gaps)}"
        elif pd.isna(pop) or pop <= 0:
            excluded[force] = "no population for its area"
        else:
            included.append(force)
    if not included:
        raise IncompleteWindowError(
            f"no force has records in every month of {months[0]} to {months[-1]}; "
            "the national rate cannot be computed over that window"
        )
    counted = counts[counts["force"].isin(included)]
    population = int(sum(int(populations[f]) for f in included))
    wanted = list(groups) if groups is not None else sorted(counted["theme"].dropna().unique())
    rows = [(g, int(counted.loc[counted["theme"] == g, "crimes"].sum())) for g in wanted]
    is_crime = counted["crime_type"] != "Anti-social behaviour"
    rows.append(("all_crime", int(counted.loc[is_crime, "crimes"].sum())))
    rates = pd.DataFrame(rows, columns=["group", "crimes"])
    rates["population"] = population
    rates["rate_per_1000"] = rates["crimes"] / population * 1000
    rates["group"] = rates["group"].astype("str")
    note = (
        f"Crimes per 1,000 residents (mid-2019) over {len(included)} forces with records for "
        f"every month {months[0]} to {months[-1]} ({len(months)} months, not annualised); "
        f"population {population:,}."
    )
    if excluded:
        note += " Not counted: " + "; ".join(f"{f} ({why})" for f, why in excluded.items()) + "."
    absent = [
        f
        for f in POLICE_UK_FORCES
        if f not in present and f not in NON_TERRITORIAL_FORCES and f != "northern-ireland"
    ]
    if absent:
        note += f" Absent from the download: {', '.join(absent)}."
    return NationalRates(rates, included, months, excluded, note)


def no_national(months: list[str], note: str, forces: list[str] | None = None) -> NationalRates:
    empty = pd.DataFrame(
        {
            "group": pd.Series(dtype="str"),
            "crimes": pd.Series(dtype="int64"),
            "population": pd.Series(dtype="int64"),
            "rate_per_1000": pd.Series(dtype="float64"),
        }
    )
    return NationalRates(empty, list(forces or []), months, {}, note)


def stored_national_rates(
    processed_dir=None, window: Window | None = None, groups: Iterable[str] | None = None
) -> NationalRates | None:
    """The national comparator of a processed data.police.uk download, over ``window``.

    An ingest (:func:`~perfpack.ingest.police_uk.ingest.ingest_police_uk`) stores every force's
    crimes per month, crime type and theme (``national_counts.parquet``) and each force's population
    (``national_populations.parquet``); this computes :func:`national_rates` from them, so the
    window can be chosen at run time.

    Parameters
    ----------
    processed_dir : path, optional
        Default ``data/processed``.
    window : Window, optional
        The months to count (the force's own rate window); default every month stored.
    groups : iterable of str, optional
        Themes to rate (``all_crime`` is always added).

    Returns
    -------
    NationalRates or None
        None when the processed data is not a data.police.uk download (a force extract: its
        national figures are the reference table's). When there is nothing to compare with, the
        result holds no rates (``rate()`` is None) and its ``note`` says why: the download holds
        only this force (:data:`ONLY_THIS_FORCE`), no force has every month of the window, or
        the national table was not stored.
    """
    from perfpack.data import tables

    folder = tables.processed_dir(processed_dir)
    manifest = tables.manifest(folder)
    if manifest.get("data_source") != "police_uk":
        return None
    months = [str(m) for m in window.months()] if window is not None else []
    counts_file, pops_file = folder / NATIONAL_COUNTS_FILE, folder / NATIONAL_POPULATIONS_FILE
    if not (counts_file.exists() and pops_file.exists()):
        return no_national(
            months,
            "No national comparator: this processed data has no national table "
            "(ingest the download again).",
        )
    counts = pd.read_parquet(counts_file)
    populations = pd.read_parquet(pops_file)
    forces = sorted(str(f) for f in counts["force"].dropna().unique())
    own = manifest.get("force_slug")
    if len(forces) < 2 and (own is None or forces in ([], [own])):
        return no_national(months, ONLY_THIS_FORCE, forces)
    try:
        return national_rates(counts, populations, window, groups)
    except IncompleteWindowError as problem:
        return no_national(months, f"No national comparator: {problem}.")


def coverage_from_manifest(manifest: dict) -> dict:
    """The coverage an ingest recorded (``{"street": {...}, "stop_search": {...}}``), or {}."""
    return dict(manifest.get("coverage", {})) if manifest.get("data_source") == "police_uk" else {}


def national_manifest(processed_root) -> dict | None:
    """The ``national.json`` of a processed root of every force, or None when ``processed_root``
    is not one."""
    file = Path(processed_root) / NATIONAL_FILE
    if not file.exists():
        return None
    return json.loads(file.read_text(encoding="utf-8"))
