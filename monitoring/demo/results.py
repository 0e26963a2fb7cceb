"""Demo results of the Таганрог schools, so that `make run` shows something."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from monitoring.models import ExamResult, OlympiadResult
from monitoring.results.services import EXAM_FIELDS
from schools.models import Organisation

DEMO_RESULTS = Path(settings.BASE_DIR) / "fixtures" / "demo" / "results_taganrog.json"


@transaction.atomic
def load_demo_results() -> int:
    """ВПР, ОГЭ, ЕГЭ of the Таганрог schools for 2022–2026 and their olympiad participation (demo
    numbers); return how many rows were added now. Loading twice adds nothing."""
    data = json.loads(DEMO_RESULTS.read_text(encoding="utf-8"))
    schools = {
        s.name: s for s in Organisation.objects.schools().filter(municipality__name=data["municipality"])
    }
    if not schools:
        return 0
    before = ExamResult.objects.count() + OlympiadResult.objects.count()
    exams = []
    for values in data["exam_results"]:
        row = dict(zip(data["exam_columns"], values, strict=True))
        row["school"] = schools[row["school"]]
        for key in EXAM_FIELDS[1:]:
            row[key] = Decimal(str(row[key]))
        exams.append(ExamResult(**row))
    ExamResult.objects.bulk_create(exams, ignore_conflicts=True)
    olympiad_rows = [
        dict(zip(data["olympiad_columns"], row, strict=True)) for row in data["olympiad_results"]
    ]
    OlympiadResult.objects.bulk_create(
        [OlympiadResult(**{**row, "school": schools[row["school"]]}) for row in olympiad_rows],
        ignore_conflicts=True,
    )
    return ExamResult.objects.count() + OlympiadResult.objects.count() - before
