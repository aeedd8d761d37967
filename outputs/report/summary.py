"""The executive summary at the top of every report: the strongest problems, what backs them, how reviewed.

A pure function of `ReportData`: the problems most respondents raised (parents counted with their
sub-codes), for each the causes and recommendations whose link the data support (`strong` or
`some` in the links table's `strength`, strongest first, each named once however many chains
repeat it; a parent problem's list includes its sub-problems' links), and how much of the coding
a coder has reviewed.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from qualmine.coding.links import STRENGTH_WORDS, link_strength
from qualmine.outputs.report.data import ReportData
from qualmine.outputs.report.figures import overall_respondents

TOP_PROBLEMS = 3
STRENGTH_LEGEND = ("Strength of a link: strong support = at least 3 respondents raised both and a one-sided Fisher "
                   "test gives p ≤ 0.01 (or p ≤ 0.05 with a causal sentence); some support = at least 2 respondents "
                   "and p ≤ 0.1, or a respondent joins them with a causal connective; no support otherwise.")
QUOTES_NOTE = ("For every code: segments a coder accepted first, then the machine-coded segments that best represent "
               "the code (closest to its definition and examples, with several of its terms, few other codes, and for "
               "problems and causes an evaluative word); never one the semantic layer or the rules read as contradicting "
               "the code; one per respondent; with the surrounding sentence when the coded sentence is a fragment.")
_RANK = {"strong": 0, "some": 1, "none": 2}


@dataclass(frozen=True)
class SupportedLink:
    """A cause or recommendation of a problem, with the strength of their link in the data."""

    code_id: str
    label: str
    strength: str             # strong | some | none
    respondents_both: int
    p_value: float
    connective_sentences: int
    via: str = ""             # the sub-problem whose link this is, when a parent problem speaks for it

    @property
    def words(self) -> str:
        return STRENGTH_WORDS[self.strength]

    @property
    def numbers(self) -> str:
        via = f", via {self.via}" if self.via else ""
        return strength_numbers(self.respondents_both, self.p_value, self.connective_sentences) + via


@dataclass(frozen=True)
class ProblemSummary:
    code_id: str
    label: str
    respondents: int
    share: float                                 # of all respondents
    causes: tuple[SupportedLink, ...]            # supported (strong/some) only
    recommendations: tuple[SupportedLink, ...]   # supported (strong/some) only


@dataclass(frozen=True)
class ExecutiveSummary:
    problems: tuple[ProblemSummary, ...]
    respondents: int
    applications: int
    reviewed_applications: int
    mode_sentence: str

    @property
    def reviewed_share(self) -> float:
        return self.reviewed_applications / self.applications if self.applications else 0.0


def strength_numbers(respondents_both: int, p_value: float, connective_sentences: int) -> str:
    """The numbers behind a strength, e.g. '6 respondents raised both, p = 0.002, 1 causal sentence'."""
    p = "p = —" if p_value != p_value else (f"p = {p_value:.3f}" if p_value >= 0.001 else "p < 0.001")
    said = f", {connective_sentences} causal sentence{'s' if connective_sentences != 1 else ''}" \
        if connective_sentences else ""
    return f"{respondents_both} respondent{'s' if respondents_both != 1 else ''} raised both, {p}{said}"


def link_words(link) -> str:
    """'strong support (6 respondents raised both, p = 0.002)' for a LinkEvidence-like object."""
    strength = getattr(link, "strength", "") or link_strength(link.respondents_both, link.p_value,
                                                              link.connective_sentences)
    return f"{STRENGTH_WORDS[strength]} ({strength_numbers(link.respondents_both, link.p_value, link.connective_sentences)})"


def _supported(links: pd.DataFrame | None, from_ids: set[str], link_type: str, own_id: str = "",
               ) -> tuple[SupportedLink, ...]:
    if links is None or links.empty:
        return ()
    mine = links[links["from_id"].astype(str).isin(from_ids) & (links["link_type"].astype(str) == link_type)]
    out = []
    for r in mine.itertuples(index=False):
        p = float(r.p_value)
        strength = str(getattr(r, "strength", "") or link_strength(int(r.respondents_both), p,
                                                                   int(r.connective_sentences)))
        if strength == "none" or not bool(r.codebook_linked):
            continue
        via = "" if not own_id or str(r.from_id) == own_id else str(r.from_label)
        out.append(SupportedLink(str(r.to_id), str(r.to_label), strength, int(r.respondents_both),
                                 p, int(r.connective_sentences), via))
    out.sort(key=lambda s: (_RANK[s.strength], s.p_value if not math.isnan(s.p_value) else 1.0, s.code_id))
    # A parent problem speaks for its sub-problems: each cause or recommendation once, at its strongest.
    return tuple({s.code_id: s for s in reversed(out)}[c] for c in dict.fromkeys(s.code_id for s in out))


def executive_summary(data: ReportData, top: int = TOP_PROBLEMS) -> ExecutiveSummary:
    """The summary of `data` (see the module docstring)."""
    counts = overall_respondents(data)
    base = data.overview.respondents or 1
    ranked = sorted((c for c in data.codes if c.kind == "problem" and counts.get(c.code_id, 0) > 0),
                    key=lambda c: (-counts[c.code_id], c.code_id))
    parents = dict(zip(data.frequency["code_id"].astype(str), data.frequency["parent"].astype(str))) \
        if "parent" in data.frequency.columns else {}

    def family(code_id: str) -> set[str]:
        out, grew = {code_id}, True
        while grew:
            grew = False
            for child, parent in parents.items():
                if parent in out and child not in out:
                    out.add(child)
                    grew = True
        return out

    problems, covered = [], set()
    for code in ranked:        # a sub-problem of a listed parent is already in the parent's count
        if code.code_id not in covered and len(problems) < top:
            problems.append(code)
            covered |= family(code.code_id)
    views = tuple(ProblemSummary(
        c.code_id, c.label, counts[c.code_id], counts[c.code_id] / base,
        _supported(data.links, family(c.code_id), "problem-cause", c.code_id),
        _supported(data.links, family(c.code_id), "problem-recommendation", c.code_id)) for c in problems)
    if data.mode == "reviewed":
        sentence = "All counts are coder-reviewed codes."
    elif data.reviewed_applications:
        sentence = (f"{data.reviewed_applications} of {data.overview.code_applications} code applications "
                    f"({data.reviewed_applications / max(data.overview.code_applications, 1):.0%}) are confirmed "
                    "by a coder; the rest are machine suggestions.")
    else:
        sentence = ("None of the coding has been reviewed by a coder yet: every count is a machine suggestion "
                    "from the codebook's terms.")
    return ExecutiveSummary(views, data.overview.respondents, data.overview.code_applications,
                            data.reviewed_applications, sentence)
