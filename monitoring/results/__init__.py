"""School results: ВПР, ОГЭ and ЕГЭ per school, subject, grade and year against the municipal
average; olympiad participation; the XLSX imports with their preview and the blank templates.

- ``queries``: reading (a school's series, the municipal averages, the municipality's schools);
- ``services``: entering, correcting and deleting one result, and what a result may be;
- ``importer``: what the imports share (the safe reading of a workbook, the school matcher, the
  all-or-nothing save); ``exam_import`` and ``olympiad_import``: the two tables;
- ``template``: the blank workbooks; ``demo``: the Таганрог demo results.
"""

from __future__ import annotations

from monitoring.results.demo import DEMO_RESULTS, load_demo_results
from monitoring.results.exam_import import (
    COLUMNS,
    EXAM_NAMES,
    LOOKALIKES,
    ImportRow,
    exam_results_import,
    import_rows_load,
    read_results_workbook,
    results_import_rows,
)
from monitoring.results.importer import (
    IMPORT_BATCH,
    MAX_BLANK_RUN,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SHEET_XML,
    MAX_SHEETS,
    Column,
    ImportRefused,
    SchoolMatcher,
    import_rows_dump,
    read_workbook,
)
from monitoring.results.olympiad_import import (
    OLYMPIAD_COLUMNS,
    OlympiadImportRow,
    olympiad_import_rows,
    olympiad_results_import,
    olympiad_rows_load,
    read_olympiad_workbook,
)
from monitoring.results.queries import (
    EXAM_ORDER,
    METRICS,
    Cell,
    Metric,
    Series,
    build_series,
    chart_data,
    get_exam_result_for_user,
    get_olympiad_result_for_user,
    municipal_average,
    municipality_average,
    municipality_filters,
    municipality_school_results,
    school_exam_results,
    school_olympiads,
    school_series,
)
from monitoring.results.services import (
    EXAM_FIELDS,
    FIRST_YEAR,
    SUBJECTS,
    exam_result_delete,
    exam_result_save,
    normalise_subject,
    olympiad_result_delete,
    olympiad_result_save,
    result_problems,
)
from monitoring.results.template import olympiad_template, results_template

__all__ = [
    "COLUMNS",
    "DEMO_RESULTS",
    "EXAM_FIELDS",
    "EXAM_NAMES",
    "EXAM_ORDER",
    "FIRST_YEAR",
    "IMPORT_BATCH",
    "LOOKALIKES",
    "MAX_BLANK_RUN",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "MAX_SHEETS",
    "MAX_SHEET_XML",
    "METRICS",
    "OLYMPIAD_COLUMNS",
    "SUBJECTS",
    "Cell",
    "Column",
    "ImportRefused",
    "ImportRow",
    "Metric",
    "OlympiadImportRow",
    "SchoolMatcher",
    "Series",
    "build_series",
    "chart_data",
    "exam_result_delete",
    "exam_result_save",
    "exam_results_import",
    "get_exam_result_for_user",
    "get_olympiad_result_for_user",
    "import_rows_dump",
    "import_rows_load",
    "load_demo_results",
    "municipal_average",
    "municipality_average",
    "municipality_filters",
    "municipality_school_results",
    "normalise_subject",
    "olympiad_import_rows",
    "olympiad_result_delete",
    "olympiad_result_save",
    "olympiad_results_import",
    "olympiad_rows_load",
    "olympiad_template",
    "read_olympiad_workbook",
    "read_results_workbook",
    "read_workbook",
    "result_problems",
    "results_import_rows",
    "results_template",
    "school_exam_results",
    "school_olympiads",
    "school_series",
]
