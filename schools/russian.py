"""Russian text as the portal reads and writes it: plural forms, comparison keys, look-alike
Latin letters, people's and schools' names, and the masking of names on public pages.

Pure Python, no Django imports: ``roadmaps.deadlines`` imports it and must stay importable
without Django.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from schools import russian_names

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


def natural_order(text: str) -> tuple:
    """A sort key under which «СОШ № 6» comes before «СОШ № 38» and «лицей № 7» after «Лицей № 3»:
    numbers compared as numbers, letters folded (``fold``)."""
    parts = re.split(r"(\d+)", fold(text))
    return tuple(
        (0, int(part), "") if part.isascii() and part.isdigit() else (1, 0, part) for part in parts if part
    )


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
#
# The public page publishes the roadmap's text, and that text names people: «Баркалова Е.В.,
# муниципальный координатор», «директор Сидорова Анна Викторовна», a phone, an e-mail. The
# masks below find them by their shape, without a dictionary of surnames:
#
# - initials next to a word: «Смирнова О.П.», «О. П. Смирнова», «СМИРНОВОЙ О.П.»; a single
#   initial only next to a word that reads as a surname («Митина Е.»);
# - a first name from ``schools.russian_names`` next to a surname, in either order, and with a
#   patronymic («Анна Викторовна», «Кузнецов Пётр», «Сидорова Анна Викторовна»); a word ending
#   as a patronymic («-овна», «-евич», «-ична», «оглы») makes the word before it a first name;
# - phones of the forms the documents use, and e-mail addresses.
#
# A name in an organisation's honorific name stays: «МОБУ СОШ № 8 им. А.Г. Ломакина» is the
# school's official, public name, and masking it would hide which school is meant; so does a
# street's («ул. Максима Горького»). A first
# name alone («ученица Анна») and a surname alone («Пушкин») are not masked: without the rest
# they name nobody, and most such words are something else («Вера», «Роман», «Сарова»).

NAME_MASK = "[имя скрыто]"
PHONE_MASK = "[телефон скрыт]"
EMAIL_MASK = "[e-mail скрыт]"

EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# +7 (912) 345-67-89, 8-912-345-67-89, 8 (34342) 2-15-60, 89123456789, (845-79)5-19-17,
# 2-15-60; not dates (05.02.2022), years (2021-2022), item numbers (5.10) or postcodes.
PHONE_PATTERN = re.compile(
    r"""(?<![\d+\-./])(?:
        (?:\+7|8)[\s-]*(?:\(\d{3,5}\)|\d{3,5})[\s-]*\d{1,3}(?:[\s-]*\d{2}){2}
      | \(\d{3,5}(?:-\d{1,3})?\)\s*\d{1,3}(?:[\s-]*\d{2}){2}
      | \d{1,3}(?:-\d{2}){2}
    )(?![\d-]|[.,]\d)""",
    re.X,
)


def _declined(names: str, *, female: bool) -> set[str]:
    """The names and their case forms, folded: «Анна» -> анна, анны, анне, анну, анной."""
    forms = set()
    for name in map(fold, names.split()):
        forms.add(name)
        if name.endswith("ия"):
            forms.update(name[:-1] + end for end in ("и", "ю", "ей"))
        elif name.endswith("я"):
            forms.update(name[:-1] + end for end in ("и", "е", "ю", "ей", "ею"))
        elif name.endswith("а"):
            genitive = "и" if name[-2] in "гкхжшчщ" else "ы"
            forms.update(name[:-1] + end for end in (genitive, "е", "у", "ой", "ою"))
        elif name.endswith("ь"):
            forms.update(name[:-1] + end for end in ("я", "ю", "ем", "е") if not female)
            forms.update(name[:-1] + end for end in ("и", "ью") if female)
        elif name.endswith("й"):
            forms.update(name[:-1] + end for end in ("я", "ю", "ем", "е", "и"))
        elif not female:
            stem = {"павел": "павл", "лев": "льв"}.get(name, name)
            forms.update(stem + end for end in ("а", "у", "ом", "е"))
    return forms


AMBIGUOUS_FIRST_NAMES = frozenset(
    form
    for name in russian_names.AMBIGUOUS_FIRST_NAMES.split()
    for form in _declined(name, female=name[-1] in "аяь")
)
FIRST_NAMES = AMBIGUOUS_FIRST_NAMES | frozenset(
    _declined(russian_names.MALE_FIRST_NAMES, female=False)
    | _declined(russian_names.FEMALE_FIRST_NAMES, female=True)
)

# Capitalised words that stand next to names but are none: positions, bodies, documents,
# months, subjects (folded; a word is looked up with its case ending as written).
NOT_NAMES = frozenset(
    fold(word)
    for word in """
    Управление Управления Управлению Управлением Отдел Отдела Отделом Департамент Департамента
    Министерство Министерства Администрация Администрации Комитет Комитета Приказ Приказом
    Директор Директора Директору Заместитель Заместителя Начальник Начальника Заведующий
    Заведующая Руководитель Руководителя Руководители Руководителям Учитель Учителя Учителю
    Педагог Педагога Педагоги Методист Методиста Координатор Координатора Специалист Куратор
    Ответственный Ответственные Исполнитель Исполнители Член Председатель Секретарь Эксперт
    Школа Школы Школе Гимназия Гимназии Лицей Лицея Центр Центра Проект Программа Положение План
    Цель Задачи Срок Сроки Отметка Итоги Совещание Семинар Заседание Мониторинг Участие
    Российской Федерации Области Район Района Город Города Муниципальный Муниципального
    Январь Января Февраль Февраля Март Марта Апрель Апреля Май Мая Июнь Июня Июль Июля Август
    Августа Сентябрь Сентября Октябрь Октября Ноябрь Ноября Декабрь Декабря
    Русский Русского Математика Математики Литература История Физика Химия Биология География
    Информатика Обществознание
    """.split()
)
# Abbreviations in capitals are no surnames: «ВПР Е.В.» does not occur, «СМИРНОВА О.П.» does.
ABBREVIATIONS = frozenset(
    fold(word)
    for word in """
    ВПР ОГЭ ЕГЭ ГИА ШНОР ШНСУ ЦНППМ ИРО ППк ОУ ОО ОбОО УО РМО ШМО МО МБОУ МАОУ МОБУ МОУ МКОУ
    МБУ ГБУ ГАУ ДПО РО РИПК ППРО СОИРО СОШ ООШ НОШ МЦ ФИО УВР ВР НМР ОВЗ СМИ РФ ЦОС ПМПК
    """.split()
)
# «Иванов», «Смирновой», «Кузнецову», «Высоцкий», «Яковенко», «Карапетян», «Кенчхадзе».
SURNAME_ENDING = re.compile(
    r"(?:ов|ев|ин|ын)(?:а|у|ой|ым|ом|е|ы)?$|(?:ск|цк)(?:ий|ая|ой|ого|ому|им|ую)$"
    r"|(?:енко|ко|ук|юк|ич|ян|янц|дзе|швили|ых|их)$"
)
# «Викторовна», «Петровичу», «Ильиничной», «Кузьмич»; a word this long ending so is a
# patronymic («Ровна» is not).
PATRONYMIC_ENDING = re.compile(
    r"(?:(?:ов|ев)ич|ильич|кузьмич|фомич|лукич)(?:а|у|ем|е)?$|(?:овн|евн|ичн)(?:а|ы|е|у|ой|ою)$"
)
# «им. А.Г. Ломакина», «имени А.С. Пушкина», «им. Героя Советского Союза Ф.Ф. Иванова»,
# «им. академика И.В. Курчатова»: the organisation's name, which stays; so does a street's,
# «ул. Максима Горького».
HONORIFIC_BEFORE = re.compile(
    r"\b(?i:им|имени|ул|улица|пр|проспект|пер|переулок|пл|площадь|бульвар)\s*\.?\s*"
    r"(?:(?:[А-ЯЁ][А-ЯЁа-яё]+|академика|генерала|маршала|адмирала|космонавта|поэта|писателя)\s+){0,3}$"
)
WORD = re.compile(r"[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)*")
SPACES = re.compile(r"[ \u00a0]+")  # between the words of one name: no line or cell break
AFTER_INITIAL = re.compile(r"\.[ \u00a0]*")


@dataclass
class _Word:
    start: int
    end: int
    text: str
    folded: str

    @property
    def is_initial(self) -> bool:
        return len(self.text) == 1 and self.text.isupper()

    @property
    def is_name_like(self) -> bool:
        """Written as a name is: «Смирнова», «Иванова-Петрова», «СМИРНОВА», and not a common
        word, a position or an abbreviation."""
        if len(self.text) < 2 or self.folded in NOT_NAMES or self.folded in ABBREVIATIONS:
            return False
        title = all(part[:1].isupper() and part[1:].islower() for part in self.text.split("-"))
        return title or (self.text.isupper() and bool(re.search("[аеёиоуыэюя]", self.folded)))

    @property
    def is_surname_like(self) -> bool:
        return self.is_name_like and bool(SURNAME_ENDING.search(self.folded))

    @property
    def is_patronymic(self) -> bool:
        return self.is_name_like and len(self.folded) >= 5 and bool(PATRONYMIC_ENDING.search(self.folded))


class _Names:
    """The words of a text and which of them belong to people's names."""

    def __init__(self, text: str):
        self.text = text
        self.words = [_Word(m.start(), m.end(), m.group(), fold(m.group())) for m in WORD.finditer(text)]
        self.masked = [False] * len(self.words)

    def gap(self, i: int) -> str:
        """The text between word ``i`` and the next one."""
        return self.text[self.words[i].end : self.words[i + 1].start]

    def joined(self, i: int) -> bool:
        """Whether word ``i`` and the next one may be two words of one name."""
        if i < 0 or i + 1 >= len(self.words):
            return False
        pattern = AFTER_INITIAL if self.words[i].is_initial else SPACES
        return bool(pattern.fullmatch(self.gap(i)))

    def neighbour(self, i: int, step: int) -> int | None:
        """The word before (``step`` -1) or after (+1) word ``i``, when it is joined to it."""
        j = i + step
        if 0 <= j < len(self.words) and self.joined(min(i, j)):
            return j
        return None

    def surnames(self, left: int | None, right: int | None, *, strict: bool = False) -> list[int]:
        """Which of the words around a first name or initials is the surname: those that read
        as surnames, or, when neither or both do, both (a word too many is masked rather than a
        surname shown); only the surname-like ones when ``strict``."""
        around = [i for i in (left, right) if i is not None and self.words[i].is_name_like]
        surname_like = [i for i in around if self.words[i].is_surname_like]
        return surname_like if strict or surname_like else around

    def mark(self, *indexes: int) -> None:
        for i in indexes:
            self.masked[i] = True

    def mark_initials(self) -> None:
        """«Смирнова О.П.», «О. П. Смирнова», «Митина Е.»; not «Ф.И.О.»."""
        i = 0
        while i < len(self.words):
            if not (self.words[i].is_initial and self.text.startswith(".", self.words[i].end)):
                i += 1
                continue
            last = i
            while last + 1 < len(self.words) and self.words[last + 1].is_initial and self.joined(last):
                last += 1
            # The second initial's dot may be missing: «Смирнова О.П».
            count = last - i + 1
            if count <= 2:
                right = self.neighbour(last, +1) if self.text.startswith(".", self.words[last].end) else None
                if right is not None and self._initials_follow(right):
                    right = None  # «Смирнова О.П. Иванова А.Б.»: the next name's surname
                surnames = self.surnames(self.neighbour(i, -1), right, strict=count == 1)
                if surnames:
                    self.mark(*range(i, last + 1), *surnames)
            i = last + 1

    def _initials_follow(self, i: int) -> bool:
        following = self.neighbour(i, +1)
        return following is not None and self.words[following].is_initial

    def mark_first_names(self) -> None:
        """«Кузнецов Пётр», «Пётр Кузнецов», «Анна Викторовна», «Сидорова Анна Викторовна»,
        «Снежана Викторовна», «Мамедов Ильхам Гейдар оглы»."""
        for i, word in enumerate(self.words):
            patronymic = None
            if word.is_patronymic:
                patronymic = i
            elif word.folded in ("оглы", "кызы") and self.neighbour(i, -1) is not None:
                patronymic = i - 1
            elif word.folded.endswith(("-оглы", "-кызы")):
                patronymic = i
            if patronymic is not None:
                first = self.neighbour(patronymic, -1)
                if first is not None and self.words[first].is_name_like:
                    last = i
                    self.mark(first, *range(patronymic, last + 1))
                    self.mark(*self.surnames(self.neighbour(first, -1), self.neighbour(last, +1)))
            elif word.folded in FIRST_NAMES and word.is_name_like:
                next_word = self.neighbour(i, +1)
                if next_word is not None and self.words[next_word].is_patronymic:
                    continue  # the patronymic marks its first name
                surnames = self.surnames(
                    self.neighbour(i, -1), next_word, strict=word.folded in AMBIGUOUS_FIRST_NAMES
                )
                if surnames:
                    self.mark(i, *surnames)

    def masked_text(self, mask: str) -> str:
        """The text with each run of masked words, joined as one name's words are, replaced."""
        parts, position, i = [], 0, 0
        while i < len(self.words):
            if not self.masked[i]:
                i += 1
                continue
            last = i
            while last + 1 < len(self.words) and self.masked[last + 1] and self.joined(last):
                last += 1
            start, end = self.words[i].start, self.words[last].end
            if self.words[last].is_initial and self.text.startswith(".", end):
                end += 1
            if not HONORIFIC_BEFORE.search(self.text, 0, start):
                parts += [self.text[position:start], mask]
                position = end
            i = last + 1
        return "".join(parts) + self.text[position:]


def mask_phones(text: str) -> str:
    """«+7 (912) 345-67-89», «8-912-345-67-89», «2-15-60» -> «[телефон скрыт]»."""

    def replace(match: re.Match) -> str:
        number = match.group()
        # «8 100 25 30 40» are figures in a row of a table, not a phone.
        if number.startswith("8") and " " in number and not re.search(r"[-(]", number):
            return number
        return PHONE_MASK

    return PHONE_PATTERN.sub(replace, text)


def mask_names(text: str, known: Sequence[str] = ()) -> str:
    """The text with people's names, phones and e-mail addresses replaced by «[имя скрыто]»,
    «[телефон скрыт]», «[e-mail скрыт]»: the forms the documents use, and ``known`` names."""
    for name in known:
        text = text.replace(name, NAME_MASK)
    text = mask_phones(EMAIL_PATTERN.sub(EMAIL_MASK, text))
    names = _Names(text)
    names.mark_initials()
    names.mark_first_names()
    return names.masked_text(NAME_MASK)
