"""Text a page (or an imported file) supplied, made safe to show or to hand to a spreadsheet.

Page titles, question texts, answers, keys and error messages come from pages nobody here wrote.
Shown raw, an ESC, CSI or OSC sequence in them would drive the learner's terminal (retitle it,
clear it, hide text), and a bidirectional override would show text in another order than it is
stored ("Trojan Source", CVE-2021-42574); written raw into a CSV cell, one that begins with
``=``, ``+``, ``-`` or ``@`` is run as a formula by spreadsheet programs. Pure functions.
"""

from __future__ import annotations

import re

#: C0 controls but tab and newline, DEL, the C1 controls (0x9B is a one-byte CSI), and the
#: Unicode bidirectional controls (marks, embeddings, overrides, isolates: Unicode UAX #9).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: What XML 1.0 cannot hold (W3C XML 1.0, "Char"), and no UTF-8 file either: lone surrogates.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")
#: Cells a spreadsheet reads as formulas (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def printable(text: object) -> str:
    """``text`` without control characters: ESC and the sequences it starts cannot reach the
    terminal (the printable rest of a sequence stays, harmless, so nothing is hidden), and no
    bidirectional control reorders what is shown."""
    return _CONTROL.sub("", str(text))


def markup_text(text: object) -> str:
    """``text`` fit for an XML or HTML report (escaping is still the writer's): without control
    characters, lone surrogates or the two non-characters XML 1.0 refuses."""
    return _NOT_XML.sub("", printable(text))


def csv_cell(value: object) -> object:
    """A CSV cell that no spreadsheet runs: text beginning with = + - @ tab or CR gets a leading
    apostrophe, as OWASP advises; numbers and other values pass as they are."""
    if not isinstance(value, str):
        return value
    clean = printable(value)
    if clean.startswith(_FORMULA_START) and not _is_number(clean):
        return "'" + clean
    return clean


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[-+]?\d+(?:\.\d+)?", text))
