"""The ``phrase`` suggester: Elasticsearch's noisy-channel spell checker over whole phrases.

Elasticsearch (org.elasticsearch.search.suggest.phrase) analyses the text with the field's
search analyzer (shingles skipped while ``force_unigrams``, synonyms stacked as candidates),
asks each ``direct_generator`` (Lucene's DirectSpellChecker, the ``term`` suggester's code,
shared here through :mod:`.spellcheck`) for candidates per token, then walks every path that
corrects at most ``max_errors`` tokens, scoring it with an n-gram language model over the
``field``'s terms (stupid backoff, Laplace or linear interpolation, ``gram_size`` from the
analyzer's shingle filter unless given): ``exp`` of the sum of ``log10(channel * ngram)``.
Corrections scoring above ``confidence`` times the input phrase's score are kept, the best
``shard_size`` per index, merged across indices as Elasticsearch reduces shards and cut to
``size``. Lucene's ``terms.size()`` is unknown (-1) over several segments, where
Elasticsearch counts the documents instead; the engine does the same once more than one
refresh has made writes searchable (Elasticsearch writes a segment per refresh; tantivy's
segments follow its indexing threads). ``collate`` renders its mustache query per correction
with ``suggestion`` (and its ``params``) and keeps the corrections it matches (``prune``: all,
with ``collate_match``).
"""

from __future__ import annotations

import dataclasses
import functools
import heapq
import json
import math
from dataclasses import dataclass
from typing import Any

from ..decimals import java_float
from ..errors import EngineError, IllegalArgument, ParsingError, Unsupported, XContentParseError
from ..fields import KeywordField, TextField
from ..index import Reader
from ..ingest.templates import Template
from ..query.context import Context, compile_query
from .spellcheck import TermDictionary, _java_float, _similar, java_int, term_dictionary, whole

#: What a ``phrase`` suggestion takes as values (PhraseSuggestionBuilder.fromXContent).
PHRASE_KEYS = frozenset(
    {
        "analyzer", "field", "size", "shard_size", "real_word_error_likelihood", "confidence",
        "separator", "max_errors", "gram_size", "force_unigrams", "token_limit",
    }
)  # fmt: skip
#: What a ``direct_generator`` takes (DirectCandidateGeneratorBuilder.PARSER).
GENERATOR_KEYS = frozenset(
    {
        "field", "pre_filter", "post_filter", "suggest_mode", "min_doc_freq", "accuracy", "size",
        "sort", "string_distance", "max_inspections", "max_term_freq", "max_edits",
        "min_word_length", "prefix_length",
    }
)  # fmt: skip
SUGGEST_MODES = ("missing", "popular", "always")
STRING_DISTANCES = ("internal", "damerau_levenshtein", "levenshtein", "ngram", "jaro_winkler")
DOUBLE_MIN_VALUE = 5e-324
INT_MAX = 2**31 - 1
LONG_MIN = -(2**63)


@dataclass(frozen=True)
class DirectGenerator:
    """One ``direct_generator``, with DirectSpellcheckerSettings' defaults."""

    field: str
    size: int = 5
    suggest_mode: str = "missing"
    accuracy: float = java_float(0.5)
    sort: str = "score"
    max_edits: int = 2
    max_inspections: int = 5
    max_term_freq: float = java_float(0.01)
    prefix_length: int = 1
    min_word_length: int = 4
    min_doc_freq: float = 0.0
    pre_filter: str | None = None
    post_filter: str | None = None


@dataclass(frozen=True)
class Smoothing:
    """A smoothing model: ``stupid_backoff`` (``discount``), ``laplace`` (``alpha``) or
    ``linear`` (``lambdas``: trigram, bigram, unigram)."""

    kind: str
    value: float = 0.0
    lambdas: tuple[float, float, float] = (0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Collate:
    """``collate``: a mustache query template, its ``params`` and ``prune``."""

    template: Template
    params: dict[str, Any]
    prune: bool = False


#: PhraseSuggestionContext.DEFAULT_SCORER: stupid backoff with a discount of 0.4f.
DEFAULT_SMOOTHING = Smoothing("stupid_backoff", java_float(0.4))


@dataclass(frozen=True)
class PhraseSuggestion:
    """One named ``phrase`` suggestion, with PhraseSuggestionContext's defaults."""

    name: str
    field: str
    text: str
    analyzer: str | None = None
    size: int = 5
    shard_size: int | None = None
    real_word_error_likelihood: float = java_float(0.95)
    confidence: float = 1.0
    max_errors: float = java_float(0.5)
    separator: str = " "
    gram_size: int | None = None
    force_unigrams: bool = True
    token_limit: int = 10
    pre_tag: str | None = None
    post_tag: str | None = None
    generators: tuple[DirectGenerator, ...] = ()
    smoothing: Smoothing = DEFAULT_SMOOTHING
    collate: Collate | None = None


# Parsing


def parse_phrase(name: str, text: str, options: dict[str, Any]) -> PhraseSuggestion:
    """PhraseSuggestionBuilder.fromXContent, with its setters' checks."""
    values: dict[str, Any] = {}
    generators: list[DirectGenerator] = []
    for key, value in options.items():
        if isinstance(value, list):
            if key != "direct_generator":
                raise ParsingError(f"suggester[phrase]  doesn't support array field [{key}]")
            generators.extend(_generator(item) for item in value)
        elif isinstance(value, dict):
            if key == "smoothing":
                model = _smoothing(value)
                if model is not None:
                    values["smoothing"] = model
            elif key == "highlight":
                values.update(_highlight(value))
            elif key == "collate":
                values["collate"] = _collate(value)
            else:
                raise ParsingError(f"suggester[phrase]  doesn't support array field [{key}]")
        elif key not in PHRASE_KEYS:
            raise ParsingError(f"suggester[phrase] doesn't support field [{key}]")
        else:
            values[key] = value
    field = values.pop("field", None)
    if field is None:
        raise ParsingError("the required field option [field] is missing", type="parse_exception")
    suggestion = PhraseSuggestion(name=name, field=str(field), text=text)
    changes: dict[str, Any] = {"generators": tuple(generators)}
    for key, value in values.items():
        if key in ("smoothing", "pre_tag", "post_tag", "collate"):
            changes[key] = value
        elif key in ("analyzer", "separator"):
            changes[key] = _text(key, value)
        elif key == "force_unigrams":
            changes[key] = _bool(key, value)
        elif key in ("size", "shard_size", "gram_size", "token_limit"):
            changes[key] = _int(key, value)
        else:
            changes[key] = java_float(_float(key, value))
    _check(changes)
    return dataclasses.replace(suggestion, **changes)


def _check(changes: dict[str, Any]) -> None:
    if changes.get("size", 1) <= 0:
        raise IllegalArgument("size must be positive")
    if changes.get("shard_size", 1) <= 0:
        raise IllegalArgument("shardSize must be positive")
    if changes.get("real_word_error_likelihood", 1.0) <= 0.0:
        raise IllegalArgument("real_word_error_likelihood must be > 0.0")
    if changes.get("confidence", 0.0) < 0.0:
        raise IllegalArgument("confidence must be >= 0.0")
    if changes.get("max_errors", 1.0) <= 0.0:
        raise IllegalArgument("max_error must be > 0.0")
    if changes.get("gram_size", 1) < 1:
        raise IllegalArgument("gramSize must be >= 1")
    if changes.get("token_limit", 1) <= 0:
        raise IllegalArgument("token_limit must be >= 1")


def _highlight(body: dict[str, Any]) -> dict[str, Any]:
    tags: dict[str, Any] = {"pre_tag": None, "post_tag": None}
    for key, value in body.items():
        if key not in tags or isinstance(value, dict | list):
            raise ParsingError(f"suggester[phrase][highlight] doesn't support field [{key}]")
        tags[key] = None if value is None else str(value)
    if (tags["pre_tag"] is None) != (tags["post_tag"] is None):
        raise IllegalArgument("Pre and post tag must both be null or both not be null.")
    return tags


def _smoothing(body: dict[str, Any]) -> Smoothing | None:
    """SmoothingModel.fromXContent: the last model named wins."""
    model = None
    for name, value in body.items():
        if not isinstance(value, dict):
            raise ParsingError(f"[smoothing] unknown token [{_token(value)}] after [{name}]")
        if name == "stupid_backoff":
            discount = value.get("discount", 0.4)
            model = Smoothing(name, _float("discount", discount))
        elif name == "laplace":
            model = Smoothing(name, _float("alpha", value.get("alpha", 0.5)))
        elif name == "linear":
            model = _linear(value)
        else:
            raise IllegalArgument(f"suggester[phrase] doesn't support object field [{name}]")
    return model


def _collate(body: dict[str, Any]) -> Collate | None:
    """The ``collate`` object; without a ``query`` Elasticsearch collates nothing."""
    template: Template | None = None
    params: dict[str, Any] = {}
    prune = False
    for key, value in body.items():
        if key == "query":
            template = _template(value)
        elif key == "params":
            if not isinstance(value, dict):
                raise ParsingError("suggester[phrase][collate] parsing failed on [params]")
            params = value
        elif key == "prune":
            if not isinstance(value, bool):
                raise ParsingError(
                    "suggester[phrase][collate] prune must be either 'true' or 'false'"
                )
            prune = value
        else:
            raise ParsingError(f"suggester[phrase][collate] doesn't support field [{key}]")
    return None if template is None else Collate(template, params, prune)


def _template(value: Any) -> Template:
    """Script.parse with mustache as the default language: a string, or ``source``."""
    if isinstance(value, str):
        return Template(value)
    if not isinstance(value, dict):
        raise ParsingError("suggester[phrase][collate] parsing failed on [query]")
    source = None
    for key, item in value.items():
        if key == "source":
            source = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)
        elif key == "lang":
            if item != "mustache":
                raise Unsupported(f"a [{item}] script as the [collate] query")
        elif key in ("id", "params", "options"):
            raise Unsupported(f"[{key}] in the [collate] query script")
        else:
            raise XContentParseError(f"[script] unknown field [{key}]")
    if source is None:
        raise IllegalArgument(
            "must specify either [source] for an inline script or [id] for a stored script"
        )
    return Template(source)


def _linear(body: dict[str, Any]) -> Smoothing:
    lambdas = {"trigram_lambda": 0.0, "bigram_lambda": 0.0, "unigram_lambda": 0.0}
    for key, value in body.items():
        if isinstance(value, dict | list):
            raise ParsingError(f"[linear] unknown token [{_token(value)}] after [{key}]")
        if key not in lambdas:
            raise IllegalArgument(
                f"suggester[phrase][smoothing][linear] doesn't support field [{key}]"
            )
        lambdas[key] = _float(key, value)
        if lambdas[key] < 0:
            raise IllegalArgument(f"{key} must be positive")
    tri, bi, uni = lambdas["trigram_lambda"], lambdas["bigram_lambda"], lambdas["unigram_lambda"]
    if abs(tri + bi + uni - 1.0) > 0.001:
        raise IllegalArgument("linear smoothing lambdas must sum to 1")
    return Smoothing("linear", lambdas=(tri, bi, uni))


def _generator(body: Any) -> DirectGenerator:
    """DirectCandidateGeneratorBuilder.PARSER, then its build()'s checks."""
    if not isinstance(body, dict):
        raise ParsingError("suggester[phrase]  doesn't support array field [direct_generator]")
    values: dict[str, Any] = {}
    for key, value in body.items():
        if key not in GENERATOR_KEYS:
            raise XContentParseError(f"[direct_generator] unknown field [{key}]")
        if isinstance(value, dict | list):
            raise XContentParseError(f"[direct_generator] failed to parse field [{key}]")
        if key in ("field", "pre_filter", "post_filter", "suggest_mode", "sort", "string_distance"):
            values[key] = str(value)
        elif key in ("size", "max_inspections", "max_edits", "min_word_length", "prefix_length"):
            values[key] = _int(key, value, "[direct_generator] failed to parse field")
        else:
            values[key] = java_float(_float(key, value, "[direct_generator] failed to parse field"))
    if "field" not in values:
        raise IllegalArgument("Required [field]")
    if values.get("size", 1) <= 0 or not 1 <= values.get("max_edits", 2) <= 2:
        key = "size" if values.get("size", 1) <= 0 else "max_edits"
        raise XContentParseError(f"[direct_generator] failed to parse field [{key}]")
    mode = values.get("suggest_mode", "missing").lower()
    if mode not in SUGGEST_MODES:
        raise IllegalArgument(f"Illegal suggest mode {mode}")
    values["suggest_mode"] = mode
    sort = values.get("sort", "score").lower()
    if sort not in ("score", "frequency"):
        raise IllegalArgument(f"Illegal suggest sort {values['sort']}")
    values["sort"] = sort
    distance = values.pop("string_distance", "internal").lower()
    if distance not in STRING_DISTANCES:
        raise IllegalArgument(f"Illegal distance option {distance}")
    if distance != "internal":
        raise Unsupported(f"[string_distance] [{distance}] in the [phrase] suggester")
    for key in ("min_doc_freq", "max_term_freq"):
        value = values.get(key)
        if value is not None and value >= 1.0 and not whole(value):
            raise IllegalArgument("Fractional absolute document frequencies are not allowed")
    return DirectGenerator(**values)


def _token(value: Any) -> str:
    if isinstance(value, bool):
        return "VALUE_BOOLEAN"
    if isinstance(value, int | float):
        return "VALUE_NUMBER"
    if value is None:
        return "VALUE_NULL"
    return "START_ARRAY" if isinstance(value, list) else "VALUE_STRING"


def _int(key: str, value: Any, message: str = "suggester[phrase] parsing failed on") -> int:
    try:
        if isinstance(value, bool):
            raise ValueError
        number = int(float(value))
        if not -(2**31) <= number < 2**31:  # parser.intValue(): out of the range of an int
            raise ValueError
        return number
    except (TypeError, ValueError, OverflowError):
        raise ParsingError(f"{message} [{key}]") from None


def _float(key: str, value: Any, message: str = "suggester[phrase] parsing failed on") -> float:
    try:
        if isinstance(value, bool):
            raise ValueError
        return float(value)
    except (TypeError, ValueError):
        raise ParsingError(f"{message} [{key}]") from None


def _text(key: str, value: Any) -> str:
    if value is None:
        raise ParsingError(f"suggester[phrase] parsing failed on [{key}]")
    return str(value)


def _bool(key: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if value in ("true", "false"):
        return value == "true"
    raise ParsingError(f"suggester[phrase] parsing failed on [{key}]")


# Running


@dataclass
class Candidate:
    """A term for one position: its statistics in the generator's field, its string distance
    to the token (1.0: the token itself), its generator score, and whether the user typed it."""

    term: str
    doc_freq: int
    total_freq: int
    distance: float
    score: float
    user_input: bool = False


@dataclass
class CandidateSet:
    original: Candidate
    candidates: list[Candidate] = dataclasses.field(default_factory=list)

    def add(self, more: list[Candidate]) -> None:
        """Merged without duplicates (the newer candidate wins), strongest first."""
        merged: dict[str, Candidate] = {}
        for candidate in [*more, *self.candidates]:
            merged.setdefault(candidate.term, candidate)
        self.candidates = sorted(merged.values(), key=lambda c: (-c.score, c.term))


def run_phrase(targets: list[Any], s: PhraseSuggestion) -> list[dict[str, Any]]:
    """The suggestion's one entry: each index's corrections merged as Elasticsearch reduces
    shards (an option's best score, the highest cut-off), sorted by score then text."""
    cutoff = DOUBLE_MIN_VALUE
    merged: dict[str, tuple[float, str | None, bool | None]] = {}
    for target in targets:
        options, shard_cutoff = _shard(target, s)
        cutoff = max(cutoff, shard_cutoff)
        for text, highlighted, score, match in options:
            known = merged.get(text)
            if known is None:
                merged[text] = (score, highlighted, match)
            else:  # Option.mergeInto: the best score, a match anywhere
                either = None if match is None else bool(match or known[2])
                merged[text] = (max(score, known[0]), known[1], either)
    kept = sorted(((text, *option) for text, option in merged.items()), key=lambda o: (-o[1], o[0]))
    rendered = []
    for text, score, highlighted, match in kept:
        if score <= cutoff:
            continue
        option: dict[str, Any] = {"text": text}
        if highlighted is not None:
            option["highlighted"] = highlighted
        option["score"] = _java_float(score)
        if match is not None:
            option["collate_match"] = match
        rendered.append(option)
    return [{"text": s.text, "offset": 0, "length": len(s.text), "options": rendered[: s.size]}]


def _analyzer(reader: Reader, name: str, message: str) -> Any:
    try:
        return reader.registry.analyzer(name)
    except IllegalArgument:
        raise IllegalArgument(message.format(name)) from None


_Options = list[tuple[str, str | None, float, bool | None]]


def _shard(target: Any, s: PhraseSuggestion) -> tuple[_Options, float]:
    """PhraseSuggestionBuilder.build then PhraseSuggester.innerExecute on one index."""
    reader: Reader = target.reader
    field = reader.mapping.field(s.field)
    if field is None:
        raise IllegalArgument(f"no mapping found for field [{s.field}]")
    if not isinstance(field, TextField | KeywordField):
        raise Unsupported(f"the [phrase] suggester on a field of type [{field.type_name}]")
    if s.analyzer is not None:
        analyzer = _analyzer(reader, s.analyzer, "analyzer [{}] doesn't exists")
    else:
        analyzer = field.search_analyzer if isinstance(field, TextField) else None
    shingles = analyzer.shingle_sizes() if analyzer is not None else None
    gram_size = s.gram_size
    if gram_size is None:
        gram_size = shingles[1] if shingles is not None else 1
    generators = list(s.generators)
    if not generators:
        if shingles is not None and shingles[0] > 1 and not shingles[2] and s.force_unigrams:
            raise IllegalArgument(
                f"The default candidate generator for phrase suggest can't operate on field: "
                f"[{field.path}] since it doesn't emit unigrams. If this is intentional try to "
                f"set the candidate generator field explicitly"
            )
        generators = [DirectGenerator(field=field.path)]
    rwl = s.real_word_error_likelihood
    max_doc = reader.searcher.num_docs
    gens = []
    for g in generators:
        pre = (
            _analyzer(reader, g.pre_filter, "Analyzer [{}] doesn't exists")
            if g.pre_filter
            else None
        )
        post = (
            _analyzer(reader, g.post_filter, "Analyzer [{}] doesn't exists")
            if g.post_filter
            else None
        )
        gen_field = reader.mapping.field(g.field)
        if not isinstance(gen_field, TextField | KeywordField):
            continue
        dictionary = term_dictionary(reader, gen_field)
        if dictionary.doc_freq:
            gens.append(_Generator(g, dictionary, max_doc, rwl, pre, post))
    suggest_terms = term_dictionary(reader, field)
    if not gens or not suggest_terms.doc_freq:
        return [], DOUBLE_MIN_VALUE
    several = getattr(target.index, "write_refreshes", 1) > 1
    scorer = _WordScorer(suggest_terms, max_doc, several, rwl, s.separator, s.smoothing)
    shard_size = s.shard_size if s.shard_size is not None else max(s.size, 5)
    sets = _candidate_sets(_tokens(analyzer, field, s.text), gens[0], s, rwl)
    if not sets or len(sets) >= s.token_limit:
        return [], DOUBLE_MIN_VALUE
    for candidate_set in sets:
        for gen in gens:
            gen.draw(candidate_set)
        if len(candidate_set.candidates) > shard_size:
            candidate_set.candidates.sort(key=lambda c: -c.score)
            del candidate_set.candidates[shard_size:]
    cutoff = DOUBLE_MIN_VALUE
    if s.confidence > 0.0:
        path = [cs.original for cs in sets]
        total = sum(scorer.score(path, i, gram_size) for i in range(len(sets)))
        cutoff = math.exp(total) * s.confidence
    corrections = _best(sets, scorer, gram_size, shard_size, s.max_errors, cutoff)
    options: _Options = []
    prune = s.collate is not None and s.collate.prune
    for score, path in corrections:
        text = " ".join(c.term for c in path)
        match = _collate_match(target, s.collate, text) if s.collate is not None else True
        if not match and not prune:
            continue
        if java_float(score) <= cutoff:
            continue
        highlighted = _highlighted(path, s.pre_tag, s.post_tag) if s.pre_tag is not None else None
        options.append((text, highlighted, java_float(score), match if prune else None))
    return options, cutoff


def _collate_match(target: Any, collate: Collate, suggestion: str) -> bool:
    """Whether the collate query, rendered for this suggestion, matches a document."""
    source = collate.template.render_variables({**collate.params, "suggestion": suggestion})
    try:
        dsl = json.loads(source)
    except ValueError:
        raise XContentParseError(f"failed to parse the collate query [{source}]") from None
    index = target.index
    ctx = Context(reader=target.reader, index_name=index.name, settings=index.settings)
    query = compile_query(ctx, dsl)
    return bool(target.reader.searcher.search(query, 1, count=False).hits)


def _tokens(analyzer: Any, field: Any, text: str) -> list[tuple[str, int, str]]:
    if analyzer is None:
        return [(field.convert(text), 0, "word")]
    return analyzer.typed_tokens(text)


def _candidate_sets(
    tokens: list[tuple[str, int, str]], first: _Generator, s: PhraseSuggestion, rwl: float
) -> list[CandidateSet]:
    """NoisyChannelSpellChecker's token consumer: one set per position, synonyms stacked."""
    sets: list[CandidateSet] = []
    any_unigram = False
    last_position = -1
    for term, position, kind in tokens:
        increment, last_position = position - last_position, position
        if s.force_unigrams and kind == "shingle":
            continue
        any_unigram = True
        if increment == 0 and kind == "SYNONYM" and sets:
            doc_freq, total_freq = first.term_stats(term)
            if doc_freq > 0:
                sets[-1].candidates.append(first.candidate(term, doc_freq, total_freq, rwl))
        else:
            doc_freq, total_freq = first.term_stats(term)
            original = first.candidate(term, doc_freq, total_freq, 1.0, user_input=True)
            sets.append(CandidateSet(original))
    if s.force_unigrams and not any_unigram and tokens:
        raise EngineError(
            "At least one unigram is required but all tokens were ngrams",
            type="illegal_state_exception",
        )
    return sets


class _Generator:
    """DirectCandidateGenerator: DirectSpellChecker's suggestions for a token, scored by their
    distance and frequency in the generator's field."""

    def __init__(
        self,
        settings: DirectGenerator,
        dictionary: TermDictionary,
        max_doc: int,
        rwl: float,
        pre: Any,
        post: Any,
    ) -> None:
        self.settings = settings
        self.dictionary = dictionary
        self.max_doc = max_doc
        self.rwl = rwl
        self.pre = pre
        self.post = post
        self.sum_total = dictionary.sum_total_freq
        threshold = settings.min_doc_freq
        self.plateau = java_int(threshold if threshold >= 1.0 else java_float(max_doc * threshold))

    def internal_stats(self, term: str) -> tuple[int, int]:
        return self.dictionary.doc_freq.get(term, 0), self.dictionary.total_freq.get(term, 0)

    def term_stats(self, term: str) -> tuple[int, int]:
        return self.internal_stats(self._pre_filter(term))

    def candidate(
        self, term: str, doc_freq: int, total_freq: int, distance: float, user_input: bool = False
    ) -> Candidate:
        score = distance * ((total_freq + 1) / (self.sum_total + 1))
        return Candidate(term, doc_freq, total_freq, distance, score, user_input)

    def _pre_filter(self, term: str) -> str:
        if self.pre is None:
            return term
        tokens = self.pre.typed_tokens(term)
        return tokens[-1][0] if tokens else term

    def threshold(self, doc_freq: int) -> int:
        """thresholdTermFrequency: a popular token's candidates must be more popular still."""
        if doc_freq <= 0:
            return 0
        diff = doc_freq - self.plateau
        if diff > 0:
            value = doc_freq * (math.log10(diff) * (1.0 / math.log10(5))) + 1
            rounded = math.floor(value + 0.5)
        else:
            rounded = LONG_MIN if diff == 0 else 0  # log10(0) is -Infinity, of < 0 NaN
        return int(min(max(0, rounded), INT_MAX))

    def draw(self, candidate_set: CandidateSet) -> None:
        original = candidate_set.original
        term = self._pre_filter(original.term)
        settings = self.settings
        if settings.suggest_mode != "always":
            threshold = self.threshold(original.doc_freq)
            if threshold == INT_MAX:
                return
            if settings.min_doc_freq < threshold:
                settings = dataclasses.replace(settings, min_doc_freq=float(threshold))
        words = _similar(term, self.dictionary.doc_freq, self.max_doc, settings.size, settings)
        found: list[Candidate] = []
        for word in words:
            doc_freq, total_freq = self.internal_stats(word.text)
            self._post_filter(self.candidate(word.text, doc_freq, total_freq, word.score), found)
        candidate_set.add(found)

    def _post_filter(self, candidate: Candidate, found: list[Candidate]) -> None:
        if self.post is None:
            found.append(candidate)
            return
        score = candidate.score
        last = -1
        for term, position, _ in self.post.typed_tokens(candidate.term):
            increment, last = position - last, position
            if increment > 0 and term == candidate.term:
                doc_freq, total_freq = self.internal_stats(term)
                found.append(Candidate(term, doc_freq, total_freq, candidate.distance, score))
            else:
                found.append(
                    Candidate(term, candidate.doc_freq, candidate.total_freq, self.rwl, score)
                )


def _log10(value: float) -> float:
    if value > 0:
        return math.log10(value)
    return float("-inf") if value == 0 else float("nan")


class _WordScorer:
    """WordScorer and its smoothing models over the suggest field's n-gram frequencies."""

    def __init__(
        self,
        dictionary: TermDictionary,
        max_doc: int,
        several_segments: bool,
        rwl: float,
        separator: str,
        smoothing: Smoothing,
    ) -> None:
        self.freqs = dictionary.total_freq
        self.vocabulary = dictionary.sum_total_freq
        self.num_terms = max_doc if several_segments else len(dictionary.doc_freq)
        self.rwl = rwl
        self.separator = separator
        self.model = smoothing
        if smoothing.kind == "linear":
            total = sum(smoothing.lambdas)
            self.lambdas = tuple(weight / total for weight in smoothing.lambdas)

    def frequency(self, *terms: str) -> int:
        return self.freqs.get(self.separator.join(terms), 0)

    def score(self, path: list[Candidate], at: int, gram_size: int) -> float:
        word = path[at]
        channel = self.rwl if word.distance == 1.0 else word.distance
        if at == 0 or gram_size == 1:
            return _log10(channel * self.unigram(word))
        if at == 1 or gram_size == 2:
            return _log10(channel * self.bigram(word, path[at - 1]))
        return _log10(channel * self.trigram(word, path[at - 1], path[at - 2]))

    def unigram(self, w: Candidate) -> float:
        if self.model.kind == "laplace":
            alpha = self.model.value
            return (alpha + self.frequency(w.term)) / (self.vocabulary + alpha * self.num_terms)
        return (1.0 + self.frequency(w.term)) / (self.vocabulary + self.num_terms)

    def bigram(self, w: Candidate, w1: Candidate) -> float:
        count = self.frequency(w1.term, w.term)
        kind = self.model.kind
        if kind == "laplace":
            alpha = self.model.value
            return (alpha + count) / (w1.total_freq + alpha * self.num_terms)
        if kind == "linear":
            _, bigram_lambda, unigram_lambda = self.lambdas
            if count < 1:
                return unigram_lambda * self.unigram(w)
            return bigram_lambda * (count / (0.5 + w1.total_freq)) + unigram_lambda * self.unigram(
                w
            )
        if count < 1:
            return self.model.value * self.unigram(w)
        return count / (w1.total_freq + 0.00000000001)

    def trigram(self, w: Candidate, w1: Candidate, w2: Candidate) -> float:
        kind = self.model.kind
        if kind == "laplace":
            alpha = self.model.value
            count = self.frequency(w2.term, w1.term, w.term)
            return (alpha + count) / (self.frequency(w1.term, w.term) + alpha * self.num_terms)
        if kind == "linear":
            # LinearInterpolatingScorer joins the trigram backwards: Elasticsearch's lookup.
            count = self.frequency(w.term, w1.term, w2.term)
            if count < 1:
                return self.bigram(w, w1)
            previous = self.frequency(w.term, w1.term)
            return self.lambdas[0] * (count / (1.0 + previous)) + self.bigram(w, w1)
        bigrams = self.frequency(w1.term, w.term)
        if bigrams < 1:
            return self.model.value * self.unigram(w)
        trigrams = self.frequency(w2.term, w1.term, w.term)
        if trigrams < 1:
            return self.model.value * (bigrams / (w1.total_freq + 0.00000000001))
        return trigrams / (bigrams + 0.00000000001)


@functools.total_ordering
class _Correction:
    """Correction.compareTo: by score, then (weaker) the later terms."""

    __slots__ = ("path", "score")

    def __init__(self, score: float, path: list[Candidate]) -> None:
        self.score = score
        self.path = path

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Correction) and self._compare(other) == 0

    def __lt__(self, other: _Correction) -> bool:
        return self._compare(other) < 0

    def __hash__(self) -> int:
        return hash(self.score)

    def _compare(self, other: _Correction) -> int:
        if self.score != other.score:
            return -1 if self.score < other.score else 1
        for mine, theirs in zip(self.path, other.path, strict=False):
            if mine.term != theirs.term:
                return 1 if mine.term < theirs.term else -1
        return len(self.path) - len(other.path)


def _best(
    sets: list[CandidateSet],
    scorer: _WordScorer,
    gram_size: int,
    limit: int,
    max_errors: float,
    cutoff: float,
) -> list[tuple[float, list[Candidate]]]:
    """CandidateScorer.findBestCandiates: every path with at most the allowed corrections,
    the ``limit`` best above the cut-off, best first."""
    if max_errors >= 1.0:
        errors = java_int(max_errors)
    else:
        errors = (
            java_int(math.floor(java_float(max_errors * len(sets)) + 0.5))
            if not math.isnan(max_errors)
            else 0
        )
    queue: list[_Correction] = []
    path: list[Candidate] = [sets[0].original] * len(sets)

    def keep(score: float) -> None:
        score = math.exp(score)
        if not score > cutoff:
            return
        correction = _Correction(score, list(path))
        if len(queue) < limit:
            heapq.heappush(queue, correction)
        elif queue[0] < correction:
            heapq.heapreplace(queue, correction)

    def walk(ord_: int, left: int, path_score: float) -> None:
        current = sets[ord_]
        choices = [current.original, *current.candidates] if left > 0 else [current.original]
        last = ord_ == len(sets) - 1
        for index, choice in enumerate(choices):
            path[ord_] = choice
            score = path_score + scorer.score(path, ord_, gram_size)
            if last:
                keep(score)
            else:
                walk(ord_ + 1, left - (1 if index > 0 else 0), score)

    walk(0, max(1, errors), 0.0)
    return [(c.score, c.path) for c in sorted(queue, reverse=True)]


def _highlighted(path: list[Candidate], pre: str | None, post: str | None) -> str:
    """Correction.join with tags around each run of corrected terms."""
    parts = []
    for i, candidate in enumerate(path):
        if candidate.user_input:
            parts.append(candidate.term)
            continue
        opening = pre if i == 0 or path[i - 1].user_input else ""
        closing = post if i == len(path) - 1 or path[i + 1].user_input else ""
        parts.append(f"{opening or ''}{candidate.term}{closing or ''}")
    return " ".join(parts)
