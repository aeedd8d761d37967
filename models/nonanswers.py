"""Non-substantive answers: "没有", "无", "都挺好", "no", "none", "fine" say nothing a topic model can use.

Open survey questions collect many of them ("Anything you are dissatisfied with?" — "没有。"); fitted
with the rest they become a topic of their own ("没有 / 都挺好 / 无") that looks like a new theme.
`is_non_substantive` recognises an answer made only of such phrases (punctuation, spaces and
filler particles aside): "没有。", "无", "都挺好的", "No.", "Nothing really, all good". Anything
with content beyond them ("没有停车位", "no parking") is substantive.
"""
from __future__ import annotations

import re

ZH_NON_ANSWERS: tuple[str, ...] = (
    "没有", "没", "无", "暂无", "暂时没有", "目前没有", "没什么", "没啥", "没有什么", "没有了", "没了", "都没有",
    "没意见", "没有意见", "无意见", "没建议", "没有建议", "无建议", "没想法", "没有想法", "没有需求", "无需求",
    "都挺好", "挺好", "都好", "很好", "还好", "还行", "还可以", "可以", "都可以", "一般", "一般般", "好", "不错",
    "都不错", "挺不错", "满意", "很满意", "挺满意", "都满意", "基本满意", "不知道", "不清楚", "说不清", "不好说",
    "无所谓", "同上", "略", "无可奉告", "没有不满意", "没有不满", "没什么不满意", "没有特别的", "没什么特别的",
    "没什么意见", "没什么建议", "没什么需求", "暂时没有想法", "都还好", "还不错", "挺好的", "都挺满意",
)
EN_NON_ANSWERS: tuple[str, ...] = (
    "no", "none", "nothing", "nope", "nil", "na", "n/a", "n a", "not really", "nothing really", "nothing much",
    "nothing in particular", "no comment", "no comments", "no idea", "dont know", "don't know", "do not know",
    "not sure", "fine", "all fine", "its fine", "it's fine", "good", "all good", "ok", "okay", "its ok", "it's ok",
    "same as above", "nothing to add", "no complaints", "no suggestions", "none really", "not at the moment",
    "satisfied", "all good thanks", "thanks", "thank you",
)
_PARTICLES = "的了吧啊呀哦嗯呢哈啦"
_EN_TAILS = ("really", "thanks", "thank you", "so far", "at all", "for now", "i think", "i guess")
_SPLIT = re.compile(r"[,，。.!！?？;；:：、/\\\-—…~～\"“”'‘’()（）]+")
_ZH = frozenset(ZH_NON_ANSWERS)
_EN = frozenset(EN_NON_ANSWERS)


def _is_non_answer(phrase: str) -> bool:
    phrase = " ".join(phrase.lower().split())
    if not phrase or phrase in _EN or phrase in _EN_TAILS:
        return True
    for tail in _EN_TAILS:          # "nothing really", "fine thanks"
        if phrase.endswith(" " + tail) and phrase[: -len(tail) - 1] in _EN:
            return True
    stripped = phrase.rstrip(_PARTICLES) or phrase
    return stripped in _ZH or stripped.replace("地方", "").rstrip(_PARTICLES) in _ZH


def is_non_substantive(text: str) -> bool:
    """True when every phrase of the answer (split at punctuation) is a non-answer or a filler."""
    text = str(text or "")
    if " ".join(text.lower().split()).strip(" .!?。！？") in _EN:      # "n/a", "N.A." before splitting at "/"
        return True
    return all(_is_non_answer(p) for p in _SPLIT.split(text))
