"""Any force from public data.police.uk downloads: read the archive as users get it, map it onto
the canonical tables, say what it covers, and ingest it.

A download is a zip archive or its extracted folder, laid out ``YYYY-MM/YYYY-MM-<force>-<kind>.csv``
with ``<kind>`` one of ``street``, ``stop-and-search`` or ``outcomes`` (outcomes files are
listed by :func:`discover` but not read: the canonical tables do not use them).

Street records -> canonical ``crimes`` (:data:`perfpack.data.contracts.CANONICAL`), plus ``force``
(the file's force slug) and ``reported_by`` (the ``Reported by`` name):

- ``crime_id`` = ``Crime ID`` (blank for anti-social behaviour: kept missing);
- ``recorded_date`` = ``month`` = the first day of ``Month`` (the files hold no day);
- ``crime_type`` = ``Crime type``; ``theme`` from ``data/reference/offence_themes.csv``, scheme
  ``police_uk`` ("Robbery" -> ``robbery_all``, "Vehicle crime" -> ``vehicle_crime_all``;
  missing for other types; a type the table does not list is reported in the coverage);
- ``local_authority`` = the LSOA name without its trailing code (``Cannock Chase 001A`` ->
  ``Cannock Chase``; 2011 local authority names); ``lsoa_code`` = ``LSOA code``;
- ``npt`` = the local authority when it is one of the force's own (see :data:`OWN_AREA_RULE`),
  or the NPT a lookup table gives (LSOA code first, then local authority); missing for rows with
  no location, rows outside the force's own area and rows the lookup does not place -- each of
  those is counted in the :class:`CoverageReport`, never dropped;
- ``offence_code``, ``knife`` and the victim/suspect columns are missing (not published).

Stop-and-search records -> canonical ``stop_searches`` plus ``force``. The files carry only an
anonymised map point, so the local authority is not knowable from them alone: a search is placed
in the LSOA of a street record published at *exactly the same* anonymised point (data.police.uk
snaps every record to one shared set of map points) in the same download; searches at a point
no street record uses, or with no point, get no NPT and are counted (``unplaced``,
``no_location``). ``team`` is missing (not published); ``search_id`` is made up as
``<force>-<YYYY-MM>-<row in file>``; a ``Date`` whose published clock time is exactly 00:00 is
date-only (``time_known`` False, ``datetime`` that date at midnight).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import threading
import zipfile
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from perfpack.core.windows import Window
from perfpack.data import reference
from perfpack.data.contracts import CANONICAL
from perfpack.data.paths import REFERENCE_DIR
from perfpack.data.processed import write_atomically
from perfpack.data.safe_input import InputError, check_size, clip
from perfpack.ingest.police_uk import input_checks as checks

__all__ = [
    "POLICE_UK_FORCES",
    "NON_TERRITORIAL_FORCES",
    "OUTSIDE_ENGLAND_WALES",
    "OWN_AREA_RULE",
    "CoverageReport",
    "IncompleteWindowError",
    "NationalRates",
    "discover",
    "local_authority_from_lsoa_name",
    "own_local_authorities",
    "read_street",
    "read_stop_search",
    "check_windows",
    "populations_for",
    "force_populations",
    "whole_force_populations",
    "national_rates",
    "national_counts",
    "national_search_counts",
    "stored_national_rates",
    "own_area_table",
    "ingest_police_uk",
]

#: Every force slug data.police.uk publishes (its ``/api/forces`` list): the 43 territorial
#: forces of England and Wales, British Transport Police and the Police Service of Northern
#: Ireland. A slug in this list with no file in a download is reported as absent.
POLICE_UK_FORCES = (
    "avon-and-somerset", "bedfordshire", "btp", "cambridgeshire", "cheshire", "city-of-london",
    "cleveland", "cumbria", "derbyshire", "devon-and-cornwall", "dorset", "durham",
    "dyfed-powys", "essex", "gloucestershire", "greater-manchester", "gwent", "hampshire",
    "hertfordshire", "humberside", "kent", "lancashire", "leicestershire", "lincolnshire",
    "merseyside", "metropolitan", "norfolk", "north-wales", "north-yorkshire",
    "northamptonshire", "northern-ireland", "northumbria", "nottinghamshire", "south-wales",
    "south-yorkshire", "staffordshire", "suffolk", "surrey", "sussex", "thames-valley",
    "warwickshire", "west-mercia", "west-midlands", "west-yorkshire", "wiltshire",
)  # fmt: skip

#: Forces with no area of residents of their own: British Transport Police polices the railways
#: inside every other force's area, so it has no population and no "own" local authorities.
NON_TERRITORIAL_FORCES = ("btp",)

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

#: Forces whose area is not made of England and Wales local authorities: the national
#: comparator (England and Wales forces) leaves them out, and their population is the row of
#: ``data/reference/force_population_mid2019.csv``.
OUTSIDE_ENGLAND_WALES = ("northern-ireland",)

STREET_KIND, STOP_SEARCH_KIND, OUTCOMES_KIND = "street", "stop_search", "outcomes"
_KIND_BY_FILE = {
    "street": STREET_KIND,
    "stop-and-search": STOP_SEARCH_KIND,
    "outcomes": OUTCOMES_KIND,
}
_FILE_NAME = re.compile(
    r"(?:^|/)(?P<month>\d{4}-(?:0[1-9]|1[0-2]))-(?P<force>[a-z0-9]+(?:-[a-z0-9]+)*?)"
    r"-(?P<kind>street|stop-and-search|outcomes)\.csv$"
)
#: A published stop-search ``Date`` with no time, or a clock time of exactly midnight.
_DATE_ONLY = r"\d{4}-\d{2}-\d{2}"
_MIDNIGHT = r"\d{4}-\d{2}-\d{2}[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]\d{2}:\d{2})?"
_LSOA_NAME = re.compile(r"^(?P<la>.*\S)\s+\d{3}[A-Z]$")

STREET_COLUMNS = (
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
)  # fmt: skip
STOP_SEARCH_COLUMNS = (
    "Type", "Date", "Part of a policing operation", "Policing operation", "Latitude",
    "Longitude", "Gender", "Age range", "Self-defined ethnicity", "Officer-defined ethnicity",
    "Legislation", "Object of search", "Outcome", "Outcome linked to object of search",
    "Removal of more than just outer clothing",
)  # fmt: skip
#: Columns added to the canonical tables by this reader.
EXTRA_COLUMNS = {
    "crimes": {"force": "str", "reported_by": "str"},
    "stop_searches": {"force": "str"},
}
#: Tables data.police.uk does not publish (the appendix is skipped with a note).
ABSENT_TABLES = {
    "missing_episodes": "data.police.uk does not publish missing-person records",
}
#: Files an ingest writes beside the canonical tables (never published): the force's areas with
#: their populations, and the compact national table the comparator is computed from at run time.
AREAS_FILE = "areas.parquet"
NATIONAL_COUNTS_FILE = "national_counts.parquet"
NATIONAL_POPULATIONS_FILE = "national_populations.parquet"
#: Stop searches per force and month of every force with stop-and-search files in the download
#: (:func:`national_search_counts`), for placing a force's stop-search rate among its peers.
NATIONAL_SEARCH_COUNTS_FILE = "national_search_counts.parquet"
#: The note when a download holds one force only.
ONLY_THIS_FORCE = "No national comparator: the download holds only this force."
#: How populations_for matched a name for which the name's own population is known (a 2011
#: authority merged into a bigger 2019 one has no population of its own).
_OWN_POPULATION_MATCHES = ("exact", "normalised", "renamed")

_DICT = pa.dictionary(pa.int32(), pa.string())
_STREET_TYPES = {
    "Crime ID": pa.string(),
    "Month": _DICT,
    "Reported by": _DICT,
    "Longitude": pa.float64(),
    "Latitude": pa.float64(),
    "LSOA code": _DICT,
    "LSOA name": _DICT,
    "Crime type": _DICT,
}
_NS = "datetime64[ns]"
_NO_THEME_TYPES_NOTE = "crime types not listed in offence_themes.csv (scheme police_uk)"


class IncompleteWindowError(ValueError):
    """A requested window has months the download does not hold (a % change would be wrong)."""


# --------------------------------------------------------------------------------------------
# discovering the files of a download


class _Source:
    """A download: a zip archive or a folder. Thread-safe byte reads (one zip handle a thread)."""

    def __init__(self, source: str | os.PathLike):
        self.path = Path(source).expanduser().resolve()
        if not self.path.exists():
            raise FileNotFoundError(
                f"{self.path} does not exist (give a data.police.uk zip or folder)"
            )
        self.is_zip = self.path.is_file() and zipfile.is_zipfile(self.path)
        if self.path.is_file() and not self.is_zip:
            if self.path.suffix.lower() == ".zip":
                raise checks.DownloadError(
                    f"{self.path.name}: not a readable zip archive (damaged or truncated); "
                    "download it again"
                )
            if self.path.suffix.lower() != ".csv":
                raise ValueError(f"{self.path} is neither a zip archive, a folder nor a CSV file")
        self._local = threading.local()

    def _open(self) -> zipfile.ZipFile:
        try:
            return zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as bad:
            raise checks.DownloadError(
                f"{self.path.name}: a damaged zip archive ({clip(str(bad), 60)}); download it again"
            ) from None

    def names(self) -> list[str]:
        if self.is_zip:
            with self._open() as archive:
                return [i.filename for i in archive.infolist() if not i.is_dir()]
        if self.path.is_file():
            return [str(self.path)]
        return sorted(str(p) for p in self.path.rglob("*.csv") if p.is_file())

    def check(self, names: list[str]) -> None:
        """Refuse members that are outside the archive, encrypted, unreadable or too large."""
        if not self.is_zip:
            return
        with self._open() as archive:
            for name in names:
                checks.check_member(archive.getinfo(name), self.path.name)

    def label(self, name: str) -> str:
        """How error lines name a file: the member name, or the path inside the folder."""
        if self.is_zip:
            return name
        path = Path(name)
        try:
            return str(path.relative_to(self.path)) if self.path.is_dir() else path.name
        except ValueError:
            return path.name

    def read(self, name: str) -> bytes:
        if not self.is_zip:
            try:
                check_size(Path(name).stat().st_size, name)
                return Path(name).read_bytes()
            except InputError as bad:
                raise checks.DownloadError(str(bad).replace(name, self.label(name))) from None
            except OSError as bad:
                raise checks.DownloadError(
                    f"{self.label(name)}: cannot be read ({bad.strerror or bad})"
                ) from None
        archive = getattr(self._local, "archive", None)
        if archive is None:
            archive = self._local.archive = self._open()
        return checks.read_member(archive, name, self.path.name)


def discover(source: str | os.PathLike) -> pd.DataFrame:
    """The data.police.uk files in a download.

    Parameters
    ----------
    source : path
        A data.police.uk zip archive, an extracted folder (searched recursively) or one CSV.

    Returns
    -------
    pandas.DataFrame
        One row per file: ``month`` (``YYYY-MM``), ``force`` (slug, e.g. ``staffordshire``),
        ``kind`` (``street``, ``stop_search`` or ``outcomes``) and ``path`` (the member name in
        the zip, or the file's path), sorted by kind, month and force. Files whose names do not
        follow ``YYYY-MM-<force>-<street|stop-and-search|outcomes>.csv`` are ignored.

    Raises
    ------
    FileNotFoundError
        When ``source`` does not exist.
    ValueError
        When it holds no data.police.uk files.
    """
    src = _Source(source)
    rows = []
    for name in src.names():
        match = _FILE_NAME.search(name.replace("\\", "/"))
        if match:
            rows.append((match["month"], match["force"], _KIND_BY_FILE[match["kind"]], name))
    if not rows:
        raise ValueError(
            f"{src.path} holds no data.police.uk files "
            "(expected names like 2019-01/2019-01-staffordshire-street.csv)"
        )
    files = pd.DataFrame(rows, columns=["month", "force", "kind", "path"])
    twice = files[files.duplicated(["month", "force", "kind"], keep=False)]
    if len(twice):
        first = twice.sort_values("path").iloc[:2]["path"].tolist()
        raise checks.DownloadError(
            f"{src.path.name}: the same month, force and kind twice: {clip(first[0], 80)} and "
            f"{clip(first[1], 80)} (rows would be counted twice)"
        )
    src.check(files["path"].tolist())
    return files.sort_values(["kind", "month", "force", "path"]).reset_index(drop=True)


def _select(files: pd.DataFrame, kind: str, force: str | None, src: _Source) -> pd.DataFrame:
    of_kind = files[files["kind"] == kind]
    if force is None:
        return of_kind.reset_index(drop=True)
    chosen = of_kind[of_kind["force"] == force]
    if chosen.empty:
        present = sorted(of_kind["force"].unique())
        listed = ", ".join(present) if present else "none"
        raise ValueError(
            f"no {kind.replace('_', '-')} files for force {force!r} in {src.path}; "
            f"forces with {kind.replace('_', '-')} files: {listed}"
        )
    return chosen.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# reading CSVs with pyarrow


def _read_csvs(
    src: _Source,
    files: pd.DataFrame,
    column_types: dict,
    hash_files: bool = False,
    workers: int | None = None,
) -> tuple[list[pa.Table], list[str | None]]:
    """Read ``files`` (rows of :func:`discover`) with pyarrow.csv, keeping only the columns in
    ``column_types``; blank cells are missing. Returns the tables in order and, when
    ``hash_files``, each file's sha256."""
    convert = pacsv.ConvertOptions(
        column_types=column_types,
        include_columns=list(column_types),
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        null_values=[""],
    )
    numeric = [c for c, t in column_types.items() if pa.types.is_floating(t)]

    def one(name: str):
        data = src.read(name)
        label = src.label(name)
        checks.check_bytes(data, label, list(column_types))
        digest = hashlib.sha256(data).hexdigest() if hash_files else None
        try:
            # one file a thread: pyarrow's own pool is not used from these threads (an error
            # raised while it was busy could abort the process at exit)
            table = pacsv.read_csv(
                pa.BufferReader(data),
                read_options=pacsv.ReadOptions(use_threads=False),
                convert_options=convert,
            )
        except (pa.ArrowInvalid, pa.ArrowKeyError) as bad:
            raise checks.diagnose(label, data, numeric, bad) from None
        return table, digest

    names = list(files["path"])
    if workers is None:
        workers = max(1, min(2, os.cpu_count() or 1))
    if workers == 1 or len(names) < 2:
        results = [one(n) for n in names]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(one, names))
    return [t for t, _ in results], [d for _, d in results]


def _dictionary_parts(column: pa.ChunkedArray) -> tuple[np.ndarray, list]:
    """A dictionary column -> (int codes per row with -1 for missing, the values)."""
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if isinstance(array, pa.ChunkedArray):  # pragma: no cover - pyarrow version difference
        array = array.chunk(0)
    codes = array.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
    values = array.dictionary.to_pylist()
    return codes, values


def _recode(codes: np.ndarray, mapping: np.ndarray) -> np.ndarray:
    """Map codes through ``mapping`` (an int array), keeping -1 as -1."""
    out = np.full(codes.shape, -1, dtype=np.int32)
    ok = codes >= 0
    out[ok] = mapping[codes[ok]]
    return out


def _factor(values: Iterable) -> tuple[np.ndarray, list]:
    """Distinct non-missing values -> (code of each input value, -1 for missing; the levels)."""
    levels: dict = {}
    codes = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            codes.append(-1)
        else:
            codes.append(levels.setdefault(v, len(levels)))
    return np.asarray(codes, dtype=np.int32), list(levels)


def _text_column(codes: np.ndarray, levels: list) -> pa.Array:
    """Codes into ``levels`` -> a plain string array (missing where the code is -1)."""
    dictionary = pa.array(levels, type=pa.string())
    indices = pa.array(codes, type=pa.int32(), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, dictionary).cast(pa.string())


# --------------------------------------------------------------------------------------------
# local authorities, own areas and populations


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


def _la_of_lsoa_name(name: str | None) -> str | None:
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
    table = reference.table("la_population_mid2019", reference_dir)
    table["population_mid2019"] = table["population_mid2019"].astype(int)
    by_name = table.set_index("area_name")
    by_normal = {_normalise_name(n): n for n in table["area_name"]}
    parts: dict[str, int] = {}
    for successor in LA_SUCCESSORS_2019.values():
        parts[successor] = parts.get(successor, 0) + 1
    names = sorted({str(n).strip() for n in local_authorities if isinstance(n, str) and n.strip()})
    rows = []
    for name in names:
        area, how = None, "unmatched"
        if name in by_name.index:
            area, how = name, "exact"
        elif _normalise_name(name) in by_normal:
            area, how = by_normal[_normalise_name(name)], "normalised"
        elif name in LA_SUCCESSORS_2019 and LA_SUCCESSORS_2019[name] in by_name.index:
            area = LA_SUCCESSORS_2019[name]
            how = "merged" if parts[area] > 1 else "renamed"
        if area is None:
            rows.append((name, None, None, pd.NA, how))
        else:
            row = by_name.loc[area]
            rows.append((name, row["area_code"], area, int(row["population_mid2019"]), how))
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


# --------------------------------------------------------------------------------------------
# coverage


@dataclass
class CoverageReport:
    """What a download covers, for the forces read, and what did not map cleanly.

    Attributes
    ----------
    source : str
        The zip or folder read.
    kind : str
        ``street`` or ``stop_search``.
    forces : list of str
        The force slugs read.
    months : list of str
        The months (``YYYY-MM``) from the first to the last any file of this kind in the
        download holds (the span the source covers).
    files : pandas.DataFrame
        The files read (:func:`discover` rows) with ``rows`` (data rows in each).
    missing_files : pandas.DataFrame
        ``force``, ``month``: months of the span with no file for a force that was read.
    absent_forces : list of str
        data.police.uk forces (:data:`POLICE_UK_FORCES`) with no file of this kind at all.
    by_month : pandas.DataFrame
        Per force and month: ``rows``, ``no_location`` (no LSOA / map point: no local
        authority), ``no_coordinates``, ``outside_force_area``, ``not_in_lookup`` and, for stop
        search, ``date_only`` and ``unplaced`` (a point no street record uses).
    outside_area : pandas.DataFrame
        ``force``, ``month``, ``local_authority``, ``rows`` for rows outside the force's area.
    own_areas : pandas.DataFrame
        :func:`own_local_authorities` for the forces read.
    unknown_crime_types : list of str
        Crime types ``offence_themes.csv`` does not list (their theme is left missing).
    notes : list of str
        Anything else a reader should know (e.g. how stop searches were placed).
    """

    source: str
    kind: str
    forces: list[str]
    months: list[str]
    files: pd.DataFrame
    missing_files: pd.DataFrame
    absent_forces: list[str]
    by_month: pd.DataFrame
    outside_area: pd.DataFrame
    own_areas: pd.DataFrame
    unknown_crime_types: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    rule: str = OWN_AREA_RULE

    def months_present(self, force: str | None = None) -> list[str]:
        """Months with a file for ``force`` (every force read when None: months all of them
        have)."""
        forces = [force] if force else self.forces
        sets = [set(self.files.loc[self.files["force"] == f, "month"]) for f in forces]
        return sorted(set.intersection(*sets)) if sets else []

    def months_missing(self, window: Window, force: str | None = None) -> dict[str, list[str]]:
        """``{force: [months of window with no file]}`` for the forces read (only those missing
        something)."""
        wanted = [str(m) for m in window.months()]
        out = {}
        for f in [force] if force else self.forces:
            have = set(self.files.loc[self.files["force"] == f, "month"])
            gaps = [m for m in wanted if m not in have]
            if gaps:
                out[f] = gaps
        return out

    def own_local_authorities(self, force: str) -> list[str]:
        """The force's own local authorities (2011 names), sorted."""
        rows = self.own_areas[(self.own_areas["force"] == force) & self.own_areas["own"]]
        return sorted(rows["local_authority"])

    def totals(self) -> dict[str, int]:
        """Column sums of ``by_month`` (rows, no_location, outside_force_area, ...)."""
        numbers = self.by_month.drop(columns=["force", "month"])
        return {c: int(numbers[c].sum()) for c in numbers.columns}

    def summary_lines(self) -> list[str]:
        """Short sentences for the overview page (counts only, never records)."""
        label = "street crime" if self.kind == STREET_KIND else "stop and search"
        who = self.forces[0] if len(self.forces) == 1 else f"{len(self.forces)} forces"
        totals = self.totals()
        span = f"{self.months[0]} to {self.months[-1]}" if self.months else "no months"
        lines = [
            f"data.police.uk {label} files for {who}: {len(self.files)} files, "
            f"{totals.get('rows', 0):,} rows, covering {span}."
        ]
        if len(self.missing_files):
            gaps = "; ".join(
                f"{f}: {', '.join(g['month'])}" for f, g in self.missing_files.groupby("force")
            )
            lines.append(f"No file for: {gaps}.")
        if self.absent_forces and len(self.forces) > 1:
            lines.append(f"Forces absent from the download: {', '.join(self.absent_forces)}.")
        if totals.get("no_location"):
            lines.append(
                f"{totals['no_location']:,} rows have no location (no local authority or NPT); "
                "they count in force totals only."
            )
        if totals.get("outside_force_area"):
            lines.append(
                f"{totals['outside_force_area']:,} rows fall in local authorities outside the "
                "force's own area (counted in force totals, not in any NPT)."
            )
        if totals.get("not_in_lookup"):
            lines.append(f"{totals['not_in_lookup']:,} rows could not be placed by the NPT lookup.")
        if totals.get("unplaced"):
            lines.append(
                f"{totals['unplaced']:,} searches are at a map point no street record uses, so "
                "their NPT is unknown."
            )
        if totals.get("date_only"):
            lines.append(f"{totals['date_only']:,} searches have a date but no time.")
        if self.unknown_crime_types:
            lines.append(
                f"Crime types with no theme ({_NO_THEME_TYPES_NOTE}): "
                f"{', '.join(self.unknown_crime_types)}."
            )
        lines.extend(self.notes)
        return lines

    def to_dict(self) -> dict:
        """A JSON-ready summary (counts only; no record-level data)."""

        def records(frame: pd.DataFrame) -> list[dict]:
            return json.loads(frame.to_json(orient="records"))

        own = self.own_areas[self.own_areas["own"]]
        return {
            "source": self.source,
            "kind": self.kind,
            "forces": list(self.forces),
            "months": list(self.months),
            "files": int(len(self.files)),
            "missing_files": records(self.missing_files),
            "absent_forces": list(self.absent_forces),
            "totals": self.totals(),
            "by_month": records(self.by_month),
            "outside_area": records(
                self.outside_area.groupby(["force", "local_authority"], as_index=False)[
                    "rows"
                ].sum()
            ),
            "own_local_authorities": {
                f: sorted(g["local_authority"]) for f, g in own.groupby("force")
            },
            "own_area_rule": self.rule,
            "unknown_crime_types": list(self.unknown_crime_types),
            "notes": list(self.notes),
            "summary": self.summary_lines(),
        }


def check_windows(coverage: CoverageReport, windows) -> list[Window]:
    """Refuse windows the download does not fully cover.

    Parameters
    ----------
    coverage : CoverageReport
    windows : Window, iterable of Window, or mapping of name -> Window
        E.g. the ``(previous, current)`` pair of :func:`perfpack.core.windows.comparison_windows`.

    Returns
    -------
    list of Window
        The windows, when every month of each has a file for every force read.

    Raises
    ------
    IncompleteWindowError
        Naming each incomplete window, the force and the missing months, and the months the
        download holds.
    """
    if isinstance(windows, Window):
        named = {windows.label: windows}
    elif isinstance(windows, Mapping):
        named = dict(windows)
    else:
        named = {w.label: w for w in windows}
    problems = []
    for name, window in named.items():
        for force, months in coverage.months_missing(window).items():
            label = name if name == window.label else f"{name} ({window.label})"
            problems.append(f"window {label} for {force} lacks {', '.join(months)}")
    if problems:
        span = f"{coverage.months[0]} to {coverage.months[-1]}" if coverage.months else "nothing"
        raise IncompleteWindowError(
            "; ".join(problems)
            + f". The data.police.uk {coverage.kind.replace('_', '-')} files in "
            f"{coverage.source} cover {span}; a % change over a window with missing months "
            "would be wrong, so it is refused. Choose a period whose windows the download covers."
        )
    return list(named.values())


def _span(months: Iterable[str]) -> list[str]:
    months = sorted(set(months))
    if not months:
        return []
    return [str(p) for p in pd.period_range(months[0], months[-1], freq="M")]


def _missing_files(all_files: pd.DataFrame, read: pd.DataFrame, kind: str) -> pd.DataFrame:
    span = _span(all_files.loc[all_files["kind"] == kind, "month"])
    rows = []
    for force in sorted(read["force"].unique()):
        have = set(read.loc[read["force"] == force, "month"])
        rows.extend((force, m) for m in span if m not in have)
    return pd.DataFrame(rows, columns=["force", "month"]).astype("str")


def _absent(all_files: pd.DataFrame, kind: str) -> list[str]:
    present = set(all_files.loc[all_files["kind"] == kind, "force"])
    return [f for f in POLICE_UK_FORCES if f not in present]


# --------------------------------------------------------------------------------------------
# lookups


def _lookup_maps(lookup) -> tuple[dict, dict]:
    """A force lookup (DataFrame or CSV path) -> ({lsoa_code: npt}, {local_authority: npt})."""
    if lookup is None:
        return {}, {}
    if not isinstance(lookup, pd.DataFrame):
        try:
            check_size(Path(lookup).stat().st_size, Path(lookup).name)
            lookup = reference.read_reference_csv(Path(lookup))
        except (OSError, ValueError) as bad:
            raise checks.DownloadError(
                f"{Path(lookup).name}: not a readable lookup CSV ({clip(str(bad), 80)})"
            ) from None
    if "npt" not in lookup.columns or not ({"lsoa_code", "local_authority"} & set(lookup.columns)):
        raise ValueError(
            "an NPT lookup needs an 'npt' column and an 'lsoa_code' or 'local_authority' column"
        )

    def mapping(key: str) -> dict:
        if key not in lookup.columns:
            return {}
        pairs = lookup[[key, "npt"]].dropna()
        pairs = pairs[(pairs[key].astype(str).str.strip() != "") & (pairs["npt"].astype(str) != "")]
        return dict(zip(pairs[key].astype(str).str.strip(), pairs["npt"].astype(str), strict=True))

    return mapping("lsoa_code"), mapping("local_authority")


# --------------------------------------------------------------------------------------------
# street records


@dataclass
class _StreetData:
    """Street records as arrays (internal): what read_street, stop search placement and ingest
    share."""

    table: pa.Table  # canonical crimes + extras
    coverage: CoverageReport
    digests: list[str | None]
    lon: np.ndarray
    lat: np.ndarray
    la_codes: np.ndarray
    las: list
    force_codes: np.ndarray
    forces: list


def _theme_map(reference_dir: Path) -> dict[str, str | None]:
    themes = reference.offence_themes(reference_dir)
    themes = themes[themes["scheme"] == "police_uk"]
    return {c: (t if t else None) for c, t in zip(themes["code"], themes["theme"], strict=True)}


def _load_street(
    source,
    force: str | None = None,
    lookup=None,
    reference_dir: Path = REFERENCE_DIR,
    min_share: float = OWN_AREA_MIN_SHARE,
    hash_files: bool = False,
) -> _StreetData:
    src = _Source(source)
    all_files = discover(source)
    files = _select(all_files, STREET_KIND, force, src)
    tables, digests = _read_csvs(src, files, _STREET_TYPES, hash_files=hash_files)
    counts = np.array([t.num_rows for t in tables], dtype=np.int64)
    files = files.assign(rows=counts)
    whole = pa.concat_tables(tables).unify_dictionaries() if tables else None
    del tables
    n = int(counts.sum())

    forces, file_force = np.unique(files["force"].to_numpy(dtype=object), return_inverse=True)
    forces = [str(f) for f in forces]
    force_codes = np.repeat(file_force.astype(np.int32), counts)
    file_month = np.repeat(files["month"].to_numpy(dtype=object), counts)

    # month: the Month column (first of month); a blank Month falls back to the file's month
    locator = checks.RowLocator(src, files["path"], counts)
    for name in ("Crime ID", "Reported by", "LSOA code", "LSOA name", "Crime type"):
        checks.check_text(whole[name], name, locator)
    month_codes, month_values = _dictionary_parts(whole["Month"])
    month_text = pd.Series(month_values, dtype="str")
    month_stamps = pd.to_datetime(
        month_text.where(
            month_text.str.fullmatch(r"(1[7-9][0-9]{2}|2[01][0-9]{2}|22[0-5][0-9])-(0[1-9]|1[0-2])")
        ),
        format="%Y-%m",
        errors="coerce",
    ).astype(_NS)
    failed = month_stamps.isna() & month_text.str.strip().ne("")
    if bool(failed.any()):
        code = int(np.flatnonzero(failed.to_numpy())[0])
        raise locator.fail(
            int(np.flatnonzero(month_codes == code)[0]),
            "Month",
            month_values[code],
            "is not a month (YYYY-MM, years 1700 to 2259)" + checks.digit_note(month_values[code]),
        )
    month = np.empty(n, dtype=_NS)
    ok = month_codes >= 0
    month[ok] = month_stamps.to_numpy()[month_codes[ok]]
    if (~ok).any() or month_stamps.isna().any():
        bad = ~ok | np.isnat(month)
        month[bad] = pd.to_datetime(pd.Series(file_month[bad]), format="%Y-%m").to_numpy()
    # a Month other than the file's own: a mislabelled or merged file (rows in the wrong month)
    file_stamps = pd.to_datetime(pd.Series(files["month"]), format="%Y-%m").to_numpy()
    other = np.flatnonzero(month != np.repeat(file_stamps, counts))
    if len(other):
        row = int(other[0])
        raise locator.fail(
            row,
            "Month",
            f"{pd.Timestamp(month[row]):%Y-%m}",
            f"is not the month of its file ({file_month[row]}, from the file name)",
        )

    # local authority from the LSOA name (transformed once per distinct name)
    name_codes, name_values = _dictionary_parts(whole["LSOA name"])
    la_of_name, las = _factor(_la_of_lsoa_name(v) for v in name_values)
    la_codes = _recode(name_codes, la_of_name)
    lon = whole["Longitude"].to_numpy()
    lat = whole["Latitude"].to_numpy()
    checks.check_coordinates(lon, lat, locator)
    located = la_codes >= 0

    # own areas: the force's located rows per local authority
    n_la = max(len(las), 1)
    pair = force_codes.astype(np.int64)[located] * n_la + la_codes[located]
    tally = np.bincount(pair, minlength=len(forces) * n_la).reshape(len(forces), n_la)
    fi, li = np.nonzero(tally)
    own_areas = own_local_authorities(
        pd.DataFrame(
            {
                "force": [forces[i] for i in fi],
                "local_authority": [las[j] for j in li],
                "rows": tally[fi, li],
            }
        ),
        min_share=min_share,
        reference_dir=reference_dir,
    )
    own_matrix = np.zeros((len(forces), n_la), dtype=bool)
    force_index = {f: i for i, f in enumerate(forces)}
    la_index = {a: j for j, a in enumerate(las)}
    for f, a in own_areas.loc[own_areas["own"], ["force", "local_authority"]].itertuples(
        index=False
    ):
        own_matrix[force_index[f], la_index[a]] = True
    own = np.zeros(n, dtype=bool)
    own[located] = own_matrix[force_codes[located], la_codes[located]]
    outside = located & ~own

    # NPT: lookup (LSOA code, then local authority) or the local authority itself
    lsoa_codes, lsoa_values = _dictionary_parts(whole["LSOA code"])
    by_lsoa, by_la = _lookup_maps(lookup)
    if lookup is None:
        npt_codes = np.where(own, la_codes, -1).astype(np.int32)
        npts = las
        not_in_lookup = np.zeros(n, dtype=bool)
    else:
        npt_levels: dict[str, int] = {}
        lsoa_npt = np.array(
            [
                npt_levels.setdefault(by_lsoa[v], len(npt_levels)) if v in by_lsoa else -1
                for v in lsoa_values
            ]
            or [-1],
            dtype=np.int32,
        )
        la_npt = np.array(
            [npt_levels.setdefault(by_la[a], len(npt_levels)) if a in by_la else -1 for a in las]
            or [-1],
            dtype=np.int32,
        )
        from_lsoa = _recode(lsoa_codes, lsoa_npt)
        from_la = np.where(own, _recode(la_codes, la_npt), -1)
        npt_codes = np.where(from_lsoa >= 0, from_lsoa, from_la).astype(np.int32)
        npts = list(npt_levels)
        not_in_lookup = own & (npt_codes < 0)

    # theme from the crime type
    type_codes, type_values = _dictionary_parts(whole["Crime type"])
    theme_map = _theme_map(reference_dir)
    theme_of_type, themes = _factor(theme_map.get(t) for t in type_values)
    theme_codes = _recode(type_codes, theme_of_type)
    unknown_types = sorted(
        {
            t
            for t, c in zip(
                type_values,
                np.bincount(type_codes[type_codes >= 0], minlength=len(type_values)),
                strict=True,
            )
            if c and t not in theme_map
        }
    )

    reported_codes, reported_values = _dictionary_parts(whole["Reported by"])
    month_array = pa.array(month, type=pa.timestamp("ns"))
    missing_text = pa.nulls(n, type=pa.string())
    columns = {
        "crime_id": whole["Crime ID"].combine_chunks() if n else pa.array([], pa.string()),
        "recorded_date": month_array,
        "month": month_array,
        "offence_code": missing_text,
        "crime_type": _text_column(type_codes, type_values),
        "theme": _text_column(theme_codes, themes),
        "npt": _text_column(npt_codes, npts),
        "local_authority": _text_column(la_codes, las),
        "lsoa_code": _text_column(lsoa_codes, lsoa_values),
        "knife": pa.nulls(n, type=pa.bool_()),
        "victim_age": pa.nulls(n, type=pa.int64()),
        "victim_sex": missing_text,
        "suspect_age": pa.nulls(n, type=pa.int64()),
        "suspect_sex": missing_text,
        "force": _text_column(force_codes, forces),
        "reported_by": _text_column(reported_codes, reported_values),
    }
    table = pa.table(columns)

    month_labels, month_code = _month_codes(month)
    by_month = _tally(
        force_codes,
        month_code,
        forces,
        month_labels,
        files,
        {
            "no_location": ~located,
            "no_coordinates": np.isnan(lon) | np.isnan(lat),
            "outside_force_area": outside,
            "not_in_lookup": not_in_lookup,
        },
    )
    outside_area = _tally_outside(
        force_codes, month_code, la_codes, outside, forces, month_labels, las
    )
    coverage = CoverageReport(
        source=str(src.path),
        kind=STREET_KIND,
        forces=forces,
        months=_span(all_files.loc[all_files["kind"] == STREET_KIND, "month"]),
        files=files[["month", "force", "kind", "path", "rows"]],
        missing_files=_missing_files(all_files, files, STREET_KIND),
        absent_forces=_absent(all_files, STREET_KIND),
        by_month=by_month,
        outside_area=outside_area,
        own_areas=own_areas,
        unknown_crime_types=unknown_types,
    )
    return _StreetData(table, coverage, digests, lon, lat, la_codes, las, force_codes, forces)


def _month_codes(month: np.ndarray) -> tuple[list[str], np.ndarray]:
    """datetime64 months -> (``YYYY-MM`` labels, code of each row; -1 where NaT)."""
    values = month.view(np.int64)
    nat = np.isnat(month)
    levels, codes = np.unique(values[~nat], return_inverse=True)
    out = np.full(month.shape, -1, dtype=np.int64)
    out[~nat] = codes
    labels = [f"{pd.Timestamp(v):%Y-%m}" for v in levels]
    return labels, out


def _tally(
    force_codes: np.ndarray,
    month_codes: np.ndarray,
    forces: list,
    months: list,
    files: pd.DataFrame,
    flags: dict[str, np.ndarray],
) -> pd.DataFrame:
    """Per force and month: ``rows`` and the number of rows with each flag set (every file's
    force and month appear, with 0s when empty)."""
    size = max(len(forces) * max(len(months), 1), 1)
    ok = month_codes >= 0
    key = force_codes.astype(np.int64)[ok] * max(len(months), 1) + month_codes[ok]
    counts = {"rows": np.bincount(key, minlength=size)}
    for name, flag in flags.items():
        counts[name] = np.bincount(key, weights=flag[ok].astype(np.float64), minlength=size)
    grid = pd.DataFrame(
        {
            "force": np.repeat(np.asarray(forces, dtype=object), max(len(months), 1)),
            "month": np.tile(np.asarray(months or [""], dtype=object), len(forces)),
            **{name: values.astype(np.int64) for name, values in counts.items()},
        }
    )
    grid = grid[grid["rows"] > 0]
    keys = files[["force", "month"]].drop_duplicates()
    out = pd.concat(
        [
            grid,
            keys[
                ~keys.set_index(["force", "month"]).index.isin(
                    grid.set_index(["force", "month"]).index
                )
            ],
        ],
        ignore_index=True,
    ).fillna(0)
    numbers = [c for c in out.columns if c not in ("force", "month")]
    out[numbers] = out[numbers].astype(int)
    out = out.astype({"force": "str", "month": "str"})
    return out.sort_values(["force", "month"]).reset_index(drop=True)


def _tally_outside(
    force_codes, month_codes, la_codes, outside, forces, months, las
) -> pd.DataFrame:
    """Rows outside the force's area per force, month and local authority."""
    chosen = outside & (month_codes >= 0)
    frame = pd.DataFrame(
        {"f": force_codes[chosen], "m": month_codes[chosen], "a": la_codes[chosen]}
    )
    counted = frame.groupby(["f", "m", "a"]).size().rename("rows").reset_index()
    out = pd.DataFrame(
        {
            "force": np.asarray(forces, dtype=object)[counted["f"].to_numpy()]
            if len(counted)
            else [],
            "month": np.asarray(months, dtype=object)[counted["m"].to_numpy()]
            if len(counted)
            else [],
            "local_authority": np.asarray(las, dtype=object)[counted["a"].to_numpy()]
            if len(counted)
            else [],
            "rows": counted["rows"].to_numpy(dtype=np.int64),
        }
    )
    return out.astype({"force": "str", "month": "str", "local_authority": "str"})


def _to_pandas(table: pa.Table, name: str) -> pd.DataFrame:
    """An Arrow table -> pandas in the canonical dtypes (``str``, ``datetime64[ns]``, ``Int64``,
    ``boolean``)."""
    mapping = {pa.bool_(): pd.BooleanDtype(), pa.int64(): pd.Int64Dtype()}
    frame = table.to_pandas(types_mapper=mapping.get)
    spec = {**CANONICAL[name], **EXTRA_COLUMNS[name]}
    for column, kind in spec.items():
        if kind == "str" and frame[column].dtype != "str":
            frame[column] = frame[column].astype("str")
        elif kind in ("datetime", "month"):
            frame[column] = frame[column].astype(_NS)
    return frame[list(spec)]


def read_street(
    source: str | os.PathLike,
    force: str | None = None,
    lookup=None,
    reference_dir: Path = REFERENCE_DIR,
    min_share: float = OWN_AREA_MIN_SHARE,
) -> tuple[pd.DataFrame, CoverageReport]:
    """Street-level crime files of a download -> the canonical ``crimes`` table.

    Parameters
    ----------
    source : path
        A data.police.uk zip, folder or CSV.
    force : str, optional
        Force slug (``staffordshire``); None reads every force in the download.
    lookup : pandas.DataFrame or path, optional
        A force's NPT lookup: ``npt`` with ``lsoa_code`` and/or ``local_authority``. Without
        it the NPT is the local authority (for the force's own local authorities).
    min_share : float
        The own-area share (:data:`OWN_AREA_RULE`).

    Returns
    -------
    (pandas.DataFrame, CoverageReport)
        The canonical crimes columns plus ``force`` and ``reported_by``, one row per record, in
        file order (month, then force), and the coverage of what was read.
    """
    data = _load_street(source, force, lookup, reference_dir, min_share)
    return _to_pandas(data.table, "crimes"), data.coverage


# --------------------------------------------------------------------------------------------
# stop and search


def _point_keys(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Anonymised map points -> one int64 each (microdegrees); -1 where either is missing."""
    bad = np.isnan(lon) | np.isnan(lat)
    x = np.round(np.where(bad, 0, lon) * 1e6).astype(np.int64) + 180_000_000
    y = np.round(np.where(bad, 0, lat) * 1e6).astype(np.int64) + 90_000_000
    return np.where(bad, -1, (x << 32) | y)


def _point_places(street: _StreetData) -> pd.Series:
    """Map point key -> the local authority code most street records at that point have."""
    keys = _point_keys(street.lon, street.lat)
    ok = (keys >= 0) & (street.la_codes >= 0)
    pairs = pd.DataFrame({"key": keys[ok], "la": street.la_codes[ok]})
    counted = pairs.groupby(["key", "la"]).size().rename("n").reset_index()
    counted = counted.sort_values(["key", "n"], ascending=[True, False], kind="stable")
    return counted.drop_duplicates("key").set_index("key")["la"]


def _bool_text(values: pd.Series) -> pd.Series:
    return values.map({"True": True, "False": False, "true": True, "false": False}).astype(
        "boolean"
    )


def _load_stop_search(
    source,
    force: str | None,
    lookup,
    street: _StreetData | None,
    reference_dir: Path,
    min_share: float,
    hash_files: bool = False,
) -> tuple[pd.DataFrame, CoverageReport, list[str | None]]:
    from perfpack.ingest.parsers import parse_datetime_local

    src = _Source(source)
    all_files = discover(source)
    files = _select(all_files, STOP_SEARCH_KIND, force, src)
    types = {c: pa.string() for c in STOP_SEARCH_COLUMNS}
    types.update({"Latitude": pa.float64(), "Longitude": pa.float64()})
    tables, digests = _read_csvs(src, files, types, hash_files=hash_files)
    counts = np.array([t.num_rows for t in tables], dtype=np.int64)
    files = files.assign(rows=counts)
    frame = (
        pa.concat_tables(tables).to_pandas()
        if tables
        else pd.DataFrame({c: pd.Series(dtype="str") for c in STOP_SEARCH_COLUMNS})
    )
    n = len(frame)
    locator = checks.RowLocator(src, files["path"], counts)
    if tables:
        whole = pa.concat_tables(tables)
        for name in STOP_SEARCH_COLUMNS:
            if name not in ("Latitude", "Longitude"):
                checks.check_text(whole[name], name, locator)
        del whole
    file_force = np.repeat(files["force"].to_numpy(dtype=object), counts)
    file_month = np.repeat(files["month"].to_numpy(dtype=object), counts)
    row_in_file = np.concatenate([np.arange(c) for c in counts]) if n else np.array([], int)

    # date and time: a published clock time of exactly 00:00 is a date-only record
    written = frame["Date"].astype("str").str.strip()
    date_only = written.str.fullmatch(_DATE_ONLY).fillna(False).astype(
        bool
    ) | written.str.fullmatch(_MIDNIGHT).fillna(False).astype(bool)
    when = parse_datetime_local(written.fillna(""))
    midnight = pd.to_datetime(written.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    when = when.mask(date_only, midnight.astype(_NS)).astype(_NS)
    undated = when.isna() & written.fillna("").ne("")
    if bool(undated.any()):
        row = int(np.flatnonzero(undated.to_numpy())[0])
        raise locator.fail(
            row,
            "Date",
            written.iloc[row],
            "is not a date and time (ISO 8601)" + checks.digit_note(written.iloc[row]),
        )
    linked_text = frame["Outcome linked to object of search"].astype("str")
    not_bool = linked_text.notna() & ~linked_text.isin(["True", "False", "true", "false"])
    if bool(not_bool.any()):
        row = int(np.flatnonzero(not_bool.to_numpy())[0])
        raise locator.fail(
            row, "Outcome linked to object of search", linked_text.iloc[row], "is not True or False"
        )
    month = when.dt.to_period("M").dt.to_timestamp().astype(_NS)
    time_known = (~date_only).astype("boolean").mask(when.isna())

    # place: the LSOA of street records at exactly the same anonymised point
    lon = frame["Longitude"].to_numpy(dtype=float, na_value=np.nan)
    lat = frame["Latitude"].to_numpy(dtype=float, na_value=np.nan)
    checks.check_coordinates(lon, lat, locator)
    keys = _point_keys(lon, lat)
    no_location = keys < 0
    notes = [
        "Stop searches are placed in the local authority of street records published at the "
        "same anonymised map point in this download; the files give no area of their own."
    ]
    if street is not None and street.table.num_rows:
        places = _point_places(street)
        la_codes = places.reindex(keys).fillna(-1).to_numpy(dtype=np.int32)
        las = street.las
        own_areas = street.coverage.own_areas
    else:
        la_codes = np.full(n, -1, dtype=np.int32)
        las = []
        own_areas = own_local_authorities(
            pd.DataFrame({"force": [], "local_authority": [], "rows": []}),
            min_share=min_share,
            reference_dir=reference_dir,
        )
        notes.append("No street files for these forces in the download: no search is placed.")
    unplaced = ~no_location & (la_codes < 0)
    la = pd.Series(np.asarray(las + [None], dtype=object)[la_codes], dtype="str")
    own_pairs = set(
        own_areas.loc[own_areas["own"], ["force", "local_authority"]].itertuples(index=False)
    )
    own = (
        np.array([(f, a) in own_pairs for f, a in zip(file_force, la, strict=True)], dtype=bool)
        if n
        else np.zeros(0, dtype=bool)
    )
    outside = (la_codes >= 0) & ~own
    by_lsoa, by_la = _lookup_maps(lookup)
    if lookup is None:
        npt = la.where(own)
        not_in_lookup = np.zeros(n, dtype=bool)
    else:
        npt = la.map(by_la).where(own)
        not_in_lookup = own & npt.isna().to_numpy()
        if by_lsoa and not by_la:
            notes.append(
                "The lookup is by LSOA, which searches do not carry: use a local "
                "authority lookup to place searches in NPTs."
            )

    search_id = (
        pd.Series(file_force, dtype="str")
        + "-"
        + pd.Series(file_month, dtype="str")
        + "-"
        + pd.Series(row_in_file + 1).astype("str").str.zfill(5)
    )
    canonical = pd.DataFrame(
        {
            "search_id": search_id,
            "datetime": when,
            "month": month,
            "time_known": time_known,
            "npt": npt.astype("str"),
            "team": pd.Series(pd.NA, index=frame.index, dtype="str"),
            "type": frame["Type"],
            "legislation": frame["Legislation"],
            "object_of_search": frame["Object of search"],
            "outcome": frame["Outcome"],
            "outcome_linked": _bool_text(frame["Outcome linked to object of search"]),
            "age_range": frame["Age range"],
            "gender": frame["Gender"],
            "self_defined_ethnicity": frame["Self-defined ethnicity"],
            "officer_defined_ethnicity": frame["Officer-defined ethnicity"],
            "force": pd.Series(file_force, dtype="str"),
        }
    )
    spec = {**CANONICAL["stop_searches"], **EXTRA_COLUMNS["stop_searches"]}
    for column, kind in spec.items():
        if kind == "str":
            canonical[column] = canonical[column].astype("str")
    canonical = canonical[list(spec)]

    row_month = month.dt.strftime("%Y-%m").fillna(pd.Series(file_month, dtype="str"))
    month_code, month_labels = pd.factorize(row_month)
    forces = sorted(files["force"].unique())
    force_codes = pd.Categorical(file_force, categories=forces).codes.astype(np.int32)
    by_month = _tally(
        force_codes,
        month_code.astype(np.int64),
        forces,
        list(month_labels),
        files,
        {
            "no_location": no_location,
            "no_coordinates": no_location,
            "outside_force_area": outside,
            "not_in_lookup": not_in_lookup,
            "date_only": date_only.to_numpy(dtype=bool),
            "unplaced": unplaced,
        },
    )
    la_index = np.where(la_codes >= 0, la_codes, 0)
    outside_area = _tally_outside(
        force_codes, month_code, la_index, outside, forces, list(month_labels), las or [""]
    )
    coverage = CoverageReport(
        source=str(src.path),
        kind=STOP_SEARCH_KIND,
        forces=forces,
        months=_span(all_files.loc[all_files["kind"] == STOP_SEARCH_KIND, "month"]),
        files=files[["month", "force", "kind", "path", "rows"]],
        missing_files=_missing_files(all_files, files, STOP_SEARCH_KIND),
        absent_forces=_absent(all_files, STOP_SEARCH_KIND),
        by_month=by_month,
        outside_area=outside_area,
        own_areas=own_areas[own_areas["force"].isin(forces)].reset_index(drop=True),
        notes=notes,
    )
    return canonical.reset_index(drop=True), coverage, digests


def read_stop_search(
    source: str | os.PathLike,
    force: str | None = None,
    lookup=None,
    reference_dir: Path = REFERENCE_DIR,
    min_share: float = OWN_AREA_MIN_SHARE,
) -> tuple[pd.DataFrame, CoverageReport]:
    """Stop-and-search files of a download -> the canonical ``stop_searches`` table.

    The searches are placed through the street files of the same forces in the download (see
    the module notes); the force's own local authorities come from those street files too.

    Parameters
    ----------
    source : path
    force : str, optional
        Force slug; None reads every force with stop-and-search files.
    lookup : pandas.DataFrame or path, optional
        NPT lookup by ``local_authority`` (searches carry no LSOA).

    Returns
    -------
    (pandas.DataFrame, CoverageReport)
        Canonical ``stop_searches`` columns plus ``force``; ``team`` is always missing. The
        coverage counts date-only times, searches with no location, unplaced searches and
        searches outside the force's own area, per force and month.
    """
    src = _Source(source)
    all_files = discover(source)
    files = _select(all_files, STOP_SEARCH_KIND, force, src)
    street_files = all_files[
        (all_files["kind"] == STREET_KIND) & all_files["force"].isin(files["force"])
    ]
    street = (
        _load_street(source, force, None, reference_dir, min_share) if len(street_files) else None
    )
    frame, coverage, _ = _load_stop_search(source, force, lookup, street, reference_dir, min_share)
    return frame, coverage


# --------------------------------------------------------------------------------------------
# populations and the national comparator


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
    for force in coverage.forces:
        if force in NON_TERRITORIAL_FORCES:
            rows.append((force, pd.NA, 0, ""))
            continue
        if force in whole_areas.index:
            rows.append((force, int(whole_areas[force]), 1, ""))
            continue
        names = own.loc[own["force"] == force, "local_authority"]
        pops = populations_for(names, reference_dir)
        matched = pops[pops["match"] != "unmatched"].drop_duplicates("area_code")
        unmatched = "; ".join(pops.loc[pops["match"] == "unmatched", "local_authority"])
        total = int(matched["population_mid2019"].sum()) if len(matched) else pd.NA
        rows.append((force, total, len(matched), unmatched))
    frame = pd.DataFrame(rows, columns=["force", "population", "areas", "unmatched"])
    frame["population"] = frame["population"].astype("Int64")
    return frame.astype({"force": "str", "unmatched": "str"})


def whole_force_populations(reference_dir: Path = REFERENCE_DIR) -> pd.Series:
    """Populations of whole force areas that are not made of England and Wales local
    authorities (``data/reference/force_population_mid2019.csv``: Northern Ireland, NISRA's
    mid-2019 estimate), as int indexed by force slug."""
    table = reference.table("force_population_mid2019", reference_dir)
    return table.set_index("force")["population_mid2019"].astype(int)


@dataclass
class NationalRates:
    """Crimes per 1,000 residents over the forces present in a download.

    ``rates``: ``group`` (theme slug, or ``all_crime`` = every crime type except anti-social
    behaviour), ``crimes``, ``population``, ``rate_per_1000``. ``forces``: the forces counted;
    ``months``: the months counted (the rate is over those months, not annualised);
    ``excluded``: ``{force: reason}``; ``note``: one sentence stating the coverage.
    """

    rates: pd.DataFrame
    forces: list[str]
    months: list[str]
    excluded: dict[str, str]
    note: str

    def rate(self, group: str) -> float | None:
        rows = self.rates[self.rates["group"] == group]
        return None if rows.empty else float(rows["rate_per_1000"].iloc[0])

    def to_dict(self) -> dict:
        return {
            "rates": json.loads(self.rates.to_json(orient="records")),
            "forces": list(self.forces),
            "months": list(self.months),
            "excluded": dict(self.excluded),
            "note": self.note,
        }


def national_counts(crimes) -> pd.DataFrame:
    """Record-level crimes -> the compact national table: crimes per force, month, crime type
    and theme (what :func:`national_rates` needs, a few thousand rows for a national download).

    Parameters
    ----------
    crimes : pandas.DataFrame or pyarrow.Table
        Canonical crimes with ``force`` (:func:`read_street`), or at least ``force``, ``month``,
        ``crime_type`` and ``theme``.

    Returns
    -------
    pandas.DataFrame
        ``force``, ``month`` (first day of the month), ``crime_type``, ``theme`` (missing
        outside every theme), ``crimes`` (int, at least 1), sorted by force, month, crime type.
    """
    keys = ["force", "month", "crime_type", "theme"]
    if isinstance(crimes, pa.Table):
        grouped = (
            crimes.select(keys)
            .group_by(keys)
            .aggregate([([], "count_all")])
            .rename_columns([*keys, "crimes"])
            .to_pandas()
        )
    else:
        grouped = (
            crimes[keys]
            .groupby(keys, dropna=False, observed=True)
            .size()
            .reset_index(name="crimes")
        )
    grouped = grouped[grouped["force"].notna()]
    out = pd.DataFrame(
        {
            "force": grouped["force"].astype("str"),
            "month": pd.to_datetime(grouped["month"]).astype(_NS),
            "crime_type": grouped["crime_type"].astype("str"),
            "theme": grouped["theme"].astype("str"),
            "crimes": grouped["crimes"].astype("int64"),
        }
    )
    return out.sort_values(["force", "month", "crime_type"]).reset_index(drop=True)


def national_search_counts(coverage: CoverageReport) -> pd.DataFrame:
    """Stop searches per force and month from a stop-and-search :class:`CoverageReport`.

    Returns
    -------
    pandas.DataFrame
        ``force``, ``month`` (first day of the month of the search's date), ``searches`` (int;
        0 for a force's month whose file holds no search). A force and month with no file has
        no row.
    """
    tally = coverage.by_month
    return pd.DataFrame(
        {
            "force": tally["force"].astype("str"),
            "month": pd.to_datetime(tally["month"], format="%Y-%m").astype(_NS),
            "searches": tally["rows"].astype("int64"),
        }
    ).reset_index(drop=True)


def national_rates(
    all_forces_crimes: pd.DataFrame,
    populations,
    window: Window | None = None,
    groups: Iterable[str] | None = None,
) -> NationalRates:
    """The national comparator: crimes per 1,000 residents over every force present.

    A force counts when it has records in every month counted and a population; the others are
    listed in ``excluded`` with the reason (e.g. ``no file for 2018-10``). Anti-social behaviour
    is never a crime. The rate is over the months counted (5 months give a 5-month rate).

    Parameters
    ----------
    all_forces_crimes : pandas.DataFrame
        Canonical crimes with ``force`` (from :func:`read_street` with ``force=None``), or the
        same already counted by :func:`national_counts` (a ``crimes`` column: what an ingest
        stores, :func:`stored_national_rates`).
    populations : pandas.DataFrame or pandas.Series
        :func:`force_populations` output (``force``, ``population``) or a Series by force.
    window : Window, optional
        Count only these months; every one must be in the data for a force to count.
    groups : iterable of str, optional
        Themes to rate (default: every theme present); ``all_crime`` is always added.

    Returns
    -------
    NationalRates

    Raises
    ------
    IncompleteWindowError
        When no force has every month of ``window``.
    """
    if isinstance(populations, pd.DataFrame):
        populations = populations.set_index("force")["population"]
    if "crimes" in all_forces_crimes.columns:
        counts = all_forces_crimes
    else:
        counts = national_counts(all_forces_crimes)
    counts = counts[counts["crimes"] > 0]
    months_present = sorted(f"{m:%Y-%m}" for m in pd.to_datetime(counts["month"].dropna().unique()))
    months = [str(m) for m in window.months()] if window is not None else months_present
    if window is not None:
        counts = counts[window.contains(counts["month"])]
    pairs = counts[["force", "month"]].dropna().drop_duplicates()
    pairs = pairs.assign(label=pairs["month"].dt.strftime("%Y-%m"))
    have = pairs.groupby("force")["label"].agg(set)
    excluded: dict[str, str] = {}
    included: list[str] = []
    present = {str(f) for f in all_forces_crimes["force"].dropna().unique()}
    for force in sorted(present):
        got = have.get(force, set())
        gaps = [m for m in months if m not in got]
        pop = populations.get(force, pd.NA)
        if force in NON_TERRITORIAL_FORCES:
            excluded[force] = "not a territorial force, no resident population"
        elif force in OUTSIDE_ENGLAND_WALES:
            excluded[force] = "outside England and Wales"
        elif gaps:
            excluded[force] = f"no records for {', '.join(gaps)}"
        elif pd.isna(pop) or pop <= 0:
            excluded[force] = "no population for its area"
        else:
            included.append(force)
    if not included:
        raise IncompleteWindowError(
            f"no force has records in every month of {months[0]} to {months[-1]}; "
            "the national rate cannot be computed over that window"
        )
    counted = counts[counts["force"].isin(included)]
    population = int(sum(int(populations[f]) for f in included))
    wanted = list(groups) if groups is not None else sorted(counted["theme"].dropna().unique())
    rows = [(g, int(counted.loc[counted["theme"] == g, "crimes"].sum())) for g in wanted]
    is_crime = counted["crime_type"] != "Anti-social behaviour"
    rows.append(("all_crime", int(counted.loc[is_crime, "crimes"].sum())))
    rates = pd.DataFrame(rows, columns=["group", "crimes"])
    rates["population"] = population
    rates["rate_per_1000"] = rates["crimes"] / population * 1000
    rates["group"] = rates["group"].astype("str")
    note = (
        f"Crimes per 1,000 residents (mid-2019) over {len(included)} forces with records for "
        f"every month {months[0]} to {months[-1]} ({len(months)} months, not annualised); "
        f"population {population:,}."
    )
    if excluded:
        note += " Not counted: " + "; ".join(f"{f} ({why})" for f, why in excluded.items()) + "."
    absent = [
        f
        for f in POLICE_UK_FORCES
        if f not in present and f not in NON_TERRITORIAL_FORCES and f != "northern-ireland"
    ]
    if absent:
        note += f" Absent from the download: {', '.join(absent)}."
    return NationalRates(rates, included, months, excluded, note)


def _no_national(months: list[str], note: str, forces: list[str] | None = None) -> NationalRates:
    empty = pd.DataFrame(
        {
            "group": pd.Series(dtype="str"),
            "crimes": pd.Series(dtype="int64"),
            "population": pd.Series(dtype="int64"),
            "rate_per_1000": pd.Series(dtype="float64"),
        }
    )
    return NationalRates(empty, list(forces or []), months, {}, note)


def stored_national_rates(
    processed_dir=None, window: Window | None = None, groups: Iterable[str] | None = None
) -> NationalRates | None:
    """The national comparator of a processed data.police.uk download, over ``window``.

    An ingest (:func:`ingest_police_uk`) stores every force's crimes per month, crime type and
    theme (``national_counts.parquet``) and each force's population
    (``national_populations.parquet``); this computes :func:`national_rates` from them, so the
    window can be chosen at run time.

    Parameters
    ----------
    processed_dir : path, optional
        Default ``data/processed``.
    window : Window, optional
        The months to count (the force's own rate window); default every month stored.
    groups : iterable of str, optional
        Themes to rate (``all_crime`` is always added).

    Returns
    -------
    NationalRates or None
        None when the processed data is not a data.police.uk download (a force extract: its
        national figures are the reference table's). When there is nothing to compare with, the
        result holds no rates (``rate()`` is None) and its ``note`` says why: the download holds
        only this force (:data:`ONLY_THIS_FORCE`), no force has every month of the window, or
        the national table was not stored.
    """
    from perfpack.data import tables

    folder = tables.processed_dir(processed_dir)
    manifest = tables.manifest(folder)
    if manifest.get("data_source") != "police_uk":
        return None
    months = [str(m) for m in window.months()] if window is not None else []
    counts_file, pops_file = folder / NATIONAL_COUNTS_FILE, folder / NATIONAL_POPULATIONS_FILE
    if not (counts_file.exists() and pops_file.exists()):
        return _no_national(
            months,
            "No national comparator: this processed data has no national table "
            "(ingest the download again).",
        )
    counts = pd.read_parquet(counts_file)
    populations = pd.read_parquet(pops_file)
    forces = sorted(str(f) for f in counts["force"].dropna().unique())
    own = manifest.get("force_slug")
    if len(forces) < 2 and (own is None or forces in ([], [own])):
        return _no_national(months, ONLY_THIS_FORCE, forces)
    try:
        return national_rates(counts, populations, window, groups)
    except IncompleteWindowError as problem:
        return _no_national(months, f"No national comparator: {problem}.")


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
            pops = populations_for(coverage.own_local_authorities(slug), reference_dir)
            frame = pops.rename(
                columns={"local_authority": "area", "population_mid2019": "area_population"}
            )
            frame["population"] = frame["area_population"].where(
                frame["match"].isin(_OWN_POPULATION_MATCHES)
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


# --------------------------------------------------------------------------------------------
# ingest


def _input_records(src: _Source, files: pd.DataFrame, digests: list) -> list[dict]:
    from perfpack.data.provenance import sha256_file

    records = []
    if src.is_zip:
        records.append(
            {
                "file": src.path.name,
                "path": str(src.path),
                "sha256": sha256_file(src.path),
                "members": files["path"].tolist(),
                "rows": int(files["rows"].sum()),
            }
        )
    else:
        for (_, row), digest in zip(files.iterrows(), digests, strict=True):
            records.append(
                {
                    "file": str(Path(row["path"]).name),
                    "path": str(row["path"]),
                    "kind": row["kind"],
                    "sha256": digest,
                    "rows": int(row["rows"]),
                }
            )
    return records


def _months_of(frame: pd.DataFrame) -> tuple[str | None, str | None]:
    months = frame["month"].dropna()
    if months.empty:
        return None, None
    return f"{months.min():%Y-%m}", f"{months.max():%Y-%m}"


def ingest_police_uk(
    source: str | os.PathLike,
    force: str | None,
    processed_dir: str | os.PathLike | None = None,
    lookup=None,
    reference_dir: Path = REFERENCE_DIR,
    min_share: float = OWN_AREA_MIN_SHARE,
):
    """A data.police.uk download -> ``processed_dir`` (canonical parquet tables + manifest).

    Writes ``crimes.parquet`` and, when the download has stop-and-search files for the force,
    ``stop_searches.parquet``, plus ``manifest.json`` (``force``, ``force_slug``,
    ``synthetic: false``, ``data_source: police_uk``, ``inputs`` with sha256, ``coverage``,
    ``absent_tables``), through :func:`perfpack.data.processed.write_atomically` (a temporary
    folder,
    then ``os.replace``, the manifest last). Tables the download does not provide
    (``missing_episodes``, and ``stop_searches`` when absent) are removed from
    ``processed_dir`` so no earlier data (e.g. the demo force's) is read as this force's.

    Beside them (never published): ``areas.parquet`` (:func:`own_area_table`: the areas the
    ``npt`` column holds with their populations), ``national_counts.parquet``
    (:func:`national_counts` over every force in the download, however many were chosen) and
    ``national_populations.parquet`` (:func:`force_populations` of every force), from which
    :func:`stored_national_rates` computes the national comparator for any window at run time,
    and, when the download has stop-and-search files, ``national_search_counts.parquet``
    (:func:`national_search_counts` of every force with such files, for the peer comparison).
    The manifest's ``areas`` says what the areas are (``local_authority`` or ``npt``) and
    ``national`` which forces and months the national table holds.

    Parameters
    ----------
    source : path
        Zip or folder.
    force : str or None
        Force slug; None ingests every force (the national table).
    processed_dir : path, optional
        Default ``data/processed``.
    lookup : pandas.DataFrame or path, optional
        NPT lookup (see :func:`read_street`).

    Returns
    -------
    perfpack.ingest.extracts.IngestSummary
    """
    from perfpack.data.paths import PROCESSED_DIR, resolve
    from perfpack.ingest import extracts as force_ingest

    processed = resolve(processed_dir, PROCESSED_DIR)
    src = _Source(source)
    hash_files = not src.is_zip  # a zip is hashed whole
    street = _load_street(source, force, lookup, reference_dir, min_share, hash_files=hash_files)
    crimes = _to_pandas(street.table, "crimes")
    outputs = {"crimes": crimes}
    coverage = {"street": street.coverage.to_dict()}
    inputs = _input_records(src, street.coverage.files, street.digests)
    absent = dict(ABSENT_TABLES)
    all_files = discover(source)
    searches = all_files[all_files["kind"] == STOP_SEARCH_KIND]
    if force is not None:
        searches = searches[searches["force"] == force]
    if len(searches):
        frame, ss_coverage, digests = _load_stop_search(
            source, force, lookup, street, reference_dir, min_share, hash_files=hash_files
        )
        outputs["stop_searches"] = frame
        coverage["stop_search"] = ss_coverage.to_dict()
        if not src.is_zip:
            inputs += _input_records(src, ss_coverage.files, digests)
        else:
            inputs[0]["members"] += ss_coverage.files["path"].tolist()
    else:
        absent["stop_searches"] = "the download has no stop-and-search files for this force"
    every_search = all_files[all_files["kind"] == STOP_SEARCH_KIND]
    if len(every_search) and set(every_search["force"]) != set(searches["force"]):
        _, ss_everyone, _ = _load_stop_search(source, None, None, None, reference_dir, min_share)
        search_counts = national_search_counts(ss_everyone)
    elif len(searches):
        search_counts = national_search_counts(ss_coverage)

    # the force's areas, and every force's counts for the national comparator
    if lookup is None:
        area_kind, area_table = "local_authority", own_area_table(street.coverage, force)
    else:
        npts = street.table.column("npt").drop_null().unique().to_pylist()
        area_kind = "npt"
        area_table = own_area_table(street.coverage, force, npts=npts)
    street_forces = set(all_files.loc[all_files["kind"] == STREET_KIND, "force"])
    if force is None or street_forces == {force}:
        everyone = street
    else:
        everyone = _load_street(source, None, None, reference_dir, min_share)
    extras = {
        AREAS_FILE: area_table,
        NATIONAL_COUNTS_FILE: national_counts(everyone.table),
        NATIONAL_POPULATIONS_FILE: force_populations(everyone.coverage, reference_dir),
    }
    if len(every_search):
        extras[NATIONAL_SEARCH_COUNTS_FILE] = search_counts
    national_info = {
        "forces": list(everyone.forces),
        "months": list(everyone.coverage.months),
        "note": "national_counts.parquet: crimes per force, month, crime type and theme of "
        "every force in the download; the comparator is computed for each window at run time",
    }
    del everyone

    names = street.table.column("reported_by").drop_null().unique().to_pylist()
    display = (
        names[0]
        if force is not None and len(names) == 1
        else (force if force is not None else f"All forces in the download ({len(street.forces)})")
    )
    tables = {}
    for name, frame in outputs.items():
        first, last = _months_of(frame)
        tables[name] = {"rows": int(len(frame)), "first_month": first, "last_month": last}
    manifest = {
        "force": display,
        "force_slug": force,
        "synthetic": False,
        "data_source": "police_uk",
        "note": "data.police.uk public downloads (Open Government Licence v3.0)",
        "source": str(src.path),
        "ingested_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "inputs": inputs,
        "tables": tables,
        "absent_tables": absent,
        "coverage": coverage,
        "areas": {
            "kind": area_kind,
            "areas": int(len(area_table)),
            "note": "areas.parquet: the areas of the npt column with mid-2019 populations",
        },
        "national": national_info,
    }
    written = {**outputs, **{name.removesuffix(".parquet"): t for name, t in extras.items()}}
    write_atomically(processed, written, manifest)
    for name in absent:
        stale = processed / f"{name}.parquet"
        if stale.exists():
            stale.unlink()
    if not len(every_search):  # no earlier download's search counts read as this one's
        (processed / NATIONAL_SEARCH_COUNTS_FILE).unlink(missing_ok=True)
    return force_ingest.IngestSummary(processed, {t: len(f) for t, f in outputs.items()}, manifest)


def coverage_from_manifest(manifest: dict) -> dict:
    """The coverage an ingest recorded (``{"street": {...}, "stop_search": {...}}``), or {}."""
    return dict(manifest.get("coverage", {})) if manifest.get("data_source") == "police_uk" else {}
