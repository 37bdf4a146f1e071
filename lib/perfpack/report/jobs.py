"""What a notebook run of the batch is (:class:`Job`) and what it gives (:class:`JobResult`): plain
records, importable without pandas by the batch's worker processes. :mod:`perfpack.report.plan`
makes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EXECUTED_DIR = "executed"  # executed notebooks can hold record-level data: kept out of the
# publishable folder, in reports/executed/<period>/


@dataclass(frozen=True)
class Job:
    """One notebook run: which notebook, with which parameters, published under which name."""

    slug: str
    title: str
    kind: str  # "theme" or "deep_dive"
    notebook: str
    parameters: dict

    @property
    def html_relpath(self) -> str:
        folder = "appendices" if self.kind == "theme" else "deep_dives"
        return f"{folder}/{self.slug}.html"


@dataclass
class JobResult:
    slug: str
    title: str
    kind: str
    html: str
    ok: bool
    seconds: float
    error: str | None = None
    cell: int | None = None
    exception: str | None = None
    warnings: list[str] = field(default_factory=list)


class BatchError(RuntimeError):
    """The batch could not start (bad period, no processed data, unknown notebook)."""
