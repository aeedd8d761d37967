"""The anchors every pipeline stage is compared with: bare jieba, a bare keyword scan, a bare NMF fit."""
from __future__ import annotations

import logging
import time
from qualmine.codebooks import EXAMPLE_CODEBOOK as CODEBOOK



def jieba_lcut_seconds(answers: list[str], cap: int, seed: int = 0) -> tuple[float, bool]:
    """Bare jieba.lcut over every answer (or over `cap` of them, scaled); (seconds, extrapolated)."""
    import random

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()   # dictionary load is not tokenization: excluded, as for every stage
    sample = answers if len(answers) <= cap else random.Random(seed).sample(answers, cap)
    start = time.perf_counter()
    for text in sample:
        jieba.lcut(text)
    elapsed = time.perf_counter() - start
    return elapsed * len(answers) / len(sample), len(sample) < len(answers)


def keyword_scan_seconds(answers: list[str]) -> tuple[float, int]:
    """A bare Aho-Corasick scan of every codebook keyword over every answer (lower-cased)."""
    import ahocorasick

    from qualmine.coding.codebook import load_codebook

    book = load_codebook(CODEBOOK)
    automaton = ahocorasick.Automaton()
    for code in book.codes:
        for term in [*code.keywords.zh, *code.keywords.en, *code.exclude.zh, *code.exclude.en]:
            if term.strip():
                automaton.add_word(term.strip().lower(), code.id)
    automaton.make_automaton()
    start = time.perf_counter()
    hits = 0
    for text in answers:
        for _ in automaton.iter(text.lower()):
            hits += 1
    return time.perf_counter() - start, hits


def topic_matrices(tables, k: int, seed: int = 13) -> list:
    """Per language, the matrix the default engine factorises for the run's segments (as the stage builds it)."""
    from qualmine.coding.codebook import load_codebook
    from qualmine.models.engines import DEFAULT_ENGINE, make_topic_model
    from qualmine.models.prepare import TextPreparer
    from qualmine.models.stage import user_words

    codebook = load_codebook(CODEBOOK)
    segments = tables.segments[~tables.segments["is_interviewer"].astype(bool)]
    matrices = []
    for lang, group in segments.groupby(segments["lang"].astype(str)):
        texts = group["text"].astype(str).tolist()
        if lang not in ("zh", "en") or len(texts) < 50:
            continue
        docs = TextPreparer(lang, user_words=user_words(codebook, lang), min_df=2, max_df=0.5).fit_transform(texts)
        model = make_topic_model(DEFAULT_ENGINE, k, random_state=seed, lang=lang)
        matrices.append(model.feature_matrix(docs, texts))
    return matrices


def nmf_fit_seconds(matrices: list, k: int = 20, seed: int = 13) -> float:
    """A bare scikit-learn NMF fit, with the engine's solver settings, on each matrix."""
    from sklearn.decomposition import NMF

    start = time.perf_counter()
    for matrix in matrices:
        NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=400, tol=1e-4).fit(matrix)
    return time.perf_counter() - start


