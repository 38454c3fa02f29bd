"""The ``synonym`` and ``synonym_graph`` filters: Solr-format rules, analyzed by the chain that
precedes the filter, applied longest match first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..errors import EngineError, IllegalArgument, Unsupported
from .conf import _bool, _list
from .filters import _Filter
from .tokens import _Stage, _Tok


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
