"""The published report's figures, typed once: what the default demo run must reproduce.

Every row is a figure printed in Staffordshire Police's "Public Performance Meeting, February
2020" report (``../shared/seeds/000_79948f4476ffbc4d.txt``; ``line`` is the line of that text
file that prints it), with the number of decimals the report shows. Tests compare a computed
figure, rounded half-up to those decimals, with ``value``; no expected value here comes from
running perfpack.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The seed report the figures are typed from (relative to the project root).
REPORT = "../shared/seeds/000_79948f4476ffbc4d.txt"


@dataclass(frozen=True)
class Published:
    """One published figure: ``measure`` (a figures.csv measure) of ``theme`` for ``group`` in
    ``window`` (a figures.csv window label; None: the theme's headline window), or the
    difference ``measure - minus`` when ``minus`` is given."""

    theme: str
    measure: str
    value: float
    decimals: int
    line: int
    group: str = ""
    window: str | None = None
    minus: str | None = None

    @property
    def id(self) -> str:
        parts = [self.theme, self.measure, self.group, self.window or ""]
        return "-".join(p for p in parts if p).replace(" ", "_")


PREVIOUS_SS, CURRENT_SS = "2017-12/2018-11", "2018-12/2019-11"

FIGURES: tuple[Published, ...] = (
    # 1. Personal Robbery (pages 4 to 6)
    Published("personal_robbery", "count_previous", 855, 0, 77),
    Published("personal_robbery", "count_current", 764, 0, 77),
    Published("personal_robbery", "pct_change", -11, 0, 77),
    Published("personal_robbery", "knife_pct_change", -10, 0, 79),
    Published("personal_robbery", "rate_per_1000", 0.7, 1, 85),
    Published("personal_robbery", "national_rate_per_1000", 1.4, 1, 85),
    Published("personal_robbery", "npts_decreased", 9, 0, 87),
    Published("personal_robbery", "projection_12m_pct", -10, 0, 89),
    Published("personal_robbery", "northern_share", 61, 0, 116),
    # 2. Theft from a Motor Vehicle (pages 7 to 8)
    Published("theft_from_vehicle", "count_previous", 3123, 0, 123),
    Published("theft_from_vehicle", "count_current", 3031, 0, 123),
    Published("theft_from_vehicle", "pct_change", -3, 0, 123),
    Published("theft_from_vehicle", "rate_per_1000", 2.5, 1, 129),
    Published("theft_from_vehicle", "national_rate_per_1000", 4.8, 1, 129),
    Published("theft_from_vehicle", "npts_decreased", 4, 0, 132),
    Published("theft_from_vehicle", "projection_12m_pct", -6, 0, 140),
    # 2. Theft of a Motor Vehicle (pages 9 to 11)
    Published("theft_of_vehicle", "count_previous", 1891, 0, 149),
    Published("theft_of_vehicle", "count_current", 1741, 0, 149),
    Published("theft_of_vehicle", "pct_change", -8, 0, 149),
    Published("theft_of_vehicle", "rate_per_1000", 1.5, 1, 158),
    Published("theft_of_vehicle", "national_rate_per_1000", 2.0, 1, 158),
    Published("theft_of_vehicle", "npts_decreased", 5, 0, 161),
    Published("theft_of_vehicle", "projection_12m_pct", -10, 0, 169),
    # 3. Stop Search (pages 12 to 16): windows end one month behind the period
    Published("stop_search", "count_previous", 3797, 0, 192),
    Published("stop_search", "count_current", 6031, 0, 192),
    Published("stop_search", "pct_change", 59, 0, 192),
    Published("stop_search", "positive_outcome_rate", 31.3, 1, 197, window=PREVIOUS_SS),
    Published("stop_search", "positive_outcome_rate", 29.1, 1, 197, window=CURRENT_SS),
    Published("stop_search", "arrest_rate", 14.4, 1, 197, window=CURRENT_SS),
    Published("stop_search", "community_resolution_rate", 13.9, 1, 197, window=CURRENT_SS),
    Published("stop_search", "object_share", 61, 0, 199, "Controlled drugs", CURRENT_SS),
    Published("stop_search", "object_share", 15, 0, 199, "Offensive weapons", CURRENT_SS),
    Published("stop_search", "object_share", 14, 0, 199, "Stolen goods", CURRENT_SS),
    # 4. Missing People (pages 17 to 19)
    Published("missing_persons", "count_previous", 5022, 0, 294),
    Published("missing_persons", "count_current", 3812, 0, 294),
    Published("missing_persons", "pct_change", -24, 0, 294),
    Published("missing_persons", "individuals_previous", 548, 0, 300, minus="individuals_current"),
    Published("missing_persons", "child_episodes_previous", 3330, 0, 308),
    Published("missing_persons", "child_episodes_current", 2599, 0, 308),
    Published("missing_persons", "child_share", 68, 0, 310),
    Published("missing_persons", "forecast_2019", 5050, 0, 330),
    Published("missing_persons", "cost_avoided", 2922150, 0, 338),
)
