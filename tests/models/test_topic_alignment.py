"""Topic-to-code alignment on a hand-checked case, and candidate codes that validate as a codebook."""
import pandas as pd
from typer.testing import CliRunner

from qualmine.coding.codebook import parse_codebook
from qualmine.models.alignment import candidate_codes, candidate_codes_yaml, topic_code_alignment, unexplained_topics

CODEBOOK = """
name: test
codes:
  - id: P-HOURS
    kind: problem
    label: {zh: 开放时间, en: Opening hours}
    keywords: {zh: [排队, 开放时间], en: [queue]}
  - id: N-YOUTH
    kind: need
    label: {en: Youth activities}
    keywords: {en: [youth, club]}
"""


def frames():
    # topic en-01: s1 s2 s3 s4; topic en-02: s5 s6; topic en-03: s7
    dominant = pd.DataFrame({"segment_id": [f"s{i}" for i in range(1, 8)],
                             "topic_id": ["en-01"] * 4 + ["en-02"] * 2 + ["en-03"]})
    applications = pd.DataFrame({"segment_id": ["s1", "s2", "s3", "s5", "s9"],
                                 "code_id": ["P-HOURS", "P-HOURS", "N-YOUTH", "N-YOUTH", "P-HOURS"]})
    topics = pd.DataFrame({
        "topic_id": ["en-01"] * 3 + ["en-02"] * 3 + ["en-03"] * 3, "lang": ["en"] * 9,
        "rank": [1, 2, 3] * 3, "term": ["queue", "wait", "hour", "club", "event", "weekend", "rent", "flat", "price"],
        "label": ["queue / wait / hour"] * 3 + ["club / event / weekend"] * 3 + ["rent / flat / price"] * 3})
    code_terms = {"P-HOURS": {"排队", "开放时间", "queue"}, "N-YOUTH": {"youth", "club"}}
    return dominant, applications, topics, code_terms


def test_alignment_counts_shares_terms_and_best():
    dominant, applications, topics, code_terms = frames()
    table = topic_code_alignment(dominant, applications, topics, parse_codebook(CODEBOOK), code_terms)
    rows = {(r.topic_id, r.code_id): r for r in table.itertuples()}
    assert set(rows) == {("en-01", "P-HOURS"), ("en-01", "N-YOUTH"), ("en-02", "N-YOUTH")}
    hours = rows[("en-01", "P-HOURS")]
    assert (hours.topic_segments, hours.overlap_segments, hours.share) == (4, 2, 0.5)
    assert hours.code_segments == 2            # s9 is not a modelled segment
    assert (hours.term_overlap, hours.shared_terms, hours.best) == (1, "queue", True)
    youth = rows[("en-01", "N-YOUTH")]
    assert (youth.overlap_segments, youth.share, youth.term_overlap, youth.best) == (1, 0.25, 0, False)
    assert rows[("en-02", "N-YOUTH")].share == 0.5 and rows[("en-02", "N-YOUTH")].shared_terms == "club"
    assert unexplained_topics(topics, table, threshold=0.3) == ["en-03"]
    assert unexplained_topics(topics, table, threshold=0.6) == ["en-01", "en-02", "en-03"]


def test_candidate_codes_fragment_passes_codebook_validation(tmp_path):
    dominant, applications, topics, code_terms = frames()
    table = topic_code_alignment(dominant, applications, topics, parse_codebook(CODEBOOK), code_terms)
    book = candidate_codes(topics, table, {"en-03": ["The rent is too high.", "Flats cost a lot.", "Prices!", "x"]},
                           run_id="r1")
    assert [c.id for c in book.codes] == ["T-EN-03"]
    text = candidate_codes_yaml(book)
    parsed = parse_codebook(text)
    code = parsed.codes[0]
    assert code.kind == "theme" and code.label.en == "rent / flat / price"
    assert code.keywords.en == ("rent", "flat", "price")
    assert code.examples == ("The rent is too high.", "Flats cost a lot.", "Prices!")
    path = tmp_path / "candidate_codes.yaml"
    path.write_text(text, encoding="utf-8")
    from qualmine.flows.cli.app import app
    result = CliRunner().invoke(app, ["codebook", "check", str(path)])
    assert result.exit_code == 0, result.output
    assert "OK" in result.output


def test_no_candidates_when_every_topic_is_explained():
    dominant, applications, topics, code_terms = frames()
    topics = topics[topics["topic_id"] != "en-03"]
    table = topic_code_alignment(dominant, applications, topics, parse_codebook(CODEBOOK), code_terms)
    assert candidate_codes(topics, table, {}) is None
