"""The report stage as plain functions: report.html, report.md (+ SVG charts), report.docx and the links tables.

flows/report.py wraps these in Prefect tasks (and publishes artifacts); `qualmine report` and the
benchmarks call them directly.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qualmine.coding.codebook import Codebook
from qualmine.coding.links import link_sentences
from qualmine.coding.links import links as build_links
from qualmine.outputs.report.codes import ReportMode
from qualmine.outputs.report.data import ReportData, load_report_data
from qualmine.outputs.report.render_docx import write_docx
from qualmine.outputs.report.figures import report_figures
from qualmine.outputs.report.render_html import write_html
from qualmine.outputs.written_files import record_written
from qualmine.outputs.report.render_md import FILES_DIR, write_markdown
from qualmine.outputs.writers import write_table


@dataclass(frozen=True)
class ReportResult:
    """What the report stage wrote, and which codes it shows."""

    run_dir: Path
    mode: ReportMode
    statement: str
    paths: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    chains: int = 0
    artifacts: int = 0


def build_report(run_dir: str | Path, mode: ReportMode = "suggestions", store: str | Path | None = None,
                 codebook: Codebook | None = None, use_store: bool = True, run_id: str | None = None,
                 ) -> tuple[ReportResult, ReportData]:
    """Write report.html, report.md (+ report_files/*.svg) and report.docx into the run folder."""
    run_dir = Path(run_dir)
    data = load_report_data(run_dir, mode=mode, store=store, codebook=codebook, use_store=use_store, run_id=run_id)
    figures = report_figures(data)
    paths = [write_html(data, run_dir / "report.html", figures),
             *write_markdown(data, run_dir / "report.md", figures),
             write_docx(data, run_dir / "report.docx", figures)]
    record_written(run_dir, paths)   # so `qualmine report` may regenerate them (outputs/written_files.py)
    notes = [*data.notes, *(n for n in (data.topics_note, data.agreement_note, data.links_note) if n)]
    result = ReportResult(run_dir, data.mode, data.mode_statement, paths, notes, len(data.chains))
    return result, data


REPORT_FILES = ("report.html", "report.md", "report.docx")


def report_file_names(run_dir: str | Path) -> list[str]:
    """The files (relative names) a report of `run_dir` writes or replaces: the report files and its charts."""
    charts = Path(run_dir) / FILES_DIR
    return [*REPORT_FILES, *(f"{FILES_DIR}/{p.name}" for p in sorted(charts.glob("*")) if p.is_file())]


def write_report(run_dir: str | Path, mode: ReportMode = "suggestions", store: str | Path | None = None,
                 codebook: Codebook | None = None, use_store: bool = True) -> ReportResult:
    """`build_report` without the ReportData (the plain entry point)."""
    return build_report(run_dir, mode, store, codebook, use_store)[0]


def write_links(codebook: Codebook, applications: pd.DataFrame, segments: pd.DataFrame, out_dir: Path) -> list[Path]:
    """Compute the `links` and `link_sentences` tables and write them into the run folder."""
    sentences = link_sentences(codebook, applications, segments)
    table = build_links(codebook, applications, segments, sentences=sentences)
    return [*write_table(table, out_dir, "links"), *write_table(sentences, out_dir, "link_sentences")]
