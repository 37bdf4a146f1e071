"""Where a report came from: code version, parameters, inputs (with sha256), packages, run date."""

from __future__ import annotations

import hashlib
import html
import subprocess
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from perfpack.paths import PROJECT_ROOT

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
    """The provenance record written to ``reports/<period>/provenance.json``."""
    processed = {p.name: sha256_file(p) for p in sorted(Path(processed_dir).glob("*.parquet"))}
    return {
        "period": period,
        "run_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "code": code_version(),
        "parameters": parameters,
        "force": data_manifest.get("force"),
        "synthetic": bool(data_manifest.get("synthetic", False)),
        "data_source": data_manifest.get("data_source", "force"),
        "inputs": data_manifest.get("inputs", []),
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
