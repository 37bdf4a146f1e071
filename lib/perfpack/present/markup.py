"""Text is text: whatever comes from outside the code (the force lead's commentary, force and
area names, any value read from data) reaches a page as escaped text or as sanitised markdown,
never as markup that runs.

Three layers, each enough on its own for scripts:

- :func:`markdown_html` renders markdown with mistune, raw HTML escaped (shown as text) and
  harmful link schemes neutralised, then sanitises the result with nh3 (the ammonia sanitiser)
  against an explicit allow-list: emphasis, headings, lists, tables, code, and links to http(s),
  mailto or relative pages. :func:`escape_markdown` makes a data value plain text inside
  generated prose (no link, emphasis or HTML syntax of its own).
- Every published page carries :data:`CSP_META`: no scripts, no frames, no plugins, nothing
  fetched; inline styles and ``data:`` images (the embedded charts) only.
- :func:`unsafe_markup` audits a finished page; the batch publishes no page that fails it.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser

import mistune
import nh3

#: The Content-Security-Policy of every published page. No page needs a script: charts are PNGs
#: embedded as ``data:`` URLs, styles are inline, fonts are the reader's own.
CSP = (
    "default-src 'none'; script-src 'none'; object-src 'none'; frame-src 'none'; "
    "style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; "
    "form-action 'none'"
)
assert '"' not in CSP and "&" not in CSP  # written as it is, readable in the page source
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}"/>'

#: What rendered markdown may hold (commentary and generated prose).
MARKDOWN_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "del", "s", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
MARKDOWN_ATTRIBUTES = {
    "a": {"href", "title"},
    "ol": {"start"},
    "th": {"style"},
    "td": {"style"},
}
#: Links may go to web pages, e-mail, or relative pages of the pack; never javascript:,
#: vbscript: or data:.
LINK_SCHEMES = {"http", "https", "mailto"}
#: Table cell alignment is the only style markdown produces.
MARKDOWN_STYLE_PROPERTIES = {"text-align"}

_MARKDOWN = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])

#: Characters markdown gives a meaning to inside a line (links, images, emphasis, code, raw
#: HTML, entities, tables, strikethrough, headings); a data value has each backslash-escaped.
_MARKDOWN_SPECIAL = "\\`*_[]()<>!&|~#"
_MARKDOWN_ESCAPES = str.maketrans({c: "\\" + c for c in _MARKDOWN_SPECIAL})


def escape_html(value) -> str:
    """``value`` as HTML text, quotes included (safe in an element or an attribute)."""
    return html.escape(str(value), quote=True)


def escape_markdown(value) -> str:
    """A value read from data (a force, area or place name) as plain text inside markdown prose.

    Whitespace runs (newlines included) become one space, so a value cannot start a block of its
    own, and every character with a meaning inside a markdown line is backslash-escaped, so it
    cannot open a link, an image, emphasis, code or raw HTML. Rendered, the text reads exactly as
    the value: ``escape_markdown("[x](javascript:alert(1))")`` shows ``[x](javascript:alert(1))``.
    """
    return " ".join(str(value).split()).translate(_MARKDOWN_ESCAPES)


def markdown_html(text: str) -> str:
    """Markdown as sanitised HTML.

    Raw HTML in ``text`` is shown as text (``<script>`` reads "<script>"), ``javascript:``,
    ``vbscript:`` and ``data:`` links lose their target, and the result keeps only
    :data:`MARKDOWN_TAGS` with :data:`MARKDOWN_ATTRIBUTES` and links of :data:`LINK_SCHEMES` or
    relative ones (nh3 allow-list; every link gets ``rel="noopener noreferrer"``).
    """
    rendered = _MARKDOWN(str(text))
    return nh3.clean(
        rendered,
        tags=MARKDOWN_TAGS,
        clean_content_tags={"script", "style"},
        attributes=MARKDOWN_ATTRIBUTES,
        url_schemes=LINK_SCHEMES,
        filter_style_properties=MARKDOWN_STYLE_PROPERTIES,
        strip_comments=True,
        link_rel="noopener noreferrer",
    )


# --------------------------------------------------------------------------------------------
# the audit of a finished page

#: Elements that run code, load another document or send data: never on a published page.
FORBIDDEN_TAGS = {
    "script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form",
    "portal", "link",
}  # fmt: skip
#: Attributes holding a URL (or markup) a browser acts on.
URL_ATTRIBUTES = {
    "href", "src", "action", "formaction", "xlink:href", "poster", "background", "data",
    "srcset", "cite", "longdesc", "ping", "srcdoc", "dynsrc", "lowsrc",
}  # fmt: skip
#: The only ``data:`` URLs a page may hold: embedded raster images, as an image's source.
IMAGE_DATA_PREFIXES = ("data:image/png;", "data:image/jpeg;", "data:image/gif;")
_SCRIPT_SCHEMES = ("javascript:", "vbscript:", "livescript:", "data:")


def _normalised_url(value: str) -> str:
    """A URL as a browser reads its scheme: entities decoded, whitespace and controls dropped."""
    text = html.unescape(value or "")
    return "".join(ch for ch in text if ch > " " and ch != "\x7f").lower()


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.csp: list[str] = []
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        self._check(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._check(tag, attrs)

    def _check(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}> element")
        values = {name: value or "" for name, value in attrs}
        if tag == "meta":
            equiv = values.get("http-equiv", "").strip().lower()
            if equiv == "content-security-policy":
                self.csp.append(values.get("content", ""))
            elif equiv == "refresh":
                self.problems.append("<meta http-equiv=refresh>")
        for name, value in values.items():
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            elif name in URL_ATTRIBUTES:
                url = _normalised_url(value)
                if name == "srcdoc":
                    self.problems.append(f"srcdoc= on <{tag}>")
                elif tag == "img" and name == "src" and url.startswith(IMAGE_DATA_PREFIXES):
                    continue
                elif url.startswith(_SCRIPT_SCHEMES):
                    self.problems.append(f"{url.split(':', 1)[0]}: URL in {name}= of <{tag}>")


def unsafe_markup(page: str, require_csp: bool = True) -> list[str]:
    """What in an HTML ``page`` could run code or load something: script, frame, object, form,
    link and base elements, ``on*`` event handlers, ``javascript:``/``vbscript:``/``data:`` URLs
    (an image's embedded PNG/JPEG/GIF excepted), a meta refresh; and, with ``require_csp``, a
    page without :data:`CSP` in a Content-Security-Policy meta tag. Empty when the page is safe.
    """
    audit = _Audit()
    audit.feed(page)
    audit.close()
    problems = list(dict.fromkeys(audit.problems))
    if require_csp and CSP not in audit.csp:
        problems.append("no Content-Security-Policy meta tag forbidding scripts")
    return problems
