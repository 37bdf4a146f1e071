"""Where and among whom the action-019 deep dive's repeats concentrate: the places with most
episodes (by pseudonymous id, never an address) and the share of episodes from the most
frequently missing tenth of people.

Every count published goes through :mod:`perfpack.core.disclosure`; a place or a group is shown only
when enough people stand behind its figure that it is not one person's exact total.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from perfpack.core import disclosure
from perfpack.core.change import format_pct, percent
from perfpack.core.windows import Window
from perfpack.themes.missing.measures import SMALL_COUNT, episode_count, individual_count
from perfpack.themes.missing.repeats import episodes_per_person
from perfpack.themes.missing.words import period_label

#: The smallest group whose top tenth is published as a concentration share.
CONCENTRATION_MIN_TOP = 10


def top_locations(
    episodes: pd.DataFrame, previous: Window, current: Window, location_type: str, n: int = 10
) -> pd.DataFrame:
    """The places of one type with most episodes in the current window, by pseudonymous
    ``location_id`` (never an address), then a row for the other places of the type and one for
    all of them, so each episode column adds up to its published total.

    A place is listed only when, in each window it has episodes in, at least 5 people account
    for them: a place's episode count is the sum of its people's, so with 1 to 4 people it
    gives away a person's exact total (which the case studies band). The rest go into "Other";
    when "Other" itself is that small, the lowest listed places join it until it is not.

    Returns
    -------
    DataFrame
        Columns ``location_id`` (the id, ``"Other"`` or ``"All"``), ``episodes_previous``,
        ``episodes_current`` and ``people`` (distinct people missing from the place in the
        current window). At most ``n`` places, most episodes first (ties by id); "Other" holds
        the rest of the type, episodes with no location id included. People are not split into
        once and repeat: "6 people, 5 of them repeats" publishes one person missing once.
    """

    def row(name, part):
        return {
            "location_id": name,
            "episodes_previous": episode_count(part, previous),
            "episodes_current": episode_count(part, current),
            "people": individual_count(part, current),
        }

    def enough(part) -> bool:
        return all(
            episode_count(part, w) == 0 or individual_count(part, w) >= SMALL_COUNT
            for w in (previous, current)
        )

    of_type = episodes[episodes["location_type"] == location_type]
    known = of_type[of_type["location_id"].notna()]
    parts = {str(i): part for i, part in known.groupby("location_id", sort=True)}
    table = pd.DataFrame(
        [row(i, part) for i, part in parts.items()], columns=list(row("", of_type.iloc[:0]))
    )
    table = table.sort_values(["episodes_current", "location_id"], ascending=[False, True])
    listed = [i for i in table["location_id"] if enough(parts[i])][: max(int(n), 0)]

    def rest():
        return of_type[~of_type["location_id"].astype("str").isin(listed)]

    while listed and not enough(rest()):
        listed.pop()
    top = table.set_index("location_id").loc[listed].reset_index()
    extra = pd.DataFrame([row("Other", rest()), row("All", of_type)])
    return pd.concat([top, extra], ignore_index=True)


def location_table(
    places: pd.DataFrame, previous: Window, current: Window, place_noun: str
) -> pd.DataFrame:
    """A :func:`top_locations` table as published: counts 1-4 shown as "<5", with secondary
    suppression down the episode columns (the places and "Other" add up to "All"). People at
    different places overlap, so the people column adds up to nothing. On the deep-dive page,
    where "All" is a cell of the cohort x place table, use
    :meth:`perfpack.themes.deep_dive.page.DeepDivePage.location_table` (one suppression per
    page)."""
    frame = places.set_index("location_id")
    episodes = disclosure.suppress_small(
        frame, ["episodes_previous", "episodes_current"], total_row="All", along="columns"
    )
    people = disclosure.suppress_small(frame, ["people"], along="rows")
    shown = location_frame(frame.index, episodes, people, previous, current, place_noun)
    return disclosure.carry(shown, episodes, people)


def location_frame(
    ids,
    episodes: pd.DataFrame,
    people: pd.DataFrame,
    previous: Window,
    current: Window,
    place_noun: str,
) -> pd.DataFrame:
    """The published columns of a place table, from its rendered (suppressed) episode and
    people columns, the places named by pseudonymous id and "Other"/"All" by ``place_noun``."""
    names = {"Other": f"Other {place_noun}", "All": f"All {place_noun}"}
    return pd.DataFrame(
        {
            "Place (pseudonymous id)": [names.get(i, i) for i in ids],
            f"Episodes, {period_label(previous)}": episodes["episodes_previous"].to_numpy(),
            f"Episodes, {period_label(current)}": episodes["episodes_current"].to_numpy(),
            f"People, {period_label(current)}": people["people"].to_numpy(),
        }
    )


def concentration(
    episodes: pd.DataFrame, window: Window, top_fraction: float = 0.10
) -> float | None:
    """Share (%) of the window's episodes that belong to the most frequent ``top_fraction`` of
    individuals.

    The top group is ``ceil(top_fraction x individuals)`` people (at least one), taken in order of
    episodes, most first; people tied at the cut-off are taken in a fixed order (the group's size
    never changes with ties). None with no episodes, and None (not published) when the top group
    has fewer than :data:`CONCENTRATION_MIN_TOP` people: a few people's exact total could be set
    against the case studies' bands.
    """
    per_person = episodes_per_person(episodes, window)
    if per_person.empty:
        return None
    n_top = max(1, math.ceil(top_fraction * len(per_person) - 1e-9))
    if n_top < CONCENTRATION_MIN_TOP:
        return None
    ordered = np.sort(per_person.to_numpy())[::-1]
    return percent(float(ordered[:n_top].sum()), float(ordered.sum()))


def concentration_sentence(
    previous_share: float | None, current_share: float | None, n_months: int = 12
) -> str:
    """How concentrated episodes are among the most frequent 10% of individuals."""
    from perfpack.themes.areas import months_text

    span = months_text(n_months)
    if current_share is None or previous_share is None:
        return "Too few people went missing in this group to say how concentrated repeats are."
    return (
        f"The most frequently missing 10% of individuals account for {_pct1(current_share)} of "
        f"episodes in the last {span} ({_pct1(previous_share)} in the previous {span})."
    )


def _pct1(value) -> str:
    return format_pct(value, 1)
