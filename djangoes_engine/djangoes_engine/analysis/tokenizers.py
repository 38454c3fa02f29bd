"""Tokenizers: native ones (a tantivy tokenizer, regex or raw) and the Python ones (pattern,
n-gram, path hierarchy...), and :func:`_tokenizer`, which builds one from its type and settings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..errors import IllegalArgument, Unsupported
from .char_filters import _unescape_rule
from .conf import _bool, _int, _list
from .javaregex import _JAVA_SPACE, _category_class, _java_regex
from .native import _native_tokens, _Probe, _text_analyzer
from .patterns import (
    _RUST_JAVA_SPACE,
    CLASSIC_PATTERN,
    STANDARD_PATTERN,
    UAX_URL_EMAIL_PATTERN,
    _letter_pattern,
    _whitespace_pattern,
)
from .tokens import _CLASSIFIERS, DEFAULT_MAX_TOKEN_LENGTH, _Tok


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
            out: list[_Tok] = []
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


class _LowercasingTokenizer(_Tokenizer):
    """The ``lowercase`` tokenizer: letter tokenizing plus lowercasing, unwrapped into
    tokenizer + filter when an analyzer is assembled (so it stays native)."""

    def __init__(self, inner: _Tokenizer) -> None:
        super().__init__(inner.name)
        self.inner = inner
        self.native = None

    def tokenize(self, text: str) -> list[_Tok]:
        return _Probe((("lowercase",),))(self.inner.tokenize(text))


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
