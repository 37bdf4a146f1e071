"""A force's own areas and their residents as a download's coverage found them: the resident
population of each force's area (the national comparator's denominators) and the areas table a
pack's ``npt`` column refers to. Built on :mod:`.areas` (names and populations) and
:mod:`.coverage` (which local authorities are each force's own)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from perfpack.data.paths import REFERENCE_DIR
from perfpack.data.public_tables import NON_TERRITORIAL_FORCES
from perfpack.ingest.police_uk.areas import (
    OWN_POPULATION_MATCHES,
    populations_for,
    whole_force_populations,
)
from perfpack.ingest.police_uk.coverage import CoverageReport


def force_populations(
    coverage: CoverageReport, reference_dir: Path = REFERENCE_DIR
) -> pd.DataFrame:
    """Resident population (mid-2019) of each force's own area.

    Parameters
    ----------
    coverage : CoverageReport
        From :func:`read_street` (its ``own_areas``).

    Returns
    -------
    pandas.DataFrame
        ``force``, ``population`` (Int64: the sum over the distinct mid-2019 areas of the
        force's own local authorities; for a force listed in
        ``data/reference/force_population_mid2019.csv`` (Northern Ireland, whose files carry no
        LSOA) that row's population; missing for British Transport Police, which has no
        residents, and when none of a force's areas is matched), ``areas`` (how many areas),
        ``unmatched`` (own local authorities with no population, ``; ``-joined: their residents
        are not counted).
    """
    rows = []
    own = coverage.own_areas[coverage.own_areas["own"]]
    whole_areas = whole_force_populations(reference_dir)
    every = populations_for(own["local_authority"], reference_dir)  # once, split by force below
    for force in coverage.forces:
        if force in NON_TERRITORIAL_FORCES:
            rows.append((force, pd.NA, 0, ""))
            continue
        if force in whole_areas.index:
            rows.append((force, int(whole_areas[force]), 1, ""))
            continue
        names = own.loc[own["force"] == force, "local_authority"]
        pops = every[every["local_authority"].isin(names)].reset_index(drop=True)
        matched = pops[pops["match"] != "unmatched"].drop_duplicates("area_code")
        unmatched = "; ".join(pops.loc[pops["match"] == "unmatched", "local_authority"])
        total = int(matched["population_mid2019"].sum()) if len(matched) else pd.NA
        rows.append((force, total, len(matched), unmatched))
    frame = pd.DataFrame(rows, columns=["force", "population", "areas", "unmatched"])
    frame["population"] = frame["population"].astype("Int64")
    return frame.astype({"force": "str", "unmatched": "str"})


def own_area_table(
    coverage: CoverageReport,
    force: str | None = None,
    npts: Iterable[str] | None = None,
    reference_dir: Path = REFERENCE_DIR,
) -> pd.DataFrame:
    """The areas a force's ``npt`` column holds, with their mid-2019 populations.

    Without an NPT lookup the areas are the force's own local authorities (2011 names, as the
    LSOA names give them), every one listed even if it had no crime. A local authority's
    ``population`` is its own (:func:`populations_for`: ``exact``, ``normalised`` or
    ``renamed``); one merged since 2011 into a bigger authority has none of its own (its rate
    is not shown) but its ``area_population`` is the 2019 authority's, so the force's population
    is the sum of ``area_population`` over distinct ``area_code``. With a lookup (``npts``: the
    NPT names the lookup placed rows in) no NPT population is known.

    Parameters
    ----------
    coverage : CoverageReport
        From :func:`read_street` (its ``own_areas``).
    force : str, optional
        The force slug; None takes every force's own areas.
    npts : iterable of str, optional
        NPT names when a lookup placed the rows.

    Returns
    -------
    pandas.DataFrame
        ``force``, ``area``, ``population`` (Int64, missing when not its own), ``area_code``,
        ``area_name`` (the mid-2019 authority), ``area_population`` (Int64), ``match``.
    """
    columns = ["force", "area", "population", "area_code", "area_name", "area_population"]
    columns.append("match")
    forces = [force] if force is not None else list(coverage.forces)
    own = coverage.own_areas[coverage.own_areas["own"] & coverage.own_areas["force"].isin(forces)]
    every = populations_for(own["local_authority"], reference_dir)  # once, split by force below
    frames = []
    for slug in forces:
        if npts is not None:
            names = sorted({str(n) for n in npts if isinstance(n, str) and n})
            frame = pd.DataFrame({"area": names})
            for column in ("area_code", "area_name"):
                frame[column] = ""
            frame["population"] = pd.NA
            frame["area_population"] = pd.NA
            frame["match"] = "npt lookup"
        else:
            names = coverage.own_local_authorities(slug)
            pops = every[every["local_authority"].isin(names)].reset_index(drop=True)
            frame = pops.rename(
                columns={"local_authority": "area", "population_mid2019": "area_population"}
            )
            frame["population"] = frame["area_population"].where(
                frame["match"].isin(OWN_POPULATION_MATCHES)
            )
            if slug in NON_TERRITORIAL_FORCES:  # no residents: rates do not apply
                frame["population"] = pd.NA
                frame["area_population"] = pd.NA
        frame.insert(0, "force", slug)
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    table = table[columns]
    for column in ("population", "area_population"):
        table[column] = pd.array(table[column], dtype="Int64")
    for column in ("force", "area", "area_code", "area_name", "match"):
        table[column] = table[column].astype("str")
    return table.reset_index(drop=True)
