"""Reading and checking the CSVs of a download with pyarrow, and the array helpers the canonical
tables are built with (dictionary codes, recoding, text columns), the NPT lookup and the
conversion of a canonical Arrow table to pandas."""

from __future__ import annotations

import hashlib
import math
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from perfpack.data import reference
from perfpack.data.contracts import CANONICAL
from perfpack.data.public_tables import NS
from perfpack.data.safe_input import check_size, clip
from perfpack.ingest.police_uk import input_checks as checks
from perfpack.ingest.police_uk.discover import Source

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

_DICT = pa.dictionary(pa.int32(), pa.string())
STREET_TYPES = {
    "Crime ID": pa.string(),
    "Month": _DICT,
    "Reported by": _DICT,
    "Longitude": pa.float64(),
    "Latitude": pa.float64(),
    "LSOA code": _DICT,
    "LSOA name": _DICT,
    "Crime type": _DICT,
}


def _csv_reader(src: Source, column_types: dict, hash_files: bool):
    """One file's reader: bytes -> checks -> pyarrow.csv table (only ``column_types``' columns,
    blank cells missing) and, when ``hash_files``, the file's sha256."""
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

    return one


def _workers(workers: int | None) -> int:
    return workers if workers is not None else max(1, min(2, os.cpu_count() or 1))


def read_csvs(
    src: Source,
    files: pd.DataFrame,
    column_types: dict,
    hash_files: bool = False,
    workers: int | None = None,
) -> tuple[list[pa.Table], list[str | None]]:
    """Read ``files`` (rows of :func:`discover`) with pyarrow.csv, keeping only the columns in
    ``column_types``; blank cells are missing. Returns the tables in order and, when
    ``hash_files``, each file's sha256."""
    one = _csv_reader(src, column_types, hash_files)
    names = list(files["path"])
    workers = _workers(workers)
    if workers == 1 or len(names) < 2:
        results = [one(n) for n in names]
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(one, names))
    return [t for t, _ in results], [d for _, d in results]


def iter_csvs(
    src: Source,
    files: pd.DataFrame,
    column_types: dict,
    hash_files: bool = False,
    workers: int | None = None,
) -> Iterator[tuple[pa.Table, str | None]]:
    """:func:`read_csvs` one file at a time, in order: ``(table, sha256 or None)`` for each
    file, with at most ``workers`` + 1 files read ahead (memory stays at a few files)."""
    one = _csv_reader(src, column_types, hash_files)
    names = iter(list(files["path"]))
    workers = _workers(workers)
    if workers == 1:
        for name in names:
            yield one(name)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        pending = deque(pool.submit(one, n) for n in islice(names, workers + 1))
        try:
            while pending:
                result = pending.popleft().result()
                following = next(names, None)
                if following is not None:
                    pending.append(pool.submit(one, following))
                yield result
        finally:
            for future in pending:
                future.cancel()


def dictionary_parts(column: pa.ChunkedArray) -> tuple[np.ndarray, list]:
    """A dictionary column -> (int codes per row with -1 for missing, the values)."""
    array = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if isinstance(array, pa.ChunkedArray):  # pragma: no cover - pyarrow version difference
        array = array.chunk(0)
    codes = array.indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
    values = array.dictionary.to_pylist()
    return codes, values


def recode(codes: np.ndarray, mapping: np.ndarray) -> np.ndarray:
    """Map codes through ``mapping`` (an int array), keeping -1 as -1."""
    out = np.full(codes.shape, -1, dtype=np.int32)
    ok = codes >= 0
    out[ok] = mapping[codes[ok]]
    return out


def factor(values: Iterable) -> tuple[np.ndarray, list]:
    """Distinct non-missing values -> (code of each input value, -1 for missing; the levels)."""
    levels: dict = {}
    codes = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            codes.append(-1)
        else:
            codes.append(levels.setdefault(v, len(levels)))
    return np.asarray(codes, dtype=np.int32), list(levels)


def text_column(codes: np.ndarray, levels: list) -> pa.Array:
    """Codes into ``levels`` -> a plain string array (missing where the code is -1)."""
    dictionary = pa.array(levels, type=pa.string())
    indices = pa.array(codes, type=pa.int32(), mask=codes < 0)
    return pa.DictionaryArray.from_arrays(indices, dictionary).cast(pa.string())


def lookup_maps(lookup) -> tuple[dict, dict]:
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


def to_pandas(table: pa.Table, name: str) -> pd.DataFrame:
    """An Arrow table -> pandas in the canonical dtypes (``str``, ``datetime64[ns]``, ``Int64``,
    ``boolean``)."""
    mapping = {pa.bool_(): pd.BooleanDtype(), pa.int64(): pd.Int64Dtype()}
    frame = table.to_pandas(types_mapper=mapping.get)
    spec = {**CANONICAL[name], **EXTRA_COLUMNS[name]}
    for column, kind in spec.items():
        if kind == "str" and frame[column].dtype != "str":
            frame[column] = frame[column].astype("str")
        elif kind in ("datetime", "month"):
            frame[column] = frame[column].astype(NS)
    return frame[list(spec)]
