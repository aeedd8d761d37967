"""benchmarks/mutation.py --summary: a run of an older source is marked, not shown as today's rate."""
from __future__ import annotations

import hashlib
import json


def test_summary_marks_a_module_that_changed_since_its_run(benchmark_module, tmp_path):
    benchmark_module("mutation_equivalents")   # the harness imports it as benchmarks.mutation_equivalents
    mutation = benchmark_module("mutation")
    source = (mutation.REPO / "coding" / "links.py").read_bytes()
    base = {"date": "2026-12-02", "killed": 9, "survived": 1, "timeout": 0, "equivalent": 0,
            "kill_rate": 0.9, "kill_rate_without_equivalent": 0.9, "retest_of": None}
    records = {"2026-12-02-coding.links.json": {**base, "module": "coding/links.py",
                                                 "source_sha256": hashlib.sha256(source).hexdigest()},
               "2026-12-02-coding.negation.json": {**base, "module": "coding/negation.py", "source_sha256": "0" * 64}}
    for name, record in records.items():
        (tmp_path / name).write_text(json.dumps(record), encoding="utf-8")
    rows = {line.split(" | ")[0].strip("| "): line for line in mutation.summary(tmp_path).splitlines()[2:]}
    assert "| current |" in rows["coding/links.py"] and "90.0%" in rows["coding/links.py"]
    assert "| **changed since** |" in rows["coding/negation.py"]


def test_an_argument_no_survivor_needs_is_reported_stale(benchmark_module, tmp_path):
    benchmark_module("mutation_equivalents")
    mutation = benchmark_module("mutation")
    survivor = {"operator": "core/NumberReplacer", "mutant": "x = 2"}
    base = {"date": "2026-12-02", "killed": 9, "survived": 1, "timeout": 0, "equivalent": 1, "kill_rate": 0.9,
            "kill_rate_without_equivalent": 1.0, "source_sha256": "0" * 64}
    (tmp_path / "2026-12-02-coding.links.json").write_text(json.dumps(
        {**base, "module": "coding/links.py", "retest_of": None, "survivors": [survivor, survivor]}), encoding="utf-8")
    # the retest is the chain's last word: only its survivors still need an argument
    (tmp_path / "2026-12-02-coding.links-retest.json").write_text(json.dumps(
        {**base, "module": "coding/links.py", "retest_of": "2026-12-02-coding.links.json",
         "survivors": [{"operator": "core/NumberReplacer", "mutant": "y = 0"}]}), encoding="utf-8")
    arguments = {("coding/links.py", "core/NumberReplacer", "y = 0"): "needed",
                 ("coding/links.py", "core/NumberReplacer", "x = 2"): "killed by the retest's new test",
                 ("coding/tables.py", "core/NumberReplacer", "z = 1"): "a module with no run here: left alone"}
    assert mutation.stale_equivalents(tmp_path, arguments) == [("coding/links.py", "core/NumberReplacer", "x = 2")]


def test_every_kept_argument_is_needed_by_a_latest_run(benchmark_module):
    """benchmarks/mutation_equivalents.py holds no argument for a mutant that no longer survives."""
    benchmark_module("mutation_equivalents")
    assert benchmark_module("mutation").stale_equivalents() == []
