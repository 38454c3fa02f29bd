"""Token filters: the base :class:`_Filter` (native when tantivy can run it) and the general
filters. Synonyms and word delimiters have modules of their own, :mod:`.languages` makes a
language's stemmer and stop filters, and :mod:`.filter_types` builds filters by type name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from ..errors import IllegalArgument
from .conf import _bool, _int
from .greek import greek_lower
from .native import _Probe
from .terms import _irish_lower, _turkish_lower
from .tokens import _Stage, _Tok


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
        keys: tuple[tuple, ...] = tuple(("stopword", lang) for lang in languages)
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
        fn = {"greek": greek_lower, "irish": _irish_lower, "turkish": _turkish_lower}[self.language]
        return [(fn(t[0]), *t[1:]) for t in toks]


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


class _KeywordSafeTermFilter(_Filter):
    """A normalizing term filter that leaves keywords alone, as Lucene's Hindi and Bengali
    normalization filters do."""

    normalizing = True

    def __init__(self, name: str, fn: Callable[[str], str]) -> None:
        super().__init__(name)
        self.fn = fn

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        fn = self.fn
        return [t if t[5] else (fn(t[0]), *t[1:]) for t in toks]


class _PythonStemmer(_KeywordSafeTermFilter):
    """A stemmer run in Python: a term function that skips keywords and does not normalize."""

    normalizing = False
    stems = True


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


def position_slots(toks: list[_Tok]) -> list[_Tok | None]:
    """The first token at each position, None in the gaps removed tokens left: what shingles
    are made of (a gap becomes a filler)."""
    slots: list[_Tok | None] = []
    last = -1
    for token in toks:
        if token[1] == last:
            continue
        slots.extend([None] * (token[1] - last - 1))
        slots.append(token)
        last = token[1]
    return slots


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
        slots = position_slots(toks)
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


class _KeywordRepeat(_Filter):
    """Each token twice at its position: first a keyword copy (stemmers leave it alone), then
    the token itself; ``remove_duplicates`` after a stemmer drops the pairs it did not stem."""

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        out: list[_Tok] = []
        for tok in toks:
            out.append((*tok[:5], True))
            out.append(tok)
        return out


class _Sequence(_Filter):
    """Several filters under one name: a stemmer behind the marker of its ``stem_exclusion``."""

    def __init__(self, name: str, parts: list[_Filter]) -> None:
        super().__init__(name)
        self.parts = parts
        self.stems = any(part.stems for part in parts)

    def stage(self, rule_analyzer: Callable[[str], list[str]]) -> _Stage:
        stages = [part.stage(rule_analyzer) for part in self.parts]

        def run(toks: list[_Tok]) -> list[_Tok]:
            for stage in stages:
                if not toks:
                    break
                toks = stage(toks)
            return toks

        return run
