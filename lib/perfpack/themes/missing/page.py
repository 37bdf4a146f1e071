"""One suppression for the missing-persons appendix's linked count tables.

The appendix publishes the same numbers in three tables: the profile's "Episodes from care
homes" and "Episodes from hospitals" are the Care home and Hospital rows of the place-type
table, its "Episodes graded High risk" the High row of the risk-grade table, and each of those
tables adds up to the episodes the summary table publishes. Suppressed one table at a time, a
number hidden in one is shown in another and the summary's total pins the rest (a "<5"
hospital count was worked out that way). So their count cells go through ONE
:func:`perfpack.core.disclosure.protect` call, a number published twice being one cell, and each
table carries the joint :class:`perfpack.core.sdc_audit.Publication` (the display path's audit of
any one of them is the audit of all three).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from perfpack.core import disclosure, sdc_audit

_WINDOWS = ("previous", "current")
#: Profile rows that are rows of the other tables: (profile measure, table, category).
SHARED_ROWS = (
    ("Episodes from care homes", "places", "Care home"),
    ("Episodes from hospitals", "places", "Hospital"),
    ("Episodes graded High risk", "risk", "High"),
)
CARE_HOMES = "Episodes from care homes"
CARE_HOME_CHILDREN = "Episodes of children from care homes"


@dataclass
class LinkedTables:
    """The states chosen for linked tables (keys ``"risk"``, ``"places"``, ``"profile"``)."""

    states: pd.Series
    labels: dict
    publication: sdc_audit.Publication

    def mask(self, table: str, rows, columns=_WINDOWS) -> pd.DataFrame:
        """States of ``table``'s cells, one row per entry of ``rows`` (its categories)."""
        names = self.labels[table]
        return pd.DataFrame({c: [self.states[names[(r, c)]] for r in rows] for c in columns})


def protect_appendix(
    risk: pd.DataFrame, places: pd.DataFrame, profile: pd.DataFrame, threshold: int = 5
) -> LinkedTables:
    """Suppress the risk-grade and place-type tables
    (:func:`perfpack.themes.missing.measures.counts_by_column`)
    and the count rows of :func:`perfpack.themes.missing.measures.vulnerability_profile` together.

    Declared: each window's categories add up to its episodes (published in the summary
    table, so known); the shared rows of :data:`SHARED_ROWS` are one cell each; episodes from
    care homes are those of children plus those of adults (not shown, but protected).
    """
    values: dict = {}
    labels: dict = {"risk": {}, "places": {}, "profile": {}}
    relations, known, withheld = [], [], []

    def cell(label, value):
        if label in values and values[label] != float(value):
            raise ValueError(f"two published figures for {label!r} differ")
        values[label] = float(value)
        return label

    for w in _WINDOWS:
        total = cell(("episodes", w), risk[w].sum())
        known.append(total)
        for key, table in (("risk", risk), ("places", places)):
            if float(table[w].sum()) != values[total]:
                raise ValueError(f"the {key} table does not add up to the episodes in {w}")
            for r in table.index:
                labels[key][(r, w)] = cell((key, r, w), table.loc[r, w])
            relations.append((total, [labels[key][(r, w)] for r in table.index]))
    counted = [m for m in profile.index if not str(m).endswith("(%)")]
    shared = {m: (key, category) for m, key, category in SHARED_ROWS}
    for m in counted:
        for w in _WINDOWS:
            if m in shared and (shared[m][1], w) in labels[shared[m][0]]:
                key, category = shared[m]
                label = labels[key][(category, w)]
                if values[label] != float(profile.loc[m, w]):
                    raise ValueError(f"{m!r} differs from the {category!r} row in {w}")
                labels["profile"][(m, w)] = label
            else:
                labels["profile"][(m, w)] = cell(("profile", m, w), profile.loc[m, w])
    if CARE_HOMES in counted and CARE_HOME_CHILDREN in counted:
        for w in _WINDOWS:
            whole = labels["profile"][(CARE_HOMES, w)]
            children = labels["profile"][(CARE_HOME_CHILDREN, w)]
            adults = cell(("adults from care homes", w), values[whole] - values[children])
            withheld.append(adults)
            relations.append((whole, [children, adults]))
    index = pd.Index(list(values), tupleize_cols=False)
    counts = pd.Series(list(values.values()), index=index, dtype="float64")
    states, publication = disclosure.protect(
        counts,
        relations,
        threshold,
        withheld=withheld,
        known=known,
        name="missing persons: risk grade, place type and profile tables",
    )
    return LinkedTables(states, labels, publication)
