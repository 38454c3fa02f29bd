"""The fenced code blocks of a Markdown page (README.md, docs/*.md), as the docs' tests read them:
a test runs what a reader would copy, so that an edit of the page is tested."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")


@dataclass(frozen=True)
class Block:
    """One fenced block: its language (``""`` if none), its text (dedented to the fence's
    indentation) and the line of its opening fence (1-based)."""

    path: Path
    line: int
    language: str
    text: str


def code_blocks(path: Path | str) -> list[Block]:
    """The fenced blocks of the Markdown page at ``path``, in page order."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        body: list[str] = []
        end = index + 1
        while end < len(lines):
            closing = FENCE.match(lines[end])
            if (
                closing
                and closing["fence"][0] == fence[0]
                and len(closing["fence"]) >= len(fence)
                and not closing["info"].strip()
            ):
                break
            body.append(lines[end][indent:] if lines[end][:indent].isspace() else lines[end])
            end += 1
        language = opening["info"].strip().partition(" ")[0]
        text = "\n".join(body) + "\n" if body else ""
        blocks.append(Block(path=path, line=index + 1, language=language, text=text))
        index = end + 1
    return blocks
