"""The demo force's ``stop_searches.csv``: window totals, outcomes and the team x ethnicity table.

The previous (Dec 2017 - Nov 2018) and current (Dec 2018 - Nov 2019) windows' totals, positive
outcomes, arrests, community resolutions and objects of search are fixed first, and the
Sep - Nov 2019 block is built cell by cell from the published team x ethnicity table.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np

from perfpack.data import reference
from perfpack.ingest.demo.exact import (
    exact_labels,
    largest_remainder,
    pick,
    pick1,
    police_uk_datetime,
    random_day,
)
from perfpack.ingest.demo.force import MONTHS, NPT_CENTRE, NPTS

# --------------------------------------------------------------------------------------------
# Stop searches
# --------------------------------------------------------------------------------------------

_SS_PREVIOUS_TOTAL = 3797  # Dec 2017 - Nov 2018
_SS_CURRENT_TOTAL = 6031  # Dec 2018 - Nov 2019
_SS_BLOCK_TOTAL = 1178  # Sep - Nov 2019 (the team x ethnicity table)
_SS_PREVIOUS_POSITIVE = 1188  # 31.29% -> 31.3%
_SS_CURRENT_POSITIVE = 1755  # 29.10% -> 29.1%
_SS_CURRENT_ARREST = 868  # 14.39% -> 14.4%
_SS_CURRENT_COMMUNITY = 838  # 13.89% -> 13.9%
_SS_BLOCK_ARREST = 180
_SS_BLOCK_COMMUNITY = 178
#: Object of search in the current window: drugs 61.0%, weapons 15.0%, stolen goods 14.0%.
_SS_CURRENT_OBJECTS = {"Offensive weapons": 905, "Stolen goods": 844}
_SS_CURRENT_DRUGS = 3680
_SS_OTHER_OBJECTS = {
    "Article for use in theft": 0.33,
    "Evidence of offences under the Act": 0.15,
    "Anything to threaten or harm anyone": 0.12,
    "Articles for use in criminal damage": 0.12,
    "Firearms": 0.10,
    "Psychoactive substances": 0.08,
    "Fireworks": 0.06,
    "Goods on which duty has not been paid etc.": 0.04,
}

#: Monthly searches. Jan-Nov 2017 and Dec 2019 are free; the windows are fixed totals.
# fmt: off
_SS_DESIGN = [
    232, 228, 238, 240, 244, 248, 252, 250, 246, 250, 252,            # Jan-Nov 2017
    245, 259, 272, 286, 300, 313, 327, 340, 354, 368, 381, 395,       # Dec 2017 - Nov 2018
    430, 470, 500, 530, 555, 575, 600, 610, 583,                      # Dec 2018 - Aug 2019
    420, 395, 363,                                                    # Sep - Nov 2019
    345,                                                              # Dec 2019
]
# fmt: on

#: Sep-Nov 2019 by team and ethnicity: (team, group, searches, positive outcomes). Response,
#: Neighbourhood and Tactical are the published rows; the other teams together are what the
#: force total leaves (182 searches; BAME 37; White 114; not known 31; 73 positive).
_SS_BLOCK_CELLS = (
    ("Response", "BAME", 37, 14),
    ("Response", "White", 166, 47),
    ("Response", "blank", 20, 4),
    ("Response", "Not stated", 14, 2),
    ("Neighbourhood", "BAME", 85, 32),
    ("Neighbourhood", "White", 360, 106),
    ("Neighbourhood", "blank", 49, 6),
    ("Neighbourhood", "Not stated", 13, 2),
    ("Tactical", "BAME", 45, 15),
    ("Tactical", "White", 141, 60),
    ("Tactical", "blank", 34, 7),
    ("Tactical", "Not stated", 32, 4),
    ("Roads Policing", "BAME", 14, 6),
    ("Roads Policing", "White", 45, 20),
    ("Roads Policing", "blank", 6, 2),
    ("Roads Policing", "Not stated", 5, 1),
    ("Disruption", "BAME", 17, 8),
    ("Disruption", "White", 47, 22),
    ("Disruption", "blank", 8, 3),
    ("Disruption", "Not stated", 6, 1),
    ("CID", "BAME", 6, 2),
    ("CID", "White", 22, 7),
    ("CID", "blank", 3, 1),
    ("CID", "Not stated", 3, 0),
)

_SS_GROUP_SHARES = {"White": 0.665, "BAME": 0.17, "blank": 0.10, "Not stated": 0.065}
_SS_WHITE_VALUES = {
    "White - English/Welsh/Scottish/Northern Irish/British": 88,
    "White - Irish": 2,
    "White - Gypsy or Irish Traveller": 1,
    "White - Any other White background": 9,
}
#: BAME self-defined values: Black about a sixth of BAME searches (a few times the White rate
#: per 1,000 residents), Asian about half.
_SS_BAME_VALUES = {
    "Asian/Asian British - Pakistani": 24,
    "Asian/Asian British - Indian": 9,
    "Asian/Asian British - Bangladeshi": 4,
    "Asian/Asian British - Chinese": 2,
    "Asian/Asian British - Any other Asian background": 11,
    "Black/African/Caribbean/Black British - African": 6,
    "Black/African/Caribbean/Black British - Caribbean": 8,
    "Black/African/Caribbean/Black British - Any other Black/African/Caribbean background": 3,
    "Mixed/Multiple ethnic groups - White and Black Caribbean": 13,
    "Mixed/Multiple ethnic groups - White and Black African": 2,
    "Mixed/Multiple ethnic groups - White and Asian": 4,
    "Mixed/Multiple ethnic groups - Any other Mixed/Multiple ethnic background": 4,
    "Other ethnic group - Arab": 3,
    "Other ethnic group - Any other ethnic group": 7,
}
#: Officer-defined ethnicity given the self-defined five-group ("" = not recorded).
_SS_OFFICER = {
    "White": {"White": 96, "Other": 2, "Mixed": 1, "": 1},
    "Asian": {"Asian": 88, "Other": 7, "White": 3, "": 2},
    "Black": {"Black": 90, "Mixed": 5, "Other": 3, "": 2},
    "Mixed": {"Black": 40, "White": 28, "Mixed": 25, "Asian": 5, "": 2},
    "Other": {"Other": 45, "Asian": 35, "White": 15, "": 5},
    "none": {"White": 72, "Asian": 10, "Black": 7, "Other": 4, "Mixed": 2, "": 5},
}
_SS_NPT_WEIGHTS = [0.09, 0.11, 0.07, 0.11, 0.07, 0.09, 0.05, 0.09, 0.17, 0.15]
#: Searches by hour of day: most 15:00-21:00, high late evening and after midnight.
# fmt: off
_SS_HOUR_WEIGHTS = [
    5.0, 4.2, 3.4, 2.4, 1.4, 0.8, 0.6, 0.8, 1.4, 2.2, 3.0, 3.6,
    4.0, 4.4, 5.0, 7.0, 7.2, 7.6, 7.8, 7.6, 7.0, 5.6, 6.0, 5.6,
]
# fmt: on
_SS_DATE_ONLY_SHARE = 0.03
_LEGISLATION = {
    "Controlled drugs": "Misuse of Drugs Act 1971 (section 23)",
    "Firearms": "Firearms Act 1968 (section 47)",
    "Psychoactive substances": "Psychoactive Substances Act 2016 (s36(2))",
}
_PACE = "Police and Criminal Evidence Act 1984 (section 1)"
_SECTION_60 = "Criminal Justice and Public Order Act 1994 (section 60)"
_OTHER_POSITIVE_DRUGS = {
    "Khat or Cannabis warning": 40,
    "Summons / charged by post": 25,
    "Caution (simple or conditional)": 15,
    "Penalty Notice for Disorder": 10,
    "Article found - Detailed outcome unavailable": 10,
}
_OTHER_POSITIVE = {
    "Summons / charged by post": 35,
    "Caution (simple or conditional)": 20,
    "Penalty Notice for Disorder": 25,
    "Article found - Detailed outcome unavailable": 20,
}
_NFA = "A no further action disposal"


def _ow_share(k: int) -> float:
    """Share of a month's searches that are for offensive weapons: rising, peaking in summer."""
    month = k % 12 + 1
    trend = 0.07 + 0.0036 * k + 0.012 * max(0, k - 29)  # a force priority from mid-2019
    return trend * (1 + 0.22 * np.cos(2 * np.pi * (month - 7) / 12))


def _ss_monthly(rng) -> np.ndarray:
    """Searches per month with the windows' totals exact."""
    design = np.asarray(_SS_DESIGN, dtype=float)
    noisy = np.clip(design + 0.6 * np.sqrt(design) * rng.standard_normal(36), 50, None)
    out = np.zeros(36, dtype=int)
    out[:11] = np.round(noisy[:11]).astype(int)
    out[11:23] = largest_remainder(noisy[11:23], _SS_PREVIOUS_TOTAL)
    out[23:32] = largest_remainder(noisy[23:32], _SS_CURRENT_TOTAL - _SS_BLOCK_TOTAL)
    out[32:35] = largest_remainder(noisy[32:35], _SS_BLOCK_TOTAL)
    out[35] = int(round(noisy[35]))
    return out


def build_stop_searches(rng) -> list[list[str]]:
    """Rows of ``stop_searches.csv`` (without the header), ordered by date and time."""
    monthly = _ss_monthly(rng)
    n = int(monthly.sum())
    month_of = np.repeat(np.arange(36), monthly)  # month index of each record
    prev = (month_of >= 11) & (month_of <= 22)
    current = (month_of >= 23) & (month_of <= 34)
    block = (month_of >= 32) & (month_of <= 34)
    early_current = current & ~block

    # Team, ethnicity group and (in the Sep-Nov 2019 block) positive outcome.
    team = np.empty(n, dtype=object)
    group = np.empty(n, dtype=object)
    positive = np.zeros(n, dtype=bool)
    block_idx = np.flatnonzero(block)
    rng.shuffle(block_idx)
    start = 0
    for cell_team, cell_group, size, n_pos in _SS_BLOCK_CELLS:
        idx = block_idx[start : start + size]
        team[idx] = cell_team
        group[idx] = cell_group
        positive[idx[rng.choice(size, size=n_pos, replace=False)]] = True
        start += size
    assert start == _SS_BLOCK_TOTAL == len(block_idx)
    rest = np.flatnonzero(~block)
    group[rest] = pick(rng, _SS_GROUP_SHARES, len(rest))
    for i in rest:
        y, m = MONTHS[month_of[i]]
        new_teams = (y, m) >= (2019, 4)  # Roads Policing and Disruption funded from April 2019
        weights = {
            "Response": 21,
            "Neighbourhood": 42,
            "Tactical": 21,
            "CID": 3,
            "Roads Policing": 6 if new_teams else 0,
            "Disruption": 7 if new_teams else 0,
        }
        team[i] = pick1(rng, weights)

    # Object of search. Offensive weapons: a set number each month (rising, peaking in summer;
    # in the current window the months share the exact total). The other objects: exact totals
    # in the current window, drawn elsewhere.
    obj = np.empty(n, dtype=object)
    window_months = range(23, 35)
    ow_by_month = largest_remainder(
        [_ow_share(k) * monthly[k] for k in window_months], _SS_CURRENT_OBJECTS["Offensive weapons"]
    )
    for k, n_ow in zip(window_months, ow_by_month, strict=True):
        in_month = np.flatnonzero(month_of == k)
        obj[in_month[rng.choice(len(in_month), size=int(n_ow), replace=False)]] = (
            "Offensive weapons"
        )
    cur = np.flatnonzero(current & (obj != "Offensive weapons"))
    counts = {"Stolen goods": _SS_CURRENT_OBJECTS["Stolen goods"]}
    others_total = _SS_CURRENT_TOTAL - _SS_CURRENT_DRUGS - sum(_SS_CURRENT_OBJECTS.values())
    counts.update(
        zip(
            _SS_OTHER_OBJECTS,
            largest_remainder(list(_SS_OTHER_OBJECTS.values()), others_total),
            strict=True,
        )
    )
    counts["Controlled drugs"] = _SS_CURRENT_DRUGS
    obj[cur] = exact_labels(rng, len(cur), counts, {})
    other_objects = {"Stolen goods": 0.14, "Controlled drugs": 0.62}
    other_objects.update({k: 0.10 * v for k, v in _SS_OTHER_OBJECTS.items()})
    for k in [k for k in range(36) if k not in window_months]:
        in_month = np.flatnonzero(month_of == k)
        n_ow = int(round(_ow_share(k) * len(in_month)))
        obj[in_month[rng.choice(len(in_month), size=n_ow, replace=False)]] = "Offensive weapons"
        for i in in_month:
            if obj[i] is None:
                obj[i] = pick1(rng, other_objects)

    # Positive outcomes: exact totals in both windows, weighted by object.
    def positive_weight(idx):
        w = {"Controlled drugs": 1.15, "Offensive weapons": 0.6, "Stolen goods": 0.9}
        return np.array([w.get(obj[i], 0.8) for i in idx])

    for mask, total in (
        (prev, _SS_PREVIOUS_POSITIVE),
        (early_current, _SS_CURRENT_POSITIVE - int(positive[block].sum())),
    ):
        idx = np.flatnonzero(mask)
        p = positive_weight(idx)
        positive[idx[rng.choice(len(idx), size=total, replace=False, p=p / p.sum())]] = True
    for i in np.flatnonzero(~prev & ~current):
        positive[i] = rng.random() < (0.31 if month_of[i] < 11 else 0.29)

    # Outcome wording: arrests and community resolutions exact in the current window.
    outcome = np.full(n, _NFA, dtype=object)
    block_arrest = _SS_BLOCK_ARREST
    block_community = _SS_BLOCK_COMMUNITY
    for mask, n_arrest, n_comm in (
        (block, block_arrest, block_community),
        (early_current, _SS_CURRENT_ARREST - block_arrest, _SS_CURRENT_COMMUNITY - block_community),
    ):
        idx = np.flatnonzero(mask & positive)
        community_w = np.array([1.4 if obj[i] == "Controlled drugs" else 0.6 for i in idx])
        arrest_w = np.array(
            [1.4 if obj[i] in ("Offensive weapons", "Stolen goods") else 0.9 for i in idx]
        )
        n_other = len(idx) - n_arrest - n_comm
        assert n_other >= 0
        labels = exact_labels(
            rng,
            len(idx),
            {"Community resolution": n_comm, "Arrest": n_arrest, "other": n_other},
            {"Community resolution": community_w, "Arrest": arrest_w},
        )
        outcome[idx] = labels
    for i in np.flatnonzero(positive & ~current):
        outcome[i] = pick1(rng, {"Arrest": 47, "Community resolution": 40, "other": 13})
    for i in np.flatnonzero(outcome == "other"):
        options = _OTHER_POSITIVE_DRUGS if obj[i] == "Controlled drugs" else _OTHER_POSITIVE
        outcome[i] = pick1(rng, options)

    # Self-defined and officer-defined ethnicity.
    five = reference.table("ethnicity_groups").set_index("self_defined_ethnicity")["group"]
    self_defined = np.empty(n, dtype=object)
    white_values = pick(rng, _SS_WHITE_VALUES, n)
    bame_values = pick(rng, _SS_BAME_VALUES, n)
    for i in range(n):
        g = group[i]
        self_defined[i] = {
            "White": white_values[i],
            "BAME": bame_values[i],
            "Not stated": "Other ethnic group - Not stated",
            "blank": "",
        }[g]
    officer = np.empty(n, dtype=object)
    for i in range(n):
        key = five[self_defined[i]] if self_defined[i] else "none"
        key = "none" if key == "Not stated" else key
        officer[i] = pick1(rng, _SS_OFFICER[key])

    # Everything the report does not fix.
    search_type = np.empty(n, dtype=object)
    for i in range(n):
        options = (
            {"Person search": 70, "Vehicle search": 20, "Person and Vehicle search": 10}
            if self_defined[i] == ""
            else {"Person search": 87, "Person and Vehicle search": 13}
        )
        search_type[i] = pick1(rng, options)
    gender = pick(rng, {"Male": 89, "Female": 9.5, "Other": 0.2, "": 1.3}, n)
    age_range = pick(
        rng, {"under 10": 0.2, "10-17": 19, "18-24": 36, "25-34": 26, "over 34": 18, "": 0.8}, n
    )
    operation = pick(rng, {"False": 80, "True": 8, "": 12}, n)
    removal = pick(rng, {"False": 85, "True": 2, "": 13}, n)
    npt_idx = rng.choice(len(NPTS), size=n, p=np.array(_SS_NPT_WEIGHTS) / sum(_SS_NPT_WEIGHTS))
    jitter = rng.normal(0, 0.012, size=(n, 2))
    no_point = rng.random(n) < 0.03
    hours = np.zeros(n, dtype=int)
    date_only = np.zeros(n, dtype=bool)
    for segment in (prev, current, ~prev & ~current):  # exact shares within each window
        idx = np.flatnonzero(segment)
        n_date_only = int(round(_SS_DATE_ONLY_SHARE * len(idx)))
        date_only[idx[rng.choice(len(idx), size=n_date_only, replace=False)]] = True
        timed = np.flatnonzero(segment & ~date_only)
        labels = np.repeat(np.arange(24), largest_remainder(_SS_HOUR_WEIGHTS, len(timed)))
        rng.shuffle(labels)
        hours[timed] = labels
    minutes = rng.integers(0, 60, n)
    linked_draw = rng.random(n)
    s60_draw = rng.random(n)

    records = []
    for i in range(n):
        y, m = MONTHS[month_of[i]]
        day = random_day(rng, y, m)
        if date_only[i]:
            local = datetime(y, m, day)
        else:
            minute = int(minutes[i]) if (hours[i], minutes[i]) != (0, 0) else 1 + i % 59
            local = datetime(y, m, day, int(hours[i]), minute)
        npt = NPTS[npt_idx[i]]
        lat, lon = NPT_CENTRE[npt]
        if positive[i]:
            linked = "True" if linked_draw[i] < 0.85 else "False"
        else:
            linked = "False" if linked_draw[i] < 0.55 else ""
        legislation = _LEGISLATION.get(obj[i], _PACE)
        if obj[i] == "Offensive weapons" and month_of[i] >= 30 and s60_draw[i] < 0.12:
            legislation = _SECTION_60
        vehicle_only = search_type[i] == "Vehicle search"
        records.append(
            (
                local,
                [
                    "",  # Search ID, filled in date order below
                    search_type[i],
                    police_uk_datetime(local),
                    operation[i],
                    "",
                    "" if no_point[i] else f"{lat + jitter[i, 0]:.6f}",
                    "" if no_point[i] else f"{lon + jitter[i, 1]:.6f}",
                    "" if vehicle_only else gender[i],
                    "" if vehicle_only else age_range[i],
                    self_defined[i],
                    "" if vehicle_only else officer[i],
                    legislation,
                    obj[i],
                    outcome[i],
                    linked,
                    "" if vehicle_only else removal[i],
                    npt,
                    team[i],
                ],
            )
        )
    order = sorted(range(n), key=lambda i: records[i][0])
    rows = []
    for k, i in enumerate(order, start=1):
        row = records[i][1]
        row[0] = f"DEMO-SS-{k:06d}"
        rows.append(row)

    # Cheap checks of the published figures.
    assert int(prev.sum()) == _SS_PREVIOUS_TOTAL and int(current.sum()) == _SS_CURRENT_TOTAL
    assert int(positive[prev].sum()) == _SS_PREVIOUS_POSITIVE
    assert int(positive[current].sum()) == _SS_CURRENT_POSITIVE
    assert int((outcome[current] == "Arrest").sum()) == _SS_CURRENT_ARREST
    assert int((outcome[current] == "Community resolution").sum()) == _SS_CURRENT_COMMUNITY
    assert int((obj[current] == "Controlled drugs").sum()) == _SS_CURRENT_DRUGS
    assert ((outcome != _NFA) == positive).all()
    return rows
