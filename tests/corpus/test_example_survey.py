"""The example survey is reproducible: its generator rewrites the committed file byte for byte."""
from __future__ import annotations

from qualmine.corpus import make_example_survey


def test_the_generator_reproduces_the_committed_survey(tmp_path):
    out = tmp_path / "survey_2023.csv"
    make_example_survey.main(out)
    assert out.read_bytes() == make_example_survey.OUT.read_bytes()
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")     # UTF-8 with BOM, as survey tools export
