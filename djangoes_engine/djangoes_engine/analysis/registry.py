"""The analysis registry: an index's ``settings.analysis`` built (and so validated) into
analyzers, normalizers and their components, with Elasticsearch's built-ins behind them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import tantivy

from ..errors import IllegalArgument, Unsupported
from .analyzer import Analyzer, Normalizer
from .as_you_type import prefixed, shingled
from .builtins import (
    _BUILTIN_CHAR_FILTERS,
    _BUILTIN_TOKENIZERS,
    BUILTIN_ANALYZERS,
    _builtin,
    _builtin_analyzer,
)
from .char_filters import _char_filter
from .conf import _int, _java_map, _list
from .filter_types import _FILTERS, _KNOWN_UNSUPPORTED_FILTERS, _filter
from .filters import _Filter, _LowercaseFilter
from .native import _text_analyzer
from .tokenizers import _KNOWN_UNSUPPORTED_TOKENIZERS, _LowercasingTokenizer, _Tokenizer, _tokenizer
from .tokens import DEFAULT_POSITION_INCREMENT_GAP

# Component types that exist only configured: a bare name of one finds no component.
_NEEDS_SETTINGS = frozenset(
    {
        "synonym",
        "synonym_graph",
        "pattern_replace",
        "pattern_capture",
        "keep",
        "keep_types",
        "stemmer_override",
        "keyword_marker",
        "mapping",
        "hunspell",
        "dictionary_decompounder",
        "hyphenation_decompounder",
        "condition",
        "multiplexer",
        "predicate_token_filter",
        "simple_pattern",
        "simple_pattern_split",
        "char_group",
    }
)


def _section(analysis: Mapping[str, Any], key: str) -> dict[str, Mapping[str, Any]]:
    value = analysis.get(key) or {}
    if not isinstance(value, Mapping):
        raise IllegalArgument(f"[index.analysis.{key}] must be an object")
    out: dict[str, Mapping[str, Any]] = {}
    for name, conf in value.items():
        if not isinstance(conf, Mapping):
            raise IllegalArgument(f"[index.analysis.{key}.{name}] must be an object")
        out[name] = conf
    return out


class AnalysisRegistry:
    """The analyzers, normalizers and components of one index (or of none, for the global
    ``_analyze`` API). Everything defined is built, and so validated, at construction."""

    def __init__(
        self,
        analysis: Mapping[str, Any] | None = None,
        *,
        max_ngram_diff: int = 1,
        max_shingle_diff: int = 3,
        max_token_count: int = 10_000,
    ) -> None:
        analysis = analysis or {}
        self.max_ngram_diff = max_ngram_diff
        self.max_shingle_diff = max_shingle_diff
        self.max_token_count = max_token_count
        self._char_filter_defs = _section(analysis, "char_filter")
        self._tokenizer_defs = _section(analysis, "tokenizer")
        self._filter_defs = _section(analysis, "filter")
        self.char_filters = {
            n: self._define("char_filter", n, c) for n, c in self._char_filter_defs.items()
        }
        self.tokenizers = {
            n: self._define("tokenizer", n, c) for n, c in self._tokenizer_defs.items()
        }
        self.filters = {n: self._define("filter", n, c) for n, c in self._filter_defs.items()}
        for defined in self.filters.values():
            self._refer(defined)
        self.analyzers: dict[str, Analyzer] = {}
        for name, conf in _section(analysis, "analyzer").items():
            self.analyzers[name] = self._custom_analyzer(name, conf)
        for name in self.analyzers:
            if name.startswith("_"):
                raise IllegalArgument(f"analyzer name must not start with '_'. got \"{name}\"")
        if "default_index" in self.analyzers:
            raise IllegalArgument(
                "setting [index.analysis.analyzer.default_index] is not supported anymore, use "
                "[index.analysis.analyzer.default] instead"
            )
        self.normalizers: dict[str, Normalizer] = {
            "lowercase": Normalizer("lowercase", [], [_LowercaseFilter("lowercase", None)])
        }
        for name, conf in _section(analysis, "normalizer").items():
            self.normalizers[name] = self._custom_normalizer(name, conf)

    # -- components

    def _define(self, component: str, name: str, conf: Mapping[str, Any]) -> Any:
        type_ = conf.get("type")
        if type_ is None:
            raise IllegalArgument(
                f"{component} [{name}] must specify either an analyzer type, or a tokenizer"
            )
        return self._build(component, str(type_), name, conf)

    def _build(self, component: str, type_: str, name: str, conf: Mapping[str, Any]) -> Any:
        if component == "tokenizer":
            tokenizer = _tokenizer(type_, name, conf, self.max_ngram_diff)
            if type_ == "lowercase":
                tokenizer = _LowercasingTokenizer(tokenizer)
            return tokenizer
        if component == "filter":
            return _filter(type_, name, conf, self.max_ngram_diff, self.max_shingle_diff)
        return _char_filter(type_, name, conf)

    def _refer(self, component: Any) -> Any:
        """A filter naming other filters (multiplexer, condition) gets them, once all are
        built."""
        resolve = getattr(component, "resolve", None)
        if resolve is not None:
            resolve(lambda name: self._named("filter", name))
        return component

    def _named(self, component: str, name: str) -> Any:
        """A component by name: the index's own first, then the built-in of that name."""
        own = {
            "tokenizer": self.tokenizers,
            "filter": self.filters,
            "char_filter": self.char_filters,
        }[component]
        if name in own:
            return own[name]
        if name in _NEEDS_SETTINGS:
            return None
        if component == "tokenizer":
            if name in _KNOWN_UNSUPPORTED_TOKENIZERS:
                raise Unsupported(f"the [{name}] tokenizer")
            if name not in _BUILTIN_TOKENIZERS:
                return None
        elif component == "char_filter":
            if name not in _BUILTIN_CHAR_FILTERS:
                return None
        elif name not in _FILTERS:
            if name in _KNOWN_UNSUPPORTED_FILTERS:
                raise Unsupported(f"the [{name}] token filter")
            return None
        return self._build(component, name, name, {})

    def _custom_analyzer(self, name: str, conf: Mapping[str, Any]) -> Analyzer:
        type_ = conf.get("type")
        if type_ is None and conf.get("tokenizer") is None:
            raise IllegalArgument(
                f"analyzer [{name}] must specify either an analyzer type, or a tokenizer"
            )
        if type_ is not None and type_ != "custom":
            analyzer = _builtin_analyzer(str(type_), name, conf)
            if analyzer is None:
                raise IllegalArgument(f"Unknown analyzer type [{type_}] for [{name}]")
            return analyzer
        tokenizer_name = conf.get("tokenizer")
        if tokenizer_name is None:
            raise IllegalArgument(f"Custom Analyzer [{name}] must be configured with a tokenizer")
        tokenizer = self._named("tokenizer", str(tokenizer_name))
        if tokenizer is None:
            raise IllegalArgument(
                f"Custom Analyzer [{name}] failed to find tokenizer under name [{tokenizer_name}]"
            )
        char_filters = self._components(f"Custom Analyzer [{name}]", "char_filter", conf)
        filters = self._components(f"Custom Analyzer [{name}]", "filter", conf)
        tokenizer, filters = _unwrap_lowercasing(tokenizer, filters)
        return Analyzer(
            name,
            tokenizer,
            char_filters,
            filters,
            position_increment_gap=_int(
                conf, "position_increment_gap", DEFAULT_POSITION_INCREMENT_GAP
            ),
            offset_gap=_int(conf, "offset_gap", 1),
        )

    def _custom_normalizer(self, name: str, conf: Mapping[str, Any]) -> Normalizer:
        type_ = conf.get("type")
        if type_ is not None and type_ != "custom":
            raise IllegalArgument(f"Unknown normalizer type [{type_}] for [{name}]")
        if conf.get("tokenizer") is not None:
            raise IllegalArgument(f"Custom normalizer [{name}] cannot configure a tokenizer")
        # Elasticsearch's own wording: a missing filter is reported as a "Custom Analyzer"'s.
        char_filters = self._components(
            f"Custom normalizer [{name}]", "char_filter", conf, normalizer=name
        )
        filters = self._components(f"Custom Analyzer [{name}]", "filter", conf, normalizer=name)
        return Normalizer(name, char_filters, filters)

    def _components(
        self, owner: str, kind: str, conf: Mapping[str, Any], normalizer: str | None = None
    ) -> list[Any]:
        """The ``char_filter`` or ``filter`` components ``conf`` names, each one found (and,
        for a ``normalizer``, each one able to normalize)."""
        components = []
        for component_name in _list(conf, kind) or []:
            component = self._named(kind, component_name)
            if component is None:
                raise IllegalArgument(
                    f"{owner} failed to find {kind} under name [{component_name}]"
                )
            if normalizer is not None and not component.normalizing:
                label = "char filter" if kind == "char_filter" else "filter"
                raise IllegalArgument(
                    f"Custom normalizer [{normalizer}] may not use {label} [{component_name}]"
                )
            components.append(component)
        return components

    # -- public lookups

    def has_analyzer(self, name: str) -> bool:
        return name in self.analyzers or name == "default" or _builtin(name) is not None

    def analyzer(self, name: str) -> Analyzer:
        """A custom or built-in analyzer; ``default`` is the index default (else standard)."""
        found = self.analyzers.get(name)
        if found is not None:
            return found
        if name == "default_search":
            return self.analyzer("default")
        builtin = _builtin("standard" if name == "default" else name)
        if builtin is None:
            raise IllegalArgument(f"failed to find analyzer [{name}]")
        return builtin

    def shingled(self, analyzer: Analyzer, size: int, prefixes: bool = False) -> Analyzer:
        """A ``search_as_you_type`` sub-field's analysis: ``analyzer`` with shingles of
        ``size`` words (and, with ``prefixes``, their edge n-grams)."""
        return prefixed(analyzer, size) if prefixes else shingled(analyzer, size)

    def normalizer(self, name: str) -> Normalizer:
        found = self.normalizers.get(name)
        if found is None:
            raise IllegalArgument(f"failed to find normalizer under [{name}]")
        return found

    def tantivy_name(self, analyzer_name: str) -> str:
        """The tokenizer name :meth:`register` uses for ``analyzer_name`` on a tantivy index."""
        if analyzer_name == "default_search":
            analyzer_name = "default"
        return f"es:{analyzer_name}"

    def register(self, index: tantivy.Index, names: Iterable[str] | None = None) -> None:
        """Registers on ``index`` the analyzers ``names`` (default: every custom and built-in
        one). A Python-only analyzer gets a raw placeholder: its text arrives pre-tokenized."""
        if names is None:
            names = ["default", *self.analyzers, *BUILTIN_ANALYZERS]
        for name in dict.fromkeys(names):
            analyzer = self.analyzer(name)
            native = analyzer.native or _text_analyzer(("raw",), ())
            index.register_tokenizer(self.tantivy_name(name), native)

    # -- ad-hoc chains (the _analyze API)

    def _adhoc(self, component: str, spec: Any, global_scope: bool) -> Any:
        if isinstance(spec, Mapping):
            type_ = spec.get("type")
            if type_ is None:
                raise IllegalArgument(
                    f"Missing [type] setting for anonymous {component}: {_java_map(spec)}"
                )
            return self._refer(self._build(component, str(type_), f"__anonymous__{type_}", spec))
        found = self._named(component, str(spec))
        if found is None:
            scope = "global " if global_scope else ""
            raise IllegalArgument(f"failed to find {scope}{component} under [{spec}]")
        return found

    def build_custom(
        self,
        tokenizer: Any,
        char_filters: Sequence[Any],
        filters: Sequence[Any],
        *,
        normalizer: bool = False,
        global_scope: bool = False,
    ) -> Analyzer:
        """An ad-hoc analyzer from names or anonymous definitions, as _analyze takes them."""
        tok = self._adhoc("tokenizer", tokenizer, global_scope)
        cfs = [self._adhoc("char_filter", spec, global_scope) for spec in char_filters]
        tfs = []
        for spec in filters:
            token_filter = self._adhoc("filter", spec, global_scope)
            if normalizer and not token_filter.normalizing:
                raise IllegalArgument(f"Custom normalizer may not use filter [{token_filter.name}]")
            tfs.append(token_filter)
        tok, tfs = _unwrap_lowercasing(tok, tfs)
        return Analyzer("__custom__", tok, cfs, tfs, position_increment_gap=0)


def _unwrap_lowercasing(tokenizer: Any, filters: list[Any]) -> tuple[_Tokenizer, list[_Filter]]:
    if isinstance(tokenizer, _LowercasingTokenizer):
        return tokenizer.inner, [_LowercaseFilter("lowercase", None), *filters]
    return tokenizer, filters
