"""Greek as Elasticsearch analyzes it: Lucene's GreekLowerCaseFilter (the ``lowercase`` filter's
``greek`` language) and Lucene's GreekStemmer, Georgios Ntais' algorithm ("Development of a
Stemmer for the Greek Language", 2006), which the ``greek`` stemmer language and the greek
analyzer run (Snowball's Greek stemmer, which the engine ran before, is a later rewrite of
the same paper and stems some words otherwise: 11 of the 342 in Lucene's tests).

The stemmer expects what the lowercase filter gives: lowercase, final sigma folded to sigma,
tonos and dialytika removed. It counts a word's length in UTF-16 code units, as Java does.
"""
# ruff: noqa: RUF001, RUF003 (Greek letters are the point)

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

# --------------------------------------------------------------------------------------------
# Lowercasing: Java's per-character lowercase, then the monotonic vowels lose their tonos and
# dialytika and final sigma becomes sigma. Other diacritics (polytonic Greek, Latin accents)
# stay. U+03A2, unassigned, becomes final sigma as in Lucene's first Greek filter.

_GREEK_FOLD = str.maketrans(
    {
        "\u03c2": "\u03c3",  # final sigma: sigma
        "\u03ac": "\u03b1",  # alpha with tonos
        "\u03ad": "\u03b5",  # epsilon with tonos
        "\u03ae": "\u03b7",  # eta with tonos
        "\u03af": "\u03b9",  # iota with tonos
        "\u03ca": "\u03b9",  # iota with dialytika
        "\u0390": "\u03b9",  # iota with dialytika and tonos
        "\u03cd": "\u03c5",  # upsilon with tonos
        "\u03cb": "\u03c5",  # upsilon with dialytika
        "\u03b0": "\u03c5",  # upsilon with dialytika and tonos
        "\u03cc": "\u03bf",  # omicron with tonos
        "\u03ce": "\u03c9",  # omega with tonos
        "\u03a2": "\u03c2",  # unassigned: final sigma
    }
)


def greek_lower(term: str) -> str:
    """Lucene's GreekLowerCaseFilter of one term."""
    # str.lower is Unicode's full lowercasing: of its differences from Java's per-character
    # one only İ matters (Python gives i and a combining dot); its final sigma is folded anyway.
    return term.replace("\u0130", "i").lower().translate(_GREEK_FOLD)


# --------------------------------------------------------------------------------------------
# Ntais' stemmer: a word of four letters or more goes through the "short rules" 0-20, each of
# which may strip an ending (and restore part of it after certain stems, Ntais' exception
# lists); if none changed it, the "long list" (rule 21) strips its longest inflectional ending;
# finally the comparative and superlative endings go (rule 22).

_VOWELS = frozenset("αεηιουω")
_VOWELS_BUT_Y = frozenset("αεηιοω")


def _vowel_end(s: str) -> bool:
    return bool(s) and s[-1] in _VOWELS


def _vowel_end_but_y(s: str) -> bool:
    return bool(s) and s[-1] in _VOWELS_BUT_Y


def _cut(s: str, suffixes: Iterable[str]) -> str | None:
    """``s`` without the first of ``suffixes`` it is longer than and ends with, else None."""
    for suffix in suffixes:
        if len(s) > len(suffix) and s.endswith(suffix):
            return s[: -len(suffix)]
    return None


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _endings(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Rule 0: irregular nouns, as (ending, letters stripped), in order; the whole word may be the
# ending.
_IRREGULAR = tuple(
    (ending, cut)
    for endings, cut in (
        ("καθεστωτοσ καθεστωτων", 4),
        ("γεγονοτοσ γεγονοτων", 4),
        ("καθεστωτα", 3),
        ("τατογιου τατογιων", 4),
        ("γεγονοτα", 3),
        ("καθεστωσ", 2),
        ("σκαγιου σκαγιων ολογιου ολογιων κρεατοσ κρεατων περατοσ περατων τερατοσ τερατων", 4),
        ("τατογια", 3),
        ("γεγονοσ", 2),
        ("φαγιου φαγιων σογιου σογιων", 4),
        ("σκαγια ολογια κρεατα περατα τερατα", 3),
        ("φαγια σογια φωτοσ φωτων", 3),
        ("κρεασ περασ τερασ", 2),
        ("φωτα", 2),
        ("φωσ", 1),
    )
    for ending in endings.split()
)


def _rule0(s: str) -> str:
    for ending, cut in _IRREGULAR:
        if s.endswith(ending):
            return s[:-cut]
    return s


# Rules 1-3: the plurals in -αδες, -εδες, -ουδες.
_AD_DROPPED = ("οκ", "μαμ", "μαν", "μπαμπ", "πατερ", "γιαγι", "νταντ", "κυρ", "θει", "πεθερ")
_ED_KEPT = ("οπ", "ιπ", "εμπ", "υπ", "γηπ", "δαπ", "κρασπ", "μιλ")
_OUD_KEPT = ("αρκ", "καλιακ", "πεταλ", "λιχ", "πλεξ", "σκ", "σ", "φλ", "φρ", "βελ", "λουλ",
             "χν", "σπ", "τραγ", "φε")  # fmt: skip


def _rule1(s: str) -> str:
    stem = _cut(s, ("αδεσ", "αδων"))
    if stem is None:
        return s
    return stem if stem.endswith(_AD_DROPPED) else stem + "αδ"


def _rule2(s: str) -> str:
    stem = _cut(s, ("εδεσ", "εδων"))
    if stem is None:
        return s
    return stem + "εδ" if stem.endswith(_ED_KEPT) else stem


def _rule3(s: str) -> str:
    stem = _cut(s, ("ουδεσ", "ουδων"))
    if stem is None:
        return s
    return stem + "ουδ" if stem.endswith(_OUD_KEPT) else stem


# Rule 4: -εως, -εων.
_EOS_KEPT = _words("θ δ ελ γαλ ν π ιδ παρ")


def _rule4(s: str) -> str:
    stem = _cut(s, ("εωσ", "εων"))
    if stem is None:
        return s
    return stem + "ε" if stem in _EOS_KEPT else stem


# Rule 5: -ια, -ιου, -ιων (the ι stays after a vowel).
def _rule5(s: str) -> str:
    stem = _cut(s, ("ια",))
    if stem is None:
        stem = _cut(s, ("ιου", "ιων"))
    if stem is None:
        return s
    return stem + "ι" if _vowel_end(stem) else stem


# Rule 6: -ικα, -ικο, -ικου, -ικων.
_IK_KEPT = _words(
    "αλ αδ ενδ αμαν αμμοχαλ ηθ ανηθ αντιδ φυσ βρωμ γερ εξωδ καλπ καλλιν καταδ μουλ μπαν "
    "μπαγιατ μπολ μποσ νιτ ξικ συνομηλ πετσ πιτσ πικαντ πλιατσ ποστελν πρωτοδ σερτ συναδ τσαμ "
    "υποδ φιλον φυλοδ χασ"
)


def _rule6(s: str) -> str:
    stem = _cut(s, ("ικα", "ικο"))
    if stem is None:
        stem = _cut(s, ("ικου", "ικων"))
    if stem is None:
        return s
    return stem + "ικ" if _vowel_end(stem) or stem in _IK_KEPT else stem


# Rule 7: the first person plural of the past, -αμε.
_AM_KEPT = _words("αναπ αποθ αποκ αποστ βουβ ξεθ ουλ πεθ πικρ ποτ σιχ χ")


def _rule7(s: str) -> str:
    if s == "αγαμε":
        return "αγαμ"
    for endings in (("ηθηκαμε",), ("ουσαμε",), ("αγαμε", "ησαμε", "ηκαμε")):
        stem = _cut(s, endings)
        if stem is not None:
            s = stem
            break
    stem = _cut(s, ("αμε",))
    if stem is None:
        return s
    return stem + "αμ" if stem in _AM_KEPT else stem


# Rule 8: the third person plural, -ανε. In Lucene the word must be longer than the first
# ending of each group only: a word that is one of the others stems to nothing.
_ANE_GROUPS = (
    ("ιουντανε",),
    ("ιοντανε", "ουντανε", "ηθηκανε"),
    ("ιοτανε", "οντανε", "ουσανε"),
    ("αγανε", "ησανε", "οτανε", "ηκανε"),
)
_AGAN_STEMS = _words("τρ τσ")
_AN_KEPT = _words(
    "βετερ βουλκ βραχμ γ δραδουμ θ καλπουζ καστελ κορμορ λαοπλ μωαμεθ μ μουσουλμ ν ουλ π "
    "πελεκ πλ πολισ πορτολ σαρακατσ σουλτ τσαρλατ ορφ τσιγγ τσοπ φωτοστεφ χ ψυχοπλ αγ γαλ γερ "
    "δεκ διπλ αμερικαν ουρ πιθ πουριτ σ ζωντ ικ καστ κοπ λιχ λουθηρ μαιντ μελ σιγ σπ στεγ τραγ "
    "τσαγ φ ερ αδαπ αθιγγ αμηχ ανικ ανοργ απηγ απιθ ατσιγγ βασ βασκ βαθυγαλ βιομηχ βραχυκ διατ "
    "διαφ ενοργ θυσ καπνοβιομηχ καταγαλ κλιβ κοιλαρφ λιβ μεγλοβιομηχ μικροβιομηχ νταβ ξηροκλιβ "
    "ολιγοδαμ ολογαλ πενταρφ περηφ περιτρ πλατ πολυδαπ πολυμηχ στεφ ταβ τετ υπερηφ υποκοπ "
    "χαμηλοδαπ ψηλοταβ"
)


def _rule8(s: str) -> str:
    for first, *others in _ANE_GROUPS:
        ending = next(
            (e for e in others if s.endswith(e)),
            first if len(s) > len(first) and s.endswith(first) else None,
        )
        if ending is not None:
            s = s[: -len(ending)]
            if s in _AGAN_STEMS:
                s += "αγαν"
            break
    stem = _cut(s, ("ανε",))
    if stem is None:
        return s
    return stem + "αν" if _vowel_end_but_y(stem) or stem in _AN_KEPT else stem


# Rule 9: the second person plural, -ετε.
_ET_KEPT = _words(
    "αβαρ βεν εναρ αβρ αδ αθ αν απλ βαρον ντρ σκ κοπ μπορ νιφ παγ παρακαλ σερπ σκελ συρφ τοκ "
    "υ δ εμ θαρρ θ"
)
_ET_KEPT_AFTER = ("οδ", "αιρ", "φορ", "ταθ", "διαθ", "σχ", "ενδ", "ευρ", "τιθ", "υπερθ", "ραθ",
                  "ενθ", "ροθ", "σθ", "πυρ", "αιν", "συνδ", "συν", "συνθ", "χωρ", "πον", "βρ",
                  "καθ", "ευθ", "εκθ", "νετ", "ρον", "αρκ", "βαρ", "βολ", "ωφελ")  # fmt: skip


def _rule9(s: str) -> str:
    s = _cut(s, ("ησετε",)) or s
    stem = _cut(s, ("ετε",))
    if stem is None:
        return s
    if stem in _ET_KEPT or _vowel_end_but_y(stem) or stem.endswith(_ET_KEPT_AFTER):
        return stem + "ετ"
    return stem


# Rule 10: the participle in -οντας, -ωντας.
def _rule10(s: str) -> str:
    stem = _cut(s, ("οντασ", "ωντασ"))
    if stem is None:
        return s
    if stem == "αρχ":
        stem += "οντ"
    if stem.endswith("κρε"):
        stem += "ωντ"
    return stem


# Rule 11: -ομαστε (Lucene's -ιομαστε branch is never reached: those words end in -ομαστε).
def _rule11(s: str) -> str:
    stem = _cut(s, ("ομαστε",))
    if stem is None:
        return s
    return "ονομαστ" if stem == "ον" else stem


# Rule 12: -ιεστε, -εστε.
_IEST_KEPT = _words("π απ συμπ ασυμπ ακαταπ αμεταμφ")
_EST_KEPT = _words("αλ αρ εκτελ ζ μ ξ παρακαλ προ νισ")


def _rule12(s: str) -> str:
    stem = _cut(s, ("ιεστε",))
    if stem is not None:
        s = stem + "ιεστ" if stem in _IEST_KEPT else stem
    stem = _cut(s, ("εστε",))
    if stem is None:
        return s
    return stem + "εστ" if stem in _EST_KEPT else stem


# Rule 13: the passive past, -ηθηκα..., then -ηκα, -ηκε, -ηκες.
_HK_KEPT = _words("διαθ θ παρακαταθ προσθ συνθ")
_HK_KEPT_AFTER = ("σκωλ", "σκουλ", "ναρθ", "σφ", "οθ", "πιθ")


def _rule13(s: str) -> str:
    s = _cut(s, ("ηθηκεσ",)) or _cut(s, ("ηθηκα", "ηθηκε")) or s
    stem = _cut(s, ("ηκεσ",))
    if stem is None:
        stem = _cut(s, ("ηκα", "ηκε"))
    if stem is None:
        return s
    return stem + "ηκ" if stem in _HK_KEPT or stem.endswith(_HK_KEPT_AFTER) else stem


# Rule 14: the imperfect and participle in -ουσα, -ουσε, -ουσες.
_OUS_KEPT = _words(
    "φαρμακ χαδ αγκ αναρρ βρομ εκλιπ λαμπιδ λεχ μ πατ ρ λ μεδ μεσαζ υποτειν αμ αιθ ανηκ "
    "δεσποζ ενδιαφερ δε δευτερευ καθαρευ πλε τσα"
)
_OUS_KEPT_AFTER = ("ποδαρ", "βλεπ", "πανταχ", "φρυδ", "μαντιλ", "μαλλ", "κυματ", "λαχ", "ληγ",
                   "φαγ", "ομ", "πρωτ")  # fmt: skip


def _rule14(s: str) -> str:
    stem = _cut(s, ("ουσεσ",))
    if stem is None:
        stem = _cut(s, ("ουσα", "ουσε"))
    if stem is None:
        return s
    if stem in _OUS_KEPT or _vowel_end(stem) or stem.endswith(_OUS_KEPT_AFTER):
        return stem + "ουσ"
    return stem


# Rule 15: -αγα, -αγε, -αγες.
_AG_KEPT = _words(
    "αβαστ πολυφ αδηφ παμφ ρ ασπ αφ αμαλ αμαλλι ανυστ απερ ασπαρ αχαρ δερβεν δροσοπ ξεφ νεοπ "
    "νομοτ ολοπ ομοτ προστ προσωποπ συμπ συντ τ υποτ χαρ αειπ αιμοστ ανυπ αποτ αρτιπ διατ εν "
    "επιτ κροκαλοπ σιδηροπ λ ναυ ουλαμ ουρ π τρ μ"
)
_AG_KEPT_AFTER = ("οφ", "πελ", "χορτ", "λλ", "σφ", "ρπ", "φρ", "πρ", "λοχ", "σμην")
_AG_DROPPED = _words("ψοφ ναυλοχ")


def _rule15(s: str) -> str:
    stem = _cut(s, ("αγεσ",))
    if stem is None:
        stem = _cut(s, ("αγα", "αγε"))
    if stem is None:
        return s
    kept = stem in _AG_KEPT or stem.endswith(_AG_KEPT_AFTER)
    dropped = stem in _AG_DROPPED or stem.endswith("κολλ")
    return stem + "αγ" if kept and not dropped else stem


# Rule 16: the aorist in -ησα, -ησε, -ησου.
_HS_KEPT = _words("ν χερσον δωδεκαν ερημον μεγαλον επταν")


def _rule16(s: str) -> str:
    stem = _cut(s, ("ησου",))
    if stem is None:
        stem = _cut(s, ("ησε", "ησα"))
    if stem is None:
        return s
    return stem + "ησ" if stem in _HS_KEPT else stem


# Rule 17: -ηστε.
_HST_KEPT = _words("ασβ σβ αχρ χρ απλ αειμν δυσχρ ευχρ κοινοχρ παλιμψ")


def _rule17(s: str) -> str:
    stem = _cut(s, ("ηστε",))
    if stem is None:
        return s
    return stem + "ηστ" if stem in _HST_KEPT else stem


# Rules 18 and 19: -ουνε and -ουμε (after -ησ- or -ηθ-, they go too); after some stems
# -ουν/-ουμ is kept.
_OUN_KEPT = _words("ν ρ σπι στραβομουτσ κακομουτσ εξων")
_OUM_KEPT = _words("παρασουσ φ χ ωριοπλ αζ αλλοσουσ ασουσ")


def _rule18(s: str) -> str:
    stem = _cut(s, ("ησουνε", "ηθουνε")) or _cut(s, ("ουνε",))
    if stem is None:
        return s
    return stem + "ουν" if stem in _OUN_KEPT else stem


def _rule19(s: str) -> str:
    stem = _cut(s, ("ησουμε", "ηθουμε")) or _cut(s, ("ουμε",))
    if stem is None:
        return s
    return stem + "ουμ" if stem in _OUM_KEPT else stem


# Rule 20: the neuters in -μα keep their -μα- in the other cases.
def _rule20(s: str) -> str:
    stem = _cut(s, ("ματων", "ματοσ"))
    if stem is not None:
        return stem + "μα"
    stem = _cut(s, ("ματα",))
    return s if stem is None else stem + "μα"


# Rule 21, the long list: the longest inflectional ending the word is longer than, or else a
# final vowel.
_LONG_LIST = _endings(
    """
    ιοντουσαν
    ιομασταν ιοσασταν ιουμαστε οντουσαν
    ιεμαστε ιεσαστε ιομουνα ιοσαστε ιοσουνα ιουνται ιουνταν ηθηκατε ομασταν οσασταν ουμαστε
    ιομουν ιονταν ιοσουν ηθειτε ηθηκαν ομουνα οσαστε οσουνα ουνται ουνταν ουσατε
    αγατε ιεμαι ιεται ιεσαι ιοταν ιουμα ηθεισ ηθουν ηκατε ησατε ησουν ομουν ονται ονταν οσουν
    ουμαι ουσαν
    αγαν αμαι ασαι αται ειτε εσαι εται ηδεσ ηδων ηθει ηκαν ησαν ησει ησεσ ομαι οταν
    αει εισ ηθω ησω ουν ουσ
    αν ασ αω ει εσ ησ οι οσ ου υσ ων
    """
)


def _rule21(s: str) -> str:
    stem = _cut(s, _LONG_LIST)
    if stem is not None:
        return stem
    return s[:-1] if len(s) > 1 and _vowel_end(s) else s


# Rule 22: the comparative and superlative (the whole word may be the ending).
_DEGREES = ("εστερ", "εστατ", "οτερ", "οτατ", "υτερ", "υτατ", "ωτερ", "ωτατ")


def _rule22(s: str) -> str:
    for ending in _DEGREES:
        if s.endswith(ending):
            return s[: -len(ending)]
    return s


_SHORT_RULES = (
    _rule0, _rule1, _rule2, _rule3, _rule4, _rule5, _rule6, _rule7, _rule8, _rule9, _rule10,
    _rule11, _rule12, _rule13, _rule14, _rule15, _rule16, _rule17, _rule18, _rule19, _rule20,
)  # fmt: skip


def _ntais(s: str) -> str:
    if len(s) < 4:
        return s
    stemmed = s
    for rule in _SHORT_RULES:
        stemmed = rule(stemmed)
    if len(stemmed) == len(s):
        stemmed = _rule21(stemmed)
    return _rule22(stemmed)


@lru_cache(maxsize=1 << 16)
def greek_stem(term: str) -> str:
    """Ntais' stem of a term lowercased by :func:`greek_lower`."""
    if all(ord(c) <= 0xFFFF for c in term):
        return _ntais(term)
    # Java counts a character beyond the BMP as two: stem its UTF-16 code units.
    units = "".join(
        c if ord(c) <= 0xFFFF else chr(0xD7C0 + (ord(c) >> 10)) + chr(0xDC00 + (ord(c) & 0x3FF))
        for c in term
    )
    return _ntais(units).encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
