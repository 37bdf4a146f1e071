"""Keeping memory bounded by the largest file, not by the download: the rows of each month file,
once read, are spooled to an Arrow IPC file on disk (one record batch a file) and read back one
file at a time; canonical tables are written to parquet in row groups of at most
:data:`ROW_GROUP_ROWS` rows, through the same pandas conversion a whole-table write uses, so the
tables read back are the same."""

from __future__ import annotations

import base64
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

#: Rows per parquet row group written from the spool (about 20-40 MB of canonical crimes).
ROW_GROUP_ROWS = 1 << 17


class Spool:
    """An Arrow IPC file of record batches (one per month file), in a temporary folder that is
    removed when the spool is closed or garbage-collected."""

    def __init__(self, schema: pa.Schema, folder: str | os.PathLike | None = None):
        if folder is not None:
            Path(folder).mkdir(parents=True, exist_ok=True)
        self._folder = tempfile.TemporaryDirectory(prefix=".spool-", dir=folder)
        self.path = Path(self._folder.name) / "rows.arrow"
        self.schema = schema
        self._sink = pa.OSFile(str(self.path), "wb")
        self._writer = pa.ipc.new_file(self._sink, schema)
        self._reader = None
        self.batches = 0

    def append(self, batch: pa.RecordBatch) -> int:
        """Add one file's rows; returns its batch number."""
        self._writer.write_batch(batch)
        self.batches += 1
        return self.batches - 1

    def finish(self) -> None:
        """No more batches: the spool becomes readable."""
        if self._writer is not None:
            self._writer.close()
            self._sink.close()
            self._writer = None

    def read(self, index: int) -> pa.RecordBatch:
        """Batch ``index`` read into memory (not memory-mapped: resident memory stays at one
        batch)."""
        self.finish()
        if self._reader is None:
            self._reader = pa.ipc.open_file(pa.OSFile(str(self.path), "rb"))
        return self._reader.get_batch(index)

    def close(self) -> None:
        self.finish()
        self._reader = None
        self._folder.cleanup()


class ParquetOut:
    """A parquet file written in row groups from Arrow chunks, read back as
    ``DataFrame.to_parquet`` (``index=False``) of ``template``'s columns would be: the same
    Arrow schema (``ARROW:schema``) and pandas metadata. Text columns may come as dictionary
    arrays of those types' values: parquet stores text dictionary-encoded anyway, so they are
    written without being spelled out first.

    It stands in for the table in :func:`perfpack.data.processed.write_atomically`:
    ``to_parquet(path)`` moves the finished file there; ``len()`` is its rows."""

    def __init__(self, path: str | os.PathLike, template: pd.DataFrame):
        self.path = Path(path)
        self.rows = 0
        self.schema = pa.Schema.from_pandas(template, preserve_index=False)
        self._template = template
        self._writer: pq.ParquetWriter | None = None
        self._written: pa.Schema | None = None
        self._pending: list[pa.Table] = []
        self._pending_rows = 0

    def _check(self, table: pa.Table) -> pa.Table:
        if table.schema.names != self.schema.names:
            raise ValueError(f"columns {table.schema.names} are not {self.schema.names}")
        for field, target in zip(table.schema, self.schema, strict=True):
            kind = field.type.value_type if pa.types.is_dictionary(field.type) else field.type
            if kind != target.type:
                raise ValueError(f"column {field.name}: {field.type} is not {target.type}")
        return table.replace_schema_metadata(None)

    def write(self, table: pa.Table) -> None:
        table = self._check(table)
        if self._written is None:
            self._written = table.schema
        self._pending.append(table)
        self._pending_rows += table.num_rows
        self.rows += table.num_rows
        if self._pending_rows >= ROW_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        table = pa.concat_tables(self._pending)
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # unique record ids gain little from a dictionary page or compression: written plain
            plain = {"crime_id", "search_id"}
            self._writer = pq.ParquetWriter(
                self.path,
                self._written,
                compression={n: "none" if n in plain else "snappy" for n in self.schema.names},
                use_dictionary=[n for n in self.schema.names if n not in plain],
                store_schema=False,
            )
        self._writer.write_table(table, row_group_size=ROW_GROUP_ROWS)
        self._pending, self._pending_rows = [], 0

    def close(self) -> ParquetOut:
        """Write what is pending and close (a table with no rows gets the template's file)."""
        self._flush()
        if self._writer is not None:
            # what a whole-table write stores: the Arrow schema (with the pandas metadata)
            arrow_schema = base64.b64encode(self.schema.serialize().to_pybytes())
            metadata = {b"pandas": self.schema.metadata[b"pandas"], b"ARROW:schema": arrow_schema}
            self._writer.add_key_value_metadata(metadata)
            self._writer.close()
            self._writer = None
        elif not self.path.exists():
            self._template.to_parquet(self.path, index=False)
        return self

    def __len__(self) -> int:
        return self.rows

    def to_parquet(self, path, index: bool = False) -> None:
        shutil.move(str(self.path), str(path))


def write_chunks(tables: Iterable[pa.Table], path, template: pd.DataFrame) -> ParquetOut:
    """Arrow chunks -> one parquet file at ``path`` (see :class:`ParquetOut`)."""
    out = ParquetOut(path, template)
    for table in tables:
        out.write(table)
    return out.close()
