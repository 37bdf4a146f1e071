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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from perfpack.data import reference
from perfpack.data.paths import REFERENCE_DIR
from perfpack.data.public_tables import NS
from perfpack.ingest.police_uk import input_checks as checks
from perfpack.ingest.police_uk.areas import (
    OWN_AREA_MIN_SHARE,
    la_of_lsoa_name,
    own_local_authorities,
)
from perfpack.ingest.police_uk.coverage import (
    CoverageReport,
    absent_forces,
    coded_months,
    missing_files,
    month_span,
    tally_by_month,
    tally_outside,
)
from perfpack.ingest.police_uk.discover import STREET_KIND, Source, discover, select_files
from perfpack.ingest.police_uk.read import (
    STREET_TYPES,
    dictionary_parts,
    factor,
    lookup_maps,
    read_csvs,
    recode,
    text_column,
    to_pandas,
)


@dataclass
class StreetData:
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


def load_street(
    source,
    force: str | None = None,
    lookup=None,
    reference_dir: Path = REFERENCE_DIR,
    min_share: float = OWN_AREA_MIN_SHARE,
    hash_files: bool = False,
) -> StreetData:
    src = Source(source)
    all_files = discover(source)
    files = select_files(all_files, STREET_KIND, force, src)
    tables, digests = read_csvs(src, files, STREET_TYPES, hash_files=hash_files)
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
    month_codes, month_values = dictionary_parts(whole["Month"])
    month_text = pd.Series(month_values, dtype="str")
    month_stamps = pd.to_datetime(
        month_text.where(
            month_text.str.fullmatch(r"(1[7-9][0-9]{2}|2[01][0-9]{2}|22[0-5][0-9])-(0[1-9]|1[0-2])")
        ),
        format="%Y-%m",
        errors="coerce",
    ).astype(NS)
    failed = month_stamps.isna() & month_text.str.strip().ne("")
    if bool(failed.any()):
        code = int(np.flatnonzero(failed.to_numpy())[0])
        raise locator.fail(
            int(np.flatnonzero(month_codes == code)[0]),
            "Month",
            month_values[code],
            "is not a month (YYYY-MM, years 1700 to 2259)" + checks.digit_note(month_values[code]),
        )
    month = np.empty(n, dtype=NS)
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
    name_codes, name_values = dictionary_parts(whole["LSOA name"])
    la_of_name, las = factor(la_of_lsoa_name(v) for v in name_values)
    la_codes = recode(name_codes, la_of_name)
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
    lsoa_codes, lsoa_values = dictionary_parts(whole["LSOA code"])
    by_lsoa, by_la = lookup_maps(lookup)
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
        from_lsoa = recode(lsoa_codes, lsoa_npt)
        from_la = np.where(own, recode(la_codes, la_npt), -1)
        npt_codes = np.where(from_lsoa >= 0, from_lsoa, from_la).astype(np.int32)
        npts = list(npt_levels)
        not_in_lookup = own & (npt_codes < 0)

    # theme from the crime type
    type_codes, type_values = dictionary_parts(whole["Crime type"])
    theme_map = _theme_map(reference_dir)
    theme_of_type, themes = factor(theme_map.get(t) for t in type_values)
    theme_codes = recode(type_codes, theme_of_type)
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

    reported_codes, reported_values = dictionary_parts(whole["Reported by"])
    month_array = pa.array(month, type=pa.timestamp("ns"))
    missing_text = pa.nulls(n, type=pa.string())
    columns = {
        "crime_id": whole["Crime ID"].combine_chunks() if n else pa.array([], pa.string()),
        "recorded_date": month_array,
        "month": month_array,
        "offence_code": missing_text,
        "crime_type": text_column(type_codes, type_values),
        "theme": text_column(theme_codes, themes),
        "npt": text_column(npt_codes, npts),
        "local_authority": text_column(la_codes, las),
        "lsoa_code": text_column(lsoa_codes, lsoa_values),
        "knife": pa.nulls(n, type=pa.bool_()),
        "victim_age": pa.nulls(n, type=pa.int64()),
        "victim_sex": missing_text,
        "suspect_age": pa.nulls(n, type=pa.int64()),
        "suspect_sex": missing_text,
        "force": text_column(force_codes, forces),
        "reported_by": text_column(reported_codes, reported_values),
    }
    table = pa.table(columns)

    month_labels, month_code = coded_months(month)
    by_month = tally_by_month(
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
    outside_area = tally_outside(
        force_codes, month_code, la_codes, outside, forces, month_labels, las
    )
    coverage = CoverageReport(
        source=str(src.path),
        kind=STREET_KIND,
        forces=forces,
        months=month_span(all_files.loc[all_files["kind"] == STREET_KIND, "month"]),
        files=files[["month", "force", "kind", "path", "rows"]],
        missing_files=missing_files(all_files, files, STREET_KIND),
        absent_forces=absent_forces(all_files, STREET_KIND),
        by_month=by_month,
        outside_area=outside_area,
        own_areas=own_areas,
        unknown_crime_types=unknown_types,
    )
    return StreetData(table, coverage, digests, lon, lat, la_codes, las, force_codes, forces)


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
    return to_pandas(data.table, "crimes"), data.coverage
