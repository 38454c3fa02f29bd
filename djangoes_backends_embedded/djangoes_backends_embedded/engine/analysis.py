"""Elasticsearch text analysis on top of tantivy.

An index's ``settings.analysis`` and Elasticsearch's built-in components become
:class:`Analyzer` and :class:`Normalizer` objects. A chain that maps onto tantivy's own
tokenizers and filters is *native*: tantivy runs it while indexing (the fast path for bulk
loads) and Python asks the very same tantivy analyzer at query time, so both sides agree token
for token. Any other chain runs in Python, still delegating to tantivy every stage it can, and
its tokens reach tantivy pre-tokenized.

Tokens carry Lucene's semantics: a removed token leaves a position gap, stacked tokens (synonyms,
n-grams of one word) share a position, and offsets point into the original text even after
char filters rewrote it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import tantivy

from .errors import EngineError, IllegalArgument, Unsupported, ValidationError, XContentParseError

__all__ = [
    "AnalysisRegistry",
    "Analyzer",
    "Normalizer",
    "Token",
    "analyze_api",
]

DEFAULT_POSITION_INCREMENT_GAP = 100
DEFAULT_MAX_TOKEN_LENGTH = 255


@dataclass(frozen=True, slots=True)
class Token:
    """One token: offsets are Python ``str`` indices into the original text."""

    term: str
    position: int
    start: int
    end: int


# Inside the Python pipeline a token is a plain tuple, cheaper than an object:
# (term, position, start, end, type or None when the tokenizer's classifier decides, keyword).
_Tok = tuple[str, int, int, int, str | None, bool]
_Stage = Callable[[list[_Tok]], list[_Tok]]


# --------------------------------------------------------------------------------------------
# Settings access: index settings arrive as strings ("2", "true") as often as typed values.


def _setting_error(reason: str) -> EngineError:
    return EngineError(reason, status=400, type="settings_exception")


def _int(conf: Mapping[str, Any], key: str, default: int) -> int:
    value = conf.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        raise _setting_error(f"Failed to parse int setting [{key}] with value [{value}]")
    try:
        return int(str(value).strip())
    except ValueError:
        raise _setting_error(f"Failed to parse int setting [{key}] with value [{value}]") from None


def _bool(conf: Mapping[str, Any], key: str, default: bool) -> bool:
    value = conf.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value)
    if text in ("true", "false"):
        return text == "true"
    raise IllegalArgument(f"Failed to parse value [{value}] as only [true] or [false] are allowed.")


def _list(conf: Mapping[str, Any], key: str, *, split: bool = True) -> list[str] | None:
    """A list setting; ``None`` when absent. A string is comma-split as Settings.getAsList."""
    value = conf.get(key)
    if value is None:
        return None
    if isinstance(value, Mapping):  # flattened "key.0", "key.1" that came back nested
        value = [value[k] for k in sorted(value, key=lambda k: int(k) if k.isdigit() else k)]
    if isinstance(value, str):
        if not split:
            return [value]
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, Sequence):
        return [str(item) for item in value]
    return [str(value)]


def _java_map(conf: Mapping[str, Any]) -> str:
    return "{" + ", ".join(f"{k}={v}" for k, v in conf.items()) + "}"


# --------------------------------------------------------------------------------------------
# Unicode helpers: Python's ``re`` has no \p{...}; build category classes once, on demand.


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
_RUST_JAVA_SPACE = (
    r"\t\n\x0B\x0C\r\x1C-\x1F \x{1680}\x{2000}-\x{2006}\x{2008}-\x{200A}"
    r"\x{2028}\x{2029}\x{205F}\x{3000}"
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


# --------------------------------------------------------------------------------------------
# Tantivy building blocks, cached: compiling the standard tokenizer's regex costs ~2 ms.

_X = r"\p{wb=Extend}\p{wb=Format}\p{wb=ZWJ}"
_AH = r"\p{wb=ALetter}\p{wb=Hebrew_Letter}"
_NU = r"\p{wb=Numeric}\x{FF10}-\x{FF19}"
_EN = r"\p{wb=ExtendNumLet}"
_KA = r"\p{wb=Katakana}"
_ML = r"\p{wb=MidLetter}\p{wb=MidNumLet}\p{wb=Single_Quote}"
_MN = r"\p{wb=MidNum}\p{wb=MidNumLet}\p{wb=Single_Quote}"
_SA = r"\p{Thai}\p{Lao}\p{Myanmar}\p{Khmer}\p{Tai_Le}\p{New_Tai_Lue}\p{Tai_Tham}\p{Tai_Viet}"
_EP = r"\p{Extended_Pictographic}\p{Emoji_Modifier}"

# UAX#29 word boundaries as Lucene's StandardTokenizer applies them, written so that the
# regex's leftmost-first preference yields the longest word: letters join across MidLetter,
# digits across MidNum, both across ExtendNumLet (WB5-WB13b); Extend/Format/ZWJ ride along
# (WB4); Katakana runs, single ideographs and hiragana, South-East Asian runs and emoji
# sequences are tokens of their own.
_STANDARD_WORD = (
    f"[{_EN}]*(?:[{_AH}](?:[{_AH}{_X}{_EN}]|[{_ML}][{_X}]*[{_AH}])*"
    f"|[{_NU}](?:[{_NU}{_X}{_EN}]|[{_MN}][{_X}]*[{_NU}])*)+"
)
_STANDARD_OTHERS = (
    f"[{_EN}]*[{_KA}][{_KA}{_X}{_EN}]*",
    f"\\p{{Han}}[{_X}]*",
    f"\\p{{Hiragana}}[{_X}]*",
    f"[[{_SA}]&&[\\p{{L}}\\p{{M}}]]+",
    f"\\p{{Regional_Indicator}}{{2}}[{_X}]*",
    f"[{_EP}](?:[\\p{{wb=Extend}}\\p{{wb=Format}}]|\\x{{200D}}[{_EP}]?)*",
    r"[#*]\x{FE0F}?\x{20E3}",
)
STANDARD_PATTERN = "|".join((_STANDARD_WORD, *_STANDARD_OTHERS))

_EMAIL = (
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,}"
)
_URL = r"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[^\s<>\x22'`]*[^\s<>\x22'`.,;:!?)\]}]"
UAX_URL_EMAIL_PATTERN = "|".join((_URL, _EMAIL, STANDARD_PATTERN))

_CJ = r"\p{Han}\p{Hiragana}\p{Katakana}"
_AN = rf"[[\p{{L}}\p{{N}}]--[{_CJ}]]"
CLASSIC_PATTERN = "|".join(
    (
        _EMAIL,
        # <NUM>: digit-bearing parts joined by punctuation
        rf"{_AN}*\p{{N}}{_AN}*(?:[-_/.,]{_AN}+)+",
        # <ACRONYM> (keeps its final dot) or, when a word follows the dots, <HOST>
        rf"(?:\p{{L}}\.){{2,}}(?:{_AN}+(?:\.{_AN}+)*)?",
        rf"{_AN}+(?:\.{_AN}+)+",  # <HOST>
        rf"{_AN}+[&@]{_AN}+",  # <COMPANY>
        rf"{_AN}+(?:'{_AN}+)+",  # <APOSTROPHE>
        rf"{_AN}+",  # <ALPHANUM>
        f"[{_CJ}]",  # <CJ>
    )
)


def _whitespace_pattern(max_len: int) -> str:
    return f"[^{_RUST_JAVA_SPACE}]{{1,{max_len}}}"


def _letter_pattern(max_len: int) -> str:
    return f"\\p{{L}}{{1,{max_len}}}"


def _make_tokenizer(key: tuple) -> tantivy.Tokenizer:
    kind = key[0]
    if kind == "regex":
        return tantivy.Tokenizer.regex(key[1])
    if kind == "raw":
        return tantivy.Tokenizer.raw()
    if kind == "whitespace":  # tantivy's: ASCII whitespace only; used to probe filters
        return tantivy.Tokenizer.whitespace()
    raise AssertionError(kind)


def _make_filter(key: tuple) -> tantivy.Filter:
    kind = key[0]
    if kind == "lowercase":
        return tantivy.Filter.lowercase()
    if kind == "ascii_fold":
        return tantivy.Filter.ascii_fold()
    if kind == "stopword":
        return tantivy.Filter.stopword(key[1])
    if kind == "custom_stopword":
        return tantivy.Filter.custom_stopword(list(key[1]))
    if kind == "stemmer":
        return tantivy.Filter.stemmer(key[1])
    raise AssertionError(kind)


@lru_cache(maxsize=1024)
def _text_analyzer(tokenizer: tuple, filters: tuple[tuple, ...]) -> tantivy.TextAnalyzer:
    """A tantivy analyzer, shared by every chain spelled the same (they are thread-safe)."""
    builder = tantivy.TextAnalyzerBuilder(_make_tokenizer(tokenizer))
    for key in filters:
        builder = builder.filter(_make_filter(key))
    return builder.build()


def _native_tokens(analyzer: tantivy.TextAnalyzer, text: str, kind: str | None) -> list[_Tok]:
    # tantivy-py reports char offsets as code point indices, the same as Python's.
    return [
        (t.text, t.position, t.char_offset_from, t.char_offset_to, kind, False)
        for t in analyzer.pre_tokenize(text).tokens
    ]


_PROBE_UNSAFE = re.compile(r"[\t\n\x0c\r]")


class _Probe:
    """Applies tantivy filters to tokens produced in Python.

    The tokens' terms are joined by spaces and run through tantivy's whitespace tokenizer
    plus the filters in one call: each surviving token's position is the index of the term
    it came from, so removed tokens keep Lucene's position gaps. Terms that contain
    whitespace go one by one through a raw tokenizer instead.
    """

    __slots__ = ("_raw", "_ws", "skip_keywords")

    def __init__(self, filters: tuple[tuple, ...], *, skip_keywords: bool = False) -> None:
        self._ws = _text_analyzer(("whitespace",), filters)
        self._raw = _text_analyzer(("raw",), filters)
        self.skip_keywords = skip_keywords

    def term(self, term: str) -> str | None:
        out = self._raw.analyze(term)
        return out[0] if out else None

    def __call__(self, toks: list[_Tok]) -> list[_Tok]:
        if not toks:
            return toks
        if self.skip_keywords and any(t[5] for t in toks):
            return self._with_keywords(toks)
        terms = [t[0] for t in toks]
        joined = " ".join(terms)
        if all(terms) and joined.count(" ") == len(terms) - 1 and not _PROBE_UNSAFE.search(joined):
            return [(p.text, *toks[p.position][1:]) for p in self._ws.pre_tokenize(joined).tokens]
        out = []
        for tok in toks:
            term = self.term(tok[0])
            if term is not None:
                out.append((term, *tok[1:]))
        return out

    def _with_keywords(self, toks: list[_Tok]) -> list[_Tok]:
        out = []
        for tok in toks:
            if tok[5]:
                out.append(tok)
            else:
                term = self.term(tok[0])
                if term is not None:
                    out.append((term, *tok[1:]))
        return out


# --------------------------------------------------------------------------------------------
# Token types, as the _analyze API reports them.


def _standard_type(text: str) -> str:
    first = text[0] if text else ""
    if not first:
        return "<ALPHANUM>"
    if all(c.isdecimal() or not c.isalnum() for c in text) and any(c.isdecimal() for c in text):
        return "<NUM>"
    name = unicodedata.name(first, "")
    if name.startswith(("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH")):
        return "<IDEOGRAPHIC>"
    if name.startswith("HIRAGANA"):
        return "<HIRAGANA>"
    if name.startswith(("KATAKANA", "HALFWIDTH KATAKANA")):
        return "<KATAKANA>"
    if name.startswith("HANGUL"):
        return "<HANGUL>"
    if name.startswith(("THAI", "LAO", "MYANMAR", "KHMER", "TAI ", "NEW TAI")):
        return "<SOUTHEAST_ASIAN>"
    if unicodedata.category(first) in ("So", "Sk") or name.startswith("REGIONAL INDICATOR"):
        return "<EMOJI>"
    if first in "#*" and len(text) > 1:
        return "<EMOJI>"
    return "<ALPHANUM>"


def _uax_type(text: str) -> str:
    if "@" in text and "://" not in text:
        return "<EMAIL>"
    if "://" in text or text.startswith("www."):
        return "<URL>"
    return _standard_type(text)


_ACRONYM = re.compile(r"^(?:[^\W\d_]\.){2,}$")


def _classic_type(text: str) -> str:
    if "@" in text:
        return "<EMAIL>" if "." in text.split("@", 1)[1] else "<COMPANY>"
    if "&" in text:
        return "<COMPANY>"
    if any(c.isdigit() for c in text):
        return "<NUM>" if any(c in "-_/.," for c in text) or text.isdigit() else "<ALPHANUM>"
    if _ACRONYM.match(text):
        return "<ACRONYM>"
    if "." in text:
        return "<HOST>"
    if "'" in text:
        return "<APOSTROPHE>"
    if unicodedata.name(text[0], "").startswith(("CJK", "HIRAGANA", "KATAKANA")):
        return "<CJ>"
    return "<ALPHANUM>"


_CLASSIFIERS: dict[str, Callable[[str], str]] = {
    "standard": _standard_type,
    "uax_url_email": _uax_type,
    "classic": _classic_type,
}


# --------------------------------------------------------------------------------------------
# Char filters. Each returns the new text and, when lengths changed, a map back to offsets
# of its input (Lucene's BaseCharFilter correction map).


class _Offsets:
    """Maps offsets of a char filter's output back to offsets of its input."""

    __slots__ = ("_diffs", "_outs")

    def __init__(self, outs: list[int], diffs: list[int]) -> None:
        self._outs = outs
        self._diffs = diffs

    def __call__(self, offset: int) -> int:
        i = bisect_right(self._outs, offset)
        return offset + self._diffs[i - 1] if i else offset


def _rewrite(text: str, spans: Iterable[tuple[int, int, str]]) -> tuple[str, _Offsets | None]:
    """Replace the ``(start, end, replacement)`` spans of ``text``, recording offset shifts."""
    parts: list[str] = []
    outs: list[int] = []
    diffs: list[int] = []
    last = produced = 0
    for start, end, replacement in spans:
        parts.append(text[last:start])
        parts.append(replacement)
        produced += start - last + len(replacement)
        last = end
        diff = end - produced
        if not diffs or diffs[-1] != diff:
            outs.append(produced)
            diffs.append(diff)
    if not parts:
        return text, None
    parts.append(text[last:])
    return "".join(parts), (_Offsets(outs, diffs) if diffs and any(diffs) else None)


class _CharFilter:
    normalizing = False

    def __init__(self, name: str) -> None:
        self.name = name

    def apply(self, text: str) -> tuple[str, _Offsets | None]:
        raise NotImplementedError


_MAPPING_RULE = re.compile(r"^(.*?)\s*=>\s*(.*?)\s*$", re.DOTALL)
_RULE_ESCAPES = {
    "\\": "\\",
    "n": "\n",
    "t": "\t",
    "r": "\r",
    "b": "\b",
    "f": "\f",
    '"': '"',
    "'": "'",
}


def _unescape_rule(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "u" and i + 5 < len(text) + 1:
                out.append(chr(int(text[i + 2 : i + 6], 16)))
                i += 6
                continue
            out.append(_RULE_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


class _MappingCharFilter(_CharFilter):
    normalizing = True

    def __init__(self, name: str, rules: list[str]) -> None:
        super().__init__(name)
        self.mapping: dict[str, str] = {}
        for rule in rules:
            match = _MAPPING_RULE.match(rule)
            if not match or not match.group(1):
                raise IllegalArgument(f"Invalid Mapping Rule : [{rule}]")
            self.mapping[_unescape_rule(match.group(1))] = _unescape_rule(match.group(2))
        keys = sorted(self.mapping, key=len, reverse=True)
        self.regex = re.compile("|".join(map(re.escape, keys))) if keys else None

    def apply(self, text: str) -> tuple[str, _Offsets | None]:
        if self.regex is None:
            return text, None
        mapping = self.mapping
        return _rewrite(
            text, ((m.start(), m.end(), mapping[m.group()]) for m in self.regex.finditer(text))
        )


class _PatternReplaceCharFilter(_CharFilter):
    normalizing = True

    def __init__(self, name: str, conf: Mapping[str, Any]) -> None:
        super().__init__(name)
        pattern = conf.get("pattern")
        if pattern is None:
            raise IllegalArgument(
                f"pattern is missing for [{name}] char filter of type 'pattern_replace'"
            )
        self.regex = _java_regex(str(pattern), conf.get("flags"), name)
        self.template = _java_replacement(str(conf.get("replacement", "")))

    def apply(self, text: str) -> tuple[str, _Offsets | None]:
        template = self.template
        return _rewrite(
            text, ((m.start(), m.end(), m.expand(template)) for m in self.regex.finditer(text))
        )


_HTML = re.compile(
    r"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?\]\]>|<![^>]*>|<\?.*?\?>"
    r"|<(script|style)\b[^>]*>.*?(?:</\1\s*>|\Z)"
    r"|</?([A-Za-z][A-Za-z0-9:_.-]*)(?:\s[^>]*)?/?>"
    r"|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});?",
    re.DOTALL | re.IGNORECASE,
)
_HTML_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "nav",
        "noscript",
        "ol",
        "output",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "video",
    ]
)


class _HtmlStripCharFilter(_CharFilter):
    """Removes HTML markup and decodes entities; block-level tags become a newline."""

    def __init__(self, name: str, escaped_tags: Iterable[str] = ()) -> None:
        super().__init__(name)
        self.escaped = frozenset(tag.lower() for tag in escaped_tags)

    def apply(self, text: str) -> tuple[str, _Offsets | None]:
        if "<" not in text and "&" not in text:
            return text, None
        return _rewrite(text, self._spans(text))

    def _spans(self, text: str) -> Iterable[tuple[int, int, str]]:
        for match in _HTML.finditer(text):
            token = match.group()
            if token[0] == "&":
                decoded = html.unescape(token)
                if decoded != token:
                    yield match.start(), match.end(), decoded
                continue
            tag = (match.group(2) or match.group(1) or "").lower()
            if tag and tag in self.escaped:
                continue
            yield match.start(), match.end(), "\n" if tag in _HTML_BLOCKS else ""


# --------------------------------------------------------------------------------------------
# Tokenizers.


class _Tokenizer:
    """A tokenizer: native when ``native`` (a tantivy tokenizer key) is set."""

    native: tuple | None = None
    kind = "word"  # picks the _analyze type classifier

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def splits_long(self) -> int | None:
        """Max token length to enforce in Python after native tokenizing (None: nothing)."""
        return None

    def tokenize(self, text: str) -> list[_Tok]:
        """Tokens of ``text`` in Python (the native ones go through tantivy)."""
        assert self.native is not None
        toks = _native_tokens(_text_analyzer(self.native, ()), text, self._type())
        limit = self.splits_long
        return _split_long(toks, limit) if limit else toks

    def _type(self) -> str | None:
        return None if self.kind in _CLASSIFIERS else "word"


def _split_long(toks: list[_Tok], limit: int) -> list[_Tok]:
    """Splits tokens longer than ``limit`` at ``limit`` intervals, shifting later positions."""
    if all(len(t[0]) <= limit for t in toks):
        return toks
    out: list[_Tok] = []
    shift = 0
    for term, pos, start, end, kind, kw in toks:
        pieces = range(0, len(term), limit) if len(term) > limit else (0,)
        exact = end - start == len(term)
        for n, at in enumerate(pieces):
            piece = term[at : at + limit]
            s, e = (start + at, start + at + len(piece)) if exact else (start, end)
            out.append((piece, pos + shift + n, s, e, kind, kw))
        shift += len(pieces) - 1
    return out


class _RegexTokenizer(_Tokenizer):
    def __init__(self, name: str, pattern: str, kind: str = "word", split: int | None = None):
        super().__init__(name)
        self.native = ("regex", pattern)
        self.kind = kind
        self._split = split

    @property
    def splits_long(self) -> int | None:
        return self._split


class _KeywordTokenizer(_Tokenizer):
    native = ("raw",)


class _PatternTokenizer(_Tokenizer):
    """ES's pattern tokenizer: splits on the pattern (group -1) or emits a capture group."""

    def __init__(self, name: str, regex: re.Pattern[str], group: int) -> None:
        super().__init__(name)
        self.regex = regex
        self.group = group
        if group > regex.groups:
            raise IllegalArgument(f"invalid group [{group}] for pattern [{regex.pattern}]")

    def tokenize(self, text: str) -> list[_Tok]:
        out: list[_Tok] = []
        if self.group < 0:
            last = 0
            for match in self.regex.finditer(text):
                if match.start() > last:
                    out.append(
                        (text[last : match.start()], len(out), last, match.start(), "word", False)
                    )
                last = max(last, match.end())
            if last < len(text):
                out.append((text[last:], len(out), last, len(text), "word", False))
            return out
        for match in self.regex.finditer(text):
            start, end = match.span(self.group)
            if start >= 0 and end > start:
                out.append((text[start:end], len(out), start, end, "word", False))
        return out


class _SimplePatternTokenizer(_Tokenizer):
    def __init__(self, name: str, regex: re.Pattern[str], split: bool) -> None:
        super().__init__(name)
        self.regex = regex
        self.split = split

    def tokenize(self, text: str) -> list[_Tok]:
        out: list[_Tok] = []
        if self.split:
            last = 0
            for match in self.regex.finditer(text):
                if match.end() == match.start():
                    continue
                if match.start() > last:
                    out.append(
                        (text[last : match.start()], len(out), last, match.start(), "word", False)
                    )
                last = match.end()
            if last < len(text):
                out.append((text[last:], len(out), last, len(text), "word", False))
            return out
        for match in self.regex.finditer(text):
            if match.end() > match.start():
                out.append((match.group(), len(out), match.start(), match.end(), "word", False))
        return out


class _PathHierarchyTokenizer(_Tokenizer):
    def __init__(self, name: str, conf: Mapping[str, Any]) -> None:
        super().__init__(name)
        self.delimiter = _single_char(conf, "delimiter", "/")
        self.replacement = _single_char(conf, "replacement", self.delimiter)
        self.reverse = _bool(conf, "reverse", False)
        self.skip = _int(conf, "skip", 0)

    def tokenize(self, text: str) -> list[_Tok]:
        d = self.delimiter
        if not text:
            return []
        if not self.reverse:
            # Prefixes ending before each delimiter, the first `skip` components dropped.
            cuts = [i for i, c in enumerate(text) if c == d and i > 0] + [len(text)]
            starts = [0] + [i for i, c in enumerate(text) if c == d and i > 0]
            start = starts[self.skip] if self.skip < len(starts) else None
            if start is None:
                return []
            ends = [c for c in cuts if c > start]
            out = []
            for end in dict.fromkeys(ends):
                term = text[start:end].replace(d, self.replacement)
                out.append((term, 0, start, end, "word", False))
            return out
        starts = [0] + [i + 1 for i, c in enumerate(text) if c == d and i + 1 < len(text)]
        end = len(text)
        if self.skip:
            cut = [i for i, c in enumerate(text) if c == d]
            if len(cut) < self.skip:
                return []
            end = cut[len(cut) - self.skip] if self.skip <= len(cut) else 0
        out = []
        for start in starts:
            if start < end:
                out.append(
                    (text[start:end].replace(d, self.replacement), 0, start, end, "word", False)
                )
        return out


def _single_char(conf: Mapping[str, Any], key: str, default: str) -> str:
    value = conf.get(key, default)
    value = str(value)
    if len(value) != 1:
        raise IllegalArgument(f"{key} must be a one char value")
    return value


_TOKEN_CHAR_CLASSES = {
    "letter": lambda: "^\\W\\d_",
    "digit": lambda: "\\d",
    "whitespace": lambda: _JAVA_SPACE,
    "punctuation": lambda: _category_class(("P",)),
    "symbol": lambda: _category_class(("S",)),
}


def _token_chars_regex(conf: Mapping[str, Any], name: str) -> re.Pattern[str] | None:
    classes = _list(conf, "token_chars") or []
    if not classes:
        return None
    letters: list[str] = []
    negated_letters = False
    for raw in classes:
        cls = raw.strip().lower()
        if cls == "custom":
            custom = conf.get("custom_token_chars")
            if not custom:
                raise IllegalArgument("Token type: 'custom' requires setting `custom_token_chars`")
            letters.append("".join(re.escape(c) for c in str(custom)))
        elif cls == "letter":
            negated_letters = True
        elif cls in _TOKEN_CHAR_CLASSES:
            letters.append(_TOKEN_CHAR_CLASSES[cls]())
        else:
            raise IllegalArgument(
                f"Unknown token type: '{cls}', must be one of "
                "[symbol, custom, whitespace, letter, punctuation, digit]"
            )
    body = "".join(letters)
    if negated_letters:  # letters are "not (non-word, digit, underscore)": keep them apart
        source = f"(?:[^\\W\\d_]|[{body}])+" if body else "[^\\W\\d_]+"
    else:
        source = f"[{body}]+"
    return re.compile(source)


class _NGramTokenizer(_Tokenizer):
    """n-grams (or edge n-grams) of each run of token chars; each gram its own position."""

    def __init__(self, name: str, conf: Mapping[str, Any], edge: bool, max_diff: int) -> None:
        super().__init__(name)
        self.min = _int(conf, "min_gram", 1)
        self.max = _int(conf, "max_gram", 2)
        _check_grams(self.min, self.max, max_diff if not edge else None, "NGram Tokenizer")
        self.edge = edge
        self.chars = _token_chars_regex(conf, name)

    def tokenize(self, text: str) -> list[_Tok]:
        runs = (
            ((0, len(text)),)
            if self.chars is None
            else (m.span() for m in self.chars.finditer(text))
        )
        out: list[_Tok] = []
        lo, hi = self.min, self.max
        for start, end in runs:
            if self.edge:
                for n in range(lo, min(hi, end - start) + 1):
                    out.append((text[start : start + n], len(out), start, start + n, "word", False))
                continue
            for s in range(start, end - lo + 1):
                for n in range(lo, min(hi, end - s) + 1):
                    out.append((text[s : s + n], len(out), s, s + n, "word", False))
        return out


def _check_grams(lo: int, hi: int, max_diff: int | None, what: str) -> None:
    if max_diff is not None and hi - lo > max_diff:
        raise IllegalArgument(
            f"The difference between max_gram and min_gram in {what} must be less than or "
            f"equal to: [{max_diff}] but was [{hi - lo}]. This limit can be set by changing the "
            "[index.max_ngram_diff] index level setting."
        )
    if lo < 1:
        raise IllegalArgument("minGram must be greater than zero")
    if lo > hi:
        raise IllegalArgument("minGram must not be greater than maxGram")


def _char_group_pattern(conf: Mapping[str, Any], name: str) -> str:
    parts: list[str] = []
    for item in _list(conf, "tokenize_on_chars", split=False) or []:
        named = {
            "whitespace": _RUST_JAVA_SPACE,
            "letter": r"\p{L}",
            "digit": r"\p{Nd}",
            "punctuation": r"\p{P}",
            "symbol": r"\p{S}",
        }
        if item in named:
            parts.append(named[item])
            continue
        char = _unescape_rule(item) if item.startswith("\\") else item
        if len(char) != 1:
            raise IllegalArgument(f"Invalid escaped char in [{item}]")
        parts.append(f"\\x{{{ord(char):X}}}")
    max_len = _int(conf, "max_token_length", DEFAULT_MAX_TOKEN_LENGTH)
    if not parts:
        return f"(?s:.){{1,{max_len}}}"
    return f"[^{''.join(parts)}]{{1,{max_len}}}"


# --------------------------------------------------------------------------------------------
# Token filters.


class _Filter:
    """A token filter: ``native`` lists the tantivy filter keys when tantivy can run it."""

    native: tuple[tuple, ...] | None = None
    normalizing = False
    needs_types = False
    stems = False

    def __init__(self, name: str) -> None:
        self.name = name

    def stage(self, rule_analyzer: Callable[[str], list[str]]) -> _Stage:
        """The Python stage; ``rule_analyzer`` runs the chain before this filter (synonyms)."""
        if self.native is not None:
            return _Probe(self.native, skip_keywords=self.stems)
        return self.apply

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        raise NotImplementedError


class _NativeFilter(_Filter):
    def __init__(
        self,
        name: str,
        native: tuple[tuple, ...],
        *,
        normalizing: bool = False,
        stems: bool = False,
    ) -> None:
        super().__init__(name)
        self.native = native
        self.normalizing = normalizing
        self.stems = stems


class _TermFilter(_Filter):
    """A filter that rewrites each term independently (or drops it when ``fn`` gives None)."""

    def __init__(
        self, name: str, fn: Callable[[str], str | None], *, normalizing: bool = False
    ) -> None:
        super().__init__(name)
        self.fn = fn
        self.normalizing = normalizing

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        fn = self.fn
        out = []
        for tok in toks:
            term = fn(tok[0])
            if term is not None:
                out.append((term, *tok[1:]) if term is not tok[0] else tok)
        return out


class _KeepIf(_Filter):
    """Drops the tokens failing ``keep`` (leaving a position gap, as FilteringTokenFilter)."""

    def __init__(self, name: str, keep: Callable[[_Tok], bool], *, needs_types: bool = False):
        super().__init__(name)
        self.keep = keep
        self.needs_types = needs_types

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        return [tok for tok in toks if self.keep(tok)]


class _StopFilter(_Filter):
    def __init__(
        self,
        name: str,
        languages: list[str],
        words: list[str],
        *,
        ignore_case: bool,
        remove_trailing: bool,
    ) -> None:
        super().__init__(name)
        keys = tuple(("stopword", lang) for lang in languages)
        if words:
            keys += (("custom_stopword", tuple(w.lower() if ignore_case else w for w in words)),)
        self.keys = keys
        self.ignore_case = ignore_case
        self.remove_trailing = remove_trailing
        self.probe = _Probe(keys) if keys else None
        if not ignore_case and remove_trailing:
            self.native = keys

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        probe = self.probe
        if probe is None or not toks:
            return toks
        if self.ignore_case:
            lowered = [(t[0].lower(), i, *t[2:]) for i, t in enumerate(toks)]
            kept = {t[1] for t in probe(lowered)}
        else:
            kept = {t[1] for t in probe([(t[0], i, *t[2:]) for i, t in enumerate(toks)])}
        if not self.remove_trailing:
            kept.add(len(toks) - 1)
        return [tok for i, tok in enumerate(toks) if i in kept]


class _LowercaseFilter(_Filter):
    normalizing = True

    def __init__(self, name: str, language: str | None) -> None:
        super().__init__(name)
        self.language = language
        if language is None:
            self.native = (("lowercase",),)
        elif language not in ("greek", "irish", "turkish"):
            raise IllegalArgument(f"language [{language}] not supported for lowercase filter")

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        if self.language is None:
            return _Probe((("lowercase",),))(toks)
        fn = {"greek": _greek_lower, "irish": _irish_lower, "turkish": _turkish_lower}[
            self.language
        ]
        return [(fn(t[0]), *t[1:]) for t in toks]


def _turkish_lower(term: str) -> str:
    return term.replace("I", "\u0131").replace("\u0130", "i").lower()


def _greek_lower(term: str) -> str:
    decomposed = unicodedata.normalize("NFD", term.lower().replace("\u03c2", "\u03c3"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _irish_lower(term: str) -> str:
    if len(term) > 1 and term[0] in "nt" and term[1] in "AEIOUÁÉÍÓÚ":
        return term[0] + "-" + term[1:].lower()
    return term.lower()


class _AsciiFoldingFilter(_Filter):
    normalizing = True

    def __init__(self, name: str, preserve_original: bool) -> None:
        super().__init__(name)
        self.preserve = preserve_original
        if not preserve_original:
            self.native = (("ascii_fold",),)

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        probe = _Probe((("ascii_fold",),))  # built from cached tantivy analyzers: cheap
        out = []
        for tok in toks:
            folded = tok[0] if tok[0].isascii() else (probe.term(tok[0]) or tok[0])
            out.append((folded, *tok[1:]))
            if folded != tok[0]:
                out.append(tok)
        return out


def _possessive(term: str) -> str:
    if len(term) >= 2 and term[-1] in "sS" and term[-2] in "'\u2019\uff07":
        return term[:-2]
    return term


def _minimal_english(term: str) -> str:
    """Harman's S-stemmer, as Lucene's EnglishMinimalStemmer: plurals to singulars."""
    n = len(term)
    if n < 3 or term[-1] != "s":
        return term
    second = term[-2]
    if second in "us":
        return term
    if second == "e":
        if n > 3 and term[-3] == "i" and term[-4] not in "ae":
            return term[:-3] + "y"
        if term[-3] in "iaoe":
            return term
    return term[:-1]


class _PythonStemmer(_Filter):
    stems = True

    def __init__(self, name: str, fn: Callable[[str], str]) -> None:
        super().__init__(name)
        self.fn = fn

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        fn = self.fn
        return [t if t[5] else (fn(t[0]), *t[1:]) for t in toks]


class _KeywordMarker(_Filter):
    def __init__(
        self, name: str, words: set[str], pattern: re.Pattern[str] | None, ignore_case: bool
    ) -> None:
        super().__init__(name)
        self.words = {w.lower() for w in words} if ignore_case else words
        self.pattern = pattern
        self.ignore_case = ignore_case

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        out = []
        for tok in toks:
            term = tok[0].lower() if self.ignore_case else tok[0]
            hit = term in self.words or (self.pattern is not None and self.pattern.fullmatch(term))
            out.append((*tok[:5], True) if hit else tok)
        return out


class _StemmerOverride(_Filter):
    def __init__(self, name: str, rules: list[str]) -> None:
        super().__init__(name)
        self.mapping: dict[str, str] = {}
        for rule in rules:
            if "=>" not in rule:
                raise IllegalArgument(f"Invalid Keyword override Rule:{rule}")
            keys, value = rule.split("=>", 1)
            value = value.strip()
            if not value:
                raise IllegalArgument(f"Invalid Keyword override Rule:{rule}")
            for key in keys.split(","):
                if key.strip():
                    self.mapping[key.strip()] = value

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        get = self.mapping.get
        return [t if t[5] or (v := get(t[0])) is None else (v, *t[1:4], t[4], True) for t in toks]


class _NGramFilter(_Filter):
    """n-grams (or edge n-grams) of each token, all at the token's position and offsets."""

    def __init__(self, name: str, lo: int, hi: int, edge: bool, preserve: bool) -> None:
        super().__init__(name)
        self.lo, self.hi, self.edge, self.preserve = lo, hi, edge, preserve

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        lo, hi = self.lo, self.hi
        out: list[_Tok] = []
        for term, pos, start, end, kind, kw in toks:
            n = len(term)
            if self.edge:
                for size in range(lo, min(hi, n) + 1):
                    out.append((term[:size], pos, start, end, kind, kw))
            else:
                for s in range(n - lo + 1):
                    for size in range(lo, min(hi, n - s) + 1):
                        out.append((term[s : s + size], pos, start, end, kind, kw))
            if self.preserve and (n < lo or n > hi):
                out.append((term, pos, start, end, kind, kw))
        return out


class _ShingleFilter(_Filter):
    def __init__(self, name: str, conf: Mapping[str, Any], max_diff: int) -> None:
        super().__init__(name)
        self.max = _int(conf, "max_shingle_size", 2)
        self.min = _int(conf, "min_shingle_size", 2)
        self.unigrams = _bool(conf, "output_unigrams", True)
        self.unigrams_if_none = _bool(conf, "output_unigrams_if_no_shingles", False)
        self.separator = str(conf.get("token_separator", " "))
        self.filler = str(conf.get("filler_token", "_"))
        diff = self.max - self.min + (1 if self.unigrams else 0)
        if diff > max_diff:
            raise IllegalArgument(
                "In Shingle TokenFilter the difference between max_shingle_size and "
                "min_shingle_size (and +1 if outputting unigrams) must be less than or equal "
                f"to: [{max_diff}] but was [{diff}]. This limit can be set by changing the "
                "[index.max_shingle_diff] index level setting."
            )
        if self.max < 2:
            raise IllegalArgument("Max shingle size must be >= 2")
        if self.min < 2:
            raise IllegalArgument("Min shingle size must be >= 2")
        if self.min > self.max:
            raise IllegalArgument("Min shingle size must be <= max shingle size")

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        # One slot per position, fillers in the gaps left by removed tokens.
        slots: list[_Tok | None] = []
        last = -1
        for tok in toks:
            if tok[1] == last:
                continue
            slots.extend([None] * (tok[1] - last - 1))
            slots.append(tok)
            last = tok[1]
        shingles: list[_Tok] = []
        unigrams: list[_Tok] = []
        for i, tok in enumerate(slots):
            if tok is None:
                continue
            unigrams.append(tok)
            if self.unigrams:
                shingles.append(tok)
            for size in range(self.min, self.max + 1):
                window = slots[i : i + size]
                if len(window) < size or window[-1] is None:
                    continue
                terms = [self.filler if w is None else w[0] for w in window]
                shingles.append(
                    (self.separator.join(terms), tok[1], tok[2], window[-1][3], "shingle", False)
                )
        if not self.unigrams and self.unigrams_if_none and not shingles:
            return unigrams
        return shingles


class _Synonyms:
    """Parsed synonym rules: input term tuple -> (outputs, keep the original)."""

    def __init__(self) -> None:
        self.rules: dict[tuple[str, ...], tuple[list[tuple[str, ...]], bool]] = {}
        self.longest = 0

    def add(self, source: tuple[str, ...], target: tuple[str, ...], keep: bool) -> None:
        outputs, kept = self.rules.get(source, ([], False))
        if target not in outputs:
            outputs.append(target)
        self.rules[source] = (outputs, kept or keep)
        self.longest = max(self.longest, len(source))


def _split_unescaped(text: str, sep: str) -> list[str]:
    parts, current, i = [], [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            current.append(text[i + 1])
            i += 2
            continue
        if text.startswith(sep, i):
            parts.append("".join(current))
            current = []
            i += len(sep)
            continue
        current.append(text[i])
        i += 1
    parts.append("".join(current))
    return parts


def _parse_solr(
    rules: list[str], expand: bool, lenient: bool, analyze: Callable[[str], list[str]]
) -> _Synonyms:
    synonyms = _Synonyms()
    for number, line in enumerate(rules, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            _add_solr_rule(synonyms, line, expand, analyze)
        except IllegalArgument as error:
            if lenient:
                continue
            raise IllegalArgument(
                "failed to build synonyms",
                caused_by=EngineError(
                    f"Invalid synonym rule at line {number}",
                    status=400,
                    type="parse_exception",
                    caused_by=error,
                ),
            ) from None
    return synonyms


def _add_solr_rule(
    synonyms: _Synonyms, line: str, expand: bool, analyze: Callable[[str], list[str]]
) -> None:
    def words(side: str) -> list[tuple[str, ...]]:
        out = []
        for word in _split_unescaped(side, ","):
            word = word.strip()
            if not word:
                continue
            terms = tuple(analyze(word))
            if not terms:
                raise IllegalArgument(f"term: {word} was completely eliminated by analyzer")
            out.append(terms)
        return out

    sides = _split_unescaped(line, "=>") if "=>" in line else [line]
    if len(sides) > 2:
        raise IllegalArgument("more than one explicit mapping specified on the same line")
    if len(sides) == 2:
        sources, targets = words(sides[0]), words(sides[1])
        for source in sources:
            for target in targets:
                synonyms.add(source, target, False)
        return
    group = words(line)
    if expand:
        for source in group:
            for target in group:
                if target != source:
                    synonyms.add(source, target, True)
    else:
        for source in group:
            synonyms.add(source, group[0], False)


class _SynonymFilter(_Filter):
    """Solr-format synonyms; the graph variant shifts later positions past multi-word output."""

    def __init__(self, name: str, conf: Mapping[str, Any], graph: bool) -> None:
        super().__init__(name)
        if conf.get("synonyms_path") is not None:
            raise Unsupported("synonym files ([synonyms_path])")
        if conf.get("synonyms_set") is not None:
            raise Unsupported("synonym sets ([synonyms_set])")
        if str(conf.get("format", "solr")) != "solr":
            raise Unsupported(f"synonym format [{conf.get('format')}]")
        self.rules = _list(conf, "synonyms", split=False)
        if self.rules is None:
            raise IllegalArgument(
                "synonym requires either `synonyms`, `synonyms_path` or `synonyms_set` to be "
                "configured"
            )
        self.expand = _bool(conf, "expand", True)
        self.lenient = _bool(conf, "lenient", False)
        self.graph = graph

    def stage(self, rule_analyzer: Callable[[str], list[str]]) -> _Stage:
        synonyms = _parse_solr(self.rules or [], self.expand, self.lenient, rule_analyzer)
        graph = self.graph

        def apply(toks: list[_Tok]) -> list[_Tok]:
            if not synonyms.rules or not toks:
                return toks
            return _apply_synonyms(toks, synonyms, graph)

        return apply


def _apply_synonyms(toks: list[_Tok], synonyms: _Synonyms, graph: bool) -> list[_Tok]:
    out: list[_Tok] = []
    rules = synonyms.rules
    shift = i = 0
    n = len(toks)
    while i < n:
        match = None
        for size in range(min(synonyms.longest, n - i), 0, -1):
            key = tuple(t[0] for t in toks[i : i + size])
            if key in rules:
                match = (size, rules[key])
                break
        if match is None:
            tok = toks[i]
            out.append((tok[0], tok[1] + shift, *tok[2:]))
            i += 1
            continue
        size, (outputs, keep) = match
        first, last = toks[i], toks[i + size - 1]
        pos, start, end = first[1] + shift, first[2], last[3]
        emitted: list[_Tok] = []
        if keep:
            emitted.extend((t[0], t[1] + shift, *t[2:]) for t in toks[i : i + size])
        for output in outputs:
            emitted.extend(
                (term, pos + k, start, end, "SYNONYM", False) for k, term in enumerate(output)
            )
        emitted.sort(key=lambda t: t[1])
        out.extend(emitted)
        if graph:
            widest = max([len(o) for o in outputs] + ([size] if keep else []))
            shift += widest - (last[1] - first[1] + 1)
        i += size
    return out


def _elision(articles: set[str], ignore_case: bool) -> Callable[[str], str]:
    def elide(term: str) -> str:
        for quote in ("'", "\u2019"):
            at = term.find(quote)
            if at > 0:
                prefix = term[:at].lower() if ignore_case else term[:at]
                if prefix in articles:
                    return term[at + 1 :]
                return term
        return term

    return elide


def _apostrophe(term: str) -> str:
    for i, c in enumerate(term):
        if c in "'\u2019":
            return term[:i]
    return term


def _decimal_digit(term: str) -> str:
    if term.isascii():
        return term
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in term)


_WIDTH_FORMS = re.compile("[\uff00-\uffef]+")


def _cjk_width(term: str) -> str:
    """Full-width ASCII to ASCII, half-width katakana to katakana (voiced marks composed)."""
    if term.isascii():
        return term
    return _WIDTH_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), term)


def _classic(term: str) -> str:
    if _ACRONYM.match(term):
        return term.replace(".", "")
    return _possessive(term)


class _WordDelimiter(_Filter):
    """Splits tokens on case changes, letter/digit transitions and delimiters (basic)."""

    def __init__(self, name: str, conf: Mapping[str, Any], graph: bool) -> None:
        super().__init__(name)
        self.words = _bool(conf, "generate_word_parts", True)
        self.numbers = _bool(conf, "generate_number_parts", True)
        self.cat_words = _bool(conf, "catenate_words", False)
        self.cat_numbers = _bool(conf, "catenate_numbers", False)
        self.cat_all = _bool(conf, "catenate_all", False)
        self.case = _bool(conf, "split_on_case_change", True)
        self.numerics = _bool(conf, "split_on_numerics", True)
        self.preserve = _bool(conf, "preserve_original", False)
        self.possessive = _bool(conf, "stem_english_possessive", True)
        self.protected = set(_list(conf, "protected_words") or ())
        self.graph = graph

    def parts(self, term: str) -> list[tuple[int, int, bool]]:
        """(start, end, is_number) of the subwords of ``term``."""
        out: list[tuple[int, int, bool]] = []
        n, i = len(term), 0
        while i < n:
            c = term[i]
            if not c.isalnum():
                if (
                    self.possessive
                    and c in "'\u2019"
                    and i + 1 < n
                    and term[i + 1] in "sS"
                    and (i + 2 == n or not term[i + 2].isalnum())
                ):
                    i += 2
                    continue
                i += 1
                continue
            start = i
            digit = c.isdigit()
            i += 1
            while i < n:
                d = term[i]
                if not d.isalnum():
                    break
                if self.numerics and d.isdigit() != digit:
                    break
                if self.case and not digit:
                    prev = term[i - 1]
                    if prev.islower() and d.isupper():
                        break
                    if prev.isupper() and d.isupper() and i + 1 < n and term[i + 1].islower():
                        break
                i += 1
            out.append((start, i, digit))
        return out

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        out: list[_Tok] = []
        shift = 0
        for tok in toks:
            term, pos, start, end, kind, kw = tok
            pos += shift
            if term in self.protected:
                out.append((term, pos, start, end, kind, kw))
                continue
            parts = self.parts(term)
            if len(parts) == 1 and parts[0][:2] == (0, len(term)):
                out.append((term, pos, start, end, kind, kw))
                continue
            exact = end - start == len(term)
            emitted: list[_Tok] = []
            if self.preserve:
                emitted.append((term, pos, start, end, kind, kw))
            kept = [p for p in parts if (self.numbers if p[2] else self.words)]
            for k, (s, e, _) in enumerate(kept):
                span = (start + s, start + e) if exact else (start, end)
                emitted.append((term[s:e], pos + k, *span, kind, kw))
            emitted.extend(self._catenations(term, parts, pos, start, end, exact, kind, kw))
            emitted.sort(key=lambda t: t[1])
            out.extend(emitted)
            shift += max(len(kept) - 1, 0)
        return out

    def _catenations(
        self,
        term: str,
        parts: list[tuple[int, int, bool]],
        pos: int,
        start: int,
        end: int,
        exact: bool,
        kind: str | None,
        kw: bool,
    ) -> Iterable[_Tok]:
        def joined(group: list[tuple[int, int, bool]]) -> _Tok:
            s, e = group[0][0], group[-1][1]
            span = (start + s, start + e) if exact else (start, end)
            return ("".join(term[a:b] for a, b, _ in group), pos, *span, kind, kw)

        if self.cat_all and len(parts) > 1:
            yield joined(parts)
            return
        runs: list[list[tuple[int, int, bool]]] = []
        for part in parts:
            if runs and runs[-1][-1][2] == part[2]:
                runs[-1].append(part)
            else:
                runs.append([part])
        for run in runs:
            if len(run) > 1 and (self.cat_numbers if run[0][2] else self.cat_words):
                yield joined(run)


class _FingerprintFilter(_Filter):
    def __init__(self, name: str, separator: str, max_size: int) -> None:
        super().__init__(name)
        self.separator = separator
        self.max_size = max_size

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        if not toks:
            return toks
        value = self.separator.join(sorted({t[0] for t in toks}))
        if len(value) > self.max_size:
            return []
        return [(value, 0, toks[0][2], max(t[3] for t in toks), "fingerprint", False)]


class _LimitFilter(_Filter):
    def __init__(self, name: str, count: int) -> None:
        super().__init__(name)
        self.count = count

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        return toks[: self.count]


class _UniqueFilter(_Filter):
    def __init__(self, name: str, same_position: bool) -> None:
        super().__init__(name)
        self.same_position = same_position

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        seen: set[Any] = set()
        out = []
        for tok in toks:
            key = (tok[0], tok[1]) if self.same_position else tok[0]
            if key not in seen:
                seen.add(key)
                out.append(tok)
        return out


# --------------------------------------------------------------------------------------------
# Languages.

# Elasticsearch language names tantivy stems and knows stop words for.
LANGUAGES = (
    "arabic",
    "danish",
    "dutch",
    "english",
    "finnish",
    "french",
    "german",
    "greek",
    "hungarian",
    "italian",
    "norwegian",
    "portuguese",
    "romanian",
    "russian",
    "spanish",
    "swedish",
    "turkish",
)
# tantivy ships no stop words for Arabic, Greek, Romanian and Turkish: their analyzers go
# without unless given `stopwords`.
_STOP_LANGUAGES = frozenset(LANGUAGES) - {"arabic", "greek", "romanian", "turkish"}
# Elasticsearch's named stop word lists tantivy does not ship.
_OTHER_STOP_LISTS = frozenset(
    [
        "arabic",
        "greek",
        "romanian",
        "turkish",
        "armenian",
        "basque",
        "bengali",
        "brazilian",
        "bulgarian",
        "catalan",
        "cjk",
        "czech",
        "estonian",
        "galician",
        "hindi",
        "indonesian",
        "irish",
        "latvian",
        "lithuanian",
        "persian",
        "serbian",
        "sorani",
        "thai",
    ]
)

# stemmer filter `language` values -> tantivy stemmer (light/minimal variants approximated
# by the Snowball stemmer of the language) or a Python stemmer.
_STEMMERS = {
    "english": "english",
    "porter": "english",
    "porter2": "english",
    "light_english": "english",
    "kstem": "english",
    "lovins": "english",
    "arabic": "arabic",
    "danish": "danish",
    "dutch": "dutch",
    "dutch_kp": "dutch",
    "finnish": "finnish",
    "light_finnish": "finnish",
    "french": "french",
    "light_french": "french",
    "minimal_french": "french",
    "german": "german",
    "german2": "german",
    "light_german": "german",
    "minimal_german": "german",
    "greek": "greek",
    "hungarian": "hungarian",
    "light_hungarian": "hungarian",
    "italian": "italian",
    "light_italian": "italian",
    "norwegian": "norwegian",
    "light_norwegian": "norwegian",
    "minimal_norwegian": "norwegian",
    "light_nynorsk": "norwegian",
    "minimal_nynorsk": "norwegian",
    "portuguese": "portuguese",
    "light_portuguese": "portuguese",
    "minimal_portuguese": "portuguese",
    "portuguese_rslp": "portuguese",
    "romanian": "romanian",
    "russian": "russian",
    "light_russian": "russian",
    "spanish": "spanish",
    "light_spanish": "spanish",
    "swedish": "swedish",
    "light_swedish": "swedish",
    "turkish": "turkish",
}
# Elasticsearch stemmers tantivy has no algorithm for.
_OTHER_STEMMERS = frozenset(
    [
        "armenian",
        "basque",
        "bengali",
        "brazilian",
        "bulgarian",
        "catalan",
        "czech",
        "estonian",
        "galician",
        "minimal_galician",
        "hindi",
        "indonesian",
        "irish",
        "latvian",
        "lithuanian",
        "persian",
        "sorani",
        "serbian",
    ]
)
_PYTHON_STEMMERS: dict[str, Callable[[str], str]] = {
    "minimal_english": _minimal_english,
    "possessive_english": _possessive,
}
_SNOWBALL = {
    "English": "english",
    "Porter": "english",
    "Lovins": "english",
    "Kp": "dutch",
    "Danish": "danish",
    "Dutch": "dutch",
    "Finnish": "finnish",
    "French": "french",
    "German": "german",
    "German2": "german",
    "Hungarian": "hungarian",
    "Italian": "italian",
    "Norwegian": "norwegian",
    "Portuguese": "portuguese",
    "Romanian": "romanian",
    "Russian": "russian",
    "Spanish": "spanish",
    "Swedish": "swedish",
    "Turkish": "turkish",
    "Arabic": "arabic",
    "Greek": "greek",
}


def _stemmer_filter(name: str, language: str) -> _Filter:
    if language in _PYTHON_STEMMERS:
        return _PythonStemmer(name, _PYTHON_STEMMERS[language])
    if language in _STEMMERS:
        return _NativeFilter(name, (("stemmer", _STEMMERS[language]),), stems=True)
    if language in _OTHER_STEMMERS:
        raise Unsupported(f"stemmer language [{language}]")
    raise IllegalArgument(f"Unknown stemmer language [{language}] for [{name}]")


def _stop_words(value: list[str] | None, default: str) -> tuple[list[str], list[str]]:
    """(tantivy languages, literal words) for a `stopwords` setting."""
    items = value if value is not None else [default]
    languages: list[str] = []
    words: list[str] = []
    for item in items:
        if item == "_none_":
            continue
        if len(item) > 2 and item.startswith("_") and item.endswith("_"):
            language = item[1:-1]
            if language in _STOP_LANGUAGES:
                languages.append(language)
                continue
            if language in _OTHER_STOP_LISTS:
                raise Unsupported(f"the [{item}] stop word list")
        words.append(item)
    return languages, words


def _stop_filter(name: str, conf: Mapping[str, Any], default: str = "_english_") -> _Filter:
    if conf.get("stopwords_path") is not None:
        raise Unsupported("stop word files ([stopwords_path])")
    languages, words = _stop_words(_list(conf, "stopwords"), default)
    return _StopFilter(
        name,
        languages,
        words,
        ignore_case=_bool(conf, "ignore_case", False),
        remove_trailing=_bool(conf, "remove_trailing", True),
    )


# --------------------------------------------------------------------------------------------
# Component factories by type.

_NEEDS_SETTINGS = frozenset(
    {
        "synonym",
        "synonym_graph",
        "pattern_replace",
        "pattern_capture",
        "keep",
        "keep_types",
        "stemmer_override",
        "keyword_marker",
        "mapping",
        "hunspell",
        "dictionary_decompounder",
        "hyphenation_decompounder",
        "condition",
        "multiplexer",
        "predicate_token_filter",
        "simple_pattern",
        "simple_pattern_split",
        "char_group",
    }
)
_KNOWN_UNSUPPORTED_FILTERS = frozenset(
    {
        "arabic_normalization",
        "bengali_normalization",
        "brazilian_stem",
        "cjk_bigram",
        "common_grams",
        "condition",
        "czech_stem",
        "delimited_payload",
        "dictionary_decompounder",
        "dutch_stem",
        "french_stem",
        "german_normalization",
        "german_stem",
        "hindi_normalization",
        "hunspell",
        "hyphenation_decompounder",
        "indic_normalization",
        "keyword_repeat",
        "min_hash",
        "multiplexer",
        "pattern_capture",
        "persian_normalization",
        "persian_stem",
        "predicate_token_filter",
        "russian_stem",
        "scandinavian_folding",
        "scandinavian_normalization",
        "serbian_normalization",
        "sorani_normalization",
        "delimited_term_freq",
    }
)
_KNOWN_UNSUPPORTED_TOKENIZERS = frozenset({"thai"})


def _tokenizer(
    type_: str,
    name: str,
    conf: Mapping[str, Any],
    max_ngram_diff: int,
    component: str = "tokenizer",
) -> _Tokenizer:
    max_len = _int(conf, "max_token_length", DEFAULT_MAX_TOKEN_LENGTH)
    if type_ in ("standard", "classic", "uax_url_email"):
        if max_len < 1 or max_len > 1024 * 1024:
            raise IllegalArgument(
                f"maxTokenLength must be greater than 0 and less than 1048576 passed: {max_len}"
            )
        pattern = {
            "standard": STANDARD_PATTERN,
            "classic": CLASSIC_PATTERN,
            "uax_url_email": UAX_URL_EMAIL_PATTERN,
        }[type_]
        split = None if max_len == DEFAULT_MAX_TOKEN_LENGTH else max_len
        return _RegexTokenizer(name, pattern, type_, split)
    if type_ == "whitespace":
        return _RegexTokenizer(name, _whitespace_pattern(max_len))
    if type_ in ("letter", "lowercase"):
        return _RegexTokenizer(name, _letter_pattern(max_len))
    if type_ == "keyword":
        return _KeywordTokenizer(name)
    if type_ in ("ngram", "edge_ngram"):
        return _NGramTokenizer(name, conf, type_ == "edge_ngram", max_ngram_diff)
    if type_ == "pattern":
        pattern = str(conf.get("pattern", "\\W+"))
        flags = conf.get("flags")
        group = _int(conf, "group", -1)
        if pattern == "\\W+" and not flags and group == -1:
            return _RegexTokenizer(name, "[A-Za-z0-9_]+")  # Java's \W is ASCII: native
        return _PatternTokenizer(name, _java_regex(pattern, flags, name), group)
    if type_ in ("simple_pattern", "simple_pattern_split"):
        pattern = str(conf.get("pattern", ""))
        return _SimplePatternTokenizer(
            name, _java_regex(pattern, None, name), type_ == "simple_pattern_split"
        )
    if type_ == "char_group":
        return _RegexTokenizer(name, _char_group_pattern(conf, name))
    if type_ in ("path_hierarchy", "PathHierarchy"):
        return _PathHierarchyTokenizer(name, conf)
    if type_ in _KNOWN_UNSUPPORTED_TOKENIZERS:
        raise Unsupported(f"the [{type_}] tokenizer")
    raise IllegalArgument(f"Unknown {component} type [{type_}] for [{name}]")


def _filter(
    type_: str, name: str, conf: Mapping[str, Any], max_ngram_diff: int, max_shingle_diff: int
) -> _Filter:
    maker = _FILTERS.get(type_)
    if maker is not None:
        return maker(name, conf, max_ngram_diff, max_shingle_diff)
    if type_ in _KNOWN_UNSUPPORTED_FILTERS:
        raise Unsupported(f"the [{type_}] token filter")
    raise IllegalArgument(f"Unknown filter type [{type_}] for [{name}]")


def _ngram_filter(edge: bool) -> Callable[..., _Filter]:
    def make(name: str, conf: Mapping[str, Any], max_ngram_diff: int, _: int) -> _Filter:
        lo, hi = _int(conf, "min_gram", 1), _int(conf, "max_gram", 2)
        _check_grams(lo, hi, None if edge else max_ngram_diff, "NGram Tokenizer")
        side = str(conf.get("side", "front"))
        if side != "front":
            raise IllegalArgument(f"invalid side: {side}")
        return _NGramFilter(name, lo, hi, edge, _bool(conf, "preserve_original", False))

    return make


def _length_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    lo, hi = _int(conf, "min", 0), _int(conf, "max", 2**31 - 1)
    if lo > hi:
        raise IllegalArgument("maximum length must not be greater than minimum length")
    return _KeepIf(name, lambda t: lo <= len(t[0]) <= hi)


def _truncate_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    length = _int(conf, "length", 10)
    if length <= 0:
        raise IllegalArgument("length parameter must be provided and greater than zero")
    return _TermFilter(name, lambda t: t[:length] if len(t) > length else t)


def _keep_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    if conf.get("keep_words_path") is not None:
        raise Unsupported("keep word files ([keep_words_path])")
    words = _list(conf, "keep_words")
    if words is None:
        raise IllegalArgument(
            "keep requires either `keep_words` or `keep_words_path` to be configured"
        )
    if _bool(conf, "keep_words_case", False):
        lowered = {w.lower() for w in words}
        return _KeepIf(name, lambda t: t[0].lower() in lowered)
    kept = set(words)
    return _KeepIf(name, lambda t: t[0] in kept)


def _keep_types_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    types = set(_list(conf, "types") or ())
    if not types:
        raise IllegalArgument("keep_types requires `types` to be configured")
    mode = str(conf.get("mode", "include"))
    if mode not in ("include", "exclude"):
        raise IllegalArgument(
            f"`keep_types` tokenfilter mode can only be [include] or [exclude] but was [{mode}]."
        )
    include = mode == "include"
    return _KeepIf(name, lambda t: ((t[4] or "word") in types) == include, needs_types=True)


def _pattern_replace_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    if conf.get("pattern") is None:
        raise IllegalArgument(
            "pattern is missing for [" + name + "] token filter of type 'pattern_replace'"
        )
    regex = _java_regex(str(conf["pattern"]), conf.get("flags"), name)
    template = _java_replacement(str(conf.get("replacement", "")))
    count = 0 if _bool(conf, "all", True) else 1

    def replace(term: str) -> str:
        return regex.sub(lambda m: m.expand(template), term, count=count)

    return _TermFilter(name, replace, normalizing=True)


def _elision_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    if conf.get("articles_path") is not None:
        raise Unsupported("elision article files ([articles_path])")
    articles = _list(conf, "articles")
    if articles is None:
        articles = [
            "l",
            "m",
            "t",
            "qu",
            "n",
            "s",
            "j",
            "d",
            "c",
            "jusqu",
            "quoiqu",
            "lorsqu",
            "puisqu",
        ]
    ignore_case = _bool(conf, "articles_case", False)
    words = {a.lower() for a in articles} if ignore_case else set(articles)
    return _TermFilter(name, _elision(words, ignore_case), normalizing=True)


def _keyword_marker_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    if conf.get("keywords_path") is not None:
        raise Unsupported("keyword files ([keywords_path])")
    words = _list(conf, "keywords")
    pattern = conf.get("keywords_pattern")
    if words is not None and pattern is not None:
        raise IllegalArgument(
            "cannot specify both `keywords_pattern` and `keywords` or `keywords_path`"
        )
    if words is None and pattern is None:
        raise IllegalArgument(
            "keyword filter requires either `keywords`, `keywords_path`, or "
            "`keywords_pattern` to be set"
        )
    regex = _java_regex(str(pattern), None, name) if pattern is not None else None
    return _KeywordMarker(name, set(words or ()), regex, _bool(conf, "ignore_case", False))


def _stemmer_override_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    if conf.get("rules_path") is not None:
        raise Unsupported("stemmer override files ([rules_path])")
    rules = _list(conf, "rules", split=False)
    if rules is None:
        raise IllegalArgument(
            "stemmer override filter requires either `rules` or `rules_path` to be configured"
        )
    return _StemmerOverride(name, rules)


def _stemmer_conf_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    language = str(conf.get("language", conf.get("name", "porter")))
    return _stemmer_filter(name, language)


def _snowball_filter(name: str, conf: Mapping[str, Any], *_: int) -> _Filter:
    language = str(conf.get("language", "English"))
    if language not in _SNOWBALL:
        raise Unsupported(f"snowball language [{language}]")
    return _NativeFilter(name, (("stemmer", _SNOWBALL[language]),), stems=True)


_FILTERS: dict[str, Callable[[str, Mapping[str, Any], int, int], _Filter]] = {
    "lowercase": lambda n, c, *_: _LowercaseFilter(
        n, str(c["language"]) if c.get("language") is not None else None
    ),
    "uppercase": lambda n, c, *_: _TermFilter(n, str.upper, normalizing=True),
    "asciifolding": lambda n, c, *_: _AsciiFoldingFilter(n, _bool(c, "preserve_original", False)),
    "stop": lambda n, c, *_: _stop_filter(n, c),
    "stemmer": _stemmer_conf_filter,
    "porter_stem": lambda n, c, *_: _stemmer_filter(n, "porter"),
    "kstem": lambda n, c, *_: _stemmer_filter(n, "kstem"),
    "snowball": _snowball_filter,
    "length": _length_filter,
    "trim": lambda n, c, *_: _TermFilter(n, str.strip, normalizing=True),
    "truncate": _truncate_filter,
    "unique": lambda n, c, *_: _UniqueFilter(n, _bool(c, "only_on_same_position", False)),
    "remove_duplicates": lambda n, c, *_: _UniqueFilter(n, True),
    "reverse": lambda n, c, *_: _TermFilter(n, lambda t: t[::-1]),
    "ngram": _ngram_filter(edge=False),
    "edge_ngram": _ngram_filter(edge=True),
    "shingle": lambda n, c, _, diff: _ShingleFilter(n, c, diff),
    "synonym": lambda n, c, *_: _SynonymFilter(n, c, graph=False),
    "synonym_graph": lambda n, c, *_: _SynonymFilter(n, c, graph=True),
    "elision": _elision_filter,
    "apostrophe": lambda n, c, *_: _TermFilter(n, _apostrophe),
    "decimal_digit": lambda n, c, *_: _TermFilter(n, _decimal_digit, normalizing=True),
    "cjk_width": lambda n, c, *_: _TermFilter(n, _cjk_width, normalizing=True),
    "classic": lambda n, c, *_: _TermFilter(n, _classic),
    "word_delimiter": lambda n, c, *_: _WordDelimiter(n, c, graph=False),
    "word_delimiter_graph": lambda n, c, *_: _WordDelimiter(n, c, graph=True),
    "keep": _keep_filter,
    "keep_types": _keep_types_filter,
    "pattern_replace": _pattern_replace_filter,
    "limit": lambda n, c, *_: _LimitFilter(n, _int(c, "max_token_count", 1)),
    "fingerprint": lambda n, c, *_: _FingerprintFilter(
        n, str(c.get("separator", " ")), _int(c, "max_output_size", 255)
    ),
    "keyword_marker": _keyword_marker_filter,
    "stemmer_override": _stemmer_override_filter,
    "flatten_graph": lambda n, c, *_: _NativeFilter(n, ()),
}


def _char_filter(type_: str, name: str, conf: Mapping[str, Any]) -> _CharFilter:
    if type_ == "html_strip":
        return _HtmlStripCharFilter(name, _list(conf, "escaped_tags") or ())
    if type_ == "mapping":
        if conf.get("mappings_path") is not None:
            raise Unsupported("mapping files ([mappings_path])")
        rules = _list(conf, "mappings", split=False)
        if rules is None:
            raise IllegalArgument(
                "mapping requires either `mappings` or `mappings_path` to be configured"
            )
        return _MappingCharFilter(name, rules)
    if type_ == "pattern_replace":
        return _PatternReplaceCharFilter(name, conf)
    raise IllegalArgument(f"Unknown char_filter type [{type_}] for [{name}]")


# --------------------------------------------------------------------------------------------
# Analyzers.


class Analyzer:
    """A named analysis chain.

    ``native`` is the tantivy analyzer when tantivy can run the whole chain: it is registered
    on the index (see :meth:`AnalysisRegistry.register`) and :meth:`analyze` asks it too, so
    query terms match indexed ones exactly. Otherwise ``native`` is None and documents go to
    tantivy through :meth:`pre_tokenize`.
    """

    __slots__ = (
        "_char_filters",
        "_filters",
        "_stages",
        "_tokenizer",
        "kind",
        "name",
        "native",
        "offset_gap",
        "position_increment_gap",
    )

    def __init__(
        self,
        name: str,
        tokenizer: _Tokenizer,
        char_filters: Sequence[_CharFilter],
        filters: Sequence[_Filter],
        *,
        position_increment_gap: int = DEFAULT_POSITION_INCREMENT_GAP,
        offset_gap: int = 1,
    ) -> None:
        self.name = name
        self.kind = tokenizer.kind
        self.position_increment_gap = position_increment_gap
        self.offset_gap = offset_gap
        self._tokenizer = tokenizer
        self._char_filters = tuple(char_filters)
        self._filters = tuple(filters)
        self.native: tantivy.TextAnalyzer | None = None
        natives = [f.native for f in filters]
        if (
            not char_filters
            and tokenizer.native is not None
            and not tokenizer.splits_long
            and all(n is not None for n in natives)
        ):
            keys = tuple(key for n in natives if n is not None for key in n)
            self.native = _text_analyzer(tokenizer.native, keys)
        self._stages = self._compile()

    def _compile(self) -> tuple[Callable[[str], list[_Tok]], tuple[_Stage, ...]]:
        """The Python pipeline: a tokenizing stage (tantivy as far as it can go), then filters."""
        tokenizer, filters = self._tokenizer, list(self._filters)
        prefix: list[tuple] = []
        if tokenizer.native is not None and not tokenizer.splits_long:
            while filters and filters[0].native is not None:
                prefix.extend(filters.pop(0).native or ())
        typed = any(f.needs_types for f in filters)
        classify = _CLASSIFIERS.get(tokenizer.kind)
        if prefix:
            analyzer = _text_analyzer(tokenizer.native, tuple(prefix))  # type: ignore[arg-type]
            kind = tokenizer._type()

            def tokenize(text: str) -> list[_Tok]:
                return _native_tokens(analyzer, text, kind)
        else:
            tokenize = tokenizer.tokenize
        if typed and classify is not None:
            inner = tokenize

            def tokenize(text: str) -> list[_Tok]:
                return [
                    t if t[4] else (*t[:4], classify(text[t[2] : t[3]]), t[5]) for t in inner(text)
                ]

        stages: list[_Stage] = []
        done = len(self._filters) - len(filters)
        for i, component in enumerate(filters):
            chain = self._filters[: done + i]
            stages.append(component.stage(self._rule_analyzer(chain)))
        return tokenize, tuple(stages)

    def _rule_analyzer(self, filters: Sequence[_Filter]) -> Callable[[str], list[str]]:
        """Analyzes synonym rules with the chain that precedes the synonym filter."""
        partial: list[Analyzer] = []

        def analyze(text: str) -> list[str]:
            if not partial:
                partial.append(Analyzer(self.name, self._tokenizer, self._char_filters, filters))
            return [t[0] for t in partial[0]._run(text)]

        return analyze

    def _run(self, text: str) -> list[_Tok]:
        source = text
        corrections: list[_Offsets] = []
        for char_filter in self._char_filters:
            source, correction = char_filter.apply(source)
            if correction is not None:
                corrections.append(correction)
        tokenize, stages = self._stages
        toks = tokenize(source)
        if corrections:
            corrections.reverse()

            def fix(offset: int) -> int:
                for correction in corrections:
                    offset = correction(offset)
                return offset

            toks = [(t[0], t[1], fix(t[2]), fix(t[3]), t[4], t[5]) for t in toks]
        for stage in stages:
            if not toks:
                break
            toks = stage(toks)
        return toks

    def _raw(self, text: str) -> list[_Tok]:
        if self.native is not None:
            return _native_tokens(self.native, text, self._tokenizer._type())
        return self._run(text)

    def analyze(self, text: str) -> list[Token]:
        """The tokens of ``text``: positions with Lucene's gaps, offsets into ``text``."""
        if self.native is not None:
            return [
                Token(t.text, t.position, t.char_offset_from, t.char_offset_to)
                for t in self.native.pre_tokenize(text).tokens
            ]
        return [Token(t[0], t[1], t[2], t[3]) for t in self._run(text)]

    def terms(self, text: str) -> list[str]:
        """Just the terms of ``text``, in order (the cheapest call for queries)."""
        if self.native is not None:
            return self.native.analyze(text)
        return [t[0] for t in self._run(text)]

    def pre_tokenize(self, text: str) -> tantivy.PreTokenizedString:
        """``text`` tokenized for ``Document.add_pre_tokenized_text``."""
        if self.native is not None:
            return self.native.pre_tokenize(text)
        make = tantivy.Token
        return tantivy.PreTokenizedString(
            text, [make(t[0], t[1], t[2], t[3]) for t in self._run(text)]
        )

    def analyze_values(self, values: Sequence[str]) -> list[Token]:
        """The tokens of an array's values as Lucene indexes them: later values' positions
        follow ``position_increment_gap``, offsets run on as if joined by ``offset_gap``."""
        return [Token(t[0], t[1], t[2], t[3]) for t in self._values(values)]

    def pre_tokenize_values(self, values: Sequence[str]) -> tantivy.PreTokenizedString:
        """All values of an array field as one pre-tokenized string with Elasticsearch's
        position gap between values (tantivy itself only leaves a gap of 1)."""
        make = tantivy.Token
        text = (" " * self.offset_gap).join(values) if self.offset_gap >= 0 else "".join(values)
        return tantivy.PreTokenizedString(
            text, [make(t[0], t[1], t[2], t[3]) for t in self._values(values)]
        )

    def _values(self, values: Sequence[str]) -> list[_Tok]:
        out: list[_Tok] = []
        last_position, offset = -1, 0
        for index, value in enumerate(values):
            if index:
                last_position += self.position_increment_gap
            base = last_position + 1
            for term, pos, start, end, kind, kw in self._raw(value):
                out.append((term, base + pos, offset + start, offset + end, kind, kw))
                last_position = max(last_position, base + pos)
            offset += len(value) + self.offset_gap
        return out

    def __repr__(self) -> str:
        return f"Analyzer({self.name!r}, native={self.native is not None})"


class Normalizer:
    """A keyword field's normalizer: char filters and per-character token filters over the
    whole value."""

    __slots__ = ("_analyzer", "name")

    def __init__(
        self, name: str, char_filters: Sequence[_CharFilter], filters: Sequence[_Filter]
    ) -> None:
        self.name = name
        self._analyzer = Analyzer(
            name, _KeywordTokenizer("keyword"), char_filters, filters, position_increment_gap=0
        )

    def normalize(self, value: str) -> str:
        toks = self._analyzer._run(value)
        return toks[0][0] if toks else ""

    @property
    def analyzer(self) -> Analyzer:
        """The normalizer as a keyword analyzer, for the _analyze API."""
        return self._analyzer

    def __repr__(self) -> str:
        return f"Normalizer({self.name!r})"


def _language_chain(language: str, conf: Mapping[str, Any]) -> list[_Filter]:
    """Standard tokenizer + lowercase + the language's stop words + its stemmer."""
    filters: list[_Filter] = [_LowercaseFilter("lowercase", None)]
    if language == "turkish":
        filters = [_TermFilter("apostrophe", _apostrophe), _LowercaseFilter("lowercase", "turkish")]
    if language in _STOP_LANGUAGES:
        filters.append(_stop_filter(f"{language}_stop", conf, f"_{language}_"))
    elif conf.get("stopwords") is not None:
        filters.append(_stop_filter(f"{language}_stop", conf, "_none_"))
    exclusions = _list(conf, "stem_exclusion")
    if exclusions:
        filters.append(_KeywordMarker(f"{language}_keywords", set(exclusions), None, False))
    filters.append(_stemmer_filter(f"{language}_stemmer", language))
    return filters


def _builtin_analyzer(type_: str, name: str, conf: Mapping[str, Any]) -> Analyzer | None:
    """The built-in analyzer ``type_`` configured by ``conf`` (None if no such type)."""
    gap = _int(conf, "position_increment_gap", DEFAULT_POSITION_INCREMENT_GAP)
    max_len = _int(conf, "max_token_length", DEFAULT_MAX_TOKEN_LENGTH)
    if type_ == "standard":
        tokenizer = _tokenizer("standard", "standard", conf, 1)
        filters: list[_Filter] = [
            _LowercaseFilter("lowercase", None),
            _stop_filter("stop", conf, "_none_"),
        ]
    elif type_ == "simple":
        tokenizer, filters = (
            _RegexTokenizer("lowercase", _letter_pattern(max_len)),
            [_LowercaseFilter("lowercase", None)],
        )
    elif type_ == "whitespace":
        tokenizer, filters = _RegexTokenizer("whitespace", _whitespace_pattern(max_len)), []
    elif type_ == "keyword":
        tokenizer, filters = _KeywordTokenizer("keyword"), []
    elif type_ == "stop":
        tokenizer = _RegexTokenizer("lowercase", _letter_pattern(max_len))
        filters = [_LowercaseFilter("lowercase", None), _stop_filter("stop", conf)]
    elif type_ == "pattern":
        tokenizer = _tokenizer("pattern", "pattern", conf, 1)
        filters = [_LowercaseFilter("lowercase", None)] if _bool(conf, "lowercase", True) else []
        filters.append(_stop_filter("stop", conf, "_none_"))
    elif type_ == "fingerprint":
        tokenizer = _tokenizer("standard", "standard", {}, 1)
        filters = [
            _LowercaseFilter("lowercase", None),
            _AsciiFoldingFilter("asciifolding", False),
            _stop_filter("stop", conf, "_none_"),
            _FingerprintFilter(
                "fingerprint", str(conf.get("separator", " ")), _int(conf, "max_output_size", 255)
            ),
        ]
    elif type_ in LANGUAGES:
        tokenizer = _tokenizer("standard", "standard", {}, 1)
        filters = _language_chain(type_, conf)
    else:
        return None
    return Analyzer(name, tokenizer, [], filters, position_increment_gap=gap)


BUILTIN_ANALYZERS = (
    "standard",
    "simple",
    "whitespace",
    "keyword",
    "stop",
    "pattern",
    "fingerprint",
    *LANGUAGES,
)
_BUILTIN_TOKENIZERS = (
    "standard",
    "classic",
    "uax_url_email",
    "whitespace",
    "letter",
    "lowercase",
    "keyword",
    "ngram",
    "edge_ngram",
    "pattern",
    "path_hierarchy",
    "PathHierarchy",
)
_BUILTIN_CHAR_FILTERS = ("html_strip",)


@cache
def _builtin(name: str) -> Analyzer | None:
    """Built-in analyzers with default settings, shared by every registry."""
    return _builtin_analyzer(name, name, {})


# --------------------------------------------------------------------------------------------
# The registry.


def _section(analysis: Mapping[str, Any], key: str) -> dict[str, Mapping[str, Any]]:
    value = analysis.get(key) or {}
    if not isinstance(value, Mapping):
        raise IllegalArgument(f"[index.analysis.{key}] must be an object")
    out: dict[str, Mapping[str, Any]] = {}
    for name, conf in value.items():
        if not isinstance(conf, Mapping):
            raise IllegalArgument(f"[index.analysis.{key}.{name}] must be an object")
        out[name] = conf
    return out


class AnalysisRegistry:
    """The analyzers, normalizers and components of one index (or of none, for the global
    ``_analyze`` API). Everything defined is built, and so validated, at construction."""

    def __init__(
        self,
        analysis: Mapping[str, Any] | None = None,
        *,
        max_ngram_diff: int = 1,
        max_shingle_diff: int = 3,
        max_token_count: int = 10_000,
    ) -> None:
        analysis = analysis or {}
        self.max_ngram_diff = max_ngram_diff
        self.max_shingle_diff = max_shingle_diff
        self.max_token_count = max_token_count
        self._char_filter_defs = _section(analysis, "char_filter")
        self._tokenizer_defs = _section(analysis, "tokenizer")
        self._filter_defs = _section(analysis, "filter")
        self.char_filters = {
            n: self._define("char_filter", n, c) for n, c in self._char_filter_defs.items()
        }
        self.tokenizers = {
            n: self._define("tokenizer", n, c) for n, c in self._tokenizer_defs.items()
        }
        self.filters = {n: self._define("filter", n, c) for n, c in self._filter_defs.items()}
        self.analyzers: dict[str, Analyzer] = {}
        for name, conf in _section(analysis, "analyzer").items():
            self.analyzers[name] = self._custom_analyzer(name, conf)
        for name in self.analyzers:
            if name.startswith("_"):
                raise IllegalArgument(f"analyzer name must not start with '_'. got \"{name}\"")
        if "default_index" in self.analyzers:
            raise IllegalArgument(
                "setting [index.analysis.analyzer.default_index] is not supported anymore, use "
                "[index.analysis.analyzer.default] instead"
            )
        self.normalizers: dict[str, Normalizer] = {
            "lowercase": Normalizer("lowercase", [], [_LowercaseFilter("lowercase", None)])
        }
        for name, conf in _section(analysis, "normalizer").items():
            self.normalizers[name] = self._custom_normalizer(name, conf)

    # -- components

    def _define(self, component: str, name: str, conf: Mapping[str, Any]) -> Any:
        type_ = conf.get("type")
        if type_ is None:
            raise IllegalArgument(
                f"{component} [{name}] must specify either an analyzer type, or a tokenizer"
            )
        return self._build(component, str(type_), name, conf)

    def _build(self, component: str, type_: str, name: str, conf: Mapping[str, Any]) -> Any:
        if component == "tokenizer":
            tokenizer = _tokenizer(type_, name, conf, self.max_ngram_diff)
            if type_ == "lowercase":
                tokenizer = _LowercasingTokenizer(tokenizer)
            return tokenizer
        if component == "filter":
            return _filter(type_, name, conf, self.max_ngram_diff, self.max_shingle_diff)
        return _char_filter(type_, name, conf)

    def _named(self, component: str, name: str) -> Any:
        """A component by name: the index's own first, then the built-in of that name."""
        own = {
            "tokenizer": self.tokenizers,
            "filter": self.filters,
            "char_filter": self.char_filters,
        }[component]
        if name in own:
            return own[name]
        if name in _NEEDS_SETTINGS:
            return None
        if component == "tokenizer":
            if name in _KNOWN_UNSUPPORTED_TOKENIZERS:
                raise Unsupported(f"the [{name}] tokenizer")
            if name not in _BUILTIN_TOKENIZERS:
                return None
        elif component == "char_filter":
            if name not in _BUILTIN_CHAR_FILTERS:
                return None
        elif name not in _FILTERS:
            if name in _KNOWN_UNSUPPORTED_FILTERS:
                raise Unsupported(f"the [{name}] token filter")
            return None
        return self._build(component, name, name, {})

    def _custom_analyzer(self, name: str, conf: Mapping[str, Any]) -> Analyzer:
        type_ = conf.get("type")
        if type_ is None and conf.get("tokenizer") is None:
            raise IllegalArgument(
                f"analyzer [{name}] must specify either an analyzer type, or a tokenizer"
            )
        if type_ is not None and type_ != "custom":
            analyzer = _builtin_analyzer(str(type_), name, conf)
            if analyzer is None:
                raise IllegalArgument(f"Unknown analyzer type [{type_}] for [{name}]")
            return analyzer
        tokenizer_name = conf.get("tokenizer")
        if tokenizer_name is None:
            raise IllegalArgument(f"Custom Analyzer [{name}] must be configured with a tokenizer")
        tokenizer = self._named("tokenizer", str(tokenizer_name))
        if tokenizer is None:
            raise IllegalArgument(
                f"Custom Analyzer [{name}] failed to find tokenizer under name [{tokenizer_name}]"
            )
        char_filters = []
        for cf_name in _list(conf, "char_filter") or []:
            char_filter = self._named("char_filter", cf_name)
            if char_filter is None:
                raise IllegalArgument(
                    f"Custom Analyzer [{name}] failed to find char_filter under name [{cf_name}]"
                )
            char_filters.append(char_filter)
        filters = []
        for f_name in _list(conf, "filter") or []:
            token_filter = self._named("filter", f_name)
            if token_filter is None:
                raise IllegalArgument(
                    f"Custom Analyzer [{name}] failed to find filter under name [{f_name}]"
                )
            filters.append(token_filter)
        tokenizer, filters = _unwrap_lowercasing(tokenizer, filters)
        return Analyzer(
            name,
            tokenizer,
            char_filters,
            filters,
            position_increment_gap=_int(
                conf, "position_increment_gap", DEFAULT_POSITION_INCREMENT_GAP
            ),
            offset_gap=_int(conf, "offset_gap", 1),
        )

    def _custom_normalizer(self, name: str, conf: Mapping[str, Any]) -> Normalizer:
        type_ = conf.get("type")
        if type_ is not None and type_ != "custom":
            raise IllegalArgument(f"Unknown normalizer type [{type_}] for [{name}]")
        if conf.get("tokenizer") is not None:
            raise IllegalArgument(f"Custom normalizer [{name}] cannot configure a tokenizer")
        char_filters = []
        for cf_name in _list(conf, "char_filter") or []:
            char_filter = self._named("char_filter", cf_name)
            if char_filter is None:
                raise IllegalArgument(
                    f"Custom normalizer [{name}] failed to find char_filter under name [{cf_name}]"
                )
            if not char_filter.normalizing:
                raise IllegalArgument(
                    f"Custom normalizer [{name}] may not use char filter [{cf_name}]"
                )
            char_filters.append(char_filter)
        filters = []
        for f_name in _list(conf, "filter") or []:
            token_filter = self._named("filter", f_name)
            if token_filter is None:
                raise IllegalArgument(
                    f"Custom Analyzer [{name}] failed to find filter under name [{f_name}]"
                )
            if not token_filter.normalizing:
                raise IllegalArgument(f"Custom normalizer [{name}] may not use filter [{f_name}]")
            filters.append(token_filter)
        return Normalizer(name, char_filters, filters)

    # -- public lookups

    def has_analyzer(self, name: str) -> bool:
        return name in self.analyzers or name == "default" or _builtin(name) is not None

    def analyzer(self, name: str) -> Analyzer:
        """A custom or built-in analyzer; ``default`` is the index default (else standard)."""
        found = self.analyzers.get(name)
        if found is not None:
            return found
        if name == "default_search":
            return self.analyzer("default")
        builtin = _builtin("standard" if name == "default" else name)
        if builtin is None:
            raise IllegalArgument(f"failed to find analyzer [{name}]")
        return builtin

    def search_analyzer(self) -> Analyzer:
        """The index's default search analyzer (``default_search``, else ``default``)."""
        return self.analyzer("default_search")

    def has_normalizer(self, name: str) -> bool:
        return name in self.normalizers

    def normalizer(self, name: str) -> Normalizer:
        found = self.normalizers.get(name)
        if found is None:
            raise IllegalArgument(f"failed to find normalizer under [{name}]")
        return found

    def tantivy_name(self, analyzer_name: str) -> str:
        """The tokenizer name :meth:`register` uses for ``analyzer_name`` on a tantivy index."""
        if analyzer_name == "default_search":
            analyzer_name = "default"
        return f"es:{analyzer_name}"

    def register(self, index: tantivy.Index, names: Iterable[str] | None = None) -> None:
        """Registers on ``index`` the analyzers ``names`` (default: every custom and built-in
        one). A Python-only analyzer gets a raw placeholder: its text arrives pre-tokenized."""
        if names is None:
            names = ["default", *self.analyzers, *BUILTIN_ANALYZERS]
        for name in dict.fromkeys(names):
            analyzer = self.analyzer(name)
            native = analyzer.native or _text_analyzer(("raw",), ())
            index.register_tokenizer(self.tantivy_name(name), native)

    # -- ad-hoc chains (the _analyze API)

    def _adhoc(self, component: str, spec: Any, global_scope: bool) -> Any:
        if isinstance(spec, Mapping):
            type_ = spec.get("type")
            if type_ is None:
                raise IllegalArgument(
                    f"Missing [type] setting for anonymous {component}: {_java_map(spec)}"
                )
            return self._build(component, str(type_), f"__anonymous__{type_}", spec)
        found = self._named(component, str(spec))
        if found is None:
            scope = "global " if global_scope else ""
            raise IllegalArgument(f"failed to find {scope}{component} under [{spec}]")
        return found

    def build_custom(
        self,
        tokenizer: Any,
        char_filters: Sequence[Any],
        filters: Sequence[Any],
        *,
        normalizer: bool = False,
        global_scope: bool = False,
    ) -> Analyzer:
        """An ad-hoc analyzer from names or anonymous definitions, as _analyze takes them."""
        tok = self._adhoc("tokenizer", tokenizer, global_scope)
        cfs = [self._adhoc("char_filter", spec, global_scope) for spec in char_filters]
        tfs = []
        for spec in filters:
            token_filter = self._adhoc("filter", spec, global_scope)
            if normalizer and not token_filter.normalizing:
                raise IllegalArgument(f"Custom normalizer may not use filter [{token_filter.name}]")
            tfs.append(token_filter)
        tok, tfs = _unwrap_lowercasing(tok, tfs)
        return Analyzer("__custom__", tok, cfs, tfs, position_increment_gap=0)


class _LowercasingTokenizer(_Tokenizer):
    """The ``lowercase`` tokenizer: letter tokenizing plus lowercasing, unwrapped into
    tokenizer + filter when an analyzer is assembled (so it stays native)."""

    def __init__(self, inner: _Tokenizer) -> None:
        super().__init__(inner.name)
        self.inner = inner
        self.native = None

    def tokenize(self, text: str) -> list[_Tok]:
        return _Probe((("lowercase",),))(self.inner.tokenize(text))


def _unwrap_lowercasing(tokenizer: Any, filters: list[Any]) -> tuple[_Tokenizer, list[_Filter]]:
    if isinstance(tokenizer, _LowercasingTokenizer):
        return tokenizer.inner, [_LowercaseFilter("lowercase", None), *filters]
    return tokenizer, filters


# --------------------------------------------------------------------------------------------
# The _analyze API.

_ANALYZE_KEYS = frozenset(
    {
        "text",
        "analyzer",
        "tokenizer",
        "filter",
        "token_filter",
        "char_filter",
        "normalizer",
        "field",
        "explain",
        "attributes",
    }
)


def _utf16(value: str) -> Callable[[int], int]:
    """Maps code point offsets of ``value`` to Java's UTF-16 offsets, as Elasticsearch reports."""
    if value.isascii() or all(ord(c) < 0x10000 for c in value):
        return lambda offset: offset
    prefix = [0]
    for c in value:
        prefix.append(prefix[-1] + (2 if ord(c) >= 0x10000 else 1))
    return prefix.__getitem__


def analyze_api(
    registry: AnalysisRegistry,
    body: Mapping[str, Any],
    *,
    global_scope: bool = False,
    field_analyzer: Callable[[str], Analyzer | Normalizer | None] | None = None,
) -> dict[str, Any]:
    """The response body of ``_analyze`` for ``body``.

    ``global_scope`` is the index-less ``GET /_analyze`` (Elasticsearch then says "global" in
    its errors); ``field_analyzer`` resolves ``field`` to its index-time analyzer (or a
    keyword field's normalizer) through the index mapping.
    """
    for key in body:
        if key not in _ANALYZE_KEYS:
            raise XContentParseError(f"[analyze_request] unknown field [{key}]")
    texts = body.get("text")
    if isinstance(texts, str):
        texts = [texts]
    filters = list(body.get("filter") or body.get("token_filter") or [])
    char_filters = list(body.get("char_filter") or [])
    tokenizer, analyzer_name = body.get("tokenizer"), body.get("analyzer")
    normalizer_name, field = body.get("normalizer"), body.get("field")
    problems = []
    if not texts:
        problems.append("text is missing")
    if global_scope and normalizer_name is not None:
        problems.append("index is required if normalizer is specified")
    if normalizer_name is not None and (tokenizer is not None or analyzer_name is not None):
        problems.append("tokenizer/analyze should be null if normalizer is specified")
    extra = tokenizer is not None or filters or char_filters
    if analyzer_name is not None and extra:
        problems.append("cannot define extra components on a named analyzer")
    if normalizer_name is not None and extra:
        problems.append("cannot define extra components on a named normalizer")
    if field is not None and extra:
        problems.append("cannot define extra components on a field-specific analyzer")
    if problems:
        raise ValidationError(*problems)
    analyzer = _request_analyzer(registry, body, global_scope, field_analyzer)
    tokens = []
    values = [str(t) for t in texts or ()]
    for term, pos, start, end, kind, _kw in _analyze_texts(analyzer, values):
        tokens.append(
            {
                "token": term,
                "start_offset": start,
                "end_offset": end,
                "type": kind or "word",
                "position": pos,
            }
        )
        if len(tokens) > registry.max_token_count:
            raise EngineError(
                "The number of tokens produced by calling _analyze has exceeded the allowed "
                f"maximum of [{registry.max_token_count}]. This limit can be set by changing the "
                "[index.analyze.max_token_count] index level setting.",
                status=500,
                type="illegal_state_exception",
            )
    if body.get("explain") in (True, "true"):
        return {
            "detail": {
                "custom_analyzer": False,
                "analyzer": {"name": analyzer.name, "tokens": tokens},
            }
        }
    return {"tokens": tokens}


def _request_analyzer(
    registry: AnalysisRegistry,
    body: Mapping[str, Any],
    global_scope: bool,
    field_analyzer: Callable[[str], Analyzer | Normalizer | None] | None,
) -> Analyzer:
    filters = list(body.get("filter") or body.get("token_filter") or [])
    char_filters = list(body.get("char_filter") or [])
    if body.get("tokenizer") is not None:
        return registry.build_custom(
            body["tokenizer"], char_filters, filters, global_scope=global_scope
        )
    if filters or char_filters:
        return registry.build_custom(
            "keyword", char_filters, filters, normalizer=True, global_scope=global_scope
        )
    name = body.get("analyzer")
    if name is not None:
        if not registry.has_analyzer(str(name)) or (global_scope and str(name) == "default"):
            scope = "global " if global_scope else ""
            raise IllegalArgument(f"failed to find {scope}analyzer [{name}]")
        return registry.analyzer(str(name))
    if body.get("normalizer") is not None:
        return registry.normalizer(str(body["normalizer"])).analyzer
    field = body.get("field")
    if field is not None:
        if global_scope:
            raise IllegalArgument("analysis based on a specific field requires an index")
        found = field_analyzer(str(field)) if field_analyzer is not None else None
        if isinstance(found, Normalizer):
            return found.analyzer
        if found is not None:
            return found
    return registry.analyzer("standard" if global_scope else "default")


def _analyze_texts(analyzer: Analyzer, values: list[str]) -> list[_Tok]:
    """Tokens of every value, positions and (UTF-16) offsets running on as _analyze does."""
    classify = _CLASSIFIERS.get(analyzer.kind)
    out: list[_Tok] = []
    last_position, offset = -1, 0
    for index, value in enumerate(values):
        if index:
            last_position += analyzer.position_increment_gap
        base = last_position + 1
        utf16 = _utf16(value)
        for term, pos, start, end, kind, kw in analyzer._raw(value):
            if kind is None:
                kind = classify(value[start:end]) if classify else "word"
            out.append((term, base + pos, offset + utf16(start), offset + utf16(end), kind, kw))
            last_position = max(last_position, base + pos)
        offset += utf16(len(value)) + analyzer.offset_gap
    return out
