"""Where the project's folders are, built from the package location, never the working directory."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
#: The repository root (``lib/perfpack`` is two levels down). ``PERFPACK_ROOT`` overrides it,
#: so tests and users can point a run at another copy of the project.
PROJECT_ROOT = Path(os.environ.get("PERFPACK_ROOT", PACKAGE_DIR.parent.parent)).resolve()

NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
REFERENCE_DIR = DATA_DIR / "reference"
REPORTS_DIR = PROJECT_ROOT / "reports"
ANNOTATIONS_DIR = PROJECT_ROOT / "annotations"
TEMPLATES_DIR = PACKAGE_DIR / "present" / "templates"


def resolve(path: str | os.PathLike | None, default: Path) -> Path:
    """``path`` as an absolute Path, or ``default`` when it is blank (notebook parameters)."""
    if path is None or str(path).strip() == "":
        return default
    return Path(path).expanduser().resolve()
