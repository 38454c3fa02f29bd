"""The parser: a recursive descent following Painless's grammar, statement by statement.

Constructs outside the supported subset (arrays, ``try``/``catch``, ``throw``) are compile errors
that say so, rather than failing as unknown syntax.
"""

from __future__ import annotations

from typing import Any

from .errors import CompileProblem
from .lexer import Lexer, Token
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
)
from .values import INT_MAX, LONG_MAX, NUMBERS

_ASSIGN_OPS = frozenset({"=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", ">>>="})
_PRECEDENCE = {
    "||": 1, "&&": 2, "|": 3, "^": 4, "&": 5,
    "==": 6, "!=": 6, "===": 6, "!==": 6,
    "<": 7, "<=": 7, ">": 7, ">=": 7, "instanceof": 7,
    "<<": 8, ">>": 8, ">>>": 8,
    "+": 9, "-": 9,
    "*": 10, "/": 10, "%": 10,
}  # fmt: skip
_UNSUPPORTED = {"try": "try/catch", "catch": "try/catch", "throw": "throw"}


class Parser:
    """A recursive-descent parser following Painless's grammar, statement by statement."""

    def __init__(self, source: str) -> None:
        self.tokens = Lexer(source).tokens()
        self.i = 0

    # -- tokens

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def peek(self, ahead: int) -> Token:
        return self.tokens[min(self.i + ahead, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.i]
        if token.kind != "eof":
            self.i += 1
        return token

    def at(self, text: str) -> bool:
        token = self.tokens[self.i]
        return token.text == text and token.kind in ("op", "kw")

    def expect(self, text: str) -> Token:
        if not self.at(text):
            raise self.unexpected()
        return self.advance()

    def unexpected(self, token: Token | None = None) -> CompileProblem:
        token = token or self.tok
        if token.kind == "eof":
            return CompileProblem("unexpected end of script.", token.pos)
        return CompileProblem(f"invalid sequence of tokens near ['{token.text}'].", token.pos)

    # -- statements

    def program(self) -> list[Any]:
        statements = []
        while self.tok.kind != "eof":
            statements.append(self.statement())
        return statements

    def statement(self) -> Any:
        token = self.tok
        if token.kind == "op" and token.text in ("{", ";"):
            if token.text == "{":
                return self.block()
            self.advance()
            return Empty(token.pos)
        if token.kind == "kw":
            if token.text == "if":
                return self.if_statement()
            if token.text == "while":
                return self.while_statement()
            if token.text == "for":
                return self.for_statement()
            if token.text in _UNSUPPORTED:
                raise CompileProblem(
                    f"{_UNSUPPORTED[token.text]} is not supported by the "
                    "djangoes embedded Painless interpreter",
                    token.pos,
                )
        statement = self.simple_statement()
        if self.at(";"):
            self.advance()
        elif not (self.at("}") or self.tok.kind == "eof"):
            raise self.unexpected()
        return statement

    def simple_statement(self) -> Any:
        token = self.tok
        if token.kind == "kw" and token.text in ("do", "return", "break", "continue"):
            self.advance()
            if token.text == "do":
                return self.do_statement(token.pos)
            if token.text == "break":
                return Break(token.pos)
            if token.text == "continue":
                return Continue(token.pos)
            ends = self.at(";") or self.at("}") or self.tok.kind == "eof"
            return Return(token.pos, None if ends else self.expression())
        if token.kind == "type" and self.peek(1).kind == "id":
            return self.declaration()
        if token.kind == "type" and self.peek(1).text == "[":
            raise CompileProblem(
                "arrays are not supported by the djangoes embedded Painless interpreter", token.pos
            )
        return ExprStmt(token.pos, self.expression())

    def declaration(self) -> Decl:
        type_token = self.advance()
        variables = []
        while True:
            name = self.advance()
            if name.kind != "id":
                raise self.unexpected(name)
            value, value_pos = None, name.pos
            if self.at("="):
                self.advance()
                value_pos = self.tok.pos
                value = self.expression()
            variables.append((name.text, name.pos, value, value_pos))
            if not self.at(","):
                return Decl(type_token.pos, type_token.text, variables)
            self.advance()

    def block(self) -> Block:
        start = self.expect("{").pos
        statements = []
        while not self.at("}"):
            if self.tok.kind == "eof":
                raise self.unexpected()
            statements.append(self.statement())
        self.advance()
        return Block(start, statements)

    def condition(self) -> Any:
        self.expect("(")
        condition = self.expression()
        self.expect(")")
        return condition

    def loop_body(self) -> Any:
        if self.at(";"):
            return Empty(self.advance().pos)
        return self.statement()

    def if_statement(self) -> If:
        start = self.advance().pos
        condition = self.condition()
        then = self.statement()
        other = None
        if self.at("else"):
            self.advance()
            other = self.statement()
        return If(start, condition, then, other)

    def while_statement(self) -> While:
        start = self.advance().pos
        condition = self.condition()
        return While(start, condition, self.loop_body())

    def do_statement(self, start: int) -> DoWhile:
        body = self.block()
        self.expect("while")
        return DoWhile(start, body, self.condition())

    def for_statement(self) -> Any:
        start = self.advance().pos
        self.expect("(")
        first, second, third = self.tok, self.peek(1), self.peek(2)
        if first.kind == "type" and second.kind == "id" and third.text == ":":
            self.i += 3
            return self.for_each(start, first.text, second)
        if first.kind == "id" and second.kind == "id" and second.text == "in":
            self.i += 2
            return self.for_each(start, "def", first)
        init = None
        if not self.at(";"):
            init = self.declaration() if first.kind == "type" else self.expression()
        self.expect(";")
        condition = None if self.at(";") else self.expression()
        self.expect(";")
        update = None if self.at(")") else self.expression()
        self.expect(")")
        return For(start, init, condition, update, self.loop_body())

    def for_each(self, start: int, type_name: str, name: Token) -> ForEach:
        iterable = self.expression()
        self.expect(")")
        return ForEach(start, type_name, name.text, name.pos, iterable, self.statement())

    # -- expressions

    def expression(self) -> Any:
        start = self.tok.pos
        left = self.ternary()
        token = self.tok
        if token.kind == "op" and token.text in _ASSIGN_OPS:
            self.advance()
            value = self.expression()
            self.check_assignable(left, start)
            return Assign(left.pos, token.text, left, value)
        return left

    def check_assignable(self, node: Any, start: int) -> None:
        if not isinstance(node, (Name, Field, Index)) or getattr(node, "nullsafe", False):
            raise CompileProblem(
                "invalid assignment: cannot assign a value to this expression", start
            )

    def ternary(self) -> Any:
        start = self.tok.pos
        condition = self.elvis()
        if not self.at("?"):
            return condition
        self.advance()
        then = self.expression()
        self.expect(":")
        return Ternary(start, condition, then, self.expression())

    def elvis(self) -> Any:
        start = self.tok.pos
        left = self.binary(1)
        if self.at("?:"):
            self.advance()
            return Elvis(start, left, self.elvis())
        return left

    def binary(self, lowest: int) -> Any:
        start = self.tok.pos
        left = self.unary()
        while True:
            token = self.tok
            precedence = _PRECEDENCE.get(token.text) if token.kind in ("op", "kw") else None
            if precedence is None or precedence < lowest:
                return left
            self.advance()
            if token.text == "instanceof":
                type_token = self.advance()
                if type_token.kind != "type":
                    raise CompileProblem(f"cannot resolve type [{type_token.text}]", type_token.pos)
                left = InstanceOf(start, left, type_token.text)
                continue
            right = self.binary(precedence + 1)
            kind = Logic if token.text in ("&&", "||") else Binary
            left = kind(start, token.text, left, right)

    def unary(self) -> Any:
        token = self.tok
        if token.kind != "op":
            return self.postfix()
        if token.text in ("++", "--"):
            self.advance()
            target = self.postfix(allow_step=False)
            self.check_assignable(target, token.pos)
            return Step(target.pos, token.text, target, True)
        if token.text in ("-", "+", "!", "~"):
            self.advance()
            operand = self.unary()
            if token.text == "-" and isinstance(operand, Lit) and type(operand.value) in NUMBERS:
                return Lit(token.pos, -operand.value)
            return Unary(token.pos, token.text, operand)
        if token.text == "(" and self.peek(1).kind == "type" and self.peek(2).text == ")":
            type_name = self.peek(1).text
            self.i += 3
            return Cast(token.pos, type_name, self.unary())
        return self.postfix()

    def postfix(self, allow_step: bool = True) -> Any:
        node = self.primary()
        while True:
            token = self.tok
            if token.kind == "op" and token.text in (".", "?."):
                self.advance()
                name = self.advance()
                if name.kind != "id":
                    raise self.unexpected(name)
                nullsafe = token.text == "?."
                if self.at("("):
                    node = Call(name.pos, node, name.text, self.arguments()[0], nullsafe)
                else:
                    node = Field(name.pos, node, name.text, nullsafe)
            elif self.at("["):
                self.advance()
                key = self.expression()
                self.expect("]")
                node = Index(token.pos, node, key)
            else:
                break
        if allow_step and (self.at("++") or self.at("--")):
            token = self.advance()
            self.check_assignable(node, token.pos)
            return Step(node.pos, token.text, node, False)
        return node

    def arguments(self) -> tuple[list[Any], int]:
        self.expect("(")
        args = []
        if not self.at(")"):
            args.append(self.expression())
            while self.at(","):
                self.advance()
                args.append(self.expression())
        return args, self.expect(")").pos

    def primary(self) -> Any:
        token = self.tok
        if token.kind == "num":
            return self.number()
        if token.kind == "str":
            self.advance()
            return Lit(token.pos, token.value)
        if token.kind == "kw" and token.text in ("true", "false", "null", "new"):
            self.advance()
            if token.text == "new":
                return self.new(token.pos)
            return Lit(token.pos, {"true": True, "false": False, "null": None}[token.text])
        if token.kind == "id":
            self.advance()
            if self.at("("):  # the compiler knows the context's functions, if any
                return FunctionCall(token.pos, token.text, self.arguments()[0])
            return Name(token.pos, token.text)
        if token.kind == "type" and self.peek(1).text == ".":
            return self.static_member()
        if self.at("("):
            self.advance()
            inner = self.expression()
            self.expect(")")
            return inner
        if self.at("["):
            return self.collection()
        raise self.unexpected()

    def number(self) -> Lit:
        token = self.advance()
        value = token.value
        negated = self.tokens[self.i - 2].text == "-" if self.i >= 2 else False
        if token.suffix == "" and value > INT_MAX + negated:
            raise CompileProblem(f"Invalid int constant [{token.text}].", token.pos)
        if token.suffix == "L" and value > LONG_MAX + negated:
            raise CompileProblem(f"Invalid long constant [{token.text}].", token.pos)
        return Lit(token.pos, value)

    def static_member(self) -> Any:
        owner = self.advance()
        self.advance()  # the dot
        name = self.advance()
        if name.kind != "id":
            raise self.unexpected(name)
        if not self.at("("):
            return StaticField(name.pos, owner.text, name.text)
        args, close = self.arguments()
        return StaticCall(close, owner.text, name.text, args)

    def new(self, start: int) -> New:
        type_token = self.advance()
        if type_token.kind not in ("type", "id"):
            raise self.unexpected(type_token)
        if self.at("["):
            raise CompileProblem(
                "arrays are not supported by the djangoes embedded Painless interpreter",
                type_token.pos,
            )
        return New(start, type_token.text, self.arguments()[0])

    def collection(self) -> Any:
        start = self.advance().pos
        if self.at("]"):
            self.advance()
            return ListInit(start, [])
        if self.at(":"):
            self.advance()
            self.expect("]")
            return MapInit(start, [])
        first = self.expression()
        if self.at(":"):
            return self.map_rest(start, first)
        items = [first]
        while self.at(","):
            self.advance()
            items.append(self.expression())
        self.expect("]")
        return ListInit(start, items)

    def map_rest(self, start: int, key: Any) -> MapInit:
        pairs = []
        while True:
            self.expect(":")
            pairs.append((key, self.expression()))
            if not self.at(","):
                break
            self.advance()
            key = self.expression()
        self.expect("]")
        return MapInit(start, pairs)
