"""The demo force's ``missing_episodes.csv``: people, their episodes and the report's counts.

People are made per group and year (with some carried from one year to the next), their
episodes placed in the months of a calibrated monthly series, and the published episodes, child
episodes, individuals and change in average duration reached exactly.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

import numpy as np

from perfpack.ingest.demo.exact import (
    age_on,
    largest_remainder,
    month_index,
    pick1,
    pick_u,
)
from perfpack.ingest.demo.force import NPTS, YEARS

# --------------------------------------------------------------------------------------------
# Missing episodes
# --------------------------------------------------------------------------------------------

#: Person groups: CH looked-after children in care homes, FP looked-after children in foster
#: placements, CF other children, AH adults walking out of hospital, AF other adults.
#: Per year: (people, episodes, people with exactly one episode).
_MP_GROUPS = {
    2017: {
        "CH": (125, 930, 10),
        "FP": (130, 400, 40),
        "CF": (880, 1600, 560),
        "AH": (110, 240, 55),
        "AF": (950, 1240, 780),
    },
    2018: {
        "CH": (130, 1000, 10),
        "FP": (140, 430, 45),
        "CF": (1000, 1900, 640),
        "AH": (120, 260, 60),
        "AF": (1101, 1432, 900),
    },
    2019: {
        "CH": (120, 620, 30),
        "FP": (120, 350, 40),
        "CF": (820, 1629, 520),
        "AH": (80, 150, 45),
        "AF": (803, 1063, 620),
    },
}
_MP_CHILD_GROUPS = ("CH", "FP", "CF")
_MP_TARGETS = {  # year: (episodes, child episodes, individuals)
    2018: (5022, 3330, 2491),
    2019: (3812, 2599, 1943),
}
#: Share of a group's people in one year who go missing again the next year.
_MP_CARRY = {"CH": 0.45, "FP": 0.45, "CF": 0.20, "AH": 0.25, "AF": 0.12}
#: Age at 1 January of the first year a person appears.
_MP_AGES = {
    "CH": {11: 1, 12: 2, 13: 4, 14: 6, 15: 7, 16: 6, 17: 4},
    "FP": {10: 2, 11: 3, 12: 4, 13: 5, 14: 6, 15: 6, 16: 5, 17: 3},
    "CF": {8: 1, 9: 1, 10: 2, 11: 3, 12: 5, 13: 8, 14: 12, 15: 15, 16: 15, 17: 10},
}
_MP_RISK = {
    "CH": {"High": 6, "Medium": 62, "Low": 28, "No apparent risk": 4},
    "FP": {"High": 5, "Medium": 55, "Low": 33, "No apparent risk": 7},
    "CF": {"High": 8, "Medium": 50, "Low": 32, "No apparent risk": 10},
    "AH": {"High": 25, "Medium": 55, "Low": 17, "No apparent risk": 3},
    "AF": {"High": 12, "Medium": 50, "Low": 28, "No apparent risk": 10},
}
#: Care homes CH-01..CH-25 and hospitals HOSP-01..HOSP-04 and the NPT each is in.
_CARE_HOMES = (
    ["Stoke-on-Trent North"] * 5
    + ["Stoke-on-Trent South"] * 4
    + ["Newcastle-under-Lyme"] * 3
    + ["Stafford"] * 3
    + ["East Staffordshire"] * 2
    + ["Cannock Chase"] * 2
    + ["Tamworth"] * 2
    + ["South Staffordshire"] * 2
    + ["Lichfield", "Staffordshire Moorlands"]
)
_HOSPITALS = ["Stoke-on-Trent South", "Stoke-on-Trent North", "Stafford", "East Staffordshire"]
_MP_NPT_WEIGHTS = [0.085, 0.10, 0.08, 0.11, 0.08, 0.11, 0.07, 0.085, 0.145, 0.135]
# fmt: off
_MP_HOUR_WEIGHTS = [
    3, 2.5, 2, 1.5, 1, 0.8, 0.8, 1, 1.5, 2, 2.5, 3,
    3.2, 3.5, 4, 4.5, 5, 5.5, 6, 6.5, 6.5, 6, 5, 4,
]
# fmt: on
#: Episodes per month: rising through 2017 to a peak in July 2018, then a steady fall.
# fmt: off
_MP_DESIGN = [
    338, 330, 348, 352, 362, 370, 378, 376, 368, 372, 380, 386,
    385, 370, 405, 420, 440, 455, 480, 450, 420, 410, 395, 392,
    362, 340, 345, 335, 330, 322, 318, 310, 300, 295, 282, 273,
]
# fmt: on
_MP_DURATION_RATIO = 0.93  # mean 2019 / mean 2018: "a 7% reduction in the average time"
_MP_OPEN = 5  # episodes reported in late December 2019 and still open


class _Person:
    __slots__ = ("group", "born", "npt", "place", "episodes")

    def __init__(self, group, born, npt, place):
        self.group = group
        self.born = born
        self.npt = npt
        self.place = place  # CH-xx / HOSP-xx or ""
        self.episodes = []


def _mp_monthly(rng) -> np.ndarray:
    """Episodes per month: yearly totals exact, July 2018 the highest month."""
    design = np.asarray(_MP_DESIGN, dtype=float)
    noisy = design * (1 + 0.012 * rng.standard_normal(36))
    totals = [sum(_MP_GROUPS[y][g][1] for g in _MP_GROUPS[y]) for y in YEARS]
    out = np.concatenate(
        [largest_remainder(noisy[i * 12 : i * 12 + 12], totals[i]) for i in range(3)]
    )
    peak = month_index(2018, 7)
    while out[peak] <= np.delete(out, peak).max():
        donor = 12 + int(np.argmax(np.where(np.arange(12) == 6, -1, out[12:24])))
        out[donor] -= 1
        out[peak] += 1
    return out


def _new_person(rng, group: str, year: int) -> _Person:
    if group in _MP_AGES:
        age = pick1(rng, _MP_AGES[group])
    elif group == "AH":
        age = int(rng.choice([rng.integers(19, 55), rng.integers(55, 92)], p=[0.55, 0.45]))
    else:
        age = int(rng.integers(18, 40) if rng.random() < 0.6 else rng.integers(40, 86))
    born = date(year, 1, 1) - timedelta(days=int(age * 365.25 + rng.integers(1, 364)))
    if group == "CH":
        home = int(rng.integers(0, len(_CARE_HOMES)))
        return _Person(group, born, _CARE_HOMES[home], f"CH-{home + 1:02d}")
    if group == "AH":
        hosp = int(rng.choice(len(_HOSPITALS), p=[0.35, 0.30, 0.2, 0.15]))
        return _Person(group, born, _HOSPITALS[hosp], f"HOSP-{hosp + 1:02d}")
    npt = NPTS[int(rng.choice(len(NPTS), p=np.array(_MP_NPT_WEIGHTS) / sum(_MP_NPT_WEIGHTS)))]
    return _Person(group, born, npt, "")


def _episode_counts(rng, people: int, episodes: int, singles: int) -> np.ndarray:
    """Episodes per person: exactly ``singles`` with one, the rest two or more, summing exactly."""
    repeaters = people - singles
    extra = episodes - singles - 2 * repeaters
    assert extra >= 0
    counts = np.ones(people, dtype=int)
    counts[singles:] = 2 + rng.multinomial(extra, _dirichlet_like(rng, repeaters))
    rng.shuffle(counts)
    return counts


def _dirichlet_like(rng, k: int) -> np.ndarray:
    w = rng.gamma(0.8, 1.0, k)
    return w / w.sum()


def build_missing_episodes(rng) -> list[list[str]]:
    """Rows of ``missing_episodes.csv`` (without the header), ordered by ``reported_at``."""
    monthly = _mp_monthly(rng)

    # 1. People per year, with carry-over of the same person from one year to the next.
    people: list[_Person] = []
    active: dict[int, dict[str, list[_Person]]] = {}
    for yi, year in enumerate(YEARS):
        active[year] = {}
        for group, (n_people, _, _) in _MP_GROUPS[year].items():
            chosen: list[_Person] = []
            if yi > 0:
                before = active[YEARS[yi - 1]][group]
                eligible = [
                    p
                    for p in before
                    if group not in _MP_CHILD_GROUPS or age_on(p.born, date(year, 1, 1)) <= 17
                ]
                k = min(len(eligible), round(_MP_CARRY[group] * len(before)), n_people)
                chosen = [eligible[i] for i in sorted(rng.choice(len(eligible), k, replace=False))]
            while len(chosen) < n_people:
                person = _new_person(rng, group, year)
                people.append(person)
                chosen.append(person)
            active[year][group] = chosen

    # 2. Episodes: per person and year, months from the year's monthly totals, distinct days.
    episodes = []  # dicts
    for yi, year in enumerate(YEARS):
        year_eps: list[_Person] = []
        for group, (n_people, n_eps, singles) in _MP_GROUPS[year].items():
            counts = _episode_counts(rng, n_people, n_eps, singles)
            for person, c in zip(active[year][group], counts, strict=True):
                year_eps.extend([person] * int(c))
        months = np.repeat(np.arange(12), monthly[yi * 12 : yi * 12 + 12])
        rng.shuffle(months)
        by_person_month: dict[tuple[int, int], list[int]] = {}
        for person, m in zip(year_eps, months, strict=True):
            ep = {"person": person, "year": year, "month": int(m) + 1}
            episodes.append(ep)
            person.episodes.append(ep)
            by_person_month.setdefault((id(person), int(m)), []).append(len(episodes) - 1)
        for (_, m), idx in by_person_month.items():
            days = rng.choice(calendar.monthrange(year, m + 1)[1], size=len(idx), replace=False)
            for e, d in zip(idx, days, strict=True):
                episodes[e]["day"] = int(d) + 1
    hours = rng.choice(24, size=len(episodes), p=np.array(_MP_HOUR_WEIGHTS) / sum(_MP_HOUR_WEIGHTS))
    minutes = rng.integers(0, 60, len(episodes))
    for ep, h, mi in zip(episodes, hours, minutes, strict=True):
        ep["reported"] = datetime(ep["year"], ep["month"], ep["day"], int(h), int(mi))

    # A few people seen only once report late on New Year's Eve (found in the new year, step 5).
    spanning = []
    for year in (2017, 2018):
        candidates = [
            ep
            for ep in episodes
            if ep["year"] == year
            and ep["month"] == 12
            and ep["day"] >= 24
            and len(ep["person"].episodes) == 1
        ]
        for i in sorted(rng.choice(len(candidates), size=3, replace=False)):
            ep = candidates[i]
            ep["day"] = 31
            ep["reported"] = datetime(year, 12, 31, 20 + i % 4, int(rng.integers(0, 60)))
            spanning.append(ep)

    # 3. Child episodes exact: children turning 18 make adult episodes, so turn the missing
    # number of adults seen only once into children (and the reverse if ever needed).
    for year in YEARS:
        design_child = sum(_MP_GROUPS[year][g][1] for g in _MP_CHILD_GROUPS)
        actual = sum(
            1
            for ep in episodes
            if ep["year"] == year and age_on(ep["person"].born, ep["reported"].date()) < 18
        )
        gap = design_child - actual
        source = "AF" if gap > 0 else "CF"
        candidates = [
            p
            for p in active[year][source]
            if len(p.episodes) == 1 and p.episodes[0]["year"] == year
        ]
        for i in sorted(rng.choice(len(candidates), size=abs(gap), replace=False)):
            person = candidates[i]
            on = person.episodes[0]["reported"].date()
            age = int(rng.integers(13, 18)) if gap > 0 else int(rng.integers(18, 40))
            person.born = on - timedelta(days=int(age * 365.25 + rng.integers(20, 340)))
            person.group = "CF" if gap > 0 else "AF"
    for ep in episodes:
        ep["age"] = age_on(ep["person"].born, ep["reported"].date())

    # 4. Where from, risk, looked-after flag.
    for ep, draw, risk_draw in zip(
        episodes, rng.random(len(episodes)), rng.random(len(episodes)), strict=True
    ):
        person = ep["person"]
        group = person.group
        child = ep["age"] < 18
        place, loc, npt, lac = "", "Family home", person.npt, "N"
        if group in ("CH", "FP") and child:
            lac = "Y"
            if group == "CH":
                loc, place = ("Care home", person.place) if draw < 0.9 else ("Other", "")
            else:
                loc = "Foster placement" if draw < 0.92 else "Other"
        elif group in ("CH", "FP"):
            loc = "Supported accommodation"
        elif group == "AH":
            loc, place = ("Hospital", person.place) if draw < 0.85 else ("Family home", "")
        elif group == "CF":
            loc = "Family home" if draw < 0.82 else "Other"
            if draw >= 0.92 and ep["age"] >= 16:
                loc = "Supported accommodation"
        else:
            loc = (
                "Family home"
                if draw < 0.72
                else "Other"
                if draw < 0.90
                else "Supported accommodation"
            )
        ep.update(
            location=loc, place=place, npt=npt, lac=lac, risk=pick_u(_MP_RISK[group], risk_draw)
        )

    # 5. Durations (minutes, wall clock): heavy-tailed, shorter from care homes and hospitals.
    medians = {"CH": 240, "FP": 300, "CF": 420, "AH": 200, "AF": 480}
    raw = rng.lognormal(0.0, 1.45, len(episodes))
    for ep, r in zip(episodes, raw, strict=True):
        ep["minutes"] = int(min(45 * 1440, max(10, round(medians[ep["person"].group] * r))))
        ep["open"] = False
    # New Year's Eve reports (step 2) found in the new year.
    for ep in spanning:
        ep["minutes"] = int(rng.integers(5 * 60, 14 * 60))
    # A handful reported in late December 2019 still open.
    last_eps = [
        ep
        for ep in episodes
        if ep["year"] == 2019
        and ep["month"] == 12
        and ep["day"] >= 20
        and ep is max(ep["person"].episodes, key=lambda e: e["reported"])
    ]
    for i in sorted(rng.choice(len(last_eps), size=_MP_OPEN, replace=False)):
        last_eps[i]["open"] = True
    _no_overlaps(people)
    # Calibrate 2019's durations: mean 2019 = 0.93 x mean 2018.
    mean = {
        y: np.mean([ep["minutes"] for ep in episodes if ep["year"] == y and not ep["open"]])
        for y in YEARS
    }
    factor = _MP_DURATION_RATIO * mean[2018] / mean[2019]
    for ep in episodes:
        if ep["year"] == 2019:
            ep["minutes"] = max(5, int(round(ep["minutes"] * factor)))
    _no_overlaps(people)
    mean = {
        y: np.mean([ep["minutes"] for ep in episodes if ep["year"] == y and not ep["open"]])
        for y in YEARS
    }
    assert 0.925 <= mean[2019] / mean[2018] < 0.935 and mean[2019] < 22 * 60

    # 6. Return-home interviews for returned children: 80% within 72 hours, 10% later, 10% none.
    kids = [ep for ep in episodes if ep["age"] < 18 and not ep["open"]]
    kind = np.array(["soon"] * len(kids), dtype=object)
    order = rng.permutation(len(kids))
    n_late = round(0.10 * len(kids))
    n_none = round(0.10 * len(kids))
    kind[order[:n_late]] = "late"
    kind[order[n_late : n_late + n_none]] = "none"
    soon_days = rng.choice(3, size=len(kids), p=[0.3, 0.45, 0.25])
    late_days = rng.integers(5, 22, len(kids))
    for ep in episodes:
        ep["rhi"] = ""
    for ep, k, sd, ld in zip(kids, kind, soon_days, late_days, strict=True):
        found = (ep["reported"] + timedelta(minutes=ep["minutes"])).date()
        if k == "soon":
            ep["rhi"] = (found + timedelta(days=int(sd))).isoformat()
        elif k == "late":
            ep["rhi"] = (found + timedelta(days=int(ld))).isoformat()

    # 7. Ids in date order, rows.
    order = sorted(range(len(episodes)), key=lambda i: episodes[i]["reported"])
    person_ids: dict[int, str] = {}
    rows = []
    for k, i in enumerate(order, start=1):
        ep = episodes[i]
        person = ep["person"]
        pid = person_ids.setdefault(id(person), f"DEMO-P-{len(person_ids) + 1:06d}")
        found = (
            ""
            if ep["open"]
            else (ep["reported"] + timedelta(minutes=ep["minutes"])).strftime("%Y-%m-%d %H:%M")
        )
        rows.append(
            [
                f"DEMO-MP-{k:06d}",
                pid,
                ep["reported"].strftime("%Y-%m-%d %H:%M"),
                found,
                str(ep["age"]),
                ep["risk"],
                ep["lac"],
                ep["location"],
                ep["place"],
                ep["npt"],
                ep["rhi"],
            ]
        )

    # Cheap checks of the published figures.
    assert all(ep["age"] == age_on(ep["person"].born, ep["reported"].date()) for ep in episodes)
    for year, (n_eps, n_child, n_people) in _MP_TARGETS.items():
        year_eps = [ep for ep in episodes if ep["year"] == year]
        assert len(year_eps) == n_eps
        assert sum(ep["age"] < 18 for ep in year_eps) == n_child
        assert len({id(ep["person"]) for ep in year_eps}) == n_people
    return rows


def _no_overlaps(people: list[_Person]) -> None:
    """Make each person's episodes follow one another: found at least 10 minutes before the
    next report (the earlier episode is cut short; a report within 15 minutes of the previous
    one is moved 3 hours later, which keeps it on the same day)."""
    for person in people:
        eps = sorted(person.episodes, key=lambda e: e["reported"])
        for a, b in zip(eps, eps[1:], strict=False):
            gap = (b["reported"] - a["reported"]).total_seconds() / 60
            if gap < 15:
                b["reported"] += timedelta(hours=3)
                gap += 180
            if a["minutes"] > gap - 10:
                a["minutes"] = int(max(5, gap - 10))
