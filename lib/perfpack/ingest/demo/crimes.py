"""The demo force's ``crimes.csv``: monthly series calibrated to the report's projections.

Monthly crime series are shaped by a small deterministic adjuster (:func:`_calibrate_series`)
so that the report's projections (an OLS line through the last 3/6/12 months of 2019, carried
12 months forward) and rates per 1,000 residents come out as published; NPT totals, knife flags
and offences outside the themes are then allocated to them exactly.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from perfpack.ingest.demo.exact import (
    exact_labels,
    largest_remainder,
    pick,
    projection_pct,
    random_day,
)
from perfpack.ingest.demo.force import LSOA_FIRST, NPTS, YEARS

# --------------------------------------------------------------------------------------------
# Monthly series calibration (crimes)
# --------------------------------------------------------------------------------------------


def _calibrate_series(
    rng,
    design,
    year_totals: tuple[int, int, int],
    pct12: float,
    pct3_range: tuple[float, float],
    rate_window_range: tuple[int, int],
    pct6_above_pct12: float | None = None,
    noise: float = 0.5,
) -> np.ndarray:
    """36 monthly counts close to ``design`` that meet the theme's published figures exactly.

    Steps, each leaving the earlier ones intact: (1) noisy design rounded to the exact yearly
    totals, Oct-Dec 2019 shaped as designed (their slope drives the 3-month projection);
    (2) the 3-month projection brought into ``pct3_range`` by moving units between Oct-Dec 2019
    (in turn, so their slope stays put) and Jan-Sep 2019; (3) if ``pct6_above_pct12`` is set,
    a rise from the summer: units move from Jun-Aug 2019 to Jan-May until the 6-month projection
    is that many points above ``pct12`` and Oct-Dec average at least 2 a month more than
    Jun-Aug; (4) the 12-month projection brought to within 0.2 points of ``pct12`` by tilting
    the months before that (Jan-Sep, or Jan-May when step 3 applies: a linear tilt, then
    single-unit moves); (5) the national rate window (Oct 2018 - Sep 2019) brought into
    ``rate_window_range`` by moving units between Oct-Dec 2018 and Jan-Sep 2018.
    """
    design = np.asarray(design, dtype=float)
    noisy = design + noise * np.sqrt(design) * rng.standard_normal(36)
    series = np.concatenate(
        [
            largest_remainder(np.clip(noisy[i * 12 : i * 12 + 12], 1, None), year_totals[i])
            for i in range(3)
        ]
    )
    y18 = series[12:24]
    y19 = series[24:36]
    q4 = largest_remainder(design[33:], int(y19[9:].sum()))
    jitter = int(rng.integers(-1, 2))
    y19[9:] = q4 + np.array([jitter, -2 * jitter, jitter]) * (q4.min() > 2)

    # (2) 3-month projection.
    lo3, hi3 = pct3_range
    q4_turn = (10, 9, 11)
    for step in range(3000):
        p3 = projection_pct(y19, 3)
        if lo3 <= p3 <= hi3:
            break
        q = q4_turn[step % 3]
        if p3 < lo3:
            donor = int(np.argmax(y19[:9]))
            y19[donor] -= 1
            y19[q] += 1
        else:
            taker = int(np.argmin(y19[:9]))
            y19[taker] += 1
            y19[q] -= 1
    # (3) a rise from the summer into the last quarter (shorter projections above the longer).
    free = 9
    if pct6_above_pct12 is not None:
        free = 5
        for _ in range(3000):
            rising = y19[9:].mean() >= y19[5:8].mean() + 2
            if rising and projection_pct(y19, 6) >= pct12 + pct6_above_pct12:
                break
            donor = 5 + int(np.argmax(y19[5:8]))
            y19[donor] -= 1
            y19[int(np.argmin(y19[:5]))] += 1
    # (4) 12-month projection: a linear tilt of the free months (sum unchanged), then fine moves.
    total19 = int(y19.sum())
    b_target = pct12 / 100.0 * total19 / 144.0
    t = np.arange(1, 13, dtype=float)
    b_now = ((t - 6.5) * y19).sum() / 143.0
    t_free = np.arange(1, free + 1, dtype=float)
    delta = (b_target - b_now) * 143.0 / (free * (free * free - 1) / 12.0)
    tilted = y19[:free] + delta * (t_free - t_free.mean())
    y19[:free] = largest_remainder(np.clip(tilted, 1, None), int(y19[:free].sum()))
    step = 0
    for _ in range(5000):
        p12 = projection_pct(y19, 12)
        if abs(p12 - pct12) <= 0.2:
            break
        j = free - 1 - step % (free - 1)  # the free months, last to second, in turn
        step += 1
        if p12 > pct12 and y19[j] > 1:  # steeper fall: move a unit one month earlier
            y19[j] -= 1
            y19[j - 1] += 1
        elif p12 < pct12 and y19[j - 1] > 1:
            y19[j - 1] -= 1
            y19[j] += 1
    # (5) rate window: Oct-Dec 2018 + Jan-Sep 2019.
    lo, hi = rate_window_range
    margin = max(1, (hi - lo) // 6)
    window = int(y18[9:].sum() + y19[:9].sum())
    if not (lo + margin <= window <= hi - margin):
        q4 = int(y18[9:].sum()) + (lo + hi) // 2 - window
        total18 = int(y18.sum())
        y18[9:] = largest_remainder(y18[9:], q4)
        y18[:9] = largest_remainder(y18[:9], total18 - q4)
    series[12:24] = y18
    series[24:36] = y19

    # The figures this series must reproduce.
    for i, total in enumerate(year_totals):
        assert series[i * 12 : i * 12 + 12].sum() == total
    assert abs(projection_pct(y19, 12) - pct12) <= 0.2, projection_pct(y19, 12)
    assert lo3 <= projection_pct(y19, 3) <= hi3
    if pct6_above_pct12 is not None:
        assert projection_pct(y19, 6) >= pct12 + pct6_above_pct12
        assert y19[9:].mean() >= y19[5:8].mean() + 2
    assert lo <= int(y18[9:].sum() + y19[:9].sum()) <= hi
    assert (series > 0).all()
    return series


# --------------------------------------------------------------------------------------------
# Crimes
# --------------------------------------------------------------------------------------------

#: Personal robbery by NPT, (2018, 2019): down in 9 of 10 NPTs, Newcastle 73 -> 92 (+19, +26%),
#: Stoke North + South + Newcastle 466 of 764 (61%).
_ROBBERY_NPT = {
    "Cannock Chase": (58, 47),
    "East Staffordshire": (72, 57),
    "Lichfield": (38, 30),
    "Newcastle-under-Lyme": (73, 92),
    "South Staffordshire": (40, 33),
    "Stafford": (62, 50),
    "Staffordshire Moorlands": (22, 17),
    "Tamworth": (80, 64),
    "Stoke-on-Trent North": (218, 195),
    "Stoke-on-Trent South": (192, 179),
}
_ROBBERY_KNIFE = (150, 200, 180)  # 2017, 2018, 2019: knife-related robberies down 10%

# Monthly design (Jan 2017 - Dec 2019, a row a year): the shape each series is built around.
# fmt: off
_ROBBERY_DESIGN = [
    46, 45, 48, 50, 52, 54, 55, 57, 56, 59, 61, 62,
    64, 62, 68, 70, 74, 76, 80, 79, 76, 72, 69, 65,
    68, 60, 64, 63, 66, 66, 68, 68, 66, 59, 58, 57,
]
_FROM_VEHICLE_DESIGN = [
    262, 250, 245, 240, 238, 242, 248, 250, 252, 262, 270, 275,
    262, 258, 268, 280, 292, 300, 305, 296, 262, 215, 200, 185,
    240, 262, 275, 268, 258, 248, 238, 230, 226, 258, 262, 266,
]
_OF_VEHICLE_DESIGN = [
    140, 138, 142, 145, 148, 150, 152, 150, 148, 148, 150, 149,
    150, 148, 155, 160, 165, 172, 178, 172, 161, 152, 146, 132,
    157, 152, 148, 144, 140, 136, 133, 138, 143, 145, 145, 145,
]
# fmt: on

_THEMES = {
    "personal_robbery": {
        "codes": {"34B": 1.0},
        "totals": (650, 855, 764),
        # 2017 rising; 2018 peaking in summer; 2019 flat to September, then the operation's fall.
        "design": _ROBBERY_DESIGN,
        "pct12": -10.0,
        "pct3": (-20.0, -12.0),
        "rate_window": (739, 851),  # rounds to 0.7 per 1,000 (1,135,935 residents)
    },
    "theft_from_vehicle": {
        "codes": {"45": 1.0},
        "totals": (2950, 3123, 3031),
        # 2018 high to the summer, a dip late 2018; 2019 a spring high, falling to September,
        # then rising (vans targeted for tools, catalytic converters).
        "design": _FROM_VEHICLE_DESIGN,
        "pct12": -6.0,
        "pct3": (5.0, 25.0),
        "rate_window": (2783, 2896),  # rounds to 2.5
    },
    "theft_of_vehicle": {
        "codes": {"48": 0.91, "37.2": 0.09},
        "totals": (1760, 1891, 1741),
        # rising to summer 2018, falling since; a small rise late 2019, then stable.
        "design": _OF_VEHICLE_DESIGN,
        "pct12": -10.0,
        "pct3": (-3.0, 4.0),
        "pct6_above_pct12": 5.0,
        "rate_window": (1647, 1760),  # rounds to 1.5
    },
}

#: Share of each theme's crimes by NPT (2018), and the NPTs where 2019 is lower than 2018.
_VEHICLE_NPT = {
    "theft_from_vehicle": {
        "weights": [0.10, 0.11, 0.09, 0.11, 0.10, 0.10, 0.05, 0.09, 0.13, 0.12],
        "down": ("Cannock Chase", "Stafford", "Tamworth", "Stoke-on-Trent South"),
    },
    "theft_of_vehicle": {
        "weights": [0.11, 0.10, 0.10, 0.09, 0.13, 0.09, 0.05, 0.09, 0.12, 0.12],
        "down": (
            "South Staffordshire",
            "Lichfield",
            "Cannock Chase",
            "Tamworth",
            "East Staffordshire",
        ),
    },
}

#: Offences outside the themes (crimes a year, 2017-2019), so classification is exercised.
_OTHER_OFFENCES = {
    "34A": (60, 66, 64),
    "126": (200, 214, 205),
    "28E": (70, 66, 64),
    "30C": (36, 34, 35),
    "49": (70, 74, 72),
    "46": (70, 76, 78),
    "58A": (36, 34, 35),
    "8N": (52, 56, 58),
    "105A": (62, 66, 70),
    "92A": (22, 26, 30),
}

_NPT_POPULATION_WEIGHTS = [0.089, 0.105, 0.092, 0.114, 0.099, 0.121, 0.087, 0.068, 0.113, 0.112]


def _npt_counts_2019(rng, c18: np.ndarray, total19: int, down: tuple[str, ...]) -> np.ndarray:
    """2019 counts by NPT from 2018's: exactly the NPTs in ``down`` lower, every other higher."""
    is_down = np.array([n in down for n in NPTS])
    ups = np.maximum(1, np.round(c18 * rng.uniform(0.01, 0.07, len(NPTS)))).astype(int)
    ups[is_down] = 0
    fall = int(ups.sum()) - (total19 - int(c18.sum()))
    downs = np.zeros(len(NPTS), dtype=int)
    downs[is_down] = largest_remainder(c18[is_down], fall)
    c19 = c18 + ups - downs
    assert c19.sum() == total19
    assert ((c19 < c18) == is_down).all() and (c19 != c18).all() and (c19 > 0).all()
    return c19


def _pair_months_and_npts(rng, monthly: np.ndarray, by_npt: np.ndarray) -> list[tuple[int, str]]:
    """One (month index within the year, NPT) per crime: both margins exactly as given."""
    months = np.repeat(np.arange(12), monthly)
    npts = np.repeat(np.arange(len(NPTS)), by_npt)
    rng.shuffle(npts)
    return [(int(m), NPTS[int(n)]) for m, n in zip(months, npts, strict=True)]


def _robbery_people(rng, n: int):
    """Victim and suspect age and sex for personal robberies: young males dominate."""

    def ages(bands, size):
        out = []
        for lo, hi in pick(rng, bands, size):
            out.append(int(rng.integers(lo, hi + 1)))
        return out

    victim_age = ages({(10, 17): 35, (18, 24): 28, (25, 39): 20, (40, 59): 12, (60, 89): 5}, n)
    suspect_age = ages({(12, 17): 45, (18, 24): 38, (25, 39): 14, (40, 55): 3}, n)
    victim_sex = pick(rng, {"Male": 78, "Female": 21.5, "Other": 0.5}, n)
    suspect_sex = pick(rng, {"Male": 92, "Female": 8}, n)
    fill_va = rng.random(n) < 0.93
    fill_vs = rng.random(n) < 0.96
    fill_sa = rng.random(n) < 0.72
    fill_ss = rng.random(n) < 0.85
    return [
        (
            str(victim_age[i]) if fill_va[i] else "",
            victim_sex[i] if fill_vs[i] else "",
            str(suspect_age[i]) if fill_sa[i] else "",
            suspect_sex[i] if fill_ss[i] else "",
        )
        for i in range(n)
    ]


def _other_people(rng, n: int, victim_share: float, suspect_share: float):
    """Victim and suspect details for offences other than personal robbery (often blank)."""
    victim_age = rng.integers(17, 86, n)
    suspect_age = rng.integers(14, 60, n)
    victim_sex = pick(rng, {"Male": 55, "Female": 45}, n)
    suspect_sex = pick(rng, {"Male": 85, "Female": 15}, n)
    fill_v = rng.random(n) < victim_share
    fill_s = rng.random(n) < suspect_share
    return [
        (
            str(victim_age[i]) if fill_v[i] else "",
            victim_sex[i] if fill_v[i] else "",
            str(suspect_age[i]) if fill_s[i] else "",
            suspect_sex[i] if fill_s[i] else "",
        )
        for i in range(n)
    ]


def build_crimes(rng) -> list[list[str]]:
    """Rows of ``crimes.csv`` (without the header), ordered by recorded date."""
    records = []  # (date, code, npt, knife, victim_age, victim_sex, suspect_age, suspect_sex)
    for slug, spec in _THEMES.items():
        series = _calibrate_series(
            rng,
            spec["design"],
            spec["totals"],
            spec["pct12"],
            spec["pct3"],
            spec["rate_window"],
            spec.get("pct6_above_pct12"),
        )
        if slug == "personal_robbery":
            c18 = np.array([_ROBBERY_NPT[n][0] for n in NPTS])
            c19 = np.array([_ROBBERY_NPT[n][1] for n in NPTS])
        else:
            c18 = largest_remainder(_VEHICLE_NPT[slug]["weights"], spec["totals"][1])
            c19 = _npt_counts_2019(rng, c18, spec["totals"][2], _VEHICLE_NPT[slug]["down"])
        noisy17 = c18 * (1 + 0.08 * rng.standard_normal(len(NPTS)))
        c17 = largest_remainder(np.clip(noisy17, 1, None), spec["totals"][0])
        for yi, (year, by_npt) in enumerate(zip(YEARS, (c17, c18, c19), strict=True)):
            pairs = _pair_months_and_npts(rng, series[yi * 12 : yi * 12 + 12], by_npt)
            n = len(pairs)
            codes = exact_labels(
                rng,
                n,
                dict(
                    zip(
                        spec["codes"],
                        largest_remainder(list(spec["codes"].values()), n),
                        strict=True,
                    )
                ),
                {},
            )
            if slug == "personal_robbery":
                knife = np.zeros(n, dtype=bool)
                knife[rng.choice(n, size=_ROBBERY_KNIFE[yi], replace=False)] = True
                people = _robbery_people(rng, n)
            else:
                knife = np.zeros(n, dtype=bool)
                people = _other_people(rng, n, 0.7, 0.06)
            for i, (m, npt) in enumerate(pairs):
                day = date(year, m + 1, random_day(rng, year, m + 1))
                records.append((day, codes[i], npt, "Y" if knife[i] else "N", *people[i]))
    for code, totals in _OTHER_OFFENCES.items():
        for year, total in zip(YEARS, totals, strict=True):
            monthly = largest_remainder(1 + 0.1 * rng.random(12), total)
            by_npt = largest_remainder(_NPT_POPULATION_WEIGHTS, total)
            pairs = _pair_months_and_npts(rng, monthly, by_npt)
            knife_share = {"34A": 0.12, "8N": 0.06}.get(code, 0.0)
            knife = rng.random(len(pairs)) < knife_share
            people = _other_people(rng, len(pairs), 0.6, 0.2)
            for i, (m, npt) in enumerate(pairs):
                day = date(year, m + 1, random_day(rng, year, m + 1))
                records.append((day, code, npt, "Y" if knife[i] else "N", *people[i]))

    lsoa_pick = rng.integers(0, 8, len(records))
    lsoa_blank = rng.random(len(records)) < 0.02
    order = sorted(range(len(records)), key=lambda i: records[i][0])
    rows = []
    for k, i in enumerate(order, start=1):
        day, code, npt, knife, va, vs, sa, ss = records[i]
        lsoa = "" if lsoa_blank[i] else f"E0{LSOA_FIRST[npt] + int(lsoa_pick[i])}"
        rows.append([f"DEMO-CR-{k:06d}", day.isoformat(), code, npt, lsoa, knife, va, vs, sa, ss])
    return rows
