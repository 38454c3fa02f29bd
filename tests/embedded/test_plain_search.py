"""The plain search (a query's best hits from one index, nothing else asked) answers exactly as
the general path does, which answers every other search: random queries and pages on an index
with ties, routed and updated documents, ignored values and several segments."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from elasticsearch import ApiError, Elasticsearch

from djangoes_engine import Engine, Request
from djangoes_engine.api.search import _targets
from djangoes_engine.search.plain import plain_body, plain_search

MAPPING = {
    "properties": {
        "text": {"type": "text"},
        "tag": {"type": "keyword", "ignore_above": 6},
        "n": {"type": "long"},
    }
}
WORDS = ["red", "green", "blue", "Gold", "teal", "ochre", "x1"]


def _documents(seed: int) -> list[tuple[str, dict[str, Any], str | None]]:
    """Short texts of a few words (many ties), some routed, some with an ignored tag."""
    rng = random.Random(seed)
    docs = []
    for number in range(240):
        source = {
            "text": " ".join(rng.choices(WORDS, k=rng.randint(1, 4))),
            "tag": rng.choice(["a", "b", "toolongtag"]),
            "n": rng.randrange(50),
        }
        docs.append((f"d{number}", source, "r1" if number % 9 == 0 else None))
    return docs


def _load(es: Elasticsearch, seed: int) -> None:
    es.indices.create(index="docs", mappings=MAPPING)
    docs = _documents(seed)
    for start in range(0, len(docs), 60):  # a refresh each 60: several segments
        operations: list[Any] = []
        for doc_id, source, routing in docs[start : start + 60]:
            meta = {"_id": doc_id, **({"routing": routing} if routing else {})}
            operations += [{"index": meta}, source]
        es.bulk(index="docs", operations=operations, refresh=True)
    for doc_id, source, routing in docs[::11]:  # updated: moved to the end of index order
        es.index(index="docs", id=doc_id, document=source, routing=routing, refresh=True)


def _query(rng: random.Random) -> Any:
    kind = rng.randrange(8)
    if kind == 0:
        return None
    if kind == 1:
        return {"match_all": {}}
    if kind == 2:
        return {"match": {"text": " ".join(rng.sample(WORDS, rng.randint(1, 2)))}}
    if kind == 3:
        return {"term": {"tag": rng.choice(["a", "b"])}}
    if kind == 4:
        return {"range": {"n": {"gte": rng.randrange(50)}}}
    if kind == 5:
        return {"match": {"text": {"query": rng.choice(WORDS), "operator": "and"}}}
    must = [{"match": {"text": rng.choice(WORDS)}}]
    return {"bool": {"must": must, "filter": [{"term": {"tag": rng.choice(["a", "b"])}}]}}


def _body(rng: random.Random) -> dict[str, Any]:
    body: dict[str, Any] = {}
    query = _query(rng)
    if query is not None:
        body["query"] = query
    if rng.random() < 0.8:
        body["size"] = rng.randint(1, 25)
    if rng.random() < 0.4:
        body["from"] = rng.randint(0, 30)
    return body


def _answer(es: Elasticsearch, body: dict[str, Any], **params: Any) -> dict[str, Any]:
    answer = dict(es.search(index="docs", body=body, **params))
    answer.pop("took")
    return answer


@pytest.mark.parametrize("seed", [3, 17])
def test_random_searches_answer_as_the_general_path_does(any_es: Elasticsearch, seed: int) -> None:
    _load(any_es, seed)
    rng = random.Random(seed)
    for _ in range(60):
        body = _body(rng)
        plain = _answer(any_es, body)
        # ``ignore_unavailable=false`` is the default: it changes nothing but the path taken.
        general = _answer(any_es, body, ignore_unavailable=False)
        assert plain == general, body
        assert plain["hits"]["hits"] or plain["hits"]["total"]["value"] <= body.get("from", 0)


@pytest.fixture
def engine_docs(engine: Engine) -> Engine:
    engine.handle(Request.from_target("PUT", "/docs", json.dumps({"mappings": MAPPING}).encode()))
    lines = []
    for doc_id, source, routing in _documents(5):
        meta = {"_id": doc_id, **({"routing": routing} if routing else {})}
        lines += [json.dumps({"index": meta}), json.dumps(source)]
    body = ("\n".join(lines) + "\n").encode()
    engine.handle(Request.from_target("POST", "/docs/_bulk?refresh=true", body))
    return engine


def _search(engine: Engine, body: dict[str, Any], target: str = "docs") -> dict[str, Any]:
    request = Request.from_target("POST", f"/{target}/_search", json.dumps(body).encode())
    response = engine.handle(request)
    answer = json.loads(response.body)
    answer.pop("took", None)
    return answer


def test_the_plain_path_answers_plain_searches(engine_docs: Engine) -> None:
    rng = random.Random(8)
    for _ in range(30):
        body = _body(rng)
        assert plain_body(body)
        answer = plain_search(engine_docs, _targets(engine_docs, "docs", {}), body)
        assert answer is not None, body
        answer = json.loads(json.dumps(answer, default=lambda raw: json.loads(raw.data)))
        answer.pop("took")
        assert answer == _search(engine_docs, body)


@pytest.mark.parametrize(
    "body",
    [
        {"query": {"match": {"text": "red"}}, "size": 0},
        {"query": {"match": {"text": "red"}}, "size": "5"},
        {"query": {"match": {"text": "red"}}, "from": -1},
        {"query": {"match": {"text": "red"}}, "size": True},
        {"query": {"match": {"text": "red"}}, "_source": False},
        {"query": {"match": {"text": "red"}}, "sort": ["n"]},
        {"aggs": {"n": {"max": {"field": "n"}}}},
    ],
)
def test_other_bodies_go_the_general_way(engine_docs: Engine, body: dict[str, Any]) -> None:
    assert not plain_body(body)


def test_other_targets_go_the_general_way(engine_docs: Engine) -> None:
    engine = engine_docs
    engine.handle(Request.from_target("PUT", "/docs/_alias/everything"))
    engine.handle(Request.from_target("PUT", "/other"))
    named = {"query": {"match": {"text": {"query": "red", "_name": "colour"}}}}
    assert plain_search(engine, _targets(engine, "docs", {}), named) is None
    assert "matched_queries" in _search(engine, named)["hits"]["hits"][0]
    body = {"query": {"match": {"text": "red"}}, "size": 3}
    hits = _search(engine, body)["hits"]["hits"]
    for target in ("everything", "docs,other"):  # through an alias; two indices
        assert plain_search(engine, _targets(engine, target, {}), body) is None
        assert _search(engine, body, target)["hits"]["hits"] == hits
    assert _search(engine, body, "doc*")["hits"]["hits"] == hits  # one index either way


def test_errors_are_the_general_paths(es: Elasticsearch) -> None:
    es.indices.create(index="docs", mappings=MAPPING)
    es.index(index="docs", id="1", document={"text": "red", "n": 1}, refresh=True)
    for body, index in (
        ({"query": {"match": {"n": "not a number"}}}, "docs"),
        ({"query": {"match": {"text": "red"}}, "from": 9995, "size": 10}, "docs"),
        ({"query": {"nope": {}}}, "docs"),
        ({"query": {"match": {"text": "red"}}}, "missing"),
    ):
        errors = []
        for params in ({}, {"ignore_unavailable": False}):
            with pytest.raises(ApiError) as caught:
                es.search(index=index, body=body, **params)
            errors.append((caught.value.meta.status, caught.value.body))
        assert errors[0] == errors[1], body
