"""Negated evaluation for satisfaction codes: "不能说满意", "I'm not exactly satisfied".

Satisfaction codes are not negation-filtered by `coding.negation` (their keywords carry their
own negations: 不满意, dissatisfied). This module adds what a coder reads:

Rule: a satisfaction-code hit is *negated* when an evaluation negator ends shortly before it in
the same clause (clause marks as in `coding.negation`, plus 但是/可是/不过/but/however):
  zh: a cue of `zh_cues` (不能说, 谈不上, 说不上, 算不上, 称不上, 一点也不, 并不, 不太, 不是很, 不算,
      不怎么, 不, 没, 没有 ...) ends at most `zh_window` (4) characters before the hit, and is
      not a pseudo-cue (不管, 不仅, 没想到 ... as in `NegationRules.zh_pseudo_cues`, except 不能,
      which only counts as part of 不能说);
  en: a cue of `en_cues` (not, n't, never, hardly, far from, no longer ...) ends at most
      `en_window` (24) characters before the hit: "wouldn't say I'm happy", "not exactly satisfied".
A cue inside the hit itself (不满意's 不) never counts, because it does not end before the hit.
A negated hit does not code its satisfaction code; it codes the code of the opposite polarity
instead when the codebook has exactly one ("不能说满意" -> dissatisfied, "not unhappy" ->
satisfied), with the cue..hit span as evidence. Polarity: a satisfaction code is negative when
its English label says dis-/un-/not/no or its Chinese label holds 不, 没, 差 or 失望.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from qualmine.coding.codebook import Codebook
from qualmine.coding.negation import NegationRules

_NEGATIVE_EN = re.compile(r"\b(dis\w+|un\w+|not|no|bad|poor)\b", re.IGNORECASE)
_NEGATIVE_ZH = re.compile("不|没|差|失望")


@dataclass(frozen=True)
class EvaluationRules:
    kinds: tuple[str, ...] = ("satisfaction",)
    zh_cues: tuple[str, ...] = ("不能说", "不可能", "谈不上", "说不上", "算不上", "称不上", "一点也不", "一点都不",
                                "并不", "并没有", "不太", "不是很", "不是特别", "不算", "不怎么", "不大", "不够",
                                "不是", "不", "没有", "没")
    zh_window: int = 4
    en_cues: tuple[str, ...] = ("not", "n't", "never", "hardly", "far from", "no longer", "nothing", "barely")
    en_window: int = 24


def polarity(label_en: str | None, label_zh: str | None) -> int:
    """-1 for a negative satisfaction code (dissatisfied), +1 otherwise."""
    if label_en and _NEGATIVE_EN.search(label_en):
        return -1
    if label_zh and _NEGATIVE_ZH.search(label_zh):
        return -1
    return 1


class EvaluationNegation:
    """Compiled rules for one codebook: which codes are evaluations and which is each one's opposite."""

    def __init__(self, codebook: Codebook, rules: EvaluationRules = EvaluationRules(),
                 negation: NegationRules = NegationRules()):
        self.rules = rules
        codes = codebook.codes
        self.is_eval = [c.kind in rules.kinds for c in codes]
        pol = [polarity(c.label.en, c.label.zh) if e else 0 for c, e in zip(codes, self.is_eval)]
        positive = [i for i, p in enumerate(pol) if p > 0]
        negative = [i for i, p in enumerate(pol) if p < 0]
        self.opposite: dict[int, int] = {}
        if len(positive) == 1 and len(negative) == 1:
            self.opposite = {positive[0]: negative[0], negative[0]: positive[0]}
        pseudo = tuple(p for p in negation.zh_pseudo_cues if p != "不能")
        alt = lambda words: "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))  # noqa: E731
        self.zh_cue = re.compile(f"(?P<pseudo>{alt(pseudo)})|(?P<cue>{alt(rules.zh_cues)})")
        words = [c for c in rules.en_cues if c != "n't"]   # n't is glued to its verb: no word boundary before it
        self.en_cue = re.compile(rf"\b(?:{alt(words)})\b|n't")
        marks = re.escape(negation.zh_clause_marks)
        self.zh_break = re.compile(f"[{marks}]|但是|可是|不过")
        self.en_break = re.compile(r"[,;.!?:]|\bbut\b|\bhowever\b")

    def cue_before(self, low: str, start: int, lang: str) -> int | None:
        """Where the evaluation negator of a hit starting at `start` begins, or None if not negated."""
        if lang == "zh":
            lo = max(0, start - self.rules.zh_window - 4)
            window = low[lo:start]
            best = None
            for m in self.zh_cue.finditer(window):
                if m.lastgroup == "cue" and start - (lo + m.end()) <= self.rules.zh_window:
                    if not self.zh_break.search(low, lo + m.end(), start):
                        best = lo + m.start() if best is None else best
            return best
        lo = max(0, start - self.rules.en_window - 10)
        for m in self.en_cue.finditer(low, lo, start):
            if start - m.end() <= self.rules.en_window and not self.en_break.search(low, m.end(), start):
                begin = m.start()
                while m.group() == "n't" and begin > 0 and low[begin - 1].isalpha():
                    begin -= 1   # evidence "wouldn't say I'm happy", not "n't say I'm happy"
                return begin
        return None
