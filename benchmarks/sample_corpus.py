"""Benchmark corpora: real answers from ../shared/corpora, resampled to the requested size.

Chinese answers are the patients' own descriptions (`ask`) of zh_medical_dialogue_neike; English
answers are the NHS Friends and Family Test free-text answers (`FFT answer` of
v6framework_230831.csv and `feedback` of phase_1/text_data.csv). Sampling is with replacement
and seeded, so a size beyond the source (7.6k Chinese, ~16k English answers) repeats real answers
rather than inventing text. The corpus is one survey CSV (UTF-8) with a manifest, the shape a
city-wide survey export has.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

SHARED_CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"
ZH_SOURCE = "zh_medical_dialogue_neike/sample_neike_5000-6000.csv"
EN_SOURCES = ("nhs_fft_pxtextmining/v6framework_230831.csv", "nhs_fft_pxtextmining/phase_1/text_data.csv")
DISTRICTS = ("东湖街道", "锦华街道", "榕荫街道", "新岭街道", "怡景街道", "北山街道", "南岸街道", "西城街道")
AGE_GROUPS = ("18-29", "30-44", "45-59", "60+")
SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}


@dataclass(frozen=True)
class SampledCorpus:
    """A generated benchmark corpus folder and what is in it."""

    folder: Path
    answers: int
    lang: str
    mb: float                      # UTF-8 megabytes of answer text
    source_answers: int            # distinct real answers it was resampled from


def parse_size(size: str) -> int:
    """'10k' -> 10000, '1m' -> 1000000, '2500' -> 2500."""
    key = size.strip().lower()
    if key in SIZES:
        return SIZES[key]
    mult = {"k": 1_000, "m": 1_000_000}.get(key[-1:], 1)
    number = key[:-1] if mult > 1 else key
    try:
        value = int(float(number) * mult)
    except ValueError:
        raise ValueError(f"size must look like 10k, 100k, 1m or a number; got {size!r}") from None
    if value < 1:
        raise ValueError(f"size must be at least 1; got {size!r}")
    return value


def source_answers(lang: str, corpora: Path = SHARED_CORPORA) -> list[str]:
    """The real answers of one language ('zh' or 'en'), cleaned of empty and non-answers."""
    if not corpora.is_dir():
        raise FileNotFoundError(f"{corpora} not found: the benchmarks resample real answers from ../shared/corpora")
    if lang == "zh":
        frame = pd.read_csv(corpora / ZH_SOURCE, encoding="gb18030", dtype=str)
        texts = frame["ask"]
    elif lang == "en":
        v6 = pd.read_csv(corpora / EN_SOURCES[0], dtype=str)["FFT answer"]
        p1 = pd.read_csv(corpora / EN_SOURCES[1], dtype=str)["feedback"]
        texts = pd.concat([v6, p1], ignore_index=True)
    else:
        raise ValueError(f"lang must be 'zh' or 'en'; got {lang!r}")
    texts = texts.dropna().astype(str).str.strip()
    texts = texts[(texts.str.len() > 1) & (texts.str.lower() != "did not answer")]
    return texts.tolist()


def sample_answers(n: int, lang: str = "zh", seed: int = 0, corpora: Path = SHARED_CORPORA) -> list[str]:
    """n real answers drawn with replacement ('mix': 70% Chinese, 30% English)."""
    rng = np.random.default_rng(seed)
    if lang == "mix":
        zh, en = source_answers("zh", corpora), source_answers("en", corpora)
        pick_zh = rng.random(n) < 0.7
        zi, ei = rng.integers(0, len(zh), n), rng.integers(0, len(en), n)
        return [zh[a] if z else en[b] for z, a, b in zip(pick_zh, zi, ei)]
    pool = source_answers(lang, corpora)
    return [pool[i] for i in rng.integers(0, len(pool), n)]


def write_survey_corpus(folder: Path, answers: list[str], seed: int = 0) -> Path:
    """Write `answers` as folder/survey.csv (+ manifest.yaml); returns the CSV path."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed + 1)
    districts = rng.integers(0, len(DISTRICTS), len(answers))
    ages = rng.integers(0, len(AGE_GROUPS), len(answers))
    path = folder / "survey.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["respondent_id", "district", "age_group", "answer"])
        for i, (text, d, a) in enumerate(zip(answers, districts, ages), start=1):
            writer.writerow([f"R{i:07d}", DISTRICTS[d], AGE_GROUPS[a], text])
    (folder / "manifest.yaml").write_text(
        "files:\n  - path: survey.csv\n    kind: survey\n    id_column: respondent_id\n"
        "    open_columns: [answer]\n    attribute_columns: [district, age_group]\n", encoding="utf-8")
    return path


def build_corpus(folder: Path, n: int, lang: str = "zh", seed: int = 0,
                 corpora: Path = SHARED_CORPORA) -> tuple[SampledCorpus, list[str]]:
    """Sample n answers, write the corpus folder, return its description and the answers."""
    answers = sample_answers(n, lang, seed, corpora)
    write_survey_corpus(folder, answers, seed)
    mb = sum(len(a.encode("utf-8")) for a in answers) / 1e6
    distinct = len(set(answers))
    return SampledCorpus(folder, n, lang, round(mb, 3), distinct), answers
