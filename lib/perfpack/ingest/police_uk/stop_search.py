"""Stop-and-search records of a download -> the canonical ``stop_searches`` table.

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

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from perfpack.data.contracts import CANONICAL
from perfpack.data.paths import REFERENCE_DIR
from perfpack.data.public_tables import NS
from perfpack.ingest.police_uk import input_checks as checks
from perfpack.ingest.police_uk.areas import OWN_AREA_MIN_SHARE, own_local_authorities
from perfpack.ingest.police_uk.coverage import (
    CoverageReport,
    absent_forces,
    missing_files,
    month_span,
    tally_by_month,
    tally_outside,
)
from perfpack.ingest.police_uk.discover import (
    STOP_SEARCH_KIND,
    STREET_KIND,
    Source,
    discover,
    select_files,
)
from perfpack.ingest.police_uk.read import (
    EXTRA_COLUMNS,
    STOP_SEARCH_COLUMNS,
    lookup_maps,
    read_csvs,
)
from perfpack.ingest.police_uk.street import StreetData, load_street, point_keys

#: A published stop-search ``Date`` with no time, or a clock time of exactly midnight.
_DATE_ONLY = r"\d{4}-\d{2}-\d{2}"
_MIDNIGHT = r"\d{4}-\d{2}-\d{2}[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]\d{2}:\d{2})?"


def _bool_text(values: pd.Series) -> pd.Series:
    return values.map({"True": True, "False": False, "true": True, "false": False}).astype(
        "boolean"
    )


def load_stop_search(
    source,
    force: str | None,
    lookup,
    street: StreetData | None,
    reference_dir: Path,
    min_share: float,
    hash_files: bool = False,
) -> tuple[pd.DataFrame, CoverageReport, list[str | None]]:
    from perfpack.ingest.parsers import parse_datetime_local

    src = Source(source)
    all_files = discover(source)
    files = select_files(all_files, STOP_SEARCH_KIND, force, src)
    types = {c: pa.string() for c in STOP_SEARCH_COLUMNS}
    types.update({"Latitude": pa.float64(), "Longitude": pa.float64()})
    tables, digests = read_csvs(src, files, types, hash_files=hash_files)
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
    when = when.mask(date_only, midnight.astype(NS)).astype(NS)
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
    month = when.dt.to_period("M").dt.to_timestamp().astype(NS)
    time_known = (~date_only).astype("boolean").mask(when.isna())

    # place: the LSOA of street records at exactly the same anonymised point
    lon = frame["Longitude"].to_numpy(dtype=float, na_value=np.nan)
    lat = frame["Latitude"].to_numpy(dtype=float, na_value=np.nan)
    checks.check_coordinates(lon, lat, locator)
    keys = point_keys(lon, lat)
    no_location = keys < 0
    notes = [
        "Stop searches are placed in the local authority of street records published at the "
        "same anonymised map point in this download; the files give no area of their own."
    ]
    if street is not None and street.rows:
        places = street.point_places
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
    by_lsoa, by_la = lookup_maps(lookup)
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
    by_month = tally_by_month(
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
    outside_area = tally_outside(
        force_codes, month_code, la_index, outside, forces, list(month_labels), las or [""]
    )
    coverage = CoverageReport(
        source=str(src.path),
        kind=STOP_SEARCH_KIND,
        forces=forces,
        months=month_span(all_files.loc[all_files["kind"] == STOP_SEARCH_KIND, "month"]),
        files=files[["month", "force", "kind", "path", "rows"]],
        missing_files=missing_files(all_files, files, STOP_SEARCH_KIND),
        absent_forces=absent_forces(all_files, STOP_SEARCH_KIND),
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
    src = Source(source)
    all_files = discover(source)
    files = select_files(all_files, STOP_SEARCH_KIND, force, src)
    street_files = all_files[
        (all_files["kind"] == STREET_KIND) & all_files["force"].isin(files["force"])
    ]
    street = (
        load_street(source, force, None, reference_dir, min_share, want_points=True, spool=False)
        if len(street_files)
        else None
    )
    frame, coverage, _ = load_stop_search(source, force, lookup, street, reference_dir, min_share)
    return frame, coverage
