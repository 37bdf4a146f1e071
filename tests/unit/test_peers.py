"""Peers: the ranking and the grouping, on hand-worked small tables; the committed peer groups
table's shape. Expected values are worked by hand in the comments."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from perfpack.data import reference
from perfpack.data.public_tables import POLICE_UK_FORCES
from perfpack.ingest.police_uk import peer_groups
from perfpack.themes import peers


def _rates(rows):
    return pd.DataFrame(rows, columns=["force", "name", "crimes", "population", "rate_per_1000"])


# rates per 1,000: a 0.5, b 1.0, c 1.0, d 2.0, e 3.0 (no rate: f, and x is outside the group)
HAND = _rates(
    [
        ("a", "A", 5, 10_000, 0.5),
        ("b", "B", 10, 10_000, 1.0),
        ("c", "C", 20, 20_000, 1.0),
        ("d", "D", 20, 10_000, 2.0),
        ("e", "E", 30, 10_000, 3.0),
        ("f", "F", 0, math.nan, math.nan),
        ("x", "X", 1, 10_000, 0.1),
    ]
)
GROUP = ["d", "a", "b", "c", "e", "f"]


@pytest.mark.parametrize(
    ("force", "rank", "words"),
    [
        ("a", 1, "is the lowest of the 5 forces"),
        ("b", 2, "is the 2nd lowest of the 5 forces"),  # b and c tie at 1.0: both 2nd
        ("c", 2, "is the 2nd lowest of the 5 forces"),
        ("d", 4, "is the 2nd highest of the 5 forces"),  # 4th lowest = 2nd highest
        ("e", 5, "is the highest of the 5 forces"),
    ],
)
def test_rank_among_peers_by_hand(force, rank, words):
    view = peers.rank_among_peers(HAND, force, GROUP, place=force.upper(), title="Robbery (all)")
    assert view.rank == rank and view.n == 5
    assert view.table["force"].tolist() == ["a", "b", "c", "d", "e"]  # x is not a peer
    assert view.missing == ["f"]
    sentence = peers.peer_sentence(view)
    assert sentence.startswith(f"{force.upper()}'s Robbery (all) rate {words} in its peer group")
    assert "(not ranked: f)" in sentence


def test_a_force_with_no_rate_is_not_ranked():
    view = peers.rank_among_peers(HAND, "f", GROUP, place="F", title="Robbery (all)")
    assert view.rank is None
    assert "is not ranked among its peers" in peers.peer_sentence(view)


@pytest.mark.parametrize(
    ("n", "text"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (13, "13th"), (22, "22nd")],
)
def test_ordinal(n, text):
    assert peers.ordinal(n) == text


def test_derive_peer_groups_by_hand():
    # one feature varies (the others are equal): values 0, 1, 3, 10 -> the nearest two of
    # each force (group size 3): p: q (1), r (3); q: p (1), r (2); r: q (2), p (3); s: r (7), q
    features = pd.DataFrame(
        {
            "log_population": [0.0, 1.0, 3.0, 10.0],
            "metropolitan_share": [0.5] * 4,
            "not_white_share": [0.1] * 4,
        },
        index=["p", "q", "r", "s"],
    )
    groups = peer_groups.derive_peer_groups(features, size=3).set_index("force")["peers"]
    assert groups.to_dict() == {"p": "p;q;r", "q": "q;p;r", "r": "r;q;p", "s": "s;r;q"}


def test_force_features_by_hand():
    # Bolton (E08000001, metropolitan, 287,550) and Stafford (E07000197, 137,280) as one force
    own = pd.DataFrame({"force": ["staffordshire"] * 2, "area_code": ["E08000001", "E07000197"]})
    las = reference.table("la_population_mid2019").set_index("area_code")["population_mid2019"]
    bolton, stafford = int(las["E08000001"]), int(las["E07000197"])
    got = peer_groups.force_features(own).loc["staffordshire"]
    assert got["population"] == bolton + stafford
    assert got["metropolitan_share"] == pytest.approx(bolton / (bolton + stafford))
    # 2011 Census, Staffordshire: 1,032,327 White of 1,097,497 (SOURCES.md)
    assert got["not_white_share"] == pytest.approx(1 - 1_032_327 / 1_097_497, rel=1e-4)


def test_slug_of_census_name():
    assert peer_groups.slug_of_census_name("Avon & Somerset") == "avon-and-somerset"
    assert peer_groups.slug_of_census_name("Dyfed-Powys") == "dyfed-powys"


def test_committed_peer_groups():
    groups = peers.peer_groups()
    territorial = [f for f in POLICE_UK_FORCES if f not in ("btp", "northern-ireland")]
    assert sorted(groups) == sorted(territorial)  # the 43 forces of England and Wales
    for force, members in groups.items():
        assert members[0] == force and len(members) == peer_groups.GROUP_SIZE
        assert len(set(members)) == len(members) and set(members) <= set(territorial)
    assert "NOT the Home Office's official most similar groups" in peers.peer_source()


def test_peer_figures_by_hand():
    from perfpack.core.figures import FigureBook

    view = peers.rank_among_peers(HAND, "d", GROUP, place="D", title="Robbery (all)")
    view.window_label = "2019-01/2019-02"
    book = FigureBook("robbery_all")
    peers.add_peer_figures(book, view)
    peers.add_peer_figures(book, None)  # no comparison: nothing recorded
    figures = book.to_frame().set_index(["measure", "group"])["value"]
    assert figures[("peer_rank", "")] == 4 and figures[("peer_group_forces", "")] == 5
    assert figures[("peer_rate_per_1000", "e")] == 3.0
    assert set(book.to_frame()["window"]) == {"2019-01/2019-02"}
