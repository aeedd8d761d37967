"""Speaker turns: every marker style, both colon widths, continuation lines, preamble."""
import pytest

from qualmine.corpus import SpeakerMarkers, find_turns


def turns_of(text, markers=None):
    turns, _ = find_turns(text, markers)
    return [(t.speaker, t.is_interviewer, text[t.start:t.end]) for t in turns]


@pytest.mark.parametrize("iv, resp", [
    ("问", "答"), ("Q", "A"), ("Interviewer", "Respondent"), ("访谈者", "受访者"),
    ("I", "R1"), ("主持人", "张三"), ("Moderator", "Mary Smith"),
])
@pytest.mark.parametrize("colon", [":", "："])
def test_marker_styles(iv, resp, colon):
    text = f"{iv}{colon} 第一个问题？\n{resp}{colon}我的回答。\n{iv}{colon}Next question?\n{resp}{colon} Answer two."
    assert turns_of(text) == [
        (iv, True, "第一个问题？"), (resp, False, "我的回答。"),
        (iv, True, "Next question?"), (resp, False, "Answer two."),
    ]


def test_continuation_lines_and_preamble():
    text = "# 访谈记录\n日期：2023-05-01\nDate: May 1\n\n问：您好？\n答：第一行。\n第二行。\n\n  第三段。  \n问：好的。\n"
    turns, preamble_end = find_turns(text)
    assert text[:preamble_end] == "# 访谈记录\n日期：2023-05-01\nDate: May 1\n\n"
    assert [(t.speaker, text[t.start:t.end]) for t in turns] == [
        ("问", "您好？"), ("答", "第一行。\n第二行。\n\n  第三段。"), ("问", "好的。"),
    ]
    assert [t.index for t in turns] == [0, 1, 2]


def test_markdown_bold_and_fullwidth_letters_and_numbered():
    text = "**Q:** How?\n**A**: Fine.\nＱ：全角\nI2: more\nR12: yes\nP3: also"
    assert turns_of(text) == [
        ("Q", True, "How?"), ("A", False, "Fine."), ("Ｑ", True, "全角"),
        ("I2", True, "more"), ("R12", False, "yes"), ("P3", False, "also"),
    ]


def test_non_markers_stay_in_turn():
    # lower-case words, times, URLs, metadata keys and 5+ character Chinese prefixes do not start
    # a turn: everything after 答 is its continuation
    body = "第一句\nnote: lower case\n10:30 we met\nhttp://example.org\n受访者编号：I01\nDate: today\n他说了一句话：好"
    assert turns_of("答：" + body) == [("答", False, body)]


def test_bare_marker_gives_no_turn():
    assert turns_of("问：\n答：好的\n问：  \n") == [("答", False, "好的")]


def test_no_marker_at_all():
    turns, preamble_end = find_turns("just some text\nwith no speakers")
    assert turns == [] and preamble_end == len("just some text\nwith no speakers")


def test_custom_markers():
    text = "张医生：您哪里不舒服？\n李阿姨：腿疼。\nQ: still a marker"
    markers = SpeakerMarkers().with_interviewer_labels(["张医生"])
    assert turns_of(text, markers) == [
        ("张医生", True, "您哪里不舒服？"), ("李阿姨", False, "腿疼。"), ("Q", False, "still a marker"),
    ]
    # names switched off: only the fixed labels count
    assert turns_of(text, SpeakerMarkers(names=False)) == [("Q", True, "still a marker")]
    assert SpeakerMarkers().is_interviewer("i3") and not SpeakerMarkers().is_interviewer("R3")


def test_one_off_names_before_first_real_marker_are_header():
    text = ("项目名称：养老\nVenue: Community Hall\n"
            "主持人：大家好。\n老王：我先说。\nAmy Chen: I agree.\n老王：还有一点。\n小李：就一句。\n")
    turns, preamble_end = find_turns(text)
    assert text[:preamble_end] == "项目名称：养老\nVenue: Community Hall\n"
    # after the first strong marker, a name used once (小李, Amy Chen) is still a speaker
    assert [t.speaker for t in turns] == ["主持人", "老王", "Amy Chen", "老王", "小李"]


def test_only_one_off_names_still_turns():
    assert turns_of("张三：你好\n李四：我很好") == [("张三", False, "你好"), ("李四", False, "我很好")]


def test_a_name_on_exactly_two_lines_is_a_speaker_and_ends_the_header():
    # Mary and John speak twice each: two lines make a name a speaker, so 'Venue:' (once, before
    # them) is header. Were three lines needed, no marker would be strong and Venue a turn.
    text = "Venue: Room 3\nMary: Thanks for coming.\nJohn: Glad to.\nMary: Shall we start?\nJohn: Yes.\n"
    turns, preamble_end = find_turns(text)
    assert text[:preamble_end] == "Venue: Room 3\n"
    assert [t.speaker for t in turns] == ["Mary", "John", "Mary", "John"]
    # a name seen once on each side of the header line: nothing is strong, every line is a turn
    assert [t.speaker for t in find_turns("Venue: Room 3\nMary: Hello.\nJohn: Hi.\n")[0]] == ["Venue", "Mary", "John"]


def test_bare_markers_far_into_a_long_transcript_give_no_turn():
    # Offsets past 256 (CPython caches only small ints): a bare marker in the middle and one at the
    # very end, its trailing whitespace running to the end of the text.
    head = "问：" + "住得怎么样" * 60 + "\n"
    text = head + "答：\n问：电梯呢？\n答：  \n"
    assert len(head) > 256
    assert turns_of(text) == [("问", True, "住得怎么样" * 60), ("问", True, "电梯呢？")]


def test_three_hundred_turns_the_last_one_runs_to_the_end():
    text = "".join(f"{'问' if i % 2 == 0 else '答'}：第{i}句\n" for i in range(300)) + "尾巴"
    turns, preamble_end = find_turns(text)
    assert preamble_end == 0 and len(turns) == 300
    assert [t.index for t in turns] == list(range(300))
    assert text[turns[-1].start:turns[-1].end] == "第299句\n尾巴"


def test_a_turn_is_a_frozen_slotted_record():
    # Frozen: hashable and safe to share between segments; slots: no per-turn __dict__ on big corpora.
    turn = find_turns("问：好\n")[0][0]
    with pytest.raises(AttributeError):
        turn.end = 0
    assert hash(turn) == hash(find_turns("问：好\n")[0][0]) and len({turn, find_turns("问：好\n")[0][0]}) == 1
    assert not hasattr(turn, "__dict__")
