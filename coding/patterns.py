"""Codebook regular expressions that cannot hang a run: matching with a timeout, and a check for
catastrophic shapes.

Rule coding (`coding.rules`) matches patterns through `PatternSet`: the `regex` engine with a
per-segment timeout behind an Aho-Corasick prefilter, so no pattern can hang a run. `codebook
check` goes further and refuses the usual cause of catastrophic backtracking before anything runs:
a repetition inside another unbounded repetition, such as `(a+)+$` or `(\\w+\\s?)+$`, which on a
non-matching answer tries exponentially many ways to split it (issue #17).
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import regex

from qualmine.corpus.tokens import phrase_automaton

if TYPE_CHECKING:
    from qualmine.coding.codebook import Codebook

# A hit: (start, end, matched, is_keyword, first_token, last_token); tokens only for English.
Hit = tuple[int, int, str, bool, int, int]

# Seconds one codebook pattern may spend on one segment. Ordinary patterns take microseconds; the
# `regex` engine checks this clock while it backtracks, so a catastrophic pattern fails the run with
# its code id instead of hanging it (issue #17). The check is coarse: it fires within a few times this.
PATTERN_TIMEOUT = 1.0


class PatternTimeout(ValueError):
    """A codebook pattern took longer than PATTERN_TIMEOUT on one segment (catastrophic backtracking)."""



def nested_quantifier(pattern: str) -> str | None:
    """Why `pattern` can backtrack catastrophically (a variable repetition inside an unbounded one), or None.

    Walks the pattern as Python's `re` parses it. Fixed counts such as `(ab){3}` and a lone `x?`
    inside a repetition are fine; anything that can repeat a variable number of times inside an
    unbounded repetition is flagged. Patterns `re` cannot parse return None (compile errors are
    reported separately).
    """
    try:
        from re import _constants as C, _parser as P   # private: hence the broad fallback
        parsed = P.parse(pattern)
    except Exception:
        return None
    repeats = (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT))

    def variable(av: Any) -> bool:
        low, high = av[0], av[1]
        return high != low and (high is C.MAXREPEAT or high > 1)

    def inner(items) -> bool:
        for op, av in items:
            if op in repeats and variable(av):
                return True
            if op is C.SUBPATTERN and inner(av[3]):
                return True
            if op is C.BRANCH and any(inner(branch) for branch in av[1]):
                return True
            if op in (C.ASSERT, C.ASSERT_NOT) and inner(av[1]):
                return True
            if op in repeats and inner(av[2]):
                return True
        return False

    def walk(items) -> str | None:
        for op, av in items:
            if op in repeats:
                if av[1] is C.MAXREPEAT and inner(av[2]):
                    return "a repetition inside an unbounded repetition (like (a+)+ or (\\w+\\s?)+)"
                found = walk(av[2])
            elif op is C.SUBPATTERN:
                found = walk(av[3])
            elif op is C.BRANCH:
                found = next((f for f in (walk(b) for b in av[1]) if f), None)
            elif op in (C.ASSERT, C.ASSERT_NOT):
                found = walk(av[1])
            else:
                found = None
            if found:
                return found
        return None

    return walk(parsed)


def compile_error(pattern: str) -> str | None:
    """Why the rule coder cannot compile `pattern` (`re` syntax, matched by `regex`), or None."""
    import re

    import regex

    try:
        re.compile(pattern)
        regex.compile(pattern, regex.IGNORECASE | regex.VERSION0)
    except (re.error, regex.error) as exc:
        return str(exc)
    return None


class PatternSet:
    """One language's codebook patterns behind an Aho-Corasick prefilter.

    Python's `re` costs ~1 us per pattern per segment even when nothing matches; most patterns
    need one of a few literal strings ('(流程|手续).{0,4}(复杂|麻烦)' needs 流程 or 手续), so one
    automaton scan of the lower-cased text picks the few patterns worth running. Patterns with
    no extractable literal run on every segment.
    """

    def __init__(self, codebook: Codebook, lang: str):
        # `regex` (VERSION0 = the `re` syntax) because its matching takes a timeout; `re` cannot be stopped.
        self.patterns = [(i, regex.compile(p, regex.IGNORECASE | regex.VERSION0), p)
                         for i, code in enumerate(codebook.codes) for p in code.patterns.for_lang(lang)]
        self.code_ids = [code.id for code in codebook.codes]
        needs = [required_literals(p) for _, _, p in self.patterns]
        self.always = [k for k, lits in enumerate(needs) if lits is None]
        self.literals: set[str] = {lit for lits in needs if lits for lit in lits}
        self.trigger = phrase_automaton((lit, k) for k, lits in enumerate(needs) if lits for lit in lits)

    def find(self, norm: str, low: str, hits: dict[int, list[Hit]], excluded: set[int]) -> None:
        todo = set(self.always)
        if self.trigger is not None:
            for _, (_, ks) in self.trigger.iter(low):
                todo.update(ks)
        for k in sorted(todo):
            i, rx, source = self.patterns[k]
            if i in excluded:
                continue
            try:
                for m in rx.finditer(norm, timeout=PATTERN_TIMEOUT):
                    if m.end() > m.start():   # a pattern that can match '' must not code everything
                        hits.setdefault(i, []).append((m.start(), m.end(), source, False, 0, 0))
            except TimeoutError:
                raise PatternTimeout(
                    f"code {self.code_ids[i]}: pattern {source!r} took more than {PATTERN_TIMEOUT:g} s on one "
                    f"segment ({len(norm)} characters): it backtracks catastrophically (e.g. a repeated group "
                    f"inside another repetition, (a+)+); rewrite it (`qualmine codebook check` points at such "
                    f"patterns)") from None


MAX_ALTERNATIVES = 64


def required_literals(pattern: str) -> set[str] | None:
    """Lower-cased strings one of which every match of `pattern` contains; None if unknown.

    Walks the parsed regex: runs of consecutive elements that match a small finite set of exact
    strings (literals, [两三], (a|b), x?) are multiplied out; anything else ends a run. The run
    whose shortest string is longest wins. Zero-width items (lookarounds, \\b) do not end a run.
    """
    try:
        from re import _constants as C, _parser as P   # private, hence the broad fallback
        seq = P.parse(pattern)
    except Exception:
        return None

    def exact(items) -> set[str] | None:
        out = {""}
        for item in items:
            one = exact_item(item)
            if one is None:
                return None
            out = {a + b for a in out for b in one}
            if len(out) > MAX_ALTERNATIVES:
                return None
        return out

    def exact_item(item) -> set[str] | None:
        op, av = item
        if op is C.LITERAL:
            return {chr(av).lower()}
        if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
            return {""}
        if op is C.SUBPATTERN:
            return exact(av[3]) if not (av[1] or av[2]) else None
        if op is C.BRANCH:
            alts = [exact(branch) for branch in av[1]]
            return None if any(a is None for a in alts) else set().union(*alts)
        if op is C.IN and all(o is C.LITERAL for o, _ in av):
            return {chr(c).lower() for _, c in av}
        if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[1] <= 2:
            body = exact(av[2])
            if body is None:
                return None
            out, power = set(), {""}
            for n in range(av[1] + 1):
                if n >= av[0]:
                    out |= power
                power = {a + b for a in power for b in body}
            return out if len(out) <= MAX_ALTERNATIVES else None
        return None

    runs, run = [], {""}
    for item in seq:
        one = exact_item(item)
        if one is not None and len(run) * len(one) <= MAX_ALTERNATIVES:
            run = {a + b for a in run for b in one}
            continue
        runs.append(run)
        run = {""}
        op, av = item
        if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] >= 1:
            run = exact(av[2]) or {""}   # x+ starts with one x: the next run may begin with it
    runs.append(run)
    best = max(runs, key=lambda r: min(map(len, r)))
    return best if min(map(len, best)) > 0 else None
