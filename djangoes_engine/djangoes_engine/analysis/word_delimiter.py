"""The ``word_delimiter`` and ``word_delimiter_graph`` filters: subwords on case changes,
letter/digit transitions and delimiters, and their catenations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .conf import _bool, _list
from .filters import _Filter
from .tokens import _Tok


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
