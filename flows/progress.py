"""A tiny progress channel from flows to whoever is watching (the CLI's rich display, or nobody).

Flow parameters must stay small and serialisable, so the reporter is not passed in: the CLI
installs one for the duration of a call, and stages announce themselves through `stage()`.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator, Protocol


class Reporter(Protocol):
    def start(self, name: str, total: int | None) -> None: ...
    def advance(self, name: str, amount: int) -> None: ...
    def finish(self, name: str) -> None: ...


_reporter: Reporter | None = None


@contextmanager
def reporting(reporter: Reporter | None) -> Iterator[None]:
    global _reporter
    previous, _reporter = _reporter, reporter
    try:
        yield
    finally:
        _reporter = previous


@contextmanager
def stage(name: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """Announce a stage; yields `advance(n)` for stages that know their size."""
    reporter = _reporter
    if reporter is not None:
        reporter.start(name, total)

    def advance(amount: int = 1) -> None:
        if reporter is not None:
            reporter.advance(name, amount)

    try:
        yield advance
    finally:
        if reporter is not None:
            reporter.finish(name)
