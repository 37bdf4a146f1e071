"""Peers: each force placed among forces like it ("Staffordshire's Robbery (all) rate is the 3rd
lowest of the 8 forces in its peer group"), with a small chart.

The groups are ``data/reference/peer_groups.csv`` (``force``, ``peers``: ``;``-separated force
slugs, the force itself included), which the user can edit. The Home Office's official "most
similar groups" (iQuanta) were not found in public material, so the committed table is
**perfpack's grouping**, not the official one, derived from a download by
:mod:`perfpack.ingest.police_uk.peer_groups` (``python -m perfpack.ingest.police_uk.peer_groups
ZIP_OR_FOLDER`` regenerates it).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfpack.core import stats
from perfpack.core.change import round_half_up
from perfpack.data import reference
from perfpack.data.paths import REFERENCE_DIR


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
    from perfpack.themes import areas

    folder = tables.processed_dir(processed_dir)
    manifest = tables.manifest(folder)
    slug = manifest.get("force_slug")
    counts_file = folder / police_uk.NATIONAL_COUNTS_FILE
    if manifest.get("data_source") != "police_uk" or not slug or not counts_file.exists():
        return None
    group = peer_groups().get(slug)
    if not group:
        return None
    spec = reference.theme_spec(theme)
    window = spec.windows(period, window_months).national
    counts = pd.read_parquet(counts_file)
    populations = pd.read_parquet(folder / police_uk.NATIONAL_POPULATIONS_FILE)
    rates = peer_rates(counts, populations, theme, window)
    where = areas.processed_areas(folder)
    view = rank_among_peers(rates, slug, group, where.place, spec.title)
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
