"""What a force records extract must hold (the data contracts), and the canonical tables
ingest turns them into. ``data/README.md`` is the human-readable form of this module; a test
keeps the two in step.

Kinds of column:
``text``      any non-empty text (when required)
``date``      ``YYYY-MM-DD``
``datetime``  ISO 8601 date and time, e.g. ``2019-03-07 14:25`` or ``2019-03-07T14:25:00+00:00``
``int``       a whole number within ``bounds``
``flag``      ``Y`` or ``N``
``bool``      ``True`` or ``False`` (data.police.uk's spelling)
``number``    a decimal number (coordinates)
``choice``    one of ``allowed`` (or of a reference table's column, ``allowed_from``)
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool
    description: str
    allowed: tuple[str, ...] = ()
    #: ``(reference table, column)`` whose values are the allowed ones, e.g. ``("npts", "npt")``.
    allowed_from: tuple[str, str] | None = None
    bounds: tuple[int, int] | None = None


@dataclass(frozen=True)
class Contract:
    #: the canonical table this extract feeds
    table: str
    #: the file name ingest looks for in ``data/raw/`` unless the manifest names another
    default_file: str
    id_column: str
    #: the column whose dates must lie within the extract's stated period
    period_column: str
    columns: tuple[Column, ...] = field(default_factory=tuple)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


SEXES = ("Male", "Female", "Other")

CRIMES = Contract(
    table="crimes",
    default_file="crimes.csv",
    id_column="crime_id",
    period_column="recorded_date",
    columns=(
        Column("crime_id", "text", True, "Crime reference, unique within the extract."),
        Column("recorded_date", "date", True, "Date the crime was recorded."),
        Column(
            "offence_code",
            "choice",
            True,
            "Home Office offence classification code, e.g. 34B (robbery of personal property).",
            allowed_from=("offence_themes", "code"),
        ),
        Column("npt", "choice", True, "Neighbourhood Policing Team.", allowed_from=("npts", "npt")),
        Column("lsoa_code", "text", False, "2011 LSOA code, e.g. E01029368."),
        Column(
            "knife_flag", "flag", True, "Y if a knife or sharp instrument was used or threatened."
        ),
        Column(
            "victim_age", "int", False, "Victim's age in years at the offence.", bounds=(0, 120)
        ),
        Column("victim_sex", "choice", False, "Victim's sex.", allowed=SEXES),
        Column("suspect_age", "int", False, "Suspect's age in years.", bounds=(0, 120)),
        Column("suspect_sex", "choice", False, "Suspect's sex.", allowed=SEXES),
    ),
)

SEARCH_TYPES = ("Person search", "Vehicle search", "Person and Vehicle search")
AGE_RANGES = ("under 10", "10-17", "18-24", "25-34", "over 34")
OFFICER_ETHNICITIES = ("White", "Black", "Asian", "Mixed", "Other")
OBJECTS_OF_SEARCH = (
    "Controlled drugs",
    "Offensive weapons",
    "Stolen goods",
    "Article for use in theft",
    "Articles for use in criminal damage",
    "Anything to threaten or harm anyone",
    "Firearms",
    "Fireworks",
    "Evidence of offences under the Act",
    "Psychoactive substances",
    "Goods on which duty has not been paid etc.",
    "Game or poaching equipment",
    "Crossbows",
    "Evidence of wildlife offences",
    "Seals or hunting equipment",
    "Detailed object of search unavailable",
)
TRUE_FALSE = ("True", "False")

STOP_SEARCHES = Contract(
    table="stop_searches",
    default_file="stop_searches.csv",
    id_column="Search ID",
    period_column="Date",
    columns=(
        Column("Search ID", "text", True, "Search record reference, unique within the extract."),
        Column("Type", "choice", True, "Type of search.", allowed=SEARCH_TYPES),
        Column(
            "Date",
            "datetime",
            True,
            "Date and time of the search; a time of exactly 00:00 is treated as date-only.",
        ),
        Column(
            "Part of a policing operation",
            "bool",
            False,
            "Whether the search was part of an operation.",
        ),
        Column("Policing operation", "text", False, "Operation name (not published)."),
        Column(
            "Latitude", "number", False, "Approximate latitude (data.police.uk anonymised point)."
        ),
        Column("Longitude", "number", False, "Approximate longitude."),
        Column("Gender", "choice", False, "Gender of the person searched.", allowed=SEXES),
        Column(
            "Age range", "choice", False, "Age range of the person searched.", allowed=AGE_RANGES
        ),
        Column(
            "Self-defined ethnicity",
            "choice",
            False,
            "Ethnicity as stated by the person searched (blank: not recorded).",
            allowed_from=("ethnicity_groups", "self_defined_ethnicity"),
        ),
        Column(
            "Officer-defined ethnicity",
            "choice",
            False,
            "Ethnicity as perceived by the officer.",
            allowed=OFFICER_ETHNICITIES,
        ),
        Column(
            "Legislation", "text", False, "Power used, e.g. Misuse of Drugs Act 1971 (section 23)."
        ),
        Column(
            "Object of search",
            "choice",
            True,
            "What the officer was looking for.",
            allowed=OBJECTS_OF_SEARCH,
        ),
        Column(
            "Outcome",
            "choice",
            True,
            "Outcome of the search.",
            allowed_from=("stop_search_outcomes", "outcome"),
        ),
        Column(
            "Outcome linked to object of search",
            "bool",
            False,
            "True when the outcome was linked to the object searched for.",
        ),
        Column(
            "Removal of more than just outer clothing",
            "bool",
            False,
            "True when more than outer clothing was removed.",
        ),
        Column(
            "NPT",
            "choice",
            True,
            "Neighbourhood Policing Team the search took place in.",
            allowed_from=("npts", "npt"),
        ),
        Column(
            "Team",
            "text",
            True,
            "The searching officer's team (Response, Neighbourhood, Tactical, ...).",
        ),
    ),
)

RISK_GRADES = ("High", "Medium", "Low", "No apparent risk")
LOCATION_TYPES = (
    "Family home",
    "Care home",
    "Foster placement",
    "Hospital",
    "Supported accommodation",
    "Other",
)

MISSING_EPISODES = Contract(
    table="missing_episodes",
    default_file="missing_episodes.csv",
    id_column="episode_id",
    period_column="reported_at",
    columns=(
        Column("episode_id", "text", True, "Missing episode reference, unique within the extract."),
        Column(
            "person_id",
            "text",
            True,
            "Pseudonymous person id, the same for every episode of one person.",
        ),
        Column("reported_at", "datetime", True, "When the person was reported missing."),
        Column(
            "found_at",
            "datetime",
            False,
            "When the person was found or returned (blank: still missing).",
        ),
        Column("age", "int", True, "Age in years when reported missing.", bounds=(0, 120)),
        Column(
            "risk_grade",
            "choice",
            True,
            "Risk grade at the time of the report.",
            allowed=RISK_GRADES,
        ),
        Column("looked_after_child", "flag", True, "Y if the person is a looked-after child."),
        Column(
            "location_type",
            "choice",
            True,
            "Type of place the person went missing from.",
            allowed=LOCATION_TYPES,
        ),
        Column(
            "location_id",
            "text",
            False,
            "Pseudonymous id of the care home or hospital gone missing from (never an address).",
        ),
        Column("npt", "choice", True, "Neighbourhood Policing Team.", allowed_from=("npts", "npt")),
        Column("rhi_date", "date", False, "Date of the return-home interview, if one was held."),
    ),
)

CONTRACTS: dict[str, Contract] = {c.table: c for c in (CRIMES, STOP_SEARCHES, MISSING_EPISODES)}

#: The keys ``manifest.yml`` may hold (any other key is refused: a misspelt key is never
#: ignored), and the keys of each entry under ``extracts``. ``force``, ``synthetic`` and
#: ``extracts`` are required; so are each entry's ``first_month`` and ``last_month``.
MANIFEST_KEYS = ("force", "synthetic", "note", "extracts")
MANIFEST_EXTRACT_KEYS = ("file", "first_month", "last_month")
MANIFEST_REQUIRED_KEYS = ("force", "synthetic", "extracts")

#: ``manifest.json``'s ``schema_version``: what ``perfpack run`` expects of a processed folder. A
#: folder written by an older perfpack (no ``schema_version``, or a lower one) is refused with
#: "re-run perfpack ingest".
PROCESSED_SCHEMA_VERSION = 2

#: Canonical tables written to ``data/processed/<table>.parquet`` (one row per event).
#: Dtypes: ``str`` (pandas string, may be missing), ``datetime`` (datetime64, tz-naive
#: Europe/London local time), ``month`` (datetime64 first day of the month), ``Int64``, ``boolean``.
CANONICAL: dict[str, dict[str, str]] = {
    "crimes": {
        "crime_id": "str",
        "recorded_date": "datetime",
        "month": "month",
        "offence_code": "str",
        "crime_type": "str",
        "theme": "str",
        "npt": "str",
        "local_authority": "str",
        "lsoa_code": "str",
        "knife": "boolean",
        "victim_age": "Int64",
        "victim_sex": "str",
        "suspect_age": "Int64",
        "suspect_sex": "str",
    },
    "stop_searches": {
        "search_id": "str",
        "datetime": "datetime",
        "month": "month",
        "time_known": "boolean",
        "npt": "str",
        "team": "str",
        "type": "str",
        "legislation": "str",
        "object_of_search": "str",
        "outcome": "str",
        "outcome_linked": "boolean",
        "age_range": "str",
        "gender": "str",
        "self_defined_ethnicity": "str",
        "officer_defined_ethnicity": "str",
    },
    "missing_episodes": {
        "episode_id": "str",
        "person_id": "str",
        "reported_at": "datetime",
        "found_at": "datetime",
        "month": "month",
        "age": "Int64",
        "risk_grade": "str",
        "looked_after": "boolean",
        "location_type": "str",
        "location_id": "str",
        "npt": "str",
        "rhi_date": "datetime",
    },
}
