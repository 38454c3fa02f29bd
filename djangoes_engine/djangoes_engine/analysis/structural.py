"""Token filters that reshape the token stream rather than rewrite terms: CJK bigrams, common
grams, pattern captures, dictionary decompounding, the multiplexer and the payload filters.

Each follows its Lucene filter (CJKBigramFilter, CommonGramsFilter and CommonGramsQueryFilter,
PatternCaptureGroupTokenFilter, DictionaryCompoundWordTokenFilter, MultiplexTokenFilter) as
Elasticsearch configures it; tokens are the pipeline's tuples (term, position, start, end, type,
keyword), positions renumbered from the increments the Lucene filter would give.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import EngineError, IllegalArgument, Unsupported
from .conf import _bool, _int, _list
from .filters import _Filter
from .javaregex import _java_regex
from .min_hash import _MinHash
from .tokens import _Stage, _Tok

# --------------------------------------------------------------------------------------------
# Positions: the filters below compute Lucene's position increments, then number them.


def _numbered(steps: list[tuple[_Tok, int]]) -> list[_Tok]:
    """Tokens with positions from their increments (the first token's position is its
    increment minus one, as Lucene counts)."""
    out: list[_Tok] = []
    position = -1
    for tok, increment in steps:
        position += increment
        out.append((tok[0], max(position, 0), *tok[2:]))
    return out


def _increments(toks: list[_Tok]) -> list[int]:
    """Each token's position increment in a numbered stream."""
    previous = -1
    out = []
    for tok in toks:
        out.append(tok[1] - previous)
        previous = tok[1]
    return out


# --------------------------------------------------------------------------------------------
# cjk_bigram


_CJK_SCRIPTS = {
    "han": "<IDEOGRAPHIC>",
    "hiragana": "<HIRAGANA>",
    "katakana": "<KATAKANA>",
    "hangul": "<HANGUL>",
}


class _CJKBigram(_Filter):
    """Bigrams of adjacent CJK characters (``<DOUBLE>``), a lone one as a unigram
    (``<SINGLE>``); with ``output_unigrams`` every character as a unigram too, each bigram at
    its first character's position. Other tokens pass through."""

    needs_types = True

    def __init__(self, name: str, conf: Mapping[str, Any]) -> None:
        super().__init__(name)
        ignored = set(_list(conf, "ignored_scripts") or ())
        self.types = {t for script, t in _CJK_SCRIPTS.items() if script not in ignored}
        self.unigrams = _bool(conf, "output_unigrams", False)

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        steps: list[tuple[_Tok, int]] = []
        run: list[tuple[str, int, int, bool]] = []  # (char, start, end, keyword)
        run_increment = 1
        last_end = -1
        for tok, increment in zip(toks, _increments(toks), strict=True):
            term, _, start, end, kind, keyword = tok
            if kind in self.types:
                if run and start != last_end:
                    self._flush(run, run_increment, steps)
                    run = []
                if not run:
                    run_increment = increment
                # A token whose text is its term splits into characters at their offsets.
                whole = end - start == len(term)
                for i, char in enumerate(term):
                    run.append(
                        (
                            char,
                            start + i if whole else start,
                            start + i + 1 if whole else end,
                            keyword,
                        )
                    )
                last_end = end
                continue
            if run:
                self._flush(run, run_increment, steps)
                run = []
            steps.append((tok, increment))
        if run:
            self._flush(run, run_increment, steps)
        return _numbered(steps)

    def _flush(
        self, run: list[tuple[str, int, int, bool]], increment: int, steps: list[tuple[_Tok, int]]
    ) -> None:
        if len(run) == 1:
            char, start, end, keyword = run[0]
            steps.append(((char, 0, start, end, "<SINGLE>", keyword), increment))
            return
        for i, (char, start, end, keyword) in enumerate(run):
            step = increment if i == 0 else 1
            if self.unigrams:
                steps.append(((char, 0, start, end, "<SINGLE>", keyword), step))
                step = 0
            if i + 1 < len(run):
                after = run[i + 1]
                steps.append(((char + after[0], 0, start, after[2], "<DOUBLE>", keyword), step))


# --------------------------------------------------------------------------------------------
# common_grams


class _CommonGrams(_Filter):
    """Each token, and a ``gram`` of it and the next where either is a common word; in
    ``query_mode`` the grams instead of the words they join (CommonGramsQueryFilter)."""

    def __init__(self, name: str, conf: Mapping[str, Any]) -> None:
        super().__init__(name)
        if conf.get("common_words_path") is not None:
            raise Unsupported("common word files ([common_words_path])")
        words = _list(conf, "common_words")
        if words is None and conf:
            raise IllegalArgument(
                "missing or empty [common_words] or [common_words_path] configuration for "
                "common_grams token filter"
            )
        # Named bare (no settings), it is Elasticsearch's pre-configured filter: no common
        # words, so every token passes and no gram is made.
        self.ignore_case = _bool(conf, "ignore_case", False)
        words = words or []
        self.words = {w.lower() for w in words} if self.ignore_case else set(words)
        self.query_mode = _bool(conf, "query_mode", False)

    def _common(self, term: str) -> bool:
        return (term.lower() if self.ignore_case else term) in self.words

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        steps: list[tuple[_Tok, int]] = []
        for i, (tok, increment) in enumerate(zip(toks, _increments(toks), strict=True)):
            steps.append((tok, increment))
            if i + 1 < len(toks):
                after = toks[i + 1]
                if self._common(tok[0]) or self._common(after[0]):
                    gram = (f"{tok[0]}_{after[0]}", 0, tok[2], after[3], "gram", False)
                    steps.append((gram, 0))
        if self.query_mode:
            steps = _query_grams(steps)
        return _numbered(steps)


def _query_grams(steps: list[tuple[_Tok, int]]) -> list[tuple[_Tok, int]]:
    """CommonGramsQueryFilter: a token is kept when a word (not a gram) follows it, and the
    last one unless the token kept before it was a gram; a kept gram moves one position on."""
    kept: list[tuple[_Tok, int]] = []
    previous: tuple[_Tok, int] | None = None
    previous_kind: str | None = None
    for current in steps:
        if previous is not None and current[0][4] != "gram":
            previous_kind = previous[0][4]
            kept.append(_moved(previous))
        previous = current
    if previous is not None and previous_kind != "gram":
        kept.append(_moved(previous))
    return kept


def _moved(step: tuple[_Tok, int]) -> tuple[_Tok, int]:
    return (step[0], 1) if step[0][4] == "gram" else step


# --------------------------------------------------------------------------------------------
# pattern_capture


class _PatternCapture(_Filter):
    """The original token (``preserve_original``) and every non-empty capture group of each
    pattern's matches, at its position and offsets, earliest capture first."""

    def __init__(self, name: str, conf: Mapping[str, Any]) -> None:
        super().__init__(name)
        patterns = _list(conf, "patterns", split=False)
        if patterns is None:
            raise IllegalArgument(
                f"required setting 'patterns' is missing for token filter [{name}]"
            )
        self.patterns = [_java_regex(p, None, name) for p in patterns]
        self.preserve = _bool(conf, "preserve_original", True)

    def _captures(self, pattern: re.Pattern[str], term: str) -> list[tuple[int, int]]:
        found = []
        for match in pattern.finditer(term):
            for group in range(1, (pattern.groups or 0) + 1):
                start, end = match.span(group)
                if start < 0 or start == end or (self.preserve and start == 0 and end == len(term)):
                    continue
                found.append((start, end))
        return found

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        out: list[_Tok] = []
        for tok in toks:
            term = tok[0]
            pending = [self._captures(p, term) for p in self.patterns]
            captures: list[tuple[int, int]] = []
            while any(pending):
                # The pattern whose next capture starts first; the earlier pattern on a tie.
                first = min(
                    (i for i, left in enumerate(pending) if left), key=lambda i: pending[i][0][0]
                )
                captures.append(pending[first].pop(0))
            if self.preserve or not captures:  # Lucene keeps a token nothing was captured of
                out.append(tok)
            out.extend((term[s:e], *tok[1:]) for s, e in captures)
        return out


# --------------------------------------------------------------------------------------------
# dictionary_decompounder


class _DictionaryDecompounder(_Filter):
    """Each token, then the dictionary words found inside it (all of them, or the longest at
    each offset with ``only_longest_match``) at its position."""

    def __init__(self, name: str, conf: Mapping[str, Any]) -> None:
        super().__init__(name)
        if conf.get("word_list_path") is not None:
            raise Unsupported("word list files ([word_list_path])")
        words = _list(conf, "word_list")
        if words is None:
            raise IllegalArgument(
                "word_list must be provided for [" + name + "], either as a path "
                "to a file, or directly"
            )
        self.words = set(words)
        self.min_word = _int(conf, "min_word_size", 5)
        self.min_sub = _int(conf, "min_subword_size", 2)
        self.max_sub = _int(conf, "max_subword_size", 15)
        self.longest = _bool(conf, "only_longest_match", False)

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        out: list[_Tok] = []
        for tok in toks:
            out.append(tok)
            term, _, start, end = tok[:4]
            if len(term) < self.min_word or tok[5]:
                continue
            for i in range(len(term) - self.min_sub + 1):
                lengths = [
                    j
                    for j in range(self.min_sub, self.max_sub + 1)
                    if i + j <= len(term) and term[i : i + j] in self.words
                ]
                # Each subword keeps the offsets of the whole word (CompoundWordTokenFilterBase).
                for j in lengths[-1:] if self.longest else lengths:
                    out.append((term[i : i + j], tok[1], start, end, *tok[4:]))
        return out


# --------------------------------------------------------------------------------------------
# multiplexer


class _Multiplexer(_Filter):
    """Each token through several filter chains, every output at the token's position, the
    original first (``preserve_original``), duplicates at a position removed. The chains name
    the index's filters, so they are resolved once the index's filters are all built."""

    def __init__(self, name: str, conf: Mapping[str, Any]) -> None:
        super().__init__(name)
        self.chains = [
            [part.strip() for part in chain.split(",")]
            for chain in (_list(conf, "filters", split=False) or [])
        ]
        self.preserve = _bool(conf, "preserve_original", True)
        self.parts: list[list[_Filter]] = []

    def resolve(self, named: Callable[[str], _Filter | None]) -> None:
        parts = []
        for chain in self.chains:
            filters = []
            for part in chain:
                found = named(part)
                if found is None:
                    raise IllegalArgument(
                        f"Multiplexing filter [{self.name}] refers to undefined tokenfilter "
                        f"[{part}]"
                    )
                if isinstance(found, _Multiplexer):
                    raise Unsupported(
                        f"the multiplexer [{part}] inside the multiplexer [{self.name}]"
                    )
                filters.append(found)
            parts.append(filters)
        self.parts = parts
        self.needs_types = any(f.needs_types for chain in parts for f in chain)

    def stage(self, rule_analyzer: Callable[[str], list[str]]) -> _Stage:
        chains = [[f.stage(rule_analyzer) for f in chain] for chain in self.parts]
        preserve = self.preserve

        def run(toks: list[_Tok]) -> list[_Tok]:
            out: list[_Tok] = []
            for tok in toks:
                produced = [tok] if preserve else []
                for stages in chains:
                    single = [tok]
                    for one in stages:
                        if not single:
                            break
                        single = one(single)
                    produced.extend((t[0], tok[1], *t[2:]) for t in single)
                seen: set[str] = set()
                for t in produced:
                    if t[0] not in seen:
                        seen.add(t[0])
                        out.append(t)
            return out

        return run


# --------------------------------------------------------------------------------------------
# payloads: the engine stores none, and no search of Elasticsearch's reads them


class _DelimitedPayload(_Filter):
    """The term before the first delimiter; the payload after it is dropped (nothing the
    engine serves reads payloads)."""

    normalizing = False

    def __init__(self, name: str, conf: Mapping[str, Any]) -> None:
        super().__init__(name)
        # DelimitedPayloadTokenFilterFactory takes the setting's first character, and any
        # encoding but int and identity as float: neither is an error.
        delimiter = str(conf.get("delimiter", "|"))
        if not delimiter:
            raise IllegalArgument("delimiter must be a one char value")
        self.delimiter = delimiter[0]

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        delimiter = self.delimiter
        return [(t[0].split(delimiter, 1)[0], *t[1:]) if delimiter in t[0] else t for t in toks]


class _Unchanged(_Filter):
    """A filter whose only effect is on what the engine does not keep (type_as_payload)."""

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        return toks


def _hunspell(name: str, conf: Mapping[str, Any]) -> _Filter:
    """Elasticsearch loads the locale's dictionary from the node's ``config/hunspell``
    directory when the filter is built; the engine has none, so it answers what a node without
    that dictionary answers (HunspellService: an IllegalStateException, status 500)."""
    locale = conf.get("locale", conf.get("language", conf.get("lang")))
    if locale is None:
        raise IllegalArgument(
            "missing [locale | language | lang] configuration for hunspell token filter"
        )
    raise EngineError(
        f"failed to load hunspell dictionary for locale: {locale}",
        status=500,
        type="illegal_state_exception",
        caused_by=EngineError(f"Could not find hunspell dictionary [{locale}]"),
    )


def _hyphenation_decompounder(name: str, conf: Mapping[str, Any]) -> _Filter:
    """The checks of HyphenationCompoundWordTokenFilterFactory in its order; the patterns file
    is read from the node's config directory, which the engine has not, so any path is the
    file Elasticsearch cannot read."""
    if _list(conf, "word_list") is None and conf.get("word_list_path") is None:
        raise IllegalArgument(
            "word_list must be provided for [" + name + "], either as a path to a file, or directly"
        )
    path = conf.get("hyphenation_patterns_path")
    if path is None:
        raise IllegalArgument("hyphenation_patterns_path is a required setting.")
    raise IllegalArgument(
        "Exception while reading hyphenation_patterns_path.",
        caused_by=EngineError(
            f"config/{path} (the djangoes embedded engine has no config directory: "
            "hyphenation pattern files are not supported)",
            type="no_such_file_exception",
        ),
    )


STRUCTURAL_FILTERS: dict[str, Callable[[str, Mapping[str, Any]], _Filter]] = {
    "cjk_bigram": _CJKBigram,
    "common_grams": _CommonGrams,
    "pattern_capture": _PatternCapture,
    "dictionary_decompounder": _DictionaryDecompounder,
    "multiplexer": _Multiplexer,
    "delimited_payload": _DelimitedPayload,
    "type_as_payload": lambda name, conf: _Unchanged(name),
    "hunspell": _hunspell,
    "hyphenation_decompounder": _hyphenation_decompounder,
    "min_hash": _MinHash,
}
