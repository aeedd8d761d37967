"""manifest.yaml: overrides, missing files, and errors that name file, line, field, expectation."""
import pytest

from qualmine.corpus import CorpusError, ingest_corpus

TRANSCRIPT = "问：您好？\n答：挺好的。\n"


def error_of(make_corpus, manifest: str) -> str:
    root = make_corpus({"manifest.yaml": manifest, "a.txt": TRANSCRIPT})
    with pytest.raises(CorpusError) as exc:
        ingest_corpus(root)
    message = str(exc.value)
    assert str(root / "manifest.yaml") in message
    return message


@pytest.mark.parametrize("manifest, expected", [
    ("files:\n  - path: a.txt\n    kind: transcript\n    respondnt_id: I01\n",
     "line 4: field files[0]: unknown field 'respondnt_id' (allowed: path, kind,"),
    ("files:\n  - path: a.txt\n\n    kind: transcripts\n",
     "line 4: field files[0].kind: expected 'survey' or 'transcript' (got 'transcripts')"),
    ("files:\n  - path: a.txt\n  - kind: survey\n",
     "line 3: field files[1].path: required field missing"),
    ("files:\n  - path: a.txt\n    id_column: id\n",
     "line 3: field files[0].id_column: expected only with kind: survey (this file is kind: transcript)"),
    ("files:\n  - path: s.csv\n    open_columns: q1\n",
     "line 3: field files[0].open_columns: expected a valid list (got 'q1')"),
    ("files:\n  - path: a.txt\n    encoding: klingon\n",
     "line 3: field files[0].encoding: expected a known text encoding"),
    ("files:\n  - path: ../a.txt\n", "line 2: field files[0].path: expected a path relative"),
    ("files:\n  - path: a.txt\n  - path: a.txt\n", "path 'a.txt' is listed twice"),
    ("fils: []\n", "line 1: field top level: unknown field 'fils'"),
    ("files:\n  - path: a.txt\n   kind: x\n", "line 3: invalid YAML"),
    ("- a.txt\n", "line 1: expected a mapping with a 'files:' list"),
])
def test_manifest_errors(make_corpus, manifest, expected):
    assert expected in error_of(make_corpus, manifest)


def test_transcript_overrides_and_missing_file(make_corpus, check_offsets):
    root = make_corpus({
        "manifest.yaml": (
            "files:\n"
            "  - path: sub/a.txt\n    kind: transcript\n    respondent_id: I01\n"
            "    attributes: {role: 居民, age_group: 60+, floor: 6}\n    interviewer_labels: [张医生]\n"
            "  - path: gone.txt\n"
            "  - path: b.txt\n    encoding: gbk\n"
        ),
        "sub/a.txt": "张医生：哪里不舒服？\n李阿姨：腿疼。\n问：这行的问也算受访者\n",
        "b.txt": "问：好吗？\n答：好。\n".encode("gbk"),
        "extra.txt": TRANSCRIPT,
    })
    corpus = ingest_corpus(root)
    check_offsets(corpus)
    a = [s for s in corpus.segments if s.doc_id == "sub/a.txt"]
    assert [(s.speaker, s.is_interviewer, s.respondent_id) for s in a] == [
        ("张医生", True, "I01"), ("李阿姨", False, "I01"), ("问", False, "I01")]
    assert {d.doc_id: d for d in corpus.documents}["sub/a.txt"].attributes == {"role": "居民", "age_group": "60+", "floor": "6"}
    people = corpus.respondents.set_index("respondent_id")
    assert people.loc["I01", "role"] == "居民" and people.loc["extra", "role"] == ""
    report = {r.source_file: r for r in corpus.report}
    assert report["gone.txt"].status == "rejected"
    assert report["gone.txt"].reason == "file listed in manifest.yaml not found"
    assert report["b.txt"].encoding == "gbk" and report["b.txt"].status == "ingested"
    assert "extra.txt: not listed in manifest.yaml; read as transcript from its extension" in corpus.notes


def test_kind_mismatch_rejected(make_corpus):
    root = make_corpus({"manifest.yaml": "files:\n  - path: a.txt\n    kind: survey\n", "a.txt": TRANSCRIPT})
    (record,) = ingest_corpus(root).report
    assert record.status == "rejected" and record.reason.startswith("kind 'survey' in manifest.yaml needs a .csv or .xlsx")


def test_empty_manifest_is_fine(make_corpus):
    root = make_corpus({"manifest.yaml": "", "a.txt": TRANSCRIPT})
    assert [r.status for r in ingest_corpus(root).report] == ["ingested"]
