"""Painless update scripts: a tokenizer, a parser and an interpreter of the subset updates use.

The ``update`` API's ``script``, ``_update_by_query``, bulk ``update`` actions and
``scripted_upsert`` run small Painless programs that edit ``ctx``. Elasticsearch compiles them to
JVM bytecode; here the parse tree is turned once into nested Python closures (no ``eval``), cached
per source text, so a one-line script runs in a few microseconds.

Values keep the Java semantics a client can observe: integer division truncates toward zero, ``+``
concatenates as soon as one side is a String, doubles print as Java prints them, reading a missing
map key gives ``null`` and using ``null`` throws. Failures are Elasticsearch's ``script_exception``
("compile error" or "runtime error") with ``script_stack``, ``script``, ``lang``, ``position`` and
the Java exception as ``caused_by``.

The modules, from source text to a run:

* :mod:`.lexer`, :mod:`.syntax` and :mod:`.parser`: tokens, the syntax tree, the grammar;
* :mod:`.compiler` and :mod:`.closures`: the tree turned into closures over a :mod:`.frame`;
* :mod:`.values`, :mod:`.operators`, :mod:`.access`, :mod:`.methods`, :mod:`.statics` and
  :mod:`.java_types`: what those closures do, with Java's semantics;
* :mod:`.errors`: Java exceptions and the ``script_exception`` they become;
* :mod:`.program`: the entry points below.
"""

from __future__ import annotations

from .errors import LANG, ScriptException, update_script_failure
from .frame import LOOP_MESSAGE, MAX_LOOP_COUNTER
from .program import (
    CompiledScript,
    compile_condition,
    compile_score_script,
    compile_script,
    compile_token_predicate,
    run_update_script,
)
from .values import AnalysisToken, DocMap, DocValues

__all__ = [
    "LANG",
    "LOOP_MESSAGE",
    "MAX_LOOP_COUNTER",
    "AnalysisToken",
    "CompiledScript",
    "DocMap",
    "DocValues",
    "ScriptException",
    "compile_condition",
    "compile_score_script",
    "compile_script",
    "compile_token_predicate",
    "run_update_script",
    "update_script_failure",
]
