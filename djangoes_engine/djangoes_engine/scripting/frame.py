"""A running script's frame, and the signals its statements return.

A compiled script is a tree of closures, each called with the frame: a list holding the loop
budget, ``ctx``, ``params`` and then one slot per local variable, so a variable is read with a
list index rather than a name lookup. A statement returns nothing, or a signal that stops its
enclosing block: ``break``, ``continue`` or ``return``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MAX_LOOP_COUNTER = 1_000_000  # Painless's default ``max_loop_counter``
LOOP_MESSAGE = "The maximum number of statements that can be executed in a loop has been reached."

Fn = Callable[[list[Any]], Any]  # a compiled expression or statement, called with the frame

# A frame is a list: [loop budget, ctx, params, local variables...].
BUDGET, CTX, PARAMS = 0, 1, 2
BREAK, CONTINUE, RETURN = 1, 2, 3  # what a statement returns to stop its enclosing block
