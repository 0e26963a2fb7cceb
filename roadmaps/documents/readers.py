"""What every reader of a roadmap file gives the importer: lines of text before the table
and the tables as grids of cells. ``word`` reads DOCX, ``excel`` reads XLSX, ``formats``
picks the reader (converting other formats first).

A row is one ``Cell`` per grid column, and a cell merged across columns (or down rows)
appears in every position it covers, with the same ``owner`` and ``continued`` set where
it goes on from the row above. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cell:
    text: str
    owner: object  # the same for every grid position one merged cell covers
    continued: bool = False  # goes on from the row above (a vertical merge)
    bold: bool = False  # all of its text is bold (a section heading typed as a plain row)


Grid = list[list[Cell]]


@dataclass
class Source:
    """What a file holds: lines of text in reading order, and the tables between them.

    ``blocks`` keeps their order: a str is a line of text, a list is a table.
    """

    blocks: list[str | Grid]


# Characters a document holds but does not show as such: soft hyphens (shown only where a
# line breaks) and zero-width spaces, joiners and the byte order mark are dropped; non-breaking
# spaces (plain, narrow, figure) are spaces, so that words and numbers compare as typed.
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_NO_BREAK_SPACES = "\u00a0\u202f\u2007"
_CLEAN = str.maketrans(dict.fromkeys(_INVISIBLE, "") | dict.fromkeys(_NO_BREAK_SPACES, " "))


def tidy(text: str) -> str:
    """A cell's lines as shown, without the blank lines, stray spaces and invisible characters
    Word and Excel documents collect."""
    text = text.translate(_CLEAN)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
