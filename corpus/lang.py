"""Per-segment language guess: Chinese ('zh') or English ('en').

Answers mix scripts ("用了APP以后方便多了"), so the rule is a share, not a majority: a segment is
'zh' when CJK ideographs are at least `cjk_share` of its letters+ideographs. An ideograph carries
roughly a word's worth of meaning, so 20% already means substantial Chinese content.
"""
from __future__ import annotations


def is_cjk(ch: str) -> bool:
    """True for CJK unified ideographs (basic block, extension A, compatibility ideographs)."""
    cp = ord(ch)
    return (
        0x4E00 <= cp <= 0x9FFF
        or 0x3400 <= cp <= 0x4DBF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x2FA1F
    )


def detect_lang(text: str, *, cjk_share: float = 0.2, default: str = "en") -> str:
    """Return 'zh' if CJK ideographs are >= `cjk_share` of letter+CJK chars, else 'en'.

    Text with no letters at all (numbers, punctuation) gets `default`, so callers can pass the
    language of the surrounding document.
    """
    cjk = letters = 0
    for ch in text:
        if is_cjk(ch):
            cjk += 1
        elif ch.isalpha():
            letters += 1
    total = cjk + letters
    if total == 0:
        return default
    return "zh" if cjk / total >= cjk_share else "en"
