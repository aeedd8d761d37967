"""Issue #17 item 8: nothing in the corpus folder is dropped without a row in the ingestion report."""
from __future__ import annotations

import os

import pytest

from qualmine.corpus.encoding import decode_bytes
from qualmine.corpus.errors import Rejected
from qualmine.corpus.ingest import ingest_corpus

TRAD = "訪談員：您覺得社區服務怎麼樣？\n受訪者：排隊時間太長了，工作人員態度還可以，但是開放時間不夠。\n"
SIMP = "访谈员：您觉得社区服务怎么样？\n受访者：排队时间太长了，工作人员态度还可以，但是开放时间不够。\n"


def rows(corpus):
    return {r.source_file: r for r in corpus.report if r.row is None}


def test_big5_is_read_as_big5_not_gb18030_garbage():
    assert decode_bytes(TRAD.encode("big5")) == (TRAD, "big5")
    assert decode_bytes(SIMP.encode("gbk")) == (SIMP, "gb18030")      # GBK still reads as before


def test_another_legacy_encoding_is_rejected_with_a_reason():
    with pytest.raises(Rejected, match="not Big5 either .*manifest.yaml"):
        decode_bytes("コミュニティセンターの待ち時間が長すぎます。".encode("shift_jis"))


def test_utf16_without_bom_is_named_not_called_binary():
    with pytest.raises(Rejected, match="UTF-16 text without a byte-order mark"):
        decode_bytes(SIMP.encode("utf-16-le"))


def test_hidden_files_and_symlinks_each_get_a_row(tmp_path):
    corpus, outside = tmp_path / "corpus", tmp_path / "private"
    corpus.mkdir()
    outside.mkdir()
    (outside / "secret.txt").write_text("受访者：这是别人的隐私。\n", encoding="utf-8")
    (corpus / "a.txt").write_text(SIMP, encoding="utf-8")
    (corpus / ".hidden.txt").write_text(SIMP, encoding="utf-8")
    (corpus / ".drafts").mkdir()
    (corpus / ".drafts" / "b.txt").write_text(SIMP, encoding="utf-8")
    (corpus / "sub").mkdir()
    (corpus / "sub" / "c.txt").write_text(SIMP, encoding="utf-8")
    os.symlink(outside / "secret.txt", corpus / "leak.txt")
    os.symlink(outside, corpus / "elsewhere")
    os.symlink(corpus / "sub", corpus / "again")
    os.symlink(corpus / "gone.txt", corpus / "dangling.txt")
    os.symlink(corpus / "a.txt", corpus / "alias.txt")
    result = ingest_corpus(corpus)
    report = rows(result)
    assert report["a.txt"].status == report["sub/c.txt"].status == report["alias.txt"].status == "ingested"
    assert report[".hidden.txt"].status == "skipped" and "hidden file" in report[".hidden.txt"].reason
    assert report[".drafts/"].status == "skipped" and "hidden folder" in report[".drafts/"].reason
    assert report["leak.txt"].status == "rejected" and "outside the corpus" in report["leak.txt"].reason
    assert report["elsewhere"].status == "rejected" and "outside the corpus" in report["elsewhere"].reason
    assert report["again"].status == "skipped" and "not followed" in report["again"].reason
    assert report["dangling.txt"].status == "rejected" and "dangling" in report["dangling.txt"].reason
    assert not any("隐私" in d.text for d in result.documents)   # never followed outside


def test_every_sheet_of_a_workbook_is_read_or_reported(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    wb.active.title = "2023"
    wb.active.append(["id", "意见"])
    wb.active.append(["1", "排队时间太长"])
    second = wb.create_sheet("2024")
    second.append(["id", "意见"])
    second.append(["2", "人手紧张"])
    wb.save(tmp_path / "survey.xlsx")
    report = rows(ingest_corpus(tmp_path))
    assert report["survey.xlsx"].status == "ingested"
    assert report["survey.xlsx!2024"].status == "skipped" and "sheet '2024' not read" in report["survey.xlsx!2024"].reason


def test_a_long_answer_is_read_and_the_other_rows_kept(tmp_path):
    long_answer = "排队时间太长。" * 20_000            # 140,000 characters: over csv's default limit
    lines = ["id,意见"] + [f"{i},第{i}位居民说人手紧张，排队{i}分钟太久了，希望改进" for i in range(1, 50)] + [f"50,{long_answer}"]
    (tmp_path / "survey.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = ingest_corpus(tmp_path)
    report = rows(result)
    assert report["survey.csv"].status == "ingested" and report["survey.csv"].reason == "50 of 50 rows ingested"
    assert any(len(d.text) == len(long_answer) for d in result.documents)


def test_a_transcript_with_lone_cr_line_ends_is_read(tmp_path):
    (tmp_path / "mac.txt").write_bytes(SIMP.replace("\n", "\r").encode("utf-8"))
    result = ingest_corpus(tmp_path)
    assert rows(result)["mac.txt"].status == "ingested"
    assert any("排队时间太长" in s.text for s in result.segments)


def test_an_encrypted_workbook_is_named_not_called_corrupt(tmp_path):
    # Excel saves a password-protected .xlsx inside an OLE compound file (magic D0 CF 11 E0).
    (tmp_path / "locked.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    report = rows(ingest_corpus(tmp_path))
    assert report["locked.xlsx"].status == "rejected" and "password-protected" in report["locked.xlsx"].reason


def test_a_workbook_that_inflates_past_the_cap_is_rejected(tmp_path, monkeypatch):
    import zipfile

    from qualmine.corpus import archives

    monkeypatch.setattr(archives, "MAX_INFLATED_BYTES", 1_000_000)
    with zipfile.ZipFile(tmp_path / "bomb.xlsx", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/sharedStrings.xml", b" " * 2_000_000)
    report = rows(ingest_corpus(tmp_path))
    assert report["bomb.xlsx"].status == "rejected" and "inflates to" in report["bomb.xlsx"].reason
