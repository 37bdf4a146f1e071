"""Analyst commentary: plain markdown files in ``annotations/<period>/<theme>.md``, written by
people and never overwritten by a batch run. A notebook shows it with
:func:`perfpack.present.show_markdown`, which publishes it as sanitised HTML
(:func:`commentary_html`): markdown stays, raw HTML and links that run code do not."""

from __future__ import annotations

from pathlib import Path

from perfpack.paths import ANNOTATIONS_DIR, resolve

NO_COMMENTARY = (
    "*No commentary yet.* The force lead's response for this theme and period has not been "
    "written. Add it to `annotations/{period}/{theme}.md` and rerun the batch."
)


def commentary_path(period: str, theme: str, annotations_dir: str | Path | None = None) -> Path:
    return resolve(annotations_dir, ANNOTATIONS_DIR) / period / f"{theme}.md"


def commentary(period: str, theme: str, annotations_dir: str | Path | None = None) -> str | None:
    """The commentary for ``theme`` in ``period`` as markdown, or None when there is none."""
    path = commentary_path(period, theme, annotations_dir)
    if not path.exists():
        return None
    text = path.read_text(encoding="utf-8").strip()
    return text or None


def commentary_markdown(period: str, theme: str, annotations_dir: str | Path | None = None) -> str:
    """The commentary, or a visible 'no commentary yet' note naming the file to write."""
    text = commentary(period, theme, annotations_dir)
    return text if text else NO_COMMENTARY.format(period=period, theme=theme)


def commentary_html(period: str, theme: str, annotations_dir: str | Path | None = None) -> str:
    """The commentary (or the 'no commentary yet' note) as the page shows it: sanitised HTML
    (:func:`perfpack.markup.markdown_html`)."""
    from perfpack.markup import markdown_html

    return markdown_html(commentary_markdown(period, theme, annotations_dir))
