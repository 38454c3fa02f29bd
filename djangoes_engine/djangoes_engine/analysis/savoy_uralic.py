"""Jacques Savoy's light stemmers for Finnish (CLEF-2003 report) and Hungarian ("UniNE", Light
Stemming Approaches for the French, Portuguese, German and Hungarian Languages), as Lucene's
FinnishLightStemmer and HungarianLightStemmer run them for Elasticsearch's ``light_finnish``
and ``light_hungarian`` stemmer languages.

Each is a function of one lowercased term, cached: a text repeats its words.
"""

from __future__ import annotations

import re
from functools import lru_cache

_CACHE = 65536
_VOWELS = frozenset("aeiouy")

# --------------------------------------------------------------------------------------------
# Finnish: fold the Scandinavian letters, then clitics/derivations, possessives, cases, and two
# normalisations (a final consonant or vowel; a doubled k, p or t made single).

_FINNISH_FOLD = str.maketrans({"ä": "a", "å": "a", "ö": "o"})
_DOUBLED_STOP = re.compile(r"([kpt])\1+")


@lru_cache(maxsize=_CACHE)
def finnish_light_stem(term: str) -> str:
    if len(term) < 4:
        return term
    s = term.translate(_FINNISH_FOLD)
    s = _fi_clitics(s)
    s = _fi_possessive(s)
    s = _fi_case(s)
    s = _fi_final(s)
    return _fi_normalize(s)


def _fi_clitics(s: str) -> str:
    while len(s) > 8 and s.endswith(("kin", "ko")):
        s = s[:-3] if s.endswith("kin") else s[:-2]
    if len(s) > 11:
        for suffix in ("dellinen", "dellisuus"):
            if s.endswith(suffix):
                return s[: -len(suffix)]
    return s


def _fi_possessive(s: str) -> str:
    if len(s) > 5:
        if s.endswith(("lla", "tse", "sti")):
            return s[:-3]
        if s.endswith("ni"):
            return s[:-2]
        if s.endswith("aa"):
            return s[:-1]
    return s


# (suffix, replacement) tried in order on words of more than 8, then 6 letters.
_FI_LONG = (("nnen", "s"), ("ntena", "s"), ("tten", ""), ("eiden", ""))
_FI_MIDDLE_DROP = ("neen", "niin", "seen", "teen", "inen")
_FI_MIDDLE_DROP3 = ("ssa", "sta", "lla", "lta", "tta", "ksi", "lle")


def _fi_case(s: str) -> str:
    n = len(s)
    if n > 8:
        for suffix, repl in _FI_LONG:
            if s.endswith(suffix):
                return s[: -len(suffix)] + repl
    if n > 6:
        if s.endswith(_FI_MIDDLE_DROP):
            return s[:-4]
        if s[-3] == "h" and s[-2] in _VOWELS and s[-1] == "n":
            return s[:-3]
        if s.endswith("den"):
            return s[:-3] + "s"
        if s.endswith("ksen"):
            return s[:-4] + "s"
        if s.endswith(_FI_MIDDLE_DROP3):
            return s[:-3]
    if n > 5:
        if s.endswith(("na", "ne")):
            return s[:-2]
        if s.endswith("nei"):
            return s[:-3]
    if n > 4:
        if s.endswith(("ja", "ta")):
            return s[:-2]
        if s[-1] == "a":
            return s[:-1]
        if s[-1] == "n":
            return s[:-2] if s[-2] in _VOWELS else s[:-1]
    return s


def _fi_final(s: str) -> str:
    if len(s) > 5 and s.endswith("hde"):
        s = s[:-3] + "ksi"
    if len(s) > 4 and s.endswith(("ei", "at")):
        return s[:-2]
    if len(s) > 3 and s[-1] in "tsjeai":
        return s[:-1]
    return s


def _fi_normalize(s: str) -> str:
    if len(s) > 8 and s[-1] in "eou":
        s = s[:-1]
    if len(s) > 4:
        if s[-1] == "i":
            s = s[:-1]
        if len(s) > 4:
            s = _DOUBLED_STOP.sub(r"\1", s)
    return s


# --------------------------------------------------------------------------------------------
# Hungarian: fold the accents, then remove a case ending, a possessive, the plural -k and a
# final vowel.

_HUNGARIAN_FOLD = str.maketrans(
    {"á": "a", **dict.fromkeys("ëé", "e"), "í": "i", **dict.fromkeys("óőõö", "o"),
     **dict.fromkeys("úűũûü", "u")}
)  # fmt: skip
_HU_CASES3 = ("nak", "nek", "val", "vel", "ert", "rol", "ban", "ben", "bol", "nal", "nel", "hoz",
              "hez", "tol")  # fmt: skip
_HU_CASES2 = ("at", "et", "ot", "va", "ve", "ra", "re", "ba", "be", "ul", "ig")


@lru_cache(maxsize=_CACHE)
def hungarian_light_stem(term: str) -> str:
    s = term.translate(_HUNGARIAN_FOLD)
    s = _hu_case(s)
    s = _hu_possessive(s)
    s = _hu_plural(s)
    if len(s) > 3 and s[-1] in "aeio":
        return s[:-1]
    return s


def _consonant(ch: str) -> bool:
    return ch not in _VOWELS


def _hu_case(s: str) -> str:
    n = len(s)
    if n > 6 and s.endswith("kent"):
        return s[:-4]
    if n > 5:
        if s.endswith(_HU_CASES3):
            return s[:-3]
        if s.endswith(("al", "el")) and _consonant(s[-3]) and s[-3] == s[-4]:
            return s[:-3]  # the instrumental's assimilated consonant: -val/-vel after one
    if n > 4:
        if s.endswith(_HU_CASES2):
            return s[:-2]
        if s.endswith(("on", "en")) and _consonant(s[-3]):
            return s[:-2]
        if s[-1] in "tn":
            return s[:-1]
        if s[-1] in "ae" and s[-2] == s[-3] and _consonant(s[-2]):
            return s[:-2]
    return s


def _hu_possessive(s: str) -> str:
    n = len(s)
    if n > 6:
        if _consonant(s[-5]) and s.endswith(("atok", "otok", "etek")):
            return s[:-4]
        if s.endswith(("itek", "itok")):
            return s[:-4]
    if n > 5:
        if _consonant(s[-4]) and s.endswith(("unk", "tok", "tek")):
            return s[:-3]
        if not _consonant(s[-4]) and s.endswith("juk"):
            return s[:-3]
        if s.endswith("ink"):
            return s[:-3]
    if n > 4:
        if _consonant(s[-3]) and s.endswith(("am", "em", "om", "ad", "ed", "od", "uk")):
            return s[:-2]
        if not _consonant(s[-3]) and s.endswith(("nk", "ja", "je")):
            return s[:-2]
        if s.endswith(("im", "id", "ik")):
            return s[:-2]
    if n > 3:
        last, before = s[-1], s[-2]
        if (last in "ae" and _consonant(before)) or (last in "md" and not _consonant(before)):
            return s[:-1]
        if last == "i":
            return s[:-1]
    return s


def _hu_plural(s: str) -> str:
    if len(s) > 3 and s[-1] == "k":
        return s[:-2] if s[-2] in "aoe" and len(s) > 4 else s[:-1]
    return s
