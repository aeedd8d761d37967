"""Codebook regular expressions that cannot hang a run: a check for catastrophic shapes.

Rule coding matches patterns with the `regex` engine and a per-segment timeout (`coding.rules`),
so no pattern can hang a run. `codebook check` goes further and refuses the usual cause of
catastrophic backtracking before anything runs: a repetition inside another unbounded repetition,
such as `(a+)+$` or `(\\w+\\s?)+$`, which on a non-matching answer tries exponentially many ways to
split it (issue #17).
"""
from __future__ import annotations

from typing import Any


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
