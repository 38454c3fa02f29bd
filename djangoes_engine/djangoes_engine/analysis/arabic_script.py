"""Normalizers and light stemmers for languages written in the Arabic script: Arabic (Larkey's
light10, as Lucene's ArabicNormalizer and ArabicStemmer), Persian and Sorani Kurdish (Lucene's
PersianNormalizer, PersianStemmer, SoraniNormalizer and SoraniStemmer).

Each is a function of one term, as the ``*_normalization`` and ``*_stem`` filters apply them.
Lengths are counted as Lucene counts them, in UTF-16 units: every letter here is one.
"""

# ruff: noqa: RUF001, RUF003 (the letters of these scripts are the point)
from __future__ import annotations

import unicodedata

_HARAKAT = frozenset("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652")  # fathatan..sukun
_TATWEEL = "\u0640"

# Larkey: bare alef for the hamza and madda forms, yeh for dotless yeh, heh for teh marbuta.
_ARABIC = str.maketrans(
    {
        "\u0622": "\u0627",
        "\u0623": "\u0627",
        "\u0625": "\u0627",
        "\u0649": "\u064a",
        "\u0629": "\u0647",
        _TATWEEL: None,
        **dict.fromkeys(_HARAKAT),
    }
)


def arabic_normalize(term: str) -> str:
    return term.translate(_ARABIC)


# light10's prefixes (the first that fits is removed) and suffixes (each that fits, in turn).
_ARABIC_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
_ARABIC_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")


def arabic_stem(term: str) -> str:
    for prefix in _ARABIC_PREFIXES:
        # wa- needs a word of four letters; the others leave two.
        shortest = 4 if len(prefix) == 1 else len(prefix) + 2
        if len(term) >= shortest and term.startswith(prefix):
            term = term[len(prefix) :]
            break
    return _strip_suffixes(term, _ARABIC_SUFFIXES)


def _strip_suffixes(term: str, suffixes: tuple[str, ...]) -> str:
    """Each suffix in turn, removed when it leaves at least two letters."""
    for suffix in suffixes:
        if len(term) >= len(suffix) + 2 and term.endswith(suffix):
            term = term[: -len(suffix)]
    return term


# Persian: farsi yeh and yeh barree to yeh, keheh to kaf, heh yeh and heh goal to heh, the
# hamza above (of heh + hamza) dropped.
_PERSIAN = str.maketrans(
    {
        "\u06cc": "\u064a",
        "\u06d2": "\u064a",
        "\u06a9": "\u0643",
        "\u06c0": "\u0647",
        "\u06c1": "\u0647",
        "\u0654": None,
    }
)


def persian_normalize(term: str) -> str:
    return term.translate(_PERSIAN)


_PERSIAN_SUFFIXES = ("ات", "ان", "ترين", "تر", "يي", "ي", "ها", "\u200c")


def persian_stem(term: str) -> str:
    return _strip_suffixes(term, _PERSIAN_SUFFIXES)


_SORANI = {
    "\u064a": "\u06cc",  # yeh, dotless yeh -> farsi yeh
    "\u0649": "\u06cc",
    "\u0643": "\u06a9",  # kaf -> keheh
    "\u0629": "\u06d5",  # teh marbuta -> ae
    "\u06be": "\u0647",  # heh doachashmee -> heh
    "\u0692": "\u0695",  # rreh above -> rreh
}
_HEH, _AE, _ZWNJ, _REH, _RREH = "\u0647", "\u06d5", "\u200c", "\u0631", "\u0695"


def sorani_normalize(term: str) -> str:
    out: list[str] = []
    last = len(term) - 1
    for i, char in enumerate(term):
        if char in _SORANI:
            out.append(_SORANI[char])
        elif char == _ZWNJ:  # heh before a non-joiner is the vowel e
            if out and out[-1] == _HEH:
                out[-1] = _AE
        elif char == _HEH:
            out.append(_AE if i == last else _HEH)
        elif char == _REH:
            out.append(_RREH if not out else _REH)
        elif char == _TATWEEL or char in _HARAKAT or unicodedata.category(char) == "Cf":
            continue
        else:
            out.append(char)
    return "".join(out)


# Sorani's light stemmer: (suffix, the length the word must exceed), in Lucene's order. A
# postposition, then a possessive pronoun, come off first; then at most one of the rest.
_SORANI_POSTPOSITIONS = (("دا", 5, 2), ("نا", 4, 1), ("ەوە", 6, 3))
_SORANI_POSSESSIVES = ("مان", "یان", "تان")
_SORANI_ENDINGS = (
    ("ێکی", 6), ("یەکی", 7), ("ێک", 5), ("یەک", 6), ("ەکە", 6), ("کە", 5), ("ەکان", 7),
    ("کان", 6), ("یانی", 7), ("انی", 6), ("یان", 6), ("ان", 5), ("یانە", 7), ("انە", 6),
)  # fmt: skip


def sorani_stem(term: str) -> str:
    for suffix, longer_than, cut in _SORANI_POSTPOSITIONS:
        if len(term) > longer_than and term.endswith(suffix):
            term = term[: len(term) - cut]
            break
    if len(term) > 6 and term.endswith(_SORANI_POSSESSIVES):
        term = term[:-3]
    for suffix, longer_than in _SORANI_ENDINGS:
        if len(term) > longer_than and term.endswith(suffix):
            return term[: -len(suffix)]
    # demonstrative singular (-ایە, -ەیە lose two letters), then -ە, then the ezafe -ی
    if len(term) > 5 and term.endswith(("ایە", "ەیە")):
        return term[:-2]
    if len(term) > 4 and term.endswith(("ە", "ی")):
        return term[:-1]
    return term
