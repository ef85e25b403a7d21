"""Form validation and catalogue loading: ``python -m benchmarks forms [--runs N]``.

validate_largest_form_us: median µs to validate a full, valid answer set for the form with
the most fields (target ≤ 1000 µs). catalogue_load_ms: median ms to load the whole catalogue
from its files with the cache cleared, in the same process (target ≤ 100 ms).
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date

from benchmarks import emit, percentile
from forms import FormDefinition, load_catalogue, validate_answers

TODAY = date(2026, 11, 1)

# A full valid answer set for every field type the largest form may use.
SAMPLE_BY_TYPE: dict[str, object] = {
    "nik": "3510 1357 0890 0003",
    "kk": "3510131203150005",
    "name": "  Ni Luh Putu Ayu ",
    "text": "Banyuwangi",
    "long_text": "Dusun Krajan\nJl. Raya Rogojampi 5",
    "address": "Dusun Krajan RT 003 RW 001",
    "date": "17-08-1990",
    "number": "3",
    "phone": "0812-3456-7890",
    "email": "Budi@Contoh.ID",
    "village": "35.10.13.2013",
    "yes_no": "tidak",
    "consent": True,
}


def full_answers(form: FormDefinition) -> dict[str, object]:
    answers: dict[str, object] = {}
    for field in form.fields:
        if field.type == "choice":
            answers[field.name] = field.options[0].value  # shows the most dependants
        elif field.type == "multi_choice":
            answers[field.name] = [option.value for option in field.options]
        elif field.type == "number":
            answers[field.name] = field.min_value if field.min_value is not None else 1
        elif field.type == "text" and field.pattern:
            answers[field.name] = "07:45" if ":" in field.pattern else "001"
        else:
            answers[field.name] = SAMPLE_BY_TYPE[field.type]
    return answers


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks forms")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--loads", type=int, default=30)
    args = parser.parse_args(argv)

    catalogue = load_catalogue()
    forms = [form for versions in catalogue.forms.values() for form in versions.values()]
    largest = max(forms, key=lambda form: len(form.fields))
    answers = full_answers(largest)
    validate_answers(largest, answers, today=TODAY)  # warm up, and prove the set is valid

    samples = []
    for _ in range(max(args.runs, 1000)):
        start = time.perf_counter()
        validate_answers(largest, answers, today=TODAY)
        samples.append((time.perf_counter() - start) * 1e6)
    emit(
        "forms",
        "validate_largest_form_us",
        statistics.median(samples),
        "us",
        form=largest.key,
        fields=len(largest.fields),
        p95_us=round(percentile(samples, 95), 1),
        runs=len(samples),
    )

    loads = []
    for _ in range(args.loads):
        load_catalogue.cache_clear()
        start = time.perf_counter()
        load_catalogue()
        loads.append((time.perf_counter() - start) * 1e3)
    emit(
        "forms",
        "catalogue_load_ms",
        statistics.median(loads),
        "ms",
        services=len(catalogue.services),
        form_files=len(forms),
        p95_ms=round(percentile(loads, 95), 2),
        runs=len(loads),
    )
