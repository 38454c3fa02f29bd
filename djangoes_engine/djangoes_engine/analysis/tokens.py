"""Tokens: the public :class:`Token`, the plain tuple the Python pipeline passes between
stages, and the token types the ``_analyze`` API reports (``<ALPHANUM>``, ``<NUM>``, ...).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

DEFAULT_POSITION_INCREMENT_GAP = 100
DEFAULT_MAX_TOKEN_LENGTH = 255


@dataclass(frozen=True, slots=True)
class Token:
    """One token: offsets are Python ``str`` indices into the original text."""

    term: str
    position: int
    start: int
    end: int


# Inside the Python pipeline a token is a plain tuple, cheaper than an object:
# (term, position, start, end, type or None when the tokenizer's classifier decides, keyword).
_Tok = tuple[str, int, int, int, str | None, bool]
_Stage = Callable[[list[_Tok]], list[_Tok]]


# --------------------------------------------------------------------------------------------
# Token types, as the _analyze API reports them.


def _standard_type(text: str) -> str:
    first = text[0] if text else ""
    if not first:
        return "<ALPHANUM>"
    if all(c.isdecimal() or not c.isalnum() for c in text) and any(c.isdecimal() for c in text):
        return "<NUM>"
    name = unicodedata.name(first, "")
    if name.startswith(("CJK UNIFIED", "CJK COMPATIBILITY IDEOGRAPH")):
        return "<IDEOGRAPHIC>"
    if name.startswith("HIRAGANA"):
        return "<HIRAGANA>"
    if name.startswith(("KATAKANA", "HALFWIDTH KATAKANA")):
        return "<KATAKANA>"
    if name.startswith("HANGUL"):
        return "<HANGUL>"
    if name.startswith(("THAI", "LAO", "MYANMAR", "KHMER", "TAI ", "NEW TAI")):
        return "<SOUTHEAST_ASIAN>"
    if unicodedata.category(first) in ("So", "Sk") or name.startswith("REGIONAL INDICATOR"):
        return "<EMOJI>"
    if first in "#*" and len(text) > 1:
        return "<EMOJI>"
    return "<ALPHANUM>"


def _uax_type(text: str) -> str:
    if "@" in text and "://" not in text:
        return "<EMAIL>"
    if "://" in text or text.startswith("www."):
        return "<URL>"
    return _standard_type(text)


_ACRONYM = re.compile(r"^(?:[^\W\d_]\.){2,}$")


def _classic_type(text: str) -> str:
    if "@" in text:
        return "<EMAIL>" if "." in text.split("@", 1)[1] else "<COMPANY>"
    if "&" in text:
        return "<COMPANY>"
    if any(c.isdigit() for c in text):
        return "<NUM>" if any(c in "-_/.," for c in text) or text.isdigit() else "<ALPHANUM>"
    if _ACRONYM.match(text):
        return "<ACRONYM>"
    if "." in text:
        return "<HOST>"
    if "'" in text:
        return "<APOSTROPHE>"
    if unicodedata.name(text[0], "").startswith(("CJK", "HIRAGANA", "KATAKANA")):
        return "<CJ>"
    return "<ALPHANUM>"


_CLASSIFIERS: dict[str, Callable[[str], str]] = {
    "standard": _standard_type,
    "uax_url_email": _uax_type,
    "classic": _classic_type,
}
