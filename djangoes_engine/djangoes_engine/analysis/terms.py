"""Term rewrites: the plain ``str -> str`` functions behind the Python filters (language
lowercasing, minimal stemmers, elision, width and digit folding...).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection

from .tokens import _ACRONYM


def _turkish_lower(term: str) -> str:
    return term.replace("I", "\u0131").replace("\u0130", "i").lower()


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


def _elision(articles: Collection[str], ignore_case: bool) -> Callable[[str], str]:
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


_GERMAN_VOWELS = frozenset("aeiouyäöü")
_GERMAN_UMLAUTS = {"ä": "a", "ö": "o", "ü": "u", "ß": "ss"}


def _german_normalize(term: str) -> str:
    """German normalization as Lucene documents it (the German2 Snowball heuristics): ä, ö, ü
    lose their umlaut, ß becomes ss, "ae" and "oe" become "a" and "o", and "ue" becomes "u"
    unless the u follows a vowel or q."""
    out: list[str] = []
    before = ""  # the character before ``previous``, in the input
    previous = ""
    for char in term:
        drop = char == "e" and (
            previous in ("a", "o")
            or (previous == "u" and before not in _GERMAN_VOWELS and before != "q")
        )
        if not drop:
            out.append(_GERMAN_UMLAUTS.get(char, char))
        before, previous = previous, char
    return "".join(out)


# The Scandinavian letters and their folded spellings, as Lucene documents its filters.
_SCANDINAVIAN_NORMAL = {"ä": "æ", "Ä": "Æ", "ö": "ø", "Ö": "Ø"}
_SCANDINAVIAN_PAIRS = {
    ("a", "a"): "å",
    ("a", "o"): "å",
    ("a", "e"): "æ",
    ("o", "e"): "ø",
    ("o", "o"): "ø",
}
_SCANDINAVIAN_FOLDED = {"å": "a", "ä": "a", "æ": "a", "ö": "o", "ø": "o"}
_SCANDINAVIAN_FOLDED.update({k.upper(): v.upper() for k, v in list(_SCANDINAVIAN_FOLDED.items())})
_DOUBLED = {"a": frozenset("aeoAEO"), "A": frozenset("aeoAEO"), "o": frozenset("eoEO")}
_DOUBLED["O"] = _DOUBLED["o"]


def _scandinavian_normalize(term: str) -> str:
    """æÆäÄöÖøØ and their folded spellings (aa, ao, ae, oe, oo) to åÅæÆøØ: Norwegian and
    Danish spellings meet Swedish ones without losing å, æ and ø."""
    out: list[str] = []
    i, n = 0, len(term)
    while i < n:
        char = term[i]
        if char in _SCANDINAVIAN_NORMAL:
            out.append(_SCANDINAVIAN_NORMAL[char])
        elif i + 1 < n and (merged := _SCANDINAVIAN_PAIRS.get((char.lower(), term[i + 1].lower()))):
            out.append(merged if char.islower() else merged.upper())
            i += 1
        else:
            out.append(char)
        i += 1
    return "".join(out)


def _scandinavian_fold(term: str) -> str:
    """åÅäæÄÆ to a/A, öÖøØ to o/O, and of the doubled vowels aa, ae, ao, oe and oo only the
    first kept: raksmorgas matches räksmörgås."""
    out: list[str] = []
    i, n = 0, len(term)
    while i < n:
        char = term[i]
        if char in _SCANDINAVIAN_FOLDED:
            out.append(_SCANDINAVIAN_FOLDED[char])
        else:
            out.append(char)
            if i + 1 < n and term[i + 1] in _DOUBLED.get(char, ()):
                i += 1
        i += 1
    return "".join(out)


# Serbian Cyrillic letters in Latin, then Latin letters without diacritics ("bald" Latin),
# except đ, which is written dj (Lucene's documented SerbianNormalizationFilter; it expects
# lowercased input).
_SERBIAN_BALD = str.maketrans(
    {
        **dict(zip("абвгдежзијклмнопрстуфхц", "abvgdezzijklmnoprstufhc", strict=True)),
        "ђ": "dj",
        "љ": "lj",
        "њ": "nj",
        "ћ": "c",
        "ч": "c",
        "џ": "dz",
        "ш": "s",
        "č": "c",
        "ć": "c",
        "đ": "dj",
        "š": "s",
        "ž": "z",
    }
)


def _serbian_normalize(term: str) -> str:
    return term.translate(_SERBIAN_BALD)
