"""Hindi: the normalizer of Pingali and Varma with Larkey's additions, and the light stemmer of
Ramanathan and Rao, as Lucene's HindiNormalizer and HindiStemmer implement them.
"""

from __future__ import annotations

_NA, _VIRAMA, _ANUSVARA = "\u0928", "\u094d", "\u0902"

_HINDI = str.maketrans(
    {
        "\u0901": _ANUSVARA,  # chandrabindu -> anusvara
        "\u093c": None,  # nukta, and the letters with one -> without
        "\u0929": "\u0928",
        "\u0931": "\u0930",
        "\u0934": "\u0933",
        "\u0958": "\u0915",
        "\u0959": "\u0916",
        "\u095a": "\u0917",
        "\u095b": "\u091c",
        "\u095c": "\u0921",
        "\u095d": "\u0922",
        "\u095e": "\u092b",
        "\u095f": "\u092f",
        "\u200d": None,  # zero-width joiner and non-joiner
        "\u200c": None,
        _VIRAMA: None,
        "\u0945": "\u0947",  # chandra and short vowels -> the plain ones
        "\u0946": "\u0947",
        "\u0949": "\u094b",
        "\u094a": "\u094b",
        "\u090d": "\u090f",
        "\u090e": "\u090f",
        "\u0911": "\u0913",
        "\u0912": "\u0913",
        "\u0972": "\u0905",
        "\u0906": "\u0905",  # long independent vowels -> short
        "\u0908": "\u0907",
        "\u090a": "\u0909",
        "\u0960": "\u090b",
        "\u0961": "\u090c",
        "\u0910": "\u090f",
        "\u0914": "\u0913",
        "\u0940": "\u093f",  # long dependent vowels -> short
        "\u0942": "\u0941",
        "\u0944": "\u0943",
        "\u0963": "\u0962",
        "\u0948": "\u0947",
        "\u094c": "\u094b",
    }
)


def hindi_normalize(term: str) -> str:
    # A dead na (na + virama) is an anusvara; then each letter on its own.
    return term.replace(_NA + _VIRAMA, _ANUSVARA).translate(_HINDI)


# Suffixes by length, each group tried on words longer than its length plus one.
_HINDI_SUFFIXES = (
    ("ाएंगी", "ाएंगे", "ाऊंगी", "ाऊंगा", "ाइयाँ", "ाइयों", "ाइयां"),
    ("ाएगी", "ाएगा", "ाओगी", "ाओगे", "एंगी", "ेंगी", "एंगे", "ेंगे", "ूंगी", "ूंगा", "ातीं",
     "नाओं", "नाएं", "ताओं", "ताएं", "ियाँ", "ियों", "ियां"),
    ("ाकर", "ाइए", "ाईं", "ाया", "ेगी", "ेगा", "ोगी", "ोगे", "ाने", "ाना", "ाते", "ाती", "ाता",
     "तीं", "ाओं", "ाएं", "ुओं", "ुएं", "ुआं"),
    ("कर", "ाओ", "िए", "ाई", "ाए", "ने", "नी", "ना", "ते", "ीं", "ती", "ता", "ाँ", "ां", "ों", "ें"),
    ("ो", "े", "ू", "ु", "ी", "ि", "ा"),
)  # fmt: skip


def hindi_stem(term: str) -> str:
    for group in _HINDI_SUFFIXES:
        size = len(group[0])
        if len(term) > size + 1 and term.endswith(group):
            return term[:-size]
    return term
