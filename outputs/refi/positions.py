"""Selection positions in REFI-QDA projects: which unit each writer counts in, and conversion to
qualmine's offsets (Unicode code points, as Python indexes `str`).

The standard counts characters. NVivo for Windows counts UTF-16 code units (.NET strings): a
character outside the Basic Multilingual Plane (emoji, CJK extension B) counts 2; the source's
BOM is not counted; CRLF counts 2 (as it does in code points when the line endings are kept, which
qualmine does). Reading one as the other silently shifts every selection after the first emoji.

`choose_rule` decides per project: a rule the file declares (qualmine's own block) wins; NVivo for
Windows (from `origin` and the archive's traits) means UTF-16; everything else is counted as the
standard says, in code points. Whenever the two rules place any selection differently, both are
checked (in range, not inside a surrogate pair, and, when the selection carries its text as
`name`, that text found there) and a rule the evidence contradicts is not used.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Literal

PositionRule = Literal["codepoints", "utf16"]
RULES: tuple[PositionRule, ...] = ("codepoints", "utf16")
RULE_WORDS = {"codepoints": "code points (the REFI-QDA standard)",
              "utf16": "UTF-16 code units after the BOM, CRLF = 2 (NVivo for Windows)"}
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")   # characters outside the BMP: 2 UTF-16 units each
SHORT_WORDS = {"codepoints": "code points", "utf16": "UTF-16 units"}
# What users type for `--positions`: the tool whose convention to write.
EXPORT_RULES: dict[str, PositionRule] = {"standard": "codepoints", "codepoints": "codepoints",
                                         "nvivo": "utf16", "utf16": "utf16"}


class OffsetMap:
    """Converts between code-point offsets of `text` and offsets counted by `rule`."""

    def __init__(self, text: str, rule: PositionRule):
        if rule not in RULES:   # e.g. build_qde(positions=...) from a caller: a typo would silently count code points
            raise ValueError(f"The counting rule must be one of {', '.join(RULES)}. Got {rule!r}.")
        self.length = len(text)
        self.rule = rule
        # Only characters outside the BMP count differently; most texts have none (identity map).
        astral = [m.start() for m in _ASTRAL.finditer(text)] if rule == "utf16" and not text.isascii() else []
        self._astral = astral
        self._unit_starts = [a + k for k, a in enumerate(astral)]   # where astral char k starts, in units

    @property
    def identity(self) -> bool:
        return not self._astral

    @property
    def units(self) -> int:
        """The text's length counted by the rule."""
        return self.length + len(self._astral)

    def to_units(self, chars: int) -> int:
        """Code-point offset -> the rule's offset."""
        return chars + bisect_left(self._astral, chars)

    def to_chars(self, units: int) -> int | None:
        """The rule's offset -> code-point offset; None if it falls inside a surrogate pair or
        outside the text."""
        if not 0 <= units <= self.units:
            return None
        if not self._astral:
            return units
        at = bisect_left(self._unit_starts, units - 1)
        if at < len(self._unit_starts) and self._unit_starts[at] == units - 1:
            return None   # between the two halves of one character
        return units - bisect_right(self._unit_starts, units - 2)


@dataclass(frozen=True)
class RawSelection:
    """A selection as the file gives it, before its positions are interpreted."""

    start: int
    end: int
    name: str = ""


@dataclass
class RuleCheck:
    """How well one counting rule places a project's selections."""

    rule: PositionRule
    fits: int = 0          # in range, non-empty, not splitting a character
    text_matches: int = 0  # of those with a text `name`, how many find that text at the position
    named: int = 0


@dataclass(frozen=True)
class PositionChoice:
    """The rule used for a project, why, and how every candidate fared."""

    rule: PositionRule
    reason: str
    total: int
    checks: dict[str, RuleCheck] = field(default_factory=dict)
    ambiguous: bool = False

    def summary(self) -> str:
        """One line for the import's notes: the rule, why, and how the selections fit."""
        used = self.checks.get(self.rule)
        fit = f"{used.fits} of {self.total} selection(s) fit it" if used else f"{self.total} selection(s)"
        text = f"positions read as {RULE_WORDS[self.rule]}, because: {self.reason}; {fit}"
        if self.ambiguous:
            parts = []
            for rule in RULES:
                check = self.checks[rule]
                match = f", {check.text_matches} of {check.named} find their named text" if check.named else ""
                parts.append(f"{SHORT_WORDS[rule]} {check.fits} fit{match}")
            text += " (checked both ways: " + "; ".join(parts) + ")"
        return text


def place(start: int, end: int, offsets: OffsetMap) -> tuple[int, int] | str:
    """(start, end) in code points, or why the selection cannot be placed."""
    if start >= end:
        return f"empty or reversed selection ({start}-{end})"
    if start < 0 or end > offsets.units:
        return f"outside its text (0-{offsets.units} counted as {offsets.rule})"
    s, e = offsets.to_chars(start), offsets.to_chars(end)
    if s is None or e is None:
        return f"{start}-{end} splits a character in two (counted as {offsets.rule})"
    return s, e


def _text_matches(name: str, piece: str) -> bool:
    """Tools that put the selected text in `name` often shorten it; compare the common start."""
    name, piece = " ".join(name.split()), " ".join(piece.split())
    if not name or not piece:
        return False
    n = min(len(name), len(piece), 40)
    return name.rstrip(".… ")[:n] == piece[:n] or piece.startswith(name.rstrip(".… "))


def check_rule(rule: PositionRule, sources: list[tuple[str, list[RawSelection]]]) -> RuleCheck:
    check = RuleCheck(rule)
    for text, selections in sources:
        offsets = OffsetMap(text, rule)
        for sel in selections:
            placed = place(sel.start, sel.end, offsets)
            if isinstance(placed, str):
                continue
            check.fits += 1
            if sel.name.strip():
                check.named += 1
                check.text_matches += _text_matches(sel.name, text[placed[0]:placed[1]])
    return check


def expected_rule(origin: str, *, upper_sources: bool, bom: bool) -> tuple[PositionRule | None, str]:
    """The rule the writer's identity implies, or None when it does not say (checked both ways)."""
    low = origin.lower()
    if "nvivo" in low:
        # Seen in real files: "NVivo for Windows 12.6", "NVivo 14", "NVivo 12 For Mac".
        if re.search(r"\bmac(os| os)?\b", low):
            return None, f"origin {origin!r} is NVivo for Mac, whose counting is not documented"
        windows = bool(re.search(r"\bwin(dows)?\b", low))
        if windows or upper_sources or bom:
            traits = [t for t, on in (("origin names Windows", windows), ("'Sources/' folder", upper_sources),
                                      ("BOM in the source files", bom)) if on]
            return "utf16", f"origin {origin!r}, " + ", ".join(traits)
        return None, f"origin {origin!r} does not say which NVivo wrote it"
    if origin:
        return "codepoints", f"origin {origin!r}"
    return "codepoints", "no origin given"


def choose_rule(sources: list[tuple[str, list[RawSelection]]], *, origin: str = "", declared: str | None = None,
                upper_sources: bool = False, bom: bool = False) -> PositionChoice:
    """Pick the counting rule for a project's selections (see the module docstring)."""
    total = sum(len(s) for _, s in sources)
    if declared in RULES:
        return PositionChoice(declared, "declared by the file's qualmine block", total,
                              {declared: check_rule(declared, sources)})
    expected, reason = expected_rule(origin, upper_sources=upper_sources, bom=bom)
    differs = any(_ASTRAL.search(text) for text, sels in sources if sels)
    if not differs:
        rule = expected or "codepoints"
        why = "no character outside the BMP in any coded source, so both rules agree"
        return PositionChoice(rule, why, total, {rule: check_rule(rule, sources)})
    checks = {rule: check_rule(rule, sources) for rule in RULES}

    def evidence(rule: str) -> tuple[int, int]:
        c = checks[rule]
        return c.text_matches, c.fits

    best = max(RULES, key=lambda r: (evidence(r), r == (expected or "codepoints")))
    if expected and evidence(expected) >= evidence(best):
        return PositionChoice(expected, reason, total, checks, True)
    if expected:
        reason = f"{reason} suggests {expected}, but the selections fit {best} better"
    elif evidence("codepoints") == evidence("utf16"):
        reason = f"{reason}; both rules fit equally, so the standard's"
    else:
        reason = f"{reason}; the selections fit {best} better"
    return PositionChoice(best, reason, total, checks, True)
