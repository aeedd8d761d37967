"""A parent code's counts in the report include its sub-codes, and say so (NVivo's "aggregate")."""
from __future__ import annotations

import re

import pandas as pd
from docx import Document

from qualmine.outputs.report.build import write_report
from qualmine.outputs.report.figures import CHART_NOTE, INCL_CHILDREN, INCL_CHILDREN_SHORT
from qualmine.outputs.writers import write_table

PARENT = "P-OPERATION"
PARENT_LABEL = "运行机制有待完善"


def _frequency(run) -> pd.DataFrame:
    return pd.read_parquet(run / "code_frequency.parquet")


def _md_row(md: str, label: str) -> list[str]:
    line = next(line for line in md.splitlines() if line.startswith(f"| {label}"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def _groups(md: str) -> list[str]:
    """The breakdown table's header, group sizes cut off ('居民 (n=122)' -> '居民')."""
    return [re.sub(r" \(n=\d+\)$", "", cell) for cell in _md_row(md, "code")]


def test_parent_counts_include_its_sub_codes_in_every_format(run_copy):
    freq = _frequency(run_copy)
    overall = freq[freq["attribute"] == "(all)"].set_index("code_id")
    parent = overall.loc[PARENT]
    assert overall.loc[PARENT, "label_zh"] == PARENT_LABEL
    # The example codes the sub-problems, so the roll-up is larger than the parent's own count.
    assert parent["respondents_incl_children"] > parent["respondents"]
    write_report(run_copy, use_store=False)

    by_role = freq[(freq["attribute"] == "role") & (freq["code_id"] == PARENT)].set_index("value")
    md = (run_copy / "report.md").read_text(encoding="utf-8")
    row = _md_row(md, PARENT_LABEL + INCL_CHILDREN)
    header = _groups(md)
    for value, share in by_role["respondent_share_incl_children"].items():
        assert row[header.index(value)] == f"{share:.0%}"

    doc = Document(str(run_copy / "report.docx"))
    counts = {t.rows[i].cells[0].text: t.rows[i].cells[2].text for t in doc.tables
              if [c.text for c in t.rows[0].cells[:3]] == ["code", "kind", "respondents"] for i in range(1, len(t.rows))}
    assert counts[PARENT_LABEL + INCL_CHILDREN] == str(parent["respondents_incl_children"])
    leaf = overall.loc["P-OPERATION-HOURS"]
    assert counts[leaf["label_zh"]] == str(leaf["respondents"])      # a code without children: its own count

    page = (run_copy / "report.html").read_text(encoding="utf-8")
    figure = (run_copy / "report_files" / "code_frequency.svg").read_text(encoding="utf-8")
    # The chart's label fits its 16 em (not cut to "…"); its title says what the suffix means.
    assert f">{PARENT_LABEL}{INCL_CHILDREN_SHORT}<" in figure and CHART_NOTE.strip(" —") in figure
    assert re.search(re.escape(PARENT_LABEL + INCL_CHILDREN_SHORT), page)


def test_a_run_written_before_the_roll_up_columns_reports_direct_counts(run_copy):
    freq = _frequency(run_copy)
    old = freq.drop(columns=[c for c in freq.columns if c.endswith("_incl_children")])
    for suffix in ("parquet", "csv"):
        (run_copy / f"code_frequency.{suffix}").unlink()
    write_table(old, run_copy, "code_frequency")
    write_report(run_copy, use_store=False)
    md = (run_copy / "report.md").read_text(encoding="utf-8")
    assert INCL_CHILDREN not in md
    by_role = old[(old["attribute"] == "role") & (old["code_id"] == PARENT)].set_index("value")
    row, header = _md_row(md, PARENT_LABEL), _groups(md)
    for value, share in by_role["respondent_share"].items():
        assert row[header.index(value)] == f"{share:.0%}"
