"""The codebook's labels and examples as training items (coding/suggest/codebook_items.py)."""
from __future__ import annotations

from qualmine.coding.codebook import parse_codebook
from qualmine.coding.suggest.codebook_items import codebook_items

BOOK = parse_codebook("""
name: items book
codes:
  - id: P-PARKING
    kind: problem
    label: {zh: 停车难, en: Parking is hard}
    definition: {en: Too few parking spaces}
    examples: ["小区车位太少，晚上回来停不下", "  No parking after 6pm  ", "Noisy cars all night"]
    counter_examples: ["停车很方便"]
  - id: P-NOISE
    kind: problem
    label: {en: Noise disturbance}
    examples: ["Noisy cars all night"]
""")


def test_labels_and_examples_become_items_carrying_their_codes():
    items = codebook_items(BOOK)
    assert list(items.columns) == ["text", "lang", "codes"]
    by_text = dict(zip(items["text"], items["codes"]))
    assert by_text["停车难"] == {"P-PARKING"} and by_text["Parking is hard"] == {"P-PARKING"}
    assert by_text["No parking after 6pm"] == {"P-PARKING"}                 # stripped
    assert by_text["Noisy cars all night"] == {"P-PARKING", "P-NOISE"}      # one item, both codes
    assert "停车很方便" not in by_text and "Too few parking spaces" not in by_text   # counter-examples, definitions
    langs = dict(zip(items["text"], items["lang"]))
    assert langs["停车难"] == "zh" and langs["小区车位太少，晚上回来停不下"] == "zh" and langs["Noise disturbance"] == "en"
    assert items["text"].is_unique and len(items) == 6
