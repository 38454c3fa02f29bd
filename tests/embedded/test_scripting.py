"""Painless update scripts in the embedded engine.

Expected values come from the Elasticsearch reference (the update API's script examples, the
Painless language specification) and from the Java semantics Painless inherits: integer division
truncates, ``+`` concatenates strings, doubles print as ``Double.toString`` prints them. Error
shapes follow Elasticsearch's ``script_exception`` ("compile error" / "runtime error") with
``script_stack``, ``script``, ``lang``, ``position`` and the Java exception as ``caused_by``.
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from djangoes_engine.errors import EngineError, IllegalArgument
from djangoes_engine.scripting import (
    LOOP_MESSAGE,
    CompiledScript,
    ScriptException,
    compile_script,
    run_update_script,
    update_script_failure,
)


def make_ctx(source: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    ctx = {
        "_source": {} if source is None else source,
        "op": "index",
        "_id": "1",
        "_index": "test",
        "_version": 3,
        "_routing": None,
        "_now": 1_700_000_000_000,
    }
    ctx.update(extra)
    return ctx


def run(source: str, doc: dict[str, Any] | None = None, **params: Any) -> dict[str, Any]:
    """Run ``source`` against a document and return the whole ctx afterwards."""
    ctx = make_ctx(doc)
    run_update_script({"source": source, "lang": "painless", "params": params}, ctx)
    return ctx


def fails(source: str, doc: dict[str, Any] | None = None, **params: Any) -> ScriptException:
    with pytest.raises(ScriptException) as caught:
        run(source, doc, **params)
    return caught.value


def cause(error: EngineError) -> tuple[str, str | None]:
    assert error.caused_by is not None
    return error.caused_by.type, error.caused_by.reason


# ---------------------------------------------------------------------------------------------
# The update API documentation's script examples


def test_doc_example_increment_counter_by_param() -> None:
    ctx = run("ctx._source.counter += params.count", {"counter": 1}, count=4)
    assert ctx["_source"] == {"counter": 5}
    assert ctx["op"] == "index"


def test_doc_example_add_tag() -> None:
    ctx = run("ctx._source.tags.add(params.tag)", {"tags": ["red"]}, tag="blue")
    assert ctx["_source"]["tags"] == ["red", "blue"]


def test_doc_example_remove_tag_by_index() -> None:
    source = (
        "if (ctx._source.tags.contains(params.tag)) { "
        "ctx._source.tags.remove(ctx._source.tags.indexOf(params.tag)) }"
    )
    assert run(source, {"tags": ["red", "blue"]}, tag="blue")["_source"]["tags"] == ["red"]
    assert run(source, {"tags": ["red"]}, tag="green")["_source"]["tags"] == ["red"]


def test_doc_example_add_and_remove_field() -> None:
    ctx = run("ctx._source.new_field = 'value_of_new_field'", {"a": 1})
    assert ctx["_source"] == {"a": 1, "new_field": "value_of_new_field"}
    ctx = run("ctx._source.remove('new_field')", {"a": 1, "new_field": "x"})
    assert ctx["_source"] == {"a": 1}


def test_doc_example_conditional_delete_or_noop() -> None:
    source = (
        "if (ctx._source.tags.contains(params.tag)) { ctx.op = 'delete' } else { ctx.op = 'none' }"
    )
    assert run(source, {"tags": ["green"]}, tag="green")["op"] == "delete"
    assert run(source, {"tags": ["blue"]}, tag="green")["op"] == "none"


def test_update_by_query_increment() -> None:
    ctx = run("ctx._source.age++", {"name": "user", "age": 29})
    assert ctx["_source"]["age"] == 30


def test_script_as_plain_string_and_without_params() -> None:
    ctx = make_ctx({"n": 1})
    run_update_script("ctx._source.n *= 10", ctx)
    assert ctx["_source"]["n"] == 10
    ctx = make_ctx({"n": 1})
    run_update_script({"source": "ctx._source.n -= 1"}, ctx)
    assert ctx["_source"]["n"] == 0


def test_compiled_script_runs_against_many_contexts() -> None:
    script = compile_script({"source": "ctx._source.n += params.by", "params": {"by": 2}})
    assert isinstance(script, CompiledScript)
    docs = [make_ctx({"n": n}) for n in range(3)]
    for ctx in docs:
        script.execute(ctx)
    assert [ctx["_source"]["n"] for ctx in docs] == [2, 3, 4]


# ---------------------------------------------------------------------------------------------
# Arithmetic and strings


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("7 / 2", 3),
        ("-7 / 2", -3),  # truncates toward zero, unlike Python's floor division
        ("7 / -2", -3),
        ("-7 % 2", -1),  # the remainder takes the dividend's sign
        ("7 % -2", 1),
        ("7 / 2.0", 3.5),
        ("1.5 * 2", 3.0),
        ("2 * 3 + 4", 10),
        ("2 * (3 + 4)", 14),
        ("10 - 2 - 3", 5),
        ("7.5 % 2", 1.5),
        ("1 << 3", 8),
        ("-16 >> 2", -4),
        ("-1 >>> 28", 15),
        ("6 & 3", 2),
        ("6 | 3", 7),
        ("6 ^ 3", 5),
        ("~5", -6),
        ("-(3)", -3),
        ("0x1F + 010", 39),  # hex and octal literals
        ("10L * 3", 30),
        ("2147483647 + 1", 2147483648),
    ],
)
def test_arithmetic(expression: str, expected: Any) -> None:
    value = run(f"ctx._source.v = {expression}")["_source"]["v"]
    assert value == expected
    assert type(value) is type(expected)


def test_int_and_double_stay_distinct() -> None:
    doc = run(
        "ctx._source.i = params.a + params.b; ctx._source.d = params.a + params.c", a=1, b=2, c=0.5
    )["_source"]
    assert doc == {"i": 3, "d": 1.5}
    assert type(doc["i"]) is int


def test_integer_division_by_zero_is_an_arithmetic_exception() -> None:
    error = fails("ctx._source.x = ctx._source.n / 0", {"n": 4})
    assert cause(error) == ("arithmetic_exception", "/ by zero")
    assert cause(fails("ctx._source.x = 4 % 0")) == ("arithmetic_exception", "/ by zero")


def test_double_division_by_zero_follows_ieee() -> None:
    doc = run("ctx._source.s = '' + (1.0 / 0) + ',' + (-1 / 0.0) + ',' + (0.0 / 0)")["_source"]
    assert doc["s"] == "Infinity,-Infinity,NaN"


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("'a' + 1 + 2", "a12"),
        ("1 + 2 + 'a'", "3a"),
        ("'x' + null", "xnull"),
        ("'x' + true", "xtrue"),
        ("'x' + 1.0", "x1.0"),
        ("'x' + 100.0", "x100.0"),
        ("'x' + 123.456", "x123.456"),
        ("'x' + 1e7", "x1.0E7"),
        ("'x' + 1.5e-5", "x1.5E-5"),
        ("'x' + 0.001", "x0.001"),
        ("'x' + [1, 'b']", "x[1, b]"),
        ("'x' + ['k': 1]", "x{k=1}"),
        ("\"dq\" + 'sq'", "dqsq"),
        ("'it\\'s'", "it's"),
        ('"say \\"hi\\""', 'say "hi"'),
        ("'back\\\\slash'", "back\\slash"),
    ],
)
def test_string_concatenation(expression: str, expected: str) -> None:
    assert run(f"ctx._source.s = {expression}")["_source"]["s"] == expected


def test_compound_string_concatenation() -> None:
    doc = run(
        "ctx._source.name += ' ' + params.suffix; String s = 'n'; s += 1; ctx._source.s = s",
        {"name": "John"},
        suffix="Doe",
    )["_source"]
    assert doc == {"name": "John Doe", "s": "n1"}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("1 == 1.0", True),
        ("'a' == 'a'", True),
        ("'a' != 'b'", True),
        ("[1, 2] == [1, 2]", True),
        ("['a': 1] == ['a': 1]", True),
        ("null == null", True),
        ("ctx._source.missing == null", True),
        ("1 < 2 && 2 <= 2", True),
        ("3 > 4 || 4 >= 4", True),
        ("!(1 > 2)", True),
        ("true ? 'yes' : 'no'", "yes"),
        ("1 > 2 ? 'yes' : 'no'", "no"),
        ("params.nothing ?: 'fallback'", "fallback"),
        ("params.list?.size()", 2),
        ("params.nothing?.size()", None),
        ("params.list instanceof List", True),
        ("params.list instanceof Map", False),
        ("'s' instanceof String", True),
    ],
)
def test_comparisons_and_conditionals(expression: str, expected: Any) -> None:
    assert run(f"ctx._source.v = {expression}", list=[1, 2])["_source"]["v"] == expected


def test_logical_operators_short_circuit() -> None:
    doc = run(
        "ctx._source.a = ctx._source.m != null && ctx._source.m.x > 1; "
        "ctx._source.b = ctx._source.m == null || ctx._source.m.x > 1"
    )["_source"]
    assert doc == {"a": False, "b": True}


# ---------------------------------------------------------------------------------------------
# Field and index access


def test_missing_keys_read_as_null() -> None:
    doc = run(
        "ctx._source.a = ctx._source.missing; ctx._source.b = ctx._source['missing']; "
        "ctx._source.c = params.nope; ctx._source.d = params['nope']"
    )["_source"]
    assert doc == {"a": None, "b": None, "c": None, "d": None}


def test_nested_fields_and_brace_access() -> None:
    doc = run(
        "ctx._source.user.name = params['name']; ctx._source['user']['age'] += 1; "
        "ctx._source.user.tags[0] = 'first'; ctx._source.user.tags[-1] = 'last'",
        {"user": {"age": 30, "tags": ["a", "b", "c"]}},
        name="kim",
    )["_source"]
    assert doc == {"user": {"age": 31, "tags": ["first", "b", "last"], "name": "kim"}}


def test_increment_and_decrement_forms() -> None:
    doc = run(
        "ctx._source.a = ctx._source.n++; ctx._source.b = ++ctx._source.n; "
        "ctx._source.c = ctx._source.n--; ctx._source.l[0]++; --ctx._source.m.x",
        {"n": 1, "l": [5], "m": {"x": 2}},
    )["_source"]
    assert doc == {"n": 2, "l": [6], "m": {"x": 1}, "a": 1, "b": 3, "c": 3}


def test_compound_assignments() -> None:
    doc = run(
        "ctx._source.a -= 1; ctx._source.b *= 2.5; ctx._source.c /= 2; ctx._source.d %= 3",
        {"a": 1, "b": 2, "c": 7, "d": 10},
    )["_source"]
    assert doc == {"a": 0, "b": 5.0, "c": 3, "d": 1}


def test_list_shortcuts() -> None:
    doc = run(
        "ctx._source.first = ctx._source.l.0; ctx._source.n = ctx._source.l.length", {"l": [7, 8]}
    )["_source"]
    assert (doc["first"], doc["n"]) == (7, 2)


# ---------------------------------------------------------------------------------------------
# Statements


def test_if_else_if_else() -> None:
    source = (
        "if (ctx._source.n < 0) { ctx._source.s = 'neg' } "
        "else if (ctx._source.n == 0) { ctx._source.s = 'zero' } "
        "else { ctx._source.s = 'pos' }"
    )
    assert [run(source, {"n": n})["_source"]["s"] for n in (-1, 0, 1)] == ["neg", "zero", "pos"]


def test_statements_without_braces() -> None:
    doc = run("if (ctx._source.n > 0) ctx._source.s = 'pos'; else ctx._source.s = 'no';", {"n": 2})[
        "_source"
    ]
    assert doc["s"] == "pos"


def test_for_each_loops() -> None:
    doc = run(
        "def total = 0; for (def x : params.xs) { total += x } ctx._source.total = total; "
        "for (item in params.xs) { ctx._source['k' + item] = item }",
        xs=[1, 2],
    )["_source"]
    assert doc == {"total": 3, "k1": 1, "k2": 2}


def test_classic_for_while_and_do_while() -> None:
    doc = run(
        "int sum = 0; for (int i = 0; i < 5; i++) { sum += i } ctx._source.sum = sum; "
        "int n = 0; while (n < 3) { n++ } ctx._source.n = n; "
        "int d = 0; do { d += 4 } while (d < 10); ctx._source.d = d"
    )["_source"]
    assert doc == {"sum": 10, "n": 3, "d": 12}


def test_break_and_continue() -> None:
    doc = run(
        "def odd = []; for (int i = 0; i < 10; i++) { if (i % 2 == 0) { continue } "
        "if (i > 6) { break } odd.add(i) } ctx._source.odd = odd"
    )["_source"]
    assert doc == {"odd": [1, 3, 5]}


def test_return_ends_the_script() -> None:
    source = "if (ctx._source.skip) { ctx.op = 'noop'; return } ctx._source.touched = true"
    assert run(source, {"skip": True}) == make_ctx({"skip": True}, op="noop")
    assert run(source, {"skip": False})["_source"] == {"skip": False, "touched": True}
    assert run("for (def x : params.xs) { return; } ctx._source.after = 1", xs=[1])["_source"] == {}


def test_declarations_with_types() -> None:
    doc = run(
        "int i = 5; i /= 2.0; long l = 3L; double d = 3; boolean b = false; String s = 'x'; "
        "Map m = new HashMap(); List li = new ArrayList(); def nothing; int zero; "
        "ctx._source.v = [i, l, d, b, s, m, li, nothing, zero]"
    )["_source"]
    assert doc["v"] == [2, 3, 3.0, False, "x", {}, [], None, 0]
    assert type(doc["v"][2]) is float


def test_casts() -> None:
    doc = run("ctx._source.v = [(int) 3.9, (int) -3.9, (long) 2.5, (double) 3, (def) 'x']")
    assert doc["_source"]["v"] == [3, -3, 2, 3.0, "x"]


def test_comments_and_trailing_semicolons() -> None:
    doc = run("// set a\n/* and b */ ctx._source.a = 1; ctx._source.b = 2; // done\n")["_source"]
    assert doc == {"a": 1, "b": 2}


# ---------------------------------------------------------------------------------------------
# Methods, constructors and static members


def test_map_methods() -> None:
    doc = run(
        "def m = ctx._source.m; ctx._source.v = [m.containsKey('a'), m.get('a'), m.get('zz'), "
        "m.getOrDefault('zz', 9), m.size(), m.isEmpty(), m.keySet(), m.values()]; "
        "ctx._source.old = m.put('b', 2); m.putIfAbsent('a', 100); ctx._source.removed = "
        "m.remove('a')",
        {"m": {"a": 1}},
    )["_source"]
    assert doc["v"] == [True, 1, None, 9, 1, False, ["a"], [1]]
    assert doc["m"] == {"b": 2}
    assert (doc["old"], doc["removed"]) == (None, 1)


def test_map_entry_set() -> None:
    doc = run(
        "for (def e : ctx._source.entrySet()) { e.setValue(e.getKey() + '=' + e.value) }",
        {"a": 1, "b": "x"},
    )["_source"]
    assert doc == {"a": "a=1", "b": "b=x"}


def test_list_methods() -> None:
    doc = run(
        "def l = ctx._source.l; l.add(0, 'first'); l.addAll(['y', 'z']); "
        "ctx._source.v = [l.size(), l.get(1), l.indexOf('z'), l.contains('y'), l.isEmpty(), "
        "l.set(1, 'B')]; ctx._source.byIndex = l.remove(0); ctx._source.byValue = l.remove('z')",
        {"l": ["b"]},
    )["_source"]
    assert doc["v"] == [4, "b", 3, True, False, "b"]
    assert doc["l"] == ["B", "y"]
    assert (doc["byIndex"], doc["byValue"]) == ("first", True)


def test_list_remove_takes_an_int_as_an_index() -> None:
    doc = run("ctx._source.l.remove(1)", {"l": [10, 20, 30]})["_source"]
    assert doc["l"] == [10, 30]


def test_list_and_map_literals_and_constructors() -> None:
    doc = run(
        "ctx._source.v = [[], [:], [1, 'a'], ['k': [1], 'j': null], new ArrayList(), "
        "new HashMap(), new ArrayList([1, 2]), new HashMap(['a': 1])]"
    )["_source"]
    assert doc["v"] == [[], {}, [1, "a"], {"k": [1], "j": None}, [], {}, [1, 2], {"a": 1}]


def test_constructed_collections_are_independent_copies() -> None:
    doc = run(
        "ctx._source.copy = new ArrayList(ctx._source.l); ctx._source.copy.add(3)", {"l": [1, 2]}
    )["_source"]
    assert doc == {"l": [1, 2], "copy": [1, 2, 3]}


def test_string_methods() -> None:
    doc = run(
        "String s = ' Hello World '; String t = s.trim(); ctx._source.v = [t.length(), "
        "t.toUpperCase(), t.toLowerCase(), t.contains('lo W'), t.startsWith('He'), "
        "t.endsWith('ld'), t.substring(6), t.substring(0, 5), t.replace('o', '0'), "
        "t.indexOf('o'), t.lastIndexOf('o'), t.split(' '), t.equals('Hello World'), "
        "t.charAt(1), 'a,b,,'.split(','), 'abc'.hashCode(), t.isEmpty()]"
    )["_source"]
    assert doc["v"] == [
        11,
        "HELLO WORLD",
        "hello world",
        True,
        True,
        True,
        "World",
        "Hello",
        "Hell0 W0rld",
        4,
        7,
        ["Hello", "World"],
        True,
        "e",
        ["a", "b"],
        96354,
        False,
    ]


def test_number_and_object_methods() -> None:
    doc = run(
        "ctx._source.v = [params.d.intValue(), params.i.doubleValue(), params.i.toString(), "
        "params.d.toString(), params.i.equals(3), params.i.equals(3.0), params.l.toString()]",
        d=2.7,
        i=3,
        l=[1, "a"],
    )["_source"]
    assert doc["v"] == [2, 3.0, "3", "2.7", True, False, "[1, a]"]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("Math.max(1, 2)", 2),
        ("Math.max(1, 2.5)", 2.5),
        ("Math.min(-1, 2)", -1),
        ("Math.abs(-3)", 3),
        ("Math.abs(-2.5)", 2.5),
        ("Math.round(2.5)", 3),
        ("Math.round(-2.5)", -2),  # Java rounds half up
        ("Math.floor(2.7)", 2.0),
        ("Math.ceil(2.1)", 3.0),
        ("Math.sqrt(16)", 4.0),
        ("Math.pow(2, 10)", 1024.0),
        ("String.valueOf(12)", "12"),
        ("String.valueOf(1.0)", "1.0"),
        ("String.join('-', ['a', 'b'])", "a-b"),
        ("Integer.parseInt('-42')", -42),
        ("Long.parseLong('9000000000')", 9000000000),
        ("Double.parseDouble('1.5')", 1.5),
        ("Integer.MAX_VALUE", 2147483647),
        ("Boolean.parseBoolean('TRUE')", True),
    ],
)
def test_static_members(expression: str, expected: Any) -> None:
    value = run(f"ctx._source.v = {expression}")["_source"]["v"]
    assert value == expected
    assert type(value) is type(expected)


def test_number_format_errors() -> None:
    error = fails("ctx._source.v = Integer.parseInt(params.s)", s="12abc")
    assert cause(error) == ("number_format_exception", 'For input string: "12abc"')
    assert cause(fails("ctx._source.v = Integer.parseInt('3000000000')"))[0] == (
        "number_format_exception"
    )
    assert cause(fails("ctx._source.v = Double.parseDouble('inf')"))[0] == (
        "number_format_exception"
    )


# ---------------------------------------------------------------------------------------------
# ctx metadata


def test_ctx_metadata_is_readable() -> None:
    doc = run("ctx._source.v = [ctx._id, ctx._index, ctx._version, ctx._now, ctx.op]")["_source"]
    assert doc["v"] == ["1", "test", 3, 1_700_000_000_000, "index"]


@pytest.mark.parametrize("op", ["noop", "none", "delete", "index"])
def test_ctx_op_is_writable(op: str) -> None:
    assert run(f"ctx.op = '{op}'")["op"] == op


@pytest.mark.parametrize(
    "source", ["ctx._id = 'x'", "ctx['_version'] = 4", "ctx.put('_index', 'other')"]
)
def test_ctx_metadata_is_read_only(source: str) -> None:
    error = fails(source)
    assert error.reason == "runtime error"
    assert cause(error)[0] == "illegal_argument_exception"
    assert cause(error)[1].endswith("cannot be updated")


def test_ctx_op_must_be_a_string() -> None:
    error = fails("ctx.op = 1")
    assert cause(error) == (
        "illegal_argument_exception",
        "op [1] is wrong type, expected assignable to [java.lang.String], not [java.lang.Integer]",
    )


def test_ctx_source_can_be_replaced() -> None:
    assert run("ctx._source = ['fresh': true]", {"old": 1})["_source"] == {"fresh": True}


# ---------------------------------------------------------------------------------------------
# Compile errors


def test_syntax_error_shape() -> None:
    error = fails("ctx._source.counter += ")
    body = error.to_dict()
    assert body["status"] == 400
    assert body["error"]["type"] == "script_exception"
    assert body["error"]["reason"] == "compile error"
    assert body["error"]["lang"] == "painless"
    assert body["error"]["script"] == "ctx._source.counter += "
    assert body["error"]["script_stack"] == [
        "ctx._source.counter += ",
        "                       ^---- HERE",
    ]
    assert body["error"]["position"] == {"offset": 23, "start": 0, "end": 23}
    assert body["error"]["caused_by"] == {
        "type": "illegal_argument_exception",
        "reason": "unexpected end of script.",
    }
    assert body["error"]["root_cause"][0]["type"] == "script_exception"


def test_compile_error_window_in_a_long_script() -> None:
    source = (
        "ctx._source.aaaaaaaaaaaaaaaaaaaaaaaa = 1; ctx._source.b = ) + 2; "
        "ctx._source.c = 3; ctx._source.d = 4"
    )
    error = fails(source)
    offset = source.index(")")
    assert error.extra["position"] == {"offset": offset, "start": offset - 25, "end": offset + 25}
    snippet, pointer = error.extra["script_stack"]
    assert snippet == "... " + source[offset - 25 : offset + 25] + " ..."
    assert pointer == " " * (4 + 25) + "^---- HERE"
    assert cause(error) == ("illegal_argument_exception", "invalid sequence of tokens near [')'].")


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("foo = 1", "cannot resolve symbol [foo]"),
        ("def x = 1; def x = 2", "variable [x] is already defined"),
        ("ctx._source.a = 1 ctx._source.b = 2", "invalid sequence of tokens near ['ctx']."),
        ("ctx._source.a == 1", "Not a statement."),
        ("return; ctx._source.a = 1", "Unreachable statement."),
        ("ctx._source.a = 2147483648", "Invalid int constant [2147483648]."),
        ("ctx._source.a = 'a\\nb'", "unexpected character ['a\\n]."),
        ("ctx._source.a = #", "unexpected character [#]."),
        ("ctx._source.a = Math.nope(1)", "static method [java.lang.Math, nope/1] not found"),
        ("ctx._source.a = new Thing()", "cannot resolve type [Thing]"),
        ("1 = 2", "invalid assignment: cannot assign a value to this expression"),
        (
            "params = [:]",
            "invalid assignment: cannot assign a value to read-only variable [params]",
        ),
        ("if (true) { ctx._source.a = 1", "unexpected end of script."),
    ],
)
def test_compile_errors(source: str, reason: str) -> None:
    error = fails(source)
    assert error.reason == "compile error"
    assert cause(error) == ("illegal_argument_exception", reason)


def test_negative_int_limit_is_a_valid_literal() -> None:
    assert run("ctx._source.a = -2147483648")["_source"]["a"] == -2147483648


# ---------------------------------------------------------------------------------------------
# Runtime errors


def test_null_pointer_on_missing_field() -> None:
    error = fails("ctx._source.count += 1")
    assert error.reason == "runtime error"
    assert cause(error)[0] == "null_pointer_exception"
    assert error.extra["script"] == "ctx._source.count += 1"
    assert error.extra["lang"] == "painless"


def test_null_plus_one_is_a_null_pointer() -> None:
    assert cause(fails("ctx._source.a = null + 1"))[0] == "null_pointer_exception"


def test_method_call_on_null_points_at_the_method() -> None:
    source = "ctx._source.a = 1; ctx._source.tags.add('x'); ctx._source.b = 2"
    error = fails(source)
    assert cause(error) == (
        "null_pointer_exception",
        'Cannot invoke "Object.getClass()" because "callArgs[0]" is null',
    )
    offset = source.index("add")
    start = source.index("ctx._source.tags")
    end = source.index("ctx._source.b")
    assert error.extra["position"] == {"offset": offset, "start": start, "end": end}
    assert error.extra["script_stack"] == [source[start:end], " " * (offset - start) + "^---- HERE"]


def test_class_cast_error_matches_elasticsearch_example() -> None:
    # The example from Elasticsearch's "char position of script errors" change.
    error = fails("def x = new ArrayList(); Map y = x;")
    assert error.extra["script_stack"] == ["y = x;", "    ^---- HERE"]
    assert error.extra["position"] == {"offset": 33, "start": 29, "end": 35}
    assert cause(error) == (
        "class_cast_exception",
        "Cannot cast java.util.ArrayList to java.util.Map",
    )


@pytest.mark.parametrize(
    ("source", "java_type", "reason"),
    [
        (
            "ctx._source.n.toUpperCase()",
            "illegal_argument_exception",
            "dynamic method [java.lang.Integer, toUpperCase/0] not found",
        ),
        (
            "ctx._source.a = ctx._source.n.foo",
            "illegal_argument_exception",
            "dynamic getter [java.lang.Integer, foo] not found",
        ),
        (
            "ctx._source.a = ctx._source.l[5]",
            "index_out_of_bounds_exception",
            "Index 5 out of bounds for length 2",
        ),
        (
            "ctx._source.a = ctx._source.l.get(-1)",
            "index_out_of_bounds_exception",
            "Index -1 out of bounds for length 2",
        ),
        (
            "ctx._source.a = ctx._source.s[0]",
            "illegal_argument_exception",
            "Attempting to address a non-array-like type [java.lang.String] as an array.",
        ),
        (
            "ctx._source.a = 'a' < 'b'",
            "class_cast_exception",
            "Cannot apply [<] operation to types [java.lang.String] and [java.lang.String].",
        ),
        (
            "if (ctx._source.n) { ctx._source.a = 1 }",
            "class_cast_exception",
            "Cannot cast java.lang.Integer to boolean",
        ),
        ("int i = ctx._source.s", "class_cast_exception", "Cannot cast java.lang.String to int"),
        (
            "ctx._source.a = ctx._source.s.substring(5)",
            "string_index_out_of_bounds_exception",
            "begin 5, end 3, length 3",
        ),
        (
            "for (def k : ctx._source) { }",
            "illegal_argument_exception",
            "Cannot iterate over [java.util.HashMap]",
        ),
        (
            "for (def x : ctx._source.l) { ctx._source.l.add(x) }",
            "concurrent_modification_exception",
            None,
        ),
    ],
)
def test_runtime_errors(source: str, java_type: str, reason: str | None) -> None:
    error = fails(source, {"n": 1, "l": [1, 2], "s": "abc"})
    assert error.reason == "runtime error"
    assert error.status == 400
    assert cause(error) == (java_type, reason)


def test_loop_counter_limit() -> None:
    error = fails("while (true) { }")
    assert error.reason == "runtime error"
    assert cause(error) == ("painless_error", LOOP_MESSAGE)
    assert error.extra["script_stack"][1] == "^---- HERE"


def test_loop_counter_counts_statements_of_the_whole_script() -> None:
    # 500_000 iterations of a two-statement body exhaust the 1_000_000 budget...
    error = fails("int a = 0; for (int i = 0; i < 500000; i++) { a++; a--; }")
    assert cause(error)[0] == "painless_error"
    # ... one statement per iteration does not.
    ctx = run("int a = 0; for (int i = 0; i < 500000; i++) { a++ } ctx._source.a = a")
    assert ctx["_source"]["a"] == 500000


def test_runtime_error_leaves_earlier_edits_to_the_caller() -> None:
    ctx = make_ctx({"a": 0})
    with pytest.raises(ScriptException):
        run_update_script("ctx._source.a = 1; ctx._source.b.c = 2", ctx)
    assert ctx["_source"] == {"a": 1}  # the update API discards ctx on failure


def test_update_script_failure_wraps_as_elasticsearch_does() -> None:
    error = update_script_failure(fails("ctx._source.x.y = 1"))
    body = error.to_dict()
    assert body["status"] == 400
    assert body["error"]["type"] == "illegal_argument_exception"
    assert body["error"]["reason"] == "failed to execute script"
    assert body["error"]["caused_by"]["type"] == "script_exception"
    assert body["error"]["caused_by"]["caused_by"]["type"] == "null_pointer_exception"


# ---------------------------------------------------------------------------------------------
# The script object


def test_other_languages_are_refused() -> None:
    with pytest.raises(IllegalArgument) as caught:
        compile_script({"source": "doc['x'].value", "lang": "expression"})
    assert caught.value.reason == "script_lang not supported [expression]"
    assert caught.value.status == 400


def test_stored_scripts_are_refused() -> None:
    with pytest.raises(IllegalArgument) as caught:
        compile_script({"id": "my-script", "params": {}})
    assert "stored scripts are not supported" in caught.value.reason


@pytest.mark.parametrize(
    "script",
    [{"lang": "painless"}, {"source": 5}, {"source": "ctx.op = 'noop'", "params": [1]}, 42],
)
def test_malformed_script_objects(script: Any) -> None:
    with pytest.raises(IllegalArgument):
        compile_script(script)


def test_params_never_alias_between_documents() -> None:
    script = compile_script(
        {
            "source": "ctx._source.tags = params.tags; ctx._source.tags.add(ctx._id)",
            "params": {"tags": ["base"]},
        }
    )
    first, second = make_ctx(_id="a"), make_ctx(_id="b")
    script.execute(first)
    script.execute(second)
    assert first["_source"]["tags"] == ["base", "a"]
    assert second["_source"]["tags"] == ["base", "b"]
    assert script.params == {"tags": ["base"]}


def test_compilation_is_cached_per_source_text() -> None:
    first = compile_script({"source": "ctx._source.cached = params.v", "params": {"v": 1}})
    second = compile_script({"source": "ctx._source.cached = params.v", "params": {"v": 2}})
    assert first._program is second._program
    ctx_one, ctx_two = make_ctx(), make_ctx()
    first.execute(ctx_one)
    second.execute(ctx_two)
    assert (ctx_one["_source"]["cached"], ctx_two["_source"]["cached"]) == (1, 2)


def test_one_line_script_runs_in_microseconds() -> None:
    script = compile_script(
        {"source": "ctx._source.counter += params.count", "params": {"count": 1}}
    )
    ctx = make_ctx({"counter": 0})
    runs = 20_000
    started = time.perf_counter()
    for _ in range(runs):
        script.execute(ctx)
    elapsed = time.perf_counter() - started
    assert ctx["_source"]["counter"] == runs
    assert elapsed / runs < 50e-6  # typically well under 2µs
