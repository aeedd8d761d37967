"""Sentence-sized segment spans, and turning spans into `Segment` records.

Splitting never copies or rewrites text: it returns (start, end) offsets into the document,
so `document.text[start:end] == segment.text` holds by construction.

Break points:
- Chinese sentence ends 。！？； (full-width) always end a sentence;
- '!' '?' end a sentence before whitespace/end of text, or next to a Chinese character;
  a half-width ';' only next to Chinese (in English it joins clauses);
- '.' ends a sentence before whitespace/end, except after an abbreviation ("Mr.", "e.g."),
  a single initial ("J. Smith") or in an ellipsis ("well... yes"); decimals never qualify
  because no space follows the point;
- a newline ends a paragraph, except a hard-wrapped English line (the next line starting with
  a lower-case letter right after a letter, digit or comma);
- a piece longer than `max_chars` is cut after the last comma, or at the last space, before
  the cap, else hard at the cap.
"""
from __future__ import annotations

import re

from qualmine.corpus.lang import detect_lang, is_cjk
from qualmine.corpus.records import Segment, make_segment_id, new_segment

_ZH_ENDS = "。！？；"                      # always final (the full-width forms)
_LATIN_ENDS = "!?"
_CLOSERS = "\"'”’」』）)]》〉】"             # closing quotes/brackets stay with their sentence
_COMMAS = "，,、；;：:"
_ABBREVIATIONS = frozenset(
    # "etc." is deliberately absent: it very often ends a sentence, so splitting is the lesser evil
    "mr mrs ms dr prof sr jr st vs al e.g i.e cf approx no nos fig figs inc ltd co corp "
    "jan feb mar apr jun jul aug sep sept oct nov dec dept est govt misc vol pp ph.d u.s a.m p.m"
    .split()
)
_WORD = re.compile(r"\w")
_BREAK_CANDIDATES = re.compile("[\n" + re.escape(_ZH_ENDS + _LATIN_ENDS) + ";.]")


def sentence_spans(text: str, start: int = 0, end: int | None = None, *, max_chars: int = 300) -> list[tuple[int, int]]:
    """Split `text[start:end]` into sentence-sized spans (offsets into `text`).

    Spans exclude leading/trailing whitespace; pieces without any letter, digit or ideograph
    (a stray "……" or "-") are dropped because there is nothing in them to code.
    """
    if max_chars < 10:
        raise ValueError(f"max_chars must be at least 10, got {max_chars}")
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    for s, e in _raw_pieces(text, start, end):
        s, e = _strip(text, s, e)
        if s < e and _WORD.search(text, s, e):
            if e - s > max_chars:
                spans.extend(_cap(text, s, e, max_chars))
            else:
                spans.append((s, e))   # what _cap returns for a stripped piece that fits
    return spans


UNITS = ("auto", "answer", "sentence", "turn")


def unit_spans(text: str, start: int = 0, end: int | None = None, *, unit: str = "sentence",
               max_chars: int = 300) -> list[tuple[int, int]]:
    """The coding units of `text[start:end]`: sentences (`sentence_spans`), or the whole piece.

    unit 'sentence': sentence-sized spans. 'answer' / 'turn': the whole survey answer or speaker
    turn as one span (whitespace stripped), cut at sentence ends only when it is longer than
    `max_chars`. ('auto' is resolved by the caller: answers for surveys, sentences for transcripts.)
    """
    if unit not in ("answer", "sentence", "turn"):
        raise ValueError(f"unit must be one of answer, sentence, turn; got {unit!r}")
    if unit == "sentence":
        return sentence_spans(text, start, end, max_chars=max_chars)
    end = len(text) if end is None else end
    s, e = _strip(text, start, end)
    if s < e and e - s <= max_chars and _WORD.search(text, s, e):
        return [(s, e)]
    return sentence_spans(text, start, end, max_chars=max_chars)


def _raw_pieces(text: str, start: int, end: int):
    piece_start = i = start
    while i < end:
        # Jump to the next character that can end a piece: every other character only advances
        # i by one below, so skipping them in C gives the same pieces several times faster.
        found = _BREAK_CANDIDATES.search(text, i, end)
        if found is None:
            break
        i = found.start()
        ch = text[i]
        cut = None                       # offset just after the sentence end, if one is here
        if ch == "\n":
            if not _is_wrapped_line(text, i, end):
                yield piece_start, i
                piece_start = i + 1
            i += 1
            continue
        if ch == ";":
            if i > start and is_cjk(text[i - 1]):
                cut = _after_run(text, i, end)
        else:
            # A run of marks ("?!", "...", "。") with its closing quotes: one decision for the run, the
            # one its marks give read one by one (which rescans the run per mark: quadratic on a
            # hostile "!!!!!"), so a '？' or '。' after "..." still ends the sentence.
            j = _after_run(text, i, end)
            if _run_ends_sentence(text, i, j, start, end):
                cut = j
            else:
                i = j
                continue
        if cut is not None:
            yield piece_start, cut
            piece_start = i = cut
        else:
            i += 1
    yield piece_start, end


def _after_run(text: str, i: int, end: int) -> int:
    """Index after the punctuation run at i ('？！', '!!!', '...') and any closing quotes."""
    j = i + 1
    while j < end and text[j] in _ZH_ENDS + _LATIN_ENDS + ".":
        j += 1
    while j < end and text[j] in _CLOSERS:
        j += 1
    return j


def _run_ends_sentence(text: str, i: int, j: int, start: int, end: int) -> bool:
    """Does the run of marks at i (closing quotes included, up to j) end a sentence?

    A full-width mark anywhere in it does; a '!' or '?' before whitespace, the end or a Chinese
    character, or (the run's first mark) right after a Chinese character; a first '.' that is a
    full stop before whitespace or the end. The later dots add nothing: one after a dot is part of
    an ellipsis, one after '!' '?' ends only where that mark already does.
    """
    run = text[i:j]
    if any(c in _ZH_ENDS for c in run):
        return True
    open_after = j >= end or text[j].isspace()
    if any(c in _LATIN_ENDS for c in run) and (open_after or is_cjk(text[j])):
        return True
    if text[i] in _LATIN_ENDS:
        return i > start and is_cjk(text[i - 1])
    return open_after and _is_full_stop(text, i, start)


def _is_full_stop(text: str, i: int, start: int) -> bool:
    """Is the '.' at i a sentence end (not an abbreviation, initial or ellipsis)?"""
    if (i > start and text[i - 1] == ".") or (i + 1 < len(text) and text[i + 1] == "."):
        return False                     # part of "..." — a pause, not an end
    k = i
    while k > start and (text[k - 1].isalpha() or text[k - 1] == "."):
        k -= 1
    word = text[k:i]
    if not word:
        return True
    if len(word) == 1 and word.isupper() and word.isascii():
        return False                     # an initial: "J. Smith"
    return word.casefold() not in _ABBREVIATIONS


def _is_wrapped_line(text: str, i: int, end: int) -> bool:
    """Is the newline at i a hard wrap inside an English paragraph (not a paragraph break)?"""
    before = i - 1
    while before >= 0 and text[before] in " \t\r":
        before -= 1
    after = i + 1
    if after >= end or before < 0:
        return False
    prev, nxt = text[before], text[after]
    return (prev.isascii() and (prev.isalnum() or prev == ",")) and nxt.isascii() and nxt.islower()


def _strip(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _cap(text: str, s: int, e: int, max_chars: int) -> list[tuple[int, int]]:
    """Cut [s, e) into pieces of at most max_chars, preferring commas, then spaces."""
    out: list[tuple[int, int]] = []
    while e - s > max_chars:
        window = text[s:s + max_chars]
        cut = next((k + 1 for k in range(len(window) - 1, 0, -1) if window[k] in _COMMAS), None)
        if cut is None:
            cut = next((k for k in range(len(window) - 1, 0, -1) if window[k].isspace()), max_chars)
        a, b = _strip(text, s, s + cut)
        if a < b:
            out.append((a, b))
        s, e = _strip(text, s + cut, e)
    if s < e:
        out.append((s, e))
    return out


def build_segments(
    doc_id: str,
    text: str,
    spans: list[tuple[int, int]],
    *,
    respondent_id: str,
    speaker: str,
    is_interviewer: bool,
    turn: int,
    question: str | None,
    default_lang: str,
    occurrences: dict[str, int],
    first_position: int,
    lang: str | None = None,
) -> list[Segment]:
    """Make Segment records for `spans` of one document.

    `occurrences` counts segment texts already seen in this document (shared across turns, so
    the same answer "对。" twice in one interview gets two distinct, stable ids); a Counter or a
    plain dict. `lang`, when given, is every segment's language: the caller knows that
    `detect_lang(piece, default=default_lang)` gives it for each piece (corpus.lang.text_lang),
    which saves detecting it segment by segment.
    """
    segments = []
    get = occurrences.get   # .get, not [], so a Counter's Python-level __missing__ is not called
    for n, (s, e) in enumerate(spans, start=first_position):
        piece = text[s:e]
        occ = get(piece, 0)
        occurrences[piece] = occ + 1
        segments.append(new_segment(   # Segment(...)'s fields in order, built faster
            make_segment_id(doc_id, piece, occ), doc_id, respondent_id, speaker, is_interviewer,
            lang if lang is not None else detect_lang(piece, default=default_lang),
            s, e, piece, n, turn, question))
    return segments
