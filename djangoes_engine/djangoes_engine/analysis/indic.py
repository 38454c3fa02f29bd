"""Indic scripts: the Unicode composition of letters written in pieces (Lucene's
IndicNormalizer, after Unicode 5.2 chapter 6 and the LDC's table of graphical decompositions),
and Bengali's normalizer (UzZaman and Khan's phonetic rules) and light stemmer (Sengupta and
Chaudhuri's verb analysis with Savoy's noun suffixes), as Lucene's BengaliNormalizer and
BengaliStemmer run them.

Each is a function of one term, as the ``*_normalization`` filters and the ``bengali`` stemmer
apply them.
"""

from __future__ import annotations

from functools import lru_cache

# The nine blocks, each 128 code points from its base, by the letter naming them below.
_BASES = {
    "D": 0x0900,  # Devanagari
    "B": 0x0980,  # Bengali
    "G": 0x0A00,  # Gurmukhi
    "J": 0x0A80,  # Gujarati
    "O": 0x0B00,  # Oriya
    "T": 0x0B80,  # Tamil
    "L": 0x0C00,  # Telugu
    "K": 0x0C80,  # Kannada
    "M": 0x0D00,  # Malayalam
}
_ZWJ = 0xFF  # a zero-width joiner in a sequence below
# The precomposed letter (as an offset in its block) -> the sequences of offsets that write it
# and the scripts whose text writes it so.
_COMPOSED: dict[int, tuple[tuple[tuple[int, ...], str], ...]] = {
    0x04: (((0x05, 0x46), "D"),),
    0x06: (((0x05, 0x3E), "DBGJO"),),
    0x07: (((0x72, 0x3F), "G"),),
    0x08: (((0x07, 0x57), "M"), ((0x72, 0x40), "G")),
    0x09: (((0x73, 0x41), "G"),),
    0x0A: (((0x09, 0x41), "D"), ((0x09, 0x57), "TM"), ((0x73, 0x42), "G")),
    0x0B: (((0x2C, 0x41, 0x41), "L"),),
    0x0D: (((0x05, 0x45), "J"), ((0x0F, 0x45), "D")),
    0x0E: (((0x0F, 0x46), "D"),),
    0x0F: (((0x05, 0x47), "J"), ((0x72, 0x47), "G")),
    0x10: (((0x05, 0x48), "GJ"), ((0x0E, 0x46), "M"), ((0x0F, 0x47), "D"), ((0x0F, 0x57), "O")),
    0x11: (((0x05, 0x3E, 0x45), "DJ"), ((0x05, 0x49), "DJ"), ((0x06, 0x45), "DJ")),
    0x12: (((0x05, 0x3E, 0x46), "D"), ((0x05, 0x4A), "D"), ((0x06, 0x46), "D")),
    0x13: (
        ((0x05, 0x3E, 0x47), "DJ"), ((0x05, 0x4B), "DJ"), ((0x06, 0x47), "DJ"),
        ((0x12, 0x3E), "M"), ((0x12, 0x55), "L"), ((0x73, 0x4B), "G"),
    ),
    0x14: (
        ((0x05, 0x3E, 0x48), "DJ"), ((0x05, 0x4C), "DGJ"), ((0x06, 0x48), "DJ"),
        ((0x12, 0x4C), "LK"), ((0x12, 0x57), "TM"), ((0x13, 0x57), "O"),
    ),
    0x29: (((0x28, 0x3C), "D"),),
    0x2E: (((0x35, 0x41), "L"),),
    0x31: (((0x30, 0x3C), "D"),),
    0x34: (((0x33, 0x3C), "D"),),
    0x40: (((0x3F, 0x55), "K"),),
    0x42: (((0x41, 0x41), "G"),),
    0x47: (((0x46, 0x55), "LK"),),
    0x48: (((0x46, 0x46), "M"), ((0x46, 0x56), "LK")),
    0x49: (((0x3E, 0x45), "DJ"),),
    0x4A: (((0x3E, 0x46), "D"), ((0x46, 0x3E), "TM"), ((0x46, 0x42), "K")),
    0x4B: (
        ((0x3E, 0x47), "DJ"), ((0x46, 0x42, 0x55), "K"), ((0x47, 0x3E), "BOTM"),
        ((0x4A, 0x55), "K"),
    ),
    0x4C: (((0x3E, 0x48), "DJ"), ((0x46, 0x57), "TM"), ((0x47, 0x57), "BO")),
    0x4E: (((0x24, 0x4D, _ZWJ), "B"),),  # khanda ta
    0x58: (((0x15, 0x3C), "D"),),  # the nukta letters
    0x59: (((0x16, 0x3C), "DG"),),
    0x5A: (((0x17, 0x3C), "DG"),),
    0x5B: (((0x1C, 0x3C), "DG"),),
    0x5C: (((0x21, 0x3C), "DBO"),),
    0x5D: (((0x22, 0x3C), "DBO"),),
    0x5E: (((0x2B, 0x3C), "DG"),),
    0x5F: (((0x2F, 0x3C), "DB"),),
    0x72: (((0x05, 0x45), "D"),),
    0x7A: (((0x23, 0x4D, _ZWJ), "M"),),  # the chillus
    0x7B: (((0x28, 0x4D, _ZWJ), "M"),),
    0x7C: (((0x30, 0x4D, _ZWJ), "M"),),
    0x7D: (((0x32, 0x4D, _ZWJ), "M"),),
    0x7E: (((0x33, 0x4D, _ZWJ), "M"),),
}  # fmt: skip


def _by_script() -> dict[int, dict[str, str]]:
    """Block base -> {written sequence: precomposed letter}."""
    table: dict[int, dict[str, str]] = {base: {} for base in _BASES.values()}
    for result, spellings in _COMPOSED.items():
        for sequence, scripts in spellings:
            for script in scripts:
                base = _BASES[script]
                written = "".join("\u200d" if o == _ZWJ else chr(base + o) for o in sequence)
                table[base][written] = chr(base + result)
    return table


_SEQUENCES = _by_script()


def indic_normalize(term: str) -> str:
    """Left to right, a letter of one of the nine blocks followed by the rest of a sequence
    (in the same block; a three-letter one may end with a zero-width joiner) becomes the
    precomposed letter, the longest sequence first."""
    if term.isascii():
        return term
    out: list[str] = []
    i, n = 0, len(term)
    while i < n:
        char = term[i]
        base = ord(char) & ~0x7F
        table = _SEQUENCES.get(base)
        if table is not None and i + 1 < n and ord(term[i + 1]) & ~0x7F == base:
            third = term[i + 2] if i + 2 < n else ""
            if third and (third == "\u200d" or ord(third) & ~0x7F == base):
                composed = table.get(term[i : i + 3])
                if composed is not None:
                    out.append(composed)
                    i += 3
                    continue
            composed = table.get(term[i : i + 2])
            if composed is not None:
                out.append(composed)
                i += 2
                continue
        out.append(char)
        i += 1
    return "".join(out)


_HASANTA = "\u09cd"
_BENGALI_LETTERS = str.maketrans(
    {
        "\u09c0": "\u09bf",  # dirgho i-kar -> rossho i-kar
        "\u09c2": "\u09c1",  # dirgho u-kar -> rossho u-kar
        "\u0999": "\u0982",  # nga -> anusvara
        "\u09b6": "\u09b8",  # sha, ssa -> sa
        "\u09b7": "\u09b8",
        "\u09a3": "\u09a8",  # nna -> na
        "\u09dc": "\u09b0",  # rra, rha -> ra
        "\u09dd": "\u09b0",
        "\u09ce": "\u09a4",  # khanda ta -> ta
    }
)


@lru_cache(maxsize=65536)
def bengali_normalize(term: str) -> str:
    """One pass left to right: chandrabindu dropped; ka + hasanta + i-kar read as kha; the
    ja-phala and ba-phala conjuncts simplified; visarga doubling the next letter (or, ending
    a word, an h when the word is short, else dropped); then single letters, as UzZaman and
    Khan's rules (with Lucene's reading of them)."""
    s = list(term)
    i = 0
    while i < len(s):
        char = s[i]
        if char == "\u0981":  # chandrabindu
            del s[i]
            continue
        if char == "\u0995":  # ka
            if i + 2 < len(s) and s[i + 1] == _HASANTA and s[i + 2] == "\u09bf":
                if i == 0:
                    s[0:3] = ["\u0996"]
                else:
                    s[i + 1 : i + 3] = ["\u0996"]
        elif char == "\u09af":  # ya after a hasanta: the ja-phala
            if i == 2 and s[1] == _HASANTA:
                # an initial consonant + ja-phala (+ aa-kar) is that consonant + e-kar
                s[1] = "\u09c7"
                end = i + 2 if i + 1 < len(s) and s[i + 1] == "\u09be" else i + 1
                del s[i:end]
                continue
            if i >= 1 and s[i - 1] == _HASANTA:
                del s[i - 1 : i + 1]
                i -= 1
                continue
        elif char == "\u09ac":  # ba after a hasanta: the ba-phala
            if i >= 1 and s[i - 1] == _HASANTA:
                if i == 2 or (i >= 5 and s[i - 3] == _HASANTA):
                    del s[i - 1 : i + 1]
                    i -= 1
                    continue
                if i >= 2:  # doubles the consonant it follows
                    s[i - 1] = s[i - 2]
                    del s[i]
                    continue
        elif char == "\u0983":  # visarga
            if i == len(s) - 1:
                if len(s) <= 3:
                    s[i] = "\u09b9"
                else:
                    del s[i]
                    continue
            else:
                s[i] = s[i + 1]
        else:
            s[i] = char.translate(_BENGALI_LETTERS)
        i += 1
    return "".join(s)


_YA = "\u09df"  # the precomposed yya that Indic normalization writes
# Suffixes by length, each group tried on words longer than its length plus one.
_BENGALI_SUFFIXES = (
    ("িয়াছিলাম", "িতেছিলাম", "িতেছিলেন", "ইতেছিলেন", "িয়াছিলেন", "ইয়াছিলেন"),
    ("িতেছিলি", "িতেছিলে", "িয়াছিলা", "িয়াছিলে", "িতেছিলা", "িয়াছিলি", "য়েদেরকে"),
    ("িতেছিস", "িতেছেন", "িয়াছিস", "িয়াছেন", "েছিলাম", "েছিলেন", "েদেরকে"),
    ("িতেছি", "িতেছা", "িতেছে", "ছিলাম", "ছিলেন", "িয়াছি", "িয়াছা", "িয়াছে", "েছিলে", "েছিলা",
     "য়েদের", "দেরকে"),
    ("িলাম", "িলেন", "িতাম", "িতেন", "িবেন", "ছিলি", "ছিলে", "ছিলা", "তেছে", "িতেছ", "খানা",
     "খানি", "গুলো", "গুলি", "য়েরা", "েদের"),
    ("লাম", "িলি", "ইলি", "িলে", "ইলে", "লেন", "িলা", "ইলা", "তাম", "িতি", "ইতি", "িতে", "ইতে",
     "তেন", "িতা", "িবা", "ইবা", "িবি", "ইবি", "বেন", "িবে", "ইবে", "ছেন", "য়োন", "য়ের", "েরা",
     "দের"),
    ("িস", "েন", "লি", "লে", "লা", "তি", "তে", "তা", "বি", "বে", "বা", "ছি", "ছা", "ছে", "ুন", "ুক",
     "টা", "টি", "নি", "ের", "রা", "কে"),
    ("ি", "ী", "া", "ো", "ে", "ব", "ত"),
)  # fmt: skip
# Written above with য় for readability; the stemmer matches the one-letter yya.
_BENGALI_GROUPS = tuple(
    tuple(s.replace("\u09af\u09bc", _YA) for s in group) for group in _BENGALI_SUFFIXES
)


@lru_cache(maxsize=65536)
def bengali_stem(term: str) -> str:
    for group in _BENGALI_GROUPS:
        size = len(group[0])
        if len(term) > size + 1 and term.endswith(group):
            return term[:-size]
    return term
