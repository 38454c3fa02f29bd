"""The term vectors API, computed from _source with each field's analyzer."""

from __future__ import annotations

from elasticsearch import Elasticsearch


def test_term_vectors_of_a_stored_document(any_es: Elasticsearch) -> None:
    any_es.indices.create(index="tv", mappings={"properties": {"text": {"type": "text"}}})
    any_es.index(index="tv", id="1", document={"text": "Twitter test test test"})
    any_es.index(index="tv", id="2", document={"text": "another test"}, refresh=True)
    body = any_es.termvectors(index="tv", id="1", term_statistics=True).body
    assert body["found"] is True
    terms = body["term_vectors"]["text"]["terms"]
    assert sorted(terms) == ["test", "twitter"]
    assert terms["test"]["term_freq"] == 3
    assert terms["test"]["doc_freq"] == 2
    assert [t["position"] for t in terms["test"]["tokens"]] == [1, 2, 3]
    assert terms["twitter"]["tokens"] == [{"position": 0, "start_offset": 0, "end_offset": 7}]
    assert body["term_vectors"]["text"]["field_statistics"]["doc_count"] == 2


def test_term_vectors_of_an_artificial_document_and_a_missing_one(es: Elasticsearch) -> None:
    es.indices.create(index="tv", mappings={"properties": {"text": {"type": "text"}}})
    body = es.termvectors(index="tv", doc={"text": "hello world"}, positions=False).body
    assert body["term_vectors"]["text"]["terms"]["world"] == {
        "term_freq": 1,
        "tokens": [{"start_offset": 6, "end_offset": 11}],
    }
    assert es.termvectors(index="tv", id="missing").body["found"] is False
