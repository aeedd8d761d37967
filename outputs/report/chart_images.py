"""The report's SVG charts as PNG images, for report.docx (Word cannot be relied on to show SVG).

Drawn with CairoSVG (PyPI; needs the system's cairo library, libcairo2 on Debian). Cairo draws
text with ONE font family, the first one named, and no per-glyph fallback: a font stack like the
charts' would give boxes for Chinese. So the PNG is drawn with a font the machine has that covers
Chinese (found with fontconfig's `fc-list :lang=zh`). Without cairo, or with Chinese labels and no
Chinese font, `svg_to_png` returns None with the reason in `why_no_images()`, and the Word report
keeps its charts as tables only — never boxes instead of words.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from functools import lru_cache

_FONT_FAMILY = re.compile(r'font-family="[^"]*"')
LATIN_FAMILY = "DejaVu Sans"


@lru_cache(maxsize=1)
def cjk_font_family() -> str | None:
    """The family name of an installed font that covers Chinese, or None (no fontconfig, no such font)."""
    if shutil.which("fc-list") is None:
        return None
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, timeout=20,
                             check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    families = sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})
    # A proportional face reads better than a monospaced one.
    families.sort(key=lambda f: ("mono" in f.lower(), f))
    return families[0] if families else None


@lru_cache(maxsize=1)
def _cairosvg():
    try:
        import cairosvg
    except (ImportError, OSError):       # OSError: the cairo library itself is missing
        return None
    return cairosvg


def why_no_images(svg_text: str = "") -> str:
    """'' when `svg_to_png` can draw this chart, else the reason it cannot."""
    if _cairosvg() is None:
        return "CairoSVG or the system's cairo library (libcairo2) is not installed"
    if _has_cjk(svg_text) and cjk_font_family() is None:
        return "no font covering Chinese is installed (e.g. Debian's fonts-wqy-microhei or fonts-noto-cjk)"
    return ""


def _has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in "WF" for ch in text)


def svg_to_png(svg_text: str, scale: float = 2.0) -> bytes | None:
    """The chart as PNG bytes at `scale` times its SVG size, or None (see `why_no_images`)."""
    if why_no_images(svg_text):
        return None
    family = cjk_font_family() if _has_cjk(svg_text) else (cjk_font_family() or LATIN_FAMILY)
    drawable = _FONT_FAMILY.sub(f'font-family="{family}"', svg_text)
    return _cairosvg().svg2png(bytestring=drawable.encode("utf-8"), scale=scale)
