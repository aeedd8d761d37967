"""Everything a theme summary report shows, assembled from a run folder into one typed `ReportData`.

The HTML, Markdown and Word writers and the Prefect artifacts all render the same `ReportData`,
so the three documents cannot disagree. Reading (tables, manifest, store) happens in
`load_report_data`; `assemble_report_data` is the pure part. A table that a run does not have
(topics, agreement) leaves its section empty with a sentence saying why.
"""
from __future__ import annotations

from qualmine import QualmineError
import json
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import pandas as pd

from qualmine.coding.codebook import Codebook, CodebookError, load_codebook
from qualmine.coding.links import links as build_links
from qualmine.coding.tables import chains as build_chains
from qualmine.coding.tables import code_exemplars
from qualmine.coding.tables import code_frequency as build_frequency
from qualmine.outputs.report.chains import (  # noqa: F401  (ChainView, LinkEvidence, Quote: re-exported)
    ChainView, CodeRef, LinkEvidence, Quote, chain_views, quote_maker,
)
from qualmine.outputs.report.codes import ReportMode, SelectedCodes, select_applications, store_decisions
from qualmine.outputs.report.groups import attribute_settings
from qualmine.outputs.report.topics import TopicSection, topic_section
from qualmine.outputs.report.trust import TrustSection, trust_section
from qualmine.outputs.writers import read_table

ALL = "(all)"


@dataclass(frozen=True)
class Overview:
    documents: int
    respondents: int
    segments: int
    coded_segments: int
    code_applications: int
    ingested: int
    rejected: int
    skipped: int
    rejected_items: pd.DataFrame          # source_file, row, reason


_CODE_INDEXES: dict[int, tuple] = {}    # id(ReportData.codes) -> (codes, {code_id: CodeRef})


@dataclass(frozen=True)
class ReportData:
    """The content of one theme summary report (see the module docstring)."""

    run_id: str
    title: str
    codebook_name: str
    mode: ReportMode
    mode_statement: str
    overview: Overview
    codes: tuple[CodeRef, ...]
    chains: tuple[ChainView, ...]
    frequency: pd.DataFrame                 # code_frequency columns (recomputed in review mode)
    attributes: tuple[str, ...]             # respondent attributes the frequency is broken down by
    cooccurrence: pd.DataFrame              # square: respondents with both codes; index/columns = code ids
    links: pd.DataFrame | None              # links columns
    topics: TopicSection | None
    agreement: pd.DataFrame | None
    notes: tuple[str, ...] = field(default=())       # sentences about sections left empty or degraded
    topics_note: str = ""
    agreement_note: str = ""
    links_note: str = ""
    exemplars: dict[str, tuple[Quote, ...]] = field(default_factory=dict)   # code_id -> quotes, every code
    reviewed_applications: int = 0     # applications shown whose (segment, code) a coder accepted or added
    trust: TrustSection | None = None  # which source to trust (outputs/report/trust.py); None: not looked up
    agreement_by_respondent: pd.DataFrame | None = None   # agreement columns, units: respondent x code
    attribute_labels: dict[str, str] = field(default_factory=dict)         # from the corpus manifest
    attribute_orders: dict[str, list[str]] = field(default_factory=dict)   # from the corpus manifest

    @cached_property
    def codes_with_children(self) -> frozenset[str]:
        """Codes the report counts together with their sub-codes: those with a child in `frequency`.

        Empty for a run written before code_frequency had its `*_incl_children` columns (its
        codes are counted directly). Computed once: every label and chart of the report asks.
        """
        if "respondents_incl_children" not in self.frequency.columns:
            return frozenset()
        parents = set(self.frequency["parent"].astype(str)) - {""}
        return frozenset(parents & set(self.frequency["code_id"].astype(str)))

    def code(self, code_id: str) -> CodeRef:
        index = _CODE_INDEXES.get(id(self.codes))
        if index is None or index[0] is not self.codes:   # a scan per label made 10,000 codes slow (issue #17)
            if len(_CODE_INDEXES) >= 16:
                _CODE_INDEXES.clear()
            by_id: dict[str, CodeRef] = {}
            for code in self.codes:
                by_id.setdefault(code.code_id, code)
            index = _CODE_INDEXES[id(self.codes)] = (self.codes, by_id)
        return index[1].get(code_id) or CodeRef(code_id, "", "", "")

    @property
    def candidate_links(self) -> pd.DataFrame:
        if self.links is None:
            return pd.DataFrame()
        return self.links[self.links["candidate_link"].astype(bool)].reset_index(drop=True)


@dataclass(frozen=True)
class RunTables:
    """The tables of a run folder a report reads; optional ones are None when absent."""

    documents: pd.DataFrame
    respondents: pd.DataFrame
    segments: pd.DataFrame
    code_applications: pd.DataFrame
    code_frequency: pd.DataFrame
    chains: pd.DataFrame
    ingestion_report: pd.DataFrame
    links: pd.DataFrame | None = None
    topics: pd.DataFrame | None = None
    topic_prevalence: pd.DataFrame | None = None
    topic_code_alignment: pd.DataFrame | None = None
    agreement: pd.DataFrame | None = None
    exemplar_fit: pd.DataFrame | None = None     # written when the semantic layer ran (coding.suggest.exemplar_fit)
    agreement_by_respondent: pd.DataFrame | None = None
    candidate_codes_yaml: str | None = None


REQUIRED_TABLES = ("documents", "respondents", "segments", "code_applications", "code_frequency", "chains",
                   "ingestion_report")
OPTIONAL_TABLES = ("links", "topics", "topic_prevalence", "topic_code_alignment", "agreement", "exemplar_fit",
                   "agreement_by_respondent")


class ReportInputError(QualmineError, ValueError):
    """A run folder a report cannot be built from (names the folder and what is missing)."""


def read_run_tables(run_dir: str | Path) -> RunTables:
    """Read a run folder's tables; raises ReportInputError naming every missing required table."""
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise ReportInputError(f"{run_dir}: not a run folder (expected the folder `qualmine run --out` wrote)")
    found = {name: read_table(run_dir, name) for name in (*REQUIRED_TABLES, *OPTIONAL_TABLES)}
    missing = [name for name in REQUIRED_TABLES if found[name] is None]
    if missing:
        raise ReportInputError(f"{run_dir}: missing table(s) {', '.join(missing)} (expected NAME.parquet or "
                               "NAME.csv written by `qualmine run`)")
    candidates = run_dir / "candidate_codes.yaml"
    return RunTables(**found, candidate_codes_yaml=candidates.read_text(encoding="utf-8-sig")
                     if candidates.is_file() else None)


def run_manifest(run_dir: str | Path) -> dict:
    path = Path(run_dir) / "run_manifest.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def manifest_codebook(manifest: dict) -> tuple[Codebook | None, str]:
    """The run's codebook from the path the manifest recorded, or (None, why not)."""
    info = manifest.get("codebook") or {}
    path = info.get("path")
    if not path:
        return None, "the run manifest names no codebook"
    try:
        book = load_codebook(path)
    except CodebookError as exc:
        return None, f"the run's codebook {path} could not be read ({exc.problems[0]})"
    wanted = info.get("content_fingerprint")
    if wanted and book.fingerprint() != wanted:
        return None, f"the codebook at {path} has changed since the run (fingerprint {book.fingerprint()} != {wanted})"
    return book, ""


def load_report_data(run_dir: str | Path, mode: ReportMode = "suggestions", store: str | Path | None = None,
                     codebook: Codebook | None = None, use_store: bool = True, run_id: str | None = None,
                     ) -> ReportData:
    """Read a run folder (and the project store, for review decisions) into a ReportData.

    `codebook` and `run_id` default to what the run manifest records (the pipeline passes them,
    since it writes the manifest after the report).
    """
    tables = read_run_tables(run_dir)
    manifest = run_manifest(run_dir)
    notes: list[str] = []
    if codebook is None:
        codebook, why = manifest_codebook(manifest)
        if codebook is None:
            notes.append(f"Codebook not available ({why}): counts come from the run's tables as written.")
    latest, why_not = (store_decisions(store) if use_store else (None, "the store was not consulted"))
    if latest is None and mode == "reviewed":
        notes.append(f"Reviewed codes were asked for, but {why_not}: the report shows machine suggestions instead.")
        mode = "suggestions"
    if codebook is None and latest is not None and not latest.empty:
        notes.append("Review decisions could not be applied without the run's codebook: the report shows "
                     "machine suggestions as the run wrote them.")
        latest = None
    selected = select_applications(mode, tables.code_applications, tables.segments, latest)
    run_id = run_id or str(manifest.get("run_id") or Path(run_dir).name)
    labels, orders, why = attribute_settings(manifest.get("corpus_dir"))
    if why:
        notes.append(why)
    data = assemble_report_data(tables, selected, codebook, run_id=run_id, notes=notes)
    topics = data.topics
    stage_notes = tuple(str(n) for n in (manifest.get("topics") or {}).get("notes") or ())
    if topics is not None and stage_notes:
        topics = replace(topics, notes=(*stage_notes, *topics.notes))
    trust = trust_section(run_dir, tables.segments, store, use_store)
    return replace(data, attribute_labels=labels, attribute_orders=orders, topics=topics, trust=trust)


def assemble_report_data(tables: RunTables, selected: SelectedCodes, codebook: Codebook | None,
                         run_id: str, notes: list[str] | None = None) -> ReportData:
    """Build the ReportData from tables already read and the applications the report shows."""
    notes = list(notes or [])
    apps = selected.applications
    recompute = codebook is not None and (selected.decisions_used > 0 or selected.mode == "reviewed")
    if recompute:
        frequency = build_frequency(codebook, apps, tables.segments, tables.respondents)
        chains = build_chains(codebook, apps, tables.segments, selected.reviewed, fit=tables.exemplar_fit)
    else:
        frequency, chains = tables.code_frequency, tables.chains
    links, links_note = _links(tables, codebook, apps, recompute)
    codes = _codes(codebook, frequency)
    attributes = tuple(v for v in dict.fromkeys(frequency["attribute"].astype(str)) if v != ALL)
    quote = quote_maker(tables.respondents)
    exemplars: dict[str, tuple[Quote, ...]] = {}
    if codebook is not None:
        picked = code_exemplars(codebook, apps, tables.segments, selected.reviewed, fit=tables.exemplar_fit)
        for code_id, grp in picked.groupby("code_id", sort=False):
            exemplars[str(code_id)] = tuple(quote(r.quote, r.respondent_id, r.segment_id, r.reviewed)
                                            for r in grp.itertuples(index=False))
    return ReportData(
        run_id=run_id,
        title=f"主题摘要报告 Theme summary — {codebook.name if codebook else run_id}",
        codebook_name=codebook.name if codebook else "",
        mode=selected.mode, mode_statement=selected.statement,
        overview=_overview(tables, apps),
        codes=codes,
        chains=tuple(chain_views(chains, links, tables.respondents, codes, selected.reviewed, exemplars)),
        frequency=frequency, attributes=attributes,
        cooccurrence=cooccurrence_matrix(apps, tables.segments, [c.code_id for c in codes]),
        links=links,
        topics=topic_section(tables.topics, tables.topic_prevalence, tables.topic_code_alignment,
                             tables.candidate_codes_yaml, codebook),
        agreement=tables.agreement,
        agreement_by_respondent=tables.agreement_by_respondent,
        notes=tuple(notes),
        topics_note="" if tables.topics is not None else
        "No topic model was fitted for this run (it has no topics table), so there are no emergent themes to show.",
        agreement_note="" if tables.agreement is not None else
        "No inter-coder agreement has been computed for this run (it has no agreement table): the codes have not "
        "been double-coded, or 'qualmine agreement' has not been run.",
        links_note=links_note,
        exemplars=exemplars,
        reviewed_applications=sum(1 for pair in zip(apps["segment_id"].astype(str), apps["code_id"].astype(str))
                                  if pair in selected.reviewed),
    )


def _links(tables: RunTables, codebook: Codebook | None, apps: pd.DataFrame, recompute: bool,
           ) -> tuple[pd.DataFrame | None, str]:
    if codebook is not None and (recompute or tables.links is None):
        return build_links(codebook, apps, tables.segments), ""
    if tables.links is not None:
        return tables.links, ""
    return None, "The evidence for the links needs the run's codebook or its links table; neither is available."


def _codes(codebook: Codebook | None, frequency: pd.DataFrame) -> tuple[CodeRef, ...]:
    if codebook is not None:
        return tuple(CodeRef(c.id, c.kind, c.label.zh or "", c.label.en or "") for c in codebook.codes)
    rows = frequency[frequency["attribute"].astype(str) == ALL]
    return tuple(CodeRef(str(r.code_id), str(r.kind), str(r.label_zh or ""), str(r.label_en or ""))
                 for r in rows.itertuples(index=False))


def _overview(tables: RunTables, apps: pd.DataFrame) -> Overview:
    report = tables.ingestion_report
    status = report["status"].astype(str).value_counts()
    rejected = report[report["status"].astype(str) == "rejected"]
    items = pd.DataFrame({"source_file": rejected["source_file"].astype(str),
                          "row": rejected["row"].astype("string").fillna(""),
                          "reason": rejected["reason"].astype("string").fillna("")}).reset_index(drop=True)
    return Overview(
        documents=len(tables.documents), respondents=int(tables.respondents["respondent_id"].nunique()),
        segments=len(tables.segments), coded_segments=int(apps["segment_id"].nunique()),
        code_applications=len(apps), ingested=int(status.get("ingested", 0)),
        rejected=int(status.get("rejected", 0)), skipped=int(status.get("skipped", 0)), rejected_items=items)


def cooccurrence_matrix(applications: pd.DataFrame, segments: pd.DataFrame, code_ids: list[str]) -> pd.DataFrame:
    """Respondents who raised both codes (diagonal: who raised the code), codes in the given order."""
    coded = applications[["segment_id", "code_id"]].drop_duplicates().merge(
        segments[["segment_id", "respondent_id"]], on="segment_id", how="inner")
    if coded.empty:
        return pd.DataFrame(0, index=code_ids, columns=code_ids, dtype="int64")
    incidence = pd.crosstab(coded["respondent_id"].astype(str), coded["code_id"]).clip(upper=1)
    incidence = incidence.reindex(columns=code_ids, fill_value=0)
    matrix = incidence.T.dot(incidence)
    return matrix.astype("int64")
