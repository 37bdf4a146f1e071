"""Tables are published as HTML tables with their caption; the banner marks synthetic data."""

import json

import pandas as pd

from perfpack.present import html as present
from tests.unit.test_markup import Elements


def test_table_has_caption_and_no_index():
    body = present.table_html(pd.DataFrame({"NPT": ["Tamworth"], "Count": [12]}), "Table 1. Test")
    assert body.startswith("<table") and "<caption>Table 1. Test</caption>" in body
    assert "<th>NPT</th>" in body and "<td>12</td>" in body


def test_caption_is_escaped():
    body = present.table_html(pd.DataFrame({"a": [1]}), "Rates < 5 & more", counts=False)
    assert "<caption>Rates &lt; 5 &amp; more</caption>" in body


def test_banner_only_for_synthetic_data(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"synthetic": True}))
    assert "SYNTHETIC DEMONSTRATION DATA" in present.banner_html(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"synthetic": False}))
    assert present.banner_html(tmp_path) == ""


def test_cells_index_and_headers_from_data_are_escaped():
    evil = '<script>alert(1)</script>" onerror="x'
    frame = pd.DataFrame({evil: [evil]}, index=pd.Index([evil], name=evil))
    body = present.table_html(frame, caption=evil, index=True)
    parsed = Elements(body)
    assert {tag for tag, _ in parsed.tags} <= {
        "table",
        "caption",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
    assert not [a for _, attrs in parsed.tags for a in attrs if a.startswith("on")]
    assert [t for t in parsed.text if t.strip()] == [evil] * 5  # caption, 2 headers, index, cell


def test_chart_alt_text_and_caption_from_data_are_escaped():
    from perfpack.present import charts

    evil = '"><script>alert(1)</script><img src=x onerror="alert(1)'
    fig, _ = charts.new_figure()
    parsed = Elements(charts.figure_html(fig, alt=evil, caption=evil))
    assert [tag for tag, _ in parsed.tags] == ["figure", "img", "figcaption", "strong"]
    img = parsed.tags[1][1]
    assert set(img) == {"src", "alt", "style"} and img["alt"] == evil
    assert img["src"].startswith("data:image/png;base64,")
    assert "".join(parsed.text) == evil


def test_importing_charts_keeps_the_analysts_matplotlib_backend():
    # a fresh interpreter that chose its backend before importing perfpack keeps it
    import subprocess
    import sys

    code = (
        "import matplotlib; matplotlib.use('svg');"
        "import perfpack.present.charts, perfpack.themes.areas;"
        "import matplotlib.pyplot as plt; print(matplotlib.get_backend())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "svg"
