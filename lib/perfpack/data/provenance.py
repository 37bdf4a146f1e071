"""Where a report came from: code version, parameters, inputs (with sha256), packages, run date.

Published, so it names no place on the build machine: paths are relative to the project root
(``data/processed``), or only their last part for a folder outside it (``…/processed``)."""

from __future__ import annotations

import hashlib
import html
import subprocess
import tempfile
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from perfpack.data.paths import PROJECT_ROOT

PACKAGES = (
    "perfpack",
    "pandas",
    "numpy",
    "scipy",
    "statsmodels",
    "matplotlib",
    "seaborn",
    "papermill",
    "nbconvert",
    "nbclient",
    "ipykernel",
    "pyarrow",
)


#: Stands for the folders of a path outside the project.
OUTSIDE = "…"


def machine_roots(extra=()) -> dict[str, str]:
    """Absolute folders of the build machine that must not be published -> what stands for them:
    the project root ("."), the home folder ("~"), the temporary folder ("$TMPDIR"), and
    ``extra`` folders ("…/<name>"). The filesystem root itself is never one of them."""
    roots = {
        str(PROJECT_ROOT): ".",
        str(Path.home()): "~",
        str(Path(tempfile.gettempdir())): "$TMPDIR",
    }
    roots.update({str(Path(p)): f"{OUTSIDE}/{Path(p).name}" for p in extra})
    for candidate in list(roots):
        resolved = str(Path(candidate).resolve())
        roots.setdefault(resolved, roots[candidate])
    return {root: public for root, public in roots.items() if len(Path(root).parts) > 1}


def public_path(path) -> str:
    """``path`` as published: relative to the project root when inside it (``data/processed``),
    else only its last part (``…/processed``); a relative path is kept as it is."""
    path = Path(path)
    if not path.is_absolute():
        return path.as_posix()
    for candidate in (path, path.resolve()):
        try:
            return candidate.relative_to(PROJECT_ROOT).as_posix() or "."
        except ValueError:
            continue
    return f"{OUTSIDE}/{path.name}" if path.name else OUTSIDE


def public_text(text: str, extra=()) -> str:
    """``text`` (an error message) with every absolute folder of :func:`machine_roots` replaced
    by what stands for it, longest first."""
    text = str(text)
    for root, public in sorted(machine_roots(extra).items(), key=lambda kv: -len(kv[0])):
        text = text.replace(root, public)
    return text


def _public_value(value):
    """A provenance value with absolute paths made public (:func:`public_path`)."""
    if isinstance(value, dict):
        return {k: _public_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_public_value(v) for v in value]
    if isinstance(value, str) and (value.startswith("~") or Path(value).is_absolute()):
        return public_path(Path(value).expanduser())
    return value


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def code_version(root: Path = PROJECT_ROOT) -> dict:
    """The git commit and whether the work tree had uncommitted changes (None outside git)."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=10
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"git_commit": commit, "uncommitted_changes": None if status is None else bool(status)}


def package_versions() -> dict:
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def build(period: str, parameters: dict, data_manifest: dict, processed_dir: Path) -> dict:
    """The provenance record written to ``reports/<period>/provenance.json``: every path in
    ``parameters`` and the inputs relative to the project (:func:`public_path`)."""
    processed = {p.name: sha256_file(p) for p in sorted(Path(processed_dir).glob("*.parquet"))}
    return {
        "period": period,
        "run_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "code": code_version(),
        "parameters": _public_value(parameters),
        "force": data_manifest.get("force"),
        "synthetic": bool(data_manifest.get("synthetic", False)),
        "data_source": data_manifest.get("data_source", "force"),
        "inputs": _public_value(data_manifest.get("inputs", [])),
        "processed_tables_sha256": processed,
        "packages": package_versions(),
    }


def footer_html(record: dict) -> str:
    """A short provenance footer for every published page."""
    code = record["code"]
    commit = (code.get("git_commit") or "unknown")[:12]
    dirty = " (with uncommitted changes)" if code.get("uncommitted_changes") else ""
    inputs = ", ".join(
        f"{i.get('file')} (sha256 {str(i.get('sha256'))[:12]}…)" for i in record.get("inputs", [])
    )
    synthetic = " <strong>Synthetic demonstration data.</strong>" if record.get("synthetic") else ""
    return (
        '<footer class="perfpack-footer">'
        f"Produced by perfpack {html.escape(str(record['packages'].get('perfpack')))} at commit "
        f"{html.escape(commit)}{dirty} on {html.escape(record['run_at'])} for the period ending "
        f"{html.escape(record['period'])}. Data: {html.escape(str(record.get('force')))}."
        f"{synthetic} Inputs: {html.escape(inputs) or 'none recorded'}. "
        "Full provenance: provenance.json.</footer>"
    )
