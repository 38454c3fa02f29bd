"""The closures compiled scripts are made of: statement sequences, the loop budget, calls,
conversions and assignments.

Each one that can fail locates the fault at its node, so a runtime error's ``script_stack``
points where Painless points.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .access import load_field, load_index, store_field, store_index
from .errors import NULL_RECEIVER, Fault
from .frame import BUDGET, CTX, LOOP_MESSAGE, Fn
from .java_types import Conversion
from .values import jclass


def noop(frame: list[Any]) -> None:
    return None


def sequence(steps: list[Fn]) -> Fn:
    if not steps:
        return noop
    if len(steps) == 1:
        return steps[0]

    def run(frame: list[Any]) -> Any:
        for step in steps:
            signal = step(frame)
            if signal:
                return signal
        return None

    return run


def spend(frame: list[Any], cost: int, pos: int) -> None:
    frame[BUDGET] -= cost
    if frame[BUDGET] <= 0:
        raise Fault("painless_error", LOOP_MESSAGE, pos)


def not_iterable(items: Any, pos: int) -> Fault:
    if items is None:
        return Fault("null_pointer_exception", NULL_RECEIVER, pos)
    return Fault("illegal_argument_exception", f"Cannot iterate over [{jclass(items)}]", pos)


def convert_at(convert: Conversion, value: Any, pos: int) -> Any:
    try:
        return convert(value)
    except Fault as fault:
        fault.locate(pos)
        raise


def located_call(function: Callable[..., Any], args: list[Fn], pos: int) -> Fn:
    """Calls ``function`` with the values of ``args``; a fault it raises points at ``pos``."""
    if len(args) == 1:
        (only,) = args

        def run_one(frame: list[Any]) -> Any:
            value = only(frame)
            try:
                return function(value)
            except Fault as fault:
                fault.locate(pos)
                raise

        return run_one
    if len(args) == 2:
        first, second = args

        def run_two(frame: list[Any]) -> Any:
            a, b = first(frame), second(frame)
            try:
                return function(a, b)
            except Fault as fault:
                fault.locate(pos)
                raise

        return run_two

    def run(frame: list[Any]) -> Any:
        values = [arg(frame) for arg in args]
        try:
            return function(*values)
        except Fault as fault:
            fault.locate(pos)
            raise

    return run


def store_constant(slot: int, value: Any) -> Fn:
    def run(frame: list[Any]) -> None:
        frame[slot] = value

    return run


def store_slot(slot: int, value: Fn, convert: Conversion | None, pos: int) -> Fn:
    if convert is None:

        def run(frame: list[Any]) -> None:
            frame[slot] = value(frame)

        return run

    def run_converted(frame: list[Any]) -> None:
        frame[slot] = convert_at(convert, value(frame), pos)

    return run_converted


def update_slot(
    slot: int,
    convert: Conversion | None,
    operator: Callable[[Any, Any], Any] | None,
    value: Fn | None,
    post: bool,
    pos: int,
) -> Fn:
    def run(frame: list[Any]) -> Any:
        old = frame[slot]
        try:
            if operator is None:
                new = value(frame)  # type: ignore[misc]
            else:
                new = operator(old, 1 if value is None else value(frame))
            if convert is not None:
                new = convert(new)
        except Fault as fault:
            fault.locate(pos)
            raise
        frame[slot] = new
        return old if post else new

    return run


def update_field(
    obj: Fn,
    name: str,
    operator: Callable[[Any, Any], Any] | None,
    value: Fn | None,
    post: bool,
    pos: int,
) -> Fn:
    if operator is None:

        def assign(frame: list[Any]) -> Any:
            target = obj(frame)
            new = value(frame)  # type: ignore[misc]
            if type(target) is dict and target is not frame[CTX]:
                target[name] = new
                return new
            try:
                store_field(frame, target, name, new)
            except Fault as fault:
                fault.locate(pos)
                raise
            return new

        return assign

    def update(frame: list[Any]) -> Any:
        target = obj(frame)
        try:
            old = target.get(name) if type(target) is dict else load_field(target, name)
            new = operator(old, 1 if value is None else value(frame))
            store_field(frame, target, name, new)
        except Fault as fault:
            fault.locate(pos)
            raise
        return old if post else new

    return update


def update_index(
    obj: Fn,
    key: Fn,
    operator: Callable[[Any, Any], Any] | None,
    value: Fn | None,
    post: bool,
    pos: int,
) -> Fn:
    def run(frame: list[Any]) -> Any:
        target, index = obj(frame), key(frame)
        try:
            if operator is None:
                old, new = None, value(frame)  # type: ignore[misc]
            else:
                old = load_index(target, index)
                new = operator(old, 1 if value is None else value(frame))
            store_index(frame, target, index, new)
        except Fault as fault:
            fault.locate(pos)
            raise
        return old if post else new

    return run
