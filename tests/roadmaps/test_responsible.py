from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roadmaps.responsible import ExecutorRef, Group, OrgKind, RefKind, recognise

CENTRE = "МБУ «Центр медико-психолого-педагогического сопровождения детей и подростков»"
DEPT = OrgKind.DEPARTMENT
METHOD = OrgKind.METHODOLOGICAL
SUPERVISED = (RefKind.GROUP, Group.SUPERVISED)
MENTORS = (RefKind.GROUP, Group.MENTORS)
MC = (RefKind.ORGANISATION, "МБОУ ДПО МЦ", METHOD)
RMO = (RefKind.ORGANISATION, "РМО", METHOD)
BARKALOVA = (RefKind.PERSON, "Баркалова Е.В.", "муниципальный координатор", "")


def org(name: str, kind: OrgKind = OrgKind.OTHER) -> tuple:
    return (RefKind.ORGANISATION, name, kind)


def role(position: str, organisation: str = "") -> tuple:
    return (RefKind.ROLE, position, organisation)


def person(name: str, position: str, organisation: str = "") -> tuple:
    return (RefKind.PERSON, name, position, organisation)


def summary(ref: ExecutorRef) -> tuple:
    if ref.kind is RefKind.GROUP:
        return (ref.kind, ref.group)
    if ref.kind is RefKind.ROLE:
        return role(ref.position, ref.organisation)
    if ref.kind is RefKind.PERSON:
        return person(ref.name, ref.position, ref.organisation)
    return org(ref.name, ref.org_kind)


def normalised(text: str) -> str:
    return " ".join(text.split())


# Every distinct responsible-executor cell of the five seed roadmaps, as written.
SEED_CELLS = [
    pytest.param("Управление образования", [org("Управление образования", DEPT)], id="uo"),
    pytest.param(
        "Руководители ОУ\nУправление образования",
        [SUPERVISED, org("Управление образования", DEPT)],
        id="heads-newline-uo",
    ),
    pytest.param(
        "Управление образования\nРуководители ОУ",
        [org("Управление образования", DEPT), SUPERVISED],
        id="uo-newline-heads",
    ),
    pytest.param(
        "Руководители  ОУ   Управление образования",
        [SUPERVISED, org("Управление образования", DEPT)],
        id="pdf-heads-uo",
    ),
    pytest.param("Руководители ОУ", [SUPERVISED], id="heads-ou"),
    pytest.param(
        "Руководители ОУ\nметодкабинет",
        [SUPERVISED, org("методкабинет", METHOD)],
        id="heads-methodical-room",
    ),
    pytest.param("Координационный совет", [org("Координационный совет")], id="council"),
    pytest.param("ОУ с низкими показателями", [SUPERVISED], id="ou-low"),
    pytest.param("Управление образованием", [org("Управление образованием", DEPT)], id="uo-instr"),
    pytest.param("Общеобразовательные организации", [SUPERVISED], id="schools"),
    pytest.param("общеобразовательные организации", [SUPERVISED], id="schools-lower"),
    pytest.param(
        "Управление образованием, общеобразовательные организации",
        [org("Управление образованием", DEPT), SUPERVISED],
        id="uo-schools",
    ),
    pytest.param(
        "Управление образованием, общеобразовательные\nльные организации",
        [org("Управление образованием", DEPT), SUPERVISED],
        id="uo-schools-page-break",
    ),
    pytest.param(
        "Управление образованием, общеобразовательные",
        [org("Управление образованием", DEPT), SUPERVISED],
        id="page-break-first-half",
    ),
    pytest.param("льные организации", [SUPERVISED], id="page-break-second-half"),
    pytest.param("Управление образования, ОО", [org("Управление образования", DEPT), SUPERVISED], id="uo-oo"),
    pytest.param("ОО", [SUPERVISED], id="oo"),
    pytest.param("РМО", [RMO], id="rmo"),
    pytest.param("Управление образования, РМО", [org("Управление образования", DEPT), RMO], id="uo-rmo"),
    pytest.param("РМО, ОО", [RMO, SUPERVISED], id="rmo-oo"),
    pytest.param(
        "Управление образования, РМО, ОО",
        [org("Управление образования", DEPT), RMO, SUPERVISED],
        id="uo-rmo-oo",
    ),
    pytest.param(
        "управление образования, РМО, ОО",
        [org("управление образования", DEPT), RMO, SUPERVISED],
        id="uo-lower-rmo-oo",
    ),
    pytest.param(
        "Управление образования, ОО, РМО",
        [org("Управление образования", DEPT), SUPERVISED, RMO],
        id="uo-oo-rmo",
    ),
    pytest.param(
        "Управление образования  ОО", [org("Управление образования", DEPT), SUPERVISED], id="uo-oo-no-comma"
    ),
    pytest.param(
        "Управление образования,ОО", [org("Управление образования", DEPT), SUPERVISED], id="uo-oo-no-space"
    ),
    pytest.param("Руководители РМО", [role("Руководители", "РМО")], id="heads-rmo"),
    pytest.param("Руководители районных МО", [role("Руководители", "районных МО")], id="heads-district-mo"),
    pytest.param(
        "Морозова О.Л., начальник Управления образования г. Таганрога",
        [person("Морозова О.Л.", "начальник", "Управления образования г. Таганрога")],
        id="head-of-department",
    ),
    pytest.param("Баркалова Е.В., муниципальный координатор", [BARKALOVA], id="coordinator"),
    pytest.param(
        "Яковенко Т.К., ведущий специалист Управления образования г. Таганрога",
        [person("Яковенко Т.К.", "ведущий специалист", "Управления образования г. Таганрога")],
        id="specialist",
    ),
    pytest.param(
        "Баркалова Е.В., муниципальный координатор Земляненко  Н.В. , директор МОБУ лицея № 7",
        [BARKALOVA, person("Земляненко Н.В.", "директор", "МОБУ лицея № 7")],
        id="coordinator-and-director",
    ),
    pytest.param(
        "Земляненко Н.В., директор МОБУ лицея № 7\n\nЧумак И.В., директор МОБУ СОШ № 34\n\n"
        "Чудный А.В., директор МОБУ СОШ № 31\n\n"
        "Булычева И.Ю., директор МОБУ СОШ № 8 им . А.Г. Ломакина \n\n\n"
        f"Целуйко Е.М., директор, Лапина Н.Ю., педагог-психолог, Кенчхадзе С.В., учитель-дефектолог {CENTRE}",
        [
            person("Земляненко Н.В.", "директор", "МОБУ лицея № 7"),
            person("Чумак И.В.", "директор", "МОБУ СОШ № 34"),
            person("Чудный А.В.", "директор", "МОБУ СОШ № 31"),
            person("Булычева И.Ю.", "директор", "МОБУ СОШ № 8 им . А.Г. Ломакина"),
            person("Целуйко Е.М.", "директор", CENTRE),
            person("Лапина Н.Ю.", "педагог-психолог", CENTRE),
            person("Кенчхадзе С.В.", "учитель-дефектолог", CENTRE),
        ],
        id="webinar-speakers",
    ),
    pytest.param(
        "Заведующий Отделом образования", [role("Заведующий", "Отделом образования")], id="head-of-otdel"
    ),
    pytest.param("Отдел образования", [org("Отдел образования", DEPT)], id="otdel"),
    pytest.param(
        "Отдел образования Руководители ОО", [org("Отдел образования", DEPT), SUPERVISED], id="otdel-heads"
    ),
    pytest.param(
        "Руководители ОО Отдел образования", [SUPERVISED, org("Отдел образования", DEPT)], id="heads-otdel"
    ),
    pytest.param(
        "Руководители ОО Методист Отдела образования",
        [SUPERVISED, role("Методист", "Отдела образования")],
        id="heads-methodist",
    ),
    pytest.param(
        "Руководитель ОО, Куратор, Методист Отдела образования",
        [SUPERVISED, role("Куратор"), role("Методист", "Отдела образования")],
        id="head-curator-methodist",
    ),
    pytest.param("Руководители ОО", [SUPERVISED], id="heads-oo"),
    pytest.param("МБОУ ДПО МЦ", [MC], id="mc"),
    pytest.param("ОО, МБОУ ДПО МЦ", [SUPERVISED, MC], id="oo-mc"),
    pytest.param("МБОУ ДПО МЦ, ОбОО", [MC, SUPERVISED], id="mc-oboo"),
    pytest.param("Школы с низкими образовательными результатами", [SUPERVISED], id="low-result-schools"),
    pytest.param("МБОУ ДПО МЦ, школы с низкими образовательными результатами", [MC, SUPERVISED], id="mc-low"),
    pytest.param(
        "МБОУ ДПО МЦ ОбОО, в т.ч. школы с низкими образовательными результатами, "
        "ОбОО с высокими образовательными результатами",
        [MC, SUPERVISED, MENTORS],
        id="mc-including-low-and-high",
    ),
    pytest.param(
        "МБОУ ДПО МЦ\nОО с низкими образовательными результатами ОО с высокими образовательными результатами",
        [MC, SUPERVISED, MENTORS],
        id="mc-low-high-page-break",
    ),
]


@pytest.mark.parametrize(("text", "expected"), SEED_CELLS)
def test_it_reads_every_seed_cell(text: str, expected: list[tuple]) -> None:
    assert [summary(ref) for ref in recognise(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("УО", [org("УО", DEPT)], id="uo-abbreviation"),
        pytest.param(
            "Управление образования г. Таганрога", [org("Управление образования г. Таганрога", DEPT)]
        ),
        pytest.param("школы-наставники", [MENTORS], id="mentor-schools"),
        pytest.param(
            "МКОУ «Лицей №1 г. Усть-Джегуты»", [org("МКОУ «Лицей №1 г. Усть-Джегуты»", OrgKind.SCHOOL)]
        ),
        pytest.param("ОО, Руководители ОО", [SUPERVISED], id="one-group-once"),
        pytest.param("Управление образования\nУправление образования", [org("Управление образования", DEPT)]),
        pytest.param(
            "МОБУ СОШ № 8 им. Ломакина А.Г.", [org("МОБУ СОШ № 8 им. Ломакина А.Г.", OrgKind.SCHOOL)]
        ),
        pytest.param("Рабочая группа, ОО", [org("Рабочая группа"), SUPERVISED], id="unknown-kept"),
        pytest.param("—", [], id="dash-names-nobody"),
        pytest.param("", [], id="empty"),
        pytest.param(" \n\t ", [], id="whitespace"),
    ],
)
def test_it_reads_other_forms(text: str, expected: list[tuple]) -> None:
    assert [summary(ref) for ref in recognise(text)] == expected


@pytest.mark.parametrize(
    ("text", "org_kind"),
    [
        ("Морозова О.Л., начальник Управления образования г. Таганрога", DEPT),
        ("Земляненко Н.В., директор МОБУ лицея № 7", OrgKind.SCHOOL),
        ("Булычева И.Ю., директор МОБУ СОШ № 8 им . А.Г. Ломакина", OrgKind.SCHOOL),
        (f"Целуйко Е.М., директор {CENTRE}", OrgKind.OTHER),
        ("Методист Отдела образования", DEPT),
        ("Заведующий Отделом образования", DEPT),
        ("Руководители РМО", METHOD),
        ("Руководители районных МО", METHOD),
    ],
)
def test_it_classifies_the_organisation_of_a_person_or_role(text: str, org_kind: OrgKind) -> None:
    [ref] = recognise(text)
    assert ref.org_kind is org_kind


def test_it_does_not_pass_a_directors_school_to_a_person_before_her() -> None:
    barkalova, _ = recognise(
        "Баркалова Е.В., муниципальный координатор Земляненко  Н.В. , директор МОБУ лицея № 7"
    )
    assert barkalova.organisation == ""
    assert barkalova.org_kind is None


def test_it_keeps_the_cell_words_in_labels() -> None:
    refs = recognise("МБОУ ДПО МЦ ОбОО, в т.ч. школы с низкими образовательными результатами")
    assert [ref.label for ref in refs] == [
        "МБОУ ДПО МЦ",
        "ОбОО, в т.ч. школы с низкими образовательными результатами",
    ]
    assert recognise("Земляненко  Н.В. , директор")[0].label == "Земляненко Н.В. , директор"


def test_a_position_written_before_the_name_stays_a_separate_role() -> None:
    assert [summary(ref) for ref in recognise("(директор Муразян О.В.)")] == [
        role("директор"),
        person("Муразян О.В.", ""),
    ]


FRAGMENTS = [
    "Управление образования",
    "ОО",
    "ОбОО",
    "Руководители ОУ",
    "МБОУ ДПО МЦ",
    "РМО",
    "Баркалова Е.В.",
    "Земляненко  Н. В.",
    "директор МОБУ СОШ № 8 им . А.Г. Ломакина",
    "МБУ «Центр «Радуга»",
    "в т.ч.",
    "с низкими образовательными результатами",
    "общеобразовательные",
    "льные организации",
    "Методист",
    ",",
    ";",
    "\n",
    "  ",
    "(",
    "»",
]
CELL_TEXT = st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=4), max_size=12).map("".join)


@given(st.text() | CELL_TEXT)
def test_it_never_raises_and_every_label_comes_from_the_text(text: str) -> None:
    refs = recognise(text)
    named = [(ref.kind, ref.name.casefold(), ref.group) for ref in refs if ref.kind is not RefKind.ROLE]
    assert len(named) == len(set(named))
    for ref in refs:
        assert ref.label
        assert ref.label in normalised(text)
