"""The ``completion`` field and suggester, as Elasticsearch (Lucene's completion postings)
answers them: inputs matched by the prefix of their analysed forms, scored by weight, one
option per document, fuzzy prefixes scored ``weight * shared prefix``, category contexts
boosting; geo contexts and the ``regex`` option refused by name.
"""

from __future__ import annotations

import pytest
from elasticsearch import BadRequestError, Elasticsearch

SETTINGS = {
    "analysis": {
        "analyzer": {
            "folding": {"tokenizer": "whitespace", "filter": ["lowercase", "asciifolding"]},
            "stops": {"tokenizer": "standard", "filter": ["lowercase", "stop"]},
        }
    }
}


@pytest.fixture
def people(any_es: Elasticsearch) -> Elasticsearch:
    any_es.indices.create(
        index="people",
        settings=SETTINGS,
        mappings={
            "properties": {
                "name": {"type": "keyword"},
                "suggest": {"type": "completion", "analyzer": "folding"},
                "plain": {"type": "completion"},
            }
        },
    )
    docs = {
        "1": {"name": "Honza", "suggest": {"input": ["Honza Král", "Král Honza"], "weight": 42}},
        "2": {"name": "Nirvana", "suggest": ["Nirvana", "Nevermind"]},
        "3": {"name": "Kralik", "suggest": {"input": "kralik rabbit", "weight": "7"}},
        "4": {"name": "Krakow", "suggest": [{"input": "Krakow", "weight": 7}, "Kraków"]},
    }
    for doc_id, doc in docs.items():
        any_es.index(index="people", id=doc_id, document=doc)
    any_es.indices.refresh(index="people")
    return any_es


def _options(es: Elasticsearch, completion: dict, index: str = "people", **top: str) -> list:
    body = {"s": {**top, "completion": completion}}
    found = es.search(index=index, suggest=body, source=["name"]).body["suggest"]["s"]
    assert len(found) == 1
    return found[0]["options"]


def test_prefix_suggestions_are_scored_by_weight(people: Elasticsearch) -> None:
    found = people.search(
        index="people", suggest={"s": {"prefix": "kra", "completion": {"field": "suggest"}}}
    ).body["suggest"]["s"]
    assert found[0]["text"] == "kra" and found[0]["offset"] == 0 and found[0]["length"] == 3
    assert found[0]["options"][0] == {
        "text": "Král Honza",
        "_index": "people",
        "_id": "1",
        "_score": 42.0,
        "_source": {
            "name": "Honza",
            "suggest": {"input": ["Honza Král", "Král Honza"], "weight": 42},
        },
    }
    # Equal weights: the smaller analysed form first ("krakow" twice: one option per document).
    options = [(o["text"], o["_id"], o["_score"]) for o in found[0]["options"]]
    assert options == [
        ("Král Honza", "1", 42.0),
        ("Krakow", "4", 7.0),
        ("kralik rabbit", "3", 7.0),
    ]


def test_text_stands_for_the_prefix_and_size_cuts(people: Elasticsearch) -> None:
    options = _options(people, {"field": "suggest", "size": 1}, text="n")
    assert [(o["text"], o["_score"], o["_source"]) for o in options] == [
        ("Nevermind", 1.0, {"name": "Nirvana"})
    ]


def test_separators_matter_unless_switched_off(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="sep",
        mappings={
            "properties": {
                "kept": {"type": "completion"},
                "gone": {"type": "completion", "preserve_separators": False},
            }
        },
    )
    any_es.index(index="sep", id="1", document={"kept": "foo fighters", "gone": "foo fighters"})
    any_es.indices.refresh(index="sep")
    assert _options(any_es, {"field": "kept"}, index="sep", prefix="foof") == []
    assert [o["_id"] for o in _options(any_es, {"field": "gone"}, index="sep", prefix="foof")] == [
        "1"
    ]
    assert [o["_id"] for o in _options(any_es, {"field": "kept"}, index="sep", prefix="foo f")] == [
        "1"
    ]


def test_position_increments_of_stop_words(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="stop",
        settings=SETTINGS,
        mappings={
            "properties": {
                "kept": {"type": "completion", "analyzer": "stops"},
                "gone": {
                    "type": "completion",
                    "analyzer": "stops",
                    "preserve_position_increments": False,
                },
            }
        },
    )
    any_es.index(index="stop", id="1", document={"kept": "The Beatles", "gone": "The Beatles"})
    any_es.indices.refresh(index="stop")
    # The removed "the" leaves a hole: one separator before "beatles" unless it is switched off.
    assert _options(any_es, {"field": "kept"}, index="stop", prefix="b") == []
    assert [o["text"] for o in _options(any_es, {"field": "gone"}, index="stop", prefix="b")] == [
        "The Beatles"
    ]


def test_max_input_length_truncates_the_input(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="short",
        mappings={"properties": {"s": {"type": "completion", "max_input_length": 5}}},
    )
    any_es.index(index="short", id="1", document={"s": "abcdefgh"}, refresh=True)
    assert [o["text"] for o in _options(any_es, {"field": "s"}, index="short", prefix="abc")] == [
        "abcde"
    ]
    assert _options(any_es, {"field": "s"}, index="short", prefix="abcdef") == []


def test_fuzzy_prefixes(people: Elasticsearch) -> None:
    # "krl" is one edit from "kra..."; the shortest accepted prefix "kr" shares 2 labels.
    options = _options(people, {"field": "suggest", "fuzzy": True}, prefix="krl")
    assert [(o["_id"], o["_score"]) for o in options] == [("1", 84.0), ("4", 14.0), ("3", 14.0)]
    assert _options(people, {"field": "suggest", "fuzzy": {"fuzziness": 0}}, prefix="krl") == []
    # The first prefix_length labels must match exactly.
    assert _options(people, {"field": "suggest", "fuzzy": True}, prefix="xra") == []
    found = _options(people, {"field": "suggest", "fuzzy": {"prefix_length": 0}}, prefix="xra")
    assert {o["_id"] for o in found} == {"1", "3", "4"}
    # Below min_length the prefix must match exactly; the boost is then its length.
    short = _options(people, {"field": "suggest", "fuzzy": {"fuzziness": 1}}, prefix="kr")
    assert [(o["_id"], o["_score"]) for o in short] == [("1", 84.0), ("4", 14.0), ("3", 14.0)]


def test_fuzzy_counts_bytes_unless_unicode_aware(people: Elasticsearch) -> None:
    plain = {"field": "plain"}
    people.index(index="people", id="5", document={"plain": "kráter"}, refresh=True)
    # "kra" vs "krá": one character but two UTF-8 bytes apart.
    assert _options(people, {**plain, "fuzzy": {"fuzziness": 1}}, prefix="kraт") == []
    aware = _options(
        people, {**plain, "fuzzy": {"fuzziness": 1, "unicode_aware": True}}, prefix="krat"
    )
    assert [o["_id"] for o in aware] == ["5"]


def test_skip_duplicates_keeps_the_first_of_each_text(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="dup", mappings={"properties": {"s": {"type": "completion"}}})
    for doc_id, weight in (("1", 5), ("2", 9), ("3", 1)):
        any_es.index(index="dup", id=doc_id, document={"s": {"input": "same", "weight": weight}})
    any_es.index(index="dup", id="4", document={"s": "sam other"}, refresh=True)
    every = _options(any_es, {"field": "s"}, index="dup", prefix="sa")
    # Equal weights: "sam<SEP>other" sorts before "same" (the separator is 0x1f).
    assert [o["_id"] for o in every] == ["2", "1", "4", "3"]
    unique = _options(any_es, {"field": "s", "skip_duplicates": True}, index="dup", prefix="sa")
    assert [(o["_id"], o["text"]) for o in unique] == [("2", "same"), ("4", "sam other")]


def test_options_merge_across_indices_by_score_then_text(people: Elasticsearch) -> None:
    people.indices.create(
        index="more",
        settings=SETTINGS,
        mappings=people.indices.get_mapping(index="people")["people"]["mappings"],
    )
    people.index(index="more", id="9", document={"name": "Kraa", "suggest": "kraa"}, refresh=True)
    options = _options(people, {"field": "suggest", "size": 3}, index="people,more", prefix="kra")
    assert [(o["_index"], o["_id"]) for o in options] == [
        ("people", "1"),
        ("people", "4"),
        ("people", "3"),
    ]
    low = _options(people, {"field": "suggest"}, index="people,more", prefix="kraa")
    assert [(o["_index"], o["text"]) for o in low] == [("more", "kraa")]


def test_source_filtering_applies_to_options(people: Elasticsearch) -> None:
    found = people.search(
        index="people",
        source=False,
        suggest={"s": {"prefix": "nir", "completion": {"field": "suggest"}}},
    ).body["suggest"]["s"][0]["options"]
    assert found == [{"text": "Nirvana", "_index": "people", "_id": "2", "_score": 1.0}]


def test_the_index_source_settings_apply_to_options(any_es: Elasticsearch) -> None:
    for name, source in (("kept", {"excludes": ["secret"]}), ("off", {"enabled": False})):
        any_es.indices.create(
            index=name, mappings={"_source": source, "properties": {"s": {"type": "completion"}}}
        )
        any_es.index(index=name, id="1", document={"s": "abc", "secret": 1}, refresh=True)
    body = {"s": {"prefix": "a", "completion": {"field": "s"}}}
    kept = any_es.search(index="kept", suggest=body).body["suggest"]["s"][0]["options"]
    assert kept[0]["_source"] == {"s": "abc"}
    off = any_es.search(index="off", suggest=body).body["suggest"]["s"][0]["options"]
    assert off == [{"text": "abc", "_index": "off", "_id": "1", "_score": 1.0}]


def test_multi_fields_of_and_under_a_completion_field(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="multi",
        mappings={
            "properties": {
                "s": {"type": "completion", "fields": {"raw": {"type": "keyword"}}},
                "title": {"type": "text", "fields": {"suggest": {"type": "completion"}}},
            }
        },
    )
    document = {"s": {"input": ["Alpha one", "Beta"], "weight": 2}, "title": "Gamma ray"}
    any_es.index(index="multi", id="1", document=document, refresh=True)
    found = any_es.search(index="multi", query={"term": {"s.raw": "Beta"}}).body["hits"]
    assert found["total"]["value"] == 1
    options = _options(any_es, {"field": "title.suggest"}, index="multi", prefix="gam")
    assert [(o["text"], o["_score"]) for o in options] == [("Gamma ray", 1.0)]


def test_the_mapping_shows_the_defaults(people: Elasticsearch) -> None:
    mapping = people.indices.get_mapping(index="people")["people"]["mappings"]["properties"]
    assert mapping["plain"] == {
        "type": "completion",
        "analyzer": "simple",
        "preserve_separators": True,
        "preserve_position_increments": True,
        "max_input_length": 50,
    }


def test_malformed_values_are_refused(people: Elasticsearch) -> None:
    cases = [
        (
            {"input": "a", "weight": -1},
            "weight must be in the interval [0..2147483647], but was [-1]",
        ),
        ({"input": "a", "weight": 1.5}, "weight must be an integer, but was [1.5]"),
        ({"input": "a", "weight": "x"}, "weight must be an integer, but was [x]"),
        ({"input": 5}, "input must be a string or array, but was [VALUE_NUMBER]"),
        ({"input": ["a", 5]}, "input array must have string values, but was [VALUE_NUMBER]"),
        ({"input": "a", "bogus": 1}, "unknown field name [bogus]"),
        ({"input": "a", "contexts": {}}, "contexts field is not supported for field: [plain]"),
        (5, "expected text or object, but got VALUE_NUMBER"),
    ]
    for value, reason in cases:
        with pytest.raises(BadRequestError) as error:
            people.index(index="people", id="x", document={"plain": value})
        body = error.value.body["error"]
        assert body["type"] == "document_parsing_exception"
        assert reason in str(body["caused_by"]["reason"]), value


def test_unsupported_and_wrong_requests(people: Elasticsearch) -> None:
    cases = [
        ({"prefix": "a", "completion": {"field": "name"}}, "Field [name] is not a completion"),
        ({"prefix": "a", "completion": {"field": "suggest", "bogus": 1}}, "unknown field [bogus]"),
        (
            {"regex": "a.*", "completion": {"field": "suggest"}},
            "the [regex] option of the [completion] suggester is not supported",
        ),
        (
            {"prefix": "a", "completion": {"field": "suggest", "contexts": {"c": ["x"]}}},
            "suggester [suggest] doesn't expect any context",
        ),
        ({"prefix": "a", "completion": {"field": "suggest", "fuzzy": {"x": 1}}}, "[x]"),
    ]
    for suggestion, reason in cases:
        with pytest.raises(BadRequestError) as error:
            people.search(index="people", suggest={"s": suggestion})
        assert reason in str(error.value.body["error"]), suggestion
    with pytest.raises(BadRequestError) as error:
        people.indices.create(
            index="ctx",
            mappings={
                "properties": {
                    "s": {"type": "completion", "contexts": [{"name": "c", "type": "geo"}]}
                }
            },
        )
    reason = error.value.body["error"]["reason"]
    assert "[geo] contexts of a [completion] field is not supported" in reason


def test_a_refresh_brings_new_inputs(people: Elasticsearch) -> None:
    assert _options(people, {"field": "suggest"}, prefix="zz") == []
    people.index(index="people", id="6", document={"suggest": "zzz"}, refresh=True)
    assert [o["_id"] for o in _options(people, {"field": "suggest"}, prefix="zz")] == ["6"]


@pytest.fixture
def places(any_es: Elasticsearch) -> Elasticsearch:
    contexts = [
        {"name": "place_type", "type": "category"},
        {"name": "kind", "type": "category", "path": "cat"},
    ]
    any_es.indices.create(
        index="places",
        mappings={
            "properties": {
                "cat": {"type": "keyword"},
                "suggest": {"type": "completion", "contexts": contexts},
            }
        },
    )
    docs = {
        "1": {
            "suggest": {
                "input": ["timmy's", "starbucks"],
                "contexts": {"place_type": ["cafe", "food"]},
            }
        },
        "2": {"suggest": {"input": ["timmy"], "weight": 3, "contexts": {"place_type": "money"}}},
        "3": {"suggest": "tim hortons", "cat": "coffee"},
    }
    for doc_id, doc in docs.items():
        any_es.index(index="places", id=doc_id, document=doc)
    any_es.indices.refresh(index="places")
    return any_es


def _in_context(es: Elasticsearch, contexts: object, prefix: str = "tim") -> list:
    completion = {"field": "suggest", "contexts": contexts}
    body = {"s": {"prefix": prefix, "completion": completion}}
    options = es.search(index="places", suggest=body, source=False).body["suggest"]["s"][0]
    return [(o["_id"], o["text"], o["_score"], o["contexts"]) for o in options["options"]]


def test_category_contexts_filter_and_boost(places: Elasticsearch) -> None:
    assert _in_context(places, {"place_type": ["cafe", "restaurants"]}) == [
        ("1", "timmy's", 1.0, {"place_type": ["cafe"]})
    ]
    # A prefix context; the boost multiplies the weight.
    found = _in_context(
        places, {"place_type": ["cafe", {"context": "mon", "boost": 2, "prefix": True}]}
    )
    assert found == [
        ("2", "timmy", 6.0, {"place_type": ["money"]}),
        ("1", "timmy's", 1.0, {"place_type": ["cafe"]}),
    ]
    # A fuzzy match adds its boost to the context's: 1 + 2 ("ti" shared), times the weight.
    fuzzy = {"field": "suggest", "contexts": {"place_type": "cafe"}, "fuzzy": True}
    body = {"s": {"prefix": "tin", "completion": fuzzy}}
    options = places.search(index="places", suggest=body).body["suggest"]["s"][0]["options"]
    assert [(o["_id"], o["_score"]) for o in options] == [("1", 3.0)]
    # Without prefix, "mon" is not "money".
    assert _in_context(places, {"place_type": {"context": "mon", "boost": 2}}) == []


def test_a_context_path_reads_another_field(places: Elasticsearch) -> None:
    assert _in_context(places, {"kind": "coffee"}) == [
        ("3", "tim hortons", 1.0, {"kind": ["coffee"]})
    ]
    found = _in_context(
        places, {"kind": [{"context": "co", "prefix": True, "boost": 5}], "place_type": "food"}
    )
    assert found == [
        ("3", "tim hortons", 5.0, {"kind": ["coffee"]}),
        ("1", "timmy's", 1.0, {"place_type": ["food"]}),
    ]


def test_contexts_are_mandatory(places: Elasticsearch) -> None:
    mapping = places.indices.get_mapping(index="places")["places"]["mappings"]["properties"]
    assert mapping["suggest"]["contexts"] == [
        {"name": "place_type", "type": "category"},
        {"name": "kind", "type": "category", "path": "cat"},
    ]
    with pytest.raises(BadRequestError) as error:
        places.index(index="places", id="4", document={"suggest": "tims"})
    assert error.value.body["error"]["reason"] == (
        "Contexts are mandatory in context enabled completion field [suggest]"
    )
    cases = [
        (None, "Missing mandatory contexts in context query"),
        ({"place_type": []}, "Missing mandatory contexts in context query"),
        ({"nope": ["x"]}, "Unknown context name [nope], must be one of [kind, place_type]"),
        ({"kind": {"context": "x", "boost": 0}}, "boost must be greater than 0"),
        ({"kind": [["x"]]}, "category context must be an object, string, number or boolean"),
    ]
    for contexts, reason in cases:
        completion: dict = {"field": "suggest"}
        if contexts is not None:
            completion["contexts"] = contexts
        with pytest.raises(BadRequestError) as error:
            places.search(index="places", suggest={"s": {"prefix": "t", "completion": completion}})
        assert reason in str(error.value.body["error"]), contexts
    bad = [
        ({"place_type": {"a": 1}}, "contexts must be a string, number or boolean or a list"),
        ({"place_type": [{"a": 1}]}, "context array must have string, number or boolean values"),
        ({"other": "x"}, "Unknown context name [other], must be one of [kind, place_type]"),
        ("cafe", "contexts must be an object or an array , but was [VALUE_STRING]"),
    ]
    for contexts, reason in bad:
        with pytest.raises(BadRequestError) as error:
            places.index(
                index="places", id="5", document={"suggest": {"input": "x", "contexts": contexts}}
            )
        assert reason in str(error.value.body["error"]["caused_by"]["reason"]), contexts


def test_a_context_path_must_be_text_or_keyword(any_es: Elasticsearch) -> None:
    contexts = [{"name": "n", "type": "category", "path": "number"}]
    any_es.indices.create(
        index="nums",
        mappings={
            "properties": {
                "number": {"type": "long"},
                "s": {"type": "completion", "contexts": contexts},
            }
        },
    )
    with pytest.raises(BadRequestError) as error:
        any_es.index(index="nums", id="1", document={"s": "x", "number": 5})
    assert "Failed to parse context field [number], only keyword and text fields are accepted" in (
        str(error.value.body["error"])
    )


def test_an_input_repeated_in_other_contexts_keeps_each(places: Elasticsearch) -> None:
    red = {"input": "foox", "weight": 2, "contexts": {"place_type": ["red"]}}
    blue = {"input": "foox", "weight": 3, "contexts": {"place_type": ["blue", "green"]}}
    again = {"input": "foox", "weight": 1, "contexts": {"place_type": ["red"]}}
    document = {"suggest": [red, blue, again]}
    places.index(index="places", id="9", document=document, refresh=True)
    assert _in_context(places, {"place_type": "red"}, prefix="foo") == [
        ("9", "foox", 2.0, {"place_type": ["red"]})
    ]
    assert _in_context(places, {"place_type": "blue"}, prefix="foo") == [
        ("9", "foox", 3.0, {"place_type": ["blue"]})
    ]
