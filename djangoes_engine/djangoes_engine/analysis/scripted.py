"""Token filters driven by a Painless predicate on each token (AnalysisPredicateScript):
``predicate_token_filter`` keeps the tokens it accepts, ``condition`` runs its filters on them
alone. The script's subject is ``token`` (``token.term``, ``token.getPosition()``,
``token.type``...), as in Elasticsearch.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..errors import IllegalArgument
from ..scripting import AnalysisToken, compile_token_predicate
from .conf import _list
from .filters import _Filter
from .tokens import _Stage, _Tok


def _predicate(name: str, conf: Mapping[str, Any]) -> Callable[[list[_Tok]], list[bool]]:
    script = conf.get("script") or {}
    if isinstance(script, Mapping) and "id" in script:
        raise IllegalArgument(f"Cannot use stored scripts in tokenfilter [{name}]")
    compiled = compile_token_predicate(dict(script) if isinstance(script, Mapping) else script)

    def accepts(toks: list[_Tok]) -> list[bool]:
        verdicts, previous = [], -1
        for term, position, start, end, kind, keyword in toks:
            token = AnalysisToken(
                term, position, position - previous, start, end, kind or "word", keyword
            )
            previous = position
            verdicts.append(compiled.test(token))
        return verdicts

    return accepts


class _PredicateFilter(_Filter):
    """predicate_token_filter: the tokens the script accepts."""

    needs_types = True

    def __init__(self, name: str, conf: Mapping[str, Any]) -> None:
        super().__init__(name)
        self.accepts = _predicate(name, conf)

    def apply(self, toks: list[_Tok]) -> list[_Tok]:
        return [tok for tok, ok in zip(toks, self.accepts(toks), strict=True) if ok]


class _ConditionFilter(_Filter):
    """condition: its ``filter`` chain runs on each stretch of consecutive tokens the script
    accepts (Lucene's ConditionalTokenFilter); the others pass unchanged. The chain names the
    index's filters, resolved once they are all built."""

    needs_types = True

    def __init__(self, name: str, conf: Mapping[str, Any]) -> None:
        super().__init__(name)
        self.accepts = _predicate(name, conf)
        self.names = [str(n) for n in (_list(conf, "filter") or [])]
        if not self.names:
            raise IllegalArgument(f"Empty list of filters provided to tokenfilter [{name}]")
        self.chain: list[_Filter] = []

    def resolve(self, named: Callable[[str], _Filter | None]) -> None:
        chain = []
        for filter_name in self.names:
            found = named(filter_name)
            if found is None:
                raise IllegalArgument(
                    f"ScriptedConditionTokenFilter [{self.name}] refers to undefined token "
                    f"filter [{filter_name}]"
                )
            chain.append(found)
        self.chain = chain

    def stage(self, rule_analyzer: Callable[[str], list[str]]) -> _Stage:
        stages = [f.stage(rule_analyzer) for f in self.chain]
        accepts = self.accepts

        def run(toks: list[_Tok]) -> list[_Tok]:
            out: list[_Tok] = []
            stretch: list[_Tok] = []
            for tok, ok in zip(toks, accepts(toks), strict=True):
                if ok:
                    stretch.append(tok)
                    continue
                out.extend(_through(stages, stretch))
                stretch = []
                out.append(tok)
            out.extend(_through(stages, stretch))
            return out

        return run


def _through(stages: list[_Stage], toks: list[_Tok]) -> list[_Tok]:
    for stage in stages:
        if not toks:
            break
        toks = stage(toks)
    return toks


SCRIPTED_FILTERS: dict[str, Callable[[str, Mapping[str, Any]], _Filter]] = {
    "predicate_token_filter": _PredicateFilter,
    "condition": _ConditionFilter,
}
