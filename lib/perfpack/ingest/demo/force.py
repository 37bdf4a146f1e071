"""The demo force's calendar and geography: its 36 months, its ten NPTs and where they are."""

from __future__ import annotations

YEARS = (2017, 2018, 2019)
#: The 36 months of the demo extracts, as ``(year, month)``.
MONTHS = tuple((y, m) for y in YEARS for m in range(1, 13))
FIRST_MONTH = "2017-01"
LAST_MONTH = "2019-12"

NPTS = (
    "Cannock Chase",
    "East Staffordshire",
    "Lichfield",
    "Newcastle-under-Lyme",
    "South Staffordshire",
    "Stafford",
    "Staffordshire Moorlands",
    "Tamworth",
    "Stoke-on-Trent North",
    "Stoke-on-Trent South",
)

#: Real 2011 LSOA codes in each NPT (eight consecutive codes each: the first code's number).
#: Stoke-on-Trent North takes LSOAs of MSOAs 001-017, South those of 018-034.
LSOA_FIRST = {
    "Cannock Chase": 1029345,
    "East Staffordshire": 1029405,
    "Lichfield": 1029475,
    "Newcastle-under-Lyme": 1029532,
    "South Staffordshire": 1029613,
    "Stafford": 1029681,
    "Staffordshire Moorlands": 1029761,
    "Tamworth": 1029820,
    "Stoke-on-Trent North": 1014210,
    "Stoke-on-Trent South": 1014233,
}

#: Rough centre of each NPT (latitude, longitude) for the anonymised stop-search points.
NPT_CENTRE = {
    "Cannock Chase": (52.690, -2.030),
    "East Staffordshire": (52.805, -1.640),
    "Lichfield": (52.682, -1.826),
    "Newcastle-under-Lyme": (53.012, -2.228),
    "South Staffordshire": (52.620, -2.170),
    "Stafford": (52.806, -2.117),
    "Staffordshire Moorlands": (53.106, -2.024),
    "Tamworth": (52.634, -1.691),
    "Stoke-on-Trent North": (53.040, -2.190),
    "Stoke-on-Trent South": (52.985, -2.130),
}
