"""The compiler: a syntax tree turned once into nested Python closures (no ``eval``).

It resolves variables to frame slots, makes Painless's compile-time checks (unknown or shadowed
variables, unreachable statements, ``break`` outside a loop, unknown static members or types) and
assembles the closures of :mod:`.closures`, the operators and the methods.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from .access import hashable, load_field, load_index
from .closures import (
    convert_at,
    located_call,
    noop,
    not_iterable,
    sequence,
    spend,
    store_constant,
    store_slot,
    update_field,
    update_index,
    update_slot,
)
from .errors import CompileProblem, Fault, cast_fault
from .frame import BREAK, CONTINUE, CTX, PARAMS, RETURN, Fn
from .java_types import DEFAULTS, JAVA_NAMES, TYPES, conversion, instance_check
from .methods import invoke
from .operators import BINARY, COMPARISONS, UNARY, add, sub
from .statics import CONSTRUCTORS, STATIC_FIELDS, STATIC_METHODS
from .syntax import (
    Assign,
    Binary,
    Block,
    Break,
    Call,
    Cast,
    Continue,
    Decl,
    DoWhile,
    Elvis,
    Empty,
    ExprStmt,
    Field,
    For,
    ForEach,
    FunctionCall,
    If,
    Index,
    InstanceOf,
    ListInit,
    Lit,
    Logic,
    MapInit,
    Name,
    New,
    Return,
    StaticCall,
    StaticField,
    Step,
    Ternary,
    Unary,
    While,
    start_of,
)


class _Scope:
    """Variables visible in a block; Painless forbids shadowing one in an enclosing block."""

    def __init__(self, parent: _Scope | None) -> None:
        self.parent = parent
        self.names: dict[str, tuple[int, str]] = {}

    def lookup(self, name: str) -> tuple[int, str] | None:
        scope: _Scope | None = self
        while scope is not None:
            found = scope.names.get(name)
            if found is not None:
                return found
            scope = scope.parent
        return None


def _is_boolean(node: Any) -> bool:
    """Whether an expression can only produce a boolean, so its truth needs no check."""
    if isinstance(node, Binary):
        return node.op in COMPARISONS
    if isinstance(node, Unary):
        return node.op == "!"
    if isinstance(node, Lit):
        return type(node.value) is bool
    return isinstance(node, (Logic, InstanceOf))


def _loop_cost(body: Any) -> int:
    """What one iteration takes from the loop budget: its statement count, at least one."""
    if isinstance(body, Block):
        return max(1, sum(not isinstance(s, Empty) for s in body.stmts))
    return 1


class Compiler:
    """Resolves names to frame slots, makes Painless's compile-time checks, builds closures."""

    def __init__(
        self,
        *,
        returns: bool = False,
        root: str = "ctx",
        functions: dict[tuple[str, int], Callable[..., Any]] | None = None,
    ) -> None:
        #: The name the script's subject goes by: ``ctx`` (a map), an analysis ``token``, or a
        #: search script's ``doc``.
        self.root = root
        self.starts: set[int] = set()
        self.slots = 3
        self.loops = 0
        #: The frame slot a value-returning script (an ingest condition) leaves its value in.
        self.result: int | None = self.new_slot() if returns else None
        #: The functions the context provides, by name and arity: called with the frame first.
        self.functions = functions or {}
        #: A search script's ``_score``: the slot after the result's (see ``SCORE``).
        self.score: int | None = self.new_slot() if root == "doc" else None
        self._last: Any = None

    def program(self, statements: list[Any]) -> Fn:
        root = _Scope(None)
        subject = "Map" if self.root == "ctx" else "def"
        root.names = {self.root: (CTX, subject), "params": (PARAMS, "Map")}
        if self.score is not None:
            root.names["_score"] = (self.score, "double")
        if self.result is not None and statements and isinstance(statements[-1], ExprStmt):
            # A script that returns a value returns its last expression, as Painless does.
            self._last = statements[-1]
        return self.block(statements, _Scope(root))

    def new_slot(self) -> int:
        self.slots += 1
        return self.slots - 1

    # -- statements

    def block(self, statements: list[Any], scope: _Scope) -> Fn:
        steps, escaped = [], False
        for statement in statements:
            if isinstance(statement, Empty):
                continue
            if escaped:
                raise CompileProblem("Unreachable statement.", statement.pos)
            steps.append(self.statement(statement, scope))
            escaped = isinstance(statement, (Return, Break, Continue))
        return sequence(steps)

    def statement(self, node: Any, scope: _Scope) -> Fn:
        if not isinstance(node, (Decl, Block, Empty)):
            self.starts.add(node.pos)
        handler: Callable[[Any, _Scope], Fn] = getattr(self, "s_" + type(node).__name__)
        return handler(node, scope)

    def nested(self, node: Any, scope: _Scope) -> Fn:
        """A statement that is the body of an ``if`` or a loop: it gets a scope of its own."""
        inner = _Scope(scope)
        if isinstance(node, Block):
            return self.block(node.stmts, inner)
        return self.block([node], inner)

    def s_Empty(self, node: Empty, scope: _Scope) -> Fn:
        return noop

    def s_Block(self, node: Block, scope: _Scope) -> Fn:
        return self.block(node.stmts, _Scope(scope))

    def s_ExprStmt(self, node: ExprStmt, scope: _Scope) -> Fn:
        if node is self._last and self.result is not None:
            return self._store_result(self.expr(node.expr, scope), self.result)
        if not isinstance(node.expr, (Assign, Step, Call, StaticCall, FunctionCall, New)):
            raise CompileProblem("Not a statement.", node.pos)
        expression = self.expr(node.expr, scope)

        def run(frame: list[Any]) -> None:
            expression(frame)

        return run

    def s_Decl(self, node: Decl, scope: _Scope) -> Fn:
        steps = []
        for name, pos, value, value_pos in node.vars:
            self.starts.add(pos)
            if scope.lookup(name) is not None:
                raise CompileProblem(f"variable [{name}] is already defined", pos)
            slot = self.new_slot()
            if value is None:
                steps.append(store_constant(slot, DEFAULTS.get(node.type)))
            else:
                compiled = self.expr(value, scope)
                steps.append(store_slot(slot, compiled, conversion(node.type, False), value_pos))
            scope.names[name] = (slot, node.type)
        return sequence(steps)

    def s_If(self, node: If, scope: _Scope) -> Fn:
        condition = self.condition(node.cond, scope)
        then = self.nested(node.then, scope)
        if node.other is None:

            def run(frame: list[Any]) -> Any:
                return then(frame) if condition(frame) else None

            return run
        other = self.nested(node.other, scope)

        def run_else(frame: list[Any]) -> Any:
            return then(frame) if condition(frame) else other(frame)

        return run_else

    def loop_body(self, node: Any, scope: _Scope) -> Fn:
        self.loops += 1
        try:
            return self.nested(node, scope)
        finally:
            self.loops -= 1

    def s_While(self, node: While, scope: _Scope) -> Fn:
        condition = self.condition(node.cond, scope)
        body, cost, pos = self.loop_body(node.body, scope), _loop_cost(node.body), node.pos

        def run(frame: list[Any]) -> Any:
            while condition(frame):
                spend(frame, cost, pos)
                signal = body(frame)
                if signal == BREAK:
                    break
                if signal == RETURN:
                    return signal
            return None

        return run

    def s_DoWhile(self, node: DoWhile, scope: _Scope) -> Fn:
        body, cost, pos = self.loop_body(node.body, scope), _loop_cost(node.body), node.pos
        condition = self.condition(node.cond, scope)

        def run(frame: list[Any]) -> Any:
            while True:
                spend(frame, cost, pos)
                signal = body(frame)
                if signal == BREAK:
                    break
                if signal == RETURN:
                    return signal
                if not condition(frame):
                    break
            return None

        return run

    def s_For(self, node: For, scope: _Scope) -> Fn:
        inner = _Scope(scope)
        init: Fn = noop
        if isinstance(node.init, Decl):
            init = self.statement(node.init, inner)
        elif node.init is not None:
            init = self.expr(node.init, inner)
        condition = self.condition(node.cond, inner) if node.cond is not None else None
        update = self.expr(node.update, inner) if node.update is not None else noop
        body, cost, pos = self.loop_body(node.body, inner), _loop_cost(node.body), node.pos

        def run(frame: list[Any]) -> Any:
            init(frame)
            while condition is None or condition(frame):
                spend(frame, cost, pos)
                signal = body(frame)
                if signal == BREAK:
                    break
                if signal == RETURN:
                    return signal
                update(frame)
            return None

        return run

    def s_ForEach(self, node: ForEach, scope: _Scope) -> Fn:
        inner = _Scope(scope)
        iterable = self.expr(node.iterable, inner)
        if inner.lookup(node.name) is not None:
            raise CompileProblem(f"variable [{node.name}] is already defined", node.name_pos)
        slot = self.new_slot()
        inner.names[node.name] = (slot, node.type)
        convert = conversion(node.type, False)
        body, cost, pos = self.loop_body(node.body, inner), _loop_cost(node.body), node.pos
        iterable_pos, name_pos = start_of(node.iterable), node.name_pos

        def run(frame: list[Any]) -> Any:
            items = iterable(frame)
            if type(items) is not list:
                raise not_iterable(items, iterable_pos)
            size, cursor = len(items), 0
            while cursor < len(items):
                if len(items) != size:
                    raise Fault("concurrent_modification_exception", None, pos)
                spend(frame, cost, pos)
                item = items[cursor]
                cursor += 1
                frame[slot] = item if convert is None else convert_at(convert, item, name_pos)
                signal = body(frame)
                if signal == BREAK:
                    break
                if signal == RETURN:
                    return signal
            return None

        return run

    @staticmethod
    def _store_result(value: Fn, slot: int) -> Fn:
        def run(frame: list[Any]) -> int:
            frame[slot] = value(frame)
            return RETURN

        return run

    def s_Return(self, node: Return, scope: _Scope) -> Fn:
        if node.value is None:
            return lambda frame: RETURN
        value = self.expr(node.value, scope)
        if self.result is not None:
            return self._store_result(value, self.result)

        def run(frame: list[Any]) -> int:
            value(frame)
            return RETURN

        return run

    def s_Break(self, node: Break, scope: _Scope) -> Fn:
        if not self.loops:
            raise CompileProblem("invalid break statement: not inside a loop", node.pos)
        return lambda frame: BREAK

    def s_Continue(self, node: Continue, scope: _Scope) -> Fn:
        if not self.loops:
            raise CompileProblem("invalid continue statement: not inside a loop", node.pos)
        return lambda frame: CONTINUE

    def condition(self, node: Any, scope: _Scope) -> Fn:
        """An expression used as a condition: it must produce a boolean."""
        compiled = self.expr(node, scope)
        if _is_boolean(node):
            return compiled
        pos = start_of(node)

        def run(frame: list[Any]) -> bool:
            value = compiled(frame)
            if value is True or value is False:
                return value
            fault = cast_fault(value, "boolean")
            fault.locate(pos)
            raise fault

        return run

    # -- expressions

    def expr(self, node: Any, scope: _Scope) -> Fn:
        handler: Callable[[Any, _Scope], Fn] = getattr(self, "e_" + type(node).__name__)
        return handler(node, scope)

    def e_Lit(self, node: Lit, scope: _Scope) -> Fn:
        value = node.value
        return lambda frame: value

    def resolve(self, node: Name, scope: _Scope) -> tuple[int, str]:
        found = scope.lookup(node.name)
        if found is None:
            raise CompileProblem(f"cannot resolve symbol [{node.name}]", node.pos)
        return found

    def e_Name(self, node: Name, scope: _Scope) -> Fn:
        return itemgetter(self.resolve(node, scope)[0])

    def e_Field(self, node: Field, scope: _Scope) -> Fn:
        obj, name, pos, nullsafe = self.expr(node.obj, scope), node.name, node.pos, node.nullsafe

        def run(frame: list[Any]) -> Any:
            target = obj(frame)
            if type(target) is dict:
                return target.get(name)
            if target is None and nullsafe:
                return None
            try:
                return load_field(target, name)
            except Fault as fault:
                fault.locate(pos)
                raise

        return run

    def e_Index(self, node: Index, scope: _Scope) -> Fn:
        obj, key, pos = self.expr(node.obj, scope), self.expr(node.key, scope), node.pos

        def run(frame: list[Any]) -> Any:
            target, index = obj(frame), key(frame)
            try:
                return load_index(target, index)
            except Fault as fault:
                fault.locate(pos)
                raise

        return run

    def e_Call(self, node: Call, scope: _Scope) -> Fn:
        obj = self.expr(node.obj, scope)
        args = [self.expr(arg, scope) for arg in node.args]
        key, pos, nullsafe = (node.name, len(args)), node.pos, node.nullsafe

        def run(frame: list[Any]) -> Any:
            target = obj(frame)
            if target is None and nullsafe:
                return None
            values = (args[0](frame),) if len(args) == 1 else tuple([a(frame) for a in args])
            try:
                return invoke(frame, target, key, values)
            except Fault as fault:
                fault.locate(pos)
                raise

        return run

    def e_FunctionCall(self, node: FunctionCall, scope: _Scope) -> Fn:
        function = self.functions.get((node.name, len(node.args)))
        if function is None:
            raise CompileProblem(
                f"Unknown call [{node.name}] with [{len(node.args)}] arguments.", node.pos
            )
        args = [self.expr(arg, scope) for arg in node.args]
        pos = node.pos

        def run(frame: list[Any]) -> Any:
            values = [a(frame) for a in args]
            try:
                return function(frame, *values)
            except Fault as fault:
                fault.locate(pos)
                raise

        return run

    def e_StaticCall(self, node: StaticCall, scope: _Scope) -> Fn:
        method = STATIC_METHODS.get((node.cls, node.name, len(node.args)))
        if method is None:
            raise CompileProblem(
                f"static method [{JAVA_NAMES[node.cls]}, {node.name}/{len(node.args)}] not found",
                node.pos,
            )
        args = [self.expr(arg, scope) for arg in node.args]
        return located_call(method, args, node.pos)

    def e_StaticField(self, node: StaticField, scope: _Scope) -> Fn:
        key = (node.cls, node.name)
        if key not in STATIC_FIELDS:
            raise CompileProblem(
                f"static field [{JAVA_NAMES[node.cls]}, {node.name}] not found", node.pos
            )
        value = STATIC_FIELDS[key]
        return lambda frame: value

    def e_New(self, node: New, scope: _Scope) -> Fn:
        if node.cls not in TYPES:
            raise CompileProblem(f"cannot resolve type [{node.cls}]", node.pos)
        constructor = CONSTRUCTORS.get((node.cls, len(node.args)))
        if constructor is None:
            raise CompileProblem(
                f"constructor [{JAVA_NAMES[node.cls]}, <init>/{len(node.args)}] not found",
                node.pos,
            )
        args = [self.expr(arg, scope) for arg in node.args]
        return located_call(constructor, args, node.pos)

    def e_ListInit(self, node: ListInit, scope: _Scope) -> Fn:
        items = [self.expr(item, scope) for item in node.items]
        return lambda frame: [item(frame) for item in items]

    def e_MapInit(self, node: MapInit, scope: _Scope) -> Fn:
        pairs = [(self.expr(k, scope), self.expr(v, scope)) for k, v in node.pairs]
        pos = node.pos

        def run(frame: list[Any]) -> dict[Any, Any]:
            result = {}
            for key, value in pairs:
                name = key(frame)
                try:
                    hashable(name)
                except Fault as fault:
                    fault.locate(pos)
                    raise
                result[name] = value(frame)
            return result

        return run

    def e_Unary(self, node: Unary, scope: _Scope) -> Fn:
        return located_call(UNARY[node.op], [self.expr(node.operand, scope)], node.pos)

    def e_Binary(self, node: Binary, scope: _Scope) -> Fn:
        operator = BINARY[node.op]
        left, right = self.expr(node.left, scope), self.expr(node.right, scope)
        if isinstance(node.left, Lit) and isinstance(node.right, Lit):
            try:
                value = operator(node.left.value, node.right.value)
                return lambda frame: value
            except Fault:
                pass  # fails when run, like Java does
        return located_call(operator, [left, right], node.pos)

    def e_Logic(self, node: Logic, scope: _Scope) -> Fn:
        left, right = self.condition(node.left, scope), self.condition(node.right, scope)
        if node.op == "&&":
            return lambda frame: left(frame) and right(frame)
        return lambda frame: left(frame) or right(frame)

    def e_Ternary(self, node: Ternary, scope: _Scope) -> Fn:
        condition = self.condition(node.cond, scope)
        then, other = self.expr(node.then, scope), self.expr(node.other, scope)
        return lambda frame: then(frame) if condition(frame) else other(frame)

    def e_Elvis(self, node: Elvis, scope: _Scope) -> Fn:
        left, right = self.expr(node.left, scope), self.expr(node.right, scope)

        def run(frame: list[Any]) -> Any:
            value = left(frame)
            return right(frame) if value is None else value

        return run

    def e_Cast(self, node: Cast, scope: _Scope) -> Fn:
        operand = self.expr(node.operand, scope)
        convert = conversion(node.type, True)
        if convert is None:
            return operand
        return located_call(convert, [operand], node.pos)

    def e_InstanceOf(self, node: InstanceOf, scope: _Scope) -> Fn:
        check = instance_check(node.type)
        if check is None:
            raise CompileProblem(f"cannot resolve type [{node.type}]", node.pos)
        operand = self.expr(node.operand, scope)
        return lambda frame: check(operand(frame))

    def e_Assign(self, node: Assign, scope: _Scope) -> Fn:
        value = self.expr(node.value, scope)
        operator = None if node.op == "=" else BINARY[node.op[:-1]]
        return self.update(node.target, scope, operator, value, post=False)

    def e_Step(self, node: Step, scope: _Scope) -> Fn:
        operator = add if node.op == "++" else sub
        return self.update(node.target, scope, operator, None, post=not node.prefix)

    def update(
        self,
        target: Any,
        scope: _Scope,
        operator: Callable[[Any, Any], Any] | None,
        value: Fn | None,
        post: bool,
    ) -> Fn:
        """An assignment (``operator`` None), a compound assignment or an increment (``value``
        None, adds or subtracts one), returning the new value or, for ``x++``, the old one."""
        if isinstance(target, Name):
            slot, type_name = self.resolve(target, scope)
            if slot < 3:
                raise CompileProblem(
                    f"invalid assignment: cannot assign a value to read-only "
                    f"variable [{target.name}]",
                    target.pos,
                )
            convert = conversion(type_name, operator is not None)
            return update_slot(slot, convert, operator, value, post, target.pos)
        obj = self.expr(target.obj, scope)
        if isinstance(target, Field):
            return update_field(obj, target.name, operator, value, post, target.pos)
        key = self.expr(target.key, scope)
        return update_index(obj, key, operator, value, post, target.pos)
