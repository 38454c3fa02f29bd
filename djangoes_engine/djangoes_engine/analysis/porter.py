"""Porter's original stemmer as his reference C implementation (and Lucene's PorterStemmer)
has it: the ``english`` and ``porter`` stemmer languages, ``porter_stem`` and the english
analyzer. A function of one lowercased term, cached: a text repeats its words.
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
