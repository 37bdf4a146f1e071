"""Published pages from Jinja2 templates (``present/templates/pages/``): the overview, the
national page, and the pages published in place of an appendix (not produced, withheld).

Autoescape is on and every value a template prints is escaped as :func:`html.escape` escapes
it (so the pages' bytes stay as they were before templates), unless the caller passed it as
:class:`markupsafe.Markup`: HTML the code built itself (CSP meta, synthetic banner, footer,
SPC icons, charts) or text already sanitised by :mod:`perfpack.present.markup`. An undefined
name in a template is an error, not an empty string.
"""

from __future__ import annotations

import html
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from perfpack.data.paths import TEMPLATES_DIR
from perfpack.present import markup

#: Where the page templates are.
PAGES_DIR = TEMPLATES_DIR / "pages"


def _escaped(value) -> Markup:
    """Every printed value escaped (``html.escape``, quotes included) unless it is Markup."""
    if hasattr(value, "__html__"):
        return Markup(value.__html__())
    return Markup(html.escape(str(value)))


@cache
def environment() -> Environment:
    """The pages' Jinja2 environment (autoescape, strict undefined names)."""
    env = Environment(
        loader=FileSystemLoader(PAGES_DIR),
        autoescape=True,
        finalize=_escaped,
        undefined=StrictUndefined,
        keep_trailing_newline=False,
    )
    env.globals["csp_meta"] = Markup(markup.CSP_META)
    return env


def render(template: str, **context) -> str:
    """Render ``template`` (a file in :data:`PAGES_DIR`) with ``context``."""
    return environment().get_template(template).render(**context)


def render_error_page(
    job,
    period: str,
    cell: int | None,
    exception: str,
    header: str,
    footer: str,
    where: str | None = None,
) -> str:
    """The page published in place of an appendix whose notebook failed (``where``: the stage,
    when not a cell or start-up). ``header`` and ``footer`` are HTML the batch built; the job's
    title and notebook, the period and the exception are escaped."""
    return render(
        "error.html.j2",
        title=job.title,
        notebook=job.notebook,
        period=period,
        where=where or (f"cell {cell}" if cell is not None else "start-up"),
        exception=exception,
        header=Markup(header),
        footer=Markup(footer),
    )


def render_withheld_page(title: str, reason: str, header: str, footer: str) -> str:
    """The page published in place of a page kept from an earlier run that fails today's
    markup audit: its title and the reason, escaped, between the batch's header and footer."""
    return render(
        "withheld.html.j2",
        title=title,
        reason=reason,
        header=Markup(header),
        footer=Markup(footer),
    )
