"""The theme summary report of the example corpus run: every chain, the right counts, no network."""
from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from docx import Document
from lxml import etree, html

from qualmine.coding.codebook import load_codebook
from qualmine.coding.links import link_pairs
from qualmine.flows.settings import EXAMPLE_CODEBOOK


@pytest.fixture(scope="module")
def run(example_run):
    return example_run[0]


@pytest.fixture(scope="module")
def page(run):
    return html.fromstring((run / "report.html").read_text(encoding="utf-8"))


def table(run, name):
    return pd.read_parquet(run / f"{name}.parquet")


def text_of(element) -> str:
    return re.sub(r"\s+", " ", element.text_content())


def test_the_pipeline_writes_links_and_the_report_as_its_last_stage(example_run):
    run, result = example_run
    for name in ("report.html", "report.md", "report.docx", "links.parquet", "links.csv"):
        assert (run / name).is_file(), name
    links, sentences = table(run, "links"), table(run, "link_sentences")
    assert len(links) == len(link_pairs(load_codebook(EXAMPLE_CODEBOOK)))
    said = sentences.groupby(["from_id", "to_id"]).size()
    for r in links.itertuples():
        assert r.connective_sentences == said.get((r.from_id, r.to_id), 0)
    # The example corpus has at least one: "The same things every year because that's what the plan template says."
    assert said.get(("P-CULTURE", "C-CULTURE"), 0) >= 1
    outputs = json.loads((run / "run_manifest.json").read_text(encoding="utf-8"))["outputs"]
    assert {"report.html", "report.md", "report.docx", "links.parquet", "cooccurrence.svg"} <= set(outputs)
    assert {p.name for p in result.outputs} >= {"report.html", "report.docx"}


def test_every_chain_is_in_the_html_with_its_counts_and_quotes(run, page):
    chains = table(run, "chains")
    assert len(chains) >= 5
    for c in chains.itertuples():
        section = page.get_element_by_id(c.chain_id)
        text = text_of(section)
        assert c.problem_label in text
        assert f"{c.problem_respondents} 人 respondents · {c.problem_segments} 段 segments" in text
        if c.cause_id:
            assert c.cause_label in text
            assert f"{c.cause_respondents} 人 respondents · {c.cause_segments} 段 segments" in text
        else:
            assert "codebook states none" in text
        if c.recommendation_id:
            assert f"{c.recommendation_respondents} 人 respondents · {c.recommendation_segments} 段 segments" in text
        for i in (1, 2, 3):
            quote, who = getattr(c, f"quote_{i}"), getattr(c, f"quote_{i}_respondent")
            if quote:
                assert re.sub(r"\s+", " ", quote) in text and who in text


def test_link_evidence_beside_each_arrow_matches_the_links_table(run, page):
    chains, links = table(run, "chains"), table(run, "links").set_index(["from_id", "to_id"])
    checked = 0
    for c in chains[chains.cause_id != ""].itertuples():
        evidence = links.loc[(c.problem_id, c.cause_id)]
        arrows = page.get_element_by_id(c.chain_id).find_class("arrow")
        assert f"{evidence.respondents_both} 人同时提及 both" in text_of(arrows[0])
        assert f"lift {evidence.lift:.2f}×" in text_of(arrows[0])
        assert f"{evidence.connective_sentences} 因果句 connective" in text_of(arrows[0])
        checked += 1
    assert checked >= 3


def test_overview_counts_match_the_tables(run, page):
    cards = {text_of(c.find("span")).strip(): int(c.find("b").text) for c in page.find_class("card")}
    report = table(run, "ingestion_report")
    assert cards["文档 documents"] == len(table(run, "documents"))
    assert cards["受访者 respondents"] == table(run, "respondents").respondent_id.nunique()
    assert cards["片段 segments"] == len(table(run, "segments"))
    apps = table(run, "code_applications")
    assert cards["已编码片段 coded segments"] == apps.segment_id.nunique()
    assert cards["编码次数 code applications"] == len(apps)
    assert cards["已读入 ingested"] == (report.status == "ingested").sum()
    assert cards["被拒绝 rejected"] == (report.status == "rejected").sum()


def test_the_html_loads_nothing_from_anywhere(run, page):
    raw = (run / "report.html").read_text(encoding="utf-8")
    assert not page.xpath("//script[@src] | //link | //img | //iframe | //object | //embed | //use")
    for element in page.iter():
        for attr in ("src", "href", "xlink:href", "{http://www.w3.org/1999/xlink}href", "srcset", "data"):
            value = element.get(attr)
            assert value is None or value.startswith("#"), (element.tag, attr, value)
    assert not re.search(r"url\(\s*['\"]?(?!#)", raw)
    assert not re.search(r"https?://", raw)
    assert not re.search(r"@import|@font-face", raw)


def test_the_html_states_which_codes_it_shows_and_why_sections_are_empty(page):
    text = text_of(page)
    assert "Includes machine-suggested codes" in text and "not reviewed by a coder" in text
    assert "No topic model was fitted for this run" in text
    assert "No inter-coder agreement has been computed" in text


def test_charts_are_inline_svg_with_chinese_labels(page):
    svgs = page.xpath("//svg")
    assert len(svgs) >= 3
    labels = " ".join(text_of(s) for s in svgs)
    assert "开放时间与排队等候" in labels and "居民" in labels


def test_markdown_has_every_chain_and_its_charts_beside_it(run):
    md = (run / "report.md").read_text(encoding="utf-8")
    for c in table(run, "chains").itertuples():
        assert f"### {c.chain_id}: {c.problem_label}" in md
        assert f"**{c.problem_label}** ({c.problem_id}; {c.problem_respondents} respondents, " \
               f"{c.problem_segments} segments)" in md
    images = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert "report_files/cooccurrence.svg" in images and len(images) >= 3
    for image in images:
        root = etree.parse(str(run / image)).getroot()       # a well-formed, standalone SVG file
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "Includes machine-suggested codes" in md


def test_docx_has_every_chain_and_its_quotes(run):
    doc = Document(str(run / "report.docx"))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    paragraphs = "\n".join(p.text for p in doc.paragraphs)
    for c in table(run, "chains").itertuples():
        assert any(h.startswith(f"{c.chain_id}: {c.problem_label}") for h in headings)
        if c.quote_1:
            assert c.quote_1 in paragraphs
    cells = {cell.text for t in doc.tables for r in t.rows for cell in r.cells}
    overall = table(run, "code_frequency").query("attribute == '(all)'")
    assert {"开放时间与排队等候", str(int(overall.set_index("code_id").loc["P-OPERATION-HOURS", "respondents"]))} <= cells
