"""Speaker turns in interview transcripts.

A turn starts at a line beginning with a speaker marker ("问：", "Q:", "Interviewer:", "R1:",
"张三：", "Mary Smith: ") and runs until the next marker line; lines without a marker continue the
current turn. Text before the first marker (a title, metadata) belongs to no turn.

Detection runs on `normalize(text)` (length-preserving) so full-width colons and full-width
letters ("Ｑ：") need no separate patterns, while the offsets still index the original text.
"""
from __future__ import annotations

import re
import functools
from dataclasses import dataclass, replace

from qualmine.corpus.normalize import normalize

DEFAULT_INTERVIEWER_LABELS: tuple[str, ...] = (
    "问", "Q", "Interviewer", "访谈者", "I", "主持人", "Moderator", "采访者", "访问者", "访问员",
    "访员", "调查员", "Facilitator",
)
DEFAULT_RESPONDENT_LABELS: tuple[str, ...] = (
    "答", "A", "Respondent", "受访者", "被访者", "R", "Participant", "P", "Interviewee",
)
# Lines like "日期：2023-05-01" or "Date: May 1" in a transcript header look exactly like a
# "Name:" marker; these keys are never treated as speaker names.
DEFAULT_NOT_NAMES: tuple[str, ...] = (
    "Date", "Time", "Location", "Place", "Title", "Note", "Notes", "Duration", "Topic", "Subject",
    "Source", "Interview", "Transcript", "Recording", "Language", "Participants", "Attendees",
    "Summary", "Keywords", "Tags", "Author", "Transcriber", "Transcribed By", "Comment",
    "Comments", "Question", "Answer", "Theme", "Project", "Site", "Setting", "Format", "Id",
    "日期", "时间", "地点", "标题", "备注", "时长", "主题", "来源", "录音", "语言", "说明",
    "摘要", "关键词", "访谈时间", "访谈地点", "访谈日期", "访谈对象", "访谈主题", "访谈方式",
    "访谈记录", "记录人", "记录", "整理人", "整理", "参与者", "注", "附注", "注释", "编号", "项目", "题目",
)

# A capitalised name of one to three words ("Mary", "Dr. Wang", "Mary Jane Smith"); Latin names
# need a space (or Chinese text) after the colon ("Name: "), so "Time:10:30" is not a marker.
_LATIN_NAME = r"[A-Z][A-Za-z'.\-]*(?: [A-Z][A-Za-z'.\-]*){0,2}"
_CJK_NAME = r"[\u3400-\u4dbf\u4e00-\u9fff]{1,4}"
# Markdown bold around a label ("**问：**", "**Q**:") is common in .md transcripts.
_STARS = r"(?:\*\*|__)?"


@dataclass(frozen=True)
class SpeakerMarkers:
    """Which line-start labels start a speaker turn, and which of them are the interviewer.

    Labels are matched case-insensitively, followed by ':' or '：'. Numbered labels ("R1",
    "I2", "P03") take their role from the letters ("I2" is an interviewer when "I" is).
    Generic names ("张三：", "Mary: ") are turns too when `names` is true, except `not_names`.
    """

    interviewer_labels: tuple[str, ...] = DEFAULT_INTERVIEWER_LABELS
    respondent_labels: tuple[str, ...] = DEFAULT_RESPONDENT_LABELS
    numbered: bool = True
    names: bool = True
    not_names: tuple[str, ...] = DEFAULT_NOT_NAMES

    def with_interviewer_labels(self, labels: list[str] | tuple[str, ...]) -> "SpeakerMarkers":
        """A copy whose interviewer labels are exactly `labels` (a manifest override).

        The former interviewer labels stay recognised as markers, now as respondent labels:
        the override says who the interviewer is, not which lines are turns.
        """
        new = tuple(labels)
        demoted = tuple(x for x in self.interviewer_labels if x not in new)
        kept = tuple(x for x in self.respondent_labels if x not in new)
        return replace(self, interviewer_labels=new, respondent_labels=kept + demoted)

    def is_interviewer(self, label: str) -> bool:
        """True if `label` (as written in the transcript) is an interviewer label."""
        key = normalize(label).strip().casefold()
        wanted = {normalize(x).casefold() for x in self.interviewer_labels}
        if key in wanted:
            return True
        m = re.fullmatch(r"([^\d]+?)\s*\d+", key)
        return bool(m and m.group(1) in wanted)

    def pattern(self) -> re.Pattern[str]:
        """The compiled line-start marker regex (group 'label' is the speaker label)."""
        return _compile(self)


@dataclass(frozen=True, slots=True)
class Turn:
    """One speaker turn: `text[start:end]` is its content, marker and outer whitespace excluded."""

    index: int
    speaker: str
    is_interviewer: bool
    start: int
    end: int
    marker_start: int         # where the marker itself begins (for diagnostics)


@functools.lru_cache(maxsize=64)
def _compile(m: SpeakerMarkers) -> re.Pattern[str]:
    fixed = sorted({normalize(x) for x in m.interviewer_labels + m.respondent_labels}, key=len, reverse=True)
    # Group 'label' is set by every alternative; group 'name' only by generic names, which
    # find_turns trusts less (see there).
    alts = [r"(?i:" + "|".join(re.escape(x) for x in fixed) + r")(?=" + _STARS + r"[ \t]*:)"] if fixed else []
    if m.numbered:
        alts.append(r"[A-Za-z]{1,3}[ ]?\d{1,3}(?=" + _STARS + r"[ \t]*:)")
    if m.names:
        stop = sorted({normalize(x) for x in m.not_names}, key=len, reverse=True)
        guard = r"(?!(?:" + "|".join(re.escape(x) for x in stop) + r")" + _STARS + r"[ \t]*:)" if stop else ""
        alts.append(r"(?P<name>" + guard + "(?:" + _CJK_NAME + r"(?=" + _STARS + r"[ \t]*:)|"
                    + _LATIN_NAME + r"(?=" + _STARS + r"[ \t]*:" + _STARS + r"(?:[ \t]|$|[^\x00-\x7f]))))")
    body = "|".join(f"(?:{a})" for a in alts) or r"(?!)"
    return re.compile(
        r"^[ \t]*" + _STARS + r"(?P<label>" + body + r")" + _STARS + r"[ \t]*:" + _STARS,
        re.MULTILINE,
    )


def find_turns(text: str, markers: SpeakerMarkers | None = None) -> tuple[list[Turn], int]:
    """Split a transcript into speaker turns.

    Returns (turns, preamble_end): turns in document order, numbered from 0, skipping markers
    with no content; `text[:preamble_end]` is the text before the first marker (not a turn).
    """
    markers = markers or SpeakerMarkers()
    norm = normalize(text)
    hits = _trusted(list(markers.pattern().finditer(norm)))
    turns: list[Turn] = []
    for i, hit in enumerate(hits):
        stop = hits[i + 1].start() if i + 1 < len(hits) else len(text)
        start, end = _strip_span(text, hit.end(), stop)
        if start >= end:
            continue   # a bare marker ("答：" and nothing): no turn to code
        label = text[hit.start("label"):hit.end("label")]
        turns.append(Turn(len(turns), label, markers.is_interviewer(label), start, end, hit.start()))
    preamble_end = hits[0].start() if hits else len(text)
    return turns, preamble_end


def _trusted(hits: list[re.Match]) -> list[re.Match]:
    """Drop generic-name hits that are probably header metadata ("访谈记录：…", "Venue: …").

    A marker is strong if it is a known/numbered label or a name used on two or more lines.
    Generic names seen once are kept only after the first strong marker (a focus-group member
    who speaks once); before it they are header lines. Without any strong marker, all are kept.
    """
    names = [h.groupdict().get("name") for h in hits]   # no such group when names=False
    counts: dict[str, int] = {}
    for name in filter(None, names):
        counts[name] = counts.get(name, 0) + 1
    strong = [not name or counts[name] > 1 for name in names]
    if not any(strong):
        return hits
    first = strong.index(True)
    return hits[first:]


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink [start, end) so it neither starts nor ends with whitespace (incl. U+3000)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
