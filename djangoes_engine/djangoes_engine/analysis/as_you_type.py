"""The analysis of ``search_as_you_type`` sub-fields: the root field's analyzer followed by
Lucene's FixedShingleFilter (``._2gram``, ``._3gram``...) and, for ``._index_prefix``, the
largest shingles padded at the end of the text and cut into edge n-grams, as Elasticsearch's
SearchAsYouTypeAnalyzer wraps them.
"""

from __future__ import annotations

from .analyzer import Analyzer
from .filters import _Filter, _NGramFilter, position_slots
from .tokens import _Tok

#: Elasticsearch's bounds of the prefixes ``._index_prefix`` holds.
PREFIX_MIN_CHARS, PREFIX_MAX_CHARS = 1, 20


class _FixedShingles(_Filter):
    """Shingles of exactly ``size`` positions, a removed token's position an empty filler.

    With ``trailing``, the end of the text counts ``size - 1`` positions more (Elasticsearch's
    TrailingShingleTokenFilter), so that the last words start shingles too, padded with
    fillers: every word of the text starts one.
    """

    def __init__(self, size: int, trailing: bool) -> None:
        super().__init__(f"fixed_shingle_{size}")
        self.size = size
        self.trailing = trailing

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        slots = position_slots(toks)
        if self.trailing:
            slots.extend([None] * (self.size - 1))
        shingles: list[_Tok] = []
        for i, tok in enumerate(slots):
            window = slots[i : i + self.size]
            if tok is None or len(window) < self.size:
                continue
            end = max(w[3] for w in window if w is not None)
            text = " ".join("" if w is None else w[0] for w in window)
            shingles.append((text, tok[1], tok[2], end, "shingle", False))
        return shingles


def shingled(analyzer: Analyzer, size: int) -> Analyzer:
    """``analyzer`` with shingles of ``size`` words: a ``._{size}gram`` sub-field's analysis."""
    return analyzer.extended(f"{analyzer.name}#shingle{size}", [_FixedShingles(size, False)])


def prefixed(analyzer: Analyzer, size: int) -> Analyzer:
    """``analyzer`` with padded shingles of ``size`` words cut into their prefixes: the
    ``._index_prefix`` sub-field's analysis."""
    edges = _NGramFilter("edge_ngram", PREFIX_MIN_CHARS, PREFIX_MAX_CHARS, True, True)
    return analyzer.extended(f"{analyzer.name}#prefix{size}", [_FixedShingles(size, True), edges])
