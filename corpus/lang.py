"""Per-segment language guess: Chinese ('zh') or English ('en').

Answers mix scripts ("用了APP以后方便多了"), so the rule is a share, not a majority: a segment is
'zh' when CJK ideographs are at least `cjk_share` of its letters+ideographs. An ideograph carries
roughly a word's worth of meaning, so 20% already means substantial Chinese content.

Most texts do not mix scripts at all, and then every piece of them gets the text's own language
(`text_lang`): ingestion detects once per answer instead of once per segment.
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
# Runs, not single characters: findall then returns a few strings instead of one per character.
_CJK_RUN = re.compile(f"[{_CJK_RANGES}]+")
_ASCII_LETTERS = re.compile("[A-Za-z]")
_ASCII_LETTER_RUN = re.compile("[A-Za-z]+")
_OTHER_RUN = re.compile(f"[^\\x00-\\x7f{_CJK_RANGES}]+")   # neither ASCII nor CJK: isalpha decides
# Punctuation blocks' non-letters (，。、「」…, full-width ！？), computed so the test stays exact.
_NOT_LETTERS = "".join(ch for lo, hi in ((0x2000, 0x206F), (0x3000, 0x303F), (0xFF00, 0xFFEF))
                       for ch in map(chr, range(lo, hi + 1)) if not ch.isalpha())
# A whole text of CJK ideographs and certain non-letters (ASCII ones, the blocks above) has no
# letter besides its ideographs; one fullmatch (a C loop) tells, ~10x faster than counting.
_NO_OTHER_LETTER = re.compile(f"[\\x00-\\x40\\x5b-\\x60\\x7b-\\x7f{_CJK_RANGES}{re.escape(_NOT_LETTERS)}]*")


def script_counts(text: str) -> tuple[int, int]:
    """(CJK ideographs, other letters) in `text`: what `detect_lang` weighs.

    The same counts as looping over every character with is_cjk / str.isalpha: the regexes
    count ideographs and ASCII letters in C; only the other non-ASCII characters (Chinese
    punctuation, accented letters) go through str.isalpha.
    """
    if text.isascii():
        return 0, sum(map(len, _ASCII_LETTER_RUN.findall(text)))
    cjk = sum(map(len, _CJK_RUN.findall(text)))
    letters = sum(map(len, _ASCII_LETTER_RUN.findall(text)))
    other = _OTHER_RUN.findall(text)
    if other:
        letters += sum(map(str.isalpha, "".join(other)))
    return cjk, letters


def script_mix(text: str) -> tuple[bool, bool]:
    """(has CJK ideographs, has other letters), exactly as `script_counts` would say, but cheaper."""
    if text.isascii():
        return False, _ASCII_LETTERS.search(text) is not None
    has_cjk = _CJK.search(text) is not None
    if _NO_OTHER_LETTER.fullmatch(text):
        return has_cjk, False
    cjk, letters = script_counts(text)   # a character outside the quick test's set: count exactly
    return cjk > 0, letters > 0


def _lang_of(cjk: int, letters: int, cjk_share: float, default: str) -> str:
    total = cjk + letters
    if total == 0:
        return default
    return "zh" if cjk / total >= cjk_share else "en"


def detect_lang(text: str, *, cjk_share: float = 0.2, default: str = "en") -> str:
    """Return 'zh' if CJK ideographs are >= `cjk_share` of letter+CJK chars, else 'en'.

    Text with no letters at all (numbers, punctuation) gets `default`, so callers can pass the
    language of the surrounding document.

    >>> detect_lang("开放时间太短了"), detect_lang("The queue was long")
    ('zh', 'en')
    >>> detect_lang("排队 queue queue queue queue")   # 2 ideographs of 22 letters: under 20 %
    'en'
    >>> detect_lang("2023-05-01", default="zh")
    'zh'
    """
    cjk, letters = script_counts(text)
    return _lang_of(cjk, letters, cjk_share, default)


def text_lang(text: str, *, cjk_share: float = 0.2, default: str = "en") -> tuple[str, bool]:
    """(`detect_lang(text)`, whether `text` mixes CJK ideographs with other letters).

    When it does not mix them, every piece of `text` gets that same language from
    `detect_lang(piece, default=<that language>)`: a piece has only the text's kind of
    characters (so the same answer), or none (so the default, which is that answer).
    """
    has_cjk, has_letters = script_mix(text)
    if has_cjk and has_letters:
        return detect_lang(text, cjk_share=cjk_share, default=default), True
    return _lang_of(int(has_cjk), int(has_letters), cjk_share, default), False

