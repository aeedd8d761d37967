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
