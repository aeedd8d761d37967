"""Where any of a fixed set of strings starts in a long text: numpy bigram lookups, then exact checks.

`RuleCoder.may_fire` asks, for a batch of segments joined into one text, which segments contain
any keyword or pattern literal. pyahocorasick answers exactly but walks every character through
its trie root, whose children it searches one by one (~80 ns a character with a codebook's few
hundred first characters). Here every position is looked up in two tables at once (numpy): its
character as a key's first character, and the next one as the second character of a key with
that first. Only where such a two-character prefix starts a longer key is the text compared in
Python; a one- or two-character key found by the tables is a hit outright. Same positions as
scanning with an automaton of the keys, a few times faster.
"""
from __future__ import annotations

from typing import Iterable

import numpy as np

_CODEPOINTS = 0x110000


class KeyStarts:
    """The compiled key set; `positions(text)` lists every offset where some key starts."""

    def __init__(self, keys: Iterable[str]):
        keys = {k for k in keys if k}
        self.longer: dict[str, list[str]] = {}      # two-character prefix -> keys of 3+ characters
        pairs = {k for k in keys if len(k) == 2}
        for key in keys:
            if len(key) > 2:
                self.longer.setdefault(key[:2], []).append(key)
        # three-character keys, and prefixes of longer keys, as one integer each (see _trigrams)
        self.triple_keys = np.array(sorted(_code(k) for k in keys if len(k) == 3), np.uint64)
        self.triple_prefixes = np.array(sorted({_code(k[:3]) for k in keys if len(k) > 3}), np.uint64)
        singles = {k for k in keys if len(k) == 1}
        firsts = sorted({p[0] for p in pairs | set(self.longer)} | singles)
        seconds = sorted({p[1] for p in pairs | set(self.longer)})
        dtype = np.uint16 if max(len(firsts), len(seconds)) < 2 ** 16 - 1 else np.uint32
        # id 0 means "no key has this character there"; ids start at 1
        self.first_id = np.zeros(_CODEPOINTS, dtype)
        self.first_id[[ord(c) for c in firsts]] = np.arange(1, len(firsts) + 1)
        self.second_id = np.zeros(_CODEPOINTS, dtype)
        self.second_id[[ord(c) for c in seconds]] = np.arange(1, len(seconds) + 1)
        # kind[first, second]: 0 no key starts so, 1 only longer keys do (check them), 2 a key is the pair
        self.kind = np.zeros((len(firsts) + 1, len(seconds) + 1), np.int8)
        fid = {c: i for i, c in enumerate(firsts, start=1)}
        sid = {c: i for i, c in enumerate(seconds, start=1)}
        for prefix in self.longer:
            self.kind[fid[prefix[0]], sid[prefix[1]]] = 1
        for pair in pairs:
            self.kind[fid[pair[0]], sid[pair[1]]] = 2
        self.single = np.zeros(len(firsts) + 1, bool)
        self.single[[fid[c] for c in singles]] = True

    def positions(self, text: str) -> np.ndarray:
        """Sorted offsets in `text` where at least one key starts (int64)."""
        # One code point a uint32; 'surrogatepass' keeps a lone surrogate one unit wide.
        codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        first = self.first_id[codes]
        at = np.flatnonzero(first)
        if not len(at):
            return at.astype(np.int64)
        f = first[at]
        nxt = np.minimum(at + 1, len(codes) - 1)
        second = np.where(at + 1 < len(codes), self.second_id[codes[nxt]], 0)
        kind = self.kind[f, second]
        found = self.single[f] | (kind == 2)
        check = np.flatnonzero((kind == 1) & ~found)
        if len(check):
            # a third character narrows most of these down in numpy too
            third = at[check] + 2
            triple = _trigrams(codes, at[check], third < len(codes))
            found[check[np.isin(triple, self.triple_keys)]] = True
            check = check[np.isin(triple, self.triple_prefixes) & ~found[check]]
        if len(check):
            longer = self.longer
            for k in check.tolist():
                p = int(at[k])
                if any(text.startswith(key, p) for key in longer[text[p:p + 2]]):
                    found[k] = True
        return at[found].astype(np.int64)


def _code(chars: str) -> int:
    """Three characters as one integer (21 bits a code point)."""
    return (ord(chars[0]) << 42) | (ord(chars[1]) << 21) | ord(chars[2])


def _trigrams(codes: np.ndarray, at: np.ndarray, whole: np.ndarray) -> np.ndarray:
    # `_code` of the three characters at each offset in `at`; one past the end gives a code no key has
    last = len(codes) - 1
    c = [codes[np.minimum(at + i, last)].astype(np.uint64) for i in range(3)]
    out = (c[0] << np.uint64(42)) | (c[1] << np.uint64(21)) | c[2]
    return np.where(whole, out, np.uint64(2 ** 63 + 1))
