"""Stop and search from public data.police.uk downloads: what applies to a force and where it
stands among its peers.

- :func:`census_note`: why disproportionality by 2011 Census rates does not apply to a force
  outside the Census table (British Transport Police has no residents; Northern Ireland's census
  is NISRA's, not in the England and Wales table), or "" when it applies.
- :func:`peer_comparison`: the force's stop searches per 1,000 residents over the current
  window, ranked among its peer group (``data/reference/peer_groups.csv``) with the crime
  appendix's functions (:func:`perfpack.themes.peers.peer_rates`,
  :func:`perfpack.themes.peers.rank_among_peers`,
  :func:`perfpack.themes.peers.peer_sentence`, :func:`perfpack.themes.peers.peer_chart`), from the
  per-force monthly search counts the ingest stored from the same download
  (:data:`perfpack.data.public_tables.NATIONAL_SEARCH_COUNTS_FILE`) and the residents of each
  force's own area (:data:`perfpack.data.public_tables.NATIONAL_POPULATIONS_FILE`). Where the
  download has no stop-and-search files for the peers, :func:`peer_sentence` says so instead of
  ranking.
"""

from __future__ import annotations

import pandas as pd

from perfpack.data import public_tables as police_uk
from perfpack.data import reference
from perfpack.present.markup import escape_markdown
from perfpack.themes import peers
from perfpack.themes.stopsearch.ethnicity import force_populations

#: The measure's name in the sentence ("Staffordshire's stop-search rate is ...").
TITLE = "stop-search"


def census_note(force_name: str, slug: str = "", populations: pd.Series | None = None) -> str:
    """Why disproportionality by Census rates does not apply to the force, or "" when it does.

    Parameters
    ----------
    force_name : str
        The force as the data manifest names it.
    slug : str, optional
        Its data.police.uk slug (the manifest's ``force_slug``).
    populations : pandas.Series, optional
        :func:`perfpack.themes.stopsearch.ethnicity.force_populations` of the force: a non-empty
        Series means the Census rates apply (""). When None it is looked up from ``force_name``.
    """
    if populations is None:
        populations = force_populations(force_name)
    if len(populations):
        return ""
    name = escape_markdown(str(force_name)) or "this force"
    lowered = f"{slug} {force_name}".lower()
    if slug in police_uk.NON_TERRITORIAL_FORCES or "british transport" in lowered:
        reason = (
            "it polices the railways across England, Wales and Scotland and has no resident "
            "population of its own, so there are no residents of each ethnic group to divide "
            "its searches by"
        )
    elif slug in police_uk.OUTSIDE_ENGLAND_WALES or "northern ireland" in lowered:
        reason = (
            "the Home Office's denominators are the 2011 Census of England and Wales, and "
            "Northern Ireland's census (NISRA's) is not in that table"
        )
    else:
        reason = "it is not a police force area of the 2011 Census table for England and Wales"
    return (
        f"**Disproportionality by Census rates does not apply** to {name}: {reason}. The "
        "searches by self-defined ethnic group and their shares are shown; no rate per 1,000 "
        "residents and no disparity ratio is given."
    )


def peer_comparison(
    theme: str, period: str, processed_dir=None, window_months: int = 12
) -> peers.PeerView | None:
    """The force of a processed data.police.uk folder among its peers by stop searches per
    1,000 residents over the theme's current window.

    Returns
    -------
    PeerView or None
        None for a force extract, a folder with no stop-search counts stored (ingested by an
        earlier perfpack: re-run the ingest), or a force with no peer group (British Transport
        Police, Northern Ireland). A view with fewer than two forces ranked (``n`` < 2) means
        the peers' stop-search data is absent for the window: :func:`peer_sentence` says so and
        nothing is ranked.
    """
    from perfpack.data import tables
    from perfpack.themes import areas

    folder = tables.processed_dir(processed_dir)
    manifest = tables.manifest(folder)
    slug = manifest.get("force_slug")
    if manifest.get("data_source") != "police_uk" or not slug:
        return None
    group = peers.peer_groups().get(slug)
    if not group:
        return None
    counts_file = folder / police_uk.NATIONAL_SEARCH_COUNTS_FILE
    if not counts_file.exists():  # ingested before the counts were stored
        return None
    window = reference.theme_spec(theme).windows(period, window_months).current
    populations = pd.read_parquet(folder / police_uk.NATIONAL_POPULATIONS_FILE)
    rates = peers.peer_rates(search_counts(counts_file, theme), populations, theme, window)
    where = areas.processed_areas(folder)
    view = peers.rank_among_peers(rates, slug, group, where.place, TITLE)
    view.window_label = window.label
    view.note = peers.peer_source()
    return view


def search_counts(counts_file, theme: str) -> pd.DataFrame:
    """The stored per-force monthly search counts in the shape
    :func:`perfpack.themes.peers.peer_rates`
    reads (``force``, ``month``, ``theme``, ``crimes`` = searches)."""
    stored = pd.read_parquet(counts_file)
    return pd.DataFrame(
        {
            "force": stored["force"].astype("str"),
            "month": stored["month"],
            "theme": pd.Series(theme, index=stored.index, dtype="str"),
            "crimes": stored["searches"].astype("int64"),
        }
    )


def is_ranked(view: peers.PeerView | None) -> bool:
    """Whether the view ranks the force among at least two forces of its group."""
    return view is not None and view.rank is not None and view.n >= 2


def peer_sentence(view: peers.PeerView, window_text: str = "") -> str:
    """ "Staffordshire's stop-search rate is the 3rd highest of the 8 forces in its peer group"
    (:func:`perfpack.themes.peers.peer_sentence`) with the window and the grouping's source; when
    the peers' stop-search data is absent, a sentence saying so instead of a rank."""
    when = f" ({window_text})" if window_text else ""
    if view.rank is None:  # the force itself lacks a month of the window
        return (
            f"{view.place} has no stop-and-search files for every month{when}, so its "
            f"stop-search rate is not ranked among its peers. {view.note}"
        )
    if not is_ranked(view):
        others = [f for f in view.missing if f != view.force]
        return (
            f"The download has no stop-and-search files for every month{when} of the forces in "
            f"{view.place}'s peer group ({', '.join(peers.display_name(f) for f in others)}), "
            f"so {view.place}'s stop-search rate is not ranked among its peers. {view.note}"
        )
    text = (
        f"{peers.peer_sentence(view)} The rate is stop searches per 1,000 residents of each "
        f"force's area{when}."
    )
    if view.missing:
        text += (
            " Forces not ranked have no stop-and-search files for every month of that window "
            "in this download."
        )
    return f"{text} {view.note}"


def add_peer_figures(book, view: peers.PeerView | None) -> None:
    """``peer_rank``, ``peer_group_forces`` and ``peer_rate_per_1000`` per ranked force
    (:func:`perfpack.themes.peers.add_peer_figures`), only when the force is ranked
    (:func:`is_ranked`)."""
    peers.add_peer_figures(book, view if is_ranked(view) else None)
