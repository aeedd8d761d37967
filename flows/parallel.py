"""Running chunks of ingestion + rule coding: in this process, or in a pool of N processes.

The pool is spawn-based (the safe start method everywhere; forking a process that has started
Prefect's server threads is not), so each worker builds its own `RuleCoder` once, in
`_init_worker`, which also loads the codebook's keywords into that worker's jieba dictionary:
user words added in the parent never reach a spawned process. Results come back in chunk
order, with at most `2 * workers` chunks in flight, so memory stays bounded however large the
corpus is. No Prefect here: the pipeline wraps this in one coarse task.
"""
from __future__ import annotations

import multiprocessing
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Callable, Iterable, Iterator

from coding.codebook import Codebook
from coding.rules import RuleCoder
from corpus.chunked import Chunk, SurveyEnd, ingest_chunk
from flows.assemble import ChunkResult, chunk_frames

_CODERS: dict[tuple[str, bool], RuleCoder] = {}


def rule_coder(codebook: Codebook, code_interviewer: bool) -> RuleCoder:
    """This process's RuleCoder for `codebook` (built once: automata and dictionaries are costly)."""
    key = (codebook.fingerprint(), code_interviewer)
    coder = _CODERS.get(key)
    if coder is None:
        coder = _CODERS[key] = RuleCoder(codebook, code_interviewer=code_interviewer)
    return coder


def process_chunk(chunk: Chunk, codebook: Codebook, code_interviewer: bool = False) -> ChunkResult:
    """Ingest one chunk and rule-code its segments (a plain function: tests and workers call it)."""
    results = ingest_chunk(chunk)
    segments = [s for r in results for s in r.segments]
    applications = rule_coder(codebook, code_interviewer).apply(segments)
    return chunk_frames(chunk.index, chunk.survey.rel if chunk.survey else None, results, applications)


def ordered(items: Iterable[Chunk | SurveyEnd], submit: Callable[[Chunk], object],
            result: Callable[[object], ChunkResult], window: int) -> Iterator[ChunkResult | SurveyEnd]:
    """Submit chunks as they come, keep at most `window` in flight, yield everything in stream order."""
    pending: deque[tuple[bool, object]] = deque()
    in_flight = 0
    for item in items:
        if isinstance(item, SurveyEnd):
            pending.append((False, item))
        else:
            pending.append((True, submit(item)))
            in_flight += 1
        while in_flight >= window or (pending and not pending[0][0]):
            is_future, value = pending.popleft()
            if is_future:
                in_flight -= 1
                yield result(value)
            else:
                yield value
    while pending:
        is_future, value = pending.popleft()
        yield result(value) if is_future else value


def run_chunks(items: Iterable[Chunk | SurveyEnd], codebook: Codebook, *, code_interviewer: bool = False,
               workers: int = 1) -> Iterator[ChunkResult | SurveyEnd]:
    """Process the chunk stream with `workers` processes (1: in this process), in order."""
    if workers <= 1:
        for item in items:
            yield item if isinstance(item, SurveyEnd) else process_chunk(item, codebook, code_interviewer)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                             initargs=(codebook, code_interviewer)) as pool:
        yield from ordered(items, lambda chunk: pool.submit(_work, chunk), Future.result, 2 * workers)


_WORKER_STATE: tuple[Codebook, bool] | None = None


def _init_worker(codebook: Codebook, code_interviewer: bool) -> None:
    global _WORKER_STATE
    _WORKER_STATE = (codebook, code_interviewer)
    coder = rule_coder(codebook, code_interviewer)
    coder.segmenter.cut("预热")   # load jieba/rjieba with the codebook's words now, not in chunk 1


def _work(chunk: Chunk) -> ChunkResult:
    assert _WORKER_STATE is not None, "worker not initialised"
    return process_chunk(chunk, *_WORKER_STATE)
