"""Finding and opening the month files of a data.police.uk download: a zip archive or its
extracted folder, laid out ``YYYY-MM/YYYY-MM-<force>-<kind>.csv`` with ``<kind>`` one of
``street``, ``stop-and-search`` or ``outcomes`` (outcomes files are listed by :func:`discover`
but not read: the canonical tables do not use them)."""

from __future__ import annotations

import os
import re
import threading
import zipfile
from pathlib import Path

import pandas as pd

from perfpack.data.safe_input import InputError, check_size, clip
from perfpack.ingest.police_uk import input_checks as checks

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


class Source:
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
    src = Source(source)
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


def select_files(files: pd.DataFrame, kind: str, force: str | None, src: Source) -> pd.DataFrame:
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
