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
  (c) it is introduced by a concessive and the next clause that starts with a contrast word holds
      a positive word (not negated); the clauses between them are conceded too: the respondent grants a shortcoming to praise something, and
      the praise is the point ("虽然经费有限，但中心的活动办得很用心", "I know money is tight, but
      they still run a great programme"); without the concessive ("排队很久，但是态度很好") both
      statements stand; or
  (b) it describes a past that later changed: it holds a past marker and a LATER clause holds a
      resolution word — a strong past marker (以前, 原来, 过去, used to, in the past) is also
      resolved by "现在 / 如今 / now"; a weak one (去年, 之前, 刚开始, last year, at first, for a
      while, before) only by a resolution word (解决, 好多了, 改善, 不再; sorted, fixed, solved,
      resolved, no longer, better, easy, finished, improved); a later clause holding a worsening
      word (更, 还是, 仍然, 依然; still, worse) cancels it ("以前就排队，现在更严重了").
Applied to the kinds in `NegationRules.negatable_kinds` (problem, cause, need) and to evaluation
codes (`coding.evaluation`, satisfaction): a hit inside a conceded clause is dropped, like a
negated one ("The staff are lovely, but the waiting times are ridiculous" is no praise).
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
    zh_concessive: tuple[str, ...] = ("虽然", "尽管", "虽说", "虽", "倒是", "固然", "我知道", "我理解")
    en_concessive: tuple[str, ...] = ("although", "though", "even though", "while", "granted", "i know",
                                      "i understand", "admittedly")
    zh_positive: tuple[str, ...] = ("方便", "还算", "挺好", "不错", "很好", "合理", "顺利", "及时", "充足",
                                    "够用", "好多了", "快多了", "满意", "挺快", "很快", "好找", "特别好", "非常好",
                                    "用心", "热情", "耐心", "周到")
    en_positive: tuple[str, ...] = ("fine", "ok", "okay", "easy", "good", "great", "lovely", "quick",
                                    "plenty", "reasonable", "sorted", "no problem", "not a problem", "wonderful",
                                    "brilliant", "amazing", "helpful", "friendly", "kind")
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
            turn = next((j for j in range(k + 1, len(spans)) if contrast_at[j]), None)
            if concessive and turn is not None and self._positive(text[slice(*spans[turn])], lang):
                # everything from the concessive to the contrast word is granted: "虽然A，B，但是C"
                out.extend(spans[k:turn])
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


@dataclass(frozen=True)
class ProposalRules:
    """False friends of recommendation codes: a keyword that names what exists, not what is proposed.

    "我在中心做志愿者三年了", "I've been a volunteer here for years" and "志愿者们特别热心" mention
    volunteers; none proposes recruiting them. A recommendation-code hit does not count when its
    clause holds no proposal cue (`zh_proposal` / `en_proposal`: 建议, 希望, 应该, 多, should,
    could, more, why not ...) and either (a) a role word ends at most 6 characters / 12 characters
    (en) before the hit (是, 做, 当, 作为; am, is, are, was, been, as a ...: someone *is* one), or
    (b) a positive word follows the hit in the clause (热心, 很好, 不错; great, brilliant, lovely,
    kind, helpful ...: the existing thing is praised).
    """

    zh_proposal: tuple[str, ...] = ("建议", "希望", "应该", "应当", "可以", "多招", "多找", "多一些", "多些", "再",
                                    "需要", "最好", "能不能", "要是", "招募", "发动", "动员", "鼓励", "缺")
    en_proposal: tuple[str, ...] = ("should", "could", "more", "why not", "suggest", "recommend", "need",
                                    "hope", "wish", "would", "recruit", "encourage", "get", "ask")
    zh_role: tuple[str, ...] = ("是", "做", "当", "作为", "担任")
    en_role: tuple[str, ...] = ("am", "is", "are", "was", "were", "been", "be", "as", "i", "we")
    zh_praise: tuple[str, ...] = ("热心", "很好", "不错", "耐心", "辛苦", "专业", "负责")
    en_praise: tuple[str, ...] = ("great", "brilliant", "lovely", "kind", "helpful", "amazing", "wonderful",
                                  "friendly", "fantastic")

    def __post_init__(self) -> None:
        rx = {}
        for lang, en in (("zh", False), ("en", True)):
            for name in ("proposal", "praise"):
                alt = _words(getattr(self, f"{lang}_{name}"))
                rx[f"{lang}_{name}"] = re.compile(rf"\b(?:{alt})\b" if en else alt)
        rx["zh_role"] = re.compile(f"(?:{_words(self.zh_role)})")
        rx["en_role"] = re.compile(rf"\b(?:{_words(self.en_role)})\b(?:\s+(?:a|an|the|one of the))?\s+(?:\w+\s+)?$")
        object.__setattr__(self, "_rx", rx)

    def not_proposed(self, clause: str, start: int, end: int, lang: str) -> bool:
        """True when the hit clause[start:end] names an existing role or praises it (see the class docstring)."""
        lang = "zh" if lang == "zh" else "en"
        rx = self._rx
        if rx[f"{lang}_proposal"].search(clause):
            return False
        if lang == "zh":
            role = rx["zh_role"].search(clause, max(0, start - 6), start) is not None
        else:
            role = rx["en_role"].search(clause[max(0, start - 24):start]) is not None
        return role or rx[f"{lang}_praise"].search(clause, end) is not None
