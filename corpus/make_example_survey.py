"""Generate the example survey ``survey_2023.csv`` for qualmine.

The survey is fictional and was written for the qualmine project. It is
modelled on a questionnaire of residents and staff of a street-level
party-mass service center (党群服务中心) in Guangzhou: who answered (role, age,
years of residence, hukou, community) and three open questions:

* ``q_dissatisfied`` — 您对党群服务中心有哪些不满意的地方？
* ``q_needs``        — 您希望增加哪些服务？
* ``q_suggestions``  — 您对改进党群服务中心有什么建议？

Answers are drawn without replacement from hand-written pools (so there is
little repetition), with a share of blank and one-word answers and a few
respondents who answered in English. The random seed is fixed, so running

    python corpus/make_example_survey.py

regenerates exactly the committed file (UTF-8 with BOM, as exported by most
survey tools); tests/corpus/test_example_survey.py checks that it does. The answer pools are
data, in ``corpus/example_survey_pools.yaml``.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from qualmine.corpus.yaml_safe import safe_load

SEED = 2023
N_RESPONDENTS = 168
OUT = Path(__file__).parent / "examples" / "survey_2023.csv"

COLUMNS = [
    "respondent_id", "role", "age_group", "years_of_residence", "hukou",
    "district", "q_dissatisfied", "q_needs", "q_suggestions",
]
DISTRICTS = ["榕荫社区", "东湖社区", "新岭社区", "锦华社区", "怡景社区", "云台社区"]

POOLS = Path(__file__).parent / "example_survey_pools.yaml"   # the hand-written answers (data, not code)

# (blank probability, one-word probability) per question
RATES = {
    "q_dissatisfied": (0.14, 0.12),
    "q_needs": (0.12, 0.05),
    "q_suggestions": (0.17, 0.07),
}


class Pool:
    """Draws answers without replacement; reshuffles only when exhausted."""

    def __init__(self, answers: list[str], rng: random.Random) -> None:
        self.answers = list(answers)
        self.rng = rng
        self.left: list[str] = []

    def draw(self) -> str:
        if not self.left:
            self.left = self.answers[:]
            self.rng.shuffle(self.left)
        return self.left.pop()


def make_profile(rng: random.Random) -> dict[str, str]:
    role = rng.choices(["居民", "工作人员", "志愿者", "社会组织"], weights=[72, 15, 9, 4])[0]
    if role == "工作人员":
        age = rng.choices(["18-29", "30-44", "45-59"], weights=[40, 45, 15])[0]
    elif role == "志愿者":
        age = rng.choices(["18-29", "30-44", "45-59", "60+"], weights=[20, 10, 20, 50])[0]
    elif role == "社会组织":
        age = rng.choices(["18-29", "30-44", "45-59"], weights=[50, 40, 10])[0]
    else:
        age = rng.choices(["18-29", "30-44", "45-59", "60+"], weights=[18, 30, 24, 28])[0]
    local_share = {"60+": 0.85, "45-59": 0.6, "30-44": 0.4, "18-29": 0.45}[age]
    hukou = "本地" if rng.random() < local_share else "非本地"
    if hukou == "本地":
        years = rng.choices(["<1", "1-5", "5-10", ">10"], weights=[3, 12, 20, 65])[0]
    else:
        years = rng.choices(["<1", "1-5", "5-10", ">10"], weights=[18, 45, 25, 12])[0]
    district = rng.choices(DISTRICTS, weights=[22, 20, 18, 16, 14, 10])[0]
    return {"role": role, "age_group": age, "years_of_residence": years,
            "hukou": hukou, "district": district}


def main(out: Path = OUT) -> None:
    """Write the survey to `out` (default: the committed corpus/examples/survey_2023.csv)."""
    data = safe_load(POOLS.read_text(encoding="utf-8"))
    rng = random.Random(SEED)
    needs = Pool(data["needs"], rng)  # staff are residents too: one shared pool
    pools = {  # (question, is_staff) -> pool
        ("q_dissatisfied", False): Pool(data["dissatisfied_resident"], rng),
        ("q_dissatisfied", True): Pool(data["dissatisfied_staff"], rng),
        ("q_needs", False): needs,
        ("q_needs", True): needs,
        ("q_suggestions", False): Pool(data["suggestions_resident"], rng),
        ("q_suggestions", True): Pool(data["suggestions_staff"], rng),
    }
    one_word = data["one_word"]
    english = [tuple(answers) for answers in data["english"]]
    profiles = [make_profile(rng) for _ in range(N_RESPONDENTS)]
    # English answers go to non-local residents spread over the file.
    candidates = [i for i, p in enumerate(profiles) if p["role"] == "居民" and p["hukou"] == "非本地"]
    english_rows = dict(zip(sorted(rng.sample(candidates, len(english))), english))

    rows = []
    for i, profile in enumerate(profiles):
        row = {"respondent_id": f"S{i + 1:03d}", **profile}
        staff = profile["role"] == "工作人员"
        for j, q in enumerate(["q_dissatisfied", "q_needs", "q_suggestions"]):
            if i in english_rows:
                row[q] = english_rows[i][j]
                continue
            p_blank, p_one = RATES[q]
            r = rng.random()
            if r < p_blank:
                row[q] = ""
            elif r < p_blank + p_one:
                row[q] = rng.choice(one_word[q])
            else:
                row[q] = pools[(q, staff)].draw()
        rows.append(row)

    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} respondents to {out}")


if __name__ == "__main__":
    main()
