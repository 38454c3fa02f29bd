"""Stemmers the ``stemmer`` filter and the language analyzers run that are not Snowball's:
Porter's original algorithm as his reference C implementation (and Lucene's PorterStemmer) has
it, and Savoy's light stemmers for French, German, Spanish and Italian (Lucene's
FrenchLightStemmer, GermanLightStemmer, SpanishLightStemmer, ItalianLightStemmer).

Each is a function of one lowercased term, cached: a text repeats its words.
"""

from __future__ import annotations

from functools import lru_cache

_CACHE = 65536

# --------------------------------------------------------------------------------------------
# Porter (1980), with the reference implementation's two departures (-bli -> -ble and
# -logi -> -log in step 2) and words of one or two letters left alone.


class _Porter:
    def __init__(self, word: str) -> None:
        self.b = list(word)
        self.k = len(word) - 1
        self.j = 0

    def cons(self, i: int) -> bool:
        ch = self.b[i]
        if ch in "aeiou":
            return False
        if ch == "y":
            return i == 0 or not self.cons(i - 1)
        return True

    def m(self) -> int:
        """The number of vowel-consonant sequences in b[0..j]."""
        n, i, j = 0, 0, self.j
        while i <= j and self.cons(i):
            i += 1
        while i <= j:
            while i <= j and not self.cons(i):
                i += 1
            if i > j:
                break
            n += 1
            while i <= j and self.cons(i):
                i += 1
        return n

    def vowel_in_stem(self) -> bool:
        return any(not self.cons(i) for i in range(self.j + 1))

    def double_consonant(self, j: int) -> bool:
        return j >= 1 and self.b[j] == self.b[j - 1] and self.cons(j)

    def cvc(self, i: int) -> bool:
        if i < 2 or not self.cons(i) or self.cons(i - 1) or not self.cons(i - 2):
            return False
        return self.b[i] not in "wxy"

    def ends(self, suffix: str) -> bool:
        size = len(suffix)
        if size > self.k + 1 or "".join(self.b[self.k - size + 1 : self.k + 1]) != suffix:
            return False
        self.j = self.k - size
        return True

    def set_to(self, text: str) -> None:
        self.b[self.j + 1 : self.k + 1] = list(text)
        self.k = self.j + len(text)

    def r(self, text: str) -> None:
        if self.m() > 0:
            self.set_to(text)

    def replace_first(self, rules: tuple[tuple[str, str], ...]) -> None:
        for suffix, replacement in rules:
            if self.ends(suffix):
                self.r(replacement)
                return

    def step1ab(self) -> None:
        b = self.b
        if b[self.k] == "s":
            if self.ends("sses"):
                self.k -= 2
            elif self.ends("ies"):
                self.set_to("i")
            elif b[self.k - 1] != "s":
                self.k -= 1
        if self.ends("eed"):
            if self.m() > 0:
                self.k -= 1
        elif (self.ends("ed") or self.ends("ing")) and self.vowel_in_stem():
            self.k = self.j
            if self.ends("at"):
                self.set_to("ate")
            elif self.ends("bl"):
                self.set_to("ble")
            elif self.ends("iz"):
                self.set_to("ize")
            elif self.double_consonant(self.k):
                self.k -= 1
                if b[self.k] in "lsz":
                    self.k += 1
            elif self.m() == 1 and self.cvc(self.k):
                self.set_to("e")

    def step1c(self) -> None:
        if self.ends("y") and self.vowel_in_stem():
            self.b[self.k] = "i"

    _STEP2 = {
        "a": (("ational", "ate"), ("tional", "tion")),
        "c": (("enci", "ence"), ("anci", "ance")),
        "e": (("izer", "ize"),),
        "l": (("bli", "ble"), ("alli", "al"), ("entli", "ent"), ("eli", "e"), ("ousli", "ous")),
        "o": (("ization", "ize"), ("ation", "ate"), ("ator", "ate")),
        "s": (("alism", "al"), ("iveness", "ive"), ("fulness", "ful"), ("ousness", "ous")),
        "t": (("aliti", "al"), ("iviti", "ive"), ("biliti", "ble")),
        "g": (("logi", "log"),),
    }
    _STEP3 = {
        "e": (("icate", "ic"), ("ative", ""), ("alize", "al")),
        "i": (("iciti", "ic"),),
        "l": (("ical", "ic"), ("ful", "")),
        "s": (("ness", ""),),
    }
    _STEP4 = {
        "a": ("al",), "c": ("ance", "ence"), "e": ("er",), "i": ("ic",), "l": ("able", "ible"),
        "n": ("ant", "ement", "ment", "ent"), "s": ("ism",), "t": ("ate", "iti"), "u": ("ous",),
        "v": ("ive",), "z": ("ize",),
    }  # fmt: skip

    def step4(self) -> None:
        key = self.b[self.k - 1]
        if key == "o":
            found = (self.ends("ion") and self.j >= 0 and self.b[self.j] in "st") or self.ends("ou")
        else:
            found = any(self.ends(suffix) for suffix in self._STEP4.get(key, ()))
        if found and self.m() > 1:
            self.k = self.j

    def step5(self) -> None:
        self.j = self.k
        if self.b[self.k] == "e":
            a = self.m()
            if a > 1 or (a == 1 and not self.cvc(self.k - 1)):
                self.k -= 1
        if self.b[self.k] == "l" and self.double_consonant(self.k) and self.m() > 1:
            self.k -= 1

    def stem(self) -> str:
        if self.k > 1:
            self.step1ab()
            if self.k > 0:
                self.step1c()
                self.replace_first(self._STEP2.get(self.b[self.k - 1], ()))
                self.replace_first(self._STEP3.get(self.b[self.k], ()))
                self.step4()
                self.step5()
        return "".join(self.b[: self.k + 1])


@lru_cache(maxsize=_CACHE)
def porter_stem(term: str) -> str:
    return _Porter(term).stem()


# --------------------------------------------------------------------------------------------
# Savoy's light stemmers.


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
