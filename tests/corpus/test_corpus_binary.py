"""corpus.encoding.looks_binary at its limits: which C0 controls count, how many make binary, and
that only the first 8192 bytes are sampled."""
from __future__ import annotations

import pytest

from qualmine.corpus.encoding import looks_binary

ALLOWED = {0x09, 0x0A, 0x0C, 0x0D, 0x1A, 0x1B}   # tab, LF, FF, CR, Ctrl-Z, ESC: real exports have them


@pytest.mark.parametrize("byte", range(0x01, 0x20))
def test_which_control_characters_count(byte):
    data = b"text " + bytes([byte]) * 3 + b" more text"
    assert looks_binary(data) is (byte not in ALLOWED)


def test_nul_is_binary_and_space_and_delete_are_not_controls():
    assert looks_binary(b"text\x00more")
    assert not looks_binary(b"text   \x7f\x7f\x7f more" + b"\x20" * 3)


@pytest.mark.parametrize("length, controls, binary", [
    (50, 2, False), (50, 3, True),              # short texts: more than 2
    (1000, 10, False), (1000, 11, True),        # longer: more than 1 in 100
])
def test_how_many_controls_make_binary(length, controls, binary):
    data = b"\x01" * controls + b"a" * (length - controls)
    assert looks_binary(data) is binary


def test_only_the_first_8192_bytes_are_sampled():
    # 81 controls in the first 8192 bytes is not more than 8192 // 100: the 8193rd byte is not looked at
    assert not looks_binary(b"a" * (8192 - 81) + b"\x01" * 81 + b"\x01")
    # the 8192nd byte is: 82 controls
    assert looks_binary(b"a" * (8192 - 82) + b"\x01" * 82)


def test_an_override_of_utf8_still_drops_a_bom_and_an_unknown_codec_is_named():
    from qualmine.corpus.encoding import decode_bytes
    from qualmine.corpus.errors import Rejected

    assert decode_bytes("\ufeff开放时间".encode("utf-8"), encoding="utf-8") == ("开放时间", "utf-8-sig")
    assert decode_bytes("开放时间".encode("utf-8"), encoding="utf-8") == ("开放时间", "utf-8")
    assert decode_bytes("\ufeff开放时间".encode("gb18030"), encoding="gb18030")[1] == "gb18030"
    with pytest.raises(Rejected, match="unknown encoding 'no-such-codec'"):
        decode_bytes(b"abc", encoding="no-such-codec")
