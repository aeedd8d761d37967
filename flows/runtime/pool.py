"""Running chunks of ingestion + rule coding: in this process, or in a pool of N processes.

The pool is spawn-based (the safe start method everywhere; forking a process that has started
Prefect's server threads is not), so each worker builds its own `RuleCoder` once, in
`_init_worker`, which also loads the codebook's keywords into that worker's jieba dictionary:
user words added in the parent never reach a spawned process. Results come back in chunk
order, with at most `2 * workers` chunks in flight, so memory stays bounded however large the
corpus is. No Prefect here: the pipeline wraps this in one coarse task.

Python's cyclic garbage collector is paused while a chunk is planned, ingested and coded
(`gc_paused`): a chunk makes hundreds of thousands of small records, none in a reference
cycle (refcounting frees them), yet their allocation keeps setting off collections that walk
the growing heap again and again. Cycles made meanwhile are collected once the pause ends.
"""
from __future__ import annotations

import gc
import multiprocessing
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator

from qualmine.coding.codebook import Codebook
from qualmine.coding.rules import RuleCoder
from qualmine.corpus.chunked import Chunk, SurveyEnd, ingest_chunk
from qualmine.coding.assemble import ChunkResult, chunk_frames

FILES_PER_CHUNK = 20          # transcripts are long: a few files make a batch

_CODERS: dict[tuple[str, bool], RuleCoder] = {}


def rule_coder(codebook: Codebook, code_interviewer: bool) -> RuleCoder:
    """This process's RuleCoder for `codebook` (built once: automata and dictionaries are costly)."""
    key = (codebook.fingerprint(), code_interviewer)
    coder = _CODERS.get(key)
    if coder is None:
        coder = _CODERS[key] = RuleCoder(codebook, code_interviewer=code_interviewer)
    return coder


_GC_LOCK = threading.Lock()
_GC_PAUSES = 0                  # gc_paused blocks in progress, in any thread
_GC_WAS_ENABLED = False


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector inside the block (see the module docstring).

    Nested and concurrent blocks (Dask may run chunks in threads) are counted, so the collector
    comes back on when the last one ends, and only if it was on before the first began.
    """
    global _GC_PAUSES, _GC_WAS_ENABLED
    with _GC_LOCK:
        if _GC_PAUSES == 0:
            _GC_WAS_ENABLED = gc.isenabled()
            gc.disable()
        _GC_PAUSES += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_PAUSES -= 1
            if _GC_PAUSES == 0 and _GC_WAS_ENABLED:
                gc.enable()


def process_chunk(chunk: Chunk, codebook: Codebook, code_interviewer: bool = False) -> ChunkResult:
    """Ingest one chunk and rule-code its segments (a plain function: tests and workers call it)."""
    with gc_paused():
        results = ingest_chunk(chunk)
        segments = [s for r in results for s in r.segments]
        applications = rule_coder(codebook, code_interviewer).apply(segments)
        return chunk_frames(chunk.index, chunk.survey.rel if chunk.survey else None, results, applications)


def paused_steps(items: Iterable[Chunk | SurveyEnd]) -> Iterator[Chunk | SurveyEnd]:
    """`items`, each step of the iteration run with the cyclic GC paused (see `gc_paused`).

    Planning reads a survey's rows into chunks as they are taken: the same allocation burst.
    Each step of the plan is paused, never the caller's code between two steps.
    """
    it, end = iter(items), object()
    while True:
        with gc_paused():
            item = next(it, end)
        if item is end:
            return
        yield item


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
    items = paused_steps(items)
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
