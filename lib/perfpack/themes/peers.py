"""Peers: each force placed among forces like it ("Staffordshire's Robbery (all) rate is the 3rd
lowest of the 8 forces in its peer group"), with a small chart.

The groups are ``data/reference/peer_groups.csv`` (``force``, ``peers``: ``;``-separated force
slugs, the force itself included), which the user can edit. The Home Office's official "most
similar groups" (iQuanta) were not found in public material, so the committed table is
**perfpack's grouping**, not the official one: :func:`derive_peer_groups` over three features
per force from the project's reference data (:func:`force_features`) -- resident population
(log, ONS mid-2019), the share of residents in metropolitan districts and London boroughs (the
local-authority types of ``la_population_mid2019.csv``: codes ``E08``/``E09``) and the share of
residents not White (2011 Census, ``census2011_ethnicity_by_pfa.csv``) -- each standardised
across the forces; a force's group is itself and its nearest forces by Euclidean distance.
Regenerate it with ``python -m tools.peer_groups ZIP_OR_FOLDER``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from perfpack.core import stats
from perfpack.core.change import round_half_up
from perfpack.data import reference
from perfpack.data.paths import REFERENCE_DIR

#: Forces in a group, the force itself included (iQuanta's most similar groups hold 8).
GROUP_SIZE = 8
#: Local-authority codes of metropolitan districts (E08) and London boroughs (E09).
METROPOLITAN_PREFIXES = ("E08", "E09")
FEATURES = ("log_population", "metropolitan_share", "not_white_share")
#: The local authorities (mid-2019 codes) of the four forces whose areas are whole metropolitan
#: counties, for downloads that lack them (the project's all-forces download does): Greater
#: Manchester, West Midlands and West Yorkshire (their metropolitan districts) and the
#: Metropolitan Police (the 32 London boroughs; the City has its own force).
METROPOLITAN_FORCE_AREAS = {
    "greater-manchester": [f"E0800000{i}" for i in range(1, 10)] + ["E08000010"],
    "west-midlands": [f"E080000{i}" for i in range(25, 32)],
    "west-yorkshire": [f"E080000{i}" for i in range(32, 37)],
    "metropolitan": [f"E090000{i:02d}" for i in range(2, 34)],
}


def slug_of_census_name(name: str) -> str:
    """The data.police.uk slug of a Census police force area: "Avon & Somerset" ->
    "avon-and-somerset"."""
    return "-".join(str(name).lower().replace("&", " and ").split())


def force_features(own_areas: pd.DataFrame, reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    """The grouping's features per force.

    Parameters
    ----------
    own_areas : pandas.DataFrame
        ``force`` (slug) and ``area_code`` (mid-2019 local authority code) of each force's own
        local authorities, one row per distinct authority.

    Returns
    -------
    pandas.DataFrame
        Indexed by force: ``population`` (sum of the authorities' mid-2019 populations),
        ``log_population``, ``metropolitan_share`` (residents in E08/E09 authorities /
        population) and ``not_white_share`` (2011 Census: 1 - White / all five groups; forces
        not in the Census table get NaN).
    """
    las = reference.table("la_population_mid2019", reference_dir)
    las["population_mid2019"] = las["population_mid2019"].astype(int)
    joined = own_areas[["force", "area_code"]].drop_duplicates().merge(las, on="area_code")
    joined["metropolitan"] = joined["area_code"].str.startswith(METROPOLITAN_PREFIXES)
    population = joined.groupby("force")["population_mid2019"].sum().astype(float)
    metropolitan = joined[joined["metropolitan"]].groupby("force")["population_mid2019"].sum()
    census = reference.table("census2011_ethnicity_by_pfa", reference_dir)
    census["force"] = census["Police force"].map(slug_of_census_name)
    groups = [c for c in census.columns if c not in ("Police force", "force")]
    totals = census[groups].astype(int).sum(axis=1)
    not_white = pd.Series(1 - census["White"].astype(int) / totals, index=census.index)
    frame = pd.DataFrame({"population": population})
    frame["log_population"] = np.log(frame["population"])
    frame["metropolitan_share"] = metropolitan.reindex(frame.index).fillna(0) / population
    frame["not_white_share"] = pd.Series(not_white.to_numpy(), index=census["force"]).reindex(
        frame.index
    )
    return frame.sort_index()


def derive_peer_groups(features: pd.DataFrame, size: int = GROUP_SIZE) -> pd.DataFrame:
    """Each force and its ``size - 1`` nearest forces by the standardised features.

    Every column of :data:`FEATURES` is standardised ((value - mean) / standard deviation
    across the forces); distance is Euclidean; ties go to the force first in alphabetical
    order. Forces with a missing feature are left out.

    Returns
    -------
    pandas.DataFrame
        ``force``, ``peers`` (``;``-joined slugs, the force first, then by distance).
    """
    table = features[list(FEATURES)].dropna().sort_index()
    spread = table.std(ddof=0).replace(0.0, 1.0)  # a feature equal everywhere counts for nothing
    scaled = (table - table.mean()) / spread
    values = scaled.to_numpy()
    names = list(table.index)
    rows = []
    for i, force in enumerate(names):
        distance = np.sqrt(((values - values[i]) ** 2).sum(axis=1))
        order = sorted(range(len(names)), key=lambda j: (j != i, round(distance[j], 12), names[j]))
        rows.append((force, ";".join(names[j] for j in order[:size])))
    return pd.DataFrame(rows, columns=["force", "peers"])


def peer_groups(reference_dir: Path = REFERENCE_DIR) -> dict[str, list[str]]:
    """``data/reference/peer_groups.csv`` as ``{force: [force, peer, ...]}``."""
    table = reference.table("peer_groups", reference_dir)
    return {
        row.force: [p.strip() for p in row.peers.split(";") if p.strip()]
        for row in table.itertuples()
    }


def peer_source(reference_dir: Path = REFERENCE_DIR) -> str:
    """Whose grouping the table is: the first sentence of its ``source:`` line ("Peer groups:
    perfpack's own grouping, NOT the Home Office's official most similar groups (...).")."""
    for line in reference.source_lines("peer_groups", reference_dir):
        if line.lower().startswith("source:"):
            text = line.split(":", 1)[1].strip()
            return f"Peer groups: {text.split('. ')[0].rstrip('.')}."
    return "Peer groups: data/reference/peer_groups.csv."


def display_name(slug: str) -> str:
    """A force slug as a short name: "avon-and-somerset" -> "Avon and Somerset"."""
    small = {"and", "of"}
    words = str(slug).split("-")
    return " ".join(w if (w in small and i) else w.capitalize() for i, w in enumerate(words))


# --------------------------------------------------------------------------------------------
# ranking a force among its peers


@dataclass
class PeerView:
    """A force among its peers for one theme and window (:func:`rank_among_peers`).

    ``table``: the peers with a rate (``force``, ``name``, ``crimes``, ``population``,
    ``rate_per_1000``), lowest rate first; ``rank``: the force's place from the lowest (1 =
    lowest; ties share the better place); ``missing``: peers with no rate (not in the data, a
    month missing, or no residents).
    """

    force: str
    place: str
    title: str
    window_label: str
    table: pd.DataFrame
    rank: int | None
    missing: list[str]
    note: str = ""

    @property
    def n(self) -> int:
        return len(self.table)


def ordinal(n: int) -> str:
    """1 -> "1st", 2 -> "2nd", 3 -> "3rd", 11 -> "11th", 22 -> "22nd"."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def rank_among_peers(
    rates: pd.DataFrame, force: str, group: list[str], place: str = "", title: str = ""
) -> PeerView:
    """Place ``force`` among the forces of its group by rate per 1,000 (lowest first).

    Parameters
    ----------
    rates : pandas.DataFrame
        ``force``, ``name``, ``crimes``, ``population``, ``rate_per_1000`` (NaN when the force
        has no rate) for at least the group's forces.
    force : str
    group : list of str
        The force's peer group (itself included).

    Returns
    -------
    PeerView
        ``rank`` is None when the force itself has no rate.
    """
    wanted = rates[rates["force"].isin(group)]
    have = wanted[wanted["rate_per_1000"].notna()].sort_values(["rate_per_1000", "force"])
    have = have.reset_index(drop=True)
    missing = [f for f in group if f not in set(have["force"])]
    rank = None
    if force in set(have["force"]):
        mine = float(have.loc[have["force"] == force, "rate_per_1000"].iloc[0])
        rank = 1 + int((have["rate_per_1000"] < mine).sum())
    return PeerView(force, place or force, title, "", have, rank, missing)


def peer_sentence(view: PeerView) -> str:
    """ "Staffordshire's Robbery (all) rate is the 3rd lowest of the 8 forces in its peer
    group", with the peers that could not be ranked named."""
    if view.rank is None:
        return (
            f"{view.place} has no rate per 1,000 residents for {view.title}, so it is not "
            "ranked among its peers."
        )
    from_top = view.n - view.rank + 1
    side, place = ("lowest", view.rank) if view.rank <= from_top else ("highest", from_top)
    position = f"the {side}" if place == 1 else f"the {ordinal(place)} {side}"
    if view.n == 1:
        position = "the only one with a rate"
    text = (
        f"{view.place}'s {view.title} rate is {position} of the {view.n} forces in its peer group"
    )
    if view.missing:
        text += f" with a rate for these months (not ranked: {', '.join(view.missing)})"
    return text + "."


def peer_chart(view: PeerView, caption_title: str):
    """Small horizontal bars of the peers' rates, the force highlighted.

    Returns
    -------
    (matplotlib.figure.Figure, str)
    """
    from perfpack.present import charts

    table = view.table.iloc[::-1]
    fig, ax = charts.new_figure(figsize=(6.5, 0.35 * len(table) + 1.2))
    colours = [
        charts.CONCERN_COLOUR if f == view.force else charts.NEUTRAL_COLOUR for f in table["force"]
    ]
    ax.barh(table["name"], table["rate_per_1000"], color=colours)
    ax.set_xlabel("Rate per 1,000 residents")
    ax.set_title(caption_title, fontsize="medium")
    fig.tight_layout()
    listed = "; ".join(f"{r.name} {r.rate_per_1000:.2f}" for r in view.table.itertuples())
    alt = (
        f"{caption_title}: bar chart of the rate per 1,000 residents of {view.n} forces in "
        f"{view.place}'s peer group, lowest first: {listed}."
    )
    return fig, alt


def peer_comparison(theme: str, period: str, processed_dir=None, window_months: int = 12):
    """The force of a processed data.police.uk folder among its peers for ``theme``'s rate
    window, from the national counts the ingest stored (None for a force extract, or when the
    force has no peer group (British Transport Police, Northern Ireland) or fewer than two of
    its group have a rate in the data (a download of one force).

    Returns
    -------
    PeerView or None
    """
    from perfpack.data import public_tables as police_uk
    from perfpack.data import tables
    from perfpack.themes import areas, crime

    folder = tables.processed_dir(processed_dir)
    manifest = tables.manifest(folder)
    slug = manifest.get("force_slug")
    counts_file = folder / police_uk.NATIONAL_COUNTS_FILE
    if manifest.get("data_source") != "police_uk" or not slug or not counts_file.exists():
        return None
    group = peer_groups().get(slug)
    if not group:
        return None
    window = crime.theme_windows(theme, period, window_months=window_months).national
    counts = pd.read_parquet(counts_file)
    populations = pd.read_parquet(folder / police_uk.NATIONAL_POPULATIONS_FILE)
    rates = peer_rates(counts, populations, theme, window)
    where = areas.processed_areas(folder)
    view = rank_among_peers(rates, slug, group, where.place, reference.theme(theme)["title"])
    if view.n < 2:  # e.g. a download of this force alone: nothing to compare with
        return None
    view.window_label = window.label
    view.note = peer_source()
    return view


def peer_rates(counts: pd.DataFrame, populations: pd.DataFrame, theme: str, window) -> pd.DataFrame:
    """Each force's ``crimes`` of ``theme`` in ``window`` and its rate per 1,000 (NaN when a
    month of the window is missing or the force has no residents); ``name`` is the slug."""
    inside = counts[window.contains(counts["month"])]
    months = inside.assign(label=pd.to_datetime(inside["month"]).dt.strftime("%Y-%m"))
    have = months.groupby("force")["label"].agg(set)
    needed = {str(m) for m in window.months()}
    pops = populations.set_index("force")["population"]
    rows = []
    for force in sorted(counts["force"].unique()):
        crimes = int(
            inside.loc[(inside["force"] == force) & (inside["theme"] == theme), "crimes"].sum()
        )
        population = pops.get(force, pd.NA)
        complete = needed <= have.get(force, set())
        rate = (
            stats.rate_per_1000(crimes, float(population))
            if complete and not pd.isna(population)
            else math.nan
        )
        rows.append((force, display_name(force), crimes, population, rate))
    return pd.DataFrame(rows, columns=["force", "name", "crimes", "population", "rate_per_1000"])


def add_peer_figures(book, view: PeerView | None) -> None:
    """Record the peer comparison in a theme's :class:`~perfpack.core.figures.FigureBook`:
    ``peer_rank`` (1 = the lowest rate; only when the force has a rate), ``peer_group_forces``
    (forces ranked) and ``peer_rate_per_1000`` per ranked force (group = its slug), all over
    the rate window. Nothing when there is no peer comparison."""
    if view is None:
        return
    if view.rank is not None:
        book.add("peer_rank", view.rank, view.window_label)
    book.add("peer_group_forces", view.n, view.window_label)
    for row in view.table.itertuples():
        book.add("peer_rate_per_1000", row.rate_per_1000, view.window_label, group=row.force)


def peer_table(view: PeerView) -> pd.DataFrame:
    """The peers' rates for publication (counts are force totals, already public)."""
    return pd.DataFrame(
        {
            "Force": view.table["name"],
            "Offences": view.table["crimes"],
            "Rate per 1,000": [f"{round_half_up(r, 2):.2f}" for r in view.table["rate_per_1000"]],
        }
    )
