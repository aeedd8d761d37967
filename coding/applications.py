"""`CodeApplication`: one code applied to one segment, by any source (rules, model, topic, coder).

Offsets index the DOCUMENT text, so applications from different sources (and coders' own
highlights) can be compared and shown in context without knowing how segments were cut.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from operator import attrgetter
from typing import Iterable

import pandas as pd


@dataclass(frozen=True, slots=True)
class CodeApplication:
    """One (segment, code) decision with the evidence span that supports it."""

    segment_id: str
    code_id: str
    source: str      # 'rule', later 'model', 'topic', 'coder'
    start: int       # offsets into the document text (segment.start + local offset)
    end: int
    evidence: str    # == document.text[start:end]
    score: float     # 0..1
    matched: str     # the keyword or pattern that fired
    hits: int = 1    # how many times this code's terms fired in the segment (evidence = first hit)


CODE_APPLICATION_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(CodeApplication))


def applications_frame(apps: Iterable[CodeApplication]) -> pd.DataFrame:
    """A DataFrame with one row per application and columns in `CodeApplication` field order.

    An empty input still gets all columns (with their dtypes), so downstream code can filter
    and join without special cases.
    """
    # Every field is a plain str/int/float, so reading the attributes gives what astuple's
    # deep copy gave, without its per-field recursion (~20x slower).
    rows = list(map(_FIELDS, apps))
    frame = pd.DataFrame.from_records(rows, columns=list(CODE_APPLICATION_COLUMNS))
    return frame.astype(_DTYPES)


_FIELDS = attrgetter(*CODE_APPLICATION_COLUMNS)
_DTYPES = {**{c: "str" for c in ("segment_id", "code_id", "source", "evidence", "matched")},
           "start": "int64", "end": "int64", "score": "float64", "hits": "int64"}
