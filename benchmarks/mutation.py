"""Mutation testing of the core rule modules with cosmic-ray: do the fast unit tests notice when the
code changes meaning? Prints a table and writes one raw file per module. Run from the repo root,
outside CI (slow: minutes per module on 2 cores):

    .venv/bin/pip install -c requirements-lock.txt -e '.[mutation]'
    .venv/bin/python -m benchmarks.mutation                                 # every module below
    .venv/bin/python -m benchmarks.mutation coding/negation.py models/selection.py
    .venv/bin/python -m benchmarks.mutation --list                          # modules and their tests

For each module, cosmic-ray (`cosmic_ray.commands.init`, every operator it ships) lists the
mutants and applies each one to the file on disk (`cosmic_ray.mutating.use_mutation`); the mutant
is *killed* when the module's unit tests (MODULES) fail or time out, *survives* when they pass.
Results go into a cosmic-ray session database, so `cr-report` / `cr-html` read it (`--keep`).

Only the test runner differs from `cosmic-ray exec`: instead of a fresh `pytest` process per
mutant (~3 s of imports each: pandas, spaCy, jieba), one warm process runs the tests once and
forks a child per mutant; the child drops the modules the mutation can reach (the module, every
module importing it, read from the sources, and the tests) and imports them again from disk,
mutation included, while the rest stay loaded with their caches (jieba, spaCy's lemma tables).
The unmutated baseline goes through the same fork and must pass. Mutations are applied to a
scratch copy of the repository, never to this checkout, and no bytecode is written (a mutant the
same size as the original in the same second would otherwise reuse a stale .pyc).

Mutants inside annotations are left out (counted in `annotation_mutants_left_out`): under
`from __future__ import annotations` they are strings nobody evaluates, equivalent by construction.

Raw output: benchmarks/results/mutation/<date>-<module>.json (counts, the kill rate, seconds,
every survivor with its diff). Survivors that cannot change behaviour are listed in
benchmarks/mutation_equivalents.py with the argument; the adjusted rate leaves them out.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.mutation_equivalents import EQUIVALENT

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results" / "mutation"

# The core rule modules (issue #20) and the fast unit tests that state their rules (the edge tests
# first: pytest stops at the first failure, so most mutants die in the quickest file).
MODULES: dict[str, tuple[str, ...]] = {
    "coding/negation.py": ("tests/coding/test_negation.py", "tests/coding/test_negation_edges.py",
                           "tests/coding/test_reading_rules.py"),
    "models/selection.py": ("tests/models/test_topic_selection.py",),
    "corpus/turns.py": ("tests/corpus/test_corpus_turns.py",),
    "coding/tables.py": ("tests/coding/test_tables_exemplars.py", "tests/coding/test_tables.py",
                         "tests/coding/test_quote_ranking.py", "tests/coding/test_tables_shares.py"),
    "corpus/encoding.py": ("tests/corpus/test_corpus_encoding.py", "tests/corpus/test_corpus_binary.py",
                           "tests/hostile/test_hostile_ingest.py"),
    "corpus/sentences.py": ("tests/corpus/test_sentences_edges.py", "tests/corpus/test_corpus_sentences.py"),
    "coding/rules.py": ("tests/coding/test_rules_edges.py", "tests/coding/test_rules.py", "tests/coding/test_negation.py",
                        "tests/coding/test_negation_edges.py", "tests/coding/test_reading_rules.py"),
    "coding/patterns.py": ("tests/coding/test_patterns_edges.py", "tests/coding/test_rules.py",
                           "tests/hostile/test_hostile_patterns_yaml.py"),
    "coding/store/decision_rules.py": ("tests/coding/test_decision_rules.py", "tests/coding/suggest/test_agreement.py"),
    "coding/review/agreement.py": ("tests/coding/review/test_agreement_edges.py", "tests/coding/suggest/test_agreement.py",
                                   "tests/coding/review/test_source_trust.py"),
    "coding/links.py": ("tests/coding/test_links_edges.py", "tests/outputs/report/test_links.py"),
    "outputs/refi/positions.py": ("tests/outputs/refi/test_positions_edges.py", "tests/outputs/refi/test_refi_tools.py",
                                  "tests/outputs/refi/test_refi_coders.py", "tests/outputs/refi/test_refi_project.py"),
    "coding/exemplars.py": ("tests/coding/test_exemplars_edges.py", "tests/coding/test_exemplars.py",
                            "tests/coding/test_quote_ranking.py", "tests/coding/test_tables.py"),
}

# Survivors argued equivalent (module, operator, mutated line) -> why: benchmarks/mutation_equivalents.py

def scratch_copy(root: Path) -> Path:
    """A copy of the repository's files (git's tracked and not-ignored ones) as `<root>/qualmine`."""
    import subprocess

    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            check=True, capture_output=True).stdout.decode().split("\0")
    target = root / "qualmine"
    for rel in filter(None, listed):
        src = REPO / rel
        if src.is_file():
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / rel)
    return target


def annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) (line, character column) of every annotation, if the module never evaluates them
    (`from __future__ import annotations`); else none."""
    import ast

    tree = ast.parse(source)
    lazy = any(isinstance(n, ast.ImportFrom) and n.module == "__future__" and any(a.name == "annotations" for a in n.names)
               for n in tree.body)
    if not lazy:
        return []
    lines = source.splitlines()

    def char_col(line: int, byte_col: int) -> int:
        return len(lines[line - 1].encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    spans = []
    for node in ast.walk(tree):
        found = []
        if isinstance(node, ast.arg) and node.annotation is not None:
            found.append(node.annotation)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
            found.append(node.returns)
        elif isinstance(node, ast.AnnAssign):
            found.append(node.annotation)
        for a in found:
            spans.append(((a.lineno, char_col(a.lineno, a.col_offset)), (a.end_lineno, char_col(a.end_lineno, a.end_col_offset))))
    return spans


def _copied_modules(root: Path) -> dict[str, object]:
    prefix = str(root)
    return {name: module for name, module in sys.modules.items()
            if name == "qualmine" or name.startswith("qualmine.") or (getattr(module, "__file__", None) or "").startswith(prefix)}


def _imports(module) -> set[str]:
    """The qualmine modules a module's source imports (absolute or relative), by its syntax tree."""
    import ast

    path = getattr(module, "__file__", None)
    if not path or not path.endswith(".py"):
        return set()
    tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    package = module.__name__ if path.endswith("__init__.py") else module.__name__.rpartition(".")[0]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[:len(parts) - node.level + 1] + ([base] if base else []))
            out.add(base)
            out.update(f"{base}.{alias.name}" for alias in node.names)
    return out


def stale_modules(root: Path, target: str) -> set[str]:
    """The loaded modules a mutation of `target` makes stale: the target, every module that imports
    it (transitively, read from the sources), the submodules of a stale package, and all test code.
    The others (third-party, and qualmine modules that never see the target) stay loaded and warm."""
    loaded = _copied_modules(root)
    tests = str(root / "qualmine" / "tests")
    stale = {target} | {name for name, m in loaded.items() if (getattr(m, "__file__", None) or "").startswith(tests)
                        or not name.startswith("qualmine")}
    graph = {name: _imports(m) for name, m in loaded.items()}
    changed = True
    while changed:
        changed = False
        for name in loaded:
            if name in stale:
                continue
            if graph[name] & stale or any(name.startswith(p + ".") for p in stale):
                stale.add(name)
                changed = True
    return stale & set(loaded) | {target}


def _drop_modules(names: set[str]) -> None:
    for name in names:
        sys.modules.pop(name, None)


def _run_tests(stale: set[str], tests: list[str], timeout: float) -> tuple[str, float]:
    """Fork; the child drops the `stale` modules (imported again from disk) and runs pytest on `tests`.
    Returns ('pass'|'fail'|'timeout', seconds)."""
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:   # child
        code = 3
        try:
            _drop_modules(stale)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            import pytest
            code = int(pytest.main(["-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", *tests]))
        finally:
            os._exit(code)
    deadline = started + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            return ("pass" if code == 0 else "fail"), time.perf_counter() - started
        if time.perf_counter() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout", time.perf_counter() - started
        time.sleep(0.02)


def mutate_module(module: str, tests: tuple[str, ...], keep: Path | None = None, limit: int | None = None,
                  only: dict | None = None) -> dict:
    """Every cosmic-ray mutant of `module` against `tests`; returns the raw record (see the module docstring).

    `only`: an earlier raw record of this module; then only its survivors are tested again (after
    new tests), matched by operator and occurrence on an unchanged module source.
    """
    import cosmic_ray.commands
    import cosmic_ray.plugins
    from cosmic_ray.mutating import use_mutation
    from cosmic_ray.work_db import WorkDB
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome, WorkResult

    sys.dont_write_bytecode = True
    os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
    tmp = Path(tempfile.mkdtemp(prefix="qualmine-mutation-"))
    here = os.getcwd()
    try:
        copy = scratch_copy(tmp)
        target = copy / module
        session = (keep or tmp) / f"{module.replace('/', '.')}.sqlite"
        if session.exists():
            session.unlink()
        db = WorkDB(session, WorkDB.Mode.create)
        cosmic_ray.commands.init([target], db, {})
        items = list(db.work_items)
        # Annotations are never evaluated under `from __future__ import annotations` (strings for type
        # checkers only; no pydantic model in these modules): a mutant there is equivalent by construction.
        spans = annotation_spans(target.read_text(encoding="utf-8"))
        in_annotation = [i for i in items if any(a <= tuple(i.mutations[0].start_pos) and tuple(i.mutations[0].end_pos) <= b
                                                 for a, b in spans)]
        skipped = {i.job_id for i in in_annotation}
        for item in in_annotation:
            db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output="in an annotation"))
        items = [i for i in items if i.job_id not in skipped]
        if only is not None:
            if only.get("source_sha256", _sha256(target)) != _sha256(target):   # (recorded since 2026-12-01)
                raise SystemExit(f"{module} changed since the run being re-tested: run it whole")
            wanted = {(s["operator"], s["occurrence"]) for s in only["survivors"]}
            items = [i for i in items if (i.mutations[0].operator_name, i.mutations[0].occurrence) in wanted]
        if limit:
            items = items[:limit]
        os.chdir(copy)
        sys.path.insert(0, str(tmp))           # `import qualmine` finds the copy before the editable install
        import pytest
        with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):   # warm: imports and caches
            warm = pytest.main(["-q", "-p", "no:cacheprovider", *tests])
        if warm != 0:
            raise SystemExit(f"{module}: its tests {list(tests)} fail without any mutation: fix them first")
        stale = stale_modules(tmp, "qualmine." + module.removesuffix(".py").replace("/", "."))
        baseline, base_s = _run_tests(stale, list(tests), timeout=600)
        if baseline != "pass":
            raise SystemExit(f"{module}: its tests {list(tests)} fail without any mutation: fix them first")
        timeout = max(20.0, 5 * base_s)
        counts = {"killed": 0, "survived": 0, "timeout": 0, "no_mutation": 0}
        survivors, started = [], time.perf_counter()
        for n, item in enumerate(items, start=1):
            spec = item.mutations[0]
            operator = cosmic_ray.plugins.get_operator(spec.operator_name)(**(spec.operator_args or {}))
            with use_mutation(Path(spec.module_path), operator, spec.occurrence) as (original, mutated):
                if mutated is None:
                    counts["no_mutation"] += 1
                    db.set_result(item.job_id, WorkResult(worker_outcome=WorkerOutcome.NO_TEST))
                    continue
                outcome, _ = _run_tests(stale, list(tests), timeout)
            diff = _diff(original, mutated, module)
            counts["killed" if outcome == "fail" else "survived" if outcome == "pass" else "timeout"] += 1
            db.set_result(item.job_id, WorkResult(
                worker_outcome=WorkerOutcome.NORMAL, output=outcome, diff=diff,
                test_outcome=TestOutcome.SURVIVED if outcome == "pass" else TestOutcome.KILLED))
            if outcome == "pass":
                line = spec.start_pos[0]
                source = original.splitlines()[line - 1].strip()
                changed = mutated.splitlines()[line - 1].strip()
                why = EQUIVALENT.get((module, spec.operator_name, changed))
                survivors.append({"operator": spec.operator_name, "occurrence": spec.occurrence, "line": line,
                                  "source": source, "mutant": changed, "diff": diff, "equivalent": why})
            if n % 25 == 0:
                print(f"  {module}: {n}/{len(items)} mutants, {counts['survived']} survived "
                      f"({time.perf_counter() - started:.0f} s)", flush=True)
        db.close()
        tested = counts["killed"] + counts["survived"] + counts["timeout"]
        equivalent = sum(1 for s in survivors if s["equivalent"])
        record = {
            "module": module, "tests": list(tests), "tool": f"cosmic-ray {_version('cosmic-ray')}",
            "operators": "all cosmic-ray core operators", "mutants": len(items),
            "annotation_mutants_left_out": len(in_annotation), **counts,
            "kill_rate": round((counts["killed"] + counts["timeout"]) / tested, 4) if tested else None,
            "equivalent": equivalent,
            "kill_rate_without_equivalent": round((counts["killed"] + counts["timeout"]) / (tested - equivalent), 4)
            if tested - equivalent else None,
            "baseline_test_seconds": round(base_s, 2), "seconds": round(time.perf_counter() - started, 1),
            "timeout_seconds": round(timeout, 1), "limit": limit, "source_sha256": _sha256(target),
            "retest_of": only.get("file") if only is not None else None, "survivors": survivors,
            "date": dt.date.today().isoformat(), "python": platform.python_version(), "cpus": os.cpu_count(),
        }
        if only is not None:   # the earlier run with these survivors tested again
            base = only.get("combined") or {"tested": only["killed"] + only["survived"] + only["timeout"],
                                             "killed": only["killed"] + only["timeout"]}   # a retest of a retest chains
            first_tested = base["tested"]
            killed = base["killed"] + counts["killed"] + counts["timeout"]
            record["combined"] = {
                "tested": first_tested, "killed": killed, "survived": counts["survived"], "equivalent": equivalent,
                "kill_rate": round(killed / first_tested, 4) if first_tested else None,
                "kill_rate_without_equivalent": round(killed / (first_tested - equivalent), 4)
                if first_tested - equivalent else None}
        return record
    finally:
        os.chdir(here)
        if str(tmp) in sys.path:
            sys.path.remove(str(tmp))
        _drop_modules(set(_copied_modules(tmp)))
        shutil.rmtree(tmp, ignore_errors=True)


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _diff(original: str, mutated: str, module: str) -> str:
    import difflib

    return "".join(difflib.unified_diff(original.splitlines(True), mutated.splitlines(True), module, module, n=0))


def _version(name: str) -> str:
    from importlib.metadata import version

    return version(name)


def latest_chains(folder: Path = RESULTS) -> list[tuple[list[str], dict]]:
    """Each module's latest whole run with its retests: (raw file names, whole run first; the last retest's record).

    Earlier whole runs of a module (before a fix of its source, say) stay in the folder, left out here."""
    records = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))}
    retested = {r.get("retest_of") for r in records.values()}

    def run_order(name: str) -> tuple[str, int]:   # a whole run of a module: <date>-<module>[N].json
        r = records[name]
        n = name.removesuffix(".json").removeprefix(f"{r['date']}-{r['module'].replace('/', '.').removesuffix('.py')}")
        return r["date"], int(n or 1)

    heads = [name for name, r in records.items() if not r.get("retest_of")]
    latest = {records[name]["module"]: name for name in sorted(heads, key=run_order)}   # a module's last whole run
    chains = []
    for name, r in records.items():
        if name in retested:
            continue                      # a later retest carries this run's figures on
        chain, cur = [name], r
        while cur.get("retest_of"):
            chain.append(cur["retest_of"])
            cur = records[cur["retest_of"]]
        if latest[r["module"]] != chain[-1]:
            continue                      # an earlier whole run (an older source, or the tests before a rerun)
        chains.append((list(reversed(chain)), r))
    return chains


def summary(folder: Path = RESULTS) -> str:
    """A Markdown table of each module's latest whole run (its retest chain followed to the end), from the raw files."""
    lines = ["| module | mutants | killed (+ timeouts) | survived | argued equivalent | kill rate | without equivalents | "
             "source | raw files |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for chain, r in latest_chains(folder):
        c = r.get("combined") or {"tested": r["killed"] + r["survived"] + r["timeout"], "killed": r["killed"] + r["timeout"],
                                  "survived": r["survived"], "equivalent": r["equivalent"], "kill_rate": r["kill_rate"],
                                  "kill_rate_without_equivalent": r["kill_rate_without_equivalent"]}
        # A run of an older source says nothing about today's module: say so rather than show its rate as current.
        module_file = REPO / r["module"]
        current = module_file.is_file() and r.get("source_sha256") == _sha256(module_file)
        lines.append(f"| {r['module']} | {c['tested']} | {c['killed']} | {c['survived']} | {c['equivalent']} | "
                     f"{c['kill_rate']:.1%} | {c['kill_rate_without_equivalent']:.1%} | "
                     f"{'current' if current else '**changed since**'} | {', '.join(chain)} |")
    return "\n".join(lines)


def stale_equivalents(folder: Path = RESULTS, equivalent: dict | None = None) -> list[tuple[str, str, str]]:
    """Arguments in `EQUIVALENT` that no survivor of a module's latest run needs (a line since rewritten or killed).

    An argument for a mutant that no longer exists is not evidence of anything and may be wrong for
    whatever line takes its place; modules never run are left alone."""
    equivalent = EQUIVALENT if equivalent is None else equivalent
    needed, run = set(), set()
    for _, r in latest_chains(folder):
        run.add(r["module"])
        needed |= {(r["module"], s["operator"], s["mutant"]) for s in r.get("survivors", [])}
    return sorted(key for key in equivalent if key[0] in run and key not in needed)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.mutation", description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"modules to mutate (default: all {len(MODULES)})")
    parser.add_argument("--list", action="store_true", help="print the modules and their tests, then stop")
    parser.add_argument("--limit", type=int, help="only the first N mutants of each module (a smoke run)")
    parser.add_argument("--keep", type=Path, help="keep the cosmic-ray session databases in this folder")
    parser.add_argument("--no-save", dest="save", action="store_false", help="do not write benchmarks/results/")
    parser.add_argument("--retest", type=Path, nargs="+", metavar="RAW_JSON",
                        help="test again only the survivors of these raw files (after adding tests); "
                             "writes <name>-retest.json")
    parser.add_argument("--summary", action="store_true",
                        help="print each module's latest figures from the raw files (a Markdown table), then stop")
    args = parser.parse_args(argv)
    if args.summary:
        print(summary())
        stale = stale_equivalents()
        if stale:
            print(f"\n{len(stale)} argument(s) in benchmarks/mutation_equivalents.py match no survivor of a latest run "
                  "(remove them):", *(f"  {m}: {op}: {line}" for m, op, line in stale), sep="\n")
        return
    if args.list:
        for module, tests in MODULES.items():
            print(f"{module}: {' '.join(tests)}")
        return
    unknown = [m for m in args.modules if m not in MODULES]
    if unknown:
        parser.error(f"not a configured module: {', '.join(unknown)} (see --list)")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    rows = []
    runs = [(m, None) for m in args.modules or list(MODULES)]
    for raw in args.retest or []:
        earlier = json.loads(raw.read_text(encoding="utf-8"))
        earlier["file"] = raw.name
        runs.append((earlier["module"], earlier))
    if args.retest and not args.modules:
        runs = [r for r in runs if r[1] is not None]
    for module, only in runs:
        print(f"{module}: mutating, tests {' '.join(MODULES[module])}", flush=True)
        record = mutate_module(module, MODULES[module], keep=args.keep, limit=args.limit, only=only)
        rows.append(record)
        if args.save:
            RESULTS.mkdir(parents=True, exist_ok=True)
            suffix = "-retest" if only is not None else ""
            stem = f"{record['date']}-{module.replace('/', '.').removesuffix('.py')}{suffix}"
            name, n = f"{stem}.json", 1
            while (RESULTS / name).exists():       # never overwrite a raw file (a retest names the one it re-tests)
                n += 1
                name = f"{stem}{n}.json"
            (RESULTS / name).write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            print(f"  wrote {(RESULTS / name).relative_to(REPO)}")
    print(f"\n{'module':34} {'mutants':>8} {'killed':>7} {'timeout':>7} {'survived':>8} {'equiv':>6} {'rate':>7} "
          f"{'rate*':>7} {'s':>7}")
    for r in rows:
        rate = f"{r['kill_rate']:.1%}" if r["kill_rate"] is not None else "-"
        adj = f"{r['kill_rate_without_equivalent']:.1%}" if r["kill_rate_without_equivalent"] is not None else "-"
        print(f"{r['module']:34} {r['mutants']:>8} {r['killed']:>7} {r['timeout']:>7} {r['survived']:>8} "
              f"{r['equivalent']:>6} {rate:>7} {adj:>7} {r['seconds']:>7}")
    print("rate* = without the survivors argued equivalent (benchmarks/mutation_equivalents.py)")


if __name__ == "__main__":
    main()
