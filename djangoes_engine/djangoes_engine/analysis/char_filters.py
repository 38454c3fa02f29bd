"""Char filters: ``html_strip``, ``mapping`` and ``pattern_replace``.

Each returns the new text and, when lengths changed, a map back to offsets of its input
(Lucene's BaseCharFilter correction map), so token offsets point into the original text.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import IllegalArgument, Unsupported
from .conf import _list
from .javaregex import _java_regex, _java_replacement


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
