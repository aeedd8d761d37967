"""Encoding detection: UTF-8, UTF-8 with BOM, GBK/GB18030, and the rejections."""
import codecs

import pytest

from qualmine.corpus import ingest_corpus
from qualmine.corpus.encoding import decode_bytes
from qualmine.corpus.errors import Rejected

TEXT = "问：您好，住得怎么样？\n答：电梯经常坏，物业不管。\n"


@pytest.mark.parametrize("raw, expected", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("gbk"), "gb18030"),
    (TEXT.encode("gb18030"), "gb18030"),
    (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
])
def test_decodes_and_records_encoding(raw, expected):
    text, used = decode_bytes(raw)
    assert text == TEXT            # in particular: no BOM at the start
    assert used == expected


def test_gb18030_only_characters():
    text = "答：𠀀字和€符号\n"       # outside GBK, inside GB18030
    assert decode_bytes(text.encode("gb18030")) == (text, "gb18030")


@pytest.mark.parametrize("raw, reason", [
    (b"", "empty file"),
    (b"  \n\r\n\t", "empty file"),
    (codecs.BOM_UTF8, "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
    (b"abc\x00def", "binary file"),
    (bytes([0x81, 0x20, 0xFF, 0xFE, 0x80]) * 3, "unreadable encoding: not UTF-8 or GB18030"),
])
def test_rejections(raw, reason):
    with pytest.raises(Rejected) as exc:
        decode_bytes(raw)
    assert exc.value.reason == reason


def test_override_is_strict():
    raw = TEXT.encode("gbk")
    assert decode_bytes(raw, "gbk") == (TEXT, "gbk")
    with pytest.raises(Rejected, match="not valid utf-8"):
        decode_bytes(raw, "utf-8")


def test_encodings_through_ingestion(make_corpus, check_offsets):
    root = make_corpus({
        "a_utf8.txt": TEXT.encode("utf-8"),
        "b_bom.txt": codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        "c_gbk.txt": TEXT.encode("gbk"),
        "d_bad.txt": b"\xff\xfe\xfd\x81\x20" * 4 + b"\x80",
        "e_bin.txt": b"\x00\x01\x02binary",
        "f_gbk.csv": "id,意见\n001,停车位太少了，晚上没地方停车\n".encode("gbk"),
    })
    corpus = ingest_corpus(root)
    by_file = {r.source_file: r for r in corpus.report if r.row is None}
    assert by_file["a_utf8.txt"].encoding == "utf-8"
    assert by_file["b_bom.txt"].encoding == "utf-8-sig"
    assert by_file["c_gbk.txt"].encoding == "gb18030"
    assert by_file["f_gbk.csv"].encoding == "gb18030"
    assert by_file["d_bad.txt"].status == "rejected"
    assert by_file["d_bad.txt"].reason == "unreadable encoding: not UTF-8 or GB18030"
    assert by_file["e_bin.txt"].reason == "binary file"
    # the three readable transcripts give identical documents text and segment texts
    texts = {d.doc_id: d.text for d in corpus.documents}
    assert texts["a_utf8.txt"] == texts["b_bom.txt"] == texts["c_gbk.txt"] == TEXT
    per_doc = {}
    for s in corpus.segments:
        per_doc.setdefault(s.doc_id, []).append((s.start, s.text))
    assert per_doc["a_utf8.txt"] == per_doc["b_bom.txt"] == per_doc["c_gbk.txt"]
    answer = [d for d in corpus.documents if d.source_file == "f_gbk.csv"]
    assert answer[0].text == "停车位太少了，晚上没地方停车" and answer[0].respondent_id == "001"
    check_offsets(corpus)


def test_utf8_wins_when_bytes_are_also_valid_gb18030():
    text = "社区服务我们小区"
    raw = text.encode("utf-8")
    raw.decode("gb18030")                # valid (mojibake) GB18030 too: order matters
    assert decode_bytes(raw) == (text, "utf-8")


def test_override_drops_a_bom_only_for_utf8():
    # A UTF-8 BOM in front of bytes the manifest says are Latin-1 is three Latin-1 characters.
    raw = codecs.BOM_UTF8 + "café\n".encode("latin-1")
    assert decode_bytes(raw, "latin-1") == ("ï»¿café\n", "iso8859-1")
    assert decode_bytes(codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8") == (TEXT, "utf-8-sig")
    # Korean UTF-16-LE text whose first bytes happen to be EF BB BF ('믯' is EF BB, '삿' is BF C0).
    korean = "믯삿 안녕하세요\n"
    assert korean.encode("utf-16-le").startswith(codecs.BOM_UTF8)
    assert decode_bytes(korean.encode("utf-16-le"), "utf-16-le") == (korean, "utf-16-le")


@pytest.mark.parametrize("codec", ["utf-16-le", "UTF-16LE"])
def test_utf16_without_bom_reads_with_the_override_it_is_told_to_set(codec):
    # Bug: the binary test ran before the override, so a file rejected with "set `encoding:
    # utf-16-le`" was rejected again, with the same advice, once the manifest said so.
    raw = TEXT.encode("utf-16-le")
    with pytest.raises(Rejected) as exc:
        decode_bytes(raw)
    assert "utf-16-le" in exc.value.reason
    assert decode_bytes(raw, codec) == (TEXT, "utf-16-le")
    assert decode_bytes(TEXT.encode("utf-16-be"), "utf-16-be") == (TEXT, "utf-16-be")


def test_override_still_rejects_binary_for_byte_codecs():
    with pytest.raises(Rejected) as exc:
        decode_bytes(b"abc\x00def", "gb18030")
    assert exc.value.reason == "binary file"


@pytest.mark.parametrize("codec", ["zlib", "hex", "rot13"])
def test_override_naming_a_bytes_codec_is_rejected(codec):
    # These codecs exist but turn bytes into bytes: bytes.decode() raised a bare LookupError.
    with pytest.raises(Rejected) as exc:
        decode_bytes(codecs.BOM_UTF8 + TEXT.encode("utf-8"), codec)
    assert exc.value.reason == f"unknown encoding {codec!r}: not a text encoding"


def _big5_chars(lead: int) -> list[str]:
    """The characters Big5 encodes with this lead byte, in code order."""
    out = []
    for trail in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
        try:
            out.append(bytes([lead, trail]).decode("big5"))
        except UnicodeDecodeError:
            pass
    return out


# GB2312 hanzi from row B0 whose two bytes are also Big5 level-1 characters: both readings are common.
BOTH_COMMON = b"\xb0\xa1\xb0\xa2\xb0\xa3\xb0\xa4\xb0\xa5\xb0\xa6\xb0\xa7\xb0\xa8\xb0\xa9"
# ...and one pair GB18030 reads as a rare GBK character (癅) while Big5 reads a level-1 one (虔).
GB_RARE_BIG5_COMMON = b"\xb0@"
LAST_LEVEL1 = "".join(_big5_chars(0xC6)[:9])     # level-1 characters with the last lead byte, 0xC6 (讖艷...)
KANA = "".join(_big5_chars(0xC7)[:10])            # Big5's kana (lead 0xC7): not level 1
LEVEL2 = "".join(_big5_chars(0xC9)[:10])          # rare level-2 characters (乂乜凵...)


def test_big5_level1_ends_with_lead_byte_c6_and_kana_or_level2_text_is_no_chinese():
    assert decode_bytes(LAST_LEVEL1.encode("big5")) == (LAST_LEVEL1, "big5")
    for text in (KANA, LEVEL2):
        with pytest.raises(Rejected, match="not Big5 either"):
            decode_bytes(text.encode("big5"))


def test_big5_at_exactly_the_common_share_is_big5():
    # 9 of 10 characters level 1 (share 0.9, the floor) while GB18030 reads them as rare ones
    text = LAST_LEVEL1 + LEVEL2[0]
    assert decode_bytes(text.encode("big5")) == (text, "big5")


def test_gbk_wins_when_both_readings_are_common_and_the_shares_are_compared_on_chinese_only():
    # A tie goes to GB18030: it is read first and trusted at 0.9 already.
    assert decode_bytes(BOTH_COMMON) == (BOTH_COMMON.decode("gb18030"), "gb18030")
    at_floor = BOTH_COMMON + GB_RARE_BIG5_COMMON            # GB18030 share exactly 0.9
    assert decode_bytes(at_floor) == (at_floor.decode("gb18030"), "gb18030")
    # 6 of 10 common as GB18030 (0.6) but all level 1 as Big5: Big5
    mixed = BOTH_COMMON[:12] + LAST_LEVEL1[:4].encode("big5")
    assert decode_bytes(mixed) == (mixed.decode("big5"), "big5")
    # ASCII (ids, numbers, '~', DEL) counts for neither reading: it would make any reading "common"
    padded = mixed + b"ID-0001,2024~" * 10 + b"\x7f" * 40
    assert decode_bytes(padded) == (padded.decode("big5"), "big5")


def test_gb18030_at_exactly_the_plausible_share_is_kept_and_c1_controls_are_rare():
    assert decode_bytes("字和𠀀€".encode("gb18030")) == ("字和𠀀€", "gb18030")       # 2 of 4 common: 0.5
    with pytest.raises(Rejected, match="only 40%"):
        decode_bytes(("好" * 4 + "\x80" * 6).encode("gb18030"))                    # U+0080 is no Chinese


@pytest.mark.parametrize("raw", [
    "ab c".encode("utf-16-le"),                                   # 8 bytes: just long enough to tell
    ("Q:ok?A:yes,fine.Q:why?A:because-" * 20 + "\n").encode("utf-16-le") + b"!",   # odd length, the only mark last
    "Øre og Ø: hei\n".encode("utf-16-be"),                        # as little-endian a lone surrogate
    ("x" * 4095 + "\n" + "y" * 200).encode("utf-16-le"),          # the mark in the last 2 bytes of the sample
    ("答：电梯经常坏" + "\x01" + "物业不管，" * 8).encode("utf-16-le"),   # one control character in 48: still text
])
def test_utf16_without_bom_is_named(raw):
    with pytest.raises(Rejected) as exc:
        decode_bytes(raw)
    assert exc.value.reason.startswith("UTF-16 text without a byte-order mark")


@pytest.mark.parametrize("raw", [
    "\x01\x02\x03\x04\x05\x06\x07\n".encode("utf-16-le"),          # mostly control characters
    ("\x01" + "ab cdefghijklmnopqr").encode("utf-16-le"),          # exactly 19 of 20 readable: not over 0.95
    ("x" * 4096 + "\n").encode("utf-16-le"),                       # the mark just past the 8192-byte sample
    "ab ".encode("utf-16-le"),                                     # 6 bytes: too short to tell
])
def test_binary_that_is_not_utf16_text(raw):
    with pytest.raises(Rejected) as exc:
        decode_bytes(raw)
    assert exc.value.reason == "binary file"



def test_gbk_whose_only_non_ascii_characters_are_ideographic_spaces_is_gb18030():
    raw = b"Room A\xa1\xa1ok\n"            # GBK's U+3000: no character to share, so nothing rare either
    assert decode_bytes(raw) == ("Room A\u3000ok\n", "gb18030")
