"""Rule-based coding: codebook keywords and patterns -> `CodeApplication`s.

Matching runs on `corpus.normalize.normalize(text)` (full-width -> half-width, one character to
one character), so every offset found there indexes the original text unchanged.

Chinese segments (lang 'zh')
  * Keywords: raw substrings of the lower-cased normalised text, found by one Aho-Corasick
    automaton holding every code's zh keywords and its lower-cased en keywords (Chinese answers
    contain English words; an English term must start at a word start, "app" not in "whatsapp",
    but may end inside one, so "volunteer" also finds "volunteers", evidence = the whole word).
  * Patterns: each code's zh regexes (compiled once, case-insensitive) on the normalised text.
English segments (lang 'en')
  * Keywords: whole-token lemma sequences. The segment is lemmatized once (`EnglishLemmatizer`),
    lemmas are joined by single spaces and one automaton of lemmatized keywords scans the
    result: 'volunteer' matches 'Volunteered', 'opening hours' matches 'opened hours'.
  * Patterns: each code's en regexes, case-insensitive, on the normalised text.
Segments with another lang value are routed by `corpus.lang.detect_lang`.

Exclusions: a segment containing any `exclude` term of a code (matched like that code's
keywords) is not coded with it. Negation: see `coding.negation`; a code fires only if at least
one hit survives. Interviewer segments are skipped unless `code_interviewer=True`.

Score: 0.9 when a surviving hit is a keyword, else 0.8 (patterns are looser), plus 0.05 per
further surviving hit, capped at 1.0. Hits of a code that overlap are counted once (leftmost,
then longest, wins), and the first surviving hit is the evidence.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Any, Iterable

import numpy as np
import pandas as pd

from qualmine.coding.applications import CodeApplication, applications_frame
from qualmine.coding.codebook import Codebook
from qualmine.coding.concession import ConcessionRules, ProposalRules
from qualmine.coding.evaluation import EvaluationNegation, EvaluationRules
from qualmine.coding.patterns import Hit, PatternSet
from qualmine.coding.negation import EnNegation, NegationRules, ZhNegation
from qualmine.corpus.hanzi import to_simplified
from qualmine.corpus.lang import detect_lang
from qualmine.corpus.normalize import normalize
from qualmine.corpus.records import Segment
from qualmine.corpus.tokens import ChineseSegmenter, EnglishLemmatizer, lower_preserving, phrase_automaton

KEYWORD_SCORE = 0.9
PATTERN_SCORE = 0.8
EXTRA_HIT_BONUS = 0.05
SOURCE = "rule"
def _checked_normalize(text: str) -> str:
    norm = normalize(text)
    if len(norm) != len(text):   # offsets would silently point at the wrong characters
        raise ValueError("corpus.normalize.normalize changed the text length; offsets would break")
    return norm


def _zh_text(text: str, norm: str | None = None) -> str:
    """The text Chinese matching runs on: normalised, then Traditional -> Simplified (same length)."""
    simple = to_simplified(_checked_normalize(text) if norm is None else norm)
    if len(simple) != len(text):
        raise ValueError("corpus.hanzi.to_simplified changed the text length; offsets would break")
    return simple


class RuleCoder:
    """Applies a codebook's keywords and patterns to segments (see the module docstring)."""

    def __init__(self, codebook: Codebook, *, code_interviewer: bool = False,
                 negation: NegationRules | None = NegationRules(), segmenter_backend: str = "auto",
                 concession: ConcessionRules | None = ConcessionRules(),
                 evaluation: EvaluationRules | None = EvaluationRules(),
                 proposal: ProposalRules | None = ProposalRules()):
        self.codebook = codebook
        self.concession = concession
        self.proposal = proposal
        self._kinds = [c.kind for c in codebook.codes]
        self._evaluation = EvaluationNegation(codebook, evaluation, negation or NegationRules()) \
            if evaluation is not None else None
        self.code_interviewer = code_interviewer
        self.negation = negation
        codes = codebook.codes
        self._code_ids = [c.id for c in codes]
        kinds = negation.negatable_kinds if negation is not None else ()
        self._negatable = [c.kind in kinds for c in codes]
        # absence is the problem: "压根没有车位" codes the parking problem (coding.negation, rule 1)
        self._absence = [None if negation is None else "any" if c.kind in negation.absence_any_kinds
                         else "strong" if c.kind in negation.absence_strong_kinds else None for c in codes]
        zh_entries = []
        for i, code in enumerate(codes):
            for is_excl, terms in ((False, code.keywords), (True, code.exclude)):
                for term in terms.zh + terms.en:
                    key = lower_preserving(to_simplified(_checked_normalize(term.strip())))
                    zh_entries.append((key, (i, is_excl, term, key[:1].isascii() and key[:1].isalnum())))
        self._zh_automaton = phrase_automaton(zh_entries)
        self._patterns = {lang: PatternSet(codebook, lang) for lang in ("zh", "en")}
        # Every string whose presence can make a Chinese text fire (see `may_fire`); None when
        # some zh pattern has no required literal, since then any text may match.
        zh_patterns = self._patterns["zh"]
        self._zh_prefilter = None if zh_patterns.always else phrase_automaton(
            (key, None) for key in {k for k, _ in zh_entries} | zh_patterns.literals if "\x00" not in key)
        self._zh_negation = ZhNegation(negation) if negation is not None else None
        # Only zh keywords shape Chinese tokens; English phrases with spaces cannot be jieba words.
        self.user_words: tuple[str, ...] = tuple(dict.fromkeys(
            _checked_normalize(k.strip()) for c in codes for k in c.keywords.zh if k.strip()))
        self.segmenter = ChineseSegmenter(segmenter_backend, self.user_words)
        self.lemmatizer = EnglishLemmatizer()
        self._en: tuple[Any, EnNegation | None] | None = None   # built on the first English segment

    # ------------------------------------------------------------------ public API
    def apply(self, segments: Iterable[Segment]) -> list[CodeApplication]:
        """One application per (segment, code) that fires, in segment order then codebook order."""
        todo = [seg for seg in segments if self.code_interviewer or not seg.is_interviewer]
        maybe = self.may_fire([seg.text for seg in todo], [seg.lang for seg in todo])
        out: list[CodeApplication] = []
        for seg, worth in zip(todo, maybe):
            if worth:
                out.extend(self.code_text(seg.segment_id, seg.start, seg.text, seg.lang))
        return out

    def apply_frame(self, df: pd.DataFrame) -> pd.DataFrame:
        """`apply` for a segments DataFrame (segment_id, start, text, lang, is_interviewer)."""
        out: list[CodeApplication] = []
        keep = df["is_interviewer"] != True if not self.code_interviewer else pd.Series(True, index=df.index)  # noqa: E712 (NaN counts as False)
        rows = df[keep]
        langs = [lang if isinstance(lang, str) else None for lang in rows["lang"]]
        texts = rows["text"].tolist()
        maybe = self.may_fire(texts, langs)
        for seg_id, start, text, lang, worth in zip(rows["segment_id"], rows["start"], texts, langs, maybe):
            if worth:
                out.extend(self.code_text(str(seg_id), int(start), text, lang))
        return applications_frame(out)

    def may_fire(self, texts: list[str], langs: list[str | None]) -> list[bool]:
        """False for each text that certainly gets no code; True where `code_text` must look.

        A Chinese text can only be coded if some keyword, exclusion term or pattern literal
        occurs in it, so one Aho-Corasick pass over all Chinese texts of the batch (joined by
        NUL, which no term contains) rules out most of them at the cost of a bare keyword scan.
        English texts match on lemmas ('went' for 'go'), so they always get the full check.
        """
        maybe = [lang != "zh" for lang in langs]
        if self._zh_prefilter is None:
            if self._patterns["zh"].always:
                return [True] * len(texts)
            return maybe
        zh = [i for i, lang in enumerate(langs) if lang == "zh" and isinstance(texts[i], str) and texts[i]]
        if not zh:
            return maybe
        joined = "\x00".join(texts[i] for i in zh)
        low = lower_preserving(_zh_text(joined))
        starts = np.cumsum([0] + [len(texts[i]) + 1 for i in zh[:-1]])
        ends = np.fromiter((last for last, _ in self._zh_prefilter.iter(low)), dtype=np.int64)
        for k in np.unique(np.searchsorted(starts, ends, side="right") - 1).tolist():
            maybe[zh[k]] = True
        return maybe

    def code_text(self, segment_id: str, offset: int, text: str, lang: str | None = None) -> list[CodeApplication]:
        """Code one text; `offset` is where it starts in its document (0 for a bare text)."""
        return self._code(segment_id, offset, text, lang)[0]

    def vetoed(self, text: str, lang: str | None = None) -> set[str]:
        """Ids of the codes whose cues occur in `text` but that the rules decided against.

        An exclusion, a negation, a conceded clause or a negated evaluation took every hit away:
        the text mentions the code's subject and says it is not the case. Other coders (the
        semantic layer, which sees topic, not stance) use it to drop the same code.
        """
        return self._code("", 0, text, lang)[1]

    def _code(self, segment_id: str, offset: int, text: str, lang: str | None) -> tuple[list[CodeApplication], set[str]]:
        if not isinstance(text, str) or not text:   # NaN from a DataFrame, or an empty answer
            return [], set()
        if lang not in ("zh", "en"):
            lang = detect_lang(text)
        norm = _checked_normalize(text)
        if lang == "zh":
            norm = _zh_text(text, norm)
        hits, excluded, negated = self._zh_hits(norm) if lang == "zh" else self._en_hits(norm)
        low = lower_preserving(norm)
        conceded = None
        flipped: dict[int, list[Hit]] = {}
        for i in sorted(hits):
            if i in excluded:
                continue
            found = hits[i]
            evaluative = self._evaluation is not None and self._evaluation.is_eval[i]
            if self._negatable[i] and negated is not None:
                found = [h for h in found if not negated(h, self._absence[i])]
            if found and self.concession is not None and (self._negatable[i] or evaluative):
                # "尽管停车还算方便，可是…", "used to be terrible, now…": granted away (coding/concession.py)
                conceded = self.concession.conceded(low, lang) if conceded is None else conceded
                found = [h for h in found if not any(a <= h[0] < b for a, b in conceded)]
            if found and self.proposal is not None and self._kinds[i] == "recommendation":
                # "我在中心做志愿者三年了" is no proposal to recruit volunteers (coding/concession.py)
                clauses = self.concession.clauses(low, lang) if self.concession is not None else [(0, len(low))]
                found = [h for h in found if not self._not_proposed(low, clauses, h, lang)]
            if evaluative and not self._negatable[i]:
                kept = []
                for h in found:   # "不能说满意": not this code, maybe its opposite
                    cue = self._evaluation.cue_before(low, h[0], lang)
                    if cue is None:
                        kept.append(h)
                    elif i in self._evaluation.opposite:
                        flipped.setdefault(self._evaluation.opposite[i], []).append(
                            (cue, h[1], f"not {h[2]}", False, h[4], h[5]))
                found = kept
            hits[i] = found
        for j, extra in flipped.items():
            hits[j] = (hits.get(j, []) if j not in excluded else []) + extra
        out, vetoed = [], {self._code_ids[i] for i in excluded}
        for i in sorted(hits):
            if i in excluded and i not in flipped:
                continue
            app = self._application(segment_id, offset, text, i, hits[i])
            if app is not None:
                out.append(app)
            else:
                vetoed.add(self._code_ids[i])
        return out, vetoed - {a.code_id for a in out}

    def _not_proposed(self, low: str, clauses: list[tuple[int, int]], hit: Hit, lang: str) -> bool:
        for a, b in clauses:
            if a <= hit[0] < b:
                return self.proposal.not_proposed(low[a:b], hit[0] - a, min(hit[1], b) - a, lang)
        return False

    # ------------------------------------------------------------------ matching
    def _zh_hits(self, norm: str):
        low = lower_preserving(norm)
        hits: dict[int, list[Hit]] = {}
        excluded: set[int] = set()
        keyword_spans: list[tuple[int, int]] = []
        if self._zh_automaton is not None:
            for last, (key_len, payloads) in self._zh_automaton.iter(low):
                start, end = last - key_len + 1, last + 1
                for i, is_excl, term, word_start in payloads:
                    if word_start:
                        if start and low[start - 1].isascii() and low[start - 1].isalnum():
                            continue
                        while low[end - 1].isascii() and low[end - 1].isalpha() and end < len(low) \
                                and low[end].isascii() and low[end].isalpha():
                            end += 1   # evidence shows the whole word: 'Volunteers', not 'Volunteer'
                    if is_excl:
                        excluded.add(i)
                    else:
                        hits.setdefault(i, []).append((start, end, term, True, 0, 0))
                        keyword_spans.append((start, end))
        self._patterns["zh"].find(norm, low, hits, excluded)
        neg = self._zh_negation
        if neg is None:
            return hits, excluded, None
        return hits, excluded, _Lazy(lambda: neg.scope(norm, keyword_spans), lambda sc, h, a: sc.negated(h[0], h[1], a))

    def _en_state(self) -> tuple[Any, EnNegation | None]:
        if self._en is None:
            entries = []
            for i, code in enumerate(self.codebook.codes):
                for is_excl, terms in ((False, code.keywords), (True, code.exclude)):
                    for term in terms.en:
                        entries.append((self.lemmatizer.phrase(_checked_normalize(term.strip())), (i, is_excl, term)))
            neg = EnNegation(self.negation, self.lemmatizer) if self.negation is not None else None
            self._en = (phrase_automaton(entries), neg)
        return self._en

    def _en_hits(self, norm: str):
        automaton, neg = self._en_state()
        low = lower_preserving(norm)
        seq = self.lemmatizer.sequence(low)
        hits: dict[int, list[Hit]] = {}
        excluded: set[int] = set()
        keyword_tokens: list[tuple[int, int]] = []
        if automaton is not None:
            tokens = seq.tokens
            for a, b, payloads in seq.find(automaton):
                for i, is_excl, term in payloads:
                    if is_excl:
                        excluded.add(i)
                    else:
                        hits.setdefault(i, []).append((tokens[a][1], tokens[b][2], term, True, a, b))
                        keyword_tokens.append((a, b))
        self._patterns["en"].find(norm, low, hits, excluded)
        if neg is None or not seq.tokens:
            return hits, excluded, None
        starts, ends = [t[1] for t in seq.tokens], [t[2] for t in seq.tokens]
        for i, found in hits.items():   # pattern hits get the tokens they cover, for negation
            hits[i] = [h if h[3] else (*h[:4], *_token_span(starts, ends, h[0], h[1])) for h in found]
        return hits, excluded, _Lazy(lambda: neg.scope(seq, low, keyword_tokens), lambda sc, h, a: sc.negated(h[4], h[5], a))

    # ------------------------------------------------------------------ scoring
    def _application(self, segment_id: str, offset: int, text: str, i: int, found: list[Hit]) -> CodeApplication | None:
        if not found:
            return None
        kept: list[Hit] = found
        if len(found) > 1:   # overlapping hits count once: leftmost, then longest, keyword first
            kept = []
            for hit in sorted(found, key=lambda h: (h[0], h[0] - h[1], not h[3])):
                if not kept or hit[0] >= kept[-1][1]:
                    kept.append(hit)
        first = kept[0]
        base = KEYWORD_SCORE if any(h[3] for h in kept) else PATTERN_SCORE
        score = round(min(1.0, base + EXTRA_HIT_BONUS * (len(kept) - 1)), 4)
        start, end = first[0], first[1]
        return CodeApplication(segment_id=segment_id, code_id=self._code_ids[i], source=SOURCE,
                               start=offset + start, end=offset + end, evidence=text[start:end],
                               score=score, matched=first[2], hits=len(kept))


class _Lazy:
    """A negation check whose per-segment scope is built on first use (most segments never need it)."""

    __slots__ = ("build", "check", "scope")

    def __init__(self, build, check):
        self.build, self.check, self.scope = build, check, None

    def __call__(self, hit: Hit, absence: str | None = None) -> bool:
        if self.scope is None:
            self.scope = self.build()
        return self.check(self.scope, hit, absence)


def _token_span(starts: list[int], ends: list[int], start: int, end: int) -> tuple[int, int]:
    """Indices of the first and last token overlapping text[start:end]."""
    first = max(0, min(bisect_right(starts, start) - 1, len(starts) - 1))
    if ends[first] <= start and first + 1 < len(starts):
        first += 1
    # the last token starting before the hit's end: a hit ending in a gap ('queue ') stops at its own word
    last = max(first, bisect_left(starts, end) - 1)
    return first, last
