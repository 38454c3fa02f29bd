"""Lucene's Brazilian Portuguese stemmer (``brazilian_stem``, the ``brazilian`` stemmer language
and analyzer): a variant of the Snowball Portuguese algorithm that first folds the accents away,
then strips one standard (derivational) suffix or else one verb ending, then a residual vowel.

As Lucene's does, it measures the regions R1, R2 and RV once, on the folded word, and tests the
later steps' suffixes against those regions while removing them from the shortened word; two of
its rules change nothing but still count as a removal (``-logias``, and ``-ira`` among the verb
endings). Words under three or over 29 letters are left as they came; words with a character
other than a letter are only folded.
"""

from __future__ import annotations

from functools import lru_cache

_FOLD = str.maketrans("áâãéêíóôõúüçñ", "aaaeeiooouucn")
_LEADING = frozenset("\"'-,;.?!")
_TRAILING = frozenset("-,;.?!'\"")
_VOWELS = frozenset("aeiou")

# Standard suffixes, in the order they are tried: (suffix, region it must lie in, what replaces
# it, or None to leave the word as it is; whether an "e" must precede it).
_STANDARD: tuple[tuple[str, str, str | None, bool], ...] = (
    ("uciones", "R2", "u", False),
    *((s, "R2", "", False) for s in ("imentos", "amentos", "adores", "adoras")),
    ("logias", "R2", None, False),
    ("encias", "R2", "ente", False),
    ("amente", "R1", "", False),
    *((s, "R2", "", False) for s in ("idades", "acoes", "imento", "amento", "adora", "ismos")),
    ("istas", "R2", "", False),
    ("logia", "R2", "log", False),
    ("ucion", "R2", "u", False),
    ("encia", "R2", "ente", False),
    *((s, "R2", "", False) for s in ("mente", "idade", "acao", "ezas", "icos", "icas", "ismo")),
    *((s, "R2", "", False) for s in ("avel", "ivel", "ista", "osos", "osas", "ador", "ivas")),
    ("ivos", "R2", "", False),
    ("iras", "RV", "ir", True),
    *((s, "R2", "", False) for s in ("eza", "ico", "ica", "oso", "osa", "iva", "ivo")),
    ("ira", "RV", "ir", True),
)
# Verb endings tried (in RV) when no standard suffix was: longest first, as Lucene lists them.
_VERB_ENDINGS = (
    "issemos", "essemos", "assemos", "ariamos", "eriamos", "iriamos", "iremos", "eremos",
    "aremos", "avamos", "iramos", "eramos", "aramos", "asseis", "esseis", "isseis", "arieis",
    "erieis", "irieis", "irmos", "iamos", "armos", "ermos", "areis", "ereis", "ireis", "asses",
    "esses", "isses", "astes", "assem", "essem", "issem", "ardes", "erdes", "irdes", "ariam",
    "eriam", "iriam", "arias", "erias", "irias", "estes", "istes", "aveis", "aria", "eria",
    "iria", "asse", "esse", "isse", "aste", "este", "iste", "arei", "erei", "irei", "aram",
    "eram", "iram", "avam", "arem", "erem", "irem", "ando", "endo", "indo", "arao", "erao",
    "irao", "adas", "idas", "aras", "eras", "iras", "avas", "ares", "eres", "ires", "ados",
    "idos", "amos", "emos", "imos", "ieis", "ada", "ida", "ara", "era", "ira", "iam", "ado",
    "ido", "ias", "ais", "eis", "ear", "ia", "ei", "am", "em", "ar", "er", "ir", "as", "es", "is",
    "eu", "iu", "ou",
)  # fmt: skip
_KEEPS = frozenset({"ira"})  # Lucene's rule for it removes "ava", so nothing
_RESIDUAL = ("os", "a", "i", "o")


def _after_consonant(word: str | None) -> str | None:
    """What follows the first consonant after a vowel (R1 of ``word``); None when there is
    no such consonant before the last letter."""
    if word is None:
        return None
    last = len(word) - 1
    j = 0
    while j < last and word[j] not in _VOWELS:
        j += 1
    while j < last and word[j] in _VOWELS:
        j += 1
    return word[j + 1 :] if j < last else None


def _rv(word: str) -> str | None:
    last = len(word) - 1
    if last > 0 and word[1] not in _VOWELS:
        j = next((k for k in range(2, last) if word[k] in _VOWELS), last)
        if j < last:
            return word[j + 1 :]
    if last > 1 and word[0] in _VOWELS and word[1] in _VOWELS:
        j = next((k for k in range(2, last) if word[k] not in _VOWELS), last)
        if j < last:
            return word[j + 1 :]
    return word[3:] if last > 2 else None


def _ends(region: str | None, suffix: str) -> bool:
    return region is not None and region.endswith(suffix)


def _drop(word: str, suffix: str) -> str:
    return word[: -len(suffix)] if word.endswith(suffix) else word


def _folded(term: str) -> str:
    word = term.lower().translate(_FOLD)
    if len(word) >= 2 and word[0] in _LEADING:
        word = word[1:]
    if len(word) >= 2 and word[-1] in _TRAILING:
        word = word[:-1]
    return word


@lru_cache(maxsize=65536)
def brazilian_stem(term: str) -> str:
    word = _folded(term)
    if not 2 < len(word) < 30:
        return term
    if not word.isalpha():
        return word
    r1 = _after_consonant(word)
    regions = {"R1": r1, "R2": _after_consonant(r1), "RV": _rv(word)}
    rv = regions["RV"]
    removed = False
    for suffix, region, replacement, after_e in _STANDARD:
        if word.endswith(suffix) and _ends(regions[region], suffix):
            if after_e and not word[: -len(suffix)].endswith("e"):
                continue
            if replacement is not None:
                word = word[: -len(suffix)] + replacement
            removed = True
            break
    if not removed and rv is not None:
        ending = next((e for e in _VERB_ENDINGS if rv.endswith(e)), None)
        if ending is not None:
            removed = True
            if ending not in _KEEPS:
                word = _drop(word, ending)
    if rv is None:
        return word
    if removed:
        if rv.endswith("ci"):
            word = _drop(word, "i")
    else:
        residual = next((r for r in _RESIDUAL if rv.endswith(r)), None)
        if residual is not None:
            word = _drop(word, residual)
    if rv.endswith("e"):
        word = _drop(word, "e")
        if rv.endswith("gue"):
            word = _drop(word, "u")
        elif rv.endswith("cie"):
            word = _drop(word, "i")
    return word
