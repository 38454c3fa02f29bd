"""Jacques Savoy's light and minimal stemmers, as Lucene implements them and Elasticsearch's
``light_*``/``minimal_*`` stemmer languages (and its french, german, spanish, italian and
portuguese analyzers) run them: French, German, Spanish, Italian, Portuguese, Russian and
Swedish light stemmers, French and German minimal ones.

Each is a function of one lowercased term, cached: a text repeats its words.
"""

# ruff: noqa: RUF001 (Cyrillic letters are the point)
from __future__ import annotations

from functools import lru_cache

_CACHE = 65536


def _fold(term: str, table: dict[int, str]) -> str:
    return term.translate(table)


_GERMAN_FOLD = str.maketrans(
    {**dict.fromkeys("äàáâ", "a"), **dict.fromkeys("öòóô", "o"), **dict.fromkeys("ïìíî", "i"),
     **dict.fromkeys("üùúû", "u")}
)  # fmt: skip
_ST_ENDING = frozenset("bdfghklmnt")


@lru_cache(maxsize=_CACHE)
def german_light_stem(term: str) -> str:
    s = term.translate(_GERMAN_FOLD)
    # step 1
    if len(s) > 5 and s.endswith("ern"):
        s = s[:-3]
    elif len(s) > 4 and s[-2] == "e" and s[-1] in "mnrs":
        s = s[:-2]
    elif (len(s) > 3 and s[-1] == "e") or (len(s) > 3 and s[-1] == "s" and s[-2] in _ST_ENDING):
        s = s[:-1]
    # step 2
    if len(s) > 5 and s.endswith("est"):
        return s[:-3]
    if len(s) > 4 and s[-2] == "e" and s[-1] in "rn":
        return s[:-2]
    if len(s) > 4 and s.endswith("st") and s[-3] in _ST_ENDING:
        return s[:-2]
    return s


_ROMANCE_FOLD = str.maketrans(
    {**dict.fromkeys("àáâä", "a"), **dict.fromkeys("òóôö", "o"), **dict.fromkeys("èéêë", "e"),
     **dict.fromkeys("ùúûü", "u"), **dict.fromkeys("ìíîï", "i")}
)  # fmt: skip


@lru_cache(maxsize=_CACHE)
def spanish_light_stem(term: str) -> str:
    if len(term) < 5:
        return term
    s = term.translate(_ROMANCE_FOLD)
    if s[-1] in "oae":
        return s[:-1]
    if s[-1] == "s":
        if s.endswith("eses"):
            return s[:-2]
        if s.endswith("ces"):
            return s[:-3] + "z"
        if s[-2] in "oae":
            return s[:-2]
    return s


@lru_cache(maxsize=_CACHE)
def italian_light_stem(term: str) -> str:
    if len(term) < 6:
        return term
    s = term.translate(_ROMANCE_FOLD)
    last, before = s[-1], s[-2]
    if last == "e":
        return s[:-2] if before in "ih" else s[:-1]
    if last == "i":
        return s[:-2] if before in "hi" else s[:-1]
    if last in "ao":
        return s[:-2] if before == "i" else s[:-1]
    return s


# French agentive suffixes: (suffix, longer than, letters cut, ending written over what is
# left), tried in order after -issement, -issant and -ement.
_FRENCH_AGENTS = (
    ("ficatrice", 11, 5, "er"),
    ("ficateur", 10, 4, "er"),
    ("catrice", 9, 3, "quer"),
    ("cateur", 8, 2, "quer"),
    ("atrice", 8, 4, "er"),
    ("ateur", 7, 3, "er"),
)
_FRENCH_FOLD = str.maketrans(
    {**dict.fromkeys("àáâ", "a"), "ô": "o", **dict.fromkeys("èéê", "e"),
     **dict.fromkeys("ùû", "u"), "î": "i", "ç": "c"}
)  # fmt: skip


def _overwrite(s: str, cut: int, ending: str) -> str:
    """Cut ``cut`` letters, then write ``ending`` over the last letters of what is left."""
    s = s[: len(s) - cut]
    return s[: len(s) - len(ending)] + ending


@lru_cache(maxsize=_CACHE)
def french_light_stem(term: str) -> str:
    s = term
    if len(s) > 5 and s[-1] == "x":
        if s[-3] == "a" and s[-2] == "u" and s[-4] != "e":
            s = s[:-2] + "l" + s[-1]
        s = s[:-1]
    if len(s) > 3 and s[-1] == "x":
        s = s[:-1]
    if len(s) > 3 and s[-1] == "s":
        s = s[:-1]
    if len(s) > 9 and s.endswith("issement"):
        return _french_norm(_overwrite(s, 6, "r"))
    if len(s) > 8 and s.endswith("issant"):
        return _french_norm(_overwrite(s, 4, "r"))
    if len(s) > 6 and s.endswith("ement"):
        s = s[:-4]
        if len(s) > 3 and s.endswith("ive"):
            s = s[:-2] + "f"
        return _french_norm(s)
    for suffix, longer, cut, ending in _FRENCH_AGENTS:
        if len(s) > longer and s.endswith(suffix):
            return _french_norm(_overwrite(s, cut, ending))
    if len(s) > 6 and s.endswith("trice"):
        s = _overwrite(s, 1, "eur")
    if len(s) > 5 and s.endswith("ième"):
        return _french_norm(s[:-4])
    if len(s) > 7 and s.endswith("teuse"):
        return _french_norm(_overwrite(s, 2, "r"))
    if len(s) > 6 and s.endswith("teur"):
        return _french_norm(_overwrite(s, 1, "r"))
    if len(s) > 5 and s.endswith("euse"):
        return _french_norm(s[:-2])
    if len(s) > 8 and s.endswith("ère"):
        return _french_norm(s[:-3] + "e" + s[-2])
    if len(s) > 7 and s.endswith("ive"):
        return _french_norm(_overwrite(s, 1, "f"))
    if len(s) > 4 and s.endswith(("folle", "molle")):
        return _french_norm(_overwrite(s, 2, "u"))
    if len(s) > 9 and s.endswith("nnelle"):
        return _french_norm(s[:-5])
    if len(s) > 9 and s.endswith("nnel"):
        return _french_norm(s[:-3])
    if len(s) > 4 and s.endswith("ète"):
        s = s[:-3] + "e" + s[-2]
    if len(s) > 8 and s.endswith("ique"):
        s = s[:-4]
    if len(s) > 8 and s.endswith("esse"):
        return _french_norm(s[:-3])
    if len(s) > 7 and s.endswith("inage"):
        return _french_norm(s[:-3])
    if len(s) > 9 and s.endswith("isation"):
        s = s[:-7]
        if len(s) > 5 and s.endswith("ual"):
            s = s[:-2] + "e" + s[-1]
        return _french_norm(s)
    if len(s) > 9 and s.endswith("isateur"):
        return _french_norm(s[:-7])
    if len(s) > 8 and s.endswith(("ation", "ition")):
        return _french_norm(s[:-5])
    return _french_norm(s)


def _french_norm(s: str) -> str:
    if len(s) > 4:
        s = s.translate(_FRENCH_FOLD)
        kept = [s[0]]
        for char in s[1:]:  # a letter repeated in a row counts once
            if not (char == kept[-1] and char.isalpha()):
                kept.append(char)
        s = "".join(kept)
    if len(s) > 4 and s.endswith("ie"):
        s = s[:-2]
    if len(s) > 4:
        if s[-1] == "r":
            s = s[:-1]
        if s[-1] == "e":
            s = s[:-1]
        if s[-1] == "e":
            s = s[:-1]
        if s[-1] == s[-2] and s[-1].isalpha():
            s = s[:-1]
    return s


@lru_cache(maxsize=_CACHE)
def french_minimal_stem(term: str) -> str:
    if len(term) < 6:
        return term
    if term[-1] == "x":
        if term[-3] == "a" and term[-2] == "u":
            return term[:-2] + "l"
        return term[:-1]
    s = term
    for ending in "sreé":
        if s[-1] == ending:
            s = s[:-1]
    if s[-1] == s[-2] and s[-1].isalpha():
        s = s[:-1]
    return s


_UMLAUT_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u"})


@lru_cache(maxsize=_CACHE)
def german_minimal_stem(term: str) -> str:
    if len(term) < 5:
        return term
    s = term.translate(_UMLAUT_FOLD)
    if len(s) > 6 and s.endswith("nen"):
        return s[:-3]
    if len(s) > 5 and s[-2:] in ("en", "se", "es", "er"):
        return s[:-2]
    if s[-1] in "nesr":
        return s[:-1]
    return s


_PORTUGUESE_FOLD = str.maketrans(
    {**dict.fromkeys("àáâäã", "a"), **dict.fromkeys("òóôöõ", "o"), **dict.fromkeys("èéêë", "e"),
     **dict.fromkeys("ùúûü", "u"), **dict.fromkeys("ìíîï", "i"), "ç": "c"}
)  # fmt: skip
_PORTUGUESE_FEMININE = (("inha", "iaca", "eira"), ("osa", "ica", "ida", "ada", "iva", "ama"))


@lru_cache(maxsize=_CACHE)
def portuguese_light_stem(term: str) -> str:
    if len(term) < 4:
        return term
    s = _portuguese_suffix(term)
    if len(s) > 3 and s[-1] == "a":
        s = _portuguese_feminine(s)
    if len(s) > 4 and s[-1] in "eao":
        s = s[:-1]
    return s.translate(_PORTUGUESE_FOLD)


def _portuguese_suffix(s: str) -> str:
    size = len(s)
    if size > 4 and s.endswith("es") and s[-3] in "rslz":
        return s[:-2]
    if size > 3 and s.endswith("ns"):
        return s[:-2] + "m"
    if size > 4 and s.endswith(("eis", "éis")):
        return s[:-3] + "el"
    if size > 4 and s.endswith("ais"):
        return s[:-2] + "l"
    if size > 4 and s.endswith("óis"):
        return s[:-3] + "ol"
    if size > 4 and s.endswith("is"):
        return s[:-1] + "l"
    if size > 3 and s.endswith(("ões", "ães")):
        return s[:-3] + "ão"
    if size > 6 and s.endswith("mente"):
        return s[:-5]
    if size > 3 and s[-1] == "s":
        return s[:-1]
    return s


def _portuguese_feminine(s: str) -> str:
    if len(s) > 7 and s.endswith(_PORTUGUESE_FEMININE[0]):
        return s[:-1] + "o"
    if len(s) > 6:
        if s.endswith(_PORTUGUESE_FEMININE[1]):
            return s[:-1] + "o"
        if s.endswith("ona"):
            return s[:-3] + "ão"
        if s.endswith("ora"):
            return s[:-1]
        if s.endswith("esa"):
            return s[:-3] + "ês"
        if s.endswith("na"):
            return s[:-1] + "o"
    return s


# Russian case endings by length: (longer than, endings), tried longest first. "оьв" is
# Lucene's (and so Elasticsearch's) spelling.
_RUSSIAN_CASES = (
    (6, ("иями", "оями")),
    (5, ("иям", "иях", "оях", "ями", "оям", "оьв", "ами", "его", "ему", "ери", "ими", "ого",
         "ому", "ыми", "оев")),
    (4, ("ая", "яя", "ях", "юю", "ах", "ею", "их", "ия", "ию", "ьв", "ою", "ую", "ям", "ых",
         "ея", "ам", "ем", "ей", "ём", "ев", "ий", "им", "ое", "ой", "ом", "ов", "ые", "ый",
         "ым", "ми")),
    (3, tuple("аеиоуйыяь")),
)  # fmt: skip


@lru_cache(maxsize=_CACHE)
def russian_light_stem(term: str) -> str:
    s = term
    for longer_than, endings in _RUSSIAN_CASES:
        if len(s) > longer_than and s.endswith(endings):
            s = s[: -len(endings[0])]
            break
    if len(s) > 3 and (s[-1] in "ьи" or (s[-1] == "н" and s[-2] == "н")):
        s = s[:-1]
    return s


_SWEDISH_ENDINGS = (
    (7, ("elser", "heten")),
    (6, ("arne", "erna", "ande", "else", "aste", "orna", "aren")),
    (5, ("are", "ast", "het")),
    (4, ("ar", "er", "or", "en", "at", "te", "et")),
    (3, tuple("taen")),
)


@lru_cache(maxsize=_CACHE)
def swedish_light_stem(term: str) -> str:
    s = term[:-1] if len(term) > 4 and term[-1] == "s" else term
    for longer_than, endings in _SWEDISH_ENDINGS:
        if len(s) > longer_than and s.endswith(endings):
            return s[: -len(endings[0])]
    return s


# Norwegian (Lucene's, adapted from the Swedish one), for Bokmål or Nynorsk: each rule is
# (longer than, the ending, letters cut, whether Bokmål has it, whether Nynorsk has it), and
# the first that fits decides, after a genitive -s.
_NORWEGIAN_LIGHT = (
    (7, "heter", 5, True, False), (7, "heten", 5, True, False), (7, "heita", 5, False, True),
    (8, "heiter", 6, False, True), (8, "leiken", 6, False, True), (8, "leikar", 6, False, True),
    (5, "dom", 3, True, True), (5, "het", 3, True, False),
    (6, "heit", 4, False, True), (6, "semd", 4, False, True), (6, "leik", 4, False, True),
    (7, "elser", 5, True, True), (7, "elsen", 5, True, True),
    (6, "ende", 4, True, False), (6, "ande", 4, False, True), (6, "else", 4, True, True),
    (6, "este", 4, True, False), (6, "aste", 4, False, True), (6, "eren", 4, True, False),
    (6, "aren", 4, False, True),
    (5, "ere", 3, True, False), (5, "are", 3, False, True), (5, "est", 3, True, False),
    (5, "ast", 3, False, True), (5, "ene", 3, True, True), (5, "ane", 3, False, True),
    (4, "er", 2, True, True), (4, "en", 2, True, True), (4, "et", 2, True, True),
    (4, "ar", 2, False, True), (4, "st", 2, True, False), (4, "te", 2, True, True),
)  # fmt: skip
_NORWEGIAN_MINIMAL = (
    (5, "ene", 3, True, True), (5, "ane", 3, False, True),
    (4, "er", 2, True, True), (4, "en", 2, True, True), (4, "et", 2, True, True),
    (4, "ar", 2, False, True),
)  # fmt: skip


def _norwegian(term: str, rules: tuple, last_letters: str, nynorsk: bool) -> str:
    s = term[:-1] if len(term) > 4 and term[-1] == "s" else term
    for longer_than, ending, cut, bokmaal_rule, nynorsk_rule in rules:
        applies = nynorsk_rule if nynorsk else bokmaal_rule
        if applies and len(s) > longer_than and s.endswith(ending):
            return s[:-cut]
    if len(s) > 3 and s[-1] in last_letters:
        return s[:-1]
    return s


@lru_cache(maxsize=_CACHE)
def norwegian_light_stem(term: str) -> str:
    return _norwegian(term, _NORWEGIAN_LIGHT, "aen", nynorsk=False)


@lru_cache(maxsize=_CACHE)
def nynorsk_light_stem(term: str) -> str:
    return _norwegian(term, _NORWEGIAN_LIGHT, "aen", nynorsk=True)


@lru_cache(maxsize=_CACHE)
def norwegian_minimal_stem(term: str) -> str:
    return _norwegian(term, _NORWEGIAN_MINIMAL, "ae", nynorsk=False)


@lru_cache(maxsize=_CACHE)
def nynorsk_minimal_stem(term: str) -> str:
    return _norwegian(term, _NORWEGIAN_MINIMAL, "ae", nynorsk=True)
