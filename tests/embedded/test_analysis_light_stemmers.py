"""Porter's stemmer (the ``english``/``porter`` stemmer languages, ``porter_stem`` and the english
analyzer) and Savoy's light stemmers (``light_french``, ``light_german``, ``light_spanish``,
``light_italian`` and the analyzers of those languages), through the client.

Porter's expectations are from his published sample vocabulary (voc.txt/output.txt), with the
reference implementation's -logi rule; the light stemmers' follow the rules of Savoy's papers as
Lucene's FrenchLightStemmer, GermanLightStemmer, SpanishLightStemmer and ItalianLightStemmer
implement them, chosen where Snowball's stemmers (which the engine ran before) answer otherwise.
"""

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch, ElasticsearchWarning


def terms(es: Elasticsearch, text: str, *filters: Any, **body: Any) -> list[str]:
    if filters:
        body = {"tokenizer": "standard", "filter": ["lowercase", *filters], **body}
    return [t["token"] for t in es.indices.analyze(text=text, **body)["tokens"]]


PORTER = {
    "caresses": "caress", "ponies": "poni", "agreed": "agre", "plastered": "plaster",
    "motoring": "motor", "conflated": "conflat", "sized": "size", "hopping": "hop",
    "falling": "fall", "filing": "file", "happy": "happi", "relational": "relat",
    "conditional": "condit", "digitizer": "digit", "vietnamization": "vietnam",
    "callousness": "callous", "sensibiliti": "sensibl", "electrical": "electr",
    "gyroscopic": "gyroscop", "adjustment": "adjust", "bowdlerize": "bowdler",
    "generously": "gener", "archaeology": "archaeolog", "is": "is",
}  # fmt: skip


@pytest.mark.parametrize("stemmer", ["porter_stem", {"type": "stemmer", "language": "english"}])
def test_porter(any_es: Elasticsearch, stemmer: Any) -> None:
    assert terms(any_es, " ".join(PORTER), stemmer) == list(PORTER.values())


def test_porter2_is_snowball_english(any_es: Elasticsearch) -> None:
    porter2 = {"type": "stemmer", "language": "porter2"}
    assert terms(any_es, "generously archaeology", porter2) == ["generous", "archaeolog"]


def test_light_stemmers(any_es: Elasticsearch) -> None:
    def light(language: str, text: str) -> list[str]:
        return terms(any_es, text, {"type": "stemmer", "language": f"light_{language}"})

    assert light("french", "chevaux hiboux généralement chanteuse nationalisation") == [
        "cheval", "hibou", "general", "chant", "national"
    ]  # fmt: skip
    assert light("german", "häuser kinder tischen schnellsten") == [
        "haus", "kind", "tisch", "schnell"
    ]  # fmt: skip
    assert light("spanish", "canciones chicas luces meses casa") == [
        "cancion", "chic", "luz", "mes", "casa"
    ]  # fmt: skip
    assert light("italian", "ragazzi amiche gatti propria") == ["ragazz", "amic", "gatti", "propr"]
    assert light("portuguese", "meninas canções animais papéis felizmente bonitinha leões") == [
        "menin", "canca", "animal", "papel", "feliz", "bonitinh", "leao"
    ]  # fmt: skip
    assert light("russian", "книгами столы длинный") == ["книг", "стол", "длин"]
    assert light("swedish", "flickorna husen bilar kattens") == ["flick", "hus", "bil", "katt"]


def test_minimal_stemmers(any_es: Elasticsearch) -> None:
    def minimal(language: str, text: str) -> list[str]:
        return terms(any_es, text, {"type": "stemmer", "language": f"minimal_{language}"})

    assert minimal("french", "chevaux chanter chantés aimer") == [
        "cheval",
        "chant",
        "chant",
        "aimer",
    ]
    assert minimal("german", "häuser kindern frauen tische") == ["haus", "kinder", "frau", "tisch"]
    assert minimal("norwegian", "husene bilen kaker gutar") == ["hus", "bil", "kak", "gutar"]
    assert minimal("nynorsk", "gutane gutar husa") == ["gut", "gut", "hus"]


def test_norwegian_light_stemmers(any_es: Elasticsearch) -> None:
    bokmaal = {"type": "stemmer", "language": "light_norwegian"}
    nynorsk = {"type": "stemmer", "language": "light_nynorsk"}
    words = "bilens hemmeligheten kristendom husene kaker finest billigst"
    assert terms(any_es, words, bokmaal) == [
        "bil", "hemmelig", "kristen", "hus", "kak", "fin", "billig"
    ]  # fmt: skip
    assert terms(any_es, "hemmelegheita gutane finaste tryggleik", nynorsk) == [
        "hemmeleg", "gut", "fin", "trygg"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("analyzer", "text", "expected"),
    [
        # possessive, lowercase, stop words, Porter
        ("english", "John's dogs were generously fed", ["john", "dog", "were", "gener", "fed"]),
        # elision, lowercase, stop words, light_french
        ("french", "L'avion des chevaux, généralement", ["avion", "cheval", "general"]),
        # elision (dell'), lowercase, stop words, light_italian
        ("italian", "Dell'arte dei ragazzi", ["arte", "ragazz"]),
        # lowercase, stop words, german_normalization, light_german
        ("german", "Die Häuser der Straße", ["haus", "strass"]),
        ("spanish", "Las canciones de las chicas", ["cancion", "chic"]),
        ("portuguese", "As meninas e os animais", ["menin", "animal"]),
    ],
)
def test_language_analyzers_use_elasticsearchs_stemmers(
    any_es: Elasticsearch, analyzer: str, text: str, expected: list[str]
) -> None:
    assert terms(any_es, text, analyzer=analyzer) == expected
    any_es.indices.create(
        index="docs", mappings={"properties": {"t": {"type": "text", "analyzer": analyzer}}}
    )
    any_es.index(index="docs", id="1", document={"t": text}, refresh=True)
    found = any_es.search(index="docs", query={"match": {"t": expected[-1]}})["hits"]["hits"]
    assert [hit["_id"] for hit in found] == ["1"]


def test_stemmer_languages_are_read_ignoring_case_and_in_camel_case(any_es: Elasticsearch) -> None:
    for language in ("light_german", "lightGerman", "LIGHT_GERMAN", "Light_German"):
        assert terms(any_es, "häuser", {"type": "stemmer", "language": language}) == ["haus"]
    assert terms(any_es, "generously", {"type": "stemmer", "language": "English"}) == ["gener"]
    # Elasticsearch's old misspelling of light_finnish is still a name of it
    finish = terms(any_es, "talossa", {"type": "stemmer", "language": "light_finish"})
    assert finish == terms(any_es, "talossa", {"type": "stemmer", "language": "light_finnish"})


def test_german2_is_german_with_a_deprecation_warning(any_es: Elasticsearch) -> None:
    with pytest.warns(ElasticsearchWarning, match="The 'german2' stemmer has been deprecated"):
        found = terms(any_es, "häuser", {"type": "stemmer", "language": "german2"})
    assert found == terms(any_es, "häuser", {"type": "stemmer", "language": "german"})


# Savoy's Finnish (CLEF-2003 report) and Hungarian ("UniNE") light stemmers, as Lucene's
# FinnishLightStemmer and HungarianLightStemmer (Elasticsearch's light_finnish and
# light_hungarian) apply their rules; each word is one where Snowball's stemmer answers otherwise:
# the light stemmers fold ä/ö and á/é/ó..., keep a doubled s, and drop a final vowel.
@pytest.mark.parametrize(
    ("language", "words"),
    [
        # -ja (partitive plural) off, ss kept (Snowball: kiso); -ni (possessive) and -ssa off
        # (Snowball: ede); ä folded to a, -esti off (Snowball: ystävällis)
        ("finnish", {"kissoja": "kisso", "edessäni": "edes", "ystävällisesti": "ystavallis"}),
        # -ban/-k off and á folded (Snowball: ház); plural -k, then the final vowel (Snowball:
        # alma); the instrumental's assimilated -gal (Snowball: virág); the accusative -et, then
        # the plural -ek (Snowball: könyv)
        (
            "hungarian",
            {"házakban": "haz", "almák": "alm", "virággal": "virag", "könyveket": "konyv"},
        ),
    ],
)
def test_finnish_and_hungarian_light_stemmers(
    any_es: Elasticsearch, language: str, words: dict[str, str]
) -> None:
    stemmer = {"type": "stemmer", "language": f"light_{language}"}
    assert terms(any_es, " ".join(words), stemmer) == list(words.values())


def test_a_light_hungarian_analyzer_matches_other_forms_of_a_word(any_es: Elasticsearch) -> None:
    any_es.indices.create(
        index="hu",
        settings={
            "analysis": {
                "filter": {"hu_light": {"type": "stemmer", "language": "light_hungarian"}},
                "analyzer": {"hu": {"tokenizer": "standard", "filter": ["lowercase", "hu_light"]}},
            }
        },
        mappings={"properties": {"t": {"type": "text", "analyzer": "hu"}}},
    )
    any_es.index(index="hu", id="1", document={"t": "a házakban"}, refresh=True)
    for query in ("házak", "ház", "haz"):  # stemmed at index and at query time alike
        found = any_es.search(index="hu", query={"match": {"t": query}})["hits"]["hits"]
        assert [hit["_id"] for hit in found] == ["1"], query


@pytest.mark.parametrize(
    ("filter_", "reason"),
    [
        ("kstem", "stemmer language [kstem] (Krovetz's stemmer needs his large dictionary"),
        ({"type": "stemmer", "language": "kstem"}, "stemmer language [kstem]"),
        ({"type": "stemmer", "language": "lightEnglish"}, "stemmer language [light_english]"),
        ({"type": "stemmer", "language": "minimal_portuguese"}, "portuguese.rslp"),
        ({"type": "stemmer", "language": "portuguese_rslp"}, "portuguese.rslp"),
    ],
)
def test_stemmers_on_data_the_engine_lacks_are_refused_by_name(
    any_es: Elasticsearch, filter_: Any, reason: str
) -> None:
    # Krovetz's stemmer (kstem, light_english) is driven by his dictionary of English words, and
    # Lucene's RSLP stemmers by its portuguese.rslp rule file: refused, never approximated.
    with pytest.raises(BadRequestError) as err:
        terms(any_es, "running", filter_)
    assert err.value.status_code == 400
    assert reason in str(err.value)
