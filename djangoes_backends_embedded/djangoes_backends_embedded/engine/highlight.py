"""Highlighting: the query's terms wrapped in tags, in fragments of the field's text.

This is Elasticsearch's *plain* highlighter: the field's values are analysed again with the
field's analyzer, tokens equal to a term the query searched (or starting with a prefix it
searched) are wrapped in ``pre_tags``/``post_tags``, and the text is cut into fragments of about
``fragment_size`` characters, keeping those with matches.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from .errors import IllegalArgument
from .fields import TextField
from .source import extract

DEFAULTS = {"pre_tags": ["<em>"], "post_tags": ["</em>"], "fragment_size": 100,
            "number_of_fragments": 5, "require_field_match": True, "no_match_size": 0,
            "order": "none"}
TAG_SCHEMA = {"styled": ['<em class="hlt">'], "default": ["<em>"]}


def highlight(ctx: Any, index: Any, source: dict[str, Any], spec: dict[str, Any]
              ) -> dict[str, list[str]]:
    if ctx is None or source is None:
        return {}
    fields = spec.get("fields")
    if isinstance(fields, list):
        fields = {name: opts for entry in fields for name, opts in entry.items()}
    if not isinstance(fields, dict):
        raise IllegalArgument("[highlight] requires [fields]")
    result = {}
    for pattern, options in fields.items():
        settings = {**DEFAULTS, **{k: v for k, v in spec.items() if k != "fields"},
                    **(options or {})}
        if settings.get("tags_schema") in TAG_SCHEMA:
            settings["pre_tags"] = TAG_SCHEMA[settings["tags_schema"]]
        for field in index.mapping.fields_matching(pattern):
            if not field.is_text_like:
                continue
            terms = _terms(ctx, field, settings["require_field_match"])
            fragments = _field_fragments(field, source, terms, settings)
            if fragments:
                result[field.path] = fragments
    return result


def _terms(ctx: Any, field: Any, require_field_match: bool) -> set[str]:
    if require_field_match:
        return set(ctx.highlight.get(field.path, ()))
    return {t for terms in ctx.highlight.values() for t in terms}


def _values(field: Any, source: dict[str, Any]) -> list[str]:
    values = extract(source, field.path)
    if not values and "." in field.path:
        values = extract(source, field.path.rpartition(".")[0])
    return [v if isinstance(v, str) else str(v) for v in values if not isinstance(v, dict)]


def _field_fragments(field: Any, source: dict[str, Any], terms: set[str],
                     settings: dict[str, Any]) -> list[str]:
    values = _values(field, source)
    fragments: list[tuple[int, int, str]] = []
    prefixes = tuple(t[:-1] for t in terms if t.endswith("*"))
    for order, value in enumerate(values):
        spans = _matches(field, value, terms, prefixes)
        if spans:
            fragments.extend((order, score, text) for score, text in
                             _fragments(value, spans, settings))
    if not fragments:
        size = int(settings.get("no_match_size") or 0)
        if size and values:
            return [values[0][:size]]
        return []
    if settings.get("order") == "score":
        fragments.sort(key=lambda f: -f[1])
    count = int(settings["number_of_fragments"])
    texts = [text for _, _, text in fragments]
    return texts if count == 0 else texts[:count]


def _matches(field: Any, value: str, terms: set[str], prefixes: tuple[str, ...]
             ) -> list[tuple[int, int]]:
    if isinstance(field, TextField):
        tokens = field.analyzer.analyze(value)
        return [(t.start, t.end) for t in tokens
                if t.term in terms or (prefixes and t.term.startswith(prefixes))]
    normalized = field.convert(value) if hasattr(field, "convert") else value
    if normalized in terms or any(fnmatch.fnmatchcase(normalized, t) for t in terms
                                  if "*" in t):
        return [(0, len(value))]
    return []


def _fragments(value: str, spans: list[tuple[int, int]], settings: dict[str, Any]
               ) -> list[tuple[int, str]]:
    pre, post = settings["pre_tags"], settings["post_tags"]
    size = int(settings["fragment_size"])
    if int(settings["number_of_fragments"]) == 0 or len(value) <= size:
        return [(len(spans), _tag(value, 0, len(value), spans, pre, post))]
    windows: list[list[tuple[int, int]]] = []
    for span in spans:
        if windows and span[1] - windows[-1][0][0] <= size:
            windows[-1].append(span)
        else:
            windows.append([span])
    fragments = []
    for window in windows:
        start = max(0, min(window[0][0], window[-1][1] - size))
        start = _word_start(value, start)
        end = min(len(value), start + size)
        end = _word_end(value, max(end, window[-1][1]))
        fragments.append((len(window), _tag(value, start, end, window, pre, post)))
    return fragments


def _word_start(text: str, position: int) -> int:
    while position > 0 and not text[position - 1].isspace():
        position -= 1
    return position


def _word_end(text: str, position: int) -> int:
    while position < len(text) and not text[position].isspace():
        position += 1
    return position


def _tag(value: str, start: int, end: int, spans: list[tuple[int, int]], pre: list[str],
         post: list[str]) -> str:
    out = []
    cursor = start
    for number, (left, right) in enumerate(s for s in spans if start <= s[0] and s[1] <= end):
        out.append(value[cursor:left])
        out.append(pre[number % len(pre)] + value[left:right] + post[number % len(post)])
        cursor = right
    out.append(value[cursor:end])
    return "".join(out).strip()
