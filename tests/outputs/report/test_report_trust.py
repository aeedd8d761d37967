"""The report's "Which source to trust" section: agreement with coders and the held-out evaluation, each
labelled, in HTML, Markdown and Word; a sentence instead of a table when one is missing."""
from __future__ import annotations

import re

import pandas as pd
from lxml import html

from qualmine.coding.review.trust import source_trust
from qualmine.coding.suggest.evaluation import evaluate_suggester
from qualmine.outputs.report.trust import AGREEMENT_HEADING, EVALUATION_HEADING
from qualmine.outputs.writers import write_table

WORDS = {"parking": "no parking space near the gate", "staff": "the staff were rude at the desk",
         "wait": "we queued and waited for an hour"}


def _evaluation():
    texts, codes = [], []
    for i in range(36):
        picked = [c for j, c in enumerate(WORDS) if (i >> j) & 1] or ["wait"]
        texts.append(" and ".join(WORDS[c] for c in picked) + f" (visit {i})")
        codes.append(frozenset(picked) | ({"rare"} if i == 0 else frozenset()))
    training = pd.DataFrame({"segment_id": [f"s{i}" for i in range(36)], "text": texts, "lang": "en", "codes": codes})
    return evaluate_suggester(training, folds=3, curve=None)


def _trust_table():
    rows = [("s1", "P-OPERATION-HOURS", "ana", "accept"), ("s2", "P-OPERATION-HOURS", "ana", "reject"),
            ("s1", "P-OPERATION-HOURS", "model:rules", "accept"), ("s2", "P-OPERATION-HOURS", "model:rules", "accept"),
            ("s1", "P-OPERATION-HOURS", "model:semantic", "accept"), ("s2", "P-OPERATION-HOURS", "model:semantic", "reject")]
    return source_trust(pd.DataFrame(rows, columns=["segment_id", "code_id", "coder", "decision"]))


def test_both_measures_are_shown_apart_with_what_each_is(run_copy):
    from docx import Document

    from qualmine.outputs.report.build import write_report

    evaluation = _evaluation()
    write_table(_trust_table(), run_copy, "source_trust")
    write_table(evaluation.scores, run_copy, "evaluation_scores")
    write_table(evaluation.untrained, run_copy, "evaluation_untrained")
    write_table(pd.DataFrame([{"method": "kfold", "folds": 3, "test_size": None, "segments": 36, "coders": "",
                               "evaluated_at": "2026-12-01T10:00:00+00:00", "seed": 0}]), run_copy, "evaluation_settings")
    write_report(run_copy, use_store=False)
    page = html.fromstring((run_copy / "report.html").read_text(encoding="utf-8"))
    agreement = re.sub(r"\s+", " ", page.get_element_by_id("trust-agreement").getnext().text_content())
    assert agreement.startswith(AGREEMENT_HEADING) and "source_trust table" in agreement
    rows = [[td.text_content() for td in tr.findall("td")] for tr in page.xpath("//h3[@id='trust-agreement']"
                                                                                 "/following-sibling::table[1]//tr")[1:]]
    assert ["rule", "P-OPERATION-HOURS", "2", "0.5", "1", "0.667", "0"] in rows       # kept 1 of its 2 suggestions
    assert ["semantic", "P-OPERATION-HOURS", "2", "1", "1", "1", "1"] in rows
    held_out = page.get_element_by_id("trust-evaluation").getnext().text_content()
    assert "3-fold cross-validation on 36 reviewed segment(s)" in held_out and "Unlike the agreement" in held_out
    assert "1 code(s) are not learned on their own" in held_out and "2026-12-01T10:00:00+00:00" in held_out
    scores = page.xpath("//h3[@id='trust-evaluation']/following-sibling::table[1]//tr/td[1]/text()")
    assert scores == ["parking", "staff", "wait", "micro", "macro"]
    untrained = page.xpath("//h3[@id='trust-evaluation']/following-sibling::table[2]//tr/td[1]/text()")
    assert untrained == ["rare"]
    markdown = (run_copy / "report.md").read_text(encoding="utf-8")
    assert f"### {AGREEMENT_HEADING}" in markdown and f"### {EVALUATION_HEADING}" in markdown
    assert markdown.index(AGREEMENT_HEADING) < markdown.index("| rule | P-OPERATION-HOURS |") \
        < markdown.index(f"### {EVALUATION_HEADING}") < markdown.index("| micro |")
    headings = [p.text for p in Document(str(run_copy / "report.docx")).paragraphs if p.style.name.startswith("Heading")]
    assert AGREEMENT_HEADING in headings and EVALUATION_HEADING in headings


def test_without_either_measure_the_section_says_why(run_copy):
    from qualmine.outputs.report.build import write_report

    write_report(run_copy, use_store=False)
    markdown = (run_copy / "report.md").read_text(encoding="utf-8")
    section = markdown.split("Which source to trust", 1)[1]
    assert "No machine suggestion can be compared with coders' decisions yet" in section
    assert "No trained model has been evaluated" in section and "| micro |" not in section


def test_agreement_per_respondent_is_shown_under_the_segment_table(run_copy):
    from qualmine.coding.review.agreement import agreement_tables, respondent_agreement_tables
    from qualmine.outputs.report.build import write_report

    decisions = pd.DataFrame([("s1", "N-HEALTH", "ana", "accept"), ("s2", "N-HEALTH", "ana", "reject"),
                              ("s1", "N-HEALTH", "ben", "reject"), ("s2", "N-HEALTH", "ben", "accept")],
                             columns=["segment_id", "code_id", "coder", "decision"])
    segments = pd.DataFrame({"segment_id": ["s1", "s2"], "respondent_id": ["R7", "R7"]})
    write_table(agreement_tables(decisions).agreement, run_copy, "agreement")
    write_table(respondent_agreement_tables(decisions, segments).agreement, run_copy, "agreement_by_respondent")
    write_report(run_copy, use_store=False)
    page = html.fromstring((run_copy / "report.html").read_text(encoding="utf-8"))
    label = page.get_element_by_id("agreement-respondents")
    rows = [[td.text_content() for td in tr.findall("td")] for tr in label.getnext().findall("tr")[1:]]
    # per segment the two coders never agree; per respondent both coded R7
    assert ["coders", "N-HEALTH", "ana, ben", "1", "1", "—", "—", "2"] in rows
    segment_rows = [[td.text_content() for td in tr.findall("td")]
                    for tr in page.xpath("//h2[@id='agreement']/following-sibling::table[1]//tr")[1:]]
    assert ["coders", "N-HEALTH", "ana, ben", "2", "0", "-1", "-0.5", "2"] in segment_rows   # kappa -1, alpha -0.5
    assert "Per respondent" in (run_copy / "report.md").read_text(encoding="utf-8")
