"""Recognise who a roadmap's «Ответственный исполнитель» cell names.

The cell stays as written; this module only links the pieces it can read to
organisations, groups of schools, people and roles. Pure Python, no Django.

A person's description is split at the first word that starts an organisation:
«начальник Управления образования г. Таганрога» gives position «начальник» and
organisation «Управления образования г. Таганрога», so the organisation can be
linked. Groups carry no name: «ОО» and «Руководители ОУ» are the same set of
schools, so they are one ref (the words stay in the label).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum


class RefKind(StrEnum):
    ORGANISATION = "organisation"
    GROUP = "group"
    PERSON = "person"
    ROLE = "role"


class OrgKind(StrEnum):
    DEPARTMENT = "department"
    METHODOLOGICAL = "methodological"
    SCHOOL = "school"
    OTHER = "other"


class Group(StrEnum):
    SUPERVISED = "supervised"
    MENTORS = "mentors"


@dataclass(frozen=True)
class ExecutorRef:
    kind: RefKind
    label: str
    name: str = ""
    position: str = ""
    organisation: str = ""
    org_kind: OrgKind | None = None
    group: Group | None = None


# Patterns run on whitespace-normalised text, so a literal space stands for any run of
# spaces; a line break is kept as "\n" because authors use it to separate executors.
_ABBR = (
    r"(?:МОБУ|МАОУ|МБОУ|МКОУ|МОУ|МБУ|МАУ|МКУ|ГБУ|ГАУ|ГБОУ|ГАОУ|ГКОУ|ЧОУ"
    r"|МБУДО|МАУДО|МБДОУ|МАДОУ)"
)
_QUOTED = r"«[^«»]*(?:«[^«»]*»[^«»]*)*»"
_DEPARTMENT = r"(?:управлени|отдел|департамент)\w* образовани\w*(?: г\. ?[а-яё][\w-]*)?|\bУО\b"
_METHODOLOGICAL = (
    rf"(?:{_ABBR} )?ДПО (?:И|М)?МЦ\b|\b(?:И|М)?МЦ\b|методкабинет\w*"
    r"|(?:(?:районн|муниципальн|школьн)\w* )?методическ\w* (?:кабинет|служб|центр|объединени)\w*"
    r"|(?:районн\w* )?\b(?:РМО|ШМО|ММО|МО)\b"
)
_SCHOOL = (
    rf"{_ABBR} (?:[а-яё]+ )?(?:СОШ|ООШ|НОШ|лице|гимнази)\w*(?: ?№ ?\d+)?"
    r"(?: им(?:ени)? ?\.? ?(?:(?:[а-яё]\. ?){1,2}[а-яё][\w-]*|[а-яё][\w-]* (?:[а-яё]\. ?){1,2}))?"
)
_ORGANISATION = rf"{_DEPARTMENT}|{_METHODOLOGICAL}|{_SCHOOL}|{_ABBR} {_QUOTED}"

_NOUN = r"(?:организаци|учреждени)\w*"
# A page break can cut «общеобразовательные», leaving its tail («льные») on the next page.
_TAIL = "|".join("общеобразовательные"[i:] for i in range(2, 17))
_SCHOOLS = (
    r"\b(?:ОбОО|ОО|ОУ)\b|школ[аыу]?\b"
    rf"|(?:обще)?образовательн\w*(?:\s(?:{_TAIL}))?\s{_NOUN}"
    rf"|общеобразовательн\w*|(?:{_TAIL}) {_NOUN}"
)
_RESULTS = r"(?:образовательн\w* )?(?:результат|показател)\w*"
_SUPERVISED_ONE = rf"(?:руководител\w* )?(?:{_SCHOOLS})(?: с низк\w* {_RESULTS}(?: обучения)?)?"
# «ОбОО, в т.ч. школы с низкими …» narrows one group rather than naming a second one.
_SUPERVISED = rf"{_SUPERVISED_ONE}(?: ?,? в (?:т\. ?ч\.|том числе) {_SUPERVISED_ONE})?"
_MENTORS = rf"(?:руководител\w* )?(?:{_SCHOOLS}) с высок\w* {_RESULTS}|школ\w*-(?:лидер|наставник)\w*"
_TITLE = (
    r"(?:(?:муниципальн|главн|ведущ|старш)\w* )?"
    r"(?:куратор|методист|заведующ|начальник|координатор|директор|завуч|заместител"
    r"|специалист|руководител|педагог|психолог|учител)[\w-]*"
)
_ROLE = rf"(?P<title>{_TITLE})(?: (?P<org>{_ORGANISATION}))?"

_PHRASES = [
    (kind, re.compile(pattern, re.IGNORECASE))
    for kind, pattern in [
        (Group.MENTORS, _MENTORS),
        (Group.SUPERVISED, _SUPERVISED),
        (RefKind.ROLE, _ROLE),
        (RefKind.ORGANISATION, _ORGANISATION),
    ]
]
_DEPARTMENT_RE = re.compile(_DEPARTMENT, re.IGNORECASE)
_METHODOLOGICAL_RE = re.compile(_METHODOLOGICAL, re.IGNORECASE)
_SCHOOL_WORD_RE = re.compile(r"\b(?:СОШ|ООШ|НОШ)\b|лице|гимнази|школ", re.IGNORECASE)
# Where an organisation begins inside a person's description, ending the position.
_ORG_START_RE = re.compile(
    rf"\b{_ABBR}\b|\b(?:управлени|отдел|департамент|центр)\w*|\b(?:РМО|ШМО|ДПО|И?МЦ)\b|«",
    re.IGNORECASE,
)
_PERSON_RE = re.compile(
    r"(?<![\w-])(?P<surname>[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?) "
    r"(?P<first>[А-ЯЁ])\. ?(?P<middle>[А-ЯЁ])\."
)
# «МОБУ СОШ № 8 им. Ломакина А.Г.» names a school after someone, not an executor.
_NAMED_AFTER_RE = re.compile(r"\b(?:им ?\.?|имени) ?$", re.IGNORECASE)
_WHITESPACE_RE = re.compile(r"\s+")
_LINE_BREAK_RE = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
_WORD_RE = re.compile(r"[\w-]+")


def recognise(text: str) -> list[ExecutorRef]:
    """Return the executors named in a responsible-executor cell, in the order written."""
    s = _normalise(text)
    people = [
        m for m in _PERSON_RE.finditer(s) if not _NAMED_AFTER_RE.search(s, max(0, m.start() - 8), m.start())
    ]
    refs: list[ExecutorRef] = []
    # People listed with commas and no organisation of their own wait for the one after
    # the last of them: «Целуйко Е.М., директор, Лапина Н.Ю., педагог-психолог МБУ «…»».
    waiting: list[int] = []
    pos = 0
    for i, match in enumerate(people):
        refs += _phrases(s, pos, match.start())
        next_start = people[i + 1].start() if i + 1 < len(people) else len(s)
        line_end = s.find("\n", match.end())
        end = min(next_start, line_end) if line_end != -1 else next_start
        person = _person(match, s[match.end() : end], label=s[match.start() : end])
        if person.organisation:
            for j in waiting:
                refs[j] = replace(refs[j], organisation=person.organisation, org_kind=person.org_kind)
            waiting = []
        refs.append(person)
        listed_with_next = end == next_start and s[match.end() : end].rstrip().endswith(",")
        if not listed_with_next:
            waiting = []
        elif not person.organisation:
            waiting.append(len(refs) - 1)
        pos = end
    refs += _phrases(s, pos, len(s))
    return _unique(refs)


def _normalise(text: str) -> str:
    def collapse(run: re.Match[str]) -> str:
        return "\n" if _LINE_BREAK_RE.search(run.group()) else " "

    return _WHITESPACE_RE.sub(collapse, text).strip()


def _clean(piece: str) -> str:
    return piece.replace("\n", " ").strip(" ,;")


def _phrases(s: str, start: int, end: int) -> list[ExecutorRef]:
    """Read s[start:end], which names no person, as known phrases and leftovers."""
    refs: list[ExecutorRef] = []
    unknown_from: int | None = None

    def flush_unknown(upto: int) -> None:
        nonlocal unknown_from
        if unknown_from is not None:
            piece = _clean(s[unknown_from:upto])
            # A stray bracket or dash names nobody; anything with a letter or digit is kept.
            if re.search(r"\w", piece):
                refs.append(ExecutorRef(RefKind.ORGANISATION, piece, name=piece, org_kind=OrgKind.OTHER))
        unknown_from = None

    i = start
    while i < end:
        if s[i] in " \n,;":
            if s[i] != " ":
                flush_unknown(i)
            i += 1
            continue
        matches = [(kind, m) for kind, regex in _PHRASES if (m := regex.match(s, i, end))]
        if matches:
            kind, m = max(matches, key=lambda km: km[1].end())  # ties keep the first
            flush_unknown(i)
            refs.append(_phrase_ref(kind, m))
            i = m.end()
            continue
        if unknown_from is None:
            unknown_from = i
        word = _WORD_RE.match(s, i, end)
        i = word.end() if word else i + 1
    flush_unknown(end)
    return refs


def _phrase_ref(kind: RefKind | Group, m: re.Match[str]) -> ExecutorRef:
    label = _clean(m.group())
    if isinstance(kind, Group):
        return ExecutorRef(RefKind.GROUP, label, group=kind)
    if kind is RefKind.ROLE:
        organisation = _clean(m["org"] or "")
        return ExecutorRef(
            RefKind.ROLE,
            label,
            position=_clean(m["title"]),
            organisation=organisation,
            org_kind=_org_kind(organisation) if organisation else None,
        )
    return ExecutorRef(RefKind.ORGANISATION, label, name=label, org_kind=_org_kind(label))


def _person(m: re.Match[str], description: str, label: str) -> ExecutorRef:
    # Brackets too: «(директор Муразян О.В.)» leaves «)» after the name.
    description = description.strip(" ,;()")
    org_start = _ORG_START_RE.search(description)
    cut = org_start.start() if org_start else len(description)
    organisation = description[cut:].strip(" ,;()")
    return ExecutorRef(
        RefKind.PERSON,
        _clean(label),
        name=f"{m['surname']} {m['first']}.{m['middle']}.",
        position=description[:cut].strip(" ,;()"),
        organisation=organisation,
        org_kind=_org_kind(organisation) if organisation else None,
    )


def _org_kind(name: str) -> OrgKind:
    if _DEPARTMENT_RE.search(name):
        return OrgKind.DEPARTMENT
    if _METHODOLOGICAL_RE.search(name):
        return OrgKind.METHODOLOGICAL
    if _SCHOOL_WORD_RE.search(name):
        return OrgKind.SCHOOL
    return OrgKind.OTHER


def _unique(refs: list[ExecutorRef]) -> list[ExecutorRef]:
    seen: set[tuple[object, ...]] = set()
    unique = []
    for ref in refs:
        key: tuple[object, ...] = (ref.kind, ref.name.casefold(), ref.group)
        if ref.kind is RefKind.ROLE:
            # A role has no name; its title and organisation tell roles apart.
            key += (ref.position.casefold(), ref.organisation.casefold())
        if key not in seen:
            seen.add(key)
            unique.append(ref)
    return unique
