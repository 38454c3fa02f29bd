"""Lucene's classic query syntax, as ``query_string`` reads it: tokens, escapes and errors.

Errors are Lucene's: a :class:`ParseFailure` carries the message of its ``ParseException`` (or
``TokenMgrError``), and :func:`failed` wraps it the way Elasticsearch answers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ...errors import BadRequest, QueryShardError

# Errors and escapes


class ParseFailure(Exception):
    """A Lucene ``ParseException`` (or ``TokenMgrError``): the message and the cause's type."""

    def __init__(self, message: str, kind: str = "parse_exception") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


def failed(original: str, parsed: str, failure: ParseFailure) -> QueryShardError:
    """The error Elasticsearch answers, three causes deep."""
    cause = BadRequest(failure.message, type=failure.kind)
    parse = BadRequest(
        f"Cannot parse '{parsed}': {failure.message}", type="parse_exception", caused_by=cause
    )
    return QueryShardError(f"Failed to parse query [{original}]", caused_by=parse)


def java_escape(text: str) -> str:
    """JavaCC's ``addEscapes``: how token images appear inside error messages."""
    named = {
        "\b": "\\b",
        "\t": "\\t",
        "\n": "\\n",
        "\f": "\\f",
        "\r": "\\r",
        '"': '\\"',
        "'": "\\'",
        "\\": "\\\\",
    }
    out = []
    for char in text:
        if char in named:
            out.append(named[char])
        elif char == "\0":
            continue
        elif " " <= char <= "~":
            out.append(char)
        else:
            units = char.encode("utf-16-be")
            out.extend(f"\\u{units[i]:02x}{units[i + 1]:02x}" for i in range(0, len(units), 2))
    return "".join(out)


def _lexical_error(column: int, found: str | None, after: str) -> ParseFailure:
    seen = "<EOF> " if found is None else f'"{java_escape(found)}" ({ord(found)}), '
    message = (
        f"Lexical error at line 1, column {column}.  Encountered: {seen}"
        f'after : "{java_escape(after)}"'
    )
    return ParseFailure(message, "token_mgr_error")


def unescape(text: str) -> str:
    """Lucene's ``discardEscapeChar``: ``\\x`` is ``x``, ``\\uXXXX`` a code unit."""
    out = []
    index = 0
    while index < len(text):
        char = text[index]
        if char != "\\":
            out.append(char)
            index += 1
            continue
        if index + 1 == len(text):
            raise ParseFailure("Term can not end with escape character.")
        escaped = text[index + 1]
        if escaped != "u":
            out.append(escaped)
            index += 2
            continue
        digits = text[index + 2 : index + 6]
        if len(digits) < 4:
            raise ParseFailure("Truncated unicode escape sequence.")
        for digit in digits:
            if digit not in "0123456789abcdefABCDEF":
                raise ParseFailure(f"Non-hex character in Unicode escape sequence: {digit}")
        out.append(chr(int(digits, 16)))
        index += 6
    return "".join(out)


def lucene_escape(text: str) -> str:
    """Lucene's ``QueryParser.escape``, applied when the request sets ``escape``."""
    return "".join("\\" + c if c in '\\+-!():^[]"{}~*?|&/' else c for c in text)


# Tokens


class Kind(Enum):
    """Token kinds, in Lucene's order, valued by how its error messages name them."""

    EOF = "<EOF>"
    AND = "<AND>"
    OR = "<OR>"
    NOT = "<NOT>"
    PLUS = '"+"'
    MINUS = '"-"'
    BAREOPER = "<BAREOPER>"
    LPAREN = '"("'
    RPAREN = '")"'
    COLON = '":"'
    STAR = '"*"'
    CARAT = '"^"'
    QUOTED = "<QUOTED>"
    TERM = "<TERM>"
    FUZZY_SLOP = "<FUZZY_SLOP>"
    PREFIXTERM = "<PREFIXTERM>"
    WILDTERM = "<WILDTERM>"
    REGEXPTERM = "<REGEXPTERM>"
    RANGEIN_START = '"["'
    RANGEEX_START = '"{"'
    NUMBER = "<NUMBER>"
    RANGE_TO = '"TO"'
    RANGEIN_END = '"]"'
    RANGEEX_END = '"}"'
    RANGE_QUOTED = "<RANGE_QUOTED>"
    RANGE_GOOP = "<RANGE_GOOP>"


ORDER = {kind: index for index, kind in enumerate(Kind)}
_WHITESPACE = frozenset(" \t\n\r\u3000")
_SPECIAL = _WHITESPACE | frozenset('+-!():^[]"{}~*?\\/')  # not a term's first character
_DIGITS = frozenset("0123456789")
_PUNCTUATION = {
    "+": Kind.PLUS,
    "-": Kind.MINUS,
    "!": Kind.NOT,
    "(": Kind.LPAREN,
    ")": Kind.RPAREN,
    ":": Kind.COLON,
    "^": Kind.CARAT,
    "[": Kind.RANGEIN_START,
    "{": Kind.RANGEEX_START,
}
_WORDS = {"AND": Kind.AND, "&&": Kind.AND, "OR": Kind.OR, "||": Kind.OR, "NOT": Kind.NOT}


@dataclass(frozen=True)
class Token:
    kind: Kind
    image: str
    position: int


class Lexer:
    """Lucene's classic query tokens, read on demand (states: default, boost, range)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.position = 0
        self.state = "default"

    def next(self) -> Token:
        if self.state == "boost":
            return self._number()
        if self._skip_whitespace():
            return Token(Kind.EOF, "", len(self.text))
        if self.state == "range":
            return self._range_token()
        return self._default_token()

    def _skip_whitespace(self) -> bool:
        """Skip blanks; true at the end of the text."""
        while self.position < len(self.text) and self.text[self.position] in _WHITESPACE:
            self.position += 1
        return self.position >= len(self.text)

    def _emit(self, kind: Kind, end: int, state: str | None = None) -> Token:
        token = Token(kind, self.text[self.position : end], self.position)
        self.position = end
        if state is not None:
            self.state = state
        return token

    def _default_token(self) -> Token:
        text, start = self.text, self.position
        char = text[start]
        if char in "+-!" and start + 1 < len(text) and text[start + 1] in _WHITESPACE:
            return self._emit(Kind.BAREOPER, start + 2)
        if char in _PUNCTUATION:
            kind = _PUNCTUATION[char]
            state = {Kind.CARAT: "boost", Kind.RANGEIN_START: "range", Kind.RANGEEX_START: "range"}
            return self._emit(kind, start + 1, state.get(kind))
        if char == '"':
            return self._emit(Kind.QUOTED, self._quoted_end(start))
        if char == "~":
            return self._emit(Kind.FUZZY_SLOP, self._word_end(start + 1, wildcards=False))
        if char == "/":
            return self._emit(Kind.REGEXPTERM, self._regexp_end(start))
        if char in "]}":
            raise _lexical_error(start + 1, char, "")
        return self._word(start)

    def _word_end(self, start: int, *, wildcards: bool) -> int:
        """Where a run of term characters (with ``*``/``?`` if ``wildcards``) ends."""
        text, index = self.text, start
        while index < len(text):
            char = text[index]
            if char == "\\":
                if index + 1 == len(text):
                    break  # a trailing backslash starts the next token, a lexical error
                index += 2
                continue
            if char in "*?":
                if not wildcards:
                    break
            elif char not in "+-" and char in _SPECIAL:
                break
            index += 1
        return index

    def _word(self, start: int) -> Token:
        end = self._word_end(start, wildcards=True)
        if end == start:  # a lone backslash at the end
            raise _lexical_error(len(self.text) + 1, None, self.text[start:])
        image = self.text[start:end]
        wild = _wildcard_positions(image)
        if image == "*":
            kind = Kind.STAR
        elif wild == [len(image) - 1] and image.endswith("*"):
            kind = Kind.PREFIXTERM
        elif wild:
            kind = Kind.WILDTERM
        else:
            kind = _WORDS.get(image, Kind.TERM)
        return self._emit(kind, end)

    def _quoted_end(self, start: int) -> int:
        text, index = self.text, start + 1
        while index < len(text):
            if text[index] == "\\" and index + 1 < len(text):
                index += 2
                continue
            if text[index] == '"':
                return index + 1
            index += 1
        raise _lexical_error(len(text) + 1, None, text[start:])

    def _regexp_end(self, start: int) -> int:
        text, index = self.text, start + 1
        while index < len(text):
            if text.startswith("\\/", index):
                index += 2
                continue
            if text[index] == "/":
                return index + 1
            index += 1
        raise _lexical_error(len(text) + 1, None, text[start:])

    def _number(self) -> Token:
        """A boost: digits, optionally ``.digits``; nothing else is allowed after ``^``."""
        text, start = self.text, self.position
        if start >= len(text):
            return Token(Kind.EOF, "", len(text))
        index = start
        while index < len(text) and text[index] in _DIGITS:
            index += 1
        if index == start:
            raise _lexical_error(start + 1, text[start], "")
        if text[index : index + 1] == "." and text[index + 1 : index + 2] in _DIGITS:
            index += 1
            while index < len(text) and text[index] in _DIGITS:
                index += 1
        return self._emit(Kind.NUMBER, index, "default")

    def _range_token(self) -> Token:
        text, start = self.text, self.position
        if text[start] in "]}":
            kind = Kind.RANGEIN_END if text[start] == "]" else Kind.RANGEEX_END
            return self._emit(kind, start + 1, "default")
        goop_end = start
        while goop_end < len(text) and text[goop_end] not in " ]}":
            goop_end += 1
        quoted_end = self._range_quoted_end(start) if text[start] == '"' else None
        if quoted_end is not None and quoted_end >= goop_end:  # the longest match wins
            return self._emit(Kind.RANGE_QUOTED, quoted_end)
        kind = Kind.RANGE_TO if text[start:goop_end] == "TO" else Kind.RANGE_GOOP
        return self._emit(kind, goop_end)

    def _range_quoted_end(self, start: int) -> int | None:
        text, index = self.text, start + 1
        while index < len(text):
            if text.startswith('\\"', index):
                index += 2
                continue
            if text[index] == '"':
                return index + 1 if index > start + 1 else None
            index += 1
        return None


def _wildcard_positions(image: str) -> list[int]:
    """Where the unescaped ``*`` and ``?`` of a word are."""
    positions = []
    index = 0
    while index < len(image):
        if image[index] == "\\":
            index += 2
            continue
        if image[index] in "*?":
            positions.append(index)
        index += 1
    return positions
