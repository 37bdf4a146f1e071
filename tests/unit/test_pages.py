"""Pages from templates: the pages published in place of an appendix (failed, withheld), the
national table, and the renderer's escaping. Expected wording is the published pages' own."""

import jinja2
import pytest
from markupsafe import Markup

from perfpack.present import markup, pages
from perfpack.report.plan import Job

HOSTILE = "<script>alert(1)</script>\" onmouseover='x' & <b>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&#x27;x&#x27; &amp; &lt;b&gt;"
HEADER = '<nav class="perfpack-nav"><a href="../index.html">Overview</a> · Robbery</nav>'
FOOTER = '<footer class="perfpack-footer">Produced by perfpack</footer>'


def _error_page(cell=3, where=None, title="Robbery", notebook="02_crime.ipynb", exception="E"):
    job = Job("robbery", title, "theme", notebook, {})
    return pages.render_error_page(job, "2019-12", cell, exception, HEADER, FOOTER, where)


def test_error_page_names_notebook_cell_and_exception():
    page = _error_page(exception="ValueError: no rows")
    assert page.startswith(f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>'
                           f"{markup.CSP_META}<title>Robbery: not produced</title>")  # fmt: skip
    assert (
        '<p role="alert"><strong>This appendix could not be produced for 2019-12.</strong> '
        "The notebook <code>notebooks/02_crime.ipynb</code> failed at cell 3: "
        "<code>ValueError: no rows</code></p>"
    ) in page
    assert "The Knowledge Hub has been told by the batch's exit status." in page
    assert f"<body>{HEADER}<main><h1>Robbery</h1>" in page
    assert page.endswith(f"</main>{FOOTER}</body></html>")
    assert markup.unsafe_markup(page) == []


def test_error_page_says_where_when_not_a_cell():
    assert "failed at start-up: " in _error_page(cell=None)
    assert "failed at the publication check: " in _error_page(
        cell=None, where="the publication check"
    )


def test_error_page_escapes_everything_from_outside_the_code():
    page = _error_page(title=HOSTILE, notebook=HOSTILE, exception=HOSTILE, where=HOSTILE)
    assert f"<title>{ESCAPED}: not produced</title>" in page
    assert f"<code>notebooks/{ESCAPED}</code> failed at {ESCAPED}: <code>{ESCAPED}</code>" in page
    assert "<script>" not in page and markup.unsafe_markup(page) == []


def test_withheld_page():
    page = pages.render_withheld_page(HOSTILE, f"UnsafeMarkup: {HOSTILE}; re-run it", HEADER, "")
    assert f"<title>{ESCAPED}: withheld</title>" in page
    assert (
        f'<h1>{ESCAPED}</h1><p role="alert"><strong>This page is withheld.</strong> '
        f"UnsafeMarkup: {ESCAPED}; re-run it</p></main></body></html>"
    ) in page
    assert markup.unsafe_markup(page) == []


def test_national_table_escapes_names_and_marks():
    table = {
        "columns": ["Force", "Previous 2 months"],
        "rows": [
            {"name": "Devon & Cornwall Police", "href": "../../dc/2019-02/index.html",
             "built": True, "cells": ["<5"]},
            {"name": HOSTILE, "href": "../../x/2019-02/index.html", "built": False, "cells": [12]},
        ],
    }  # fmt: skip
    section = {"title": "Robbery", "previous": "a", "current": "b", "chart": None, "note": "n",
               "table": table}  # fmt: skip
    page = pages.render("national.html.j2", period="2019-02", forces=2, sections=[section],
                        footer=Markup(FOOTER))  # fmt: skip
    assert "Devon &amp; Cornwall Police</a></td>" in page and "<td>&lt;5</td>" in page
    assert f">{ESCAPED}</a> (pack not built or incomplete)</td>" in page
    assert "<td>12</td>" in page and markup.unsafe_markup(page) == []


def test_markup_is_printed_as_given_and_an_unknown_name_is_an_error():
    env = pages.environment()
    template = env.from_string("{{ a }}|{{ b }}")
    assert template.render(a="<i>", b=Markup("<i>")) == "&lt;i&gt;|<i>"
    with pytest.raises(jinja2.UndefinedError):
        template.render(a="x")
