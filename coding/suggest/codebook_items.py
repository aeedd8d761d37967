"""The codebook's own coded texts as training items for the learned model.

A code's labels (zh, en) and its `examples` are texts the team has coded by writing the codebook:
each is an item carrying that one code. With few reviewed segments they tell the model what a
code is about before coders have reviewed many of its segments (NHS FFT, 45 codes, uncertainty
order: micro-F1 0.456 / 0.509 / 0.576 / 0.633 at 50 / 100 / 200 / 500 reviewed without them, see
coding/SUGGEST.md for the figures with them). Definitions are left out (they read like a
glossary, not like an answer: adding them did not help), and so are `counter_examples` (what
one code must not catch may still carry another code).
"""
from __future__ import annotations

import pandas as pd

from qualmine.coding.codebook import Codebook
from qualmine.corpus.lang import detect_lang

ITEM_COLUMNS = ("text", "lang", "codes")


def codebook_items(codebook: Codebook) -> pd.DataFrame:
    """One row per distinct text: columns text, lang, codes (the frozenset of code ids it stands for).

    A text given for two codes (the same quote as an example of both) is one item with both.
    """
    codes_of: dict[str, set[str]] = {}
    lang_of: dict[str, str] = {}
    for code in codebook.codes:
        texts = [(code.label.zh, "zh"), (code.label.en, "en"), *((example, None) for example in code.examples)]
        for text, lang in texts:
            text = text.strip() if isinstance(text, str) else ""
            if text:
                codes_of.setdefault(text, set()).add(code.id)
                lang_of.setdefault(text, lang or detect_lang(text))
    return pd.DataFrame({"text": list(codes_of), "lang": [lang_of[t] for t in codes_of],
                         "codes": [frozenset(c) for c in codes_of.values()]}, columns=list(ITEM_COLUMNS))
