"""Street records of a download -> the canonical ``crimes`` table.

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
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from perfpack.data import reference
from perfpack.data.paths import REFERENCE_DIR
from perfpack.data.public_tables import NS, national_count_table
from perfpack.ingest.police_uk import input_checks as checks
from perfpack.ingest.police_uk.areas import (
    OWN_AREA_MIN_SHARE,
    la_of_lsoa_name,
    own_local_authorities,
)
from perfpack.ingest.police_uk.coverage import (
    CoverageReport,
    absent_forces,
    missing_files,
    month_span,
)
from perfpack.ingest.police_uk.discover import STREET_KIND, Source, discover, select_files
from perfpack.ingest.police_uk.read import (
    STREET_TYPES,
    dictionary_parts,
    factor,
    iter_csvs,
    lookup_maps,
    recode,
    to_pandas,
)
from perfpack.ingest.police_uk.spool import Spool

#: What the spool keeps of each street record (codes into the download's levels).
_SPOOL_SCHEMA = pa.schema(
    [
        ("crime_id", pa.string()),
        ("crime_type", pa.int32()),
        ("lsoa_code", pa.int32()),
        ("la", pa.int32()),
        ("reported_by", pa.int32()),
    ]
)
_MONTH = r"(1[7-9][0-9]{2}|2[01][0-9]{2}|22[0-5][0-9])-(0[1-9]|1[0-2])"


class _Levels:
    """Distinct values in order of first appearance, each with a code."""

    def __init__(self):
        self.index: dict = {}
        self.values: list = []

    def add(self, value) -> int:
        code = self.index.get(value)
        if code is None:
            code = self.index[value] = len(self.values)
            self.values.append(value)
        return code

    def codes(self, values: Iterable) -> np.ndarray:
        """Codes of ``values`` (-1 for missing ones), adding the new ones."""
        return np.fromiter(
            (-1 if v is None else self.add(v) for v in values), dtype=np.int32, count=-1
        )

    def dictionary(self) -> pa.Array:
        return pa.array(self.values, type=pa.large_string())


def _text(codes: np.ndarray, dictionary: pa.Array, encoded: bool = False) -> pa.Array:
    """Codes into ``dictionary`` -> a plain (large) string array (missing where the code is
    -1): the type pandas writes its text columns as; or, when ``encoded``, the dictionary
    array itself."""
    indices = pa.array(codes, type=pa.int32(), mask=codes < 0)
    array = pa.DictionaryArray.from_arrays(indices, dictionary)
    return array if encoded else array.cast(pa.large_string())


def point_keys(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Anonymised map points -> one int64 each (microdegrees); -1 where either is missing."""
    bad = np.isnan(lon) | np.isnan(lat)
    x = np.round(np.where(bad, 0, lon) * 1e6).astype(np.int64) + 180_000_000
    y = np.round(np.where(bad, 0, lat) * 1e6).astype(np.int64) + 90_000_000
    return np.where(bad, -1, (x << 32) | y)


def _file_month(data: pa.ChunkedArray, file_month: str, locator) -> None:
    """Refuse a ``Month`` that is not a month, or not the month of its file (the canonical
    month of every row is then its file's month; a blank ``Month`` falls back to it)."""
    codes, values = dictionary_parts(data)
    if values in ([], [file_month]):  # the usual file: every Month is the file's, or blank
        return
    text = pd.Series(values, dtype="str")
    stamps = pd.to_datetime(
        text.where(text.str.fullmatch(_MONTH)), format="%Y-%m", errors="coerce"
    ).astype(NS)
    failed = stamps.isna() & text.str.strip().ne("")
    if bool(failed.any()):
        code = int(np.flatnonzero(failed.to_numpy())[0])
        raise locator.fail(
            int(np.flatnonzero(codes == code)[0]),
            "Month",
            values[code],
            "is not a month (YYYY-MM, years 1700 to 2259)" + checks.digit_note(values[code]),
        )
    own = pd.Timestamp(file_month)
    other = np.flatnonzero(stamps.to_numpy() != np.datetime64(own, "ns"))
    other = other[~stamps.isna().to_numpy()[other]]
    if len(other):
        row = int(np.flatnonzero(np.isin(codes, other))[0])
        raise locator.fail(
            row,
            "Month",
            f"{stamps.iloc[int(codes[row])]:%Y-%m}",
            f"is not the month of its file ({file_month}, from the file name)",
        )


class StreetData:
    """Street records read one month file at a time (internal): what read_street, stop search
    placement and ingest share. Records are spooled to disk, never all held in memory;
    :meth:`chunks` gives the canonical rows file by file.

    Attributes
    ----------
    coverage : CoverageReport
    digests : list
        Each file's sha256 (when hashed).
    forces : list of str
        The forces read (sorted).
    las : list of str
        Local authorities (2011 names) in order of first appearance.
    point_places : pandas.Series or None
        Map point key -> the local authority code most street records there have (when asked).
    reported_by : dict
        Force -> the ``Reported by`` names of its records (in order of first appearance).
    npts : list of str
        NPT names some record was placed in.
    rows : int
    """

    def __init__(self):
        self.coverage: CoverageReport | None = None
        self.digests: list = []
        self.forces: list[str] = []
        self.las: list = []
        self.point_places: pd.Series | None = None
        self.reported_by: dict[str, list[str]] = {}
        self.npts: list[str] = []
        self.rows = 0
        self._spool: Spool | None = None
        self._national: list[tuple] = []  # per file: force, month, type codes, counts
        self._type_values: list = []
        self._theme_map: dict = {}

    # the canonical rows, file by file
    def chunks(self, force: str | None = None, encoded: bool = False) -> Iterator[pa.Table]:
        """Canonical crimes plus ``force`` and ``reported_by`` of each file read (of ``force``
        only, when given), in file order (month, then force); text columns with few distinct
        values as dictionary arrays when ``encoded`` (for
        :class:`~perfpack.ingest.police_uk.spool.ParquetOut`)."""
        files = self.coverage.files
        for index in range(len(files)):
            if force is None or files["force"].iat[index] == force:
                yield self._chunk(index, encoded)

    def empty(self) -> pd.DataFrame:
        """The canonical crimes columns with no rows."""
        return to_pandas(self._canonical(self._spool_empty(), -1, None), "crimes")

    def table(self, force: str | None = None) -> pa.Table:
        """Every record read (or ``force``'s) in one Arrow table (memory grows with the rows)."""
        chunks = list(self.chunks(force))
        if not chunks:
            return self._canonical(self._spool_empty(), -1, None)
        return pa.concat_tables(chunks)

    def national_counts(self) -> pd.DataFrame:
        """:func:`perfpack.data.public_tables.national_counts` of every record read, counted
        file by file."""
        columns: dict[str, list] = {
            c: [] for c in ("force", "month", "crime_type", "theme", "crimes")
        }
        for force, month, codes, counts in self._national:
            stamp = pd.Timestamp(month)
            for code, count in zip(codes.tolist(), counts.tolist(), strict=True):
                crime_type = None if code < 0 else self._type_values[code]
                columns["force"].append(force)
                columns["month"].append(stamp)
                columns["crime_type"].append(crime_type)
                columns["theme"].append(
                    None if crime_type is None else self._theme_map.get(crime_type)
                )
                columns["crimes"].append(count)
        return national_count_table(pd.DataFrame(columns))

    def close(self) -> None:
        if self._spool is not None:
            self._spool.close()

    def _spool_empty(self) -> pa.RecordBatch:
        return pa.RecordBatch.from_pylist([], schema=_SPOOL_SCHEMA)

    def _chunk(self, index: int, encoded: bool = False) -> pa.Table:
        files = self.coverage.files
        batch = self._spool.read(index)
        force = self._force_index[files["force"].iat[index]]
        return self._canonical(batch, force, files["month"].iat[index], encoded)

    def _npt_codes(self, la: np.ndarray, lsoa_npt: np.ndarray, own: np.ndarray) -> np.ndarray:
        if self._lookup is None:
            return np.where(own, la, -1).astype(np.int32)
        from_la = np.where(own, recode(la, self._la_npt), -1)
        return np.where(lsoa_npt >= 0, lsoa_npt, from_la).astype(np.int32)

    def _canonical(
        self, batch: pa.RecordBatch, force: int, month: str | None, encoded: bool = False
    ) -> pa.Table:
        n = batch.num_rows
        words = self._dictionaries
        la = batch.column("la").to_numpy(zero_copy_only=False)
        lsoa = batch.column("lsoa_code").to_numpy(zero_copy_only=False)
        types = batch.column("crime_type").to_numpy(zero_copy_only=False)
        reported = batch.column("reported_by").to_numpy(zero_copy_only=False)
        own = np.zeros(n, dtype=bool)
        if n:
            located = la >= 0
            own[located] = self._own[force, la[located]]
        npt = self._npt_codes(la, recode(lsoa, self._lsoa_npt) if n else lsoa, own)
        stamps = np.full(n, np.datetime64(pd.Timestamp(month), "ns") if n else 0, dtype=NS)
        month_array = pa.array(stamps, type=pa.timestamp("ns"))
        missing_text = pa.nulls(n, type=pa.large_string())
        force_name = self.forces[force] if n else None
        columns = {
            "crime_id": batch.column("crime_id").cast(pa.large_string()),
            "recorded_date": month_array,
            "month": month_array,
            "offence_code": missing_text,
            "crime_type": _text(types, words["crime_type"], encoded),
            "theme": _text(recode(types, self._theme_of_type), words["theme"], encoded),
            "npt": _text(npt, words["npt"], encoded),
            "local_authority": _text(la, words["la"], encoded),
            "lsoa_code": _text(lsoa, words["lsoa_code"], encoded),
            "knife": pa.nulls(n, type=pa.bool_()),
            "victim_age": pa.nulls(n, type=pa.int64()),
            "victim_sex": missing_text,
            "suspect_age": pa.nulls(n, type=pa.int64()),
            "suspect_sex": missing_text,
            "force": pa.array([force_name] * n, type=pa.large_string()),
            "reported_by": _text(reported, words["reported_by"], encoded),
        }
        return pa.table(columns)


class _Scan:
    """Pass one over the street files: checks, codes and counts, one file at a time."""

    def __init__(self, lookup, theme_map: dict, want_points: bool):
        self.levels = {k: _Levels() for k in ("crime_type", "lsoa_code", "la", "reported_by")}
        self.name_la: dict = {}  # LSOA name -> la code (transformed once per distinct name)
        self.by_lsoa, self.by_la = lookup_maps(lookup)
        self.lookup = lookup
        self.npt_levels = _Levels()
        self.lsoa_npt: list[int] = []  # lsoa code -> npt code by the lookup (-1: none)
        self.theme_map = theme_map
        self.want_points = want_points
        self.pairs: list[tuple] = []  # per file: (la + 1) << 32 | (lsoa_npt + 1), rows
        self.flags: list[tuple[int, int]] = []  # per file: no_location, no_coordinates
        self.points: list[pd.Series] = []
        self.reported: list[np.ndarray] = []
        self.types_seen: set[int] = set()

    def _codes(self, kind: str, column: pa.ChunkedArray) -> np.ndarray:
        codes, values = dictionary_parts(column)
        return recode(codes, self.levels[kind].codes(values))

    def file(self, table: pa.Table, month: str, locator, spool: Spool | None):
        """Check and code one file; spool its rows; returns its crime type codes and their
        counts (the national counts)."""
        table = table.unify_dictionaries()
        for name in ("Crime ID", "Reported by", "LSOA code", "LSOA name", "Crime type"):
            checks.check_text(table[name], name, locator)
        _file_month(table["Month"], month, locator)
        name_codes, name_values = dictionary_parts(table["LSOA name"])
        la_of_name = np.fromiter(
            (self._la_code(v) for v in name_values), dtype=np.int32, count=len(name_values)
        )
        la = recode(name_codes, la_of_name)
        lon = table["Longitude"].to_numpy()
        lat = table["Latitude"].to_numpy()
        checks.check_coordinates(lon, lat, locator)
        lsoa = self._codes("lsoa_code", table["LSOA code"])
        types = self._codes("crime_type", table["Crime type"])
        reported = self._codes("reported_by", table["Reported by"])
        for value in self.levels["lsoa_code"].values[len(self.lsoa_npt) :]:
            npt = self.by_lsoa.get(value)
            self.lsoa_npt.append(-1 if npt is None else self.npt_levels.add(npt))
        lsoa_npt = recode(lsoa, np.asarray(self.lsoa_npt or [-1], dtype=np.int32))
        pair, rows = np.unique(
            (la.astype(np.int64) + 1) << 32 | (lsoa_npt.astype(np.int64) + 1), return_counts=True
        )
        self.pairs.append((pair, rows))
        self.flags.append((int((la < 0).sum()), int((np.isnan(lon) | np.isnan(lat)).sum())))
        if self.want_points:
            keys = point_keys(lon, lat)
            ok = (keys >= 0) & (la >= 0)
            found = pd.DataFrame({"key": keys[ok], "la": la[ok]}).groupby(["key", "la"]).size()
            self.points.append(found)
            if len(self.points) > 16:
                self.points = [pd.concat(self.points).groupby(level=[0, 1]).sum()]
        self.reported.append(np.unique(reported[reported >= 0]))
        type_codes, type_counts = np.unique(types, return_counts=True)
        self.types_seen.update(int(t) for t in type_codes if t >= 0)
        if spool is not None:
            crime_id = table["Crime ID"].combine_chunks()
            if isinstance(crime_id, pa.ChunkedArray):  # pragma: no cover - pyarrow versions
                crime_id = crime_id.chunk(0)
            spool.append(
                pa.record_batch(
                    [crime_id, pa.array(types), pa.array(lsoa), pa.array(la), pa.array(reported)],
                    schema=_SPOOL_SCHEMA,
                )
            )
        return type_codes, type_counts

    def _la_code(self, name) -> int:
        code = self.name_la.get(name)
        if code is None:
            la = la_of_lsoa_name(name)
            code = self.name_la[name] = -1 if la is None else self.levels["la"].add(la)
        return code


def _theme_map(reference_dir: Path) -> dict[str, str | None]:
    themes = reference.offence_themes(reference_dir)
    themes = themes[themes["scheme"] == "police_uk"]
    return {c: (t if t else None) for c, t in zip(themes["code"], themes["theme"], strict=True)}


def load_street(
    source,
    force: str | None = None,
    lookup=None,
    reference_dir: Path = REFERENCE_DIR,
    min_share: float = OWN_AREA_MIN_SHARE,
    hash_files: bool = False,
    want_points: bool = False,
    spool: bool = True,
    spool_dir=None,
) -> StreetData:
    """Read the street files of a download one at a time (see :class:`StreetData`).

    ``want_points`` keeps where each map point lies (to place stop searches); ``spool`` False
    keeps only the counts (coverage, national counts), not the records; ``spool_dir`` is where
    the records wait (default the system's temporary folder).
    """
    src = Source(source)
    all_files = discover(source)
    files = select_files(all_files, STREET_KIND, force, src)
    theme_map = _theme_map(reference_dir)
    scan = _Scan(lookup, theme_map, want_points)
    data = StreetData()
    data._spool = Spool(_SPOOL_SCHEMA, spool_dir) if spool else None
    counts, national = [], []
    try:
        for (table, digest), path, month, slug in zip(
            iter_csvs(src, files, STREET_TYPES, hash_files=hash_files),
            files["path"],
            files["month"],
            files["force"],
            strict=True,
        ):
            locator = checks.RowLocator(src, [path], [table.num_rows])
            codes, type_counts = scan.file(table, month, locator, data._spool)
            national.append((str(slug), month, codes, type_counts))
            counts.append(table.num_rows)
            data.digests.append(digest)
            del table
    except BaseException:
        data.close()
        raise
    if data._spool is not None:
        data._spool.finish()
    files = files.assign(rows=np.asarray(counts, dtype=np.int64))
    data._national = national
    data._type_values, data._theme_map = scan.levels["crime_type"].values, theme_map
    _finish(data, scan, files, all_files, src, min_share, reference_dir)
    return data


def _finish(data: StreetData, scan: _Scan, files, all_files, src, min_share, reference_dir):
    """After the last file: own areas, NPTs, coverage and the levels the chunks are built from."""
    forces = sorted({str(f) for f in files["force"]})
    force_index = {f: i for i, f in enumerate(forces)}
    las = scan.levels["la"].values
    n_la = max(len(las), 1)
    sizes = [len(pair) for pair, _ in scan.pairs]
    pair = np.concatenate([p for p, _ in scan.pairs]) if sizes else np.zeros(0, np.int64)
    every = pd.DataFrame(
        {
            "la": (pair >> 32) - 1,
            "lsoa_npt": (pair & 0xFFFFFFFF) - 1,
            "rows": np.concatenate([r for _, r in scan.pairs]).astype(np.int64)
            if sizes
            else np.zeros(0, np.int64),
            "force": np.repeat([force_index[f] for f in files["force"]], sizes).astype(np.int64),
            "month": np.repeat(files["month"].to_numpy(dtype=object), sizes),
            "file": np.repeat(np.arange(len(files)), sizes),
        }
    )
    located = every[every["la"] >= 0]
    tally = located.groupby(["force", "la"])["rows"].sum()
    own_areas = own_local_authorities(
        pd.DataFrame(
            {
                "force": [forces[int(f)] for f, _ in tally.index],
                "local_authority": [las[int(a)] for _, a in tally.index],
                "rows": tally.to_numpy(dtype=np.int64),
            }
        ),
        min_share=min_share,
        reference_dir=reference_dir,
    )
    own_matrix = np.zeros((len(forces), n_la), dtype=bool)
    la_index = {a: j for j, a in enumerate(las)}
    for f, a in own_areas.loc[own_areas["own"], ["force", "local_authority"]].itertuples(
        index=False
    ):
        own_matrix[force_index[f], la_index[a]] = True
    la_npt = np.array(
        [scan.npt_levels.add(scan.by_la[a]) if a in scan.by_la else -1 for a in las] or [-1],
        dtype=np.int32,
    )
    data.forces, data.las, data._force_index = forces, las, force_index
    data._own, data._lookup, data._la_npt = own_matrix, scan.lookup, la_npt
    data._lsoa_npt = np.asarray(scan.lsoa_npt or [-1], dtype=np.int32)

    # per file and pair: own, outside, NPT, not in the lookup
    la = every["la"].to_numpy()
    own = np.zeros(len(every), dtype=bool)
    ok = la >= 0
    own[ok] = own_matrix[every["force"].to_numpy()[ok], la[ok]]
    npt = data._npt_codes(la, every["lsoa_npt"].to_numpy(), own)
    every["outside"] = np.where(ok & ~own, every["rows"], 0)
    every["not_in_lookup"] = np.where(
        own & (npt < 0) if scan.lookup is not None else False, every["rows"], 0
    )
    npt_names = las if scan.lookup is None else scan.npt_levels.values
    data.npts = [npt_names[c] for c in np.unique(npt[npt >= 0])]

    per_file = every.groupby("file")[["outside", "not_in_lookup"]].sum()
    per_file = per_file.reindex(range(len(files)), fill_value=0)
    flags = np.asarray(scan.flags or np.zeros((0, 2)), dtype=np.int64).reshape(-1, 2)
    by_month = pd.DataFrame(
        {
            "force": files["force"].to_numpy(dtype=object),
            "month": files["month"].to_numpy(dtype=object),
            "rows": files["rows"].to_numpy(dtype=np.int64),
            "no_location": flags[:, 0],
            "no_coordinates": flags[:, 1],
            "outside_force_area": per_file["outside"].to_numpy(dtype=np.int64),
            "not_in_lookup": per_file["not_in_lookup"].to_numpy(dtype=np.int64),
        }
    ).astype({"force": "str", "month": "str"})
    by_month = by_month.sort_values(["force", "month"]).reset_index(drop=True)
    outside = every[every["outside"] > 0]
    outside = outside.groupby(["force", "month", "la"], as_index=False)["outside"].sum()
    outside_area = pd.DataFrame(
        {
            "force": [forces[int(f)] for f in outside["force"]],
            "month": list(outside["month"]),
            "local_authority": [las[int(a)] for a in outside["la"]],
            "rows": outside["outside"].to_numpy(dtype=np.int64),
        }
    ).astype({"force": "str", "month": "str", "local_authority": "str"})

    data._theme_of_type, themes = factor(
        scan.theme_map.get(t) for t in scan.levels["crime_type"].values
    )
    data._dictionaries = {
        "crime_type": scan.levels["crime_type"].dictionary(),
        "lsoa_code": scan.levels["lsoa_code"].dictionary(),
        "la": scan.levels["la"].dictionary(),
        "reported_by": scan.levels["reported_by"].dictionary(),
        "theme": pa.array(themes, type=pa.large_string()),
        "npt": pa.array(npt_names, type=pa.large_string()),
    }
    names = scan.levels["reported_by"].values
    for slug, present in zip(files["force"], scan.reported, strict=True):
        seen = data.reported_by.setdefault(str(slug), [])
        seen.extend(names[c] for c in present if names[c] not in seen)
    if scan.want_points:
        found = pd.concat(scan.points).groupby(level=[0, 1]).sum() if scan.points else None
        if found is not None and len(found):
            counted = found.rename("n").reset_index()
            counted = counted.sort_values(["key", "n"], ascending=[True, False], kind="stable")
            data.point_places = counted.drop_duplicates("key").set_index("key")["la"]
        else:
            data.point_places = pd.Series([], dtype=np.int64)
    type_values = scan.levels["crime_type"].values
    unknown = sorted(
        {type_values[t] for t in scan.types_seen if type_values[t] not in scan.theme_map}
    )
    data.rows = int(files["rows"].sum())
    data.coverage = CoverageReport(
        source=str(src.path),
        kind=STREET_KIND,
        forces=forces,
        months=month_span(all_files.loc[all_files["kind"] == STREET_KIND, "month"]),
        files=files[["month", "force", "kind", "path", "rows"]].reset_index(drop=True),
        missing_files=missing_files(all_files, files, STREET_KIND),
        absent_forces=absent_forces(all_files, STREET_KIND),
        by_month=by_month,
        outside_area=outside_area,
        own_areas=own_areas,
        unknown_crime_types=unknown,
    )


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
    data = load_street(source, force, lookup, reference_dir, min_share)
    try:
        return to_pandas(data.table(), "crimes"), data.coverage
    finally:
        data.close()
