"""The tokenizer: a script's source as words, type names, numbers, strings and operators.

Type names are told from other words here, so the parser can recognize declarations and casts.
A character that starts no token is a compile error pointing at it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import CompileProblem
from .java_types import TYPES

_KEYWORDS = frozenset(
    {
        "if",
        "else",
        "while",
        "do",
        "for",
        "continue",
        "break",
        "return",
        "new",
        "try",
        "catch",
        "throw",
        "this",
        "instanceof",
        "true",
        "false",
        "null",
    }
)
_OPERATORS = (
    frozenset({">>>="}),
    frozenset({">>>", "===", "!==", "<<=", ">>="}),
    frozenset(
        {
            "==",
            "!=",
            "<=",
            ">=",
            "&&",
            "||",
            "++",
            "--",
            "+=",
            "-=",
            "*=",
            "/=",
            "%=",
            "&=",
            "|=",
            "^=",
            "<<",
            ">>",
            "?.",
            "?:",
            "->",
            "::",
        }
    ),
    frozenset("{}[]().,;:?+-*/%<>=!~&|^"),
)


@dataclass(slots=True)
class Token:
    kind: str  # "id", "type", "kw", "op", "num", "str" or "eof"
    text: str
    pos: int
    value: Any = None
    suffix: str = ""  # for numbers: "" (int), "L" (long) or "D" (double)


def _is_word_start(char: str) -> bool:
    return char == "_" or (char.isascii() and char.isalpha())


def _is_word_char(char: str) -> bool:
    return char == "_" or (char.isascii() and char.isalnum())


class Lexer:
    """Splits a script into tokens. After a dot, a word or an integer is always a member name."""

    def __init__(self, source: str) -> None:
        self.src = source
        self.i = 0

    def tokens(self) -> list[Token]:
        tokens: list[Token] = []
        after_dot = False
        while True:
            self._skip_blanks()
            if self.i >= len(self.src):
                tokens.append(Token("eof", "<EOF>", len(self.src)))
                return tokens
            token = self._member() if after_dot else None
            token = token or self._next()
            tokens.append(token)
            after_dot = token.kind == "op" and token.text in (".", "?.")

    def _skip_blanks(self) -> None:
        src = self.src
        while self.i < len(src):
            char = src[self.i]
            if char in " \t\r\n":
                self.i += 1
            elif src.startswith("//", self.i):
                end = src.find("\n", self.i)
                self.i = len(src) if end < 0 else end + 1
            elif src.startswith("/*", self.i):
                end = src.find("*/", self.i + 2)
                if end < 0:
                    raise CompileProblem("unexpected character [/*].", self.i)
                self.i = end + 2
            else:
                return

    def _scan(self, start: int, accepts: Callable[[str], bool]) -> int:
        end = start
        while end < len(self.src) and accepts(self.src[end]):
            end += 1
        return end

    def _member(self) -> Token | None:
        start, char = self.i, self.src[self.i]
        if char.isascii() and char.isdigit():
            self.i = self._scan(start, lambda c: c.isascii() and c.isdigit())
        elif _is_word_start(char):
            self.i = self._scan(start, _is_word_char)
        else:
            return None
        return Token("id", self.src[start : self.i], start)

    def _next(self) -> Token:
        start, src = self.i, self.src
        char = src[start]
        if _is_word_start(char):
            self.i = self._scan(start, _is_word_char)
            word = src[start : self.i]
            kind = "kw" if word in _KEYWORDS else "type" if word in TYPES else "id"
            return Token(kind, word, start)
        if char.isascii() and char.isdigit():
            return self._number()
        if char in "'\"":
            return self._string()
        for length, operators in zip((4, 3, 2, 1), _OPERATORS, strict=True):
            text = src[start : start + length]
            if text in operators:
                self.i = start + length
                return Token("op", text, start)
        raise CompileProblem(f"unexpected character [{char}].", start)

    def _digits(self, start: int) -> int:
        return self._scan(start, lambda c: c.isascii() and c.isdigit())

    def _number(self) -> Token:
        src, start = self.src, self.i
        if src[start : start + 2] in ("0x", "0X"):
            return self._hex(start)
        end = self._digits(start)
        decimal = False
        if src[end : end + 1] == "." and src[end + 1 : end + 2].isdigit():
            end, decimal = self._digits(end + 1), True
        if src[end : end + 1] in ("e", "E"):
            exponent = end + 1 + (src[end + 1 : end + 2] in ("+", "-"))
            if src[exponent : exponent + 1].isdigit():
                end, decimal = self._digits(exponent), True
        digits = src[start:end]
        suffix = src[end : end + 1]
        if suffix in ("l", "L") and not decimal:
            self.i = end + 1
            return Token("num", src[start : end + 1], start, self._integer(digits, start), "L")
        if suffix in ("f", "F", "d", "D"):
            end, decimal = end + 1, True
        self.i = end
        if decimal:
            return Token("num", src[start:end], start, float(digits), "D")
        return Token("num", digits, start, self._integer(digits, start))

    def _integer(self, digits: str, start: int) -> int:
        if len(digits) > 1 and digits[0] == "0":
            if any(char not in "01234567" for char in digits):
                raise CompileProblem(f"unexpected character [{digits}].", start)
            return int(digits, 8)
        return int(digits)

    def _hex(self, start: int) -> Token:
        end = self._scan(start + 2, lambda c: c in "0123456789abcdefABCDEF")
        if end == start + 2:
            raise CompileProblem(f"unexpected character [{self.src[start:end]}].", start)
        value = int(self.src[start + 2 : end], 16)
        suffix = ""
        if self.src[end : end + 1] in ("l", "L"):
            end, suffix = end + 1, "L"
        self.i = end
        return Token("num", self.src[start:end], start, value, suffix)

    def _string(self) -> Token:
        """A quoted string: the only escapes Painless knows are the quote and the backslash."""
        src, start = self.src, self.i
        quote, parts, j = src[start], [], start + 1
        while True:
            if j >= len(src):
                raise CompileProblem(f"unexpected character [{src[start:j][:30]}].", start)
            char = src[j]
            if char == quote:
                break
            if char == "\\":
                escaped = src[j + 1 : j + 2]
                if escaped not in ("\\", quote):
                    raise CompileProblem(
                        f"unexpected character [{src[start : j + 2][:30]}].", start
                    )
                parts.append(escaped)
                j += 2
                continue
            parts.append(char)
            j += 1
        self.i = j + 1
        return Token("str", src[start : j + 1], start, "".join(parts))
