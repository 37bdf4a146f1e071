"""Analyst commentary: plain markdown files in ``annotations/<period>/<theme>.md``, written by
people and never overwritten by a batch run. A notebook shows it with
:func:`perfpack.present.html.show_markdown`, which publishes it as sanitised HTML
(:func:`commentary_html`): markdown stays, raw HTML and links that run code do not.

Reading limits: a commentary file is UTF-8 text (a byte-order mark is dropped) of at most
:data:`MAX_ANNOTATION_BYTES` bytes with no NUL byte or other control character (tabs and line
breaks allowed); anything else is refused with :class:`AnnotationError` naming the file.
``perfpack run`` checks every file of the period (:func:`check_annotations`) before any notebook
runs, so a bad file stops the batch with exit status 2 and changes nothing.
"""

from __future__ import annotations

from pathlib import Path

from perfpack.data.paths import ANNOTATIONS_DIR, resolve
from perfpack.data.safe_input import InputError, control_character, size_text

#: The largest commentary file read (a theme's commentary is a few paragraphs).
MAX_ANNOTATION_BYTES = 256 * 1024


class AnnotationError(InputError):
    """A commentary file that cannot be used: one line naming the file and the problem."""


def read_commentary_file(path: Path) -> str:
    """The text of one commentary file, checked (see the module notes).

    Raises
    ------
    AnnotationError
        Too large, not UTF-8, binary (NUL bytes) or holding control characters.
    """
    path = Path(path)
    name = f"annotations/{path.parent.name}/{path.name}"
    try:
        size = path.stat().st_size
        if size > MAX_ANNOTATION_BYTES:
            raise AnnotationError(
                f"{name}: {size_text(size)} is over the {size_text(MAX_ANNOTATION_BYTES)} "
                "limit for a commentary file"
            )
        data = path.read_bytes()
    except OSError as bad:
        raise AnnotationError(f"{name}: cannot be read ({bad.strerror or bad})") from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data:
        raise AnnotationError(f"{name}: holds NUL bytes (a binary file, or UTF-16); save as UTF-8")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as bad:
        line = data.count(b"\n", 0, bad.start) + 1
        raise AnnotationError(
            f"{name} line {line}: not UTF-8 text (byte 0x{data[bad.start]:02x}); save as UTF-8"
        ) from None
    bad_char = control_character(text)
    if bad_char is not None:
        line = text[: text.find(chr(int(bad_char[2:], 16)))].count("\n") + 1
        raise AnnotationError(f"{name} line {line}: holds a control character ({bad_char})")
    return text


def check_annotations(period: str, annotations_dir: str | Path | None = None) -> int:
    """Check every ``*.md`` file in ``annotations/<period>/``; return how many there are.

    Raises
    ------
    AnnotationError
        For the first file that cannot be used.
    """
    folder = resolve(annotations_dir, ANNOTATIONS_DIR) / period
    if not folder.is_dir():
        return 0
    files = sorted(p for p in folder.glob("*.md"))
    for path in files:
        if path.is_dir():
            raise AnnotationError(f"annotations/{period}/{path.name}: is a folder, not a file")
        read_commentary_file(path)
    return len(files)


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
    text = read_commentary_file(path).strip()
    return text or None


def commentary_markdown(period: str, theme: str, annotations_dir: str | Path | None = None) -> str:
    """The commentary, or a visible 'no commentary yet' note naming the file to write."""
    text = commentary(period, theme, annotations_dir)
    return text if text else NO_COMMENTARY.format(period=period, theme=theme)


def commentary_html(period: str, theme: str, annotations_dir: str | Path | None = None) -> str:
    """The commentary (or the 'no commentary yet' note) as the page shows it: sanitised HTML
    (:func:`perfpack.present.markup.markdown_html`)."""
    from perfpack.present.markup import markdown_html

    return markdown_html(commentary_markdown(period, theme, annotations_dir))
