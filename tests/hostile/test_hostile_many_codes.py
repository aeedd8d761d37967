"""Issue #17: a codebook of many codes runs through the report (1,000 codes crashed report.docx: its
frequency chart was too tall for cairo) and its tables stay readable. benchmarks/many_codes.py
measures the 10,000-code case; this runs a small one."""
from __future__ import annotations

from qualmine.outputs.report.figures import MAX_CHART_CODES, MAX_TABLE_CODES


def test_three_hundred_codes_give_capped_charts_and_short_share_tables(benchmark_module, tmp_path):
    many_codes = benchmark_module("many_codes")
    result = many_codes.measure(300, tmp_path)
    assert result["codes"] == 300 and MAX_TABLE_CODES < 300
    report = (tmp_path / "run" / "report.md").read_text(encoding="utf-8")
    assert "code(s) nobody in these groups raised are not listed" in report
    assert (tmp_path / "run" / "report.docx").stat().st_size > 0
    svg = (tmp_path / "run" / "report_files" / "code_frequency.svg").read_text(encoding="utf-8")
    assert f"top {MAX_CHART_CODES} of" in svg
