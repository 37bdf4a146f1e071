"""Tables are published as HTML tables with their caption; the banner marks synthetic data."""

import json

import pandas as pd

from perfpack import present


def test_table_has_caption_and_no_index():
    body = present.table_html(pd.DataFrame({"NPT": ["Tamworth"], "Count": [12]}), "Table 1. Test")
    assert body.startswith("<table") and "<caption>Table 1. Test</caption>" in body
    assert "<th>NPT</th>" in body and "<td>12</td>" in body


def test_caption_is_escaped():
    body = present.table_html(pd.DataFrame({"a": [1]}), "Rates < 5 & more")
    assert "<caption>Rates &lt; 5 &amp; more</caption>" in body


def test_banner_only_for_synthetic_data(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"synthetic": True}))
    assert "SYNTHETIC DEMONSTRATION DATA" in present.banner_html(tmp_path)
    (tmp_path / "manifest.json").write_text(json.dumps({"synthetic": False}))
    assert present.banner_html(tmp_path) == ""
