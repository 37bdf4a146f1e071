"""Regenerate ``data/reference/peer_groups.csv`` from a data.police.uk download:
:func:`perfpack.themes.peers.derive_peer_groups` over the force areas the download's own areas
give (``python -m tools.peer_groups ZIP_OR_FOLDER > data/reference/peer_groups.csv``)."""

from __future__ import annotations

import sys

import pandas as pd

from perfpack.ingest.police_uk.areas import populations_for
from perfpack.ingest.police_uk.street import load_street
from perfpack.themes.peers import METROPOLITAN_FORCE_AREAS, derive_peer_groups, force_features


def main(argv: list[str] | None = None) -> int:
    """``python -m tools.peer_groups DOWNLOAD``: print the derived peer groups as CSV (the force
    areas' local authorities come from the download's own areas)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m tools.peer_groups ZIP_OR_FOLDER", file=sys.stderr)
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
