"""Tantivy building blocks, cached (compiling the standard tokenizer's regex costs ~2 ms), and
:class:`_Probe`, which runs tantivy filters over tokens produced in Python.
"""

from __future__ import annotations

import re
from functools import lru_cache

import tantivy

from .tokens import _Tok


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
