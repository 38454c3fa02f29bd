"""The ``phrase`` suggester, as Elasticsearch's (org.elasticsearch.search.suggest.phrase)
answers it: direct generators (Lucene's DirectSpellChecker) draw candidates per token, an
n-gram language model over the field's shingles scores each corrected phrase.

Expected options and scores come from Elasticsearch's reference page ("Phrase suggester"),
from its SuggestSearchIT (the inputs and expectations of its small phrase tests), and from
working its scorers by hand where noted.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch

SETTINGS: dict[str, Any] = {
    "index": {
        "number_of_shards": 1,
        "analysis": {
            "analyzer": {
                "trigram": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "shingle"],
                },
                "reverse": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "reverse"],
                },
            },
            "filter": {
                "shingle": {"type": "shingle", "min_shingle_size": 2, "max_shingle_size": 3}
            },
        },
    }
}
MAPPINGS = {
    "properties": {
        "title": {
            "type": "text",
            "fields": {
                "trigram": {"type": "text", "analyzer": "trigram"},
                "reverse": {"type": "text", "analyzer": "reverse"},
            },
        },
        "tag": {"type": "keyword"},
        "year": {"type": "integer"},
    }
}


@pytest.fixture
def test_index(any_es: Elasticsearch) -> Elasticsearch:
    """The reference page's index: each document indexed with ?refresh=true (two segments)."""
    any_es.indices.create(index="test", settings=SETTINGS, mappings=MAPPINGS)
    any_es.index(index="test", document={"title": "noble warriors"}, refresh=True)
    any_es.index(index="test", document={"title": "nobel prize"}, refresh=True)
    return any_es


def _suggest(es: Elasticsearch, index: str = "test", **suggest: object) -> dict:
    return es.search(index=index, suggest=suggest).body["suggest"]


def test_the_reference_example_corrects_noble_prize(test_index: Elasticsearch) -> None:
    found = _suggest(
        test_index,
        text="noble prize",
        simple_phrase={
            "phrase": {
                "field": "title.trigram",
                "size": 1,
                "gram_size": 3,
                "direct_generator": [{"field": "title.trigram", "suggest_mode": "always"}],
                "highlight": {"pre_tag": "<em>", "post_tag": "</em>"},
            }
        },
    )
    assert found == {
        "simple_phrase": [
            {
                "text": "noble prize",
                "offset": 0,
                "length": 11,
                "options": [
                    {
                        "text": "nobel prize",
                        "highlighted": "<em>nobel</em> prize",
                        "score": 0.48614594,
                    }
                ],
            }
        ]
    }


def _options(found: dict, name: str = "s") -> list[str]:
    return [option["text"] for option in found[name][0]["options"]]


@pytest.fixture
def bigrams(any_es: Elasticsearch) -> Elasticsearch:
    """SuggestSearchIT.testSizeParam's index: a body field and a bigram-only shingle field."""
    any_es.indices.create(
        index="test",
        settings={
            "number_of_shards": 1,
            "analysis": {
                "analyzer": {
                    "body": {"tokenizer": "standard", "filter": ["lowercase"]},
                    "bigram": {"tokenizer": "standard", "filter": ["my_shingle", "lowercase"]},
                },
                "filter": {
                    "my_shingle": {
                        "type": "shingle",
                        "output_unigrams": False,
                        "min_shingle_size": 2,
                        "max_shingle_size": 2,
                    }
                },
            },
        },
        mappings={
            "properties": {
                "body": {"type": "text", "analyzer": "body"},
                "bigram": {"type": "text", "analyzer": "bigram"},
            }
        },
    )
    for n, line in enumerate(["xorr the god jewel", "I got it this time"]):
        any_es.index(index="test", id=str(n + 1), document={"body": line, "bigram": line})
    any_es.indices.refresh(index="test")
    return any_es


def test_generator_size_bounds_the_candidates_per_token(bigrams: Elasticsearch) -> None:
    """SuggestSearchIT.testSizeParam: with one candidate per token "god" (two edits from
    "gut") is not drawn; with two it is."""

    def phrase(generator_size: int) -> dict:
        return {
            "phrase": {
                "field": "bigram",
                "real_word_error_likelihood": 0.95,
                "gram_size": 2,
                "analyzer": "body",
                "direct_generator": [
                    {
                        "field": "body",
                        "min_word_length": 1,
                        "prefix_length": 1,
                        "suggest_mode": "always",
                        "size": generator_size,
                        "accuracy": 0.1,
                    }
                ],
                "smoothing": {"stupid_backoff": {"discount": 0.1}},
                "max_errors": 1.0,
                "size": 5,
            }
        }

    assert _options(_suggest(bigrams, text="Xorr the Gut-Jewel", s=phrase(1))) == []
    found = _suggest(bigrams, text="Xorr the Gut-Jewel", s=phrase(2))
    assert _options(found)[0] == "xorr the god jewel"
    assert found["s"][0]["text"] == "Xorr the Gut-Jewel"
    assert found["s"][0]["length"] == 18


SUGGEST_SETTINGS = {
    "number_of_shards": 1,
    "max_shingle_diff": 4,
    "analysis": {
        "analyzer": {"suggest": {"tokenizer": "standard", "filter": ["lowercase", "shingler"]}},
        "filter": {
            "shingler": {
                "type": "shingle",
                "min_shingle_size": 2,
                "max_shingle_size": 5,
                "output_unigrams": True,
            }
        },
    },
}


def test_empty_index_then_the_suggestion_that_documents_allow(any_es: Elasticsearch) -> None:
    """SuggestSearchIT.testEmptyShards: no options on an empty index, nor when no document
    holds a correction; three once one does, "testing suggestions" first."""
    any_es.indices.create(
        index="test",
        settings=SUGGEST_SETTINGS,
        mappings={"properties": {"name": {"type": "text", "analyzer": "suggest"}}},
    )
    suggest = {
        "text": "tetsting sugestion",
        "did_you_mean": {"phrase": {"field": "name", "max_errors": 5.0}},
    }
    found = any_es.search(index="test", size=0, suggest=suggest).body["suggest"]
    assert found == {
        "did_you_mean": [{"text": "tetsting sugestion", "offset": 0, "length": 18, "options": []}]
    }
    any_es.index(index="test", id="11", document={"foo": "bar"})
    any_es.index(index="test", id="12", document={"foo": "bar"})
    any_es.index(index="test", id="2", document={"name": "An other title about equal length"})
    any_es.indices.refresh(index="test")
    found = any_es.search(index="test", size=0, suggest=suggest).body["suggest"]
    assert _options(found, "did_you_mean") == []
    any_es.index(index="test", id="1", document={"name": "Just testing the suggestions api"})
    any_es.indices.refresh(index="test")
    found = any_es.search(index="test", size=0, suggest=suggest).body["suggest"]
    options = _options(found, "did_you_mean")
    assert len(options) == 3
    assert options[0] == "testing suggestions"
    scores = [option["score"] for option in found["did_you_mean"][0]["options"]]
    assert scores == sorted(scores, reverse=True)


def test_confidence_keeps_only_phrases_better_than_the_input(any_es: Elasticsearch) -> None:
    """SuggestSearchIT.testSearchForRarePhrase: with confidence 2 the correct "nobel prize"
    gets no suggestion while "noble prize" is corrected to it."""
    any_es.indices.create(
        index="test",
        settings={
            "number_of_shards": 1,
            "analysis": {
                "analyzer": {
                    "body": {"tokenizer": "standard", "filter": ["lowercase", "my_shingle"]}
                },
                "filter": {
                    "my_shingle": {
                        "type": "shingle",
                        "output_unigrams": True,
                        "min_shingle_size": 2,
                        "max_shingle_size": 2,
                    }
                },
            },
        },
        mappings={"properties": {"body": {"type": "text", "analyzer": "body"}}},
    )
    phrases = [
        "nobel prize",
        "noble gases",
        "somethingelse prize",
        "pride and joy",
        "notes are fun",
    ]
    phrases += [f"noble somethingelse{i}" for i in range(8)]
    phrases += [f"chaff{i}" for i in range(100)]
    operations: list[dict] = []
    for phrase in phrases:
        operations += [{"index": {"_index": "test", "_id": phrase}}, {"body": phrase}]
    any_es.bulk(operations=operations, refresh=True)
    phrase = {
        "field": "body",
        "direct_generator": [
            {"field": "body", "min_word_length": 1, "suggest_mode": "always", "max_term_freq": 0.99}
        ],
        "confidence": 2,
        "max_errors": 5,
        "size": 1,
    }
    assert _options(_suggest(any_es, text="nobel prize", s={"phrase": phrase})) == []
    assert _options(_suggest(any_es, text="noble prize", s={"phrase": phrase})) == ["nobel prize"]


def test_reverse_generator_with_pre_and_post_filters(test_index: Elasticsearch) -> None:
    """The reference page's last example: a generator over reversed terms finds "nobel" for
    "obel", which shares no prefix with it."""
    found = _suggest(
        test_index,
        text="obel prize",
        s={
            "phrase": {
                "field": "title.trigram",
                "size": 1,
                "direct_generator": [
                    {"field": "title.trigram", "suggest_mode": "always"},
                    {
                        "field": "title.reverse",
                        "suggest_mode": "always",
                        "pre_filter": "reverse",
                        "post_filter": "reverse",
                    },
                ],
            }
        },
    )
    assert _options(found) == ["nobel prize"]
    without = {
        "field": "title.trigram",
        "direct_generator": [{"field": "title.trigram", "suggest_mode": "always"}],
    }
    assert _options(_suggest(test_index, text="obel prize", s={"phrase": without})) == []


def test_gram_size_comes_from_the_shingle_filter(test_index: Elasticsearch) -> None:
    """Without gram_size the trigram analyzer's max_shingle_size (3) is used: the same
    answer as the reference example's explicit gram_size 3, unlike gram_size 1."""
    phrase = {
        "field": "title.trigram",
        "direct_generator": [{"field": "title.trigram", "suggest_mode": "always"}],
    }
    detected = _suggest(test_index, text="noble prize", s={"phrase": phrase})
    explicit = _suggest(test_index, text="noble prize", s={"phrase": {**phrase, "gram_size": 3}})
    unigrams = _suggest(test_index, text="noble prize", s={"phrase": {**phrase, "gram_size": 1}})
    assert detected == explicit
    assert detected["s"][0]["options"][0]["score"] == 0.48614594
    assert _options(unigrams) == []  # as unigrams "nobel" scores no better than "noble"


def test_smoothing_models_score_as_elasticsearch(test_index: Elasticsearch) -> None:
    """Worked by hand from the scorers (2 documents over 2 segments: 6 terms, numTerms = 2):
    Laplace (alpha 0.5): exp(log10(0.8f * 1.5/7) + log10(0.95f * 1.5/2)); linear (0.5, 0.3,
    0.2): exp(log10(0.8f * 2/8) + log10(0.95f * (0.3 * 1/1.5 + 0.2 * 2/8))), as floats."""
    phrase = {
        "field": "title.trigram",
        "direct_generator": [{"field": "title.trigram", "suggest_mode": "always"}],
        "confidence": 0,
        "size": 1,
    }
    laplace = _suggest(
        test_index, text="noble prize", s={"phrase": {**phrase, "smoothing": {"laplace": {}}}}
    )
    assert laplace["s"][0]["options"] == [{"text": "nobel prize", "score": 0.40126553}]
    linear = {"linear": {"trigram_lambda": 0.5, "bigram_lambda": 0.3, "unigram_lambda": 0.2}}
    found = _suggest(test_index, text="noble prize", s={"phrase": {**phrase, "smoothing": linear}})
    assert found["s"][0]["options"] == [{"text": "nobel prize", "score": 0.2662535}]


def test_highlight_wraps_runs_of_corrected_terms(test_index: Elasticsearch) -> None:
    test_index.index(index="test", document={"title": "nobel prize winners"}, refresh=True)
    found = _suggest(
        test_index,
        text="noble prize winers",
        s={
            "phrase": {
                "field": "title.trigram",
                "max_errors": 2,
                "size": 1,
                "direct_generator": [{"field": "title.trigram", "suggest_mode": "always"}],
                "highlight": {"pre_tag": "[", "post_tag": "]"},
            }
        },
    )
    assert found["s"][0]["options"][0]["text"] == "nobel prize winners"
    assert found["s"][0]["options"][0]["highlighted"] == "[nobel] prize [winners]"


def test_token_limit_gives_no_options(test_index: Elasticsearch) -> None:
    phrase = {
        "field": "title.trigram",
        "direct_generator": [{"field": "title.trigram", "suggest_mode": "always"}],
    }
    assert _options(_suggest(test_index, text="noble prize", s={"phrase": phrase})) == [
        "nobel prize"
    ]
    limited = {**phrase, "token_limit": 2}
    assert _options(_suggest(test_index, text="noble prize", s={"phrase": limited})) == []


def test_errors_in_elasticsearch_words(test_index: Elasticsearch) -> None:
    def phrase(**options: object) -> dict:
        return {"s": {"text": "noble prize", "phrase": {"field": "title.trigram", **options}}}

    cases = [
        (phrase(bogus=1), "suggester[phrase] doesn't support field [bogus]"),
        (
            {"s": {"text": "x", "phrase": {"size": 1}}},
            "the required field option [field] is missing",
        ),
        ({"s": {"text": "x", "phrase": {"field": "nope"}}}, "no mapping found for field [nope]"),
        (phrase(max_errors=0), "max_error must be > 0.0"),
        (phrase(max_errors=-1), "max_error must be > 0.0"),
        (phrase(confidence=-0.5), "confidence must be >= 0.0"),
        (phrase(real_word_error_likelihood=0), "real_word_error_likelihood must be > 0.0"),
        (phrase(gram_size=0), "gramSize must be >= 1"),
        (phrase(token_limit=0), "token_limit must be >= 1"),
        (
            phrase(smoothing={"kneser_ney": {}}),
            "suggester[phrase] doesn't support object field [kneser_ney]",
        ),
        (
            phrase(smoothing={"linear": {"trigram_lambda": 0.5, "bigram_lambda": 0.1}}),
            "linear smoothing lambdas must sum to 1",
        ),
        (
            phrase(smoothing={"linear": {"four_lambda": 1}}),
            "suggester[phrase][smoothing][linear] doesn't support field [four_lambda]",
        ),
        (
            phrase(highlight={"pre_tag": "<em>"}),
            "Pre and post tag must both be null or both not be null.",
        ),
        (
            phrase(highlight={"tag": "<em>"}),
            "suggester[phrase][highlight] doesn't support field [tag]",
        ),
        (
            phrase(direct_generator=[{"field": "title", "bogus": 1}]),
            "[direct_generator] unknown field [bogus]",
        ),
        (
            phrase(direct_generator=[{"field": "title", "suggest_mode": "often"}]),
            "Illegal suggest mode often",
        ),
        (
            phrase(direct_generator=[{"field": "title", "max_edits": 3}]),
            "[direct_generator] failed to parse field [max_edits]",
        ),
        (
            phrase(direct_generator=[{"field": "title", "pre_filter": "nope"}]),
            "Analyzer [nope] doesn't exists",
        ),
        (phrase(analyzer="nope"), "analyzer [nope] doesn't exists"),
        (
            phrase(collate={"query": {"id": "stored"}}),
            "[id] in the [collate] query script is not supported",
        ),
        (
            phrase(collate={"query": "{}", "prune": "yes"}),
            "suggester[phrase][collate] prune must be either 'true' or 'false'",
        ),
        (
            phrase(collate={"query": "{}", "size": 1}),
            "suggester[phrase][collate] doesn't support field [size]",
        ),
        (
            phrase(direct_generator=[{"field": "title", "string_distance": "ngram"}]),
            "[string_distance] [ngram] in the [phrase] suggester is not supported",
        ),
        (
            {"s": {"text": "x", "phrase": {"field": "year"}}},
            "the [phrase] suggester on a field of type [integer] is not supported",
        ),
    ]
    for suggest, reason in cases:
        with pytest.raises(BadRequestError) as error:
            test_index.search(index="test", suggest=suggest)
        assert reason in str(error.value.body["error"]["reason"]), suggest


BODY_BIGRAM_SETTINGS = {
    "number_of_shards": 1,
    "analysis": {
        "analyzer": {
            "body": {"tokenizer": "standard", "filter": ["lowercase"]},
            "bigram": {"tokenizer": "standard", "filter": ["my_shingle", "lowercase"]},
        },
        "filter": {
            "my_shingle": {
                "type": "shingle",
                "output_unigrams": False,
                "min_shingle_size": 2,
                "max_shingle_size": 2,
            }
        },
    },
}
BODY_BIGRAM_MAPPINGS = {
    "properties": {
        "body": {"type": "text", "analyzer": "body"},
        "bigram": {"type": "text", "analyzer": "bigram"},
    }
}
CHARACTERS = [
    "Arthur, King of the Britons",
    "Sir Lancelot the Brave",
    "Patsy, Arthur's Servant",
    "Sir Robin the Not-Quite-So-Brave-as-Sir-Lancelot",
    "Sir Bedevere the Wise",
    "Sir Galahad the Pure",
    "Miss Islington, the Witch",
    "Zoot",
    "Leader of Robin's Minstrels",
    "Old Crone",
    "Frank, the Historian",
    "Frank's Wife",
    "Dr. Piglet",
    "Dr. Winston",
    "Sir Robin (Stand-in)",
    "Knight Who Says Ni",
    "Police sergeant who stops the film",
]


def test_basic_phrase_suggest(any_es: Elasticsearch) -> None:
    """SuggestSearchIT.testBasicPhraseSuggest, step by step."""
    any_es.indices.create(
        index="test", settings=BODY_BIGRAM_SETTINGS, mappings=BODY_BIGRAM_MAPPINGS
    )
    operations: list[dict] = []
    for line in CHARACTERS:
        operations += [{"index": {"_index": "test", "_id": line}}, {"body": line, "bigram": line}]
    any_es.bulk(operations=operations, refresh=True)
    phrase: dict = {
        "field": "bigram",
        "gram_size": 2,
        "analyzer": "body",
        "direct_generator": [{"field": "body", "min_word_length": 1, "suggest_mode": "always"}],
        "size": 1,
    }

    def top(text: str, **options: object) -> list[dict]:
        found = _suggest(any_es, text=text, s={"phrase": {**phrase, **options}})
        assert found["s"][0]["text"] == text
        return found["s"][0]["options"]

    assert [o["text"] for o in top("Frank's Wise")] == ["frank's wife"]
    phrase["real_word_error_likelihood"] = 0.95
    assert [o["text"] for o in top("Artur, Kinh of the Britons")] == ["arthur king of the britons"]
    highlighted = top(
        "Artur, King of the Britns", highlight={"pre_tag": "<em>", "post_tag": "</em>"}
    )
    assert highlighted[0]["text"] == "arthur king of the britons"
    assert highlighted[0]["highlighted"] == "<em>arthur</em> king of the <em>britons</em>"
    # A correct phrase.
    phrase.update(confidence=0, max_errors=0.5)
    assert [o["text"] for o in top("Arthur, King of the Britons")] == ["arthur king of the britons"]
    assert top("Arthur, King of the Britons", confidence=2) == []
    correct = top("Arthur, King of the Britons", confidence=0.99)
    assert [o["text"] for o in correct] == ["arthur king of the britons"]
    # Smoothing: all mass on trigrams (none indexed), on bigrams, distributed.
    phrase["confidence"] = 0.99

    def linear(tri: float, bi: float, uni: float) -> dict:
        return {"linear": {"trigram_lambda": tri, "bigram_lambda": bi, "unigram_lambda": uni}}

    assert top("Artur, King of the Britns", smoothing=linear(1, 0, 0)) == []
    for model in (
        linear(0, 1, 0),
        linear(0.4, 0.4, 0.2),
        {"laplace": {"alpha": 0.2}},
        {"stupid_backoff": {"discount": 0.1}},
    ):
        options = top("Artur, King of the Britns", smoothing=model)
        assert [o["text"] for o in options] == ["arthur king of the britons"], model
    frank = top("Frank's Wise", smoothing=linear(0.4, 0.4, 0.2))
    assert [o["text"] for o in frank] == ["frank's wife"]
    # token_limit: five tokens are too many for 4; fifteen let a repeated phrase through.
    assert top("Artur, King of the Britns", token_limit=4) == []
    repeated = "Sir Bedever the Wife Sir Bedever the Wife Sir Bedever the Wife"
    options = top(repeated, token_limit=15, smoothing={"stupid_backoff": {"discount": 0.1}})
    assert [o["text"] for o in options] == [
        "sir bedevere the wise sir bedevere the wise sir bedevere the wise"
    ]


def test_prefix_length_of_the_generator(any_es: Elasticsearch) -> None:
    """SuggestSearchIT.testPrefixLength: "word" keeps its four letters with prefix_length 4
    (only "words" is a candidate), not with 2 (the more frequent "world" wins)."""
    any_es.indices.create(
        index="test", settings=BODY_BIGRAM_SETTINGS, mappings=BODY_BIGRAM_MAPPINGS
    )
    for n, line in enumerate(["hello world", "hello world", "hello words"]):
        any_es.index(index="test", id=str(n + 1), document={"body": line})
    any_es.indices.refresh(index="test")

    def top(prefix_length: int) -> list[str]:
        generator = {
            "field": "body",
            "prefix_length": prefix_length,
            "min_word_length": 1,
            "suggest_mode": "always",
        }
        phrase = {"field": "body", "direct_generator": [generator], "size": 1, "confidence": 1.0}
        return _options(_suggest(any_es, text="hello word", s={"phrase": phrase}))

    assert top(4) == ["hello words"]
    assert top(2) == ["hello world"]


def test_stopwords_only_text_has_no_suggestion(any_es: Elasticsearch) -> None:
    """SuggestSearchIT.testStopwordsOnlyPhraseSuggest."""
    any_es.indices.create(
        index="test",
        settings={
            "analysis": {"analyzer": {"stopwd": {"tokenizer": "standard", "filter": ["stop"]}}}
        },
        mappings={"properties": {"body": {"type": "text", "analyzer": "stopwd"}}},
    )
    any_es.index(index="test", id="1", document={"body": "this is a test"}, refresh=True)
    phrase = {
        "field": "body",
        "gram_size": 1,
        "direct_generator": [{"field": "body", "min_word_length": 1, "suggest_mode": "always"}],
        "size": 1,
    }
    found = _suggest(any_es, text="a an the", s={"phrase": phrase})
    assert found == {"s": [{"text": "a an the", "offset": 0, "length": 8, "options": []}]}


def test_collate_keeps_the_corrections_its_query_matches(test_index: Elasticsearch) -> None:
    """The reference page's collate example (prune: every correction, with collate_match),
    and without prune only the corrections whose rendered query matches a document."""
    phrase = {
        "field": "title.trigram",
        "size": 1,
        "direct_generator": [
            {"field": "title.trigram", "suggest_mode": "always", "min_word_length": 1}
        ],
        "collate": {
            "query": {"source": {"match": {"{{field_name}}": "{{suggestion}}"}}},
            "params": {"field_name": "title"},
            "prune": True,
        },
    }
    found = _suggest(test_index, text="noble prize", s={"phrase": phrase})
    assert found["s"][0]["options"] == [
        {"text": "nobel prize", "score": 0.48614594, "collate_match": True}
    ]
    exact = {"query": {"source": '{"match_phrase": {"title": "{{suggestion}}"}}'}}
    everything = {**phrase, "size": 5, "confidence": 0}
    pruned = {**everything, "collate": {**exact, "prune": True}}
    found = _suggest(test_index, text="noble prize", s={"phrase": pruned})
    matches = {o["text"]: o["collate_match"] for o in found["s"][0]["options"]}
    assert matches == {"nobel prize": True, "noble prize": False}
    kept = {**everything, "collate": exact}
    found = _suggest(test_index, text="noble prize", s={"phrase": kept})
    assert found["s"][0]["options"] == [{"text": "nobel prize", "score": 0.48614594}]


def test_keyword_field_and_several_indices(any_es: Elasticsearch) -> None:
    """A keyword field's whole value is the one token; an option found in several indices is
    given once, with its best score."""
    for index in ("tags-a", "tags-b"):
        any_es.indices.create(index=index, mappings={"properties": {"tag": {"type": "keyword"}}})
        any_es.index(index=index, document={"tag": "nobel prize"}, refresh=True)
    phrase = {
        "field": "tag",
        "direct_generator": [{"field": "tag", "suggest_mode": "always"}],
        "highlight": {"pre_tag": "<b>", "post_tag": "</b>"},
    }
    one = _suggest(any_es, index="tags-a", text="nobel prise", s={"phrase": phrase})
    # One segment, one term: exp(log10((float) (1 - 1/11) * (1 + 1) / (1 + 1))).
    assert one["s"][0]["options"] == [
        {"text": "nobel prize", "highlighted": "<b>nobel prize</b>", "score": 0.9594523}
    ]
    both = _suggest(any_es, index="tags-*", text="nobel prise", s={"phrase": phrase})
    assert both == one


def test_suggest_modes(any_es: Elasticsearch) -> None:
    """SuggestSearchIT.testSuggestModes: "always" corrects "ice tea" to "iced tea"; the
    default "missing" leaves "ice", which the index holds, alone."""
    any_es.indices.create(
        index="test",
        settings={
            "number_of_shards": 1,
            "analysis": {
                "analyzer": {
                    "biword": {"tokenizer": "standard", "filter": ["shingler", "lowercase"]}
                },
                "filter": {
                    "shingler": {"type": "shingle", "min_shingle_size": 2, "max_shingle_size": 3}
                },
            },
        },
        mappings={
            "properties": {
                "name": {
                    "type": "text",
                    "fields": {
                        "shingled": {
                            "type": "text",
                            "analyzer": "biword",
                            "search_analyzer": "standard",
                        }
                    },
                }
            }
        },
    )
    for n, line in enumerate(["I like iced tea", "I like tea.", "I like ice cream."]):
        any_es.index(index="test", id=str(n + 1), document={"name": line})
    any_es.indices.refresh(index="test")
    generator = {"field": "name", "prefix_length": 0, "min_word_length": 0, "max_edits": 2}

    def suggest(**mode: str) -> list[str]:
        phrase = {
            "field": "name.shingled",
            "gram_size": 3,
            "direct_generator": [{**generator, **mode}],
        }
        return _options(
            _suggest(any_es, text="ice tea", did_you_mean={"phrase": phrase}), "did_you_mean"
        )

    assert suggest(suggest_mode="always")[0] == "iced tea"
    assert suggest() == []


def test_synonyms_of_the_analyzer_are_candidates(any_es: Elasticsearch) -> None:
    """A synonym stacked on a token (position increment 0, type SYNONYM) is a candidate with
    the real-word likelihood as its channel score, even where the generator, in "missing"
    mode, draws nothing for a word the index holds: exp(log10(0.95f * 2/8) + log10(0.95f))."""
    settings = copy.deepcopy(SETTINGS)
    analysis = settings["index"]["analysis"]
    analysis["filter"]["syn"] = {"type": "synonym", "synonyms": ["nobel, noble"]}
    analysis["analyzer"]["syn"] = {"tokenizer": "standard", "filter": ["lowercase", "syn"]}
    any_es.indices.create(
        index="test",
        settings=settings,
        mappings=MAPPINGS,
    )
    any_es.index(index="test", document={"title": "noble warriors"}, refresh=True)
    any_es.index(index="test", document={"title": "nobel prize"}, refresh=True)
    phrase = {
        "field": "title.trigram",
        "gram_size": 2,
        "highlight": {"pre_tag": "<", "post_tag": ">"},
    }
    assert _options(_suggest(any_es, text="noble prize", s={"phrase": phrase})) == []
    found = _suggest(any_es, text="noble prize", s={"phrase": {**phrase, "analyzer": "syn"}})
    assert found["s"][0]["options"] == [
        {"text": "nobel prize", "highlighted": "<nobel> prize", "score": 0.52381706}
    ]


def test_generator_modes_and_one_refresh(any_es: Elasticsearch) -> None:
    """Five documents made searchable by one refresh: one Lucene segment in Elasticsearch,
    so the unigram model divides by the 9 tokens plus the 4 distinct terms. "popular" only
    draws terms in more documents than the token ("nobel", not "nobles"), "missing" nothing
    for a token the index holds. By hand: exp(log10(0.8f * 4/13) + log10(0.95f * 5/13)),
    exp(log10(0.95f * 2/13) + log10(0.95f * 5/13)), exp(log10(0.8f * 2/13) + ...)."""
    any_es.indices.create(index="test", mappings={"properties": {"body": {"type": "text"}}})
    lines = ["nobel prize", "nobel prize", "nobel prize", "noble prize", "nobles"]
    for n, line in enumerate(lines):
        any_es.index(index="test", id=str(n), document={"body": line})
    any_es.indices.refresh(index="test")

    def options(mode: str) -> list[dict]:
        generator = {"field": "body", "suggest_mode": mode, "max_term_freq": 0.9}
        phrase = {"field": "body", "confidence": 0, "direct_generator": [generator]}
        return _suggest(any_es, text="noble prize", s={"phrase": phrase})["s"][0]["options"]

    nobel = {"text": "nobel prize", "score": 0.35132515}
    noble = {"text": "noble prize", "score": 0.28014737}
    assert options("popular") == [nobel, noble]
    assert options("missing") == [noble]
    assert options("always") == [nobel, noble, {"text": "nobles prize", "score": 0.26000014}]


def test_odd_numbers_are_read_as_java_reads_them(test_index: Elasticsearch) -> None:
    """Floats beyond a float's range or NaN, as Java casts them: an infinite absolute
    frequency is fractional (400), NaN frequencies and errors count as 0; an int option out
    of an int's range is a parse error."""
    generator = {"field": "title.trigram", "suggest_mode": "always"}

    def phrase(options: dict, **generator_options: object) -> dict:
        return {
            "s": {
                "text": "noble prize",
                "phrase": {
                    "field": "title.trigram",
                    "direct_generator": [{**generator, **generator_options}],
                    **options,
                },
            }
        }

    for key in ("min_doc_freq", "max_term_freq"):
        with pytest.raises(BadRequestError) as error:
            test_index.search(index="test", suggest=phrase({}, **{key: 1.5e308}))
        assert "Fractional absolute document frequencies are not allowed" in str(error.value)
    with pytest.raises(BadRequestError) as error:
        test_index.search(index="test", suggest=phrase({"size": 2**63}))
    assert "suggester[phrase] parsing failed on [size]" in str(error.value)
    for options, generator_options, expected in (
        ({"max_errors": "NaN"}, {}, ["nobel prize"]),  # round(NaN) = 0: one error at least
        ({"max_errors": 1.5e308}, {}, ["nobel prize"]),
        ({}, {"max_term_freq": "NaN"}, []),  # (int) ceil(NaN * maxDoc) = 0: "noble" is too frequent
        ({}, {"min_doc_freq": "NaN"}, ["nobel prize"]),
    ):
        found = test_index.search(index="test", suggest=phrase(options, **generator_options))
        assert _options(found.body["suggest"]) == expected, (options, generator_options)
