"""Brute-force checks of the equivalence arguments: each argued survivor against the original, on random inputs.

    .venv/bin/python -m benchmarks.mutation_checks coding/negation.py [--cases 3000] [--seed 0]

For a module with a checker here (`CHECKERS`), takes the survivors of its latest mutation run
(benchmarks/results/mutation/, the chain `--summary` shows) that benchmarks/mutation_equivalents.py
argues equivalent, applies each mutant to today's source (the run must be of today's source),
runs the original and the mutant on the same seeded random inputs and prints, per mutant, on how
many inputs their outputs differ. An argument is only as good as this count of 0 (and the
argument's reasoning). Outside CI, like the other benchmarks; the random inputs are small and
hostile (odd ids, repeats, missing values), not a corpus.
"""
from __future__ import annotations

import argparse
import random
import sys
import types
import warnings
from pathlib import Path
from typing import Any, Callable

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.mutation import REPO, _sha256, latest_chains  # noqa: E402


# ---------------------------------------------------------------- coding/negation.py
_ZH = ["不", "没", "没有", "未", "无", "并不", "从来没有", "不是", "不知道", "无法", "压根", "根本", "完全", "连",
       "地方", "任何", "一个", "处", "需要", "必要", "用", "问题", "什么问题", "车位", "养老服务", "排队", "人手不足",
       "没问题", "还行", "都挺好", "，", "。", "\n", "但是", "不过", "我们", "这边", "的", "很", "缺", "找", "了"]
_EN = ["no", "not", "never", "n't", "none", "nobody", "nowhere", "nope", "nothing", "without", "hardly",
       "any", "anywhere", "left", "single", "ever", "whatsoever", "need", "needed", "problem", "problems",
       "issue", "trouble", "complaints", "day", "care", "parking", "spaces", "queue", "we", "there", "is", "are",
       "a", "the", "fine", "ok", "bad", "had", ",", ".", "but", "\n", "and", "really"]
_STRENGTHS = [None, "any", "strong"]


def negation_cases(rng: random.Random, n: int) -> list[Any]:
    from qualmine.corpus.tokens import EnglishLemmatizer

    lemmatizer = EnglishLemmatizer()
    cases: list[Any] = []
    for _ in range(n):
        text = "".join(rng.choice(_ZH) for _ in range(rng.randint(1, 14)))
        spans = sorted((m, m + len(kw)) for kw in ("车位", "养老服务", "排队", "人手不足", "问题")
                       for m in range(len(text)) if text.startswith(kw, m))
        cases.append(("zh", text, spans))
    for _ in range(n):
        text = " ".join(rng.choice(_EN) for _ in range(rng.randint(1, 14)))
        text = text.capitalize() if rng.random() < 0.3 else text
        seq = lemmatizer.sequence(text)
        tokens = len(seq.tokens)
        keywords = []
        for _ in range(rng.randint(0, 2) if tokens else 0):
            a = rng.randrange(tokens)
            keywords.append((a, min(tokens - 1, a + rng.randint(0, 1))))
        cases.append(("en", text, (seq, keywords)))
    return cases


def negation_outputs(module: types.ModuleType, cases: list[Any]) -> list[Any]:
    from qualmine.corpus.tokens import EnglishLemmatizer

    rules = module.NegationRules()
    zh, en = module.ZhNegation(rules), module.EnNegation(rules, EnglishLemmatizer())
    out = []
    for lang, text, extra in cases:
        try:
            if lang == "zh":
                scope = zh.scope(text, extra)
                out.append(tuple(scope.negated(s, e, a) for s, e in extra for a in _STRENGTHS))
            else:
                seq, keywords = extra
                scope = en.scope(seq, text.lower(), keywords)
                n = len(seq.tokens)
                out.append(tuple(scope.negated(f, last, a) for f in range(n) for last in range(f, min(n, f + 3))
                                 for a in _STRENGTHS))
        except Exception as exc:      # the same error from both is the same behaviour
            out.append(("error", type(exc).__name__))
    return out


# ---------------------------------------------------------------- coding/tables.py
_TEXTS = ["开放时间太短了，下班后去不了", "人手不够", "晚上不开门很不方便", "工作人员太少", "无", "排队",
          "The queue was too long again", "fine", "Staff were kind", "I waited an hour at the counter",
          "没问题", "Repetitive, if I'm honest.", "周末也关门", "x" * 70]


def tables_cases(rng: random.Random, n: int) -> list[Any]:
    from qualmine.coding.codebook import parse_codebook

    cases = []
    for _ in range(n):
        ids = rng.sample(["Z-ONE", "A-TWO", "M-THREE", "B-FOUR", "Q-FIVE"], rng.randint(1, 4))
        lines = ["name: t", "codes:"]
        for j, code in enumerate(ids):
            parent = f", parent: {ids[0]}" if j and rng.random() < 0.3 else ""
            kind = "problem" if parent else rng.choice(["problem", "cause", "recommendation"])
            if parent:   # a parent must be a problem too
                lines[2] = lines[2].replace("kind: cause", "kind: problem").replace("kind: recommendation", "kind: problem")
            definition = rng.choice(["", ", definition: {en: waiting in a long queue, zh: 开放时间太短}"])
            lines.append(f"  - {{id: {code}, kind: {kind}, label: {{en: {code.lower()}}}{parent}{definition}}}")
        book = parse_codebook("\n".join(lines) + "\n")
        count = rng.randint(1, 12)
        segments = pd.DataFrame({"segment_id": [f"s{i}" for i in rng.sample(range(30), count)],
                                 "respondent_id": [f"r{rng.randint(1, 5)}" for _ in range(count)],
                                 "text": [rng.choice(_TEXTS) for _ in range(count)]})
        if rng.random() < 0.5:
            segments["doc_id"] = [f"d{rng.randint(1, 2)}" for _ in range(count)]
            segments["turn"] = [rng.randint(1, 3) for _ in range(count)]
            segments["position"] = list(range(count))
        pairs = [(s, c) for s in segments["segment_id"] for c in ids if rng.random() < 0.6]
        if rng.random() < 0.2:
            pairs.append((rng.choice(list(segments["segment_id"])), "X-UNKNOWN"))
        rng.shuffle(pairs)
        if pairs and rng.random() < 0.3:
            pairs.append(rng.choice(pairs))       # a duplicated application
        apps = pd.DataFrame({"segment_id": [s for s, _ in pairs], "code_id": [c for _, c in pairs]})
        if rng.random() < 0.6:
            apps["hits"] = [rng.randint(1, 4) for _ in pairs]
        if rng.random() < 0.6:
            apps["score"] = [round(rng.random(), 2) for _ in pairs]
        reviewed = frozenset(p for p in pairs if rng.random() < 0.25)
        fit = None
        if pairs and rng.random() < 0.5:
            sub = [p for p in dict.fromkeys(pairs) if rng.random() < 0.8]
            fit = pd.DataFrame({"segment_id": [s for s, _ in sub], "code_id": [c for _, c in sub],
                                "fit": [rng.choice([0.0, 0.2, 0.5, 0.9, float("nan")]) for _ in sub],
                                "contradicts": [rng.random() < 0.2 for _ in sub]})
        code_ids = None if rng.random() < 0.5 else rng.sample(ids, rng.randint(1, len(ids)))
        respondents = pd.DataFrame({"respondent_id": [f"r{i}" for i in range(1, 6)],
                                    "role": [rng.choice(["a", "b", ""]) for _ in range(5)]})
        cases.append((book, segments, apps, reviewed, fit, code_ids, respondents, rng.randint(1, 4), rng.randint(1, 12)))
    return cases


def tables_outputs(module: types.ModuleType, cases: list[Any]) -> list[Any]:
    out = []
    for book, segments, apps, reviewed, fit, code_ids, respondents, k, cap in cases:
        calls = {
            "exemplars": lambda: module.code_exemplars(book, apps, segments, reviewed, k=k, code_ids=code_ids, fit=fit,
                                                       max_candidates=cap),
            "exemplars_default": lambda: module.code_exemplars(book, apps, segments, reviewed, fit=fit),
            "chains": lambda: module.chains(book, apps, segments, reviewed, fit=fit),
            "tables": lambda: pd.DataFrame({"name": [name for name, _ in module.build_tables(
                book, pd.DataFrame(), segments, respondents, apps, pd.DataFrame(), fit=fit).items()]}),
        }
        out.append({name: _frame_or_error(call) for name, call in calls.items()})
    return out


# ---------------------------------------------------------------- coding/review/agreement.py
_IDS = ["r1", "r2", "r3", 1, "1", 2, 1.0, "", " ", None, float("nan"), "r1 ", "nan"]
_CODERS = ["ana", "bo", "cy", "model:rules", "model:x"]


def agreement_cases(rng: random.Random, n: int) -> list[Any]:
    cases = []
    for _ in range(n):
        ids = [f"s{i}" for i in range(rng.randint(1, 6))]
        respondents = pd.Series([rng.choice(_IDS) for _ in ids], dtype=object)
        if rng.random() < 0.3:      # all-string ids, as the store gives them
            respondents = pd.Series([rng.choice(["r1", "r2", "r3", ""]) for _ in ids])
        segments = pd.DataFrame({"segment_id": ids, "respondent_id": respondents})
        rows = [(rng.choice(ids), rng.choice(["c", "d", "e"]), rng.choice(_CODERS[:rng.randint(1, 5)]),
                 rng.choice(["accept", "reject", "add", "retract"]), f"2024-01-{rng.randint(1, 9):02d}")
                for _ in range(rng.randint(0, 14))]
        decisions = pd.DataFrame(rows, columns=["segment_id", "code_id", "coder", "decision", "decided_at"])
        scores = pd.DataFrame({c: [rng.random() for _ in ids] for c in ["c", "d"][:rng.randint(1, 2)]}, index=ids)
        cases.append((segments, decisions, scores, rng.random() < 0.5, rng.random() < 0.7))
    return cases


def agreement_outputs(module: types.ModuleType, cases: list[Any]) -> list[Any]:
    out = []
    for segments, decisions, scores, implicit, models in cases:
        calls = {
            "per_segment": lambda: module.agreement_tables(decisions, implicit_absent=implicit, include_models=models),
            "per_respondent": lambda: module.respondent_agreement_tables(decisions, segments, implicit_absent=implicit,
                                                                         include_models=models),
            "model": lambda: module.model_vs_coders(decisions, scores, implicit_absent=implicit, threshold=0.5),
        }
        result = {}
        for name, call in calls.items():
            got = _frame_or_error(call)
            if hasattr(got, "agreement"):
                result[name + ".agreement"], result[name + ".disagreements"] = got.agreement, got.disagreements
            else:
                result[name] = got
        out.append(result)
    return out


# ---------------------------------------------------------------- the harness
CHECKERS: dict[str, tuple[Callable[[random.Random, int], list], Callable[[types.ModuleType, list], list]]] = {
    "coding/negation.py": (negation_cases, negation_outputs),
    "coding/tables.py": (tables_cases, tables_outputs),
    "coding/review/agreement.py": (agreement_cases, agreement_outputs),
}


def _frame_or_error(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except Exception as exc:      # the same error from both is the same behaviour
        return ("error", type(exc).__name__)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, pd.DataFrame) and isinstance(b, pd.DataFrame):
        try:
            pd.testing.assert_frame_equal(a, b, check_exact=True)
            return True
        except AssertionError:
            return False
    return type(a) is type(b) and a == b


def load_source(source: str, name: str) -> types.ModuleType:
    """A module object from source text (imports resolve to the installed qualmine)."""
    module = types.ModuleType(name)
    sys.modules[name] = module      # dataclasses look their module up while the class is built
    exec(compile(source, name, "exec"), module.__dict__)
    return module


def mutant_source(source: str, line: int, mutant: str) -> str:
    """`source` with its 1-based `line` replaced by `mutant` (the stripped line a raw file records), indent kept."""
    lines = source.splitlines(keepends=True)
    old = lines[line - 1]
    lines[line - 1] = old[:len(old) - len(old.lstrip())] + mutant + "\n"
    return "".join(lines)


def argued_survivors(module: str) -> list[dict]:
    """The argued-equivalent survivors of `module`'s latest run; refuses a run of an older source."""
    for _, record in latest_chains():
        if record["module"] == module:
            if record.get("source_sha256") != _sha256(REPO / module):
                raise SystemExit(f"{module} changed since its latest mutation run: run it again first")
            return [s for s in record.get("survivors", []) if s.get("equivalent")]
    raise SystemExit(f"no mutation run of {module} in benchmarks/results/mutation/")


def check(module: str, cases: int = 3000, seed: int = 0) -> list[tuple[dict, int]]:
    """(survivor, number of inputs where the mutant's outputs differ from the original's) per argued survivor."""
    make_cases, outputs = CHECKERS[module]
    source = (REPO / module).read_text(encoding="utf-8")
    inputs = make_cases(random.Random(seed), cases)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        base = outputs(load_source(source, "mutation_check_original"), inputs)
        results = []
        for survivor in argued_survivors(module):
            mutated = load_source(mutant_source(source, survivor["line"], survivor["mutant"]), "mutation_check_mutant")
            got = outputs(mutated, inputs)
            results.append((survivor, sum(not _same(a, b) for a, b in zip(base, got))))
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.mutation_checks", description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=sorted(CHECKERS), help=f"default: {', '.join(sorted(CHECKERS))}")
    parser.add_argument("--cases", type=int, default=3000, help="random inputs per module (default 3000)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in CHECKERS]
    if unknown:
        parser.error(f"no checker for {', '.join(unknown)} (checkers: {', '.join(sorted(CHECKERS))})")
    failed = 0
    for module in args.modules:
        results = check(module, args.cases, args.seed)
        print(f"{module}: {len(results)} argued survivors, {args.cases} random inputs")
        for survivor, differ in results:
            failed += bool(differ)
            print(f"  {differ:5d} differ  line {survivor['line']:4d}  {survivor['operator']}: {survivor['mutant'][:90]}")
    if failed:
        raise SystemExit(f"{failed} argued mutant(s) differ from the original: their arguments are wrong")


if __name__ == "__main__":
    main()
