"""Term rewrites: the plain ``str -> str`` functions behind the Python filters (language
lowercasing, minimal stemmers, elision, width and digit folding...).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from .tokens import _ACRONYM


def _turkish_lower(term: str) -> str:
    return term.replace("I", "\u0131").replace("\u0130", "i").lower()


def _greek_lower(term: str) -> str:
    decomposed = unicodedata.normalize("NFD", term.lower().replace("\u03c2", "\u03c3"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _irish_lower(term: str) -> str:
    if len(term) > 1 and term[0] in "nt" and term[1] in "AEIOUÁÉÍÓÚ":
        return term[0] + "-" + term[1:].lower()
    return term.lower()


def _possessive(term: str) -> str:
    if len(term) >= 2 and term[-1] in "sS" and term[-2] in "'\u2019\uff07":
        return term[:-2]
    return term


def _minimal_english(term: str) -> str:
    """Harman's S-stemmer, as Lucene's EnglishMinimalStemmer: plurals to singulars."""
    n = len(term)
    if n < 3 or term[-1] != "s":
        return term
    second = term[-2]
    if second in "us":
        return term
    if second == "e":
        if n > 3 and term[-3] == "i" and term[-4] not in "ae":
            return term[:-3] + "y"
        if term[-3] in "iaoe":
            return term
    return term[:-1]


def _elision(articles: set[str], ignore_case: bool) -> Callable[[str], str]:
    def elide(term: str) -> str:
        for quote in ("'", "\u2019"):
            at = term.find(quote)
            if at > 0:
                prefix = term[:at].lower() if ignore_case else term[:at]
                if prefix in articles:
                    return term[at + 1 :]
                return term
        return term

    return elide


def _apostrophe(term: str) -> str:
    for i, c in enumerate(term):
        if c in "'\u2019":
            return term[:i]
    return term


def _decimal_digit(term: str) -> str:
    if term.isascii():
        return term
    return "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in term)


_WIDTH_FORMS = re.compile("[\uff00-\uffef]+")


def _cjk_width(term: str) -> str:
    """Full-width ASCII to ASCII, half-width katakana to katakana (voiced marks composed)."""
    if term.isascii():
        return term
    return _WIDTH_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), term)


def _classic(term: str) -> str:
    if _ACRONYM.match(term):
        return term.replace(".", "")
    return _possessive(term)
