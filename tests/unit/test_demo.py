"""Unit tests of the demo force's exact helpers (hand-worked edge-case tables) and of
``write_demo``'s file handling. The calibration itself is tested in test_demo_calibration.py."""

from __future__ import annotations

import stat
from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from perfpack.ingest.demo import crimes as demo_crimes
from perfpack.ingest.demo import exact
from perfpack.ingest.demo import synthetic as demo


@pytest.mark.parametrize(
    "weights, total, expected",
    [
        ([1, 1, 1], 10, [4, 3, 3]),  # the spare unit goes to the earliest tie
        ([1, 2, 3], 6, [1, 2, 3]),  # exact quotas
        ([2, 1], 3, [2, 1]),
        ([0.5, 0.5], 1, [1, 0]),
        ([0, 1], 5, [0, 5]),  # a zero weight gets nothing
        ([1, 1], 0, [0, 0]),
        ([0, 0], 0, [0, 0]),
        ([0.34, 0.33, 0.33], 100, [34, 33, 33]),
        ([1, 1, 1, 1, 1, 1, 1], 3, [1, 1, 1, 0, 0, 0, 0]),
    ],
)
def test_largest_remainder(weights, total, expected):
    result = exact.largest_remainder(weights, total)
    assert result.tolist() == expected
    assert result.sum() == total


@pytest.mark.parametrize("weights, total", [([0, 0], 1), ([-1, 2], 1), ([1, 1], -1)])
def test_largest_remainder_rejects(weights, total):
    with pytest.raises(ValueError):
        exact.largest_remainder(weights, total)


@pytest.mark.parametrize(
    "series, n, expected",
    [
        ([10] * 12, 12, 0.0),  # flat: no change
        ([10] * 12, 3, 0.0),
        (list(range(1, 13)), 12, (222 - 78) / 78 * 100),  # y = t: next 12 are 13..24
        (list(range(1, 13)), 3, (222 - 78) / 78 * 100),  # same line through the last 3
        (list(range(1, 13)), 6, (222 - 78) / 78 * 100),
        ([20] * 9 + [30, 20, 10], 3, -100.0),  # y = 40 - 10t: every future month floored at 0
        ([20] * 9 + [10, 20, 30], 3, (12 * 20 + 10 * 90 - 240) / 240 * 100),  # 20 + 10(t - 2)
        ([0] * 11 + [12], 12, None),  # the fitted line, floored: checked by hand below
    ],
)
def test_projection_pct(series, n, expected):
    if expected is None:
        # OLS through (1..12, [0]*11 + [12]): b = 5.5*12/143, a = 1 - 6.5b; all 12 future
        # months positive, so the sum is 12a + 222b.
        b = 5.5 * 12 / 143
        a = 1 - 6.5 * b
        expected = (12 * a + 222 * b - 12) / 12 * 100
    assert exact.projection_pct(series, n) == pytest.approx(expected)


@pytest.mark.parametrize(
    "local, expected",
    [
        (datetime(2019, 1, 15, 12, 0), "2019-01-15T12:00:00+00:00"),
        (datetime(2019, 7, 1, 9, 30), "2019-07-01T09:30:00+01:00"),
        (datetime(2019, 3, 31, 0, 59), "2019-03-31T00:59:00+00:00"),  # before BST starts
        (datetime(2019, 3, 31, 1, 30), "2019-03-31T02:30:00+01:00"),  # does not exist: +1h
        (datetime(2019, 3, 31, 2, 0), "2019-03-31T02:00:00+01:00"),
        (datetime(2019, 10, 27, 0, 59), "2019-10-27T00:59:00+01:00"),
        (datetime(2019, 10, 27, 1, 30), "2019-10-27T01:30:00+01:00"),  # ambiguous: read as BST
        (datetime(2019, 10, 27, 2, 0), "2019-10-27T02:00:00+00:00"),  # after the clocks go back
        (datetime(2018, 3, 25, 12, 0), "2018-03-25T12:00:00+01:00"),
        (datetime(2018, 3, 24, 23, 59), "2018-03-24T23:59:00+00:00"),
        (datetime(2017, 10, 29, 1, 59), "2017-10-29T01:59:00+01:00"),
        (datetime(2017, 10, 29, 3, 0), "2017-10-29T03:00:00+00:00"),
        (datetime(2017, 12, 31, 0, 0), "2017-12-31T00:00:00+00:00"),  # date-only
    ],
)
def test_police_uk_datetime(local, expected):
    assert exact.police_uk_datetime(local) == expected


@pytest.mark.parametrize(
    "year, month, expected",
    [
        (2017, 3, date(2017, 3, 26)),
        (2018, 10, date(2018, 10, 28)),
        (2019, 3, date(2019, 3, 31)),
        (2019, 10, date(2019, 10, 27)),
    ],
)
def test_last_sunday(year, month, expected):
    assert exact.last_sunday(year, month) == expected


@pytest.mark.parametrize(
    "born, on, expected",
    [
        (date(2001, 3, 1), date(2019, 2, 28), 17),
        (date(2001, 3, 1), date(2019, 3, 1), 18),  # turns 18 on the birthday
        (date(2000, 2, 29), date(2018, 2, 28), 17),  # leap-day birthday
        (date(2000, 2, 29), date(2018, 3, 1), 18),
        (date(2019, 1, 1), date(2019, 12, 31), 0),
    ],
)
def test_age_on(born, on, expected):
    assert exact.age_on(born, on) == expected


@pytest.mark.parametrize("u, expected", [(0.0, "a"), (0.2499, "a"), (0.25, "b"), (0.9999, "b")])
def test_pick_u(u, expected):
    assert exact.pick_u({"a": 1, "b": 3}, u) == expected


def test_exact_labels_counts_and_weights():
    rng = np.random.default_rng(0)
    weights = np.array([0.0] * 5 + [1.0] * 5)
    labels = exact.exact_labels(rng, 10, {"x": 5, "y": 5}, {"x": weights})
    assert (labels == "x").sum() == 5
    assert (labels[5:] == "x").all()  # zero weight never chosen
    with pytest.raises(ValueError):
        exact.exact_labels(rng, 10, {"x": 3, "y": 3}, {})


def test_calibrate_series_meets_targets_for_several_seeds():
    spec = demo_crimes._THEMES["theft_of_vehicle"]
    for seed in range(5):
        series = demo_crimes._calibrate_series(
            np.random.default_rng(seed),
            spec["design"],
            spec["totals"],
            spec["pct12"],
            spec["pct3"],
            spec["rate_window"],
            spec["pct6_above_pct12"],
        )
        assert [series[i * 12 : i * 12 + 12].sum() for i in range(3)] == list(spec["totals"])


def test_write_demo_replaces_files_atomically_and_readably(tmp_path):
    (tmp_path / "crimes.csv").write_text("stale", encoding="utf-8")
    summary = demo.write_demo(tmp_path, seed=7)
    assert set(summary) == {"crimes", "stop_searches", "missing_episodes"}
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "crimes.csv",
        "manifest.yml",
        "missing_episodes.csv",
        "stop_searches.csv",
    ]
    for path in tmp_path.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
    crimes = pd.read_csv(tmp_path / "crimes.csv", dtype=str, keep_default_na=False)
    assert len(crimes) == summary["crimes"]
    # another seed: other records, same published totals (they are built in, not sampled)
    robbery = crimes[crimes["offence_code"] == "34B"]["recorded_date"].str[:4].value_counts()
    assert (robbery["2018"], robbery["2019"]) == (855, 764)
    searches = pd.read_csv(tmp_path / "stop_searches.csv", dtype=str, keep_default_na=False)
    month = searches["Date"].str[:7]
    assert ((month >= "2018-12") & (month <= "2019-11")).sum() == 6031
