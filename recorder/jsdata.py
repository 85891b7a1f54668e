"""Reading data out of JavaScript source text, without running it.

Another app's library keeps its exams in ``.js`` files: a manifest that assigns an object literal
to a global, and data files that pass an object literal to a registration call. Those literals
are data written in JavaScript's syntax (bare or quoted keys, single, double or back quotes,
trailing commas, comments). :func:`literal_at` reads one such literal; anything that is not
plain data (a call, a variable, an expression, a template with ``${}``) raises
:class:`NotData`, so no page code is ever evaluated. The enhancer's ``key.js`` reads the same
syntax in the page (it must parse there, before any Python sees the page).
"""

from __future__ import annotations

import re
from typing import Any

_SPACE = re.compile(r"(?:\s+|//[^\n]*|/\*.*?\*/)*", re.S)
_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_WORD = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}
_CONSTANTS: dict[str, Any] = {"true": True, "false": False, "null": None}


class NotData(ValueError):
    """The text at that place is not a plain data literal."""


class _Reader:
    def __init__(self, text: str, start: int) -> None:
        self.text = text
        self.i = start
        self.depth = 0

    def fail(self, what: str) -> NotData:
        return NotData(f"{what} at offset {self.i}")

    def space(self) -> None:
        match = _SPACE.match(self.text, self.i)
        if match:
            self.i = match.end()

    def peek(self) -> str:
        return self.text[self.i] if self.i < len(self.text) else ""

    def value(self) -> Any:
        self.space()
        ch = self.peek()
        if ch == "{":
            return self.container("}", self.member)
        if ch == "[":
            return self.container("]", self.value)
        if ch in "\"'`":
            return self.string()
        number = _NUMBER.match(self.text, self.i)
        if number:
            self.i = number.end()
            text = number.group()
            return float(text) if any(c in text for c in ".eE") else int(text)
        word = _WORD.match(self.text, self.i)
        if word and word.group() in _CONSTANTS:
            self.i = word.end()
            return _CONSTANTS[word.group()]
        raise self.fail("not a literal")

    def container(self, close: str, item: Any) -> Any:
        self.depth += 1
        if self.depth > 64:
            raise self.fail("nested too deep")
        self.i += 1
        out: Any = {} if close == "}" else []
        while True:
            self.space()
            if self.peek() == close:
                self.i += 1
                self.depth -= 1
                return out
            if close == "}":
                key, value = item()
                out[key] = value
            else:
                out.append(item())
            self.space()
            if self.peek() == ",":
                self.i += 1
            elif self.peek() != close:
                raise self.fail(f"expected ',' or '{close}'")

    def member(self) -> tuple[str, Any]:
        self.space()
        if self.peek() in "\"'":
            key = self.string()
        else:
            word = re.compile(r"[A-Za-z0-9_$]+").match(self.text, self.i)
            if not word:
                raise self.fail("not a key")
            key = word.group()
            self.i = word.end()
        self.space()
        if self.peek() != ":":
            raise self.fail("expected ':'")
        self.i += 1
        return key, self.value()

    def string(self) -> str:
        quote = self.text[self.i]
        self.i += 1
        out: list[str] = []
        text = self.text
        while self.i < len(text) and text[self.i] != quote:
            ch = text[self.i]
            if quote == "`" and text.startswith("${", self.i):
                raise self.fail("a template with ${}")
            if ch == "\\":
                nxt = text[self.i + 1 : self.i + 2]
                if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[self.i + 2 : self.i + 6]):
                    out.append(chr(int(text[self.i + 2 : self.i + 6], 16)))
                    self.i += 6
                    continue
                if nxt == "\n":  # a line continuation
                    self.i += 2
                    continue
                out.append(_ESCAPES.get(nxt, nxt))
                self.i += 2
                continue
            out.append(ch)
            self.i += 1
        if self.i >= len(text):
            raise self.fail("unterminated string")
        self.i += 1
        return "".join(out)


def literal_at(text: str, start: int) -> Any:
    """The data literal that begins at ``start`` (white space and comments skipped)."""
    return _Reader(text, start).value()


def literal_after(text: str, pattern: str | re.Pattern[str]) -> Any:
    """The literal right after the first match of ``pattern``, or raise :class:`NotData`."""
    match = re.search(pattern, text)
    if not match:
        raise NotData(f"no {getattr(pattern, 'pattern', pattern)!s} in the text")
    return literal_at(text, match.end())


def literals_after(text: str, pattern: str | re.Pattern[str]) -> list[Any]:
    """Every literal that follows a match of ``pattern`` and is data (others are skipped)."""
    out = []
    for match in re.finditer(pattern, text):
        try:
            out.append(literal_at(text, match.end()))
        except NotData:
            continue
    return out
