"""Lucene's own (not Snowball) stemmers for German (Caumanns's, the ``german_stem`` filter),
Czech (Dolamic and Savoy), Bulgarian (Savoy), Latvian (Kreslins, light) and Indonesian (Tala),
each a function of one lowercased term, as Elasticsearch runs them.
"""

# ruff: noqa: RUF001 (Cyrillic letters are the point)
from __future__ import annotations

# --------------------------------------------------------------------------------------------
# German: Caumanns's stemmer masks letter pairs and clusters, strips the seven base suffixes
# while the word stays long enough, then unmasks.

_GERMAN_CLUSTERS = (("sch", "$"), ("ch", "§"), ("ei", "%"), ("ie", "&"), ("ig", "#"), ("st", "!"))
_GERMAN_UNMASK = {mask: cluster for cluster, mask in _GERMAN_CLUSTERS}
_UMLAUTS = {"ä": "a", "ö": "o", "ü": "u"}


def german_stem(term: str) -> str:
    term = term.lower()
    if not term.isalpha():
        return term
    chars, removed = _german_mask(list(term))
    _german_strip(chars, removed)
    if len(chars) > 5 and "".join(chars[-5:]) == "erin*":  # female plurals: -erinnen
        del chars[-1]
        _german_strip(chars, removed)
    if chars and chars[-1] == "z":  # Matrizen -> Matrix
        chars[-1] = "x"
    word = _german_unmask(chars)
    if len(word) > 4:  # the particle ge- of a gege- pair
        at = word.find("gege", 0, len(word))
        if at != -1:
            word = word[:at] + word[at + 2 :]
    return word


def _german_mask(chars: list[str]) -> tuple[list[str], int]:
    """Umlauts to vowels, ß to ss, the second of a doubled letter to ``*``, the clusters to one
    sign each; returns the letters and how many the clusters took out (they count as length)."""
    removed = 0
    c = 0
    while c < len(chars):
        if c > 0 and chars[c] == chars[c - 1]:
            chars[c] = "*"
        elif chars[c] in _UMLAUTS:
            chars[c] = _UMLAUTS[chars[c]]
        elif chars[c] == "ß":
            chars[c : c + 1] = ["s", "s"]
            removed += 1
        if c < len(chars) - 1:
            for cluster, mask in _GERMAN_CLUSTERS:
                if "".join(chars[c : c + len(cluster)]) == cluster:
                    chars[c : c + len(cluster)] = [mask]
                    removed += len(cluster) - 1
                    break
        c += 1
    return chars, removed


def _german_strip(chars: list[str], removed: int) -> None:
    while len(chars) > 3:
        end = "".join(chars[-2:])
        longer = len(chars) + removed
        if (longer > 5 and end == "nd") or (longer > 4 and end in ("em", "er")):
            del chars[-2:]
        elif chars[-1] in "esnt":
            del chars[-1]
        else:
            return


def _german_unmask(chars: list[str]) -> str:
    out: list[str] = []
    for char in chars:
        if char == "*":
            out.append(out[-1][-1] if out else char)
        else:
            out.append(_GERMAN_UNMASK.get(char, char))
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Czech: case endings, then possessives, then a normalization of the final consonants.

_CZECH_CASES = (
    (7, ("atech",)),
    (6, ("ětem", "etem", "atům")),
    (5, ("ech", "ich", "ích", "ého", "ěmi", "emi", "ému", "ěte", "ete", "ěti", "eti", "ího",
         "iho", "ími", "ímu", "imu", "ách", "ata", "aty", "ých", "ama", "ami", "ové", "ovi",
         "ými")),
    (4, ("em", "es", "ém", "ím", "ům", "at", "ám", "os", "us", "ým", "mi", "ou")),
    (3, tuple("aeiouůyáéíýě")),
)  # fmt: skip


def czech_stem(term: str) -> str:
    for longer_than, endings in _CZECH_CASES:
        if len(term) > longer_than and term.endswith(endings):
            term = term[: -len(endings[0])]
            break
    if len(term) > 5 and term.endswith(("ov", "in", "ův")):
        term = term[:-2]
    if not term:
        return term
    if term.endswith("čt"):
        return term[:-2] + "ck"
    if term.endswith("št"):
        return term[:-2] + "sk"
    if term[-1] in "cč":
        return term[:-1] + "k"
    if term[-1] in "zž":
        return term[:-1] + "h"
    if len(term) > 1 and term[-2] == "e":  # e* -> *
        return term[:-2] + term[-1]
    if len(term) > 2 and term[-2] == "ů":  # *ů* -> *o*
        return term[:-2] + "o" + term[-1]
    return term


# --------------------------------------------------------------------------------------------
# Bulgarian: the definite article, then plurals, then a final vowel.


def bulgarian_stem(term: str) -> str:
    if len(term) < 4:
        return term
    if len(term) > 5 and term.endswith("ища"):
        return term[:-3]
    term = _bulgarian_plural(_bulgarian_article(term))
    if len(term) > 3:
        if term.endswith("я"):
            term = term[:-1]
        if term.endswith(("а", "о", "е")):
            term = term[:-1]
    if len(term) > 4 and term.endswith("ен"):
        term = term[:-2] + "н"
    if len(term) > 5 and term[-2] == "ъ":
        term = term[:-2] + term[-1]
    return term


def _bulgarian_article(term: str) -> str:
    if len(term) > 6 and term.endswith("ият"):
        return term[:-3]
    if len(term) > 5 and term.endswith(("ът", "то", "те", "та", "ия")):
        return term[:-2]
    if len(term) > 4 and term.endswith("ят"):
        return term[:-2]
    return term


def _bulgarian_plural(term: str) -> str:
    size = len(term)
    if size > 6:
        if term.endswith("овци"):
            return term[:-3]
        if term.endswith("ове"):
            return term[:-3]
        if term.endswith("еве"):
            return term[:-3] + "й"
    if size > 5:
        if term.endswith("ища"):
            return term[:-3]
        if term.endswith("та"):
            return term[:-2]
        if term.endswith("ци"):
            return term[:-2] + "к"
        if term.endswith("зи"):
            return term[:-2] + "г"
        if term[-3] == "е" and term[-1] == "и":
            return term[:-3] + "я" + term[-2]
    if size > 4:
        if term.endswith("си"):
            return term[:-2] + "х"
        if term.endswith("и"):
            return term[:-1]
    return term


# --------------------------------------------------------------------------------------------
# Latvian: one noun or adjective ending, if the word keeps enough vowels, then undoing the
# palatalization the ending caused.

_LATVIAN_AFFIXES = (
    ("ajiem", 3, False), ("ajai", 3, False), ("ajam", 2, False), ("ajām", 2, False),
    ("ajos", 2, False), ("ajās", 2, False), ("iem", 2, True), ("ajā", 2, False),
    ("ais", 2, False), ("ai", 2, False), ("ei", 2, False), ("ām", 1, False), ("am", 1, False),
    ("ēm", 1, False), ("īm", 1, False), ("im", 1, False), ("um", 1, False), ("us", 1, True),
    ("as", 1, False), ("ās", 1, False), ("es", 1, False), ("os", 1, True), ("ij", 1, False),
    ("īs", 1, False), ("ēs", 1, False), ("is", 1, False), ("ie", 1, False), ("u", 1, True),
    ("a", 1, True), ("i", 1, True), ("e", 1, False), ("ā", 1, False), ("ē", 1, False),
    ("ī", 1, False), ("ū", 1, False), ("o", 1, False), ("s", 0, False), ("š", 0, False),
)  # fmt: skip
_LATVIAN_VOWELS = frozenset("aeiouāīēū")
_LATVIAN_PAIRS = {"šņ": "sn", "žņ": "zn", "šļ": "sl", "žļ": "zl", "ļņ": "ln", "ļļ": "ll"}
_LATVIAN_FINALS = {"č": "c", "ļ": "l", "ņ": "n"}


def latvian_stem(term: str) -> str:
    vowels = sum(1 for char in term if char in _LATVIAN_VOWELS)
    for affix, affix_vowels, palatalizes in _LATVIAN_AFFIXES:
        if vowels > affix_vowels and len(term) >= len(affix) + 3 and term.endswith(affix):
            stem = term[: -len(affix)]
            return _latvian_unpalatalize(stem, affix) if palatalizes else stem
    return term


def _latvian_unpalatalize(stem: str, affix: str) -> str:
    if affix[0] == "u":  # genitive plurals of declensions II, V and VI
        if stem.endswith("kš"):
            return stem[:-1] + "st"
        if stem.endswith("ņņ"):
            return stem[:-2] + "nn"
    if stem.endswith(("pj", "bj", "mj", "vj")):  # after a labial consonant
        return stem[:-1]
    if stem[-2:] in _LATVIAN_PAIRS:
        return stem[:-2] + _LATVIAN_PAIRS[stem[-2:]]
    if stem and stem[-1] in _LATVIAN_FINALS:
        return stem[:-1] + _LATVIAN_FINALS[stem[-1]]
    return stem


# --------------------------------------------------------------------------------------------
# Indonesian: particles and possessive pronouns, then derivational prefixes and suffixes, each
# only while the word has more than two syllables.

_KE, _PENG, _DI, _MENG, _TER, _BER, _PE = (1 << n for n in range(7))
_INDONESIAN_VOWELS = frozenset("aeiou")


class _Indonesian:
    def __init__(self, term: str) -> None:
        self.word = term
        self.syllables = sum(1 for char in term if char in _INDONESIAN_VOWELS)
        self.flags = 0

    def cut(self, *, front: int = 0, back: int = 0, flag: int = 0) -> bool:
        self.word = self.word[front : len(self.word) - back]
        self.syllables -= 1
        self.flags |= flag
        return True

    def vowel_at(self, at: int) -> bool:
        return len(self.word) > at and self.word[at] in _INDONESIAN_VOWELS

    def particle(self) -> None:
        if self.word.endswith(("kah", "lah", "pun")):
            self.cut(back=3)

    def possessive(self) -> None:
        if self.word.endswith(("ku", "mu")):
            self.cut(back=2)
        elif self.word.endswith("nya"):
            self.cut(back=3)

    def first_prefix(self) -> bool:
        w = self.word
        if w.startswith("meng"):
            return self.cut(front=4, flag=_MENG)
        if w.startswith("meny") and self.vowel_at(4):
            self.word = "s" + w[4:]
            return self.cut(flag=_MENG)
        if w.startswith(("men", "mem")):
            return self.cut(front=3, flag=_MENG)
        if w.startswith("me"):
            return self.cut(front=2, flag=_MENG)
        if w.startswith("peng"):
            return self.cut(front=4, flag=_PENG)
        if w.startswith("peny") and self.vowel_at(4):
            self.word = "s" + w[4:]
            return self.cut(flag=_PENG)
        if w.startswith("peny"):
            return self.cut(front=4, flag=_PENG)
        if w.startswith("pen") and self.vowel_at(3):
            self.word = "t" + w[3:]
            return self.cut(flag=_PENG)
        if w.startswith(("pen", "pem")):
            return self.cut(front=3, flag=_PENG)
        if w.startswith("di"):
            return self.cut(front=2, flag=_DI)
        if w.startswith("ter"):
            return self.cut(front=3, flag=_TER)
        if w.startswith("ke"):
            return self.cut(front=2, flag=_KE)
        return False

    def second_prefix(self) -> bool:
        w = self.word
        if w.startswith("ber") or w == "belajar":
            return self.cut(front=3, flag=_BER)
        if w.startswith("be") and len(w) > 4 and not self.vowel_at(2) and w[3:5] == "er":
            return self.cut(front=2, flag=_BER)
        if w.startswith("per") or w == "pelajar":
            return self.cut(front=3)
        if w.startswith("pe"):
            return self.cut(front=2, flag=_PE)
        return False

    def suffix(self) -> bool:
        w, flags = self.word, self.flags
        if w.endswith("kan") and not flags & (_KE | _PENG | _PE):
            return self.cut(back=3)
        if w.endswith("an") and not flags & (_DI | _MENG | _TER):
            return self.cut(back=2)
        if w.endswith("i") and not w.endswith("si") and not flags & (_BER | _KE | _PENG):
            return self.cut(back=1)
        return False


def indonesian_stem(term: str) -> str:
    word = _Indonesian(term)
    for step in (word.particle, word.possessive):
        if word.syllables > 2:
            step()
    if word.syllables > 2 and word.first_prefix():
        if word.syllables > 2 and word.suffix() and word.syllables > 2:
            word.second_prefix()
    else:
        for derivation in (word.second_prefix, word.suffix):
            if word.syllables > 2:
                derivation()
    return word.word
