"""SVG charts: well-formed, self-contained, labels escaped and kept as text for the reader's fonts."""
from __future__ import annotations

from lxml import etree
import pytest

from qualmine.outputs.report.charts import bar_chart, fit_label, grouped_bar_chart, heat_map, text_em

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    root = etree.fromstring(svg.encode("utf-8"))
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def test_bar_chart_keeps_chinese_labels_as_text_and_escapes_markup():
    svg = bar_chart(["排队等候", "<b>&co</b>"], [12, 3], title="频次 counts")
    root = etree.fromstring(svg.encode("utf-8"))
    assert root.tag == f"{SVG}svg" and "Microsoft YaHei" in root.get("font-family")
    assert "排队等候" in texts(svg) and "<b>&co</b>" in texts(svg) and "12" in texts(svg)
    assert len(root.findall(f"{SVG}rect")) == 3           # background + one bar per value
    assert "href" not in svg and "url(" not in svg


def test_long_labels_are_cut_with_the_full_label_as_tooltip():
    long = "社区力量参与治理机制有待健全以及更多更多文字"
    assert text_em(long) > 16 and fit_label(long).endswith("…") and text_em(fit_label(long)) <= 16
    svg = bar_chart([long], [1], title="t")
    titles = ["".join(t.itertext()) for t in etree.fromstring(svg.encode()).iter(f"{SVG}title")]
    assert long in titles


def test_grouped_bars_and_heat_map_shapes():
    svg = grouped_bar_chart(["a", "b"], [("居民", [0.5, 0.25]), ("工作人员", [0.0, 1.0])], title="share")
    assert {"50%", "25%", "100%", "居民", "工作人员"} <= set(texts(svg))
    heat = heat_map(["甲", "乙"], ["甲", "乙"], [[3, 1], [1, 0]], title="co")
    cells = [r for r in etree.fromstring(heat.encode()).iter(f"{SVG}rect") if r.get("width") == "29"]
    assert len(cells) == 4 and cells[0].get("fill") == "#08306b"     # the maximum is the darkest
    with pytest.raises(ValueError, match="2 x 2"):
        heat_map(["a", "b"], ["a", "b"], [[1, 2]], title="bad")
    with pytest.raises(ValueError, match="one value per label"):
        bar_chart(["a"], [1, 2], title="bad")
