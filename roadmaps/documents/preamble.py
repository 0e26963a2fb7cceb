"""The text above a roadmap's table: approval block, title, goal, tasks, target
indicators, the schools it names, and the period. Pure Python.

«Приложение к приказу Управления образования г. Таганрога от «16» 02 2023 г. № 206»
may come over three lines; the title is the line that names a roadmap or a plan;
«Цель:», «Задачи:», «Целевые показатели:» start their blocks.

Stamps and signatures («УТВЕРЖДАЮ / Начальник управления образования / ____ И.О. Фамилия /
«__» ____ 2023 г.») are told by what they hold: a position, a person's initials, underscores
for the signature, «М.П.», «подпись», a blank date. ``is_signature`` is the one test of it (the
importer uses it to leave such rows out of the activities); the approver is read from them
when the approval block names none.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

MONTHS = {
    "январ": 1,
    "феврал": 2,
    "март": 3,
    "апрел": 4,
    "ма": 5,
    "июн": 6,
    "июл": 7,
    "август": 8,
    "сентябр": 9,
    "октябр": 10,
    "ноябр": 11,
    "декабр": 12,
}
APPROVAL_KINDS = [
    ("приказ", "приказ"),
    ("распоряж", "распоряжение"),
    ("письм", "письмо"),
    ("протокол", "протокол"),
]

_APPROVAL_START = re.compile(
    r"^(приложение|утвержден|утверждаю|утверждена|утверждено"
    r"|(письмо|приказ|распоряжение|постановление|протокол)\b.*\bот\b.*№)",
    re.I,
)
_APPROVED_BY = re.compile(r"^утвержден[аоы]?\s*:\s*(.+)$", re.I)
_TITLE_WORDS = re.compile(
    r"дорожн\w* карт|^«?\"?(муниципальн\w* )?план\b|программ\w* (поддержки|перехода)", re.I
)
_NOT_TITLE = re.compile(r"^(об? утвержд|утвердить|\d+\.|приказываю|в соответствии|с целью)", re.I)
# A block's label may carry Word's list number: «1. Цель:», «II. Задачи».
_LABEL = r"^(?:(?:\d{1,2}|[IVX]{1,4})[.)]\s*)?"
_GOAL = re.compile(_LABEL + r"цел[ьи]\b\s*[:\-–—]?\s*", re.I)
_TASKS = re.compile(_LABEL + r"задачи\b\s*[:\-–—]?\s*", re.I)
_INDICATORS = re.compile(_LABEL + r"(важнейшие\s+)?(целевые\s+)?(индикаторы|показатели)\b[^:]*:?\s*", re.I)
_SUPERVISED = re.compile(r"^[-–—•]?\s*школ\w* с низкими образовательными результатами\s*:\s*", re.I)
_MENTORS = re.compile(r"^[-–—•]?\s*школ\w*[- ]наставник\w*\s*:\s*", re.I)
_OTHER_LABEL = re.compile(r"^(муниципальный координатор|базовые площадки|школы-участники)\b", re.I)
_PERIOD = re.compile(r"период\s+(\d{2})\.(\d{2})\.(\d{4})\s*[-–—]\s*(\d{2})\.(\d{2})\.(\d{4})")
_BULLET = re.compile(r"^(?:[-–—•·▪]|\d{1,2}[.)])\s*")
_DATE_NUMERIC = re.compile(r"(\d{1,2})\s*[./]\s*(\d{1,2})\s*[./]\s*(\d{4})")
_DATE_SPACED = re.compile(r"«?\s*(\d{1,2})\s*»?\s+(\d{1,2}|[а-яё]+)\s+(\d{4})", re.I)
_NUMBER = re.compile(r"№\s*([\w/.\-]+)")
_TARGET_DATE = re.compile(r"\s*\(к (\d{2})\.(\d{2})\.(\d{4})\)\s*$")
_SCHOOL = re.compile(r"\s*([^,;()]+?)\s*(?:\((?:директор\s+)?([^()]*)\))?\s*(?:[,;]|$)")

# A signer's position opens the line: «Начальник управления образования», «И.о. директора».
_POSITION = re.compile(
    r"^(?:и\.\s?о\.\s*|врио\s+|исполняющ\w*\s+обязанност\w*\s+)?"
    r"(?:начальник|руководител|директор|заместител|заведующ|глав[аы]\b|председател|министр|ректор"
    r"|управляющ|исполнитель\s*:|исп\.)",
    re.I,
)
_INITIALS = r"(?:[А-ЯЁ]\.\s?){1,2}"
_SURNAME = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_NAME = re.compile(rf"^(?:{_INITIALS}\s?{_SURNAME}|{_SURNAME}\s+{_INITIALS})$")
_NAME_AT_END = re.compile(rf"(?:{_INITIALS}\s?{_SURNAME}|{_SURNAME}\s+{_INITIALS})$")
# Underscores for a signature or a blank date, the seal, the caption under a signature line.
_SIGNED = re.compile(r"_{3,}|\bм\.\s?п\.|(?:^|\()\s*подпись\b|^утверждаю\b|^согласовано\b|«\s*_+\s*»", re.I)
_STAMP_LABEL = re.compile(r"^(?:утверждаю|согласовано)\s*:?\s*", re.I)
_DATE_ONLY = re.compile(
    r"^[«»\"_\s\d./]*(?:[а-яё]+[\s_]*)?[«»\"_\s\d./]*(?:г\.?|года)?$",
    re.I,
)


def read_preamble(lines: list[str], after: list[str] | None = None) -> dict[str, Any]:
    """``lines``: the text above the roadmap's table; ``after``: the stamps and signatures
    below it, read only for the approver and the date they carry."""
    lines = [" ".join(line.split()) for line in lines]
    lines = [line for line in lines if line]
    data: dict[str, Any] = {
        "title": "",
        "approval": {"kind": "", "number": "", "date": None, "approver": "", "text": ""},
        "goal": "",
        "tasks": [],
        "indicators": [],
        "schools": [],
        "period": None,
    }
    used: set[int] = set()
    _approval(lines, data, used)
    _signer(lines, data, used)
    if after:
        _signer([" ".join(line.split()) for line in after if line.strip()], data, set())
    block = None
    for i, line in enumerate(lines):
        if i in used:
            continue
        if period := _PERIOD.search(line):
            g = [int(x) for x in period.groups()]
            data["period"] = (date(g[2], g[1], g[0]), date(g[5], g[4], g[3]))
            used.add(i)
            continue
        for pattern, name in ((_GOAL, "goal"), (_TASKS, "tasks"), (_INDICATORS, "indicators")):
            if pattern.match(line):
                block = name
                rest = pattern.sub("", line, count=1)
                used.add(i)
                if rest:
                    _add(data, block, rest)
                break
        else:
            if _SUPERVISED.match(line) or _MENTORS.match(line):
                status = "supervised" if _SUPERVISED.match(line) else "mentor"
                data["schools"] += _schools(
                    (_SUPERVISED if status == "supervised" else _MENTORS).sub("", line), status
                )
                used.add(i)
                block = None
            elif _OTHER_LABEL.match(line):
                used.add(i)
                block = None
            elif block and not _TITLE_WORDS.search(line):
                _add(data, block, line)
                used.add(i)
    data["title"] = _title(lines, used)
    return data


def _add(data: dict[str, Any], block: str, text: str) -> None:
    if block == "goal":
        data["goal"] = f"{data['goal']} {text}".strip()
    elif block == "tasks":
        data["tasks"].append(_BULLET.sub("", text, count=1))
    else:
        text = _BULLET.sub("", text, count=1)
        target_date = None
        if match := _TARGET_DATE.search(text):
            d, m, y = (int(x) for x in match.groups())
            target_date = date(y, m, d).isoformat()
            text = text[: match.start()]
        data["indicators"].append(
            {"name": text, "unit": "", "baseline": "", "target": "", "target_date": target_date}
        )


def _approval(lines: list[str], data: dict[str, Any], used: set[int]) -> None:
    start = next((i for i, line in enumerate(lines) if _APPROVAL_START.match(line)), None)
    if start is None:
        return
    taken = []
    for i in range(start, min(start + 5, len(lines))):
        line = lines[i]
        if i > start and (_TITLE_WORDS.search(line) or _GOAL.match(line)):
            break
        if by := _APPROVED_BY.match(line):
            data["approval"]["approver"] = by.group(1)
            used.add(i)
            continue
        taken.append(line)
        used.add(i)
        if "№" in line and _NUMBER.search(line) and (i > start or len(line) > 40):
            break
    text = " ".join(taken)
    approval = data["approval"]
    approval["text"] = text
    lowered = text.lower()
    approval["kind"] = next((kind for stem, kind in APPROVAL_KINDS if stem in lowered), "")
    numbers = _NUMBER.findall(text)
    approval["number"] = numbers[-1].rstrip(".") if numbers else ""
    found = parse_date(text)
    approval["date"] = found.isoformat() if found else None
    # The approver line may follow right after the block.
    nxt = start + len(taken)
    if nxt < len(lines) and (by := _APPROVED_BY.match(lines[nxt])):
        approval["approver"] = by.group(1)
        used.add(nxt)


def is_signature(texts: list[str]) -> bool:
    """Whether texts (a row's cells, lines) are a stamp or a signature, not roadmap content:
    each is a position, a name, a date or a signature mark, and together they hold a mark
    (underscores, «М.П.», «подпись», «УТВЕРЖДАЮ») or a position with a person's name."""
    texts = [" ".join(t.split()) for t in texts if t.strip()]
    if not texts or not all(is_signature_part(t) for t in texts):
        return False
    if any(_SIGNED.search(t) for t in texts):
        return True
    named = any(_NAME.match(_unsigned(t)) or _NAME_AT_END.search(_unsigned(t)) for t in texts)
    return named and any(_POSITION.match(t) for t in texts)


def is_signature_part(text: str) -> bool:
    """A position, a person's name, a date or a signature mark, and nothing else."""
    text = " ".join(text.split())
    return bool(
        _SIGNED.search(text)
        or _NAME.match(_unsigned(text))
        or _is_date(text)
        or (_POSITION.match(text) and len(text.split()) <= 12)
    )


def _unsigned(text: str) -> str:
    """The text without the underscores of a signature line and the captions under it."""
    text = re.sub(r"_+|\(\s*подпись\s*\)|\bм\.\s?п\.", " ", text, flags=re.I)
    return " ".join(text.split()).strip(" /,")


def _is_date(text: str) -> bool:
    return bool(re.search(r"[\d_]", text)) and bool(_DATE_ONLY.match(text))


def _signer(lines: list[str], data: dict[str, Any], used: set[int]) -> None:
    """The approver from a stamp or a signature («Начальник управления образования ____
    И.О. Фамилия»), the position over up to three lines; its date when the approval has none.
    The lines it takes are no title, goal or task."""
    for i, line in enumerate(lines):
        position = _unsigned(_STAMP_LABEL.sub("", line))
        if not _POSITION.match(position) or len(position.split()) > 15:
            continue
        taken, name = [i], ""
        if match := _NAME_AT_END.search(position):
            position, name = position[: match.start()].strip(), match.group()
        j = i + 1
        while not name and j < min(len(lines), i + 4):
            text = _unsigned(lines[j])
            if match := _NAME_AT_END.search(text):
                position, name = f"{position} {text[: match.start()]}".strip(), match.group()
            elif text and (re.search(r"\d", text) or len(text.split()) > 8):
                break
            else:
                position = f"{position} {text}".strip()
            taken.append(j)
            j += 1
        if not name:
            continue
        if j < len(lines) and _is_date(lines[j]):
            found = parse_date(lines[j])
            if found and not data["approval"]["date"]:
                data["approval"]["date"] = found.isoformat()
            taken.append(j)
        if not data["approval"]["approver"]:
            data["approval"]["approver"] = f"{position} {name}"
        used.update(taken)
        return


def parse_date(text: str) -> date | None:
    for match in _DATE_NUMERIC.finditer(text):
        d, m, y = (int(x) for x in match.groups())
        if found := _safe(y, m, d):
            return found
    for match in _DATE_SPACED.finditer(text):
        d, month, y = match.groups()
        m = (
            int(month)
            if month.isdigit()
            else next((n for s, n in MONTHS.items() if month.lower().startswith(s)), 0)
        )
        if found := _safe(int(y), m, int(d)):
            return found
    return None


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _title(lines: list[str], used: set[int]) -> str:
    free = [(i, line) for i, line in enumerate(lines) if i not in used]
    candidates = [(i, line) for i, line in free if _TITLE_WORDS.search(line) and not _NOT_TITLE.match(line)]
    if not candidates:
        return free[0][1] if free else ""
    index, title = candidates[-1]
    # A title set over several lines goes on in lower case.
    for i, line in free:
        if i == index + 1 and line[:1].islower():
            title = f"{title} {line}"
            index = i
    return title


def _schools(text: str, status: str) -> list[dict[str, str]]:
    schools = []
    for match in _SCHOOL.finditer(text):
        name = match.group(1).strip(" .")
        if not name:
            continue
        director = (match.group(2) or "").strip()
        schools.append({"name": name, "status": status, "director": director})
    return schools


def infer_period(title: str, deadline_years: list[int], approval_date: date | None) -> tuple[date, date]:
    """The roadmap's period from its title, else the years its deadlines name."""
    text = title.lower()
    if match := re.search(r"(20\d\d)\s*[-–—/]\s*(20\d\d)\s+учебн", text):
        return date(int(match.group(1)), 9, 1), date(int(match.group(2)), 8, 31)
    if match := re.search(r"(20\d\d)\s+учебн", text):
        return date(int(match.group(1)) - 1, 9, 1), date(int(match.group(1)), 8, 31)
    if match := re.search(r"(20\d\d)\s*[-–—]\s*(20\d\d)", text):
        return date(int(match.group(1)), 1, 1), date(int(match.group(2)), 12, 31)
    if match := re.search(r"на (20\d\d)\s*г", text):
        return date(int(match.group(1)), 1, 1), date(int(match.group(1)), 12, 31)
    if deadline_years:
        return date(min(deadline_years), 1, 1), date(max(deadline_years), 12, 31)
    today = approval_date or date.today()
    start_year = today.year if today.month >= 9 else today.year - 1
    return date(start_year, 9, 1), date(start_year + 1, 8, 31)
