"""Peer groups for ``data/reference/peer_groups.csv``, derived from a data.police.uk download
(the groups the appendices rank a force among: :mod:`perfpack.themes.peers`).

The Home Office's official "most similar groups" (iQuanta) were not found in public material,
so the committed table is **perfpack's grouping**, not the official one:
:func:`derive_peer_groups` over three features per force from the project's reference data
(:func:`force_features`) -- resident population (log, ONS mid-2019), the share of residents in
metropolitan districts and London boroughs (the local-authority types of
``la_population_mid2019.csv``: codes ``E08``/``E09``) and the share of residents not White (2011
Census, ``census2011_ethnicity_by_pfa.csv``) -- each standardised across the forces; a force's
group is itself and its nearest forces by Euclidean distance. Regenerate it with
``python -m perfpack.ingest.police_uk.peer_groups ZIP_OR_FOLDER``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from perfpack.data import reference
from perfpack.data.paths import REFERENCE_DIR

#: Forces in a group, the force itself included (iQuanta's most similar groups hold 8).
GROUP_SIZE = 8
#: Local-authority codes of metropolitan districts (E08) and London boroughs (E09).
METROPOLITAN_PREFIXES = ("E08", "E09")
FEATURES = ("log_population", "metropolitan_share", "not_white_share")
#: The local authorities (mid-2019 codes) of the four forces whose areas are whole metropolitan
#: counties, for downloads that lack them (the project's all-forces download does): Greater
#: Manchester, West Midlands and West Yorkshire (their metropolitan districts) and the
#: Metropolitan Police (the 32 London boroughs; the City has its own force).
METROPOLITAN_FORCE_AREAS = {
    "greater-manchester": [f"E0800000{i}" for i in range(1, 10)] + ["E08000010"],
    "west-midlands": [f"E080000{i}" for i in range(25, 32)],
    "west-yorkshire": [f"E080000{i}" for i in range(32, 37)],
    "metropolitan": [f"E090000{i:02d}" for i in range(2, 34)],
}


def slug_of_census_name(name: str) -> str:
    """The data.police.uk slug of a Census police force area: "Avon & Somerset" ->
    "avon-and-somerset"."""
    return "-".join(str(name).lower().replace("&", " and ").split())


def force_features(own_areas: pd.DataFrame, reference_dir: Path = REFERENCE_DIR) -> pd.DataFrame:
    """The grouping's features per force.

    Parameters
    ----------
    own_areas : pandas.DataFrame
        ``force`` (slug) and ``area_code`` (mid-2019 local authority code) of each force's own
        local authorities, one row per distinct authority.

    Returns
    -------
    pandas.DataFrame
        Indexed by force: ``population`` (sum of the authorities' mid-2019 populations),
        ``log_population``, ``metropolitan_share`` (residents in E08/E09 authorities /
        population) and ``not_white_share`` (2011 Census: 1 - White / all five groups; forces
        not in the Census table get NaN).
    """
    las = reference.table("la_population_mid2019", reference_dir)
    las["population_mid2019"] = las["population_mid2019"].astype(int)
    joined = own_areas[["force", "area_code"]].drop_duplicates().merge(las, on="area_code")
    joined["metropolitan"] = joined["area_code"].str.startswith(METROPOLITAN_PREFIXES)
    population = joined.groupby("force")["population_mid2019"].sum().astype(float)
    metropolitan = joined[joined["metropolitan"]].groupby("force")["population_mid2019"].sum()
    census = reference.table("census2011_ethnicity_by_pfa", reference_dir)
    census["force"] = census["Police force"].map(slug_of_census_name)
    groups = [c for c in census.columns if c not in ("Police force", "force")]
    totals = census[groups].astype(int).sum(axis=1)
    not_white = pd.Series(1 - census["White"].astype(int) / totals, index=census.index)
    frame = pd.DataFrame({"population": population})
    frame["log_population"] = np.log(frame["population"])
    frame["metropolitan_share"] = metropolitan.reindex(frame.index).fillna(0) / population
    frame["not_white_share"] = pd.Series(not_white.to_numpy(), index=census["force"]).reindex(
        frame.index
    )
    return frame.sort_index()


def derive_peer_groups(features: pd.DataFrame, size: int = GROUP_SIZE) -> pd.DataFrame:
    """Each force and its ``size - 1`` nearest forces by the standardised features.

    Every column of :data:`FEATURES` is standardised ((value - mean) / standard deviation
    across the forces); distance is Euclidean; ties go to the force first in alphabetical
    order. Forces with a missing feature are left out.

    Returns
    -------
    pandas.DataFrame
        ``force``, ``peers`` (``;``-joined slugs, the force first, then by distance).
    """
    table = features[list(FEATURES)].dropna().sort_index()
    spread = table.std(ddof=0).replace(0.0, 1.0)  # a feature equal everywhere counts for nothing
    scaled = (table - table.mean()) / spread
    values = scaled.to_numpy()
    names = list(table.index)
    rows = []
    for i, force in enumerate(names):
        distance = np.sqrt(((values - values[i]) ** 2).sum(axis=1))
        order = sorted(range(len(names)), key=lambda j: (j != i, round(distance[j], 12), names[j]))
        rows.append((force, ";".join(names[j] for j in order[:size])))
    return pd.DataFrame(rows, columns=["force", "peers"])


def main(argv: list[str] | None = None) -> int:
    """``python -m perfpack.ingest.police_uk.peer_groups DOWNLOAD``: print the derived peer groups
    as CSV (the force areas' local authorities come from the download's own areas)."""
    from perfpack.ingest.police_uk.areas import populations_for
    from perfpack.ingest.police_uk.street import load_street

    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print(
            "usage: python -m perfpack.ingest.police_uk.peer_groups ZIP_OR_FOLDER", file=sys.stderr
        )
        return 2
    coverage = load_street(args[0], spool=False).coverage  # counts only, not the records
    own = coverage.own_areas[coverage.own_areas["own"]]
    pops = populations_for(own["local_authority"]).set_index("local_authority")
    own = own.assign(area_code=pops["area_code"].reindex(own["local_authority"]).to_numpy())
    own = own[own["area_code"] != "None"][["force", "area_code"]]
    extra = [
        (force, code)
        for force, codes in METROPOLITAN_FORCE_AREAS.items()
        if force not in set(own["force"])
        for code in codes
    ]
    own = pd.concat([own, pd.DataFrame(extra, columns=["force", "area_code"])])
    groups = derive_peer_groups(force_features(own))
    print(groups.to_csv(index=False), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
