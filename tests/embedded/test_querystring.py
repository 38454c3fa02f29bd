"""``query_string`` and ``simple_query_string`` translated into query DSL.

The inputs are mostly the examples of Elasticsearch's reference pages for both queries; the
expected DSL is what Elasticsearch builds for them (Lucene's classic and simple query parsers),
written in the query types the compiler already understands.
"""

from __future__ import annotations

from typing import Any

import pytest

from djangoes_engine.errors import (
    BadRequest,
    EngineError,
    IllegalArgument,
    ParsingError,
    QueryShardError,
)
from djangoes_engine.query.querystring import (
    query_string_to_dsl,
    simple_query_string_to_dsl,
)


def qs(query: str, default_fields: list[str] | None = None, **options: Any) -> dict[str, Any]:
    """``query_string`` over ``body`` unless told otherwise (no implied leniency)."""
    return query_string_to_dsl({"query": query, **options}, default_fields or ["body"])


def sqs(query: str, default_fields: list[str] | None = None, **options: Any) -> dict[str, Any]:
    return simple_query_string_to_dsl({"query": query, **options}, default_fields or ["body"])


def match(field: str, text: str, **options: Any) -> dict[str, Any]:
    return {"match": {field: {"query": text, **options}}}


def phrase(field: str, text: str, **options: Any) -> dict[str, Any]:
    return {"match_phrase": {field: {"query": text, **options}}}


def multi(text: str, fields: list[str], kind: str = "best_fields", **options: Any) -> dict:
    return {"multi_match": {"query": text, "fields": fields, "type": kind, **options}}


def boolean(**clauses: Any) -> dict[str, Any]:
    return {"bool": clauses}


def negated(query: dict[str, Any]) -> dict[str, Any]:
    """simple_query_string's ``-x``: everything but x, as Lucene builds it."""
    return boolean(must_not=[query], should=[{"match_all": {}}])


def parse_failure(query: str, **options: Any) -> QueryShardError:
    with pytest.raises(QueryShardError) as caught:
        qs(query, **options)
    return caught.value


# ---------------------------------------------------------------------------------------------
# query_string: the reference page's examples


def test_groups_are_analysed_as_a_whole() -> None:
    assert qs("(new york city) OR (big apple)", default_field="content") == boolean(
        should=[match("content", "new york city"), match("content", "big apple")]
    )


def test_field_names() -> None:
    assert qs("status:active") == match("status", "active")
    assert qs("title:(quick OR brown)") == boolean(
        should=[match("title", "quick"), match("title", "brown")]
    )
    assert qs('author:"John Smith"') == phrase("author", "John Smith")
    assert qs(r"first\ name:Alice") == match("first name", "Alice")
    assert qs("_exists_:title") == {"exists": {"field": "title"}}


def test_field_name_patterns_search_every_matching_field() -> None:
    assert qs(r"book.\*:(quick OR brown)") == boolean(
        should=[multi("quick", ["book.*"]), multi("brown", ["book.*"])]
    )
    assert qs(r"city.\*:(this AND that OR thus)") == boolean(
        must=[multi("this", ["city.*"]), multi("that", ["city.*"])],
        should=[multi("thus", ["city.*"])],
    )


def test_the_all_fields_default_is_lenient() -> None:
    """Elasticsearch makes the whole query lenient when it falls back to ``*``."""
    assert qs("status:active", ["*"]) == match("status", "active", lenient=True)
    assert qs("foo", ["*"]) == multi("foo", ["*"], lenient=True)
    assert qs("foo", ["*"], lenient=False) == multi("foo", ["*"], lenient=False)
    assert qs("foo", ["title", "*_name"]) == multi("foo", ["title", "*_name"])


def test_wildcards() -> None:
    assert qs("qu?ck bro*") == boolean(
        should=[{"wildcard": {"body": {"value": "qu?ck"}}}, {"prefix": {"body": {"value": "bro"}}}]
    )
    assert qs("title:*") == {"exists": {"field": "title"}}
    assert qs("*") == {"exists": {"field": "body"}}
    assert qs("*", ["*"]) == {"match_all": {}}
    assert qs("*:*") == {"match_all": {}}
    assert qs("*", fields=["a", "b^2"]) == {
        "dis_max": {"queries": [{"exists": {"field": "a"}}, {"exists": {"field": "b", "boost": 2}}]}
    }


def test_leading_wildcards_can_be_refused() -> None:
    assert qs("*ing") == {"wildcard": {"body": {"value": "*ing"}}}
    error = parse_failure("*ing", allow_leading_wildcard=False)
    assert error.caused_by.reason == (
        "Cannot parse '*ing': '*' or '?' not allowed as first character in WildcardQuery"
    )


def test_regular_expressions() -> None:
    assert qs("name:/joh?n(ath[oa]n)/") == {"regexp": {"name": {"value": "joh?n(ath[oa]n)"}}}
    assert qs(r"/a\/b/") == {"regexp": {"body": {"value": r"a\/b"}}}


def test_fuzziness() -> None:
    assert qs("quikc~ brwn~ foks~") == boolean(
        should=[
            match("body", "quikc", fuzziness="AUTO"),
            match("body", "brwn", fuzziness="AUTO"),
            match("body", "foks", fuzziness="AUTO"),
        ]
    )
    assert qs("quikc~1") == match("body", "quikc", fuzziness=1)
    assert qs("quikc~5") == match("body", "quikc", fuzziness=2)  # Elasticsearch's maximum
    assert qs("quikc~AUTO") == match("body", "quikc", fuzziness="AUTO")


def test_proximity() -> None:
    assert qs('"fox quick"~5') == phrase("body", "fox quick", slop=5)
    assert qs('"fox quick"~') == phrase("body", "fox quick")
    assert qs('"fox quick"', phrase_slop=2) == phrase("body", "fox quick", slop=2)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("date:[2012-01-01 TO 2012-12-31]", {"date": {"gte": "2012-01-01", "lte": "2012-12-31"}}),
        ("count:[1 TO 5]", {"count": {"gte": "1", "lte": "5"}}),
        ("tag:{alpha TO omega}", {"tag": {"gt": "alpha", "lt": "omega"}}),
        ("count:[10 TO *]", {"count": {"gte": "10"}}),
        ("date:{* TO 2012-01-01}", {"date": {"lt": "2012-01-01"}}),
        ("count:[1 TO 5}", {"count": {"gte": "1", "lt": "5"}}),
        ('name:["a b" TO "c\\"d"]', {"name": {"gte": "a b", "lte": 'c"d'}}),
        ('count:["*" TO 5]', {"count": {"lte": "5"}}),
        ("age:>10", {"age": {"gt": "10"}}),
        ("age:>=10", {"age": {"gte": "10"}}),
        ("age:<10", {"age": {"lt": "10"}}),
        ("age:<=10", {"age": {"lte": "10"}}),
        (r"age:\>10", {"age": {"gt": "10"}}),  # "< and > can't be escaped at all"
    ],
)
def test_ranges(query: str, expected: dict[str, Any]) -> None:
    assert qs(query) == {"range": expected}


def test_ranges_without_a_field_use_the_default_ones() -> None:
    assert qs("[1 TO 5]") == {"range": {"body": {"gte": "1", "lte": "5"}}}
    assert qs(">10") == match("body", ">10")  # only a named field reads > as a range


def test_one_sided_ranges_combine_with_explicit_operators() -> None:
    both = [{"range": {"age": {"gte": "10"}}}, {"range": {"age": {"lt": "20"}}}]
    assert qs("age:(>=10 AND <20)") == boolean(must=both)
    assert qs("age:(+>=10 +<20)") == boolean(must=both)


def test_boosting() -> None:
    assert qs("quick^2 fox") == boolean(
        should=[match("body", "quick", boost=2.0), match("body", "fox")]
    )
    assert qs('"john smith"^2   (foo bar)^4') == boolean(
        should=[phrase("body", "john smith", boost=2.0), match("body", "foo bar", boost=4.0)]
    )
    assert qs("x:[a TO b]^2") == {"range": {"x": {"gte": "a", "lte": "b", "boost": 2.0}}}
    assert qs("foo:bar~2^3") == match("foo", "bar", fuzziness=2, boost=3.0)
    assert qs("(a OR b)^0.5") == boolean(should=[match("body", "a"), match("body", "b")], boost=0.5)


def test_query_and_field_boosts_multiply() -> None:
    assert qs("foo^2", fields=["title^3"]) == match("title", "foo", boost=6.0)


def test_plus_and_minus() -> None:
    assert qs("quick brown +fox -news") == boolean(
        should=[match("body", "quick brown")],
        must=[match("body", "fox")],
        must_not=[match("body", "news")],
    )


def test_boolean_operators() -> None:
    fox = match("body", "fox")
    assert qs("((quick AND fox) OR (brown AND fox) OR fox) AND NOT news") == boolean(
        must=[
            boolean(
                should=[
                    boolean(must=[match("body", "quick"), fox]),
                    boolean(must=[match("body", "brown"), fox]),
                    fox,
                ]
            )
        ],
        must_not=[match("body", "news")],
    )
    assert qs("(quick OR brown) AND fox") == boolean(
        must=[boolean(should=[match("body", "quick"), match("body", "brown")]), fox]
    )


def test_grouping_targets_fields_and_boosts() -> None:
    assert qs("status:(active OR pending) title:(full text search)^2") == boolean(
        should=[
            boolean(should=[match("status", "active"), match("status", "pending")]),
            match("title", "full text search", boost=2.0),
        ]
    )


def test_reserved_characters_are_escaped_with_a_backslash() -> None:
    assert qs(r"\(1\+1\)\=2") == match("body", "(1+1)=2")
    assert qs("kimchy\\!", fields=["user"]) == match("user", "kimchy!")
    assert qs(r"qu\*ck \u0041b") == match("body", "qu*ck Ab")
    assert qs('"a \\"b\\""') == phrase("body", 'a "b"')


def test_escape_makes_the_whole_query_literal() -> None:
    assert qs("a:b (c) -d*", escape=True) == match("body", "a:b (c) -d*")


def test_an_empty_query_matches_nothing() -> None:
    assert qs("") == {"match_none": {}}
    assert qs(" \t ") == {"match_none": {}}


# ---------------------------------------------------------------------------------------------
# query_string: precedence, as Lucene's classic parser has it


def test_and_binds_the_clauses_on_both_sides_without_precedence() -> None:
    a, b, c = match("body", "a"), match("body", "b"), match("body", "c")
    assert qs("a AND b OR c") == boolean(must=[a, b], should=[c])
    assert qs("a OR b AND c") == boolean(should=[a], must=[b, c])
    assert qs("a && b || c") == boolean(must=[a, b], should=[c])


def test_or_under_the_and_default_makes_both_sides_optional() -> None:
    def word(text: str) -> dict[str, Any]:
        return match("body", text, operator="and")

    assert qs("a AND b OR c", default_operator="AND") == boolean(
        must=[word("a")], should=[word("b"), word("c")]
    )
    assert qs("a b", default_operator="and") == word("a b")
    assert qs("a OR b", default_operator="AND") == boolean(should=[word("a"), word("b")])
    assert qs("+a OR b", default_operator="AND") == boolean(should=[word("a"), word("b")])
    assert qs("a -b", default_operator="AND") == boolean(must=[word("a")], must_not=[word("b")])


def test_not_prohibits_the_next_clause() -> None:
    a, b = match("body", "a"), match("body", "b")
    assert qs("NOT a") == boolean(must_not=[a])
    assert qs("!a") == boolean(must_not=[a])
    assert qs("-a") == boolean(must_not=[a])
    assert qs("a NOT b") == boolean(should=[a], must_not=[b])
    assert qs("a AND NOT b") == boolean(must=[a], must_not=[b])
    assert qs("a AND -b") == boolean(must=[a], must_not=[b])


def test_operator_words_are_case_sensitive() -> None:
    assert qs("cats and dogs") == match("body", "cats and dogs")
    assert qs("ANDROID OR x") == boolean(should=[match("body", "ANDROID"), match("body", "x")])


def test_word_runs_stop_at_fields_boosts_and_operators() -> None:
    a, b, c = match("body", "a"), match("body", "b"), match("body", "c")
    assert qs("a b AND c") == boolean(should=[a], must=[b, c])
    assert qs("a b c OR d") == boolean(should=[match("body", "a b"), c, match("body", "d")])
    assert qs("a b:c") == boolean(should=[a, match("b", "c")])
    assert qs("a b^2") == boolean(should=[a, match("body", "b", boost=2.0)])
    assert qs("a b~") == boolean(should=[a, match("body", "b", fuzziness="AUTO")])
    assert qs("a b -c") == boolean(should=[match("body", "a b")], must_not=[c])


def test_lone_operator_characters_are_punctuation() -> None:
    """``a - b``: a ``-`` followed by a blank is a term that analysis drops."""
    a, b = match("body", "a", operator="and"), match("body", "b", operator="and")
    assert qs("a - b", default_operator="and") == boolean(must=[a, b])


def test_several_fields_search_each_term_in_each_field() -> None:
    fields = ["content", "name"]
    assert qs("this AND that", fields=fields) == boolean(
        must=[multi("this", fields), multi("that", fields)]
    )
    assert qs("this AND that OR thus", fields=["content", "name^5"], tie_breaker=0) == boolean(
        must=[
            multi("this", ["content", "name^5"], tie_breaker=0.0),
            multi("that", ["content", "name^5"], tie_breaker=0.0),
        ],
        should=[multi("thus", ["content", "name^5"], tie_breaker=0.0)],
    )


def test_term_queries_over_several_fields_take_the_best_field() -> None:
    prefixes = [{"prefix": {"a": {"value": "x"}}}, {"prefix": {"b": {"value": "x", "boost": 2.0}}}]
    assert qs("x*", fields=["a", "b^2"]) == {"dis_max": {"queries": prefixes}}
    assert qs("x*", fields=["a", "b^2"], tie_breaker=0.3) == {
        "dis_max": {"queries": prefixes, "tie_breaker": 0.3}
    }
    assert qs("x*", fields=["a", "b^2"], type="most_fields") == {
        "dis_max": {"queries": prefixes, "tie_breaker": 1.0}
    }


# ---------------------------------------------------------------------------------------------
# query_string: minimum_should_match, as the reference page describes it


def test_minimum_should_match_on_one_field() -> None:
    assert qs("this that thus", fields=["title"], minimum_should_match=2) == match(
        "title", "this that thus", minimum_should_match=2
    )


def test_minimum_should_match_cannot_apply_to_a_run_over_several_fields() -> None:
    fields = ["title", "content"]
    assert qs("this that thus", fields=fields, minimum_should_match=2) == multi(
        "this that thus", fields
    )


def test_explicit_operators_make_separate_clauses() -> None:
    fields = ["title", "content"]
    assert qs("this OR that OR thus", fields=fields, minimum_should_match=2) == boolean(
        should=[multi("this", fields), multi("that", fields), multi("thus", fields)],
        minimum_should_match=2,
    )


def test_minimum_should_match_with_cross_fields() -> None:
    assert qs(
        "this that thus", fields=["f1", "f2"], type="cross_fields", minimum_should_match=2
    ) == multi("this that thus", ["f1", "f2"], "cross_fields", minimum_should_match=2)


def test_minimum_should_match_counts_the_words_of_a_top_level_run() -> None:
    """Lucene flattens a run's words into the top-level clause list it then counts."""
    assert qs("a b c:d", minimum_should_match="75%") == boolean(
        should=[match("body", "a"), match("body", "b"), match("c", "d")],
        minimum_should_match="75%",
    )


def test_minimum_should_match_skips_boosted_queries() -> None:
    assert qs("(a b)^1", minimum_should_match=1) == match("body", "a b", boost=1.0)
    assert qs("(a b)", minimum_should_match=1) == match("body", "a b", minimum_should_match=1)


# ---------------------------------------------------------------------------------------------
# query_string: request options


def test_type_decides_what_bare_words_become() -> None:
    assert qs("quick brown", type="phrase") == phrase("body", "quick brown")
    assert qs("quick brown", type="phrase", fields=["a", "b"], phrase_slop=2) == multi(
        "quick brown", ["a", "b"], "phrase", slop=2
    )
    assert qs("quick bro", type="phrase_prefix") == {
        "match_phrase_prefix": {"body": {"query": "quick bro"}}
    }
    assert qs("quick bro", type="bool_prefix", fields=["a", "b"]) == multi(
        "quick bro", ["a", "b"], "bool_prefix"
    )


def test_quoted_text_uses_the_quote_options() -> None:
    assert qs(
        '"a b" c',
        fields=["title^2", "body"],
        quote_field_suffix=".exact",
        quote_analyzer="whitespace",
        analyzer="english",
    ) == boolean(
        should=[
            multi("a b", ["title.exact^2", "body.exact"], "phrase", analyzer="whitespace"),
            multi("c", ["title^2", "body"], analyzer="english"),
        ]
    )


def test_fuzzy_options() -> None:
    result = qs(
        "foo~",
        fuzziness=1,
        fuzzy_prefix_length=2,
        fuzzy_max_expansions=10,
        fuzzy_transpositions=False,
    )
    assert result == match(
        "body", "foo", fuzziness=1, prefix_length=2, max_expansions=10, fuzzy_transpositions=False
    )


def test_multi_term_options() -> None:
    assert qs("te?t", rewrite="constant_score") == {
        "wildcard": {"body": {"value": "te?t", "rewrite": "constant_score"}}
    }
    assert qs("/a.*/", max_determinized_states=500) == {
        "regexp": {"body": {"value": "a.*", "max_determinized_states": 500}}
    }
    assert qs("d:[now-1d TO now]", time_zone="+01:00") == {
        "range": {"d": {"gte": "now-1d", "lte": "now", "time_zone": "+01:00"}}
    }


def test_top_level_boost_and_name() -> None:
    assert qs("foo", boost=2, _name="n") == match("body", "foo", boost=2.0, _name="n")
    assert qs("a OR b", boost=3) == boolean(
        should=[match("body", "a"), match("body", "b")], boost=3.0
    )
    assert qs("", _name="empty") == {"match_none": {"_name": "empty"}}


def test_default_field_fields_and_the_index_default() -> None:
    assert query_string_to_dsl({"query": "x"}, ["title", "body^2"]) == multi(
        "x", ["title", "body^2"]
    )
    assert qs("x", default_field="title") == match("title", "x")
    assert qs("x", fields=["title^2"]) == match("title", "x", boost=2.0)
    assert qs("x", fields="title") == match("title", "x")


# ---------------------------------------------------------------------------------------------
# query_string: errors


def test_syntax_errors_are_reported_as_elasticsearch_does() -> None:
    error = parse_failure("heart(")
    expected = (
        'Encountered "<EOF>" at line 1, column 6.\n'
        "Was expecting one of:\n"
        "    <NOT> ...\n"
        '    "+" ...\n'
        '    "-" ...\n'
        "    <BAREOPER> ...\n"
        '    "(" ...\n'
        '    "*" ...\n'
        "    <QUOTED> ...\n"
        "    <TERM> ...\n"
        "    <PREFIXTERM> ...\n"
        "    <WILDTERM> ...\n"
        "    <REGEXPTERM> ...\n"
        '    "[" ...\n'
        '    "{" ...\n'
        "    <NUMBER> ...\n"
        "    <TERM> ...\n"
        '    "*" ...\n'
        "    "
    )
    assert error.status == 400
    assert error.type == "query_shard_exception"
    assert error.reason == "Failed to parse query [heart(]"
    assert error.caused_by.type == "parse_exception"
    assert error.caused_by.reason == "Cannot parse 'heart(': " + expected
    assert error.caused_by.caused_by.type == "parse_exception"
    assert error.caused_by.caused_by.reason == expected
    assert error.to_dict()["error"]["root_cause"][0]["type"] == "query_shard_exception"


def test_an_unexpected_token_is_quoted_with_its_column() -> None:
    error = parse_failure("Income+tax:+exemptions~4")
    assert error.caused_by.caused_by.reason == (
        'Encountered " "+" "+ "" at line 1, column 11.\n'
        "Was expecting one of:\n"
        "    <BAREOPER> ...\n"
        '    "(" ...\n'
        '    "*" ...\n'
        "    <QUOTED> ...\n"
        "    <TERM> ...\n"
        "    <PREFIXTERM> ...\n"
        "    <WILDTERM> ...\n"
        "    <REGEXPTERM> ...\n"
        '    "[" ...\n'
        '    "{" ...\n'
        "    <NUMBER> ...\n"
        "    "
    )


@pytest.mark.parametrize(
    ("query", "start"),
    [
        ("a)", 'Encountered " ")" ") "" at line 1, column 1.\nWas expecting one of:\n    <EOF> \n'),
        ("(a", 'Encountered "<EOF>" at line 1, column 2.\nWas expecting one of:\n'),
        ("a AND", 'Encountered "<EOF>" at line 1, column 5.\nWas expecting one of:\n'),
        ("AND a", 'Encountered " <AND> "AND "" at line 1, column 0.\n'),
        ("a:", 'Encountered "<EOF>" at line 1, column 2.\n'),
        ("a^", 'Encountered "<EOF>" at line 1, column 2.\nWas expecting:\n    <NUMBER> ...\n'),
        ("x:[a b]", 'Encountered " <RANGE_GOOP> "b "" at line 1, column 5.\nWas expecting:\n'),
        ("x:[a TO", 'Encountered "<EOF>" at line 1, column 7.\n'),
        ("x:[a TO b", 'Encountered "<EOF>" at line 1, column 9.\n'),
        ("NOT NOT a", 'Encountered " <NOT> "NOT "" at line 1, column 4.\n'),
    ],
)
def test_parse_errors(query: str, start: str) -> None:
    assert parse_failure(query).caused_by.caused_by.reason.startswith(start)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"foo', 'Lexical error at line 1, column 5.  Encountered: <EOF> after : "\\"foo"'),
        ("foo\\", 'Lexical error at line 1, column 5.  Encountered: <EOF> after : "\\\\"'),
        ("a^x", 'Lexical error at line 1, column 3.  Encountered: "x" (120), after : ""'),
        ("a]", 'Lexical error at line 1, column 2.  Encountered: "]" (93), after : ""'),
        ("a/b", 'Lexical error at line 1, column 4.  Encountered: <EOF> after : "/b"'),
    ],
)
def test_lexical_errors(query: str, message: str) -> None:
    error = parse_failure(query)
    assert error.caused_by.reason == f"Cannot parse '{query}': {message}"
    assert error.caused_by.caused_by.type == "token_mgr_error"


def test_bad_escapes_are_parse_errors() -> None:
    error = parse_failure(r"x:[a\ TO b]")
    assert error.caused_by.caused_by.reason == "Term can not end with escape character."
    assert parse_failure(r"\u00").caused_by.caused_by.reason == (
        "Truncated unicode escape sequence."
    )


def test_nesting_is_bounded() -> None:
    assert qs("(" * 50 + "a" + ")" * 50) == match("body", "a")
    error = parse_failure("(" * 500 + "a" + ")" * 500)
    assert "nested too deeply" in error.caused_by.reason


@pytest.mark.parametrize(
    ("body", "error", "reason"),
    [
        ({}, ParsingError, "[query_string] must be provided with a [query]"),
        ({"query": "a", "bogus": 1}, ParsingError, "[query_string] query does not support [bogus]"),
        ({"query": {"a": 1}}, ParsingError, "[query_string] unknown token [START_OBJECT]"),
        ({"query": "a", "default_operator": "xor"}, IllegalArgument, "No enum constant"),
        ({"query": "a", "type": "best"}, BadRequest, "failed to parse [multi_match] query type"),
        ({"query": "a", "phrase_slop": "x"}, ParsingError, "[query_string] failed to parse field"),
        ({"query": "a", "fields": ["a"], "default_field": "b"}, BadRequest, "Validation Failed"),
    ],
)
def test_request_errors(body: dict[str, Any], error: type[EngineError], reason: str) -> None:
    with pytest.raises(error) as caught:
        query_string_to_dsl(body, ["*"])
    assert caught.value.status == 400
    assert caught.value.reason.startswith(reason)


def test_query_may_be_a_number() -> None:
    assert query_string_to_dsl({"query": 42}, ["n"]) == match("n", "42")


# ---------------------------------------------------------------------------------------------
# simple_query_string: the reference page's examples


def test_simple_example_request() -> None:
    fields = ["title^5", "body"]
    result = sqs(
        '"fried eggs" +(eggplant | potato) -frittata', fields=fields, default_operator="and"
    )

    def word(text: str) -> dict[str, Any]:
        return multi(text, fields, "most_fields", operator="and")

    assert result == boolean(
        must=[
            multi("fried eggs", fields, "phrase"),
            boolean(should=[word("eggplant"), word("potato")]),
            negated(word("frittata")),
        ]
    )


def test_simple_negation_under_the_or_default() -> None:
    """``foo bar -baz`` also finds everything without baz: the page's warning."""
    foo, bar, baz = match("content", "foo"), match("content", "bar"), match("content", "baz")
    assert sqs("foo bar -baz", fields=["content"]) == boolean(should=[foo, bar, negated(baz)])
    assert sqs("foo bar +-baz", fields=["content"]) == boolean(
        must=[boolean(should=[foo, bar]), negated(baz)]
    )
    assert sqs("foo bar -baz", fields=["content"], default_operator="and") == boolean(
        must=[
            match("content", "foo", operator="and"),
            match("content", "bar", operator="and"),
            negated(match("content", "baz", operator="and")),
        ]
    )


def test_simple_prefix_and_fields() -> None:
    assert sqs("ba*") == {"prefix": {"body": {"value": "ba"}}}
    assert sqs("ba*", fields=["a", "b^2"]) == {
        "dis_max": {
            "queries": [
                {"prefix": {"a": {"value": "ba"}}},
                {"prefix": {"b": {"value": "ba", "boost": 2.0}}},
            ],
            "tie_breaker": 1.0,
        }
    }
    assert sqs("Will Smith", fields=["title", "*_name"]) == boolean(
        should=[
            multi("Will", ["title", "*_name"], "most_fields"),
            multi("Smith", ["title", "*_name"], "most_fields"),
        ]
    )
    assert sqs("test", fields=["subject^3", "message"]) == multi(
        "test", ["subject^3", "message"], "most_fields"
    )
    assert sqs("test", ["*"]) == multi("test", ["*"], "most_fields", lenient=True)


def test_simple_flags_limit_the_operators() -> None:
    """Without WHITESPACE, blanks belong to the words, as in Lucene."""
    assert sqs("foo | bar + baz*", ["f"], flags="OR|AND|PREFIX") == boolean(
        must=[
            boolean(should=[match("f", "foo "), match("f", " bar ")]),
            {"prefix": {"f": {"value": " baz"}}},
        ]
    )
    assert sqs('-a "b c" d*', flags="NONE") == match("body", '-a "b c" d*')
    assert sqs("-a b", flags="WHITESPACE") == boolean(
        should=[match("body", "-a"), match("body", "b")]
    )
    assert sqs("a b", flags=0) == match("body", "a b")
    assert sqs("a -b", flags="ALL") == sqs("a -b")
    assert sqs("a\\-b", flags="WHITESPACE|NOT") == match("body", "a\\-b")


def test_simple_fuzziness_and_slop() -> None:
    assert sqs("quikc~1") == match("body", "quikc", fuzziness=1)
    assert sqs("quikc~") == match("body", "quikc", fuzziness=2)
    assert sqs("quikc~9") == match("body", "quikc", fuzziness=2)
    assert sqs("quikc~0") == match("body", "quikc")
    assert sqs("quikc~x") == match("body", "quikc")
    assert sqs('"a b"~3') == phrase("body", "a b", slop=3)
    assert sqs('"a b"') == phrase("body", "a b")
    assert sqs("a~2", fields=["x", "y"], fuzzy_prefix_length=1) == multi(
        "a", ["x", "y"], "most_fields", fuzziness=2, prefix_length=1
    )


def test_simple_escapes() -> None:
    assert sqs(r"foo\*") == match("body", "foo*")
    assert sqs(r"a\ b c") == boolean(should=[match("body", "a b"), match("body", "c")])
    assert sqs(r"\(x\)") == match("body", "(x)")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"match_none": {}}),
        ("   ", {"match_none": {}}),
        (" * ", {"match_all": {}}),
        ("(a", {"match": {"body": {"query": "a"}}}),
        ("a)", {"match": {"body": {"query": "a"}}}),
        ('"a b', {"bool": {"should": [match("body", "a"), match("body", "b")]}}),
        ("()", {"match_none": {}}),
        ('""', {"match_none": {}}),
        ("a\\", {"match": {"body": {"query": "a"}}}),
        ("+a", {"match": {"body": {"query": "a"}}}),
        ("a + | b", {"bool": {"must": [match("body", "a"), match("body", "b")]}}),
        ("- a", {"match": {"body": {"query": "a"}}}),
        ("--a", {"match": {"body": {"query": "a"}}}),
        ("-a", negated(match("body", "a"))),
        ("a |", {"match": {"body": {"query": "a"}}}),
        (
            "(a b) c",
            {
                "bool": {
                    "should": [
                        {"bool": {"should": [match("body", "a"), match("body", "b")]}},
                        match("body", "c"),
                    ]
                }
            },
        ),
    ],
)
def test_simple_query_string_never_fails(query: str, expected: dict[str, Any]) -> None:
    assert sqs(query) == expected


def test_simple_operators_read_left_to_right() -> None:
    a, b, c = match("body", "a"), match("body", "b"), match("body", "c")
    assert sqs("a | b + c") == boolean(must=[boolean(should=[a, b]), c])
    assert sqs("a + b | c") == boolean(should=[boolean(must=[a, b]), c])


def test_simple_deep_nesting_degrades_instead_of_failing() -> None:
    result = sqs("(" * 3000 + "a" + ")" * 3000)
    assert "match" in result


def test_simple_minimum_should_match() -> None:
    assert sqs("sheep cow", fields=["str"], minimum_should_match=1) == boolean(
        should=[match("str", "sheep"), match("str", "cow")], minimum_should_match=1
    )
    assert sqs("sheep", fields=["a", "b"], minimum_should_match=1) == multi(
        "sheep", ["a", "b"], "most_fields"
    )


def test_simple_options() -> None:
    assert sqs(
        '"a b" c',
        fields=["t"],
        quote_field_suffix=".exact",
        analyzer="english",
        auto_generate_synonyms_phrase_query=False,
        boost=2,
        _name="q",
    ) == boolean(
        should=[
            phrase("t.exact", "a b", analyzer="english"),
            match("t", "c", analyzer="english", auto_generate_synonyms_phrase_query=False),
        ],
        boost=2.0,
        _name="q",
    )


@pytest.mark.parametrize(
    ("body", "error", "reason"),
    [
        ({}, ParsingError, "[simple_query_string] query text missing"),
        ({"query": "a", "bogus": 1}, ParsingError, "[simple_query_string] unsupported field"),
        ({"query": "a", "flags": "AND|bogus"}, IllegalArgument, "Unknown simple_query_string flag"),
        ({"query": "a", "default_operator": "xor"}, IllegalArgument, "No enum constant"),
    ],
)
def test_simple_request_errors(body: dict[str, Any], error: type[EngineError], reason: str) -> None:
    with pytest.raises(error) as caught:
        simple_query_string_to_dsl(body, ["*"])
    assert caught.value.reason.startswith(reason)
