"""Free-text Russian deadlines («Май 2020г.», «до 10 марта 2023 г.», «ежегодно») -> date windows.

Roadmaps are typed by hand in Word, so a deadline cell holds whatever its author wrote.
parse_deadline reads it the way a person in the department would and never raises: what it
cannot place becomes needs_date=True, so that staff set the date by hand.

1. _normalize: one case, one kind of dash, no notes in brackets, no «№ …» numbers.
2. _lex: numbers, dates and words become tokens; known phrases become keywords.
3. _read: tokens become points (a day, a month, a quarter…, maybe without a year) joined
   into items: a point, a range, «с …» or «до …».
4. _windows: items are placed in the roadmap's period; years missing from the text come
   from the period, and «ежегодно», «ежемесячно»… repeat the windows.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from schools.russian import LOOKALIKES, fold


@dataclass(frozen=True)
class Window:
    start: date | None  # None: no start, as in «до 10 марта 2023 г.»
    end: date


@dataclass(frozen=True)
class ParsedDeadline:
    windows: tuple[Window, ...]  # sorted by end, then start (None first); no duplicates
    needs_date: bool  # no window could be derived: a person must set the date


# A row owes at most this many windows, the earliest ones: «еженедельно» over a seven-year
# period is 365; «ежедневно» over a year would be more than anyone can mark.
MAX_WINDOWS = 500


def parse_deadline(text: str, period_start: date, period_end: date) -> ParsedDeadline:
    if not isinstance(text, str) or period_start > period_end:
        return ParsedDeadline(windows=(), needs_date=True)
    reading = _read(_lex(_normalize(text)))
    windows = _windows(reading, period_start, period_end)[:MAX_WINDOWS]
    return ParsedDeadline(windows=tuple(windows), needs_date=not windows)


def windows_to_json(parsed: ParsedDeadline) -> dict:
    return {
        "windows": [
            {"start": w.start.isoformat() if w.start else None, "end": w.end.isoformat()}
            for w in parsed.windows
        ],
        "needs_date": parsed.needs_date,
    }


# --- 1. Normalizing -------------------------------------------------------------------

# Soft hyphens and zero-width spaces hide inside words copied from Word; stress marks too.
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u2060\ufeff\u0300-\u036f]")
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−⁃", "-"))
_BRACKET_OR_NEWLINE = re.compile(r"([()\[\]\n])")
# «№ 391», «№1861», «№ 398/2»: a document number is never a date.
_DOCUMENT_NUMBER = re.compile(r"#\s*[^\s,;]*")


def _normalize(text: str) -> str:
    text = text.replace("№", "#")  # before NFKC, which spells «№» as «No»
    text = fold(unicodedata.normalize("NFKC", text))
    text = _INVISIBLE.sub("", text).replace("і", "i").translate(_DASHES)
    return _DOCUMENT_NUMBER.sub(" ", _drop_brackets(text))


def _drop_brackets(text: str) -> str:
    # Text in brackets is a note («(приказ … от 26 апреля 2023 г. № 391)»), never the
    # deadline. An unclosed bracket is a note to the end of its line, not of the cell.
    pieces = _BRACKET_OR_NEWLINE.split(text)
    dropped = [False] * len(pieces)
    opened: list[int] = []
    for index, piece in enumerate(pieces):
        if piece in ("(", "["):
            opened.append(index)
        elif piece in (")", "]"):
            if not opened:
                dropped[index] = True
                continue
            start = opened.pop()
            if not opened:
                dropped[start : index + 1] = [True] * (index + 1 - start)
    done = 0
    for start in opened:
        index = max(start, done)
        while index < len(pieces) and pieces[index] != "\n":
            dropped[index] = True
            index += 1
        done = index
    return "".join(piece for piece, gone in zip(pieces, dropped, strict=True) if not gone)


# --- 2. Lexing ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Token:
    kind: str  # date, num, month, ordinal, dash, slash, sep, or a keyword from _PHRASES
    value: object = None
    digits: int = 0


_TOKEN = re.compile(
    r"(?P<iso>(?<![0-9])(?P<iy>[0-9]{4})-(?P<im>[0-9]{2})-(?P<id>[0-9]{2})(?![0-9]))"
    r"|(?P<date>(?<![0-9])(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})"
    r"(?:\.\s?(?P<y>[0-9]{4}|[0-9]{2}))?(?![0-9]))"
    # «1-й», «2-го», «3-м»: the ending of an ordinal number is dropped with it.
    r"|(?P<num>[0-9]+)(?:\s*-\s*(?:й|го|ого|ой|ое|ый|ий|ей|е|м|ом|я|ая)(?![а-яa-z]))?"
    r"|(?P<word>[а-яa-z]+)"
    r"|(?P<dash>-)"
    r"|(?P<slash>/)"
    r"|(?P<sep>[,;\n\r\v\f\x85\u2028\u2029])"
)

_CYRILLIC = re.compile(r"[а-я]")

_MONTH = re.compile(
    r"(?P<m1>январ(ь|я|е|ю|ем)|янв)|(?P<m2>феврал(ь|я|е|ю|ем)|февр?)"
    r"|(?P<m3>март(а|е|у|ом)?|мар)|(?P<m4>апрел(ь|я|е|ю|ем)|апр)|(?P<m5>ма(й|я|е|ю|ем))"
    r"|(?P<m6>июн(ь|я|е|ю|ем)?)|(?P<m7>июл(ь|я|е|ю|ем)?)|(?P<m8>август(а|е|у|ом)?|авг)"
    r"|(?P<m9>сентябр(ь|я|е|ю|ем)|сент?)|(?P<m10>октябр(ь|я|е|ю|ем)|окт)"
    r"|(?P<m11>ноябр(ь|я|е|ю|ем)|нояб?)|(?P<m12>декабр(ь|я|е|ю|ем)|дек)"
)
_ORDINAL = re.compile(
    r"(?P<o1>i|перв\w*)|(?P<o2>ii|втор\w*)|(?P<o3>iii|трет\w*)"
    r"|(?P<o4>iv|четверт(ый|ого|ом|ому|ая|ой|ое|ую))"
)

# A phrase is a few words, each a pattern for the whole word; where two phrases start with
# the same word, the longer one comes first.
_PHRASES = [
    # The date lives in another document: a person has to set it.
    (
        r"по (отдельн|индивидуальн|план|график|результат|итог|мер|запрос|необходимост"
        r"|согласовани|требовани|окончани)\w*",
        "nodate",
    ),
    (r"в (соответстви|установленн)\w*", "nodate"),
    (r"согласно", "nodate"),
    (r"при необходимост\w*", "nodate"),
    (r"в теч(ени\w*)?", "during"),
    (r"на протяжени\w*", "during"),
    (r"(весь|всего) период\w*", "whole"),
    (r"постоянно|ежедневно|круглогодично|систематически|регулярно", "whole"),
    (r"до (конц|окончани)\w*", "until_end"),
    (r"до|к|ко", "until"),
    (r"не (позднее|позже)", "until"),
    (r"не (ранее|раньше)", "from"),
    (r"начиная (с|со)", "from"),
    (r"с|со", "from"),
    (r"ежегодно", "yearly"),
    (r"кажд\w* (год|года)", "yearly"),
    (r"ежеполугодно", "halfyearly"),
    (r"кажд\w* полугоди\w*", "halfyearly"),
    (r"ежеквартально|поквартально", "quarterly"),
    (r"кажд\w* (квартал\w*|четверт\w*)", "quarterly"),
    (r"по (кварталам|четвертям)", "quarterly"),
    (r"ежемесячно", "monthly"),
    (r"кажд\w* месяц\w*", "monthly"),
    (r"по месяцам", "monthly"),
    (r"еженедельно", "weekly"),
    (r"кажд\w* недел\w*", "weekly"),
    (r"раза? в год", "yearly"),
    (r"раза? в полугоди\w*", "halfyearly"),
    (r"раза? в (квартал|четверть)", "quarterly"),
    (r"раза? в месяц", "monthly"),
    (r"раза? в неделю", "weekly"),
    (r"по", "po"),
    (r"и|или", "sep"),
    (r"от", "reference"),  # «приказ … от 16.02.2023»: the document's date
    (r"уч|учебн\w*", "academic"),
    (r"дн|дня|дней|день|недел\w*|месяц\w*|час\w*|сут\w*", "time_unit"),
    (r"квартал\w*|кв", "quarter"),
    (r"полугоди\w*", "half"),
    (r"четверт(ь|и|ям|ях|ью)", "term"),
    (r"числ(о|а|у|е)", "day_of_month"),
]
_COMPILED_PHRASES = [
    (tuple(re.compile(word) for word in phrase.split(" ")), kind) for phrase, kind in _PHRASES
]


def _lex(text: str) -> list[_Token]:
    raw: list[_Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "iso":
            raw.append(_Token("date", (int(match["id"]), int(match["im"]), int(match["iy"]))))
        elif kind == "date":
            year = match["y"]
            if year is not None:
                year = int(year) + (2000 if len(year) == 2 else 0)
            raw.append(_Token("date", (int(match["d"]), int(match["m"]), year)))
        elif kind == "num":
            digits = match["num"]
            if len(digits) <= 4:  # longer runs are phone or document numbers
                raw.append(_Token("num", int(digits), len(digits)))
        elif kind == "word":
            word = match["word"]
            if _CYRILLIC.search(word):
                word = word.translate(LOOKALIKES)  # «Mарт» with a Latin M
            raw.append(_Token("word", word))
        else:
            raw.append(_Token(kind))

    tokens: list[_Token] = []
    index = 0
    while index < len(raw):
        token = raw[index]
        if token.kind != "word":
            tokens.append(token)
            index += 1
            continue
        phrase = _phrase_at(raw, index)
        if phrase is not None:
            kind, length = phrase
            tokens.append(_Token(kind))
            index += length
            continue
        for pattern, kind in ((_MONTH, "month"), (_ORDINAL, "ordinal")):
            match = pattern.fullmatch(token.value)
            if match:
                tokens.append(_Token(kind, int(match.lastgroup[1:])))
                break
        index += 1  # other words («г.», «года», «срок») say nothing about the date
    return tokens


def _phrase_at(raw: list[_Token], index: int) -> tuple[str, int] | None:
    for words, kind in _COMPILED_PHRASES:
        candidates = raw[index : index + len(words)]
        if len(candidates) == len(words) and all(
            token.kind == "word" and word.fullmatch(token.value)
            for word, token in zip(words, candidates, strict=True)
        ):
            return kind, len(words)
    return None


# --- 3. Reading -----------------------------------------------------------------------

_FIRST_YEAR, _LAST_YEAR = 1900, 2199  # a four-digit number outside is not a year
_NUMBERED_UNITS = ("day", "quarter", "half", "term", "day_of_month")


@dataclass
class _Point:
    # day, month, quarter, half, term (school quarter), year, span (explicit dates),
    # day_of_month («25 числа»), or bare: a number waiting for the unit after it («24-25 мая»)
    unit: str
    n: int = 0
    month: int = 0
    # For school units (a term, an academic half-year) the year the school year starts.
    year: int | None = None
    academic: bool | None = None  # half-year from September; None: the period decides
    span: tuple[date, date] | None = None


@dataclass
class _Item:
    kind: str  # at, from, until, range
    first: _Point
    last: _Point | None = None

    def points(self) -> list[_Point]:
        return [self.first] if self.last is None else [self.first, self.last]


@dataclass
class _Reading:
    items: list[_Item] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)  # whole, until_end, and the repeats


def _read(tokens: list[_Token]) -> _Reading:
    reading = _Reading()
    prefix: str | None = None  # «с» or «до» waiting for its point
    after_point = False  # a dash now joins a range; after a separator it is a bullet
    joining = False  # the next point ends the range the last one started
    in_reference = False  # points after «от» date a document
    index = 0
    while index < len(tokens):
        point, after = _point_at(tokens, index)
        if after > index:
            index = after
            if point is None or in_reference:
                continue
            last = reading.items[-1] if reading.items else None
            if joining and last and last.last is None and last.kind in ("at", "from"):
                last.kind, last.last = "range", point
            else:
                reading.items.append(_Item(prefix or "at", point))
            prefix, joining, after_point = None, False, True
            continue

        kind = tokens[index].kind
        index += 1
        nothing_yet = not reading.items and not reading.flags
        if kind == "nodate":
            if nothing_yet:  # «в течение года в соответствии с планом»: the leading phrase decides
                return _Reading()
            continue
        if kind == "during":
            counted = index + 1 if _kind(tokens, index) == "num" else index
            if _kind(tokens, counted) != "time_unit":
                kind = "whole"
            elif nothing_yet:  # «в течение 10 дней» counts from an event we do not know
                return _Reading()
        if kind in ("dash", "po", "until") and after_point:
            joining = True
        elif kind in ("po", "until"):
            prefix = "until"
        elif kind == "from":
            prefix, after_point, joining = "from", False, False
        elif kind == "until_end":
            reading.flags.add(kind)
            prefix = "until"
        elif kind in ("whole", "yearly", "halfyearly", "quarterly", "monthly", "weekly"):
            reading.flags.add(kind)
        elif kind == "reference":
            in_reference = True
            continue
        elif kind in ("sep", "slash") and not joining:
            after_point = False
        in_reference = False

    _inherit_units(reading.items)
    reading.items = [item for item in reading.items if all(p.unit != "bare" for p in item.points())]
    _share_years(reading.items)
    return reading


def _kind(tokens: list[_Token], index: int) -> str | None:
    return tokens[index].kind if index < len(tokens) else None


def _point_at(tokens: list[_Token], index: int) -> tuple[_Point | None, int]:
    """The point starting at index and the index after it; index itself if none starts there."""
    token = tokens[index]
    following = _kind(tokens, index + 1)
    if token.kind == "date":
        day, month, year = token.value
        if 1 <= month <= 12 and 1 <= day <= 31 and (year is None or _FIRST_YEAR <= year <= _LAST_YEAR):
            return _Point("day", n=day, month=month, year=year), index + 1
        return None, index + 1
    if token.kind == "month":
        return _with_year(_Point("month", month=token.value), tokens, index + 1)
    if token.kind not in ("num", "ordinal"):
        return None, index
    n = token.value
    if following in ("quarter", "half", "term"):
        return _part_of_year(following, n, tokens, index + 2)
    if token.kind == "ordinal":
        return _Point("bare", n=n), index + 1
    if following == "month" and 1 <= n <= 31:
        day = _Point("day", n=n, month=tokens[index + 1].value)
        return _with_year(day, tokens, index + 2)
    if following == "day_of_month" and 1 <= n <= 31:
        return _Point("day_of_month", n=n), index + 2
    year = _year_at(tokens, index)
    if year is not None:
        return _years(year, tokens, index + 1)
    return (_Point("bare", n=n) if 1 <= n <= 31 else None), index + 1


def _year_at(tokens: list[_Token], index: int) -> int | None:
    if _kind(tokens, index) != "num":
        return None
    token = tokens[index]
    return token.value if token.digits == 4 and _FIRST_YEAR <= token.value <= _LAST_YEAR else None


def _second_year_at(tokens: list[_Token], index: int, first: int) -> int | None:
    """The end of «2021-2022», «2021/2022», «2021/22»."""
    if _kind(tokens, index) not in ("dash", "slash") or _kind(tokens, index + 1) != "num":
        return None
    token = tokens[index + 1]
    if token.digits == 4 and first < token.value <= first + 10:
        return token.value
    if token.digits == 2 and token.value == (first + 1) % 100:
        return first + 1
    return None


def _with_year(point: _Point, tokens: list[_Token], index: int) -> tuple[_Point, int]:
    year = _year_at(tokens, index)
    if year is None:
        return point, index
    point.year = year
    return point, index + 1


def _years(year: int, tokens: list[_Token], index: int) -> tuple[_Point, int]:
    second = _second_year_at(tokens, index, year)
    if second is None:
        return _Point("year", year=year), index
    index += 2
    if _kind(tokens, index) == "academic":  # «2021-2022 учебный год»: September to August
        return _Point("span", span=(date(year, 9, 1), date(second, 8, 31))), index + 1
    return _Point("span", span=(date(year, 1, 1), date(second, 12, 31))), index


def _part_of_year(unit: str, n: int, tokens: list[_Token], index: int) -> tuple[_Point | None, int]:
    if not _fits(unit, n):
        return None, index
    point = _Point(unit, n=n)
    year = _year_at(tokens, index)
    if year is None:
        return point, index
    second = _second_year_at(tokens, index + 1, year)
    after = index + 1 if second is None else index + 3
    if unit == "quarter":
        point.year = year
    elif second is not None or _kind(tokens, after) == "academic":
        # «I полугодие 2022/2023 учебного года»: the school year that starts in 2022
        point.year, point.academic = year, True
    elif unit == "term":  # «III четверть 2023» belongs to the school year 2022/2023
        point.year = year if n <= 2 else year - 1
    else:
        point.year, point.academic = year, False
    return point, after


def _fits(unit: str, n: int) -> bool:
    return 1 <= n <= {"quarter": 4, "term": 4, "half": 2}.get(unit, 31)


def _inherit_units(items: list[_Item]) -> None:
    # «24-25 мая», «I-II квартал», «1, 2 и 3 квартал»: a number takes its unit, month and
    # year from the next point that has a unit.
    template: _Point | None = None
    for point in reversed([p for item in items for p in item.points()]):
        if point.unit != "bare":
            template = point if point.unit in _NUMBERED_UNITS else None
        elif template is not None and _fits(template.unit, point.n):
            point.unit, point.month = template.unit, template.month
            point.year, point.academic = template.year, template.academic


def _takes_calendar_year(point: _Point) -> bool:
    return point.unit in ("day", "month", "quarter") or (point.unit == "half" and not point.academic)


def _share_years(items: list[_Item]) -> None:
    # «январь, июнь 2022», «27 апреля, 4 мая 2023 г.»: a year written once after a list
    # belongs to every item before it. Only the last point of a range gets it; the range
    # rules place its start.
    following: int | None = None
    for item in reversed(items):
        points = item.points()
        if following is not None and all(_takes_calendar_year(p) and p.year is None for p in points):
            points[-1].year = following
            if points[-1].unit == "half":
                points[-1].academic = False
        for point in points:
            if point.year is not None and _takes_calendar_year(point):
                following = point.year
                break


# --- 4. Placing in the period ---------------------------------------------------------

_REPEATS = ("weekly", "monthly", "quarterly", "halfyearly", "yearly")  # finest first
_MONTHS_PER_PIECE = {"monthly": 1, "quarterly": 3, "halfyearly": 6, "yearly": 12}
_MAX_WEEKS = 60
_TERMS = {1: (0, 9, 10), 2: (0, 11, 12), 3: (1, 1, 3), 4: (1, 4, 5)}  # (year offset, months)


def _windows(reading: _Reading, start: date, end: date) -> list[Window]:
    repeat = next((r for r in _REPEATS if r in reading.flags), None)
    for item in reading.items:
        for point in item.points():
            if point.unit == "half" and point.academic is None:
                # A bare «2 полугодие» in a school-year roadmap is January to summer.
                point.academic = start.month in (8, 9)

    repeated: list[Window | None] = []  # already one window per occurrence
    plain: list[Window | None] = []
    for item in reading.items:
        if any(p.unit == "day_of_month" for p in item.points()):
            repeated += _each_month(item, start, end)
        elif repeat == "yearly" and _has_no_year(item):
            repeated += _each_year(item, start, end)
        else:
            plain.append(_clip(_item_window(item, start, end), start, end))
    if not reading.items:
        if reading.flags - {"until_end"}:
            plain.append(Window(start, end))
        elif "until_end" in reading.flags:
            plain.append(Window(None, end))

    if repeat is not None:
        plain = [piece for window in plain if window for piece in _split(window, repeat)]
    found = {window for window in repeated + plain if window is not None}
    return sorted(found, key=lambda w: (w.end, w.start is not None, w.start or date.min))


def _item_window(item: _Item, start: date, end: date, year: int | None = None) -> Window | None:
    """The item's window before clipping; year, when given, places a first point that has none."""
    first = _fixed(item.first)
    last = _fixed(item.last) if item.last else None
    if first is None and last is not None:  # «сентябрь – май 2023»: the latest September before
        first = _latest_starting_by(item.first, last[0])
    if first is None:
        first = _span(item.first, year) if year is not None else _first_in(item.first, start, end)
    if first is None:
        return None
    if item.kind == "from":
        return Window(first[0], end)
    if item.kind == "until":
        return Window(None, first[1])
    if item.last is None:
        return Window(*first)
    if last is None:  # «ноябрь 2021 – февраль»: the next February on
        last = _earliest_starting_from(item.last, first[0])
    if last is None:
        return None
    return Window(min(first[0], last[0]), max(first[1], last[1]))


def _each_year(item: _Item, start: date, end: date) -> list[Window | None]:
    return [
        _clip(_item_window(item, start, end, year), start, end, repeated=True)
        for year in range(max(start.year - 1, 1), min(end.year + 1, 9998) + 1)
    ]


def _each_month(item: _Item, start: date, end: date) -> list[Window | None]:
    # «до 25 числа каждого месяца»: the day in every month of the period (the 30th of
    # February is its last day).
    windows = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        days = calendar.monthrange(year, month)[1]
        points = [
            _Point("day", n=min(p.n, days), month=month, year=year) if p.unit == "day_of_month" else p
            for p in item.points()
        ]
        placed = _Item(item.kind, *points)
        windows.append(_clip(_item_window(placed, start, end), start, end, repeated=True))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return windows


def _has_no_year(item: _Item) -> bool:
    return any(p.year is None and p.unit in _NUMBERED_UNITS + ("month",) for p in item.points())


def _clip(window: Window | None, start: date, end: date, repeated: bool = False) -> Window | None:
    if window is None:
        return None
    if window.start is None:
        # A repeated «до …» after the period is a later period's deadline, not a shorter one.
        if window.end < start or (repeated and window.end > end):
            return None
        return Window(None, min(window.end, end))
    clipped = Window(max(window.start, start), min(window.end, end))
    return clipped if clipped.start <= clipped.end else None


def _split(window: Window, repeat: str) -> list[Window]:
    if window.start is None:
        return [window]
    pieces = []
    start = window.start
    while True:
        if repeat == "weekly":  # ISO weeks, Monday to Sunday
            end = start + timedelta(days=min(6 - start.weekday(), (window.end - start).days))
        elif repeat == "yearly":
            # Years counted from the period's start: a 2021/2022 school-year roadmap
            # «ежегодно» is one window, not a piece of 2021 and a piece of 2022.
            end = min(_add_year(start) - timedelta(days=1), window.end)
        else:
            step = _MONTHS_PER_PIECE[repeat]
            last_month = (start.month - 1) // step * step + step
            end = min(_month_end(start.year, last_month), window.end)
        pieces.append(Window(start, end))
        if repeat == "weekly" and len(pieces) > _MAX_WEEKS:
            return [window]  # hundreds of weekly windows help nobody
        if end >= window.end:
            return pieces
        start = end + timedelta(days=1)


def _fixed(point: _Point) -> tuple[date, date] | None:
    if point.unit == "span":
        return point.span
    return None if point.year is None else _span(point, point.year)


def _span(point: _Point, year: int) -> tuple[date, date] | None:
    """The first and last day of the point in the given year (school units: school year)."""
    if not 1 <= year <= 9998:
        return None
    if point.unit == "year":
        return date(year, 1, 1), date(year, 12, 31)
    if point.unit == "day":
        day = _safe_date(year, point.month, point.n)
        return (day, day) if day else None
    if point.unit == "month":
        return _months(year, point.month, point.month)
    if point.unit == "quarter":
        return _months(year, 3 * point.n - 2, 3 * point.n)
    if point.unit == "half" and point.academic:
        return _months(year, 9, 12) if point.n == 1 else _months(year + 1, 1, 8)
    if point.unit == "half":
        return _months(year, 6 * point.n - 5, 6 * point.n)
    if point.unit == "term":
        offset, first, last = _TERMS[point.n]
        return _months(year + offset, first, last)
    return None


def _first_in(point: _Point, start: date, end: date) -> tuple[date, date] | None:
    # A month with no year is its first occurrence that touches the period: «август» in
    # the school year 2021/2022 is August 2022, «декабрь» is December 2021.
    for year in range(max(start.year - 1, 1), min(end.year + 1, 9998) + 1):
        span = _span(point, year)
        if span and span[0] <= end and span[1] >= start:
            return span
    return None


def _latest_starting_by(point: _Point, limit: date) -> tuple[date, date] | None:
    # Ten years back reach a 29th of February from any year.
    for year in range(min(limit.year + 1, 9998), max(limit.year - 10, 0), -1):
        span = _span(point, year)
        if span and span[0] <= limit:
            return span
    return None


def _earliest_starting_from(point: _Point, limit: date) -> tuple[date, date] | None:
    for year in range(max(limit.year - 1, 1), min(limit.year + 10, 9998) + 1):
        span = _span(point, year)
        if span and span[0] >= limit:
            return span
    return None


def _months(year: int, first: int, last: int) -> tuple[date, date]:
    return date(year, first, 1), _month_end(year, last)


def _add_year(day: date) -> date:
    if day.year >= 9999:
        return date.max
    return _safe_date(day.year + 1, day.month, day.day) or date(day.year + 1, day.month, 28)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:  # «30.02», «31 июня»
        return None
