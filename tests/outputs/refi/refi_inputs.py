"""Small inputs for the REFI-QDA exchange tests: a run folder built from inline tables, and a
project as another QDA tool would write it (no qualmine blocks, braced upper-case GUIDs).

Not a conftest.py on purpose: without __init__.py files every conftest is imported as the module
`conftest`, and other test folders do `from conftest import ...`. Test modules import the
fixtures from here by name."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest

from qualmine.coding.codebook import load_codebook
from qualmine.outputs.writers import write_tables
from qualmine.codebooks import EXAMPLE_CODEBOOK

REPO = Path(__file__).resolve().parents[3]

TRANSCRIPT = "问：您觉得中心怎么样？\n答：排队太久了，等了一个小时。人手不够。\n问：还有吗？\n答：希望周末开放。\n"
ANSWER = "I waited almost two hours. The staff were rude."


@pytest.fixture(scope="session")
def codebook():
    return load_codebook(EXAMPLE_CODEBOOK)


@pytest.fixture
def small_run(tmp_path: Path) -> Path:
    """A run folder: one Chinese transcript, one English survey answer, rule codes, respondents."""
    t, a = TRANSCRIPT, ANSWER
    docs = pd.DataFrame({"doc_id": ["int/a.txt", "s.csv#R2/q1"], "source_file": ["int/a.txt", "s.csv"],
                         "kind": ["transcript", "survey"], "respondent_id": ["R1", "R2"], "question": ["", "q1"],
                         "text": [t, a]})
    segs = pd.DataFrame({"segment_id": ["seg1", "seg2", "seg3", "seg4"],
                         "doc_id": ["int/a.txt", "int/a.txt", "int/a.txt", "s.csv#R2/q1"],
                         "start": [14, 27, 42, 0], "end": [27, 32, 49, 26],
                         "respondent_id": ["R1", "R1", "R1", "R2"]})
    segs["text"] = [(t if d == "int/a.txt" else a)[s:e] for d, s, e in zip(segs.doc_id, segs.start, segs.end)]
    apps = pd.DataFrame({"segment_id": ["seg1", "seg2", "seg2", "seg4", "seg3"],
                         "code_id": ["P-OPERATION-HOURS", "P-OPERATION-STAFF", "C-GOVERNANCE", "P-OPERATION-HOURS",
                                     "R-GUARANTEE"],
                         "source": ["rule", "rule", "rule", "rule", "model"],
                         "start": [14, 27, 27, 2, 42], "end": [16, 31, 31, 8, 49],
                         "score": [0.9, 0.8, 0.5, 0.7, 0.6], "matched": ["排队", "人手不够", "人手", "waited", ""],
                         "hits": [1, 1, 1, 1, 1]})
    apps["evidence"] = [(t if s != "seg4" else a)[b:e] for s, b, e in zip(apps.segment_id, apps.start, apps.end)]
    people = pd.DataFrame({"respondent_id": ["R1", "R2"], "role": ["居民", "staff"], "age group": ["60+", ""]})
    run = tmp_path / "run"
    write_tables([("documents", docs), ("segments", segs), ("code_applications", apps), ("respondents", people)], run)
    return run


FOREIGN_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="From NVivo" origin="Some QDA tool">
  <Users>
    <User guid="{AAAAAAAA-0000-4000-8000-000000000001}" name="Jane"/>
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="{BBBBBBBB-0000-4000-8000-000000000001}" name="Problems" isCodable="true">
        <Code guid="{BBBBBBBB-0000-4000-8000-000000000002}" name="排队等候" isCodable="true">
          <Description>排队时间长。

Long queues.</Description>
        </Code>
      </Code>
      <Code guid="{BBBBBBBB-0000-4000-8000-000000000003}" name="Staff attitude" isCodable="true"/>
    </Codes>
  </CodeBook>
  <Variables>
    <Variable guid="{CCCCCCCC-0000-4000-8000-000000000001}" name="role" typeOfVariable="Text"/>
  </Variables>
  <Cases>
    <Case guid="{DDDDDDDD-0000-4000-8000-000000000001}" name="P07">
      <VariableValue><VariableRef targetGUID="{CCCCCCCC-0000-4000-8000-000000000001}"/><TextValue>resident</TextValue></VariableValue>
      <SourceRef targetGUID="{EEEEEEEE-0000-4000-8000-000000000001}"/>
    </Case>
  </Cases>
  <Sources>
    <TextSource guid="{EEEEEEEE-0000-4000-8000-000000000001}" name="Interview P07" plainTextPath="internal://p07.txt">
      <PlainTextSelection guid="{FFFFFFFF-0000-4000-8000-000000000001}" startPosition="{q_start}" endPosition="{q_end}" creatingUser="{AAAAAAAA-0000-4000-8000-000000000001}">
        <Coding guid="{FFFFFFFF-0000-4000-8000-000000000002}" creatingUser="{AAAAAAAA-0000-4000-8000-000000000001}">
          <CodeRef targetGUID="{BBBBBBBB-0000-4000-8000-000000000002}"/>
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="{FFFFFFFF-0000-4000-8000-000000000003}" startPosition="{s_start}" endPosition="{s_end}" creatingUser="{AAAAAAAA-0000-4000-8000-000000000001}">
        <Coding guid="{FFFFFFFF-0000-4000-8000-000000000004}" creatingUser="{AAAAAAAA-0000-4000-8000-000000000001}">
          <CodeRef targetGUID="{BBBBBBBB-0000-4000-8000-000000000003}"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""
# Interviewer question, then an answer with two sentences; the queue selection spans both.
FOREIGN_TEXT = "Q: How was your visit?\nA: 排队太久了。等了一个小时。The staff were rude.\n"


def foreign_qde(**spans: int) -> str:
    text = FOREIGN_TEXT
    q_start = text.index("排队")
    defaults = {"q_start": q_start, "q_end": text.index("The staff"), "s_start": text.index("The staff"),
                "s_end": text.index("rude.") + 5}
    defaults.update(spans)
    qde = FOREIGN_QDE
    for key, value in defaults.items():
        qde = qde.replace("{" + key + "}", str(value))
    return qde


def write_qdpx(path: Path, qde: str | bytes, sources: dict[str, str | bytes] | None = None) -> Path:
    """A .qdpx archive as another tool would write it."""
    sources = {"Sources/p07.txt": FOREIGN_TEXT} if sources is None else sources
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("project.qde", qde if isinstance(qde, bytes) else qde.encode("utf-8"))
        for name, data in sources.items():
            zf.writestr(name, data if isinstance(data, bytes) else data.encode("utf-8"))
    return path
