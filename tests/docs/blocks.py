"""The fenced code blocks of a Markdown page (README.md, docs/*.md), as the docs' tests read them.

Every block a reader may copy is run or checked by a test (``tests/docs/``); a page says how to
treat a block with an HTML comment on the lines just before it, which neither GitHub nor MyST
shows::

    <!-- snippet: skip needs a real cluster -->
    <!-- snippet: setup=library -->

``Block.directive`` is the text after ``snippet:`` (``"skip needs a real cluster"``,
``"setup=library"``); ``Block.comments`` every comment of those lines, the README's
``demo-command`` and ``test-command`` markers included.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
COMMENT = re.compile(r"^ *<!--(?P<text>.*?)-->\s*$")
DIRECTIVE = "snippet:"


@dataclass(frozen=True)
class Block:
    """One fenced block: its language (``""`` if none; ``"{literalinclude}"`` for a MyST
    directive), the rest of its info string, its text (dedented to the fence's indentation),
    the line of its opening fence (1-based) and the comments just before it."""

    path: Path
    line: int
    language: str
    text: str
    directive: str | None = None
    info: str = ""
    comments: tuple[str, ...] = field(default=())

    @property
    def where(self) -> str:
        """``docs/page.md:12``, relative to the repository when the page is in it."""
        root = Path(__file__).resolve().parents[2]
        try:
            name = self.path.resolve().relative_to(root)
        except ValueError:
            name = self.path
        return f"{name}:{self.line}"

    @property
    def skip_reason(self) -> str | None:
        """The reason of ``snippet: skip REASON``, or None for a block to run."""
        if self.directive is None or not re.match(r"skip\b", self.directive):
            return None
        return self.directive[len("skip") :].strip()

    @property
    def options(self) -> dict[str, str]:
        """The ``name=value`` words of the directive (``setup=library``)."""
        if self.directive is None or self.skip_reason is not None:
            return {}
        return dict(word.split("=", 1) for word in self.directive.split() if "=" in word)


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
        info = opening["info"].strip()
        language, _, rest = info.partition(" ")
        body: list[str] = []
        end = index + 1
        while end < len(lines):
            closing = FENCE.match(lines[end])
            if (
                closing is not None
                and closing["fence"][0] == fence[0]
                and len(closing["fence"]) >= len(fence)
                and not closing["info"].strip()
            ):
                break
            body.append(lines[end][indent:] if lines[end][:indent].isspace() else lines[end])
            end += 1
        comments = comments_before(lines, index)
        directives = [c[len(DIRECTIVE) :].strip() for c in comments if c.startswith(DIRECTIVE)]
        blocks.append(
            Block(
                path=path,
                line=index + 1,
                language=language,
                text="\n".join(body) + "\n" if body else "",
                directive=directives[-1] if directives else None,
                info=rest.strip(),
                comments=tuple(comments),
            )
        )
        index = end + 1
    return blocks


def comments_before(lines: list[str], index: int) -> list[str]:
    """The HTML comments on the lines just before line ``index`` (blank lines between them
    and the block allowed), first to last."""
    comments: list[str] = []
    line = index - 1
    while line >= 0 and not lines[line].strip():
        line -= 1
    while line >= 0 and (comment := COMMENT.match(lines[line])):
        comments.insert(0, comment["text"].strip())
        line -= 1
    return comments
