"""Concession and change: problem statements a respondent grants away, for the rule coder.

"尽管停车还算方便，可是噪音实在受不了" is about noise; "Parking was awful last year but it's
sorted now" is about nothing wrong today. `ConcessionRules.conceded(text, lang)` returns the
clauses whose problem, cause and need hits do not count. The rules, exactly:

Clauses: the text is cut at clause marks (，,。；;！!？?、 newline) and before contrast words
(zh: 但是 但 可是 不过 然而 就是 可惜 只是; en: but, however, though, although, whereas, yet).
A clause is *conceded* when
  (a) it concedes a positive evaluation: it is introduced by a concessive (虽然, 尽管, 虽说,
      倒是; although, though, even though, while) or a later clause starts with a contrast word,
      and it holds a word of `zh_positive` / `en_positive` (方便, 还算, 挺好, 合理, 不错 ...;
      fine, ok, easy, good, great, lovely ...) that no negator (不, 没, 没有, 并不, 不太 / not,
      n't, never, no, hardly) precedes within 2 characters / 2 words ("停车不方便，但…" stays
      a problem; "The volunteers were great" alone concedes nothing); or
  (b) it describes a past that later changed: it holds a past marker and a LATER clause holds a
      resolution word — a strong past marker (以前, 原来, 过去, used to, in the past) is also
      resolved by "现在 / 如今 / now"; a weak one (去年, 之前, 刚开始, last year, at first, for a
      while, before) only by a resolution word (解决, 好多了, 改善, 不再; sorted, fixed, solved,
      resolved, no longer, better, easy, finished, improved); a later clause holding a worsening
      word (更, 还是, 仍然, 依然; still, worse) cancels it ("以前就排队，现在更严重了").
Applied to the kinds in `NegationRules.negatable_kinds` (problem, cause, need): a hit inside a
conceded clause is dropped, like a negated one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_NEGATOR_ZH = re.compile(r"(不|没|没有|并不|不太|不算|不够)$")
_NEGATOR_EN = re.compile(r"\b(not|n't|never|no|hardly|nothing)\b(\s+\S+)?\s*$")


def _words(items: tuple[str, ...]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(items), key=len, reverse=True))


@dataclass(frozen=True)
class ConcessionRules:
    zh_contrast: tuple[str, ...] = ("但是", "可是", "不过", "然而", "就是", "可惜", "只是", "但")
    en_contrast: tuple[str, ...] = ("but", "however", "though", "although", "whereas", "yet")
    zh_concessive: tuple[str, ...] = ("虽然", "尽管", "虽说", "虽", "倒是", "固然")
    en_concessive: tuple[str, ...] = ("although", "though", "even though", "while", "granted")
    zh_positive: tuple[str, ...] = ("方便", "还算", "挺好", "不错", "很好", "合理", "顺利", "及时", "充足",
                                    "够用", "好多了", "快多了", "满意", "挺快", "很快", "好找")
    en_positive: tuple[str, ...] = ("fine", "ok", "okay", "easy", "good", "great", "lovely", "quick",
                                    "plenty", "reasonable", "sorted", "no problem", "not a problem")
    zh_past_strong: tuple[str, ...] = ("以前", "原来", "过去", "从前")
    zh_past_weak: tuple[str, ...] = ("去年", "之前", "刚开始", "一开始", "前几年", "曾经", "早先")
    zh_now: tuple[str, ...] = ("现在", "如今", "目前")
    zh_resolved: tuple[str, ...] = ("解决", "好多了", "快多了", "方便多了", "改善", "不再", "没有了", "没了",
                                    "好了", "改好")
    zh_worse: tuple[str, ...] = ("更", "还是", "仍然", "依然", "照样", "越来越")
    en_past_strong: tuple[str, ...] = ("used to", "in the past", "back then")
    en_past_weak: tuple[str, ...] = ("last year", "at first", "for a while", "before", "previously",
                                     "a while ago", "initially")
    en_now: tuple[str, ...] = ("now", "these days", "nowadays")
    en_resolved: tuple[str, ...] = ("sorted", "fixed", "solved", "resolved", "no longer", "better", "easy",
                                    "finished", "improved", "stopped", "gone")
    en_worse: tuple[str, ...] = ("still", "worse", "even more")

    def __post_init__(self) -> None:
        def rx(items, en):
            alt = _words(items)
            return re.compile(rf"\b(?:{alt})\b" if en else f"(?:{alt})") if alt else re.compile("(?!)")

        compiled = {}
        for lang, en in (("zh", False), ("en", True)):
            for name in ("concessive", "contrast", "positive", "past_strong", "past_weak", "now", "resolved", "worse"):
                compiled[f"{lang}_{name}"] = rx(getattr(self, f"{lang}_{name}"), en)
        marks = re.escape("，,。；;！!？?、\n\r")
        compiled["zh_clause"] = re.compile(f"[{marks}]|(?<!不)(?={_words(self.zh_contrast)})")
        compiled["en_clause"] = re.compile(rf"[{marks}]|(?=\b(?:{_words(self.en_contrast)})\b)")
        object.__setattr__(self, "_rx", compiled)

    def clauses(self, text: str, lang: str) -> list[tuple[int, int]]:
        """Clause spans of `text` (lower-cased normalised text), cut as the module docstring says."""
        cuts = [0]
        for m in self._rx[f"{lang}_clause"].finditer(text):
            if m.start() > cuts[-1]:
                cuts.append(m.start())
            if m.end() > m.start():
                cuts.append(m.end())
        cuts.append(len(text))
        return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]

    def conceded(self, text: str, lang: str) -> list[tuple[int, int]]:
        """The clauses of `text` (lower-cased, normalised) whose problem statements do not count."""
        lang = "zh" if lang == "zh" else "en"
        rx = self._rx
        spans = self.clauses(text, lang)
        out = []
        contrast_at = [bool(rx[f"{lang}_contrast"].match(text[a:b].lstrip())) for a, b in spans]
        for k, (a, b) in enumerate(spans):
            clause = text[a:b]
            concessive = (rx[f"{lang}_concessive"].search(clause) if lang == "zh"
                          else rx[f"{lang}_concessive"].match(clause.lstrip()))
            if (concessive or any(contrast_at[k + 1:])) and self._positive(clause, lang):
                out.append((a, b))
                continue
            strong = rx[f"{lang}_past_strong"].search(clause)
            weak = rx[f"{lang}_past_weak"].search(clause)
            if not (strong or weak):
                continue
            later = text[b:]
            if rx[f"{lang}_worse"].search(later):
                continue
            if rx[f"{lang}_resolved"].search(later) or (strong and rx[f"{lang}_now"].search(later)):
                out.append((a, b))
        return out

    def _positive(self, clause: str, lang: str) -> bool:
        negator = _NEGATOR_ZH if lang == "zh" else _NEGATOR_EN
        for m in self._rx[f"{lang}_positive"].finditer(clause):
            before = clause[max(0, m.start() - (2 if lang == "zh" else 20)):m.start()]
            if not negator.search(before):
                return True
        return False
