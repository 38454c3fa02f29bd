"""Compiling and running scripts: the entry points the update APIs call.

A script is read from Elasticsearch's object (``source``, ``lang``, ``params``) or a plain string,
compiled once per source text (cached) and run against any number of ``ctx`` maps.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..errors import IllegalArgument
from .compiler import Compiler
from .errors import LANG, CompileProblem, Fault, compile_error, runtime_error
from .frame import MAX_LOOP_COUNTER, Fn
from .parser import Parser
from .scoring import SCORE_FUNCTIONS
from .values import DocMap, jclass

#: The frame slot of a search script's ``_score`` (after its result's).
SCORE = 4


@dataclass(slots=True, frozen=True)
class Program:
    source: str
    run: Fn
    locals: tuple[None, ...]  # the initial values of the frame's local variable slots
    starts: list[int]  # where each statement begins, for runtime ``script_stack``
    result: int | None = None  # the frame slot of the returned value, if the script returns one


@lru_cache(maxsize=512)
def _compile_source(source: str, returns: bool = False, root: str = "ctx") -> Program:
    try:
        statements = Parser(source).program()
        functions = SCORE_FUNCTIONS if root == "doc" else None
        compiler = Compiler(returns=returns, root=root, functions=functions)
        run = compiler.program(statements)
    except CompileProblem as problem:
        raise compile_error(source, problem.message, problem.offset) from None
    except RecursionError:
        raise compile_error(source, "the script is nested too deeply", 0) from None
    blanks = (None,) * (compiler.slots - 3)
    return Program(source, run, blanks, sorted(compiler.starts), compiler.result)


class CompiledScript:
    """A compiled update script with its ``params``, ready to run against any number of ctx maps."""

    __slots__ = ("_program", "params")

    def __init__(self, program: Program, params: dict[str, Any]) -> None:
        self._program = program
        self.params = params

    @property
    def source(self) -> str:
        return self._program.source

    def execute(self, ctx: dict[str, Any]) -> None:
        """Run the script; it edits ``ctx`` (``_source``, ``op``...) in place."""
        self._run(ctx)

    def evaluate(self, ctx: Any) -> Any:
        """Run a script compiled to return a value (:func:`compile_condition`): its value."""
        program = self._program
        frame = self._run(ctx)
        return None if program.result is None else frame[program.result]

    def test(self, ctx: Any) -> bool:
        """Run a condition: its boolean value, or Painless's cast failure for any other."""
        value = self.evaluate(ctx)
        if type(value) is not bool:
            fault = Fault(
                "class_cast_exception",
                f"Cannot cast {jclass(value)} to java.lang.Boolean"
                if value is not None
                else "Cannot cast null to a primitive type [boolean]",
                0,
            )
            raise runtime_error(self._program, fault)
        return value

    def score(self, doc: DocMap, score: float) -> Any:
        """Run a search script (:func:`compile_score_script`) on a document: its value."""
        program = self._program
        frame = self._run(doc, score)
        return None if program.result is None else frame[program.result]

    def _run(self, ctx: Any, score: float | None = None) -> list[Any]:
        program = self._program
        params = _copy_tree(self.params) if self.params else self.params
        frame = [MAX_LOOP_COUNTER, ctx, params, *program.locals]
        if score is not None:
            frame[SCORE] = score
        try:
            program.run(frame)
        except Fault as fault:
            raise runtime_error(program, fault) from None
        except RecursionError:
            raise runtime_error(program, Fault("stack_overflow_error", None)) from None
        except (ArithmeticError, TypeError, ValueError, LookupError) as exc:  # a safety net
            net = Fault("illegal_argument_exception", f"{type(exc).__name__}: {exc}")
            raise runtime_error(program, net) from None
        return frame


def _copy_tree(value: Any) -> Any:
    """A copy of the maps and lists of a JSON tree, so that values a script takes from ``params``
    never alias between the documents one request updates (Elasticsearch serializes each one)."""
    kind = type(value)
    if kind is dict:
        return {key: _copy_tree(item) for key, item in value.items()}
    if kind is list:
        return [_copy_tree(item) for item in value]
    return value


def _read_script(script: dict[str, Any] | str) -> tuple[str, dict[str, Any]]:
    """The source and params of a script given as a string or as Elasticsearch's object."""
    if isinstance(script, str):
        return script, {}
    if not isinstance(script, dict):
        raise IllegalArgument("[script] must be a string or an object")
    if "id" in script:
        if "source" in script:
            raise IllegalArgument("[script] only one of [id] or [source] may be specified")
        raise IllegalArgument("stored scripts are not supported by the djangoes embedded engine")
    lang = script.get("lang") or LANG
    if lang != LANG:
        raise IllegalArgument(f"script_lang not supported [{lang}]")
    source = script.get("source")
    if source is None:
        raise IllegalArgument(
            "must specify either [source] for an inline script or [id] for a stored script"
        )
    if not isinstance(source, str):
        raise IllegalArgument("[script] [source] must be a string")
    params = script.get("params")
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise IllegalArgument("[script] [params] must be an object")
    return source, params


def compile_script(script: dict[str, Any] | str) -> CompiledScript:
    """Compile a script (``{"source", "lang", "params"}`` or a plain source string).

    Compilation is cached per source text, so only the first use of a source pays for parsing.
    """
    source, params = _read_script(script)
    return CompiledScript(_compile_source(source), params)


def compile_condition(script: dict[str, Any] | str) -> CompiledScript:
    """Compile a script whose value is its result: ``return x;`` or its last expression, as an
    ingest processor's ``if`` (``ctx.level == 'error'``)."""
    source, params = _read_script(script)
    return CompiledScript(_compile_source(source, True), params)


def compile_token_predicate(script: dict[str, Any] | str) -> CompiledScript:
    """Compile an analysis predicate (the ``condition`` and ``predicate_token_filter`` token
    filters): its subject is ``token``; :meth:`CompiledScript.test` runs it on an
    :class:`~.values.AnalysisToken`."""
    source, params = _read_script(script)
    return CompiledScript(_compile_source(source, True, "token"), params)


def compile_score_script(script: dict[str, Any] | str) -> CompiledScript:
    """Compile a search script (``script_score``): it reads ``doc``, ``params`` and ``_score``,
    may call the vector functions, and its value is the score; :meth:`CompiledScript.score`
    runs it."""
    source, params = _read_script(script)
    return CompiledScript(_compile_source(source, True, "doc"), params)


def run_update_script(script: dict[str, Any] | str, ctx: dict[str, Any]) -> None:
    """Compile (cached) and run an update script against ``ctx``, which it edits in place."""
    compile_script(script).execute(ctx)
