"""What a DOCX's styles and numbering definitions make Word show: the automatic list number
of a paragraph, and whether a run is bold. Pure Python, on python-docx's lxml elements.

A list number is not in the text. A paragraph names a numbering instance (``w:num``) and a
level, directly in ``w:pPr/w:numPr`` or through its paragraph style; the instance points at an
abstract definition (``w:abstractNum``) whose levels say the start value, the format
(decimal, letters, Roman, Russian letters, bullet) and the label's pattern («%1.%2.»); the
instance may start a level elsewhere (``w:startOverride``). Word counts the paragraphs of each
list in document order, and a level starts again when a shallower one advances.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from string import ascii_lowercase

from docx.oxml.ns import qn

W_VAL = qn("w:val")
W_PPR = qn("w:pPr")
W_RPR = qn("w:rPr")
W_NUM_PR = qn("w:numPr")
W_NUM_ID = qn("w:numId")
W_ILVL = qn("w:ilvl")
W_P_STYLE = qn("w:pStyle")
W_R_STYLE = qn("w:rStyle")
W_B = qn("w:b")
W_STYLE = qn("w:style")
W_STYLE_ID = qn("w:styleId")
W_TYPE = qn("w:type")
W_DEFAULT = qn("w:default")
W_BASED_ON = qn("w:basedOn")
W_LVL = qn("w:lvl")
W_LVL_OVERRIDE = qn("w:lvlOverride")
W_START_OVERRIDE = qn("w:startOverride")
W_ABSTRACT_NUM = qn("w:abstractNum")
W_ABSTRACT_NUM_ID = qn("w:abstractNumId")
W_NUM = qn("w:num")
W_NUM_STYLE_LINK = qn("w:numStyleLink")
# Word skips ё, й, ъ, ы, ь in «а), б), в)» lists.
RUSSIAN = "абвгдежзиклмнопрстуфхцчшщэюя"
ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc")]
ROMAN += [(50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
PLACEHOLDER = re.compile(r"%([1-9])")
# Every bullet reads as a hyphen: Word's bullet glyphs are codes of a symbol font (U+F0B7 in
# Symbol, U+F0A7 in Wingdings, «o» in Courier New) that mean nothing as text, and «- » is how
# the departments' own texts mark an item (fixtures/seeds).
BULLET = "-"


def is_on(toggle) -> bool:
    """A property like ``<w:b/>``: present and not switched off."""
    return toggle is not None and toggle.get(W_VAL) not in ("0", "false", "off")


def _val(element, path: str) -> str | None:
    found = element.find(path)
    return None if found is None else found.get(W_VAL)


class Styles:
    """The styles of styles.xml by id, each with the style it is based on."""

    def __init__(self, styles_xml) -> None:
        self.by_id = {s.get(W_STYLE_ID): s for s in styles_xml.iterchildren(W_STYLE)}
        self.default_paragraph = next(
            (
                s.get(W_STYLE_ID)
                for s in styles_xml.iterchildren(W_STYLE)
                if s.get(W_TYPE) == "paragraph" and _is_default(s)
            ),
            None,
        )
        self.defaults = styles_xml.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{W_RPR}")
        self._bold: dict[str | None, bool | None] = {}

    def chain(self, style_id: str | None):
        """The style and the ones it is based on, nearest first."""
        seen = set()
        while style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            yield style
            style_id = _val(style, W_BASED_ON)

    def paragraph_style(self, p) -> str | None:
        return _val(p, f"{W_PPR}/{W_P_STYLE}") or self.default_paragraph

    def run_bold(self, r, p) -> bool:
        """Bold by the run's own formatting, else its character style, else the paragraph's
        style, else the document's defaults."""
        own = r.find(f"{W_RPR}/{W_B}")
        if own is not None:
            return is_on(own)
        for style_id in (_val(r, f"{W_RPR}/{W_R_STYLE}"), self.paragraph_style(p)):
            bold = self._style_bold(style_id)
            if bold is not None:
                return bold
        return self.defaults is not None and is_on(self.defaults.find(W_B))

    def _style_bold(self, style_id: str | None) -> bool | None:
        if style_id not in self._bold:
            found = (s.find(f"{W_RPR}/{W_B}") for s in self.chain(style_id))
            toggle = next((b for b in found if b is not None), None)
            self._bold[style_id] = None if toggle is None else is_on(toggle)
        return self._bold[style_id]


def _is_default(style) -> bool:
    return style.get(W_DEFAULT) in ("1", "true", "on")


@dataclass(frozen=True)
class Level:
    start: int = 0
    format: str = "decimal"
    text: str = ""
    restart: int | None = None  # restarts after a level up to this one (1-based); 0: never
    legal: bool = False  # every number of the label in decimal
    style: str | None = None  # the paragraph style that takes this level

    @classmethod
    def read(cls, lvl) -> Level:
        start, restart = _val(lvl, qn("w:start")), _val(lvl, qn("w:lvlRestart"))
        return cls(
            start=int(start) if start and start.lstrip("-").isdigit() else 0,
            format=_val(lvl, qn("w:numFmt")) or "decimal",
            text=_val(lvl, qn("w:lvlText")) or "",
            restart=int(restart) if restart and restart.isdigit() else None,
            legal=is_on(lvl.find(qn("w:isLgl"))),
            style=_val(lvl, W_P_STYLE),
        )

    def restarts_after(self, ilvl: int, used: int) -> bool:
        """Whether this level (``ilvl``) starts again when level ``used`` advances."""
        limit = ilvl if self.restart is None or self.restart > ilvl else self.restart
        return used < limit


@dataclass
class _List:
    """A numbering instance as it counts: its levels and where each stands."""

    key: str
    levels: dict[int, Level]


class Numbering:
    """Labels of numbered paragraphs, to be asked in document order (the counters advance)."""

    def __init__(self, numbering_xml, styles: Styles) -> None:
        self.styles = styles
        self.abstracts = {}
        self.nums = {}
        if numbering_xml is not None:
            self.abstracts = {
                a.get(qn("w:abstractNumId")): a for a in numbering_xml.iterchildren(W_ABSTRACT_NUM)
            }
            self.nums = {n.get(qn("w:numId")): n for n in numbering_xml.iterchildren(W_NUM)}
        self._lists: dict[str, _List | None] = {}
        self._style_num_prs: dict[str | None, tuple[str | None, str | None]] = {}
        self.counters: dict[str, dict[int, int]] = {}

    def label(self, p) -> str | None:
        """The number Word shows before the paragraph (a bullet as «-»), or None."""
        found = self._num_pr(p)
        if found is None:
            return None
        numbered = self._list(found[0])
        if numbered is None:
            return None
        ilvl = found[1]
        if ilvl is None:
            style = self.styles.paragraph_style(p)
            ilvl = next((i for i, level in numbered.levels.items() if style and level.style == style), 0)
        level = numbered.levels.get(ilvl)
        if level is None:
            return None
        counters = self.counters.setdefault(numbered.key, {})
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [i for i in counters if i > ilvl]:
            if deeper not in numbered.levels or numbered.levels[deeper].restarts_after(deeper, ilvl):
                del counters[deeper]
        if level.format == "bullet":
            return BULLET
        return PLACEHOLDER.sub(lambda m: self._number(numbered, level, int(m.group(1)) - 1), level.text)

    def _number(self, numbered: _List, level: Level, ilvl: int) -> str:
        shown = numbered.levels.get(ilvl, Level())
        value = self.counters[numbered.key].get(ilvl, shown.start)
        return format_number(value, "decimal" if level.legal else shown.format)

    def _num_pr(self, p) -> tuple[str, int | None] | None:
        """(numId, level) of the paragraph, its own or its style's; None if not numbered."""
        num_pr = p.find(f"{W_PPR}/{W_NUM_PR}")
        num_id = ilvl = None
        if num_pr is not None:
            num_id, ilvl = _val(num_pr, W_NUM_ID), _val(num_pr, W_ILVL)
        if num_id is None or ilvl is None:
            style_num_id, style_ilvl = self._style_num_pr(self.styles.paragraph_style(p))
            num_id = num_id if num_id is not None else style_num_id
            ilvl = ilvl if ilvl is not None else style_ilvl
        if num_id in (None, "0"):
            return None
        return num_id, int(ilvl) if ilvl and ilvl.isdigit() else None

    def _style_num_pr(self, style_id: str | None) -> tuple[str | None, str | None]:
        """(numId, level) a paragraph style gives, each from the nearest style in its chain that
        names it: a style may name only the level and leave the list to the one it is based on.
        Asked once per style, not per paragraph."""
        if style_id not in self._style_num_prs:
            num_id = ilvl = None
            for style in self.styles.chain(style_id):
                if num_id is not None and ilvl is not None:
                    break
                num_id = num_id if num_id is not None else _val(style, f"{W_PPR}/{W_NUM_PR}/{W_NUM_ID}")
                ilvl = ilvl if ilvl is not None else _val(style, f"{W_PPR}/{W_NUM_PR}/{W_ILVL}")
            self._style_num_prs[style_id] = (num_id, ilvl)
        return self._style_num_prs[style_id]

    def _list(self, num_id: str) -> _List | None:
        if num_id not in self._lists:
            self._lists[num_id] = self._read_list(num_id)
        return self._lists[num_id]

    def _read_list(self, num_id: str) -> _List | None:
        """Instances of one abstract definition share its counters, as in Word, unless the
        instance starts a level anew: then it counts on its own («Начать заново»)."""
        num = self.nums.get(num_id)
        if num is None:
            return None
        abstract_id, abstract = self._abstract(_val(num, W_ABSTRACT_NUM_ID))
        if abstract is None:
            return None
        levels = {int(lvl.get(W_ILVL, "0")): Level.read(lvl) for lvl in abstract.iterchildren(W_LVL)}
        restarted = False
        for override in num.iterchildren(W_LVL_OVERRIDE):
            ilvl = int(override.get(W_ILVL, "0"))
            redefined = override.find(W_LVL)
            if redefined is not None:
                levels[ilvl] = Level.read(redefined)
            start = _val(override, W_START_OVERRIDE)
            if start is not None and start.lstrip("-").isdigit():
                restarted = True
                levels[ilvl] = replace(levels.get(ilvl, Level()), start=int(start))
        key = f"num:{num_id}" if restarted else f"abstract:{abstract_id}"
        return _List(key, levels)

    def _abstract(self, abstract_id: str | None):
        """The definition, following a link to a numbering style (``w:numStyleLink``) to the
        definition that style's instance points at."""
        seen = set()
        while abstract_id in self.abstracts and abstract_id not in seen:
            seen.add(abstract_id)
            abstract = self.abstracts[abstract_id]
            link = _val(abstract, W_NUM_STYLE_LINK)
            if link is None:
                return abstract_id, abstract
            style = self.styles.by_id.get(link)
            num = self.nums.get(_val(style, f"{W_PPR}/{W_NUM_PR}/{W_NUM_ID}")) if style is not None else None
            if num is None:
                return abstract_id, abstract
            abstract_id = _val(num, W_ABSTRACT_NUM_ID)
        return abstract_id, None


def format_number(value: int, fmt: str) -> str:
    """A counter in a level's format; formats Word has beyond these show as decimal."""
    if fmt == "none":
        return ""
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("lowerLetter", "upperLetter"):
        text = _letters(value, ascii_lowercase)
    elif fmt in ("russianLower", "russianUpper"):
        text = _letters(value, RUSSIAN)
    elif fmt in ("lowerRoman", "upperRoman"):
        text = _roman(value)
    else:
        return str(value)
    return text.upper() if fmt.startswith("upper") or fmt == "russianUpper" else text


def _letters(value: int, alphabet: str) -> str:
    """1 → a, 26 → z, 27 → aa, 28 → bb: Word repeats the letter."""
    if value < 1:
        return str(value)
    return alphabet[(value - 1) % len(alphabet)] * ((value - 1) // len(alphabet) + 1)


def _roman(value: int) -> str:
    if value < 1:
        return str(value)
    out = ""
    for amount, numeral in ROMAN:
        count, value = divmod(value, amount)
        out += numeral * count
    return out
