"""Java regexes on Python's ``re``: Elasticsearch's pattern components (pattern tokenizers,
``pattern_replace``, ``keywords_pattern``...) take Java syntax and flags, which this module
translates, along with Java's ``$1``/``${name}`` replacements.

Python's ``re`` has no \\p{...}: general-category classes are built once, on demand.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..errors import IllegalArgument


@lru_cache(maxsize=1)
def _category_runs() -> tuple[tuple[int, int, str], ...]:
    """(first, last, category) runs over all code points; ~0.3 s once, only when needed."""
    runs: list[tuple[int, int, str]] = []
    start, current = 0, unicodedata.category("\x00")
    for cp in range(1, 0x110000):
        cat = unicodedata.category(chr(cp))
        if cat != current:
            runs.append((start, cp - 1, current))
            start, current = cp, cat
    runs.append((start, 0x10FFFF, current))
    return tuple(runs)


@lru_cache(maxsize=64)
def _category_class(prefixes: tuple[str, ...]) -> str:
    """A regex class body (no brackets) for the general categories starting with ``prefixes``."""
    merged: list[list[int]] = []
    for first, last, cat in _category_runs():
        if cat.startswith(prefixes):
            if merged and merged[-1][1] == first - 1:
                merged[-1][1] = last
            else:
                merged.append([first, last])
    return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in merged)


# Java's Character.isWhitespace: space separators except the non-breaking ones, and controls.
_JAVA_SPACE = (
    "\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\u1680\\u2000-\\u2006\\u2008-\\u200a"
    "\\u2028\\u2029\\u205f\\u3000"
)

# Java regex features Python spells differently or lacks.
_POSIX_CLASSES = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": "\\x00-\\x7f",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": "!-/:-@\\[-`{-~",
    "Graph": "!-~",
    "Print": " -~",
    "Blank": " \\t",
    "Cntrl": "\\x00-\\x1f\\x7f",
    "XDigit": "0-9a-fA-F",
    "Space": " \\t\\n\\x0b\\x0c\\r",
}
_UNICODE_PROPERTIES = {
    "Alphabetic": ("L", "Nl"),
    "Letter": ("L",),
    "Digit": ("Nd",),
    "Uppercase": ("Lu",),
    "Lowercase": ("Ll",),
    "Punctuation": ("P",),
    "White_Space": ("Zs", "Zl", "Zp"),
    "Ideographic": ("Lo",),
}
_JAVA_FLAGS = {
    "CASE_INSENSITIVE": re.IGNORECASE,
    "COMMENTS": re.VERBOSE,
    "DOTALL": re.DOTALL,
    "MULTILINE": re.MULTILINE,
    "UNICODE_CASE": 0,
    "UNICODE_CHARACTER_CLASS": 0,
    "CANON_EQ": 0,
    "LITERAL": 0,
    "UNIX_LINES": 0,
}


def _property_class(name: str) -> str:
    if name in _POSIX_CLASSES:
        return _POSIX_CLASSES[name]
    bare = name[2:] if name.startswith("Is") and len(name) > 2 else name
    if bare in _UNICODE_PROPERTIES:
        return _category_class(_UNICODE_PROPERTIES[bare])
    if bare.startswith(("gc=", "general_category=")):
        bare = bare.split("=", 1)[1]
    if 1 <= len(bare) <= 2 and bare[0].isupper() and (len(bare) == 1 or bare[1].islower()):
        body = _category_class((bare,))
        if body:
            return body
    raise ValueError(f"Unknown character property name {{{name}}}")


def _translate_java_regex(pattern: str) -> str:
    """Rewrite the Java-only syntax of ``pattern`` (\\p{..}, (?<name>..)) for Python's re."""
    out: list[str] = []
    i, depth, n = 0, 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt in "pP":
                if i + 2 < n and pattern[i + 2] == "{":
                    close = pattern.find("}", i + 3)
                    if close < 0:
                        raise ValueError("Unclosed character family")
                    name, i = pattern[i + 3 : close], close + 1
                else:
                    name, i = pattern[i + 2 : i + 3], i + 3
                body = _property_class(name)
                if depth:
                    if nxt == "P":
                        raise ValueError("\\P{...} inside a character class is not supported")
                    out.append(body)
                else:
                    out.append(f"[{'^' if nxt == 'P' else ''}{body}]")
                continue
            if nxt == "k" and i + 2 < n and pattern[i + 2] == "<":
                close = pattern.find(">", i + 3)
                out.append(f"(?P={pattern[i + 3 : close]})")
                i = close + 1
                continue
            if nxt == "h" and not depth:
                out.append("[ \\t\\xa0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000]")
                i += 2
                continue
            out.append(pattern[i : i + 2])
            i += 2
            continue
        if c == "[":
            depth += 1
        elif c == "]" and depth:
            depth -= 1
        elif (
            c == "("
            and not depth
            and pattern.startswith("(?<", i)
            and i + 3 < n
            and pattern[i + 3] not in "=!"
        ):
            out.append("(?P<")
            i += 3
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _java_regex(pattern: str, flags: str | None, where: str) -> re.Pattern[str]:
    """Compile a Java regex (as Elasticsearch's pattern components take) with Python's re."""
    names = [f.strip() for f in (flags or "").split("|") if f.strip()]
    value = re.ASCII
    for flag in names:
        if flag not in _JAVA_FLAGS:
            raise IllegalArgument(f"Unknown regex flag [{flag}]")
        value |= _JAVA_FLAGS[flag]
    if "UNICODE_CHARACTER_CLASS" in names:
        value &= ~re.ASCII
    try:
        source = re.escape(pattern) if "LITERAL" in names else _translate_java_regex(pattern)
        return re.compile(source, value)
    except (re.error, ValueError) as error:
        raise IllegalArgument(f"Invalid regex [{pattern}] in [{where}]: {error}") from None


def _java_replacement(replacement: str) -> str:
    """Java's ``$1``/``${name}`` replacement syntax as a Python ``Match.expand`` template."""
    out: list[str] = []
    i, n = 0, len(replacement)
    while i < n:
        c = replacement[i]
        if c == "\\" and i + 1 < n:
            out.append("\\\\" if replacement[i + 1] == "\\" else replacement[i + 1])
            i += 2
        elif c == "$" and i + 1 < n and replacement[i + 1] == "{":
            close = replacement.index("}", i)
            out.append(f"\\g<{replacement[i + 2 : close]}>")
            i = close + 1
        elif c == "$" and i + 1 < n and replacement[i + 1].isdigit():
            j = i + 1
            while j < n and replacement[j].isdigit():
                j += 1
            out.append(f"\\g<{replacement[i + 1 : j]}>")
            i = j
        else:
            out.append("\\\\" if c == "\\" else c)
            i += 1
    return "".join(out)
