"""Executing a pack's notebooks: one notebook run with papermill (in a worker process), its
outputs stripped of what must not reach a public page, and its code-free HTML appendix exported
with nbconvert in the same worker. A notebook that fails, or a page that fails the markup audit
(:func:`perfpack.present.markup.unsafe_markup`), gets an error page naming the notebook, cell
and exception instead, and publishes no figures.
"""

from __future__ import annotations

import functools
import html
import time
from pathlib import Path

from traitlets.config import Config

from perfpack.data import provenance
from perfpack.data.paths import NOTEBOOKS_DIR, TEMPLATES_DIR
from perfpack.present import markup, pages
from perfpack.present.html import SYNTHETIC_CLASS
from perfpack.report import annotations
from perfpack.report.jobs import EXECUTED_DIR, Job, JobResult

KERNEL_NAME = "python3"
#: Encrypt kernel traffic (CurveZMQ) where the kernel supports it: ipykernel 7.4 warns on every
#: start about plain-text TCP otherwise.
KERNEL_CONFIG = Config({"KernelManager": {"transport_encryption": "auto"}})
FIGURES_DIR = "figures"  # one figures CSV per appendix, joined into figures.csv
REMOVE_TAG = "remove-from-report"  # cells for analysts only, left out of the appendix
#: Output types a page may show; anything else (javascript, widgets, svg, latex) is dropped.
PUBLISHED_MIMETYPES = {"text/html", "text/plain", "image/png", "image/jpeg"}


@functools.cache
def _html_exporter():
    """The appendix exporter, made once a worker (its templates are loaded once)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="perfpack", extra_template_basedirs=[str(TEMPLATES_DIR / "nbconvert")]
    )
    # a notebook's own intro for analysts (e.g. the shared crime notebook's generic title) is
    # tagged remove-from-report and left out of the appendix
    exporter.register_preprocessor(
        TagRemovePreprocessor(remove_cell_tags={REMOVE_TAG}, enabled=True), enabled=True
    )
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def _strip_for_publication(nb) -> list[str]:
    """Drop what must not reach a public page: stderr streams (warnings, logs), tracebacks and
    output types that could run code; markdown shown without HTML is rendered and sanitised
    (:func:`perfpack.present.markup.markdown_html`). Returns the warning texts so the batch can
    summarise them."""
    warnings = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                warnings.append(output.get("text", "").strip())
                continue
            if output.get("output_type") == "error":
                continue
            if "data" in output:
                _publishable_data(output)
            kept.append(output)
        cell["outputs"] = kept
    return [w for w in warnings if w]


def _publishable_data(output) -> None:
    """Keep only :data:`PUBLISHED_MIMETYPES` of a display output, rendering markdown that came
    without HTML through the sanitiser."""
    data = output["data"]
    markdown = data.get("text/markdown")
    if markdown is not None and "text/html" not in data:
        text = "".join(markdown) if isinstance(markdown, list) else markdown
        data["text/html"] = markup.markdown_html(text)
    for mimetype in [m for m in data if m not in PUBLISHED_MIMETYPES]:
        del data[mimetype]


def page_header(report_root_rel: str, title: str, banner: str = "") -> str:
    """Navigation back to the overview (and, on pages no notebook wrote, the synthetic mark:
    a theme notebook shows the mark itself)."""
    return (
        f'<nav class="perfpack-nav"><a href="{report_root_rel}index.html">Overview</a> · '
        f"{html.escape(title)}</nav>{banner}"
    )


def execute_job(
    job: Job,
    staging: str,
    period: str,
    cell_timeout: int,
    banner: str,
    footer: str,
    reuse_kernel: bool = False,
) -> JobResult:
    """Run one notebook with papermill and export it (runs in a worker process).
    ``reuse_kernel``: run it in this worker's kernel, left by its previous notebook and put
    back to its starting state, and leave the kernel for the next (:mod:`perfpack.report.kernels`;
    for a worker that runs notebooks one at a time). Otherwise the notebook gets a kernel of its
    own."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from perfpack.report import kernels

    staging = Path(staging)
    executed = staging / EXECUTED_DIR / f"{job.slug}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    figures_path = staging / FIGURES_DIR / f"{job.slug}.csv"
    parameters = {**job.parameters, "figures_path": str(figures_path)}
    out_html = staging / job.html_relpath
    out_html.parent.mkdir(parents=True, exist_ok=True)
    header = page_header("../", job.title)
    started = time.perf_counter()

    def failed(cell: int | None, exception: str, where: str | None = None) -> JobResult:
        return _failed(
            job, period, out_html, figures_path, banner, footer, started, cell, exception, where
        )

    km = kernels.acquire(KERNEL_NAME, KERNEL_CONFIG, NOTEBOOKS_DIR) if reuse_kernel else None
    succeeded = False
    try:
        nb = papermill.execute_notebook(  # as written to ``executed``
            str(NOTEBOOKS_DIR / job.notebook),
            str(executed),
            parameters=parameters,
            kernel_name=KERNEL_NAME,
            cwd=str(NOTEBOOKS_DIR),
            progress_bar=False,
            log_output=False,
            execution_timeout=cell_timeout,
            config=KERNEL_CONFIG,
            # the notebook has finished when its kernel stops: nothing is left to wait for
            shutdown_kernel="immediate",
            # written once at the end (and on a cell's error), not after every cell
            request_save_on_cell_execute=False,
            **({"km": km} if km is not None else {}),
        )
        succeeded = True
    except PapermillExecutionError as failure:
        cell = _source_cell_index(executed, failure.cell_index)
        return failed(cell, f"{failure.ename}: {failure.evalue}")
    except Exception as failure:  # kernel died, timeout, bad notebook file...
        return failed(None, f"{type(failure).__name__}: {failure}")
    finally:
        if km is not None:  # ours to keep or stop (papermill stops only a kernel it started)
            kernels.release(km, reusable=succeeded)

    warnings = _strip_for_publication(nb)
    if (
        job.kind == "theme"
        and annotations.commentary(period, job.slug, job.parameters["annotations_dir"]) is None
    ):
        warnings.append(
            f"no commentary for {job.slug} in {period}: write "
            f"{annotations.commentary_path(period, job.slug, job.parameters['annotations_dir'])}"
        )
    shows_mark = any(
        f'class="{SYNTHETIC_CLASS}"' in str(output.get("data", {}).get("text/html", ""))
        for cell in nb.cells
        for output in cell.get("outputs", [])
    )
    if banner and not shows_mark:  # every page built from the demo force carries the mark
        header = page_header("../", job.title, banner)
    body, _ = _html_exporter().from_notebook_node(
        nb,
        resources={
            "perfpack_header": header,
            "perfpack_footer": footer,
            "perfpack_csp": markup.CSP_META,
            "metadata": {"name": job.title},
        },
    )
    unsafe = markup.unsafe_markup(body)
    if unsafe:  # never published: the page is replaced by an error page naming what was found
        return failed(
            None,
            "UnsafeMarkup: the page held markup that could run: " + "; ".join(unsafe),
            where="the publication check",
        )
    out_html.write_text(body, encoding="utf-8")
    return JobResult(
        job.slug,
        job.title,
        job.kind,
        job.html_relpath,
        True,
        time.perf_counter() - started,
        warnings=warnings,
    )


def _failed(
    job: Job,
    period: str,
    out_html: Path,
    figures_path: Path,
    banner: str,
    footer: str,
    started: float,
    cell: int | None,
    exception: str,
    where: str | None = None,
) -> JobResult:
    """Publish the error page in place of the appendix; a failed notebook publishes no figures."""
    exception = provenance.public_text(exception)[:500]
    header = page_header("../", job.title, banner)
    page = pages.render_error_page(job, period, cell, exception, header, footer, where)
    out_html.write_text(page, encoding="utf-8")
    figures_path.unlink(missing_ok=True)
    return JobResult(
        job.slug,
        job.title,
        job.kind,
        job.html_relpath,
        False,
        time.perf_counter() - started,
        "failed",
        cell,
        exception,
    )


def _source_cell_index(executed: Path, cell_index: int) -> int:
    """The failing cell's index in the notebook as committed (papermill inserts an
    'injected-parameters' cell into the executed copy, shifting the cells after it; its
    ``cell_index`` counts the cells before it marked the error with cells of its own)."""
    import nbformat

    nb = nbformat.read(str(executed), as_version=4)
    cells = [
        cell
        for cell in nb.cells
        if "papermill-error-cell-tag" not in cell.get("metadata", {}).get("tags", [])
    ]
    injected = sum(
        "injected-parameters" in cell.get("metadata", {}).get("tags", [])
        for cell in cells[:cell_index]
    )
    return cell_index - injected
