"""Local authorities, a force's own areas and mid-2019 populations: the local authority an
LSOA name gives, which local authorities are each force's own (:data:`OWN_AREA_RULE`), their
populations, each force's population and the areas table an ingest stores."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from perfpack.data import reference
from perfpack.data.paths import REFERENCE_DIR
from perfpack.data.public_tables import NON_TERRITORIAL_FORCES

#: The defaults of :data:`OWN_AREA_RULE`: share of the force's located rows, and rows per
#: resident relative to the force's.
OWN_AREA_MIN_SHARE = 0.01
OWN_AREA_MIN_DENSITY = 0.1

OWN_AREA_RULE = (
    "A local authority is one of the force's own when its mid-2019 area (the 2019 authority it "
    "became part of, or itself when it has no match) holds at least 1% of the force's located "
    "rows in the download and, where its population is known, has at least a tenth of the "
    "force's rows per resident (over the areas holding 1% or more); located rows in any other "
    "local authority are counted as outside the force's area. British Transport Police has no "
    "area of residents: its areas are the local authorities holding at least 1% of its located "
    "rows (no density test), shown with counts and change but no rates."
)

_LSOA_NAME = re.compile(r"^(?P<la>.*\S)\s+\d{3}[A-Z]$")

#: How populations_for matched a name for which the name's own population is known (a 2011
#: authority merged into a bigger 2019 one has no population of its own).
OWN_POPULATION_MATCHES = ("exact", "normalised", "renamed")


def local_authority_from_lsoa_name(names: pd.Series) -> pd.Series:
    """The local authority an LSOA name starts with: the name without its trailing code.

    ``Cannock Chase 001A`` -> ``Cannock Chase``. A name without a ``NNNL`` code at the end is
    kept whole (stripped); a blank name gives a missing value.

    Parameters
    ----------
    names : pandas.Series of str

    Returns
    -------
    pandas.Series of str, aligned with ``names``.
    """
    text = names.astype("str").str.strip()
    text = text.mask(text == "")
    extracted = text.str.extract(_LSOA_NAME.pattern, expand=False)
    return extracted.fillna(text).astype("str")


def la_of_lsoa_name(name: str | None) -> str | None:
    if name is None:
        return None
    text = name.strip()
    if not text:
        return None
    match = _LSOA_NAME.match(text)
    return match["la"] if match else text


#: 2011 local authority names (as in LSOA names) -> the mid-2019 authority they are now part of,
#: for the authorities renamed or merged before mid-2019 (source: the 2019 structural change
#: orders for Bournemouth, Christchurch and Poole; Dorset; East Suffolk; West Suffolk; Somerset
#: West and Taunton; Shepway's renaming to Folkestone and Hythe in 2018; ONS publishes Cornwall
#: and the Isles of Scilly as one area).
LA_SUCCESSORS_2019 = {
    "Shepway": "Folkestone and Hythe",
    "Bournemouth": "Bournemouth, Christchurch and Poole",
    "Christchurch": "Bournemouth, Christchurch and Poole",
    "Poole": "Bournemouth, Christchurch and Poole",
    "East Dorset": "Dorset",
    "North Dorset": "Dorset",
    "Purbeck": "Dorset",
    "West Dorset": "Dorset",
    "Weymouth and Portland": "Dorset",
    "Forest Heath": "West Suffolk",
    "St Edmundsbury": "West Suffolk",
    "Suffolk Coastal": "East Suffolk",
    "Waveney": "East Suffolk",
    "Taunton Deane": "Somerset West and Taunton",
    "West Somerset": "Somerset West and Taunton",
    "Cornwall": "Cornwall and Isles of Scilly",
    "Isles of Scilly": "Cornwall and Isles of Scilly",
}


def _normalise_name(name: str) -> str:
    text = name.lower().replace("&", "and")
    text = re.sub(r",\s*(city|county|county borough) of$", "", text.strip())
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@cache
def _population_index(reference_dir: Path) -> tuple[dict, dict]:
    """``la_population_mid2019.csv`` by name (-> area code, population) and by normalised
    name (-> name), read once per reference folder (like :func:`perfpack.data.reference.table`)."""
    table = reference.table("la_population_mid2019", reference_dir)
    by_name = {
        name: (code, int(population))
        for name, code, population in zip(
            table["area_name"], table["area_code"], table["population_mid2019"], strict=True
        )
    }
    return by_name, {_normalise_name(n): n for n in table["area_name"]}


def populations_for(
    local_authorities: Iterable[str], reference_dir: Path = REFERENCE_DIR
) -> pd.DataFrame:
    """Mid-2019 populations for local authority names (as data.police.uk LSOA names give them).

    Names are matched to ``data/reference/la_population_mid2019.csv`` exactly; failing that
    after normalising (case, ``&``/``and``, a trailing ``, City of``/``, County of``, a leading
    ``The``): ``Bristol`` -> ``Bristol, City of``; failing that through
    :data:`LA_SUCCESSORS_2019` (2011 names renamed or merged by 2019).

    Parameters
    ----------
    local_authorities : iterable of str
        Names; duplicates and missing values are dropped.
    reference_dir : path, optional

    Returns
    -------
    pandas.DataFrame
        One row per distinct name, sorted: ``local_authority``, ``area_code``, ``area_name``,
        ``population_mid2019`` (Int64; missing when unmatched) and ``match``: ``exact``,
        ``normalised``, ``renamed`` (one 2011 name -> one 2019 area), ``merged`` (the 2019 area
        also holds other 2011 authorities; its population is the whole area's, so add each
        ``area_code`` once) or ``unmatched``.
    """
    by_name, by_normal = _population_index(Path(reference_dir))
    parts: dict[str, int] = {}
    for successor in LA_SUCCESSORS_2019.values():
        parts[successor] = parts.get(successor, 0) + 1
    names = sorted({str(n).strip() for n in local_authorities if isinstance(n, str) and n.strip()})
    rows = []
    for name in names:
        area, how = None, "unmatched"
        if name in by_name:
            area, how = name, "exact"
        elif _normalise_name(name) in by_normal:
            area, how = by_normal[_normalise_name(name)], "normalised"
        elif name in LA_SUCCESSORS_2019 and LA_SUCCESSORS_2019[name] in by_name:
            area = LA_SUCCESSORS_2019[name]
            how = "merged" if parts[area] > 1 else "renamed"
        if area is None:
            rows.append((name, None, None, pd.NA, how))
        else:
            code, population = by_name[area]
            rows.append((name, code, area, population, how))
    frame = pd.DataFrame(
        rows, columns=["local_authority", "area_code", "area_name", "population_mid2019", "match"]
    )
    frame["population_mid2019"] = frame["population_mid2019"].astype("Int64")
    for column in ("local_authority", "area_code", "area_name", "match"):
        frame[column] = frame[column].astype("str")
    return frame


def own_local_authorities(
    counts: pd.DataFrame,
    min_share: float = OWN_AREA_MIN_SHARE,
    min_density: float = OWN_AREA_MIN_DENSITY,
    reference_dir: Path = REFERENCE_DIR,
) -> pd.DataFrame:
    """Which local authorities are each force's own, by :data:`OWN_AREA_RULE`.

    Local authorities are judged by their mid-2019 area (:func:`populations_for`), so 2011
    authorities merged since are judged together (the Isles of Scilly with Cornwall). An area
    is the force's own when (1) it holds at least ``min_share`` of the force's located rows and
    (2) when its population is known, its rows per resident are at least ``min_density`` times
    the force's rows per resident over all areas passing (1) with a known population. Test (2)
    keeps a force with a small area (City of London) from owning the neighbouring boroughs
    whose edges it reports a few crimes in.

    Parameters
    ----------
    counts : pandas.DataFrame
        ``force``, ``local_authority`` (2011 names, as LSOA names give them) and ``rows`` (the
        force's located rows there).
    min_share : float
        Default 0.01 (1% of the force's located rows).
    min_density : float
        Default 0.1 (a tenth of the force's rows per resident).

    Returns
    -------
    pandas.DataFrame
        One row per force and local authority, sorted by force and local authority: ``force``,
        ``local_authority``, ``area`` (the mid-2019 area, or the local authority itself when
        unmatched), ``rows``, ``area_rows`` (the force's rows in the whole area), ``share``
        (``area_rows`` / the force's located rows), ``area_population`` (Int64, missing when
        unmatched), ``density_ratio`` (the area's rows per resident / the force's; NaN when
        the population is unknown) and ``own`` (bool). For forces in
        :data:`NON_TERRITORIAL_FORCES` (no residents) ``own`` is the share test alone: the
        local authorities where the force records at least ``min_share`` of its rows.
    """
    frame = counts[["force", "local_authority", "rows"]].copy()
    frame = frame.groupby(["force", "local_authority"], as_index=False)["rows"].sum()
    pops = populations_for(frame["local_authority"], reference_dir).set_index("local_authority")
    area = pops["area_name"].reindex(frame["local_authority"]).to_numpy()
    frame["area"] = np.where(pd.isna(area), frame["local_authority"], area)
    frame["area"] = frame["area"].astype("str")
    frame["area_population"] = (
        pops["population_mid2019"].reindex(frame["local_authority"]).to_numpy()
    )
    frame["area_population"] = frame["area_population"].astype("Int64")
    frame["area_rows"] = frame.groupby(["force", "area"])["rows"].transform("sum")
    located = frame.groupby("force")["rows"].transform("sum")
    frame["share"] = np.where(located > 0, frame["area_rows"] / located.where(located > 0, 1), 0.0)
    territorial = ~frame["force"].isin(NON_TERRITORIAL_FORCES)
    candidate = (frame["share"] >= min_share) & territorial
    known = candidate & frame["area_population"].notna()
    areas = frame[known].drop_duplicates(["force", "area"])
    pooled = areas.groupby("force")["area_rows"].sum() / areas.groupby("force")[
        "area_population"
    ].sum().astype(float)
    area_rate = frame["area_rows"] / frame["area_population"].astype(float)
    frame["density_ratio"] = (area_rate / frame["force"].map(pooled).astype(float)).astype(float)
    dense = frame["area_population"].isna() | (frame["density_ratio"] >= min_density)
    frame["own"] = (candidate & dense.fillna(False)).astype(bool)
    # a force with no residents (btp) is shown where it records offences: the share test only
    frame.loc[~territorial, "own"] = frame.loc[~territorial, "share"] >= min_share
    columns = [
        "force", "local_authority", "area", "rows", "area_rows", "share", "area_population",
        "density_ratio", "own",
    ]  # fmt: skip
    frame = frame[columns].sort_values(["force", "local_authority"]).reset_index(drop=True)
    frame["rows"] = frame["rows"].astype(int)
    frame["area_rows"] = frame["area_rows"].astype(int)
    return frame


def whole_force_populations(reference_dir: Path = REFERENCE_DIR) -> pd.Series:
    """Populations of whole force areas that are not made of England and Wales local
    authorities (``data/reference/force_population_mid2019.csv``: Northern Ireland, NISRA's
    mid-2019 estimate), as int indexed by force slug."""
    table = reference.table("force_population_mid2019", reference_dir)
    return table.set_index("force")["population_mid2019"].astype(int)
