"""A survey's columns: which one is the respondent id, which are open questions, which attributes.

One decision for both survey readers: `read_survey` (the whole table in memory) and the chunked
reader's first pass (corpus/chunked.py, corpus/survey_stream.py), which never holds the rows.
What manifest.yaml leaves out is guessed from every row through a `ColumnGuesser`: rows go in
with `add(cells)`, the guesses come out of `id_column()` and `is_open(column)`. It keeps, per
column it guesses about, a few counts and 64-bit hashes of the distinct values (8 bytes a
distinct value, never the values), so a million answers are guessed about in bounded memory.
`survey_columns` then applies the manifest, the guesses and every whole-file rejection in the
order `read_survey` always has, and words the notes ("guessed id column ...; open questions:
...; attributes: ...") once, for both readers.

Distinct values are counted by their 64-bit hashes (pandas' `hash_array`, a fixed SipHash key,
so the same on every run and in every process). Two different values collide with probability
2**-64 a pair (about 3e-8 for a column of a million distinct values), and only a collision that
tips a ratio across its threshold would change a guess; both readers share it either way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from qualmine.corpus.errors import Rejected
from qualmine.corpus.manifest import FileEntry

# Header names (lower-cased, without spaces/_/-) taken as the respondent id, best first.
_ID_NAMES = (
    "respondentid", "respondent", "id", "编号", "序号", "受访者编号", "问卷编号", "答卷编号",
    "样本编号", "participantid", "participant", "responseid", "userid", "用户id", "答卷id",
)
_NUMERIC_LIKE = re.compile(r"[\d\s.,:/\-+%年月日时分秒]+")
_BATCH = 4096                  # rows buffered before their columns are counted (bounded memory)
# corpus.lang.is_cjk's code point ranges (tests/perf/test_column_guessing.py holds them equal).
_CJK_BLOCKS = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))


def cjk_total(text: str) -> int:
    """sum(map(is_cjk, text)), on all code points at once (10x faster than a regex on long text)."""
    if text.isascii():
        return 0
    points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    inside = np.zeros(len(points), dtype=bool)
    for low, high in _CJK_BLOCKS:
        inside |= (points >= low) & (points <= high)
    return int(np.count_nonzero(inside))


def ranked_id_columns(header: list[str]) -> list[str]:
    """Columns named like an id (id, respondent_id, 编号, 序号 ...), best first."""
    def key(name: str) -> str:
        return re.sub(r"[\s_\-]", "", name).lower()

    ranked = [c for n in _ID_NAMES for c in header if key(c) == n]
    return ranked + [c for c in header if c not in ranked and (key(c).endswith("id") or "编号" in c)]


class _DistinctCount:
    """How many distinct strings were added, by their 64-bit hashes (see the module docstring)."""

    def __init__(self) -> None:
        self._parts: list[np.ndarray] = []
        self._merged = 0           # size of the deduplicated part at the front
        self._pending = 0

    def add(self, values: list[str]) -> None:
        if not values:
            return
        from pandas.util import hash_array   # pandas is loaded by the corpus stage anyway

        self._parts.append(hash_array(np.asarray(values, dtype=object), categorize=False))
        self._pending += len(values)
        if self._pending > max(1 << 16, self._merged):   # merge now and then: ~8 bytes a distinct value
            self._merge()

    def _merge(self) -> None:
        if self._pending:
            hashes = np.sort(np.concatenate(self._parts))    # sort + neighbours: ~10x np.unique's speed
            keep = np.empty(len(hashes), dtype=bool)
            keep[:1] = True
            np.not_equal(hashes[1:], hashes[:-1], out=keep[1:])
            self._parts = [hashes[keep]]
        self._merged = len(self._parts[0]) if self._parts else 0
        self._pending = 0

    def count(self) -> int:
        self._merge()
        return self._merged


class _IdStats:
    """An id candidate: every value non-empty and no value twice (what a respondent id needs)."""

    def __init__(self) -> None:
        self.rows = 0
        self.distinct: _DistinctCount | None = _DistinctCount()   # None once a value is empty

    def add(self, values: list[str]) -> None:
        self.rows += len(values)
        if self.distinct is not None:
            if all(values):
                self.distinct.add(values)
            else:
                self.distinct = None

    def unique(self) -> bool:
        return self.distinct is not None and self.distinct.count() == self.rows


class _OpenStats:
    """An open-question candidate: its non-empty values' count, numeric count, weighted length, distinct."""

    def __init__(self) -> None:
        self.values = self.numeric = self.weight = 0
        self.distinct = _DistinctCount()

    def add(self, values: list[str]) -> None:
        kept = [v for v in values if v and (len(v) != 3 or v.lower() != "nan")]
        self.values += len(kept)
        self.numeric += len(list(filter(None, map(_NUMERIC_LIKE.fullmatch, kept))))
        joined = "".join(kept)
        self.weight += len(joined) + cjk_total(joined)     # Chinese characters count double
        self.distinct.add(kept)

    def looks_open(self) -> bool:
        """Free-text answers: non-empty values mostly long and varied, not numbers or dates.

        Length is counted with Chinese characters double (4 characters of Chinese say about as
        much as 8 Latin ones), threshold 8; more than half the values must be distinct.
        """
        n = self.values
        if not n or self.numeric >= 0.8 * n:
            return False
        return self.weight / n >= 8 and self.distinct.count() / n > 0.5


class ColumnGuesser:
    """Streaming guesses about a survey's columns: `add(cells)` for every data row, then ask.

    `id_candidates` are the id-like columns, best first (`ranked_id_columns`); the guessed id
    is the first one whose values are all non-empty and unique, else the first one, else None
    (respondents are then numbered by row). `open_candidates` are the columns `is_open` may be
    asked about. Rows are buffered `_BATCH` at a time and counted column by column.
    """

    def __init__(self, header: list[str], id_candidates: list[str] = (), open_candidates: list[str] = ()) -> None:
        self.ranked = list(id_candidates)
        self._ids = {c: (header.index(c), _IdStats()) for c in self.ranked}
        self._open = {c: (header.index(c), _OpenStats()) for c in open_candidates}
        self._batch: list[list[str]] = []
        self._active = bool(self._ids or self._open)

    @classmethod
    def for_entry(cls, header: list[str], entry: FileEntry) -> "ColumnGuesser":
        """A guesser for what `entry` (the file's manifest entry, possibly empty) leaves open."""
        ids = ranked_id_columns(header) if entry.id_column is None else []
        opens = []
        if entry.open_columns is None:
            attrs = entry.attribute_columns or ()
            opens = [c for c in header if c != entry.id_column and c not in attrs]
        return cls(header, ids, opens)

    def add(self, cells: list[str]) -> None:
        """One data row, its cells in header order (as `TableRows` yields them)."""
        if self._active:
            self._batch.append(cells)
            if len(self._batch) >= _BATCH:
                self._flush()

    def _flush(self) -> None:
        batch, self._batch = self._batch, []
        if not batch:
            return
        for index, stats in (*self._ids.values(), *self._open.values()):
            stats.add([cells[index].strip() for cells in batch])

    def id_column(self) -> str | None:
        """The guessed respondent id column (None: no column is named like an id)."""
        self._flush()
        return next((c for c in self.ranked if self._ids[c][1].unique()), self.ranked[0] if self.ranked else None)

    def is_open(self, column: str) -> bool:
        """Whether `column` (one of the open candidates) holds free-text answers."""
        self._flush()
        return self._open[column][1].looks_open()


def guess_id_column(header: list[str], rows: list[tuple[int, list[str]]]) -> str | None:
    """The id column `ColumnGuesser` guesses for these (number, cells) rows."""
    guesser = ColumnGuesser(header, ranked_id_columns(header))
    for _, cells in rows:
        guesser.add(cells)
    return guesser.id_column()


def looks_open(values: list[str]) -> bool:
    """Whether one column's values look like free-text answers (see `_OpenStats.looks_open`)."""
    stats = _OpenStats()
    stats.add([v.strip() for v in values])
    return stats.looks_open()


@dataclass(frozen=True)
class SurveyColumns:
    """What a survey's columns are: id (None: rows are numbered), open questions, attributes."""

    id_col: str | None
    open_cols: tuple[str, ...]
    attrs: tuple[str, ...]
    guessed: str | None          # the note saying what was guessed, if anything was
    ignored: tuple[str, ...]     # columns neither open question nor attribute

    def notes(self, table_notes: list[str]) -> list[str]:
        """The file's notes: the guesses, then the table's own notes, then the ignored columns."""
        notes = ([self.guessed] if self.guessed else []) + list(table_notes)
        if self.ignored:
            notes.append(f"columns neither open question nor attribute, ignored: {', '.join(self.ignored)}")
        return notes


def survey_columns(header: list[str], entry: FileEntry, guesser: ColumnGuesser, encoding: str | None) -> SurveyColumns:
    """Apply `entry` and the guesses to `header`; raises `Rejected` as the whole-file reader always has.

    `guesser` must have seen every data row (it is only asked about what `entry` leaves open).
    """
    columns = ", ".join(header)
    guesses: list[str] = []
    id_col = entry.id_column
    if id_col is not None and id_col not in header:
        raise Rejected(f"survey missing id column {id_col!r} (columns: {columns})", encoding=encoding)
    if id_col is None:
        id_col = guesser.id_column()
        guesses.append(f"guessed id column {id_col!r}" if id_col
                       else "no id column found, respondents numbered by row (row2, row3, ...)")
    for field in ("open_columns", "attribute_columns"):
        missing = [c for c in getattr(entry, field) or [] if c not in header]
        if missing:
            raise Rejected(f"{field} not in the file: {', '.join(missing)} (columns: {columns})", encoding=encoding)

    others = [c for c in header if c != id_col]
    attrs = list(entry.attribute_columns) if entry.attribute_columns is not None else None
    if entry.open_columns is not None:
        open_cols = [c for c in entry.open_columns if c != id_col]
    else:
        pool = [c for c in others if attrs is None or c not in attrs]
        open_cols = [c for c in pool if guesser.is_open(c)]
        guesses.append("open questions: " + (", ".join(open_cols) or "none"))
    if attrs is None:
        attrs = [c for c in others if c not in open_cols]
        if entry.open_columns is None:
            guesses.append("attributes: " + (", ".join(attrs) or "none"))
    if not open_cols:
        raise Rejected(
            f"survey with no open-question columns (columns: {columns}); "
            "list them under open_columns in manifest.yaml", encoding=encoding)
    ignored = tuple(c for c in others if c not in open_cols and c not in attrs)
    return SurveyColumns(id_col, tuple(open_cols), tuple(attrs), "; ".join(guesses) or None, ignored)
