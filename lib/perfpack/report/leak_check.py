"""Scan everything publishable for record-level identifiers.

A published page may hold counts, rates and pseudonymous location ids, never a crime reference,
search id, episode id or person id from the data. This module reads every publishable file of a
report (HTML, CSV, JSON and the text of the PDF) and lists any identifier of the processed tables
found in it, and any absolute path of the build machine (the project root, the home and temporary
folders, the report and processed folders): a published file names places relative to the
project only. The executed notebooks are not publishable and live outside the report folder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from perfpack.data import provenance, tables

#: Identifier columns of the canonical tables that must never be published.
IDENTIFIER_COLUMNS = {
    "crimes": ["crime_id"],
    "stop_searches": ["search_id"],
    "missing_episodes": ["episode_id", "person_id"],
}
#: Tokens are compared whole, so an id is found only where it stands as itself (never inside
#: an image's base64 text, which has no hyphen, or another longer token).
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-/.:]*[A-Za-z0-9]")
TEXT_SUFFIXES = {".html", ".csv", ".json", ".txt", ".md", ".svg"}
#: Embedded images' base64 text is skipped when looking for paths (it holds no words).
_DATA_URI = re.compile(r"data:[\w/+.-]+;base64,[A-Za-z0-9+/=]*")
ABSOLUTE_PATH = "absolute path of the build machine"


@dataclass(frozen=True)
class Leak:
    file: str
    identifier: str
    column: str


def identifiers(processed_dir: Path | None = None) -> dict[str, str]:
    """Every identifier in the processed tables -> the column it came from."""
    found: dict[str, str] = {}
    for table, columns in IDENTIFIER_COLUMNS.items():
        try:
            frame = tables.load(table, processed_dir)
        except tables.MissingTableError:
            continue
        for column in columns:
            values = frame[column].dropna().astype(str)
            found.update(dict.fromkeys(pd.unique(values), column))
    return found


def publishable_files(report_dir: Path) -> list[Path]:
    return sorted(p for p in Path(report_dir).rglob("*") if p.is_file())


def _text(path: Path) -> str:
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    if path.suffix in TEXT_SUFFIXES:
        return path.read_text(encoding="utf-8", errors="replace")
    return ""


def _tokens(text: str) -> set[str]:
    tokens = set(_TOKEN.findall(text))
    # also the parts of tokens joined by separators, so "DEMO-P-000001," or "id:X" are caught
    for token in list(tokens):
        tokens.update(part for part in re.split(r"[/.:]", token) if part)
    return tokens


def machine_paths(report_dir: Path, processed_dir: Path | None = None) -> list[str]:
    """The absolute folders of the build machine no published file may name: the project root,
    the home and temporary folders, the report folder and the processed folder."""
    extra = [Path(report_dir).resolve(), tables.processed_dir(processed_dir)]
    return sorted(provenance.machine_roots(extra), key=len, reverse=True)


def _path_pattern(roots: list[str]) -> re.Pattern:
    """A root as a whole folder name: ``/tmp`` in ``/tmp/x`` or ``"/tmp"``, never ``/tmpfoo``."""
    return re.compile("|".join(rf"{re.escape(r)}(?![\w.\-])" for r in roots))


def absolute_paths(text: str, roots: list[str]) -> list[str]:
    """The build machine's folders (``roots``) that ``text`` names, embedded images skipped."""
    found = _path_pattern(roots).findall(_DATA_URI.sub("", text)) if roots else []
    return sorted(set(found))


def scan(report_dir: Path, processed_dir: Path | None = None) -> list[Leak]:
    """Every processed-table identifier, and every absolute path of the build machine
    (:func:`machine_paths`), that appears in a publishable file of ``report_dir``."""
    known = identifiers(processed_dir)
    roots = machine_paths(report_dir, processed_dir)
    leaks = []
    for path in publishable_files(report_dir):
        text = _text(path)
        name = str(path.relative_to(report_dir))
        for token in sorted(_tokens(text) & known.keys()):
            leaks.append(Leak(name, token, known[token]))
        leaks.extend(Leak(name, root, ABSOLUTE_PATH) for root in absolute_paths(text, roots))
    return leaks
