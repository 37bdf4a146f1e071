"""The overview page (``reports/<period>/index.html``): front matter, the contents table grouped
as the report groups its themes with each theme's headline figures, links to every appendix and
deep dive, and the meeting actions."""

from __future__ import annotations

import html
from datetime import datetime

import pandas as pd

from perfpack.core import stats
from perfpack.core.change import signed_pct
from perfpack.data import reference
from perfpack.present import spc_icons
from perfpack.present.markup import CSP_META
from perfpack.report import annotations, review

#: ``pdf_status`` of a run whose report.pdf was made.
PDF_MADE = "made"

STYLE = """
@page { size: A4; margin: 14mm; }
body { font-family: sans-serif; max-width: 1100px; margin: 0 auto; padding: 0 16px;
       color: #1a1a1a; }
table { border-collapse: collapse; margin: 12px 0; width: 100%; }
th, td { padding: 6px 8px; border-bottom: 1px solid #ddd; text-align: left; vertical-align: top; }
caption { caption-side: top; font-weight: bold; text-align: left; padding: 4px 0; }
.front { border-bottom: 2px solid #0072b2; margin-bottom: 16px; }
.failed { color: #a0290a; font-weight: bold; }
.perfpack-footer { font-size: 0.85em; color: #444; padding: 16px 0; border-top: 1px solid #ccc;
                   margin-top: 24px; }
"""


def order_figures(frame: pd.DataFrame) -> pd.DataFrame:
    """Figures in report order (theme order from the reference table), stable within a theme."""
    order = reference.themes()["report_order"].to_dict()
    ranked = frame.assign(_rank=frame["theme"].map(order).fillna(99))
    return ranked.sort_values(["_rank", "theme"], kind="stable").drop(columns="_rank")


def _figure(figs: pd.DataFrame, theme: str, measure: str, group: str = ""):
    rows = figs[(figs["theme"] == theme) & (figs["measure"] == measure) & (figs["group"] == group)]
    if rows.empty:
        return None
    value = rows["value"].iloc[-1]
    return None if pd.isna(value) else float(value)


def _selected_projection(figs: pd.DataFrame, theme: str) -> dict:
    """The headline projection's % change and its method (the figure's group), if recorded."""
    rows = figs[(figs["theme"] == theme) & (figs["measure"] == "projection_selected_pct")]
    if rows.empty:
        return {"projection_selected_pct": None, "projection_method": None}
    value = rows["value"].iloc[-1]
    by_record = _figure(figs, theme, "projection_selected_by_record")
    return {
        "projection_selected_pct": None if pd.isna(value) else float(value),
        "projection_method": str(rows["group"].iloc[-1]),
        "projection_by_record": by_record is None or bool(by_record),
    }


def _fmt_count(value) -> str:
    return "–" if value is None else f"{int(value):,}"


def _fmt_p(value) -> str:
    # the one p-value convention and verdict wording every appendix uses
    return stats.significance_cell(value)


def contents_rows(figs: pd.DataFrame, results) -> list[dict]:
    """One row per theme in the run: its section, target and headline figures."""
    themes = reference.themes()
    status = {r.slug: r for r in results}
    rows = []
    for slug in [r.slug for r in results if r.kind == "theme"]:
        theme = themes.loc[slug]
        rows.append(
            {
                "section": theme["section"],
                "theme": slug,
                "title": theme["title"],
                "target": theme["target_direction"],
                "previous": _figure(figs, slug, "count_previous"),
                "current": _figure(figs, slug, "count_current"),
                "pct_change": _figure(figs, slug, "pct_change"),
                "p_value": _figure(figs, slug, "change_p_value"),
                "projection_12m_pct": _figure(figs, slug, "projection_12m_pct"),
                **_selected_projection(figs, slug),
                "result": status[slug],
            }
        )
        rows[-1]["review"] = review.review_theme(
            slug,
            review.monthly_series(figs, slug),
            theme["target_direction"],
            rows[-1]["previous"],
            rows[-1]["current"],
            rows[-1]["p_value"],
        )
    return rows


def index_html(
    period: str,
    figs: pd.DataFrame,
    results,
    record: dict,
    banner: str,
    footer: str,
    annotations_dir=None,
    skipped=(),
    coverage=None,
    pdf_status: str | None = None,
) -> str:
    """The overview page. ``skipped``: ``(title, reason)`` for report themes this data cannot
    give; ``coverage``: what a public download covers (its ``summary`` sentences are shown);
    ``pdf_status``: :data:`PDF_MADE` when the pack has report.pdf (linked), else why it has
    none (None: nothing said).

    Every text from outside the code (force name, commentary, coverage) is HTML-escaped, and
    the page carries the Content-Security-Policy of :mod:`perfpack.present.markup`."""
    rows = contents_rows(figs, results)
    window_months = int(record.get("parameters", {}).get("window_months", 12))
    data_source = record.get("data_source", "force")
    matter = reference.table("front_matter")
    matter = matter[matter["data_source"] == data_source]
    front = dict(zip(matter["item"], matter["value"], strict=True))
    if record.get("force"):
        front["force"] = record["force"]
    period_end = pd.Period(period, freq="M").end_time
    published = publication_line(period, front, record)
    parts = [
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"/>{CSP_META}',
        f"<title>{html.escape(front['title'])} – {period}</title>",
        f"<style>{STYLE}</style></head><body>",
        banner,
        '<header class="front">',
        f"<h1>{html.escape(front['title'])}</h1>",
        f"<p><strong>{html.escape(front['force'])}</strong> – reporting period up until "
        f"{period_end:%d %B %Y}</p>",
        f"<p>{html.escape(published)}. {html.escape(front['produced_by'])}. "
        f"{html.escape(front['authorised_by'])}.</p>",
        f"<p>{html.escape(front['classification'])}. {html.escape(front['transparency'])}.</p>",
        "</header>",
        "<main>",
        _coverage(coverage),
        _contents_table(rows, window_months),
        _skipped(skipped),
        _exceptions(rows, window_months),
        _commentary(rows, period, annotations_dir),
        _other_pages(results),
        _actions_table(results) if data_source == "force" else "",
        '<p><a href="figures.csv">figures.csv</a>: every published figure, machine-readable '
        '(theme, measure, window, group, value). <a href="provenance.json">provenance.json</a>: '
        "code version, parameters and input hashes.</p>",
        _pdf_line(pdf_status),
        "</main>",
        footer,
        "</body></html>",
    ]
    return "\n".join(p for p in parts if p)


def publication_line(period: str, front: dict, record: dict) -> str:
    """'Published – February 2020': the publication date of the period's meeting report, from the
    run's ``published`` parameter or the front matter's ``published_<period>`` row
    (``data/reference/front_matter.csv``), never the date the pack was built. Without one the
    page says it is not a published edition and gives the build date."""
    published = record.get("parameters", {}).get("published") or front.get(f"published_{period}")
    if published:
        return f"Published – {published}"
    built = datetime.fromisoformat(record["run_at"]).strftime("%d %B %Y").lstrip("0")
    return f"Not a published edition: built on {built}"


def _projection_cell(row: dict) -> str:
    """The 12-month projection with the method it comes from: the method with the best
    back-test record when the theme has one, with the report's own 12-month trend beside it."""
    selected, method = row.get("projection_selected_pct"), row.get("projection_method")
    report = row["projection_12m_pct"]
    if method is None or not row.get("projection_by_record", True):
        if report is None:
            return "n/a"
        note = "" if method is None else "; no back-test"
        return f"{signed_pct(report)} <small>(report's 12-month trend{note})</small>"
    text = f"{signed_pct(selected)} <small>({html.escape(method)}, best back-test"
    if report is not None and method != "12-month trend":
        text += f"; report's 12-month trend {signed_pct(report)}"
    return text + ")</small>"


def _pdf_line(pdf_status: str | None) -> str:
    """Where the printable report is, or why this run has none (so no older one is mistaken
    for it)."""
    if pdf_status is None:
        return ""
    if pdf_status == PDF_MADE:
        return '<p><a href="report.pdf">report.pdf</a>: the whole pack, printable (A4).</p>'
    return (
        f'<p class="failed" role="status">report.pdf: {html.escape(pdf_status)}. No earlier '
        "report.pdf is kept beside these pages.</p>"
    )


def _coverage(coverage: dict | None) -> str:
    """What a public download covers, checked before any figure (counts only)."""
    if not coverage:
        return ""
    items = "".join(
        f"<li>{html.escape(line)}</li>"
        for kind in ("street", "stop_search")
        for line in (coverage.get(kind) or {}).get("summary", [])
    )
    return f"<h2>What the data covers</h2><ul>{items}</ul>" if items else ""


def _skipped(skipped) -> str:
    if not skipped:
        return ""
    items = "".join(
        f"<li><strong>{html.escape(title)}</strong>: not in this pack – {html.escape(reason)}.</li>"
        for title, reason in skipped
    )
    return f"<p>Themes of the published report this data cannot give:</p><ul>{items}</ul>"


def _contents_table(rows: list[dict], window_months: int = 12) -> str:
    """The contents table, grouped as the report groups its themes (section, then heading)."""
    head = (
        "<table><caption>Contents and performance overview</caption><thead><tr>"
        "<th scope='col'>Theme</th><th scope='col'>Target</th>"
        f"<th scope='col'>Previous {window_months} months</th>"
        f"<th scope='col'>Current {window_months} months</th>"
        "<th scope='col'>Change</th><th scope='col'>Significance</th>"
        "<th scope='col'>12-month projection (method)</th><th scope='col'>SPC signal</th>"
        "<th scope='col'>SPC icons (variation, assurance)</th>"
        "<th scope='col'>Exception for review</th></tr></thead>"
    )
    themes = reference.themes()
    body = []
    for section in dict.fromkeys(r["section"] for r in rows):
        body.append(
            f"<tbody><tr><th scope='rowgroup' colspan='10'>{html.escape(section)}</th></tr>"
        )
        for row in (r for r in rows if r["section"] == section):
            result = row["result"]
            heading = themes.loc[row["theme"], "contents_group"]
            shared = sum(themes.loc[r["theme"], "contents_group"] == heading for r in rows) > 1
            name = f"{heading}: {row['title']}" if shared else row["title"]
            link = f'<a href="{result.html}">{html.escape(name)}</a>'
            if not result.ok:
                link += ' <span class="failed">(not produced: see page)</span>'
            body.append(
                "<tr>"
                f"<td>{link}</td><td>{html.escape(row['target'])}</td>"
                f"<td>{_fmt_count(row['previous'])}</td><td>{_fmt_count(row['current'])}</td>"
                f"<td>{signed_pct(row['pct_change'])}</td><td>{_fmt_p(row['p_value'])}</td>"
                f"<td>{_projection_cell(row)}</td>"
                f"<td>{html.escape(row['review'].spc_signal)}</td>"
                f"<td>{_icons_cell(row['review'])}</td>"
                f"<td>{_exception_cell(row['review'])}</td></tr>"
            )
        body.append("</tbody>")
    return head + "".join(body) + "</table>"


def _icons_cell(theme_review) -> str:
    """The "Making Data Count" variation and assurance icons (inline SVG with text), and any
    suggested rebase in words (reported, never applied)."""
    if not theme_review.variation:
        return "–"
    icons = spc_icons.variation_svg(theme_review.variation) + " "
    icons += spc_icons.assurance_svg(theme_review.assurance)
    for text in theme_review.suggestions:
        icons += f"<br/><small>{html.escape(text[0].upper() + text[1:])} (not applied)</small>"
    return icons


def _exception_cell(theme_review) -> str:
    if not theme_review.exception:
        return "No"
    return "<strong>Yes</strong>: " + html.escape("; ".join(theme_review.reasons))


def _exceptions(rows: list[dict], window_months: int = 12) -> str:
    flagged = [r for r in rows if r["review"].exception]
    items = (
        "".join(
            f'<li><a href="{r["result"].html}">{html.escape(r["title"])}</a>: '
            f"{html.escape('; '.join(r['review'].reasons))}</li>"
            for r in flagged
        )
        or "<li>No theme meets the rule this period.</li>"
    )
    return (
        "<h2>Performance exceptions for review</h2>"
        f"<p><em>The rule:</em> {html.escape(review.exception_rule(window_months))}</p>"
        f"<ul>{items}</ul>"
    )


def _commentary(rows: list[dict], period: str, annotations_dir) -> str:
    items = []
    for r in rows:
        text = annotations.commentary(period, r["theme"], annotations_dir)
        if text is None:
            summary = "<em>No commentary yet for this period.</em>"
        else:
            first = next(
                (p for p in text.split("\n\n") if p.strip() and not p.startswith("#")), text
            )
            first = " ".join(first.split())
            summary = html.escape(
                first if len(first) <= 320 else first[:317].rsplit(" ", 1)[0] + "…"
            )
        items.append(f"<li><strong>{html.escape(r['title'])}</strong>: {summary}</li>")
    return "<h2>Force lead commentary</h2><ul>" + "".join(items) + "</ul>"


def _other_pages(results) -> str:
    deep = [r for r in results if r.kind == "deep_dive"]
    if not deep:
        return ""
    items = "".join(
        f'<li><a href="{r.html}">{html.escape(r.title)}</a>'
        + ("" if r.ok else ' <span class="failed">(not produced)</span>')
        + "</li>"
        for r in deep
    )
    return f"<h2>Deep dives</h2><ul>{items}</ul>"


def _actions_table(results) -> str:
    actions = reference.actions()
    pages = {r.slug: r.html for r in results if r.kind == "deep_dive"}
    rows = []
    for a in actions.itertuples():
        link = f'<a href="{pages[a.deep_dive]}">deep dive</a>' if a.deep_dive in pages else "–"
        rows.append(
            f"<tr><td>{html.escape(a.action)}</td><td>{html.escape(a.title)}</td>"
            f"<td>{html.escape(a.description)}</td><td>{html.escape(a.owner)}</td>"
            f"<td>{html.escape(a.status)}</td><td>{link}</td></tr>"
        )
    return (
        "<table><caption>Actions from the Public Performance Meeting</caption><thead><tr>"
        "<th scope='col'>Action</th><th scope='col'>Subject</th><th scope='col'>Action agreed</th>"
        "<th scope='col'>Owner</th><th scope='col'>Status</th><th scope='col'>Page</th>"
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )
