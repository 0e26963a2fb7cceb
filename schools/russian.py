"""Russian text as the portal reads and writes it: plural forms, comparison keys, look-alike
Latin letters, people's and schools' names, and the masking of names on public pages.

Pure Python, no Django imports: ``roadmaps.deadlines`` imports it and must stay importable
without Django.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# --- Plural forms ---------------------------------------------------------------------


def plural(n: int, one: str, few: str, many: str) -> str:
    """The form of a word that agrees with ``n``: 1 день, 3 дня, 5 дней, 11 дней, 21 день, 22 дня.

    The last digit decides, except for 11–14, which always take the «many» form.
    """
    n = abs(n)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


# --- Comparison -----------------------------------------------------------------------


def fold(text: str) -> str:
    """Text as compared: lower case, «ё» as «е».

    Both spellings are correct Russian and documents mix them («Отчёт», «Отчет»), so no
    comparison may tell them apart.
    """
    return text.lower().replace("ё", "е")


def plain(text: object) -> str:
    """A table heading as compared: folded, letters, digits and «%» only.

    «Кол-во участников» -> «колвоучастников», «% «2»» -> «%2»; ``None`` -> «».
    """
    return re.sub(r"[^а-яa-z0-9%]", "", fold(str(text or "")))


# Latin letters typed for their Cyrillic twins («Mарт» with a Latin M, «EГЭ» with a Latin E),
# lower case: callers fold the text first. Only letters whose lower-case forms look alike.
LOOKALIKES = str.maketrans("aceopxykmthb", "асеорхукмтнв")


# --- Names ----------------------------------------------------------------------------


def normalise_person_name(name: str) -> str:
    """«Земляненко  Н. В.» and «В.А. Козлова» -> «Земляненко Н.В.», «Козлова В.А.»."""
    name = " ".join(name.split())
    name = re.sub(r"([А-ЯЁ])\.\s+(?=[А-ЯЁ]\.)", r"\1.", name)
    initials_first = re.fullmatch(r"([А-ЯЁ]\.[А-ЯЁ]\.?)\s+([А-ЯЁ][а-яё-]+)", name)
    if initials_first:
        return f"{initials_first.group(2)} {initials_first.group(1)}"
    return name


SCHOOL_TYPES = (("лице", "лицей"), ("гимнази", "гимназия"), ("оош", "оош"), ("сош", "сош"), ("средн", "сош"))


def school_key(name: str) -> tuple[str, str]:
    """A key under which «МОБУ лицея № 7» and «МОБУ лицей № 7» are the same school."""
    lowered = fold(name)
    number = re.search(r"№\s*(\d+)", lowered)
    if number:
        kind = next((label for stem, label in SCHOOL_TYPES if stem in lowered), "")
        return (kind, number.group(1))
    return ("", re.sub(r"[^а-яa-z0-9]", "", lowered))


# --- Masks ----------------------------------------------------------------------------

# «Карлина О.А.», «Земляненко  Н.В.», «Иванова-Петрова А.Б.»
_SURNAME_FIRST = r"\b[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s+[А-ЯЁ]\.\s*[А-ЯЁ]\."
# «В.А. Козлова», but not a school «им. А.Г. Ломакина»: a name in an organisation's name stays.
_INITIALS_FIRST = r"(?<!им\.\s)(?<!имени\s)\b[А-ЯЁ]\.\s*[А-ЯЁ]\.\s*[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
NAME_PATTERN = re.compile(f"{_SURNAME_FIRST}|{_INITIALS_FIRST}")
NAME_MASK = "[имя скрыто]"


def mask_names(text: str, known: Sequence[str] = ()) -> str:
    """The text with people's names replaced: the forms the documents use, and ``known`` names."""
    for name in known:
        text = text.replace(name, NAME_MASK)
    return NAME_PATTERN.sub(NAME_MASK, text)
