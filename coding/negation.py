"""Short-scope negation for the rule coder ("开放时间没有问题" must not code a problem).

Only hits of codes whose kind is in `NegationRules.negatable_kinds` (default problem, cause,
need) are checked: "没有不满意" is handled by satisfaction codes' own exclusions. A code fires in a
segment if at least one of its hits is not negated. The rules, exactly:

Clauses. Scope never crosses a clause boundary.
  zh: a character of `zh_clause_marks` (，,。；;！!？?、 and newline) or a word of
      `zh_clause_words` (但是, 但, 不过, 可是, 然而).
  en: a token in `en_clause_marks` (, ; . ! ? :), a token whose lemma is in `en_clause_words`
      (but, however, although, though, whereas, except), or a line break between two tokens.

Rule 1, cue before the hit.
  zh: a cue of `zh_cues` (不, 没, 没有, 未, 无, 并不, 并没有, 从不, 从来没有, 毫无, 不是, ...)
      ends at most `zh_window` (4) characters before the hit starts: `0 <= hit.start - cue.end
      <= 4`, in the same clause. Cue occurrences that are part of a pseudo-cue (`zh_pseudo_cues`:
      不知道, 不但, 无法, 不能, ... words with 不/没/无 that do not deny what follows) or that lie
      inside any keyword hit of any code in the segment (人手不足, 不满意) are ignored; a cue
      inside the hit itself never counts because it does not end before the hit.
  en: a token whose text or lemma is in `en_cues` (not, no, never, n't, without, nothing, none,
      hardly) is one of the `en_window` (3) tokens before the hit's first token, in the same
      clause, and not part of any keyword hit.
Rule 2, "no problem" tail after the hit.
  zh: a phrase of `zh_tails` (没有问题, 没问题, 不是问题, 都挺好, 还可以, 没有不满意, ...) follows
      the hit with at most `zh_tail_window` (6) characters between them, in the same clause.
  en: a phrase of `en_tails`, compared as lemmas ('are fine' also matches 'is fine', 'was
      fine'), follows the hit with at most `en_tail_window` (3) tokens between, same clause.
Rule 3, en only: a "no trouble" statement of `en_clause_phrases` (never had any trouble, no
  problems, no complaints, ...) anywhere in the hit's clause, before or after it ("never had any
  trouble with the staff": 'staff' is 5 tokens after 'never').
Absence (an exception to rule 1): for a code of `absence_any_kinds` (need) a cue of
  `zh_absence_cues` / `en_absence_cues` says the thing is missing and does not negate, unless the
  word right after it is a denial (`zh_absence_denials` 没有必要, 没有问题; `en_absence_denials` by
  lemma: no need). For `absence_strong_kinds` (problem) the absence must also be emphatic:
  zh a `zh_absence_before` word ends exactly where the cue starts or a `zh_absence_after` word
  starts exactly where it ends (压根没有车位, 没有地方停车); en an `en_absence_emphasis` word (text or
  lemma) is in the cue's clause ("no parking spaces left").
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from qualmine.corpus.tokens import EnglishLemmatizer, LemmaSequence, phrase_automaton


@dataclass(frozen=True)
class NegationRules:
    """Cue lists and window sizes of the negation rules (see the module docstring)."""

    negatable_kinds: tuple[str, ...] = ("problem", "cause", "need")
    zh_cues: tuple[str, ...] = ("不", "没", "没有", "未", "无", "并不", "并没有", "从不", "从来没有",
                                "毫无", "不是")
    zh_pseudo_cues: tuple[str, ...] = ("不知道", "不清楚", "不了解", "不懂", "不但", "不仅", "不只", "不管",
                                       "不论", "无论", "不少", "不同", "不断", "不得不", "不便", "不能",
                                       "无法", "没法", "没办法", "没想到", "未来")
    zh_window: int = 4
    zh_tails: tuple[str, ...] = ("没有问题", "没问题", "没什么问题", "没啥问题", "没有什么问题", "不是问题",
                                 "不是什么问题", "不成问题", "算不上问题", "都挺好", "都很好", "挺好的",
                                 "还可以", "还行", "还好", "没有不满意", "没什么不满意", "没意见", "没有意见")
    zh_tail_window: int = 6
    zh_clause_marks: str = "，,。；;！!？?、\n\r"
    zh_clause_words: tuple[str, ...] = ("但是", "但", "不过", "可是", "然而")
    en_cues: tuple[str, ...] = ("not", "no", "never", "n't", "without", "nothing", "none", "hardly")
    en_window: int = 3
    en_tails: tuple[str, ...] = ("is not a problem", "not a problem", "no problem", "not an issue",
                                 "never an issue", "never a problem", "are fine", "is ok", "is okay",
                                 "not bad")
    en_tail_window: int = 3
    en_clause_phrases: tuple[str, ...] = ("never had any trouble", "never had any problem", "never had a problem",
                                          "never had any issue", "no problems", "no trouble", "no issues",
                                          "no complaints", "nothing wrong")
    # Absence is the problem (rule 1 exception): "压根没有车位", "no parking spaces anywhere".
    absence_strong_kinds: tuple[str, ...] = ("problem",)   # only emphatic absence counts
    absence_any_kinds: tuple[str, ...] = ("need",)          # any "there is no X" counts
    zh_absence_cues: tuple[str, ...] = ("没有", "没", "无")
    zh_absence_before: tuple[str, ...] = ("压根", "根本", "完全", "连")
    zh_absence_after: tuple[str, ...] = ("地方", "处", "一个", "任何")
    zh_absence_denials: tuple[str, ...] = ("需要", "必要", "用", "什么问题", "问题")
    en_absence_cues: tuple[str, ...] = ("no", "nobody", "nowhere", "none", "never")
    en_absence_emphasis: tuple[str, ...] = ("anywhere", "whatsoever", "single", "left", "ever", "any")
    en_absence_denials: tuple[str, ...] = ("need", "problem", "issue", "trouble", "complaint")
    en_clause_marks: tuple[str, ...] = (",", ";", ".", "!", "?", ":")
    en_clause_words: tuple[str, ...] = ("but", "however", "although", "though", "whereas", "except")


def _alternation(words: tuple[str, ...]) -> str:
    # longest first, so 从来没有 wins over 没 at the same position
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True) if w)


class ZhNegation:
    """Compiled Chinese negation rules; `scope(text, keyword_spans)` checks one segment."""

    def __init__(self, rules: NegationRules):
        self.rules = rules
        marks = "".join(re.escape(ch) for ch in rules.zh_clause_marks)
        words = _alternation(rules.zh_clause_words)
        self.clause_re = re.compile(f"[{marks}]" + (f"|{words}" if words else ""))
        # pseudo-cues are tried first so that 不知道 consumes its 不
        self.cue_re = re.compile(f"(?P<pseudo>{_alternation(rules.zh_pseudo_cues) or '(?!)'})"
                                 f"|(?P<cue>{_alternation(rules.zh_cues) or '(?!)'})")
        self.tail_re = re.compile(_alternation(rules.zh_tails) or "(?!)")
        self.absence_cues = frozenset(rules.zh_absence_cues)
        # matched with str.endswith at the cue's start: a regex `$` would also match before a newline
        self.absence_before = tuple(w for w in rules.zh_absence_before if w)
        self.absence_after = re.compile(_alternation(rules.zh_absence_after) or "(?!)")
        self.absence_denial = re.compile(_alternation(rules.zh_absence_denials) or "(?!)")

    def scope(self, text: str, keyword_spans: list[tuple[int, int]]) -> "ZhScope":
        return ZhScope(self, text, keyword_spans)


class ZhScope:
    """Negation checks for the hits of one Chinese segment (text = the normalised text)."""

    def __init__(self, neg: ZhNegation, text: str, keyword_spans: list[tuple[int, int]]):
        self.text = text
        self.window, self.tail_window, self.tail_re = neg.rules.zh_window, neg.rules.zh_tail_window, neg.tail_re
        breaks = [m.span() for m in neg.clause_re.finditer(text)]
        self.break_starts = [s for s, _ in breaks]
        self.break_ends = [e for _, e in breaks]
        self.cue_ends: list[int] = []
        self.cue_starts: list[int] = []
        self.absence: list[str | None] = []   # None, "any" (there is no ...) or "strong" (压根没有, 没有地方)
        for m in neg.cue_re.finditer(text):
            if m.lastgroup != "cue":
                continue
            cs, ce = m.span()
            if any(ks < ce and cs < ke for ks, ke in keyword_spans):
                continue   # 人手不足: the cue belongs to a keyword
            self.cue_starts.append(cs)
            self.cue_ends.append(ce)
            self.absence.append(self._absence(neg, text, m.group(), cs, ce))

    @staticmethod
    def _absence(neg: "ZhNegation", text: str, cue: str, cs: int, ce: int) -> str | None:
        if cue not in neg.absence_cues or neg.absence_denial.match(text, ce):
            return None   # 不 / 未 deny; 没有需要, 没有问题 deny too
        if text.endswith(neg.absence_before, 0, cs) or neg.absence_after.match(text, ce):
            return "strong"
        return "any"

    def negated(self, start: int, end: int, absence: str | None = None) -> bool:
        """True if the hit text[start:end] is in a negation scope (rules 1 and 2).

        `absence` ("any" or "strong"): a cue saying that something is missing at that strength
        or more does not negate (the hit's code is one whose absence is the problem).
        """
        i = bisect_right(self.break_ends, start)
        clause_start = self.break_ends[i - 1] if i else 0
        j = bisect_left(self.break_starts, end)
        clause_end = self.break_starts[j] if j < len(self.break_starts) else len(self.text)
        lo = bisect_left(self.cue_ends, start - self.window)
        hi = bisect_right(self.cue_ends, start)
        if any(self.cue_starts[k] >= clause_start and not _absent(self.absence[k], absence) for k in range(lo, hi)):
            return True
        m = self.tail_re.search(self.text, end, clause_end)
        return m is not None and m.start() - end <= self.tail_window


def _absent(cue_absence: str | None, wanted: str | None) -> bool:
    """True when a cue of this absence strength says "missing" for a code that wants `wanted`."""
    if wanted is None or cue_absence is None:
        return False
    return wanted == "any" or cue_absence == "strong"


class EnNegation:
    """Compiled English negation rules; `scope(...)` checks one segment's lemma sequence."""

    def __init__(self, rules: NegationRules, lemmatizer: EnglishLemmatizer):
        self.rules = rules
        self.cues = frozenset(rules.en_cues)
        self.absence_cues = frozenset(rules.en_absence_cues)
        self.absence_emphasis = frozenset(rules.en_absence_emphasis)
        self.absence_denials = frozenset(rules.en_absence_denials)
        self.marks = frozenset(rules.en_clause_marks)
        self.clause_words = frozenset(lemmatizer.phrase(w) for w in rules.en_clause_words)
        self.phrases = phrase_automaton(
            [(lemmatizer.phrase(p), "tail") for p in rules.en_tails]
            + [(lemmatizer.phrase(p), "clause") for p in rules.en_clause_phrases])

    def scope(self, seq: LemmaSequence, low_text: str, keyword_tokens: list[tuple[int, int]]) -> "EnScope":
        return EnScope(self, seq, low_text, keyword_tokens)


class EnScope:
    """Negation checks for the hits of one English segment, in token indices."""

    def __init__(self, neg: EnNegation, seq: LemmaSequence, low: str, keyword_tokens: list[tuple[int, int]]):
        rules = neg.rules
        self.window, self.tail_window = rules.en_window, rules.en_tail_window
        clause, self.clause = 0, []
        self.cue = []
        prev_end = 0
        in_keyword = set()
        for a, b in keyword_tokens:
            in_keyword.update(range(a, b + 1))
        for i, (lemma, start, end) in enumerate(seq.tokens):
            surface = low[start:end]
            is_break = surface in neg.marks or lemma in neg.clause_words
            if is_break or "\n" in low[prev_end:start]:
                clause += 1
            self.clause.append(clause)
            if is_break:
                clause += 1   # the break token belongs to neither neighbour
            self.cue.append((surface in neg.cues or lemma in neg.cues) and i not in in_keyword)
            prev_end = end
        self.absence: list[str | None] = [None] * len(seq.tokens)
        emphatic = {clause_of for clause_of, (lemma, start, end) in zip(self.clause, seq.tokens)
                    if low[start:end] in neg.absence_emphasis or lemma in neg.absence_emphasis}
        for i, (lemma, start, end) in enumerate(seq.tokens):
            if self.cue[i] and (low[start:end] in neg.absence_cues or lemma in neg.absence_cues):
                nxt = seq.tokens[i + 1][0] if i + 1 < len(seq.tokens) else ""
                if nxt not in neg.absence_denials:
                    self.absence[i] = "strong" if self.clause[i] in emphatic else "any"
        self.tails: list[tuple[int, int]] = []
        self.clause_phrases: list[tuple[int, int]] = []
        if neg.phrases is not None:
            for a, b, kinds in seq.find(neg.phrases):
                if "tail" in kinds:
                    self.tails.append((a, b))
                if "clause" in kinds:
                    self.clause_phrases.append((a, b))

    def negated(self, first: int, last: int, absence: str | None = None) -> bool:
        """True if the hit spanning tokens first..last (inclusive) is negated (rules 1-3; `absence`: see ZhScope)."""
        clause = self.clause
        c = clause[first]
        for k in range(max(0, first - self.window), first):
            if self.cue[k] and clause[k] == c and not _absent(self.absence[k], absence):
                return True
        c_last = clause[last]
        for a, b in self.tails:
            if last < a <= last + 1 + self.tail_window and clause[a] == c_last and clause[b] == c_last:
                return True
        return any(clause[a] == c and clause[b] == c for a, b in self.clause_phrases)

