"""Per-segment language guess: Chinese ('zh') or English ('en').

Answers mix scripts ("用了APP以后方便多了"), so the rule is a share, not a majority: a segment is
'zh' when CJK ideographs are at least `cjk_share` of its letters+ideographs. An ideograph carries
roughly a word's worth of meaning, so 20% already means substantial Chinese content.
"""
from __future__ import annotations

import re


def is_cjk(ch: str) -> bool:
    """True for CJK unified ideographs (basic block, extension A, compatibility ideographs)."""
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x2FA1F
    )


_CJK_RANGES = "\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\U00020000-\U0002fa1f"   # the ranges of is_cjk
_CJK = re.compile(f"[{_CJK_RANGES}]")
_ASCII_LETTERS = re.compile("[A-Za-z]")
# Punctuation blocks' non-letters (，。、「」…, full-width ！？), computed so the count stays exact.
_NOT_LETTERS = "".join(ch for lo, hi in ((0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF))
                       for ch in map(chr, range(lo, hi + 1)) if not ch.isalpha())
_OTHER = re.compile(f"[^\\x00-\\x7f{_CJK_RANGES}{re.escape(_NOT_LETTERS)}]")


def detect_lang(text: str, *, cjk_share: float = 0.2, default: str = "en") -> str:
    """Return 'zh' if CJK ideographs are >= `cjk_share` of letter+CJK chars, else 'en'.

    Text with no letters at all (numbers, punctuation) gets `default`, so callers can pass the
    language of the surrounding document.
    """
    # Same counts as looping over every character with is_cjk / str.isalpha, ~10x faster: the
    # regexes count ideographs and ASCII letters in C; only the few other characters (Chinese
    # punctuation, accented letters) go through str.isalpha one by one.
    cjk = len(_CJK.findall(text))
    letters = len(_ASCII_LETTERS.findall(text)) + sum(ch.isalpha() for ch in _OTHER.findall(text))
    total = cjk + letters
    if total == 0:
        return default
    return "zh" if cjk / total >= cjk_share else "en"
