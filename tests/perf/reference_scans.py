"""Reference implementations the fast paths are held to: plain per-character loops, kept slow on purpose."""
from __future__ import annotations

from qualmine.corpus.lang import is_cjk


def reference_script_counts(text: str) -> tuple[int, int]:
    """(CJK ideographs, other letters) counted one character at a time (what detect_lang weighs)."""
    cjk = letters = 0
    for ch in text:
        if is_cjk(ch):
            cjk += 1
        elif ch.isalpha():
            letters += 1
    return cjk, letters
