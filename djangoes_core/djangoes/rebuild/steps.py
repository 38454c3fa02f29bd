"""Request sequences written once, run by a synchronous or an asynchronous client.

A sequence is a generator that yields steps: a function of the client (a request), or a
:class:`Sleep`. :func:`run` performs each step with ``Elasticsearch``, :func:`arun` awaits it
with ``AsyncElasticsearch``; either sends back the result, or throws the error in, so the
sequence reads as straight-line code.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

Steps = Generator["Step", Any, Any]


@dataclass(frozen=True)
class Sleep:
    seconds: float


Step = Callable[[Any], Any] | Sleep


def run(steps: Steps, client: Any) -> Any:
    value, error = None, None
    while True:
        done, step = _advance(steps, value, error)
        if done:
            return step
        value, error = None, None
        try:
            if isinstance(step, Sleep):
                time.sleep(step.seconds)
            else:
                value = step(client)
        except Exception as raised:
            error = raised


async def arun(steps: Steps, client: Any) -> Any:
    value, error = None, None
    while True:
        done, step = _advance(steps, value, error)
        if done:
            return step
        value, error = None, None
        try:
            if isinstance(step, Sleep):
                await asyncio.sleep(step.seconds)
            else:
                value = await step(client)
        except Exception as raised:
            error = raised


def _advance(steps: Steps, value: Any, error: BaseException | None) -> tuple[bool, Any]:
    """(True, the result) once the sequence returns; else (False, its next step)."""
    try:
        return False, steps.send(value) if error is None else steps.throw(error)
    except StopIteration as stop:
        return True, stop.value
