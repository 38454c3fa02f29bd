"""Greek: Lucene's GreekLowerCaseFilter (``lowercase`` with ``language: greek``) and Lucene's
GreekStemmer, Ntais' algorithm, for the ``greek`` stemmer language and the greek analyzer.

Every stemming expectation is from Lucene's own tests: TestGreekStemmer (apache/lucene,
lucene/analysis/common/src/test/org/apache/lucene/analysis/el/TestGreekStemmer.java), all of
its cases, one table per test method; the analyzer's from TestGreekAnalyzer and the lowercase
filter's from TestGreekLowerCaseFilterFactory, in the same directory.
"""
# ruff: noqa: RUF001, RUF002, RUF003 (Greek letters are the point)

from __future__ import annotations

from typing import Any

import pytest
from elasticsearch import BadRequestError, Elasticsearch


def _pairs(table: str) -> list[tuple[str, str]]:
    """``word stem`` lines (as Lucene's checkOneTerm(a, word, stem) calls list them)."""
    return [(line.split()[0], line.split()[1]) for line in table.strip().splitlines()]


# TestGreekStemmer.testMasculineNouns
MASCULINE = _pairs(
    """
    άνθρωπος ανθρωπ
    ανθρώπου ανθρωπ
    άνθρωπο ανθρωπ
    άνθρωπε ανθρωπ
    άνθρωποι ανθρωπ
    ανθρώπων ανθρωπ
    ανθρώπους ανθρωπ
    άνθρωποι ανθρωπ
    πελάτης πελατ
    πελάτη πελατ
    πελάτες πελατ
    πελατών πελατ
    ελέφαντας ελεφαντ
    ελέφαντα ελεφαντ
    ελέφαντες ελεφαντ
    ελεφάντων ελεφαντ
    μπαμπάς μπαμπ
    μπαμπά μπαμπ
    μπαμπάδες μπαμπ
    μπαμπάδων μπαμπ
    μπακάλης μπακαλ
    μπακάλη μπακαλ
    μπακάληδες μπακαλ
    μπακάληδων μπακαλ
    καφές καφ
    καφέ καφ
    καφέδες καφ
    καφέδων καφ
    γραμματέας γραμματε
    γραμματέα γραμματε
    γραμματείς γραμματ
    γραμματέων γραμματ
    απόπλους αποπλ
    απόπλου αποπλ
    απόπλοι αποπλ
    απόπλων αποπλ
    παππούς παππ
    παππού παππ
    παππούδες παππ
    παππούδων παππ
    λάτρης λατρ
    λάτρη λατρ
    λάτρεις λατρ
    λάτρεων λατρ
    πέλεκυς πελεκ
    πέλεκυ πελεκ
    πελέκεις πελεκ
    πελέκεων πελεκ
    μέντωρ μεντωρ
    μέντορος μεντορ
    μέντορα μεντορ
    μέντορες μεντορ
    μεντόρων μεντορ
    αγώνας αγων
    αγώνος αγων
    αγώνα αγων
    αγώνα αγων
    αγώνες αγων
    αγώνων αγων
    αέρας αερ
    αέρα αερ
    αέρηδες αερ
    αέρηδων αερ
    γόης γο
    γόη γοη
    γόητες γοητ
    γοήτων γοητ
    """
)

# TestGreekStemmer.testFeminineNouns
FEMININE = _pairs(
    """
    φορά φορ
    φοράς φορ
    φορές φορ
    φορών φορ
    αγελάδα αγελαδ
    αγελάδας αγελαδ
    αγελάδες αγελαδ
    αγελάδων αγελαδ
    ζάχαρη ζαχαρ
    ζάχαρης ζαχαρ
    ζάχαρες ζαχαρ
    ζαχάρεων ζαχαρ
    τηλεόραση τηλεορασ
    τηλεόρασης τηλεορασ
    τηλεοράσεις τηλεορασ
    τηλεοράσεων τηλεορασ
    μαμά μαμ
    μαμάς μαμ
    μαμάδες μαμ
    μαμάδων μαμ
    λεωφόρος λεωφορ
    λεωφόρου λεωφορ
    λεωφόρο λεωφορ
    λεωφόρε λεωφορ
    λεωφόροι λεωφορ
    λεωφόρων λεωφορ
    λεωφόρους λεωφορ
    αλεπού αλεπ
    αλεπούς αλεπ
    αλεπούδες αλεπ
    αλεπούδων αλεπ
    γραμματέας γραμματε
    γραμματέως γραμματ
    γραμματέα γραμματε
    γραμματείς γραμματ
    γραμματέων γραμματ
    """
)

# TestGreekStemmer.testNeuterNouns
NEUTER = _pairs(
    """
    βιβλίο βιβλι
    βιβλίου βιβλ
    βιβλία βιβλ
    βιβλίων βιβλ
    πουλί πουλ
    πουλιού πουλ
    πουλιά πουλ
    πουλιών πουλ
    πρόβλημα προβλημ
    προβλήματος προβλημα
    προβλήματα προβλημα
    προβλημάτων προβλημα
    πέλαγος πελαγ
    πελάγους πελαγ
    πελάγη πελαγ
    πελάγων πελαγ
    γεγονός γεγον
    γεγονότος γεγον
    γεγονότα γεγον
    γεγονότων γεγον
    βράδυ βραδ
    βράδι βραδ
    βραδιού βραδ
    βράδια βραδ
    βραδιών βραδ
    δόρυ δορ
    δόρατος δορατ
    δόρατα δορατ
    δοράτων δορατ
    κρέας κρε
    κρέατος κρε
    κρέατα κρε
    κρεάτων κρε
    λυκόφως λυκοφω
    λυκόφωτος λυκοφω
    λυκόφωτα λυκοφω
    λυκοφώτων λυκοφω
    μέσον μεσον
    μέσου μεσ
    μέσα μεσ
    μέσων μεσ
    ενδιαφέρον ενδιαφερον
    ενδιαφέροντος ενδιαφεροντ
    ενδιαφέροντα ενδιαφεροντ
    ενδιαφερόντων ενδιαφεροντ
    ανακοινωθέν ανακοινωθεν
    ανακοινωθέντος ανακοινωθεντ
    ανακοινωθέντα ανακοινωθεντ
    ανακοινωθέντων ανακοινωθεντ
    σύμπαν συμπ
    σύμπαντος συμπαντ
    σύμπαντα συμπαντ
    συμπάντων συμπαντ
    γάλα γαλ
    γάλακτος γαλακτ
    γάλατα γαλατ
    γαλάκτων γαλακτ
    """
)

# TestGreekStemmer.testAdjectives
ADJECTIVES = _pairs(
    """
    συνεχής συνεχ
    συνεχούς συνεχ
    συνεχή συνεχ
    συνεχών συνεχ
    συνεχείς συνεχ
    συνεχές συνεχ
    συνήθης συνηθ
    συνήθους συνηθ
    συνήθη συνηθ
    συνήθεις συν
    συνήθων συνηθ
    σύνηθες συνηθ
    βαθύς βαθ
    βαθέος βαθε
    βαθύ βαθ
    βαθείς βαθ
    βαθέων βαθ
    βαθιά βαθ
    βαθιάς βαθι
    βαθιές βαθι
    βαθιών βαθ
    βαθέα βαθε
    ψηλός ψηλ
    ψηλότερος ψηλ
    ψηλότατος ψηλ
    ωραίος ωραι
    ωραιότερος ωραι
    ωραιότατος ωραι
    επιεικής επιεικ
    επιεικέστερος επιεικ
    επιεικέστατος επιεικ
    """
)

# TestGreekStemmer.testVerbs
VERBS = _pairs(
    """
    ορίζω οριζ
    όριζα οριζ
    όριζε οριζ
    ορίζοντας οριζ
    ορίζομαι οριζ
    οριζόμουν οριζ
    ορίζεσαι οριζ
    όρισα ορισ
    ορίσω ορισ
    όρισε ορισ
    ορίσει ορισ
    ορίστηκα οριστ
    οριστώ οριστ
    οριστείς οριστ
    οριστεί οριστ
    ορισμένο ορισμεν
    ορισμένη ορισμεν
    ορισμένος ορισμεν
    ανοίγω ανοιγ
    άνοιγα ανοιγ
    άνοιγε ανοιγ
    ανοίγοντας ανοιγ
    ανοίγομαι ανοιγ
    ανοιγόμουν ανοιγ
    άνοιξα ανοιξ
    ανοίξω ανοιξ
    άνοιξε ανοιξ
    ανοίξει ανοιξ
    ανοίχτηκα ανοιχτ
    ανοιχτώ ανοιχτ
    ανοίχτηκα ανοιχτ
    ανοιχτείς ανοιχτ
    ανοιχτεί ανοιχτ
    ανοίξου ανοιξ
    περνώ περν
    περνάω περν
    περνούσα περν
    πέρναγα περν
    πέρνα περν
    περνώντας περν
    πέρασα περασ
    περάσω περασ
    πέρασε περασ
    περάσει περασ
    περνιέμαι περν
    περνιόμουν περν
    περάστηκα περαστ
    περαστώ περαστ
    περαστείς περαστ
    περαστεί περαστ
    περασμένο περασμεν
    περασμένη περασμεν
    περασμένος περασμεν
    πετώ πετ
    πετάω πετ
    πετούσα πετ
    πέταγα πετ
    πέτα πετ
    πετώντας πετ
    πετιέμαι πετ
    πετιόμουν πετ
    πέταξα πεταξ
    πετάξω πεταξ
    πέταξε πεταξ
    πετάξει πεταξ
    πετάχτηκα πεταχτ
    πεταχτώ πεταχτ
    πεταχτείς πεταχτ
    πεταχτεί πεταχτ
    πεταμένο πεταμεν
    πεταμένη πεταμεν
    πεταμένος πεταμεν
    καλώ καλ
    καλούσα καλ
    καλείς καλ
    καλώντας καλ
    καλούμαι καλ
    καλούμουν καλουμ
    καλείσαι καλεισα
    καλέστηκα καλεστ
    καλεστώ καλεστ
    καλεστείς καλεστ
    καλεστεί καλεστ
    καλεσμένο καλεσμεν
    καλεσμένη καλεσμεν
    καλεσμένος καλεσμεν
    φορώ φορ
    φοράω φορ
    φορούσα φορ
    φόραγα φορ
    φόρα φορ
    φορώντας φορ
    φοριέμαι φορ
    φοριόμουν φορ
    φοριέσαι φορ
    φόρεσα φορεσ
    φορέσω φορεσ
    φόρεσε φορεσ
    φορέσει φορεσ
    φορέθηκα φορεθ
    φορεθώ φορεθ
    φορεθείς φορεθ
    φορεθεί φορεθ
    φορεμένο φορεμεν
    φορεμένη φορεμεν
    φορεμένος φορεμεν
    κρατώ κρατ
    κρατάω κρατ
    κρατούσα κρατ
    κράταγα κρατ
    κράτα κρατ
    κρατώντας κρατ
    κράτησα κρατ
    κρατήσω κρατ
    κράτησε κρατ
    κρατήσει κρατ
    κρατούμαι κρατ
    κρατιέμαι κρατ
    κρατούμουν κρατουμ
    κρατιόμουν κρατ
    κρατείσαι κρατεισα
    κρατήθηκα κρατ
    κρατηθώ κρατ
    κρατηθείς κρατ
    κρατηθεί κρατ
    κρατήσου κρατ
    κρατημένο κρατημεν
    κρατημένη κρατημεν
    κρατημένος κρατημεν
    κοιμάμαι κοιμ
    κοιμόμουν κοιμ
    κοιμάσαι κοιμ
    κοιμήθηκα κοιμ
    κοιμηθώ κοιμ
    κοιμήσου κοιμ
    κοιμηθεί κοιμ
    κοιμισμένο κοιμισμεν
    κοιμισμένη κοιμισμεν
    κοιμισμένος κοιμισμεν
    """
)

# TestGreekStemmer.testExceptions
EXCEPTIONS = _pairs(
    """
    καθεστώτα καθεστ
    καθεστώτος καθεστ
    καθεστώς καθεστ
    καθεστώτων καθεστ
    χουμε χουμ
    χουμ χουμ
    υποταγεσ υποταγ
    υποταγ υποταγ
    εμετε εμετ
    εμετ εμετ
    αρχοντασ αρχοντ
    αρχοντων αρχοντ
    """
)

TABLES = {
    "masculine nouns": MASCULINE,
    "feminine nouns": FEMININE,
    "neuter nouns": NEUTER,
    "adjectives": ADJECTIVES,
    "verbs": VERBS,
    "exceptions": EXCEPTIONS,
}

GREEK_LOWERCASE = {"type": "lowercase", "language": "greek"}
GREEK_STEMMER = {"type": "stemmer", "language": "greek"}


@pytest.fixture
def greek_index(any_es: Elasticsearch) -> Elasticsearch:
    """An index whose ``t`` field runs the greek analyzer. Lucene's tests run its default stop
    words, which the engine does not ship: none of the stemmer's words is one of them, and the
    analyzer's tests drop only ο, οι, και and της, given here as Lucene's list spells its
    words: folded as GreekLowerCaseFilter folds them (της as τησ)."""
    any_es.indices.create(
        index="el",
        settings={
            "analysis": {
                "analyzer": {
                    "el": {"type": "greek", "stopwords": ["ο", "οι", "και", "τησ"]},
                    "el_chain": {
                        "tokenizer": "standard",
                        "filter": ["el_lower", "el_stem"],
                    },
                },
                "filter": {"el_lower": GREEK_LOWERCASE, "el_stem": GREEK_STEMMER},
            }
        },
        mappings={"properties": {"t": {"type": "text", "analyzer": "el"}}},
    )
    return any_es


def _tokens(es: Elasticsearch, text: str, **body: Any) -> list[str]:
    return [t["token"] for t in es.indices.analyze(text=text, **body)["tokens"]]


@pytest.mark.parametrize("table", list(TABLES))
def test_lucene_greek_stemmer_cases_through_the_greek_analyzer(
    greek_index: Elasticsearch, table: str
) -> None:
    words = [word for word, _ in TABLES[table]]
    expected = [stem for _, stem in TABLES[table]]
    assert _tokens(greek_index, " ".join(words), index="el", analyzer="el") == expected
    assert _tokens(greek_index, " ".join(words), index="el", analyzer="el_chain") == expected


@pytest.mark.parametrize("table", list(TABLES))
def test_lucene_greek_stemmer_cases_through_the_stemmer_filter(
    any_es: Elasticsearch, table: str
) -> None:
    words = [word for word, _ in TABLES[table]]
    expected = [stem for _, stem in TABLES[table]]
    chain = {"tokenizer": "standard", "filter": [GREEK_LOWERCASE, GREEK_STEMMER]}
    assert _tokens(any_es, " ".join(words), **chain) == expected


def test_empty_term(any_es: Elasticsearch) -> None:
    # TestGreekStemmer.testEmptyTerm: the keyword tokenizer's empty token stays empty.
    assert _tokens(any_es, "", tokenizer="keyword", filter=[GREEK_STEMMER]) == [""]


def test_lucene_length_checks(any_es: Elasticsearch) -> None:
    # Not from Lucene's tests but from GreekStemmer.java itself: rule 8 checks that the word is
    # longer than the first ending of each group only, so a word that is exactly ουντανε (a
    # later one) stems to nothing; and a length counts UTF-16 units, so an emoji and -οσ make
    # a word of four, long enough to stem.
    text = "ουντανε 😀οσ"
    assert _tokens(any_es, text, tokenizer="whitespace", filter=[GREEK_STEMMER]) == ["", "😀"]


def test_greek_analyzer(greek_index: Elasticsearch) -> None:
    # TestGreekAnalyzer.testAnalyzer: capitals, accents, dialytika, punctuation, stop words.
    cases = {
        "Μία εξαιρετικά καλή και πλούσια σειρά χαρακτήρων της Ελληνικής γλώσσας": [
            "μια", "εξαιρετ", "καλ", "πλουσ", "σειρ", "χαρακτηρ", "ελληνικ", "γλωσσ"
        ],
        "Προϊόντα (και)     [πολλαπλές] - ΑΝΑΓΚΕΣ": ["προιοντ", "πολλαπλ", "αναγκ"],
        "ΠΡΟΫΠΟΘΕΣΕΙΣ  Άψογος, ο μεστός και οι άλλοι": ["προυποθεσ", "αψογ", "μεστ", "αλλ"],
    }  # fmt: skip
    for text, expected in cases.items():
        assert _tokens(greek_index, text, index="el", analyzer="el") == expected


def test_greek_lowercase(any_es: Elasticsearch) -> None:
    # TestGreekLowerCaseFilterFactory: lowercase, no tonos or dialytika, final sigma to sigma.
    assert _tokens(any_es, "Μάϊος ΜΆΪΟΣ", tokenizer="whitespace", filter=[GREEK_LOWERCASE]) == [
        "μαιοσ",
        "μαιοσ",
    ]
    # Lucene folds the monotonic accents only: polytonic Greek and Latin keep theirs.
    assert _tokens(any_es, "ἌΝΘΡΩΠΟΣ Café", tokenizer="whitespace", filter=[GREEK_LOWERCASE]) == [
        "ἄνθρωποσ",
        "café",
    ]


def test_the_stemmer_leaves_keywords_alone(any_es: Elasticsearch) -> None:
    marker = {"type": "keyword_marker", "keywords": ["ανθρωποσ"]}
    chain = [GREEK_LOWERCASE, marker, GREEK_STEMMER]
    assert _tokens(any_es, "άνθρωπος ανθρώπους", tokenizer="standard", filter=chain) == [
        "ανθρωποσ",
        "ανθρωπ",
    ]


def test_the_greek_analyzer_applies_at_index_and_query_time(greek_index: Elasticsearch) -> None:
    es = greek_index
    es.index(index="el", id="1", document={"t": "Οι ΑΝΘΡΩΠΟΙ και οι ελέφαντες"})
    es.index(index="el", id="2", document={"t": "Τα βιβλία της τηλεόρασης"})
    es.indices.refresh(index="el")

    def ids(text: str) -> list[str]:
        hits = es.search(index="el", query={"match": {"t": text}})["hits"]["hits"]
        return sorted(h["_id"] for h in hits)

    assert ids("άνθρωπος") == ["1"]  # ανθρωποι and ανθρωπος both stem to ανθρωπ
    assert ids("ελεφάντων") == ["1"]
    assert ids("τηλεοράσεις βιβλίου") == ["2"]
    assert ids("και") == []  # a stop word at query time too


def test_greek_analyzer_still_needs_stop_words(any_es: Elasticsearch) -> None:
    # Lucene's default Greek stop words are not shipped: refused, not approximated.
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.create(
            index="el", settings={"analysis": {"analyzer": {"a": {"type": "greek"}}}}
        )
    assert "the [greek] analyzer without [stopwords]" in exc.value.body["error"]["reason"]
    with pytest.raises(BadRequestError) as exc:
        any_es.indices.analyze(
            tokenizer="standard", filter=[{"type": "stop", "stopwords": "_greek_"}], text="x"
        )
    assert exc.value.body["error"]["reason"].startswith("the [_greek_] stop word list")
