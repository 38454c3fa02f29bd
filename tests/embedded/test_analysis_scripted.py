"""The condition and predicate_token_filter token filters: Painless predicates on ``token``,
through the client. Expectations are the examples of Elasticsearch's reference pages."""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch


def terms(es: Elasticsearch, text: str, *filters: Any, tokenizer: str = "standard") -> list[str]:
    found = es.indices.analyze(tokenizer=tokenizer, filter=list(filters), text=text)
    return [t["token"] for t in found["tokens"]]


def script(source: str) -> dict[str, Any]:
    return {"source": source}


def test_predicate_token_filter(any_es: Elasticsearch) -> None:
    longer = {"type": "predicate_token_filter", "script": script("token.term.length() > 3")}
    assert terms(any_es, "the fox jumps the lazy dog", longer, tokenizer="whitespace") == [
        "jumps", "lazy"
    ]  # fmt: skip
    # the other getters, and their getter shortcuts
    by_type = {
        "type": "predicate_token_filter",
        "script": script("token.getType() != '<NUM>' && token.position > 0"),
    }
    assert terms(any_es, "a 12 b c", by_type) == ["b", "c"]
    offsets = {
        "type": "predicate_token_filter",
        "script": script("token.startOffset >= params.from"),
    }
    offsets["script"]["params"] = {"from": 2}
    assert terms(any_es, "ab cd ef", offsets) == ["cd", "ef"]


def test_condition_runs_its_filters_on_the_tokens_it_accepts(any_es: Elasticsearch) -> None:
    short = {
        "type": "condition",
        "filter": ["lowercase"],
        "script": script("token.getTerm().length() < 5"),
    }
    assert terms(any_es, "What Flapdoodle", short) == ["what", "Flapdoodle"]
    any_es.indices.create(
        index="docs",
        settings={
            "analysis": {
                "filter": {
                    "short_lower": {**short, "filter": ["lowercase", "reverse"]},
                },
                "analyzer": {"a": {"tokenizer": "standard", "filter": ["short_lower"]}},
            }
        },
        mappings={"properties": {"t": {"type": "text", "analyzer": "a"}}},
    )
    found = any_es.indices.analyze(index="docs", analyzer="a", text="What Flapdoodle")
    assert [t["token"] for t in found["tokens"]] == ["tahw", "Flapdoodle"]
    any_es.index(index="docs", id="1", document={"t": "What Flapdoodle"}, refresh=True)
    hits = any_es.search(index="docs", query={"term": {"t": "tahw"}})["hits"]["hits"]
    assert [h["_id"] for h in hits] == ["1"]


def test_errors(any_es: Elasticsearch) -> None:
    def reason(filter_: dict[str, Any]) -> str:
        with pytest.raises(BadRequestError) as exc:
            any_es.indices.create(index="f", settings={"analysis": {"filter": {"f": filter_}}})
        return str(exc.value.body["error"]["reason"])

    ok = script("true")
    assert reason({"type": "condition", "script": ok}) == (
        "Empty list of filters provided to tokenfilter [f]"
    )
    assert reason({"type": "condition", "filter": ["nope"], "script": ok}) == (
        "ScriptedConditionTokenFilter [f] refers to undefined token filter [nope]"
    )
    assert reason({"type": "predicate_token_filter", "script": {"id": "x"}}) == (
        "Cannot use stored scripts in tokenfilter [f]"
    )
    assert "compile error" in reason({"type": "predicate_token_filter", "script": script("(")})
    # a predicate that is not a boolean fails the analysis, as Painless's cast does
    with pytest.raises(BadRequestError, match=r"Cannot cast java\.lang\.String"):
        terms(any_es, "x", {"type": "predicate_token_filter", "script": script("token.term")})
