"""Running a chain: :class:`Analyzer` (native in tantivy when it can be, else a Python pipeline
that still delegates to tantivy every stage it can) and the keyword fields' :class:`Normalizer`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import tantivy

from .char_filters import _CharFilter, _Offsets
from .filters import _Filter, _ShingleFilter
from .native import _native_tokens, _text_analyzer
from .patterns import STANDARD_PATTERN
from .tokenizers import _KeywordTokenizer, _Tokenizer
from .tokens import _CLASSIFIERS, DEFAULT_POSITION_INCREMENT_GAP, Token, _Stage, _Tok


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
        "plain_words",
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
        #: Whether the chain is the standard tokenizer and at most lowercasing (the standard
        #: analyzer's): then :func:`_plain_words` reads most query texts without tantivy.
        self.plain_words = (
            self.native is not None
            and tokenizer.native == ("regex", STANDARD_PATTERN)
            and all(n in _NO_CHANGE_OR_LOWERCASE for n in natives)
        )
        self._stages = self._compile()

    def extended(self, name: str, filters: Sequence[_Filter]) -> Analyzer:
        """This chain followed by more filters (a sub-field's analysis derived from its
        field's, as ``search_as_you_type`` derives its shingle fields)."""
        return Analyzer(
            name,
            self._tokenizer,
            self._char_filters,
            [*self._filters, *filters],
            position_increment_gap=self.position_increment_gap,
            offset_gap=self.offset_gap,
        )

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
            analyzer = _text_analyzer(tokenizer.native, tuple(prefix))
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
        if self.plain_words:
            words = _plain_words(text)
            if words is not None:
                return words
        if self.native is not None:
            return [
                Token(t.text, t.position, t.char_offset_from, t.char_offset_to)
                for t in self.native.pre_tokenize(text).tokens
            ]
        return [Token(t[0], t[1], t[2], t[3]) for t in self._run(text)]

    def typed_tokens(self, text: str) -> list[tuple[str, int, str]]:
        """Each token's term, position and type (``word``, ``shingle``, ``SYNONYM``...): the
        phrase suggester skips shingles and stacks synonyms."""
        if self.native is not None:
            return [(t.term, t.position, "word") for t in self.analyze(text)]
        return [(t[0], t[1], t[4] or "word") for t in self._run(text)]

    def shingle_sizes(self) -> tuple[int, int, bool] | None:
        """The first shingle filter's (min size, max size, output_unigrams), if any."""
        for component in self._filters:
            if isinstance(component, _ShingleFilter):
                return component.min, component.max, component.unigrams
        return None

    def terms(self, text: str) -> list[str]:
        """Just the terms of ``text``, in order (the cheapest call for queries)."""
        if self.plain_words:
            words = _plain_words(text)
            if words is not None:
                return [token.term for token in words]
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


#: The native filters that leave :func:`_plain_words`'s tokens as they are, or lowercase them.
_NO_CHANGE_OR_LOWERCASE = ((), (("lowercase",),))


def _plain_words(text: str) -> list[Token] | None:
    """The standard tokenizer's tokens of a text of ASCII letters and digits between single
    spaces, lowercased: its words (UAX#29 breaks only at the spaces); None for any other text.
    Asking tantivy costs more for the one or two words of most queries (it builds its analyzer
    for each text)."""
    if not (text.isascii() and text.replace(" ", "").isalnum()) or "  " in text:
        return None
    if text[0] == " " or text[-1] == " ":
        return None
    tokens, start = [], 0
    for position, word in enumerate(text.lower().split(" ")):
        tokens.append(Token(word, position, start, start + len(word)))
        start += len(word) + 1
    return tokens
