"""Write benchmarks/data/nhs_fft_v6_codebook.yaml: the NHS FFT v6 framework as a qualmine codebook.

    python -m benchmarks.nhs_codebook [--shared /work/shared/corpora] [--embedding-cache FILE] [--force]

Labels are the framework's sub-category names exactly as the column headers of
`nhs_fft_pxtextmining/v6framework_230831.csv` spell them. Definitions (DEFINITIONS below) are
ours: one or two sentences per sub-category written from its name and the framework's public
description (https://the-strategy-unit.github.io/PatientExperience-QDC/framework/framework3.html,
NHS England / The Strategy Unit; the data repository is MIT-licensed, see the corpus' SOURCE.md),
paraphrased, not copied. Examples: at most 3 per code, answers from the *training* part of
`benchmarks/suggest.py`'s split (never the held-out 20 %), chosen mechanically: among the training
answers whose only code is that one (20-200 characters), the 3 whose sentence embeddings are
closest to the mean embedding of all training answers carrying the code (the most typical ones).
Codes with no such answer get none. `Labelling not possible` is not a code (those rows are not
answers). The YAML is written once; `--force` replaces it.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parent / "data" / "nhs_fft_v6_codebook.yaml"

DEFINITIONS: dict[str, str] = {
    "Organisation & efficiency": "How well the service is organised and run: efficiency, smooth or chaotic processes, coordination, bureaucracy.",
    "Funding & use of financial resources": "How the service is funded and how its money is spent: calls for more funding or investment, cuts, costs and waste.",
    "Staff manner & personal attributes": "What staff were like as people: kind, caring, friendly, polite, patient, reassuring, professional or, on the other side, rude, dismissive or uncaring.",
    "Number & deployment of staff": "Whether there are enough staff and where they are: understaffing, staff shortages, too few crews or nurses on shift, staff being stretched or overworked.",
    "Staff responsiveness": "How quickly and readily staff respond to a patient's requests and needs once in their care: coming when called, helping when asked, being attentive or ignoring patients.",
    "Staff continuity": "Seeing the same member of staff over time, or changes of worker, therapist or nurse that break the relationship.",
    "Competence & training": "Staff skill, knowledge and expertise: how competent, thorough and well trained they were, or mistakes and lack of knowledge.",
    "Unspecified communication": "Communication mentioned in general terms, without saying what was communicated or how: good or poor communication.",
    "Staff listening, understanding & involving patients": "Staff listening to the patient, understanding their situation, taking their views seriously, explaining and involving them in decisions about their care.",
    "Information directly from staff during care": "What staff explained during care: explanations of what was happening, the treatment, the next steps, answering the patient's questions.",
    "Information provision & guidance": "Written or general information and advice given by the service: leaflets, advice, guidance, signposting to other help.",
    "Being kept informed, clarity & consistency of information": "Being kept up to date (for example about delays or arrival times), and information being clear, accurate and consistent rather than confusing or contradictory.",
    "Contacting services": "How easy it is to get through to the service: phone lines, call answering, being on hold, call-backs, getting a reply.",
    "Appointment arrangements": "Booking, changing and cancelling appointments or transport bookings: availability, cancellations, rearrangements and how they were handled.",
    "Appointment method": "How an appointment takes place: face to face, by phone or video call, home visits.",
    "Timeliness of care": "Waiting and speed: how long it took for the ambulance, transport, appointment or treatment to arrive; prompt, on time or late, delays and waiting times.",
    "Pain management": "How pain was assessed and relieved: pain relief given, or left in pain.",
    "Diagnosis & triage": "Assessment, questions asked to judge urgency, triage decisions and diagnosis: being assessed properly, the right outcome, or being wrongly assessed.",
    "Referals & continuity of care": "Referrals and handovers between services, follow-up, and care joined up across teams.",
    "Discharge": "Leaving hospital or a service: discharge planning, timing and support after discharge.",
    "Care plans": "The patient's care plan: having one, being involved in it, it being followed and reviewed.",
    "Patient records": "Notes and records about the patient: accuracy, being shared between services, having to repeat the same details.",
    "Cleanliness, tidiness & infection control": "How clean and tidy vehicles, wards and rooms are, and infection control such as masks, hand washing and PPE.",
    "Provision of medical equipment": "Medical equipment and aids being available and working: wheelchairs, stretchers, oxygen, dressings, mobility aids.",
    "Service location": "Where the service is: distance, being close to home or far away, local access.",
    "Transport to/ from services": "Patient transport and ambulance journeys to and from appointments and hospital: the drivers, the ride, pick-up and drop-off, getting home.",
    "Parking": "Parking at the service: car parks, spaces, parking charges.",
    "Electronic entertainment": "TV, radio, games consoles, internet and Wi-Fi, phones and other electronics for patients to use.",
    "Feeling safe": "Whether the patient felt safe and secure in the service's care, or felt unsafe.",
    "Patient appearance & grooming": "Patients' personal care and appearance: washing, clothes, hair, being helped to look after themselves.",
    "Mental Health Act": "Detention and rights under the Mental Health Act: sections, leave, tribunals, being held against one's will.",
    "Equality, Diversity & Inclusion": "Fair and respectful treatment whatever the patient's age, disability, race, religion, gender or sexuality; adjustments for particular needs; discrimination.",
    "Admission": "Being admitted to a ward or service: the admission process and how it was handled.",
    "Safeguarding concerns?": "Concerns about abuse, neglect or harm to a patient or someone else that may need safeguarding.",
    "Environment & Facilities": "The physical setting and facilities: buildings, wards, rooms, toilets, furniture, temperature, comfort, space.",
    "Supplying & understanding medication": "Medicines: being given the right medication on time, prescriptions, side effects, and explanations of what the medication is for.",
    "Activities & access to fresh air": "Things to do during a stay: activities, groups, exercise, going outside, leave to get fresh air, boredom.",
    "Food & drink provision & facilities": "Food and drink: meals, choice, quality, portions, snacks, drinks, access to a kitchen.",
    "Sensory experience": "Noise, light, smells and other sensory conditions of the setting.",
    "Impact of treatment/ care": "The effect of the care or treatment on the patient's health, wellbeing or life: feeling better, recovery, being helped or made worse.",
    "Psychological therapy arrangements": "Arrangements for psychological therapies: waiting for, getting and the number of therapy sessions.",
    "Existence of services": "Whether a service exists at all, services being closed or missing, calls to provide a service that is not there.",
    "Choice of services": "Having a choice of service, treatment, place or staff member.",
    "Out of hours support (community services)": "Help available outside office hours, at evenings, nights and weekends, in community services.",
    "Learning organisation": "The service learning from feedback and complaints and improving what it does.",
    "Interaction with family/ carers": "How staff treated, involved and informed the patient's family, relatives and carers; visiting.",
    "Negative experience & dissatisfaction": "General dissatisfaction or a bad experience stated without saying what was wrong: unhappy, poor service, would not recommend.",
    "Positive experience & gratitude": "General praise, satisfaction or thanks without detail: everything was good, excellent service, thank you, nothing to improve, nothing could be better.",
    "Not assigned": "Answers that do not say anything about the care or service: unrelated remarks, not applicable, or too vague to place under any other code.",
}


def build(shared: Path, cache_path: Path) -> dict:
    """The codebook as a plain dict (ids C01.., in the file's column order)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("benchmarks_suggest", Path(__file__).with_name("suggest.py"))
    suggest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(suggest)
    texts, labels, codes = suggest.load_en(shared, 1)
    pool, _ = suggest.held_out_split(texts)
    embedder, _ = suggest.corpus_embedder([texts[i] for i in pool], cache_path)
    vectors = embedder.embed([texts[i] for i in pool], kind="query")
    columns = [c for c in suggest.load_columns(shared) if c != "Labelling not possible"]
    missing = sorted(set(columns) - set(DEFINITIONS))
    if missing:
        raise SystemExit(f"no definition written for {missing}")
    entries = []
    for n, code in enumerate(columns, start=1):
        carrying = [k for k, i in enumerate(pool) if code in labels[i]]
        only = [k for k in carrying if labels[pool[k]] == frozenset([code]) and 20 <= len(texts[pool[k]].strip()) <= 200]
        examples: list[str] = []
        if only:
            centre = vectors[carrying].mean(axis=0)
            ranked = sorted(only, key=lambda k: -float(vectors[k] @ centre))
            for k in ranked:
                text = " ".join(texts[pool[k]].split())
                if text not in examples:
                    examples.append(text)
                if len(examples) == 3:
                    break
        entries.append({"id": f"C{n:02d}", "kind": "theme", "label": {"en": code},
                        "definition": {"en": DEFINITIONS[code]}, "examples": examples})
    return {"name": "NHS FFT qualitative framework v6 (benchmark)", "version": 1,
            "description": ("Sub-categories of the NHS England Patient Experience Qualitative Data Categorisation "
                            "framework (v6), as coded in pxtextmining's v6framework_230831.csv (MIT, NHS England). "
                            "Definitions paraphrased by the qualmine team from the framework's public description; "
                            "examples: at most 3 training-split answers per code, chosen by benchmarks/nhs_codebook.py."),
            "codes": entries}


def main(argv: list[str] | None = None) -> int:
    from benchmarks.suggest import EMBEDDING_CACHE, SHARED

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=SHARED)
    parser.add_argument("--embedding-cache", type=Path, default=EMBEDDING_CACHE)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--force", action="store_true", help="replace an existing codebook file")
    args = parser.parse_args(argv)
    if args.out.exists() and not args.force:
        print(f"{args.out} exists; --force replaces it", file=sys.stderr)
        return 1
    book = build(args.shared, args.embedding_cache)
    from qualmine.coding.codebook import Codebook

    Codebook.model_validate(book)       # the file is a valid codebook before it is written
    text = yaml.safe_dump(book, allow_unicode=True, sort_keys=False, width=110)
    args.out.write_text("# Written by `python -m benchmarks.nhs_codebook` (see its docstring).\n" + text, encoding="utf-8")
    print(f"wrote {args.out}: {len(book['codes'])} codes, "
          f"{sum(len(c['examples']) for c in book['codes'])} examples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
