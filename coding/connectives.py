"""Causal connectives: find the words that say "this because of that" between two evidence spans.

The default lists are the issue's (因为, 由于, 导致, 造成, 所以; because, due to, caused by, so that,
lead to) with the English verbs' inflections (leads/led/leading to). Chinese connectives are
plain substrings (Chinese has no word boundaries); English ones must stand as whole words,
case-insensitively. Both lists are searched in every text: Chinese answers quote English and
the other way round.

The rule that decides whether a connective *joins* two spans is `joining_connective`'s.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ZH_CAUSAL: tuple[str, ...] = ("因为", "由于", "导致", "造成", "所以")
EN_CAUSAL: tuple[str, ...] = ("because", "due to", "caused by", "so that", "lead to")

# English verbs whose inflected forms count as the same connective.
_EN_INFLECTIONS = {"lead": "(?:lead|leads|led|leading)", "cause": "(?:cause|causes|caused|causing)"}

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class ConnectiveHit:
    """One connective found in a text: the list entry it matched and where (text offsets)."""

    connective: str
    start: int
    end: int


class CausalConnectives:
    """Finds causal connectives in text; construct with other lists to change what counts."""

    def __init__(self, zh: tuple[str, ...] = ZH_CAUSAL, en: tuple[str, ...] = EN_CAUSAL):
        self.zh = tuple(zh)
        self.en = tuple(en)
        parts = [re.escape(term) for term in sorted(self.zh, key=len, reverse=True)]
        en_parts = []
        for term in sorted(self.en, key=len, reverse=True):
            words = [_EN_INFLECTIONS.get(w, re.escape(w)) for w in term.lower().split()]
            en_parts.append(r"\b" + r"\s+".join(words) + r"\b")
        self._names = [*sorted(self.zh, key=len, reverse=True), *sorted(self.en, key=len, reverse=True)]
        alternatives = [f"({p})" for p in parts + en_parts]
        self._regex = re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None

    def find(self, text: str) -> list[ConnectiveHit]:
        """Every connective in `text`, left to right (overlaps resolved leftmost-longest)."""
        if self._regex is None:
            return []
        hits = []
        for match in self._regex.finditer(text):
            index = match.lastindex - 1 if match.lastindex else 0
            hits.append(ConnectiveHit(self._names[index], match.start(), match.end()))
        return hits


def _overlaps(hit: ConnectiveHit, span: Span) -> bool:
    return hit.start < span[1] and span[0] < hit.end


def joining_connective(hits: list[ConnectiveHit], first: Span, second: Span) -> ConnectiveHit | None:
    """The connective that joins two evidence spans of ONE text, or None.

    Accepted: a connective that lies outside both spans and before the end of the later one —
    between them ("排队很久，因为人手不够"; "queues are long because of staffing") or leading
    the sentence ("由于经费不足，人手不够"; "Because funding is short, the queues are long"). A
    connective after both spans speaks about something else and is not counted.
    """
    later_end = max(first[1], second[1])
    for hit in hits:
        if hit.end <= later_end and not _overlaps(hit, first) and not _overlaps(hit, second):
            return hit
    return None


def joining_connective_across(first_hits: list[ConnectiveHit], first_span: Span, first_len: int,
                              second_hits: list[ConnectiveHit], second_span: Span) -> ConnectiveHit | None:
    """The connective joining evidence in one text to evidence in the NEXT text of the same turn.

    Accepted: a connective in the second text before its evidence ("…排长队。因为只开一个窗口。",
    "…long queues. That is because …"), or in the first text after its evidence ("…understaffed,
    so that …" continuing into the next sentence). `first_len` is the first text's length.
    """
    for hit in second_hits:
        if hit.end <= second_span[0]:
            return hit
    for hit in first_hits:
        if hit.start >= first_span[1] and hit.end <= first_len:
            return hit
    return None


def joining_connective_in_turn(first_hits: list[ConnectiveHit], first_span: Span, first_len: int,
                               between_hits: list[ConnectiveHit], second_hits: list[ConnectiveHit],
                               second_span: Span) -> ConnectiveHit | None:
    """The connective joining evidence in one sentence to evidence in a LATER sentence of the same turn.

    As `joining_connective_across`, and also a connective in any sentence between the two
    ("排队要等一个钟头。窗口只开一个。因为人手不够。" joins the queue to the staffing across the
    middle sentence). `between_hits` are the connectives of the sentences in between, in order.
    """
    hit = joining_connective_across(first_hits, first_span, first_len, second_hits, second_span)
    if hit is not None:
        return hit
    return between_hits[0] if between_hits else None
