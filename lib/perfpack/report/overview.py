"""The overview page (``reports/<period>/index.html``): front matter, the contents table grouped
as the report groups its themes with each theme's headline figures, links to every appendix and
deep dive, and the meeting actions. The figures and words are worked out here; the page is the
template ``present/templates/pages/index.html.j2`` (:mod:`perfpack.present.pages`)."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from markupsafe import Markup

from perfpack.core import stats
from perfpack.core.change import signed_pct
from perfpack.data import reference
from perfpack.data.coverage import coverage_records
from perfpack.present import pages, spc_icons
from perfpack.report import annotations, review

#: ``pdf_status`` of a run whose report.pdf was made.
PDF_MADE = "made"


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
    none (None: nothing said). ``banner`` and ``footer`` are HTML the batch built.

    Every text from outside the code (force name, commentary, coverage) is HTML-escaped by the
    template, and the page carries the Content-Security-Policy of
    :mod:`perfpack.present.markup`."""
    rows = contents_rows(figs, results)
    window_months = int(record.get("parameters", {}).get("window_months", 12))
    data_source = record.get("data_source", "force")
    matter = reference.table("front_matter")
    matter = matter[matter["data_source"] == data_source]
    front = dict(zip(matter["item"], matter["value"], strict=True))
    if record.get("force"):
        front["force"] = record["force"]
    period_end = pd.Period(period, freq="M").end_time
    return pages.render(
        "index.html.j2",
        period=period,
        period_end=f"{period_end:%d %B %Y}",
        front=front,
        published=publication_line(period, front, record),
        banner=Markup(banner),
        footer=Markup(footer),
        coverage=_coverage(coverage),
        contents=_contents(rows),
        window_months=window_months,
        skipped=list(skipped),
        flagged=[_row_link(r) for r in rows if r["review"].exception],
        exception_rule=review.exception_rule(window_months),
        commentary=_commentary(rows, period, annotations_dir),
        deep_dives=[r for r in results if r.kind == "deep_dive"],
        actions=_actions(results) if data_source == "force" else None,
        pdf_status=pdf_status,
        pdf_made=PDF_MADE,
    )


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


def _projection_cell(row: dict) -> dict:
    """The 12-month projection with the method it comes from: the method with the best
    back-test record when the theme has one (``selected``, ``method``), with the report's own
    12-month trend beside it (``report``); without one, the report's trend alone
    (``no_backtest``: a method was recorded but has no back-test)."""
    selected, method = row.get("projection_selected_pct"), row.get("projection_method")
    report = row["projection_12m_pct"]
    if method is None or not row.get("projection_by_record", True):
        return {
            "selected": None,
            "report": None if report is None else signed_pct(report),
            "no_backtest": method is not None,
        }
    shown = report is not None and method != "12-month trend"
    return {
        "selected": signed_pct(selected),
        "method": method,
        "report": signed_pct(report) if shown else None,
    }


def _coverage(coverage: dict | None) -> list[str]:
    """What a public download covers, checked before any figure (counts only)."""
    if not coverage:
        return []
    return [line for record in coverage_records(coverage) for line in record.get("summary", [])]


def _row_link(row: dict) -> dict:
    """A theme's title, page and exception reasons (None: not an exception)."""
    theme_review = row["review"]
    return {
        "title": row["title"],
        "href": row["result"].html,
        "exception": "; ".join(theme_review.reasons) if theme_review.exception else None,
    }


def _contents(rows: list[dict]) -> list[tuple[str, list[dict]]]:
    """The contents table's rows, grouped as the report groups its themes (section, then
    heading): each theme's name, page, target and formatted headline figures."""
    themes = reference.themes()
    sections = []
    for section in dict.fromkeys(r["section"] for r in rows):
        shown = []
        for row in (r for r in rows if r["section"] == section):
            heading = themes.loc[row["theme"], "contents_group"]
            shared = sum(themes.loc[r["theme"], "contents_group"] == heading for r in rows) > 1
            shown.append(
                {
                    **_row_link(row),
                    "name": f"{heading}: {row['title']}" if shared else row["title"],
                    "ok": row["result"].ok,
                    "target": row["target"],
                    "previous": _fmt_count(row["previous"]),
                    "current": _fmt_count(row["current"]),
                    "change": signed_pct(row["pct_change"]),
                    "significance": _fmt_p(row["p_value"]),
                    "projection": _projection_cell(row),
                    "spc_signal": row["review"].spc_signal,
                    "icons": _icons(row["review"]),
                }
            )
        sections.append((section, shown))
    return sections


def _icons(theme_review) -> dict | None:
    """The "Making Data Count" variation and assurance icons (inline SVG with text), and any
    suggested rebase in words (reported, never applied); None without a variation."""
    if not theme_review.variation:
        return None
    return {
        "variation": Markup(spc_icons.variation_svg(theme_review.variation)),
        "assurance": Markup(spc_icons.assurance_svg(theme_review.assurance)),
        "suggestions": [text[0].upper() + text[1:] for text in theme_review.suggestions],
    }


def _commentary(rows: list[dict], period: str, annotations_dir) -> list[tuple[str, str | None]]:
    """Each theme's title and the first paragraph of its commentary (at most 320 characters;
    None: no commentary yet)."""
    items = []
    for r in rows:
        text = annotations.commentary(period, r["theme"], annotations_dir)
        summary = None
        if text is not None:
            first = next(
                (p for p in text.split("\n\n") if p.strip() and not p.startswith("#")), text
            )
            first = " ".join(first.split())
            summary = first if len(first) <= 320 else first[:317].rsplit(" ", 1)[0] + "…"
        items.append((r["title"], summary))
    return items


def _actions(results) -> list[dict]:
    """The meeting's actions, each with its deep dive's page when this run has it."""
    pages_by_slug = {r.slug: r.html for r in results if r.kind == "deep_dive"}
    return [
        {**a._asdict(), "page": pages_by_slug.get(a.deep_dive)}
        for a in reference.actions().itertuples()
    ]
