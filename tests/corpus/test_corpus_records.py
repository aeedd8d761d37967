"""qualmine.corpus.records: the fast positional constructors make the very records the dataclasses make."""
import copy
import dataclasses
import pickle

import pytest

from qualmine.corpus.records import (
    Document, IngestionRecord, Segment, make_segment_id, new_document, new_ingestion_record, new_segment,
    positional_constructor,
)

CASES = [
    (Segment, new_segment, ("seg_1", "a.csv#R1/q", "R1", "q", False, "zh", 0, 4, "开放时间", 0, 0, "q")),
    (Segment, new_segment, ("seg_2", "t.txt", "R2", "答", True, "en", 3, 9, "hello.", 2, 1, None)),
    (Document, new_document, ("a.csv#R1/q", "a.csv", "survey", "开放时间", "R1", {"district": "南岸"}, "q")),
    (IngestionRecord, new_ingestion_record, ("a.csv", "ingested", "", 2, "R1", None, 3, "utf-8", "survey")),
    (IngestionRecord, new_ingestion_record, ("a.csv", "skipped", "empty answer", None, None, None, 0, None, None)),
]


@pytest.mark.parametrize("cls, new, values", CASES)
def test_positional_constructor_makes_the_same_record(cls, new, values):
    fast, slow = new(*values), cls(*values)
    assert type(fast) is cls
    assert fast == slow and repr(fast) == repr(slow)
    if not isinstance(getattr(slow, "attributes", None), dict):   # a Document (dict field) is unhashable
        assert hash(fast) == hash(slow)
    assert dataclasses.asdict(fast) == dataclasses.asdict(slow)
    assert [getattr(fast, f.name) for f in dataclasses.fields(cls)] == list(values)
    assert pickle.loads(pickle.dumps(fast)) == slow
    assert copy.copy(fast) == slow and dataclasses.replace(fast) == slow
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(fast, dataclasses.fields(cls)[0].name, "x")


def test_positional_constructor_takes_every_field_positionally():
    with pytest.raises(TypeError):
        new_segment("seg_1", "doc")   # no defaults: a missing field is an error, not a silent None


def test_segment_id_definition_is_stable():
    # the id users' coding decisions hang on: sha1 of doc id, text and occurrence, 16 hex digits
    import hashlib
    expected = "seg_" + hashlib.sha1("a.csv#R1/q\x1f开放时间\x1f1".encode("utf-8")).hexdigest()[:16]
    assert make_segment_id("a.csv#R1/q", "开放时间", 1) == expected


def test_positional_constructor_refuses_records_that_validate_themselves():
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        n: int

        def __post_init__(self):
            if self.n < 0:
                raise ValueError("negative")

    with pytest.raises(TypeError, match="without __post_init__"):
        positional_constructor(Checked)
