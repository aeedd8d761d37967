"""Text preparation for topic modelling: segment texts -> lists of tokens, one list per segment.

* Chinese: jieba words (`corpus.tokens.ChineseSegmenter`) with the codebook's multi-character
  terms as user words, so '办事流程' stays one token instead of '办事' + '流程'.
* English: spaCy lower-case lookup lemmas (`corpus.tokens.EnglishLemmatizer`); the codebook's
  multi-word terms are joined into one token ('opening hours' -> 'open_hour').
* Both: stop words removed (stopwords-iso + a small supplement for Chinese, spaCy's list for
  English), tokens without a letter or CJK character dropped, optional gensim `Phrases`
  bigrams, then vocabulary pruning by document frequency.

`TextPreparer` follows the estimator conventions: `fit` learns the phrase model and vocabulary,
`transform` applies them, so keyword lists can be tokenised exactly like the segments.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from itertools import chain
from importlib import resources
from typing import Iterable, Sequence

from sklearn.base import BaseEstimator

from qualmine.models.base import either, int_in, one_of, param_error, real_in

LANGS = ("zh", "en")
_HAS_WORD = re.compile(r"[A-Za-z\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_MAX_PHRASE_WORDS = 4
_ONE_LETTER_REPEATED = re.compile(r"^([a-z])\1+$")   # 'xxxx': how survey exports mask names


# Words general stop lists drop but open-ended answers use as whole answers: "Nothing", "No",
# "Everything" (to "What could we improve?"), 没有 / 无. Dropping them empties those answers,
# and "nothing to improve" is a theme of its own (on the NHS survey, ~1,000 answers went empty).
KEEP_WORDS = {
    "zh": frozenset({"没有", "无"}),
    "en": frozenset({"no", "nothing", "none", "never", "nobody", "everything"}),
}


@lru_cache(maxsize=4)
def stop_words(lang: str) -> frozenset[str]:
    """The stop words of `lang` ('zh': stopwords-iso + supplement; 'en': spaCy's), less KEEP_WORDS."""
    if lang == "zh":
        words: set[str] = set()
        for name in ("stopwords_zh.txt", "stopwords_zh_extra.txt"):
            text = resources.files("qualmine.models").joinpath("data", name).read_text(encoding="utf-8")
            words.update(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))
        return frozenset(words) - KEEP_WORDS["zh"]
    if lang == "en":
        from spacy.lang.en.stop_words import STOP_WORDS

        # Contraction remnants spaCy's tokenizer leaves ("n't", "'s") are not words either.
        words = set(STOP_WORDS) | {"n't", "'s", "'m", "'re", "'ve", "'ll", "'d", "nt"}
        return frozenset(words) - KEEP_WORDS["en"]
    raise ValueError(f"no stop-word list for language {lang!r}; expected one of {LANGS}")


def _df_bound(value: float | int, n_docs: int) -> float:
    # scikit-learn's convention: an int is a count of documents, a float a share of them.
    return value if isinstance(value, int) else value * n_docs


class TextPreparer(BaseEstimator):
    """Segment texts -> token lists, for one language.

    Parameters
    ----------
    lang : 'zh' or 'en'.
    user_words : terms to keep whole (codebook keywords): jieba user words for Chinese,
        multi-word phrases joined with '_' for English.
    extra_stop_words : more words to drop (e.g. the study's place name).
    phrases : learn bigrams with gensim `Phrases` (npmi scoring) and join them with '_'.
    min_df : drop terms in fewer documents (int: count; float: share of documents).
    max_df : drop terms in more documents (int: count; float: share of documents).
    max_terms : keep at most this many terms, the most frequent by document frequency.
    min_chars : shortest token kept, in characters (1 keeps single Chinese characters).
    """

    _param_checks = {
        "lang": one_of(*LANGS),
        "phrases": one_of(True, False),
        "min_df": either(int_in(1), real_in(0.0, 1.0)),
        "max_df": either(int_in(1), real_in(0.0, 1.0)),
        "max_terms": either(int_in(1), one_of(None)),
        "min_chars": int_in(1, 10),
    }

    def __init__(self, lang: str = "zh", user_words: Sequence[str] = (), extra_stop_words: Sequence[str] = (),
                 phrases: bool = False, min_df: int | float = 2, max_df: int | float = 0.5,
                 max_terms: int | None = 20000, min_chars: int = 1):
        self.lang = lang
        self.user_words = user_words
        self.extra_stop_words = extra_stop_words
        self.phrases = phrases
        self.min_df = min_df
        self.max_df = max_df
        self.max_terms = max_terms
        self.min_chars = min_chars

    # -- tokenising (no learned state) ---------------------------------------------------
    def _check_params(self) -> None:
        for name, (check, expected) in self._param_checks.items():
            if not check(getattr(self, name)):
                raise param_error(type(self).__name__, name, expected, getattr(self, name))

    def _tools(self) -> tuple:
        # Built lazily and cached on the instance (never pickled: see __getstate__): the segmenter or
        # lemmatizer, the stop words, English phrases, and the memo of `_decide` per raw token.
        tools = self.__dict__.get("_tools_cache")
        if tools is None:
            self._check_params()
            stops = stop_words(self.lang) | {w.lower() for w in self.extra_stop_words}
            if self.lang == "zh":
                from qualmine.corpus.tokens import ChineseSegmenter

                tools = (ChineseSegmenter(user_words=self.user_words), stops, {})
            else:
                from qualmine.corpus.tokens import EnglishLemmatizer

                lemmatizer = EnglishLemmatizer()
                phrases: dict[tuple[str, ...], str] = {}
                for term in self.user_words:
                    lemmas = tuple(lemmatizer.phrase(term).split())
                    if 1 < len(lemmas) <= _MAX_PHRASE_WORDS:
                        phrases[lemmas] = "_".join(lemmas)
                tools = (lemmatizer, stops, phrases)
            tools = self.__dict__["_tools_cache"] = (*tools, {})
        return tools

    def tokenize(self, text: str) -> list[str]:
        """One text's tokens after stop-word removal (before phrases and pruning)."""
        tool, _, phrases, memo = self._tools()
        text = unicodedata.normalize("NFKC", text or "")
        if self.lang == "zh":
            raw = tool.cut(text)
        else:
            raw = _join_phrases([lemma for lemma, _, _ in tool.lemmas(text)], phrases)
        # One dict look-up per token: the keep/normalise decision depends on the token alone, and a
        # corpus repeats a few thousand distinct tokens millions of times (180k segments: 12 s -> ~4 s).
        words = list(map(memo.get, raw))
        if None in words:
            words = [memo[w] if w in memo else self._decide(w) for w in raw]
        return [w for w in words if w]

    def _decide(self, raw: str) -> str:
        """`raw` as kept (Chinese: stripped, lower-cased), or '' when dropped; remembered in the memo."""
        _, stops, _, memo = self._tools()
        word = raw.strip().lower() if self.lang == "zh" else raw
        keep = (word and word not in stops and _HAS_WORD.search(word) and self._long_enough(word)
                and not _ONE_LETTER_REPEATED.match(word))
        memo[raw] = word if keep else ""
        return memo[raw]

    def _long_enough(self, word: str) -> bool:
        # A single CJK character is a word; a single Latin letter is not.
        if len(word) >= self.min_chars:
            return len(word) > 1 or bool(_CJK.match(word))
        return False

    # -- learning the phrase model and vocabulary ---------------------------------------
    def fit(self, texts: Iterable[str], y: None = None) -> "TextPreparer":
        self.fit_transform(texts)
        return self

    def fit_transform(self, texts: Iterable[str], y: None = None) -> list[list[str]]:
        """Tokenise `texts`, learn phrases and the pruned vocabulary, return the token lists.

        Learned: `vocabulary_` (sorted tuple of kept terms), `document_frequency_` (term ->
        documents), `phraser_` (gensim `FrozenPhrases` or None), `n_documents_`.
        """
        self._check_params()
        docs = self._tokenize_all(texts)
        self.phraser_ = None
        if self.phrases and docs:
            from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases

            connectors = ENGLISH_CONNECTOR_WORDS if self.lang == "en" else frozenset()
            model = Phrases(docs, min_count=5, threshold=0.5, scoring="npmi", delimiter="_",
                            connector_words=connectors)
            self.phraser_ = model.freeze()
            docs = self._phrased(docs)
        df = _document_frequency(docs)
        n = len(docs)
        low, high = _df_bound(self.min_df, n), _df_bound(self.max_df, n)
        kept = [(t, c) for t, c in df.items() if low <= c <= high]
        if self.max_terms is not None and len(kept) > self.max_terms:
            kept = sorted(kept, key=lambda tc: (-tc[1], tc[0]))[: self.max_terms]
        self.vocabulary_ = tuple(sorted(t for t, _ in kept))
        self.document_frequency_ = {t: c for t, c in kept}
        self.n_documents_ = n
        return self._in_vocabulary(docs)

    def transform(self, texts: Iterable[str]) -> list[list[str]]:
        """Token lists of new texts with the learned phrases and vocabulary."""
        if not hasattr(self, "vocabulary_"):
            raise ValueError("this TextPreparer is not fitted yet: call fit(texts) first")
        docs = self._tokenize_all(texts)
        if self.phraser_ is not None:
            docs = self._phrased(docs)
        return self._in_vocabulary(docs)

    def _phrased(self, docs: list[list[str]]) -> list[list[str]]:
        """The learned phrases joined in every document (once per distinct list)."""
        return _shared_map(lambda d: list(self.phraser_[d]), docs)

    def _in_vocabulary(self, docs: list[list[str]]) -> list[list[str]]:
        """Every document's kept terms, each in a list of its own (callers may change them)."""
        vocab = set(self.vocabulary_)
        return [list(d) for d in _shared_map(lambda d: [t for t in d if t in vocab], docs)]

    def _tokenize_all(self, texts: Iterable[str]) -> list[list[str]]:
        """`tokenize` of every text; a text seen before shares the first one's list (read it, never change it).

        Survey answers repeat ('Nothing', '没有': 16 % of the NHS answers are a repeat), and NFKC
        normalisation plus segmentation cost far more than a dict look-up per text.
        """
        done: dict[str, list[str]] = {}
        return [done[t] if t in done else done.setdefault(t, self.tokenize(t)) for t in texts]

    def set_params(self, **params) -> "TextPreparer":
        # New parameters (stop words, lang, user words) invalidate the tools and the token memo.
        self.__dict__.pop("_tools_cache", None)
        return super().set_params(**params)

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("_tools_cache", None)
        return state


def _document_frequency(docs: list[list[str]]) -> Counter:
    """term -> number of documents holding it; a list shared by repeated texts is read once."""
    times = Counter(map(id, docs))
    if len(times) == len(docs):
        return Counter(chain.from_iterable(map(set, docs)))
    distinct = {id(d): d for d in docs}
    df: Counter = Counter()
    for key, n in times.items():
        for term in set(distinct[key]):
            df[term] += n
    return df


def _shared_map(fn, docs: list[list[str]]) -> list[list[str]]:
    """fn(doc) per document, computed once per distinct list object (repeated texts share one list)."""
    done: dict[int, list[str]] = {}
    return [done[id(d)] if id(d) in done else done.setdefault(id(d), fn(d)) for d in docs]


def _join_phrases(words: list[str], phrases: dict[tuple[str, ...], str]) -> list[str]:
    """Greedy longest-first joining of known multi-word phrases (codebook terms) into one token."""
    if not phrases:
        return words
    out, i = [], 0
    while i < len(words):
        for size in range(min(_MAX_PHRASE_WORDS, len(words) - i), 1, -1):
            joined = phrases.get(tuple(words[i:i + size]))
            if joined is not None:
                out.append(joined)
                i += size
                break
        else:
            out.append(words[i])
            i += 1
    return out
