"""The ``phrase`` suggester, as Elasticsearch's (org.elasticsearch.search.suggest.phrase)
answers it: direct generators (Lucene's DirectSpellChecker) draw candidates per token, an
n-gram language model over the field's shingles scores each corrected phrase.

Expected options and scores come from Elasticsearch's reference page ("Phrase suggester") and
from working its scorers by hand where noted.
"""

from __future__ import annotations

import pytest
from elasticsearch import BadRequestError, Elasticsearch

SETTINGS = {
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
            "filter": {"shingle": {"type": "shingle", "min_shingle_size": 2, "max_shingle_size": 3}},
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
