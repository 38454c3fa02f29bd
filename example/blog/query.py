"""What a user types in the search box, made into ``simple_query_string`` text and field terms.

The search box speaks ``simple_query_string``'s syntax (``"a phrase"``, ``-word``, ``a | b``,
``+word``, ``pref*``, parentheses), with every word required (``default_operator`` and). Two
things users type that it does not read the way they mean are handled here:

* ``title:word``, ``body:"a phrase"``, ``-title:word``: simple_query_string has no field syntax
  (``title:lantern`` would be one unknown word); these terms become clauses on their field. Any
  other ``name:`` is not a field of the blog: the word is searched everywhere, with a note.
* ``AND``, ``OR`` and ``NOT`` in capitals are the operators ``+``, ``|`` and ``-``, not words.

A query of nothing but ``*`` (or nothing) finds every post.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

#: The fields a ``name:`` prefix may name: the prefix, and the indexed field it searches.
FIELDS = {"title": "title", "body": "body"}
_OPERATORS = {"AND": "+", "OR": "|", "NOT": "-"}
# A term: an optional sign, an optional field name, then a quoted phrase or a run of non-blanks.
_TERM = re.compile(r'(?P<sign>[-+]?)(?:(?P<field>[A-Za-z_]+):)?(?P<value>"[^"]*"|\S+)')


@dataclass(frozen=True)
class FieldTerm:
    field: str  # an indexed field
    text: str  # simple_query_string text: a word, "a phrase" or a prefix*
    negated: bool


@dataclass
class ParsedQuery:
    text: str  # for simple_query_string over every searched field; "" when there is none
    terms: list[FieldTerm] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def finds_everything(self) -> bool:
        return not self.text and not self.terms


def parse(query: str) -> ParsedQuery:
    """Split ``query`` into simple_query_string text and field terms."""
    parsed = ParsedQuery("")
    words: list[str] = []
    negate_next = False
    for match in _TERM.finditer(query):
        sign, name, value = match["sign"], match["field"], match["value"]
        if negate_next:
            sign, negate_next = "-", False
        if name is None and not sign and value in _OPERATORS:
            if value == "NOT":
                negate_next = True
            else:
                words.append(_OPERATORS[value])
            continue
        if name is not None:
            target = FIELDS.get(name.lower())
            if target is not None:
                if value.strip('"*'):
                    parsed.terms.append(FieldTerm(target, value, sign == "-"))
                continue
            known = ", ".join(f"{prefix}:" for prefix in FIELDS)
            parsed.notes.append(
                f"“{name}:” is not a field of the posts ({known} are): "
                f"searched for {value} in every field."
            )
        words.append(sign + value)
    parsed.text = " ".join(words) if any(_has_word(word) for word in words) else ""
    return parsed


def _has_word(term: str) -> bool:
    return bool(re.search(r"\w", term))
