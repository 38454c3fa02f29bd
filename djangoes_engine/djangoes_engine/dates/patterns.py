"""Java ``DateTimeFormatter`` patterns (``yyyy/MM/dd HH:mm:ss``) compiled to tokens, with the
``{name}`` extensions the built-in formats are written in.
"""

from __future__ import annotations

from collections.abc import Callable

from .tokens import (
    _Fraction,
    _Lit,
    _LocalizedOffset,
    _Num,
    _Offset,
    _Optional,
    _Reduced,
    _Text,
    _Tok,
    _Zone,
    _ZoneName,
)

_MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June", "July")
_MONTHS += ("August", "September", "October", "November", "December")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_QUARTERS = ("1st quarter", "2nd quarter", "3rd quarter", "4th quarter")


class _PatternError(Exception):
    """java.time's message for a pattern it refuses."""


def _too_many(letter: str) -> _PatternError:
    return _PatternError(f"Too many pattern letters: {letter}")


def _number(field: str, letter: str, count: int, most: int) -> _Tok:
    """A numeric field of at most ``most`` letters: 1 letter is 1-2 digits, n letters n digits."""
    if count > most:
        raise _too_many(letter)
    if count == 1:
        return _Num(field, 1, 3 if field == "doy" else 2)
    if field == "doy" and count == 2:
        return _Num(field, 2, 3)
    return _Num(field, count, count)


def _year(field: str, count: int) -> _Tok:
    if count == 2:
        return _Reduced(field)
    sign = "normal" if field == "year" else "never"
    if count < 4:
        return _Num(field, count, 10, sign)
    return _Num(field, count, 10, "exceeds")


def _text(field: str, letter: str, count: int, names: tuple[str, ...], first: int) -> _Tok:
    """Names: 1-3 letters short (``Jan``), 4 full (``January``), 5 narrow (``J``)."""
    if count > 5:
        raise _too_many(letter)
    if count == 4:
        return _Text(field, names, first)
    if count == 5:
        return _Text(field, (name[0] for name in names), first)
    return _Text(field, (name[:3] for name in names), first)


def _offset(letter: str, count: int) -> _Tok:
    if count > 5:
        raise _too_many(letter)
    if letter == "Z":
        if count == 4:
            return _LocalizedOffset(full=True)
        if count == 5:
            return _Offset("+HH:MM:ss", "Z")
        return _Offset("+HHMM", "+0000")
    styles = ("+HHmm", "+HHMM", "+HH:MM", "+HHMMss", "+HH:MM:ss")
    zeros = ("+00", "+0000", "+00:00", "+0000", "+00:00")
    return _Offset(styles[count - 1], "Z" if letter == "X" else zeros[count - 1])


def _letter(letter: str, count: int) -> _Tok:
    """The token of ``count`` repetitions of a pattern letter, as DateTimeFormatterBuilder."""
    if letter in "yuY":
        return _year({"y": "yoe", "u": "year", "Y": "week_year"}[letter], count)
    if letter in "ML":
        if count >= 3:
            return _text("month", letter, count, _MONTHS, 1)
        return _number("month", letter, count, 2)
    if letter in "Qq":
        if count == 3:
            return _Text("quarter", ("Q1", "Q2", "Q3", "Q4"), 1)
        if count >= 4:
            return _text("quarter", letter, count, _QUARTERS, 1)
        return _number("quarter", letter, count, 2)
    if letter == "E":
        return _text("dow", letter, count, _DAYS, 1)
    if letter in "ec":
        if count >= 3:
            return _text("dow", letter, count, _DAYS, 1)
        if letter == "c" and count == 2:
            raise _PatternError('Invalid pattern "cc"')
        return _Num("dow", count, count)
    if letter == "G":
        if count > 5:
            raise _too_many(letter)
        names = ("Before Christ", "Anno Domini") if count == 4 else ("BC", "AD")
        return _Text("era", (n[0] for n in names) if count == 5 else names, 0)
    if letter == "a":
        if count > 1:
            raise _too_many(letter)
        return _Text("ampm", ("AM", "PM"), 0)
    if letter == "S":
        if count > 9:
            raise _PatternError(f"Minimum width must be from 0 to 9 inclusive but was {count}")
        return _Fraction(count, count, point=False)
    if letter in "nNA":
        field = {"n": "nano", "N": "nano_of_day", "A": "milli_of_day"}[letter]
        return _Num(field, count, 19)
    if letter == "V":
        if count != 2:
            raise _PatternError("Pattern letter count must be 2: V")
        return _Zone()
    if letter in "zv":
        if letter == "z" and count > 4:
            raise _too_many(letter)
        if letter == "v" and count not in (1, 4):
            raise _PatternError("Wrong number of pattern letters: v")
        return _ZoneName()
    if letter == "O":
        if count not in (1, 4):
            raise _PatternError("Pattern letter count must be 1 or 4: O")
        return _LocalizedOffset(full=count == 4)
    if letter in "XxZ":
        return _offset(letter, count)
    numbers = {
        "d": ("day", 2),
        "D": ("doy", 3),
        "H": ("hour", 2),
        "h": ("clock_hour", 2),
        "K": ("ampm_hour", 2),
        "k": ("day_hour", 2),
        "m": ("minute", 2),
        "s": ("second", 2),
        "w": ("week", 2),
        "W": ("week_of_month", 1),
        "F": ("week_of_month", 1),
    }
    if letter in numbers:
        field, most = numbers[letter]
        return _number(field, letter, count, most)
    if letter in "gpB":
        raise _PatternError(f"Pattern letter {letter} is not supported by the embedded engine")
    raise _PatternError(f"Unknown pattern letter: {letter}")


# Internal tokens for the built-in formats, written ``{name}`` in their patterns (braces are
# reserved characters in Java patterns, so users cannot reach them).
_EXTENSIONS: dict[str, Callable[[], _Tok]] = {
    "Y4": lambda: _Num("year", 4, 4),
    "YI": lambda: _Num("year", 4, 4, "normal"),
    "YL": lambda: _Num("year", 1, 9, "normal"),
    "YX": lambda: _Num("year", 4, 10, "exceeds"),
    "YN": lambda: _Num("year", 4, 10, "normal"),
    "Y*": lambda: _Num("year", 1, 19, "normal"),
    "WX": lambda: _Num("week_year", 4, 10, "exceeds"),
    "WN": lambda: _Num("week_year", 4, 10, "normal"),
    "W4": lambda: _Num("week_year", 4, 4),
    "W*": lambda: _Num("week_year", 1, 19, "normal"),
    "w": lambda: _Num("week", 1, 2),
    "w*": lambda: _Num("week", 1, 19),
    "M": lambda: _Num("month", 1, 2),
    "M*": lambda: _Num("month", 1, 19),
    "D": lambda: _Num("day", 1, 2),
    "D*": lambda: _Num("day", 1, 19),
    "DOY": lambda: _Num("doy", 1, 3),
    "H": lambda: _Num("hour", 1, 2),
    "m": lambda: _Num("minute", 1, 2),
    "s": lambda: _Num("second", 1, 2),
    "F": lambda: _Fraction(1, 9, point=True),
    "F3": lambda: _Fraction(1, 3, point=True),
    "f": lambda: _Fraction(1, 9, point=False),
    "Z": lambda: _Zone(ids=True),
    "O": lambda: _Zone(ids=False),
}


def _quoted(pattern: str, start: int) -> tuple[str, int]:
    """The literal of a quoted section starting at ``start`` and the index after it."""
    if pattern.startswith("''", start):
        return "'", start + 2
    text = []
    index = start + 1
    while True:
        end = pattern.find("'", index)
        if end == -1:
            raise _PatternError(f"Pattern ends with an incomplete string literal: {pattern}")
        text.append(pattern[index:end])
        if pattern.startswith("''", end):
            text.append("'")
            index = end + 2
            continue
        return "".join(text), end + 1


def _tokens(pattern: str, extensions: bool = False) -> list[_Tok]:
    """Compile a Java DateTimeFormatter pattern to tokens (``_PatternError`` when invalid)."""
    stack: list[list[_Tok]] = [[]]
    index, size = 0, len(pattern)
    while index < size:
        char = pattern[index]
        if char.isascii() and char.isalpha():
            end = index
            while end < size and pattern[end] == char:
                end += 1
            stack[-1].append(_letter(char, end - index))
            index = end
        elif char == "'":
            text, index = _quoted(pattern, index)
            stack[-1].append(_Lit(text))
        elif char == "[":
            stack.append([])
            index += 1
        elif char == "]":
            if len(stack) == 1:
                raise _PatternError("Pattern invalid as it contains ] without previous [")
            inner = stack.pop()
            stack[-1].append(_Optional(inner))
            index += 1
        elif char == "{" and extensions:
            end = pattern.index("}", index)
            stack[-1].append(_EXTENSIONS[pattern[index + 1 : end]]())
            index = end + 1
        elif char in "{}#":
            raise _PatternError(f"Pattern includes reserved character: '{char}'")
        else:
            stack[-1].append(_Lit(char))
            index += 1
    while len(stack) > 1:  # java.time closes sections left open
        inner = stack.pop()
        stack[-1].append(_Optional(inner))
    return stack[0]
