"""`python -m benchmarks --size 10k|100k|1m [--lang zh|en|mix]`: the pipeline benchmark.

The other benchmarks run as modules of their own: `python -m benchmarks.topics`,
`python -m benchmarks.suggest`, `python -m benchmarks.review_loop`, `python -m benchmarks.review_web`,
`python -m benchmarks.mutation` (mutation testing of the core rule modules).
"""
from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10k", help="answers: 10k (quick, about a minute), 100k, 1m, or a number")
    parser.add_argument("--lang", default="zh", choices=("zh", "en", "mix"), help="which real answers to resample")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1),
                        help="processes for the parallel measurements (default: 2, or 1 on one core)")
    parser.add_argument("--anchor-cap", type=int, default=100_000,
                        help="time bare jieba.lcut on at most this many answers and scale linearly")
    parser.add_argument("--topics", dest="topics", action="store_true", default=None,
                        help="include the topic stage (default: only up to 100k answers)")
    parser.add_argument("--no-topics", dest="topics", action="store_false")
    parser.add_argument("--no-flow", dest="flow", action="store_false", help="skip the Prefect flow runs")
    parser.add_argument("--cold", dest="cold", action="store_true", default=None,
                        help="also time `qualmine run` and the plain stages in fresh processes (default: 100k and up)")
    parser.add_argument("--no-cold", dest="cold", action="store_false")
    parser.add_argument("--batch-rows", type=int, default=20_000, help="survey rows per ingest+code batch")
    parser.add_argument("--keep", action="store_true", help="keep the generated corpus and run folders")
    parser.add_argument("--no-save", dest="save", action="store_false", help="do not write benchmarks/results/")
    args = parser.parse_args(argv)
    from benchmarks.pipeline_bench import run

    run(args.size, args.lang, workers=args.workers, anchor_cap=args.anchor_cap, topics=args.topics, flow=args.flow,
        keep=args.keep, batch_rows=args.batch_rows, write_results=args.save, cold=args.cold)


if __name__ == "__main__":
    sys.exit(main())
