"""Traditional -> Simplified Chinese, one character to one character, so offsets survive.

The codebook's Chinese keywords are usually Simplified; answers from Hong Kong, Taiwan or
overseas respondents are often Traditional ("附近停車非常困難"). `to_simplified(text)` maps the
text with OpenCC's `t2s` data (the `opencc` package from PyPI, bundled dictionaries, no
downloads) and guarantees `len(to_simplified(t)) == len(t)`: OpenCC converts phrases, and a
phrase may change length (rare in t2s), in which case the text is converted character by
character instead, each character through the same dictionary. So an offset found on the
converted text indexes the original text, and evidence is quoted in the respondent's own script.
"""
from __future__ import annotations

from functools import lru_cache

_CHAR_CACHE: dict[str, str] = {}


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def _has_han(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def to_simplified(text: str) -> str:
    """`text` with Traditional characters replaced by Simplified ones; same length, same offsets."""
    if not text or not _has_han(text):
        return text
    if "\x00" in text:   # the C++ converter stops at NUL: convert the pieces
        return "\x00".join(to_simplified(piece) for piece in text.split("\x00"))
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(_char(ch) for ch in text)


def _char(ch: str) -> str:
    out = _CHAR_CACHE.get(ch)
    if out is None:
        out = _converter().convert(ch) if _has_han(ch) else ch
        if len(out) != 1:
            out = ch
        _CHAR_CACHE[ch] = out
    return out
