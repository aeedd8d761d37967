"""TextPreparer's fast paths (a keep/normalise memo per raw token, one tokenisation per distinct
text) give exactly the tokens of the per-token filter they replace, on real answers."""
import pickle
import unicodedata
from collections import Counter

import numpy as np

from qualmine.models.prepare import _HAS_WORD, _ONE_LETTER_REPEATED, TextPreparer, _join_phrases

USER_WORDS = {"zh": ["办事流程", "开放时间", "排队"], "en": ["opening hours", "red tape", "waiting time"]}


def reference_tokenize(preparer: TextPreparer, text: str) -> list[str]:
    """The filter as it was: every token normalised and tested on every occurrence."""
    tool, stops, phrases, _ = preparer._tools()
    text = unicodedata.normalize("NFKC", text or "")
    if preparer.lang == "zh":
        words = [w.strip().lower() for w in tool.cut(text)]
    else:
        words = _join_phrases([lemma for lemma, _, _ in tool.lemmas(text)], phrases)
    return [w for w in words if w and w not in stops and _HAS_WORD.search(w) and preparer._long_enough(w)
            and not _ONE_LETTER_REPEATED.match(w)]


def reference_fit_transform(preparer: TextPreparer, texts: list[str]) -> tuple[list[list[str]], tuple, dict]:
    """The former fit_transform: token lists, vocabulary and document frequencies."""
    docs = [reference_tokenize(preparer, t) for t in texts]
    if preparer.phrases:
        from gensim.models.phrases import ENGLISH_CONNECTOR_WORDS, Phrases

        connectors = ENGLISH_CONNECTOR_WORDS if preparer.lang == "en" else frozenset()
        phraser = Phrases(docs, min_count=5, threshold=0.5, scoring="npmi", delimiter="_",
                          connector_words=connectors).freeze()
        docs = [list(phraser[d]) for d in docs]
    df = Counter(t for d in docs for t in set(d))
    n = len(docs)
    low = preparer.min_df if isinstance(preparer.min_df, int) else preparer.min_df * n
    high = preparer.max_df if isinstance(preparer.max_df, int) else preparer.max_df * n
    kept = [(t, c) for t, c in df.items() if low <= c <= high]
    if preparer.max_terms is not None and len(kept) > preparer.max_terms:
        kept = sorted(kept, key=lambda tc: (-tc[1], tc[0]))[: preparer.max_terms]
    vocab = set(t for t, _ in kept)
    return [[t for t in d if t in vocab] for d in docs], tuple(sorted(vocab)), dict(kept)


def with_repeats(texts: list[str], n: int, seed: int = 0) -> list[str]:
    """n answers drawn with replacement, as survey exports repeat 'Nothing' and 没有."""
    return [texts[i] for i in np.random.default_rng(seed).integers(0, len(texts), n)]


def check_same_as_reference(lang: str, texts: list[str], **params) -> None:
    fast = TextPreparer(lang, user_words=USER_WORDS[lang], **params)
    slow = TextPreparer(lang, user_words=USER_WORDS[lang], **params)
    docs = fast.fit_transform(texts)
    ref_docs, ref_vocab, ref_df = reference_fit_transform(slow, texts)
    assert docs == ref_docs
    assert fast.vocabulary_ == ref_vocab and fast.document_frequency_ == ref_df
    assert fast.n_documents_ == len(texts)
    assert [fast.tokenize(t) for t in texts[:300]] == [reference_tokenize(slow, t) for t in texts[:300]]
    if not fast.phrases:
        assert fast.transform(texts[::7]) == [[t for t in reference_tokenize(slow, x) if t in set(ref_vocab)]
                                             for x in texts[::7]]
    else:
        assert fast.transform(texts[::7]) == [d for d in ref_docs[::7]]


def test_same_tokens_on_the_example_corpus(example_answers):
    check_same_as_reference("zh", with_repeats(example_answers["zh"], 1500))
    check_same_as_reference("en", with_repeats(example_answers["en"], 400))
    check_same_as_reference("zh", example_answers["zh"], min_df=1, max_df=1.0, max_terms=50, min_chars=2)


def test_same_tokens_on_real_chinese_questions(neike_answers):
    check_same_as_reference("zh", neike_answers)
    check_same_as_reference("zh", with_repeats(neike_answers, 4000, seed=1), max_terms=300)


def test_same_tokens_on_real_english_answers(nhs_answers):
    check_same_as_reference("en", nhs_answers[:1200])
    check_same_as_reference("en", with_repeats(nhs_answers, 1500, seed=2), phrases=True)


def test_same_phrases_on_repeated_answers(example_answers):
    check_same_as_reference("zh", with_repeats(example_answers["zh"], 1500), phrases=True)


def test_repeated_texts_get_lists_of_their_own():
    preparer = TextPreparer("zh", min_df=1, max_df=1.0)
    docs = preparer.fit_transform(["排队时间太长", "排队时间太长", "没有"])
    assert docs[0] == docs[1] and docs[0] is not docs[1]
    docs[0].append("changed")
    assert "changed" not in docs[1]
    again = preparer.transform(["没有", "没有"])
    assert again == [["没有"], ["没有"]] and again[0] is not again[1]


def test_memo_is_not_pickled_and_follows_new_parameters():
    preparer = TextPreparer("zh", min_df=1, max_df=1.0)
    assert "中心" in preparer.tokenize("中心的服务")
    assert "_tools_cache" not in pickle.loads(pickle.dumps(preparer)).__dict__
    preparer.set_params(extra_stop_words=["中心"])         # the remembered decision must not survive
    assert "中心" not in preparer.tokenize("中心的服务")
