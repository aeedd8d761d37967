"""Tokenizers shared by the rule coder and topic modelling.

* `ChineseSegmenter`: jieba word segmentation behind one interface, with two backends that use
  the same dictionary: `jieba` (pure Python, the reference) and `rjieba` (Rust jieba-rs
  bindings, ~20x faster, identical output on ~98% of real answers). rjieba >= 0.2 exposes a
  `Jieba` class with `add_word`, so user words work on both backends; only an rjieba without
  that class falls back to jieba when user words are given.
* `EnglishLemmatizer`: the `spacy.blank("en")` tokenizer plus the English lookup lemma table of
  spacy-lookups-data (context-free, no POS tagger needed, nothing downloaded).
* `LemmaSequence`: a text's lemmas joined by single spaces, so a phrase automaton can scan
  the whole text once and matches map back to character offsets.

Both tokenizers build their heavy state lazily and drop it when pickled (a `jieba.Tokenizer`
cannot be pickled; a spaCy pipeline pickles slowly), so they can be shipped to worker processes.
"""
from __future__ import annotations

import gzip
import json
import logging
import os
import re
import tempfile
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Iterator

from qualmine import cache_dir

BACKENDS = ("auto", "jieba", "rjieba")
_JIEBA_LOCK = threading.Lock()


def _jieba_cache_dir() -> str:
    """A writable directory for jieba's prefix-dictionary cache (~0.85 s saved per start)."""
    path = os.path.join(cache_dir(), "jieba")
    try:
        os.makedirs(path, exist_ok=True)
        return path
    except OSError:
        return tempfile.gettempdir()


@lru_cache(maxsize=1)
def _jieba_base() -> Any:
    """One initialised jieba Tokenizer whose dictionary is copied into private instances."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.tmp_dir = _jieba_cache_dir()
    tk.initialize()
    return tk


def _new_jieba() -> Any:
    """A private jieba Tokenizer, so user words never leak into the global `jieba.dt`.

    Copying the loaded prefix dictionary (~30 ms) instead of calling `initialize()` (~0.85 s
    even from the cache) relies on jieba 0.42's `FREQ`/`total`/`initialized` attributes.
    """
    import jieba

    with _JIEBA_LOCK:
        base = _jieba_base()
        tk = jieba.Tokenizer()
        tk.tmp_dir = base.tmp_dir
        tk.FREQ, tk.total, tk.initialized = dict(base.FREQ), base.total, True
    return tk


def _rjieba_has_user_words() -> bool:
    try:
        import rjieba
    except ImportError:
        return False
    return hasattr(rjieba, "Jieba") and hasattr(rjieba.Jieba, "add_word")


def _usable_user_word(word: str) -> bool:
    # jieba splits its input on whitespace before the dictionary is consulted, so a word with
    # spaces could never come out as one token; single characters need no dictionary entry.
    return len(word) > 1 and not any(ch.isspace() for ch in word)


class ChineseSegmenter:
    """jieba word segmentation with private user words.

    `backend="auto"` uses rjieba where installed, else jieba. User words (e.g. codebook
    keywords) are added with jieba's suggested frequency, which forces them to stay one token.
    Words containing whitespace are ignored (jieba cannot produce them).
    """

    def __init__(self, backend: str = "auto", user_words: Iterable[str] = ()):
        if backend not in BACKENDS:
            raise ValueError(f"backend must be one of {BACKENDS}; got {backend!r}")
        self.user_words: tuple[str, ...] = tuple(dict.fromkeys(w for w in user_words if _usable_user_word(w)))
        if backend == "auto":
            backend = "rjieba" if _rjieba_has_user_words() else "jieba"
        elif backend == "rjieba":
            try:
                import rjieba  # noqa: F401
            except ImportError as exc:
                raise ImportError("backend='rjieba' needs the rjieba package (pip install rjieba)") from exc
            if self.user_words and not _rjieba_has_user_words():
                backend = "jieba"   # this rjieba cannot add words: jieba keeps the keywords whole
        self.backend = backend
        self._impl: Any = None

    def _engine(self) -> Any:
        if self._impl is None:
            if self.backend == "rjieba":
                import rjieba

                impl = rjieba.Jieba() if hasattr(rjieba, "Jieba") else rjieba
                for word in self.user_words:
                    impl.add_word(word, None, None)
            else:
                impl = _new_jieba()
                for word in self.user_words:
                    impl.add_word(word)
            self._impl = impl
        return self._impl

    def cut(self, text: str) -> list[str]:
        """Words of `text` in order (whitespace and punctuation come out as tokens too)."""
        engine = self._engine()
        if self.backend != "rjieba":
            return engine.lcut(text)
        try:
            return list(engine.cut(text))
        except UnicodeEncodeError:
            return [text[s:e] for _, s, e in self.tokenize(text)]

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        """(word, start, end) character offsets into `text`; `text[start:end] == word`."""
        try:
            return [(w, s, e) for w, s, e in self._engine().tokenize(text)]
        except UnicodeEncodeError:
            # rjieba takes UTF-8 only: a lone surrogate (possible in a str built by code, never in
            # decoded files) becomes U+FFFD, which keeps every offset, and words are cut from `text`.
            clean = _SURROGATE.sub("\ufffd", text)
            return [(text[s:e], s, e) for _, s, e in self._engine().tokenize(clean)]

    def __getstate__(self) -> dict:
        return {"backend": self.backend, "user_words": self.user_words}

    def __setstate__(self, state: dict) -> None:
        self.backend, self.user_words, self._impl = state["backend"], state["user_words"], None

    def __repr__(self) -> str:
        return f"ChineseSegmenter(backend={self.backend!r}, user_words={len(self.user_words)})"


_SURROGATE = re.compile("[\ud800-\udfff]")


@lru_cache(maxsize=1)
def _english_tokenizer() -> Any:
    """spaCy's rule-based English tokenizer (no model; ~0.3 s to build, so built once)."""
    import spacy

    return spacy.blank("en").tokenizer


@lru_cache(maxsize=1)
def _english_lemma_table() -> dict[str, str]:
    """The spacy-lookups-data English `lemma_lookup` table as a plain dict (41k entries, ~40 ms)."""
    import spacy_lookups_data

    path = str(spacy_lookups_data.en["lemma_lookup"])
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        table = json.load(fh)
    # Clitics the table gets wrong or leaves out: "'s" is 'is', 'has' or a possessive, so it
    # stays itself; spaCy splits "can't"/"won't" into ca/wo + n't.
    table.update({"'s": "'s", "ca": "can", "wo": "will", "sha": "shall"})
    return table


@dataclass(frozen=True, slots=True)
class LemmaSequence:
    """Lemmas of one text joined by single spaces, with the way back to character offsets."""

    tokens: tuple[tuple[str, int, int], ...]   # (lemma, start, end) into the original text
    joined: str                                 # ' '.join(lemmas)
    token_at: dict[int, int]                    # start offset in `joined` -> token index

    def find(self, automaton: Any) -> Iterator[tuple[int, int, Any]]:
        """Yield (first_token, last_token, payloads) for whole-token matches of `automaton`.

        The automaton's keys are lemma phrases joined by single spaces (see `phrase_automaton`).
        A match must start and end on token boundaries: 'art' does not match 'artist'.
        """
        joined = self.joined
        n = len(joined)
        for end, (key_len, payloads) in automaton.iter(joined):
            start = end - key_len + 1
            if (start == 0 or joined[start - 1] == " ") and (end + 1 == n or joined[end + 1] == " "):
                first = self.token_at[start]
                # lemmas contain no spaces, so the spaces inside the match count its extra tokens
                yield first, first + joined.count(" ", start, end + 1), payloads


def phrase_automaton(entries: Iterable[tuple[str, Any]]) -> Any:
    """Build a pyahocorasick automaton from (key, payload) pairs; payloads of equal keys are listed.

    Each value is `(len(key), [payload, ...])`. Returns None when there are no keys, since an
    empty automaton cannot be finalised.
    """
    import ahocorasick

    grouped: dict[str, list[Any]] = {}
    for key, payload in entries:
        if key:
            grouped.setdefault(key, []).append(payload)
    if not grouped:
        return None
    automaton = ahocorasick.Automaton()
    for key, payloads in grouped.items():
        automaton.add_word(key, (len(key), payloads))
    automaton.make_automaton()
    return automaton


class EnglishLemmatizer:
    """spaCy's blank English tokenizer + the lookup lemma table, with a per-token cache.

    Text is lower-cased (length-preserving) before tokenizing because the table is
    case-sensitive; whitespace tokens are dropped. Offsets index the text given.
    """

    def __init__(self) -> None:
        self._tokenizer: Any = None
        self._cache: dict[str, str] = {}

    def _tok(self) -> Any:
        if self._tokenizer is None:
            self._tokenizer = _english_tokenizer()
        return self._tokenizer

    def lemma(self, token: str) -> str:
        """Lemma of one lower-cased token (the token itself when the table has no entry)."""
        lemma = self._cache.get(token)
        if lemma is None:
            lemma = _english_lemma_table().get(token, token).replace(" ", "_")
            if len(self._cache) < 200_000:   # bounded: rare tokens (ids, typos) never stop coming
                self._cache[token] = lemma
        return lemma

    def lemmas(self, text: str) -> list[tuple[str, int, int]]:
        """(lemma, start, end) for each non-space token; `text[start:end]` is the token."""
        low = lower_preserving(text)
        cache, lemma = self._cache, self.lemma
        out = []
        for tok in self._tok()(low):
            word = tok.text
            if word.isspace():
                continue
            start = tok.idx
            out.append((cache.get(word) or lemma(word), start, start + len(word)))
        return out

    def sequence(self, text: str) -> LemmaSequence:
        """The `LemmaSequence` of `text` (for scanning with a `phrase_automaton`)."""
        tokens = self.lemmas(text)
        token_at, pos, parts = {}, 0, []
        for i, (lemma, _, _) in enumerate(tokens):
            token_at[pos] = i
            parts.append(lemma)
            pos += len(lemma) + 1
        return LemmaSequence(tuple(tokens), " ".join(parts), token_at)

    def phrase(self, text: str) -> str:
        """A keyword or phrase as its lemma string: 'Opening Hours' -> 'open hour'."""
        return " ".join(lemma for lemma, _, _ in self.lemmas(text))

    def __getstate__(self) -> dict:
        return {}

    def __setstate__(self, state: dict) -> None:
        self._tokenizer, self._cache = None, {}


def lower_preserving(text: str) -> str:
    """`text.lower()`, except characters whose lower case is longer stay as they are.

    ('İ'.lower() is two characters; offsets found on the result must index `text`.)
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch.lower() if len(ch.lower()) == 1 else ch for ch in text)
