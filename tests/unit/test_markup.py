"""Text is text: markdown is sanitised, data values are plain text in prose, a page's audit finds
markup that could run. Expected outputs are written by hand from the HTML and CommonMark rules."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from perfpack.present import html as present
from perfpack.present import markup
from perfpack.report import annotations

#: Markup at an entry point, as an attacker would write it.
ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "<iframe src=https://evil.example></iframe>",
    '"><svg onload=alert(1)>',
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](java&#x73;cript:alert(1))",
    "<javascript:alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "[x](vbscript:msgbox(1))",
    "![x](data:image/svg+xml,<svg onload=alert(1)>)",
]


class Elements(HTMLParser):
    """Every element and attribute of a fragment, as a browser's parser sees them."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data):
        self.text.append(data)


def assert_inert(fragment: str) -> Elements:
    """No element that runs or loads anything, no handler, no script or data URL."""
    parsed = Elements(fragment)
    for tag, attrs in parsed.tags:
        assert tag not in {"script", "iframe", "svg", "img", "object", "embed"}, fragment
        assert not [a for a in attrs if a.startswith("on")], fragment
        for name in ("href", "src"):
            url = "".join(attrs.get(name, "").split()).lower()
            assert not url.startswith(("javascript:", "vbscript:", "data:")), fragment
    return parsed


@pytest.mark.parametrize("attack", ATTACKS)
def test_markdown_never_holds_markup_that_runs(attack):
    assert_inert(markup.markdown_html(f"Commentary {attack} ends."))


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_data_value_in_prose_reads_as_itself(attack):
    rendered = markup.markdown_html(f"Robbery fell in {present.text(attack)}'s area.")
    parsed = assert_inert(rendered)
    assert [tag for tag, _ in parsed.tags] == ["p"]  # no link, emphasis or element of its own
    assert "".join(parsed.text).strip() == f"Robbery fell in {' '.join(attack.split())}'s area."


def test_raw_html_shows_as_text():
    rendered = markup.markdown_html("Before <script>alert(1)</script> after")
    assert rendered.strip() == "<p>Before &lt;script&gt;alert(1)&lt;/script&gt; after</p>"


def test_markdown_that_commentary_needs_stays():
    text = (
        "## Response\n\n*emphasis*, **strong** and [the guide](https://www.gov.uk/x) and "
        "[an appendix](appendices/stop_search.html)\n\n- one\n- two\n\n"
        "| NPT | Count |\n|---|---|\n| Stafford | 5 |\n"
    )
    parsed = Elements(markup.markdown_html(text))
    tags = [tag for tag, _ in parsed.tags]
    for wanted in ["h2", "em", "strong", "a", "ul", "li", "table", "th", "td"]:
        assert wanted in tags, wanted
    hrefs = [attrs["href"] for tag, attrs in parsed.tags if tag == "a"]
    assert hrefs == ["https://www.gov.uk/x", "appendices/stop_search.html"]


def test_escape_markdown_by_hand():
    assert markup.escape_markdown("Stoke-on-Trent") == "Stoke-on-Trent"
    assert markup.escape_markdown("a *b*\n[c](d)") == r"a \*b\* \[c\]\(d\)"
    assert markup.escape_markdown("Devon & Cornwall") == r"Devon \& Cornwall"


def test_markdown_bundle_publishes_html_not_markdown():
    bundle = present.markdown_bundle("**x** <b>y</b>")
    assert set(bundle) == {"text/html", "text/plain"}
    assert bundle["text/html"].strip() == "<p><strong>x</strong> &lt;b&gt;y&lt;/b&gt;</p>"


def test_commentary_file_with_markup(tmp_path):
    folder = tmp_path / "2019-12"
    folder.mkdir()
    (folder / "personal_robbery.md").write_text(
        "# Response\n\n" + "\n\n".join(ATTACKS) + "\n\n<div onclick='x'>raw</div>\n",
        encoding="utf-8",
    )
    rendered = annotations.commentary_html("2019-12", "personal_robbery", tmp_path)
    parsed = assert_inert(rendered)
    assert "<script>alert(1)</script>" in "".join(parsed.text)  # shown, as text


PAGE = '<!DOCTYPE html><html><head><meta charset="utf-8"/>{csp}</head><body>{body}</body></html>'


@pytest.mark.parametrize(
    "body, found",
    [
        ("<script>alert(1)</script>", "<script> element"),
        ('<img src="x" onerror="alert(1)">', "event handler onerror= on <img>"),
        ('<a href=" JaVa&#83;cript:alert(1)">x</a>', "javascript: URL in href= of <a>"),
        ('<a href="data:text/html,x">x</a>', "data: URL in href= of <a>"),
        ('<img src="data:image/svg+xml,x" alt="x">', "data: URL in src= of <img>"),
        ("<iframe src='https://e.example'></iframe>", "<iframe> element"),
        ('<meta http-equiv="refresh" content="0;url=https://e.example">', "meta http-equiv"),
        ('<svg><a href="javascript:x">y</a></svg>', "javascript: URL"),
    ],
)
def test_audit_finds_markup_that_could_run(body, found):
    problems = markup.unsafe_markup(PAGE.format(csp=markup.CSP_META, body=body))
    assert any(found in p for p in problems), problems


def test_audit_passes_a_clean_page_and_requires_the_csp():
    body = (
        '<p>fine &lt;script&gt;</p><img src="data:image/png;base64,iVBORw0=" alt="chart">'
        '<a href="appendices/a.html">a</a>'
    )
    assert markup.unsafe_markup(PAGE.format(csp=markup.CSP_META, body=body)) == []
    assert markup.unsafe_markup(PAGE.format(csp="", body=body)) == [
        "no Content-Security-Policy meta tag forbidding scripts"
    ]


def test_csp_forbids_scripts_and_allows_only_embedded_images():
    directives = dict(d.strip().split(" ", 1) for d in markup.CSP.split(";"))
    assert directives["default-src"] == "'none'" and directives["script-src"] == "'none'"
    assert directives["img-src"] == "data:" and directives["object-src"] == "'none'"


def test_names_read_from_data_are_plain_text_in_sentences():
    import pandas as pd

    from perfpack.themes.crime import text as crime_text
    from perfpack.themes.stopsearch import page as stopsearch_page

    evil = "[x](https://evil.example) *y* <b>z</b>"
    shares = pd.DataFrame({"object": [evil], "searches": [3], "share": [100.0]})
    sentence = markup.markdown_html(stopsearch_page.object_sentence(shares))
    assert [tag for tag, _ in Elements(sentence).tags] == ["p"]
    assert evil in "".join(Elements(sentence).text)
    table = pd.DataFrame(
        {"area": [evil], "previous": [1], "current": [3], "change": [2], "pct_change": [200.0]}
    )
    sentence = markup.markdown_html(
        crime_text.npt_sentence("Robbery", table.assign(decreased=False))
    )
    assert [tag for tag, _ in Elements(sentence).tags] == ["p"]
    assert f"It rose in {evil} (+2" in "".join(Elements(sentence).text)
