"""How a failing script is reported: Java exceptions inside, ``script_exception`` outside.

A running script throws a :class:`Fault`, the Java exception Painless would throw, located at the
node that failed; the lexer, the parser and the compiler raise a :class:`CompileProblem`. At the
boundary both become Elasticsearch's ``script_exception`` ("compile error" or "runtime error")
with ``script_stack``, ``script``, ``lang``, ``position`` and the Java exception as ``caused_by``.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING, Any

from ..errors import BadRequest, EngineError, IllegalArgument
from .values import jclass

if TYPE_CHECKING:
    from .program import Program


LANG = "painless"


class ScriptException(BadRequest):
    """Elasticsearch's ``script_exception``: a script that failed to compile or to run."""

    type = "script_exception"


class Fault(Exception):
    """A Java exception thrown by a running script; the failing node records where it is."""

    def __init__(self, java_type: str, message: str | None, offset: int | None = None) -> None:
        super().__init__(message)
        self.java_type = java_type
        self.message = message
        self.offset = offset

    def locate(self, offset: int) -> None:
        """Keep the innermost location: the first node to see a fault is where it happened."""
        if self.offset is None:
            self.offset = offset


class CompileProblem(Exception):
    """A script the lexer, the parser or the compiler rejects, and the offset to point at."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


NULL_RECEIVER = 'Cannot invoke "Object.getClass()" because "callArgs[0]" is null'


def npe(message: str = NULL_RECEIVER) -> Fault:
    return Fault("null_pointer_exception", message)


def cce(message: str) -> Fault:
    return Fault("class_cast_exception", message)


def iae(message: str) -> Fault:
    return Fault("illegal_argument_exception", message)


def out_of_bounds(index: int, length: int) -> Fault:
    message = f"Index {index} out of bounds for length {length}"
    return Fault("index_out_of_bounds_exception", message)


def cast_fault(value: Any, target: str) -> Fault:
    if value is None:
        return npe(f"Cannot unbox a null value to [{target}]")
    return cce(f"Cannot cast {jclass(value)} to {target}")


def operands_fault(op: str, a: Any, b: Any) -> Fault:
    if a is None or b is None:
        return npe(f"Cannot apply [{op}] operation to a null value")
    return cce(f"Cannot apply [{op}] operation to types [{jclass(a)}] and [{jclass(b)}].")


def compile_error(source: str, message: str, offset: int) -> ScriptException:
    """Painless's compile error: the problem shown in a window of 25 characters either side."""
    offset = max(0, min(offset, len(source)))
    start, end = max(0, offset - 25), min(len(source), offset + 25)
    snippet = ("... " if start else "") + source[start:end] + (" ..." if end < len(source) else "")
    pointer = ("    " if start else "") + " " * (offset - start) + "^---- HERE"
    return ScriptException(
        "compile error",
        caused_by=IllegalArgument(message),
        script_stack=[snippet, pointer],
        script=source,
        lang=LANG,
        position={"offset": offset, "start": start, "end": end},
    )


def runtime_error(program: Program, fault: Fault) -> ScriptException:
    """Painless's runtime error: the statement that failed, with a pointer at the failing node."""
    source = program.source
    cause = EngineError(fault.message, status=400, type=fault.java_type)  # type: ignore[arg-type]
    if fault.offset is None:
        return ScriptException(
            "runtime error",
            caused_by=cause,
            script_stack=["<<< unknown portion of script >>>"],
            script=source,
            lang=LANG,
        )
    starts = program.starts
    at = bisect_right(starts, fault.offset) - 1
    start = starts[at] if at >= 0 else 0
    end = starts[at + 1] if at + 1 < len(starts) else len(source)
    pointer = " " * (fault.offset - start) + "^---- HERE"
    return ScriptException(
        "runtime error",
        caused_by=cause,
        script_stack=[source[start:end], pointer],
        script=source,
        lang=LANG,
        position={"offset": fault.offset, "start": start, "end": end},
    )


def update_script_failure(error: EngineError) -> IllegalArgument:
    """How the update API reports a script that failed: wrapped as "failed to execute script"."""
    return IllegalArgument("failed to execute script", caused_by=error)
