"""A cell's value as Russian Excel shows it under the cell's number format. Pure Python.

No maintained Python library does this: ``ssf`` (a port of SheetJS SSF, last released in 2020)
fails on import with the current Babel, and ``xlsx2html``'s formatter shows the built-in short
date (id 14) as «01-01-22», a bare month in the genitive («января 2022») and General numbers
unrounded («0.30000000000000004»). So this is a small formatter of the codes roadmaps use.

What Russian Excel and LibreOffice show was checked with LibreOffice 25 in the ru-RU locale
(a sheet of every code here converted to CSV «as shown»): a month alone is in the nominative
and capitalised («Январь 2022»), a month after a day is in the genitive («3 января 2022»),
abbreviations have no dot («янв 22»), and the built-in ids 14–22 take the Russian short forms
(«03.01.2022», «03.янв.22»). Excel itself was not at hand to compare; it is said to put a
month after a day in the genitive only under the «[$-FC19]» prefix, which LibreOffice's
genitive (what the writer of «1 января» meant) covers either way.
Two choices differ from a Russian desktop on purpose:

- the decimal separator is a dot. A fraction in a roadmap is nearly always an item number
  («5.10») that Excel stored as a number, which it only does where the decimal separator is a
  dot; a comma would also break the item numbers the importer matches.
- the thousands separator is a plain space, not Windows' no-break space, so that the text
  searches and compares as typed.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from openpyxl.styles.numbers import BUILTIN_FORMATS
from openpyxl.utils.datetime import from_excel

MONTHS = [
    "Январь", "Февраль", "Март", "Апрель", "Май", "Июнь",
    "Июль", "Август", "Сентябрь", "Октябрь", "Ноябрь", "Декабрь",
]  # fmt: skip
MONTHS_GENITIVE = [
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
]  # fmt: skip
MONTHS_SHORT = ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"]
WEEKDAYS = ["понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"]
WEEKDAYS_SHORT = ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"]

# The built-in date and time formats are the locale's: what they are in ru-RU.
RUSSIAN_BUILTIN = {
    BUILTIN_FORMATS[14]: "dd.mm.yyyy",
    BUILTIN_FORMATS[15]: "dd.mmm.yy",
    BUILTIN_FORMATS[16]: "dd.mmm",
    BUILTIN_FORMATS[17]: "mmm.yy",
    BUILTIN_FORMATS[22]: "dd.mm.yyyy h:mm",
    # What openpyxl, pandas and other programs give a date or a datetime when nobody chose a
    # format; a date typed in Russian Excel gets the short date (id 14).
    "yyyy-mm-dd": "dd.mm.yyyy",
    "yyyy-mm-dd h:mm:ss": "dd.mm.yyyy h:mm",
}
# «[$-F800]» and «[$-F400]» stand for the system's long date and time (Windows ru-RU:
# «d MMMM yyyy 'г.'» and «H:mm:ss»), whatever the code after them says.
SYSTEM_LONG_DATE = 'd mmmm yyyy "г."'
SYSTEM_TIME = "h:mm:ss"

_TOKEN = re.compile(
    r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]|am/pm|a/p|e[+-]|general|e+|y+|m+|d+|h+|s+(?:\.0+)?|[0#?]+|.',
    re.I | re.S,
)
# Day 0 of Excel's dates, for «[h]:mm» of a date (1899-12-30: Excel counts 1900 as a leap year).
EPOCH = datetime(1899, 12, 30)
_CONDITION = re.compile(r"\[[<>=]")


def display(value: object, code: str | None) -> str:
    """What the cell shows. Text stays as typed; ``value`` is what openpyxl read."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "ИСТИНА" if value else "ЛОЖЬ"
    section, index = _section((code or "General").strip(), value)
    if not section:
        return ""  # «0;-0;;@» hides zeros
    tokens = _TOKEN.findall(section)
    if "general" in (t.lower() for t in tokens):
        return general(value)
    if _is_date(tokens):
        return _date(value, tokens)
    if isinstance(value, (datetime, date, time, timedelta)):
        return general(value)
    # Only the first section shows the minus: a section for negatives writes its own.
    return _number(value, tokens, signed=index == 0)


def general(value: object) -> str:
    """Excel's General: integers without «.0», fractions to 15 significant digits."""
    if isinstance(value, datetime):
        return f"{value:%d.%m.%Y}" if value.time() == time() else f"{value:%d.%m.%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, time):
        return f"{value.hour}:{value:%M:%S}"
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, int):
        return str(value)
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    text = f"{number:.15g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        text = f"{mantissa}E{exponent[0]}{int(exponent[1:]):02d}"
    return text


def _sections(code: str) -> list[str]:
    parts, current, quoted, bracket, escaped = [], [], False, False, False
    for char in code:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif not quoted and char == "[":
            bracket = True
        elif not quoted and char == "]":
            bracket = False
        elif char == ";" and not quoted and not bracket:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _section(code: str, value: object) -> tuple[str, int]:
    """The section of the code that shows this value, and its place among the sections."""
    upper = code.upper()
    if "[$-F800]" in upper:
        return SYSTEM_LONG_DATE, 0
    if "[$-F400]" in upper:
        return SYSTEM_TIME, 0
    sections = _sections(RUSSIAN_BUILTIN.get(code, code))
    index = 0
    # Conditions ([<100]) do not occur in roadmaps: the first section shows them.
    if isinstance(value, (int, float)) and not _CONDITION.search(code):
        if value < 0 and len(sections) >= 2:
            index = 1
        elif value == 0 and len(sections) >= 3:
            index = 2
    return sections[index], index


def _is_date(tokens: list[str]) -> bool:
    return any(_date_kind(t) not in ("literal", "ampm") for t in tokens)


# --- Dates and times ---------------------------------------------------------------------


def _date(value: object, tokens: list[str]) -> str:
    if isinstance(value, (int, float)):
        value = from_excel(value)
    if isinstance(value, timedelta):
        moment, elapsed = EPOCH + value, value
    else:
        if isinstance(value, time):
            moment = datetime.combine(EPOCH.date(), value)
        elif isinstance(value, datetime):
            moment = value
        else:
            moment = datetime.combine(value, time())
        elapsed = moment - EPOCH
    kinds = [_date_kind(t) for t in tokens]
    has_day = any(k == "d" and len(t) <= 2 for k, t in zip(kinds, tokens, strict=True))
    twelve = any(k == "ampm" for k in kinds)
    out = []
    for i, (token, kind) in enumerate(zip(tokens, kinds, strict=True)):
        if kind == "m" and len(token) <= 2 and _is_minute(kinds, i):
            kind = "minute"
        out.append(_date_part(token, kind, moment, elapsed, has_day=has_day, twelve=twelve))
    return "".join(out)


def _date_kind(token: str) -> str:
    lower = token.lower()
    if lower in ("am/pm", "a/p"):
        return "ampm"
    if lower.startswith("[") and re.fullmatch(r"\[(h+|m+|s+)\]", lower):
        return "elapsed"
    if lower[0] in "ymdhse" and lower.rstrip("0").rstrip(".").isalpha():
        return {"e": "y"}.get(lower[0], lower[0])
    return "literal"


def _is_minute(kinds: list[str], i: int) -> bool:
    """«m» is minutes right after hours or right before seconds, otherwise the month."""
    before = next((k for k in reversed(kinds[:i]) if k != "literal"), None)
    after = next((k for k in kinds[i + 1 :] if k != "literal"), None)
    return before in ("h", "elapsed") or after == "s"


def _date_part(
    token: str, kind: str, moment: datetime, elapsed: timedelta, *, has_day: bool, twelve: bool
) -> str:
    n = len(token)
    if kind == "y":
        return f"{moment.year:04d}" if n >= 3 or token[0] in "eE" else f"{moment.year % 100:02d}"
    if kind == "m":
        month = moment.month - 1
        if n == 1:
            return str(month + 1)
        if n == 2:
            return f"{month + 1:02d}"
        if n == 3:
            return MONTHS_SHORT[month]
        if n == 4:
            return MONTHS_GENITIVE[month] if has_day else MONTHS[month]
        return MONTHS[month][0]
    if kind == "minute":
        return f"{moment.minute:0{min(n, 2)}d}"
    if kind == "d":
        if n <= 2:
            return f"{moment.day:0{n}d}"
        return WEEKDAYS_SHORT[moment.weekday()] if n == 3 else WEEKDAYS[moment.weekday()]
    if kind == "h":
        hour = moment.hour % 12 or 12 if twelve else moment.hour
        return f"{hour:0{min(n, 2)}d}"
    if kind == "s":
        seconds, _, fraction = token.partition(".")
        text = f"{moment.second:0{min(len(seconds), 2)}d}"
        if fraction:
            text += "." + f"{moment.microsecond / 1e6:.{len(fraction)}f}"[2:]
        return text
    if kind == "ampm":
        pm = moment.hour >= 12
        return ("PM" if pm else "AM") if len(token) > 3 else ("P" if pm else "A")
    if kind == "elapsed":
        seconds = int(elapsed.total_seconds())
        unit = {"h": 3600, "m": 60, "s": 1}[token[1].lower()]
        return f"{seconds // unit:0{len(token) - 2}d}"
    if token == "/":
        return "."  # the locale's date separator
    return _literal(token)


def _literal(token: str) -> str:
    if token.startswith('"'):
        return token[1:-1]
    if token.startswith("\\"):
        return token[1:]
    if token.startswith("_"):
        return " "  # room for the character named: a space is what the eye sees
    if token.startswith("*"):
        return ""  # fill to the column's width
    if token.startswith("["):
        # [$₽-419] shows its currency sign; [Red], [$-419] show nothing.
        match = re.fullmatch(r"\[\$([^-\]]*)(?:-[0-9A-Fa-f]+)?\]", token)
        return match.group(1) if match else ""
    return token


# --- Numbers -----------------------------------------------------------------------------


def _number(value: int | float, tokens: list[str], *, signed: bool) -> str:
    """«0.00», «#,##0», «0%», «0.0E+00», text around them."""
    if "/" in tokens:
        return general(value)  # fractions («# ?/?») do not occur in roadmaps
    if "@" in tokens and not any(t[0] in "0#?" for t in tokens):
        return general(value)
    number = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
    negative = number < 0 and signed
    number = abs(number)
    if "%" in tokens:
        number *= 100 ** tokens.count("%")
    exponent_at = next((i for i, t in enumerate(tokens) if t.lower() in ("e+", "e-")), None)
    mantissa = tokens[:exponent_at]
    placeholders = [
        i for i, t in enumerate(mantissa) if t[0] in "0#?" or (t in ".," and _between_digits(mantissa, i))
    ]
    if not placeholders:
        return ("-" if negative else "") + "".join(_literal(t) for t in tokens)
    first, last = placeholders[0], placeholders[-1]
    while last + 1 < len(mantissa) and mantissa[last + 1] == ",":
        last += 1  # «#,##0,»: a comma after the digits scales, below
    pattern = "".join(tokens[first : last + 1])
    # Commas after the last digit divide by a thousand each.
    while pattern.endswith(","):
        pattern = pattern[:-1]
        number /= 1000
    text = _digits(number, pattern, tokens, exponent_at)
    if exponent_at is not None:
        suffix = "".join(_literal(t) for t in tokens[exponent_at + 2 :])  # after «E+00»
    else:
        suffix = "".join(_literal(t) for t in tokens[last + 1 :])
    prefix = "".join(_literal(t) for t in tokens[:first])
    return ("-" if negative else "") + prefix + text + suffix


def _between_digits(tokens: list[str], i: int) -> bool:
    before = any(t[0] in "0#?" for t in tokens[:i])
    after = any(t[0] in "0#?" for t in tokens[i + 1 :])
    return (before and after) or (tokens[i] == "." and (before or after))


def _digits(number: Decimal, pattern: str, tokens: list[str], exponent_at: int | None) -> str:
    whole, _, fraction = pattern.partition(".")
    grouped = "," in whole
    whole = whole.replace(",", "")
    places = sum(1 for c in fraction if c in "0#?")
    exponent = 0
    if exponent_at is not None and number:
        if len(whole) > 1 and whole.startswith("#"):  # engineering: «##0.0E+0» steps by thousands
            exponent = number.adjusted() // len(whole) * len(whole)
        else:
            exponent = number.adjusted() - (len(whole) - 1)
        number = number.scaleb(-exponent)
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if exponent_at is not None and rounded >= Decimal(10) ** max(len(whole), 1):
        exponent += 1
        rounded = (number / 10).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    integer, _, decimals = f"{rounded:f}".partition(".")
    integer = integer.lstrip("0")
    required = whole.count("0")
    integer = integer.rjust(required, "0") if required else integer
    if grouped and integer:
        integer = f"{int(integer):,}".replace(",", " ")
    decimals = _fraction(decimals, fraction.replace(",", ""))
    text = integer + ("." + decimals if "." in pattern else "")
    if exponent_at is not None:
        digits = tokens[exponent_at + 1] if exponent_at + 1 < len(tokens) else "0"
        shown = "-" if exponent < 0 else ("+" if tokens[exponent_at][1] == "+" else "")
        text += f"E{shown}{abs(exponent):0{len(digits)}d}"
    return text


def _fraction(decimals: str, placeholders: str) -> str:
    """Drop trailing zeros that «#» or «?» placeholders let go («0.0#» shows 5.1 as «5.1»)."""
    digits = list(decimals)
    for i in range(len(placeholders) - 1, -1, -1):
        if placeholders[i] == "0" or digits[i] != "0":
            break
        digits[i] = " " if placeholders[i] == "?" else ""
    return "".join(digits)
