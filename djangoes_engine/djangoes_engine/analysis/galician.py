"""Galician's minimal stemmer (the ``minimal_galician`` stemmer language): the plural reduction
step of RSLP-Galician, "Regras de redución de plurais" in the Biblioteca Virtual Galega's
"Regras do lematizador para o galego" (https://bvg.udc.es/recursos_lingua/stemming.jsp).

A word of three letters or more ending in "s" takes the first rule whose suffix it ends with,
whose remaining stem is long enough and of which it is not an exception (a rule it is an
exception of lets the next rules try). Exceptions are whole lowercase words. The full Galician
stemmer's later steps (Lucene's galician.rslp) are not implemented.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# (suffix, shortest stem left, replacement, whole words excepted), in the order tried.
_PLURAL: tuple[tuple[str, int, str, frozenset[str]], ...] = (
    ("ns", 1, "n", _words("luns furatapóns furatapons")),
    ("ós", 3, "ón", _words("")),
    ("ões", 3, "ón", _words("")),
    ("ães", 1, "ão", _words("mães magalhães")),
    ("ais", 2, "al", _words("cais tais mais pais ademais")),
    ("áis", 2, "al", _words("cáis táis máis páis ademáis")),
    ("éis", 2, "el", _words("")),
    ("eis", 2, "el", _words("")),
    ("óis", 2, "ol", _words("escornabóis")),
    ("ois", 2, "ol", _words("escornabois")),
    ("ís", 2, "il", _words("país")),
    ("is", 2, "il", _words("menfis pais kinguis")),
    ("les", 2, "l", _words("ingles marselles montreales senegales manizales móstoles nápoles")),
    (
        "res",
        3,
        "r",
        _words(
            "petres henares cáceres baleares linares londres mieres miraflores mércores venres "
            "pires"
        ),
    ),
    ("ces", 2, "z", _words("")),
    ("zes", 2, "z", _words("")),
    # The published table gives "i" (leises -> lei); Lucene's rules, which Elasticsearch runs,
    # write "z".
    ("ises", 3, "z", _words("")),
    ("ás", 1, "al", _words("más")),
    ("ses", 2, "s", _words("")),
    (
        "s",
        2,
        "",
        _words(
            "barbadés barcelonés cantonés gabonés llanés medinés escocés escocês francês "
            "barcelonês cantonês macramés reves barcelones cantones gabones llanes magallanes "
            "medines escoces frances xoves martes aliás pires lápis cais mais mas menos férias "
            "pêsames crúcis país cangas atenas asturias canarias filipinas honduras molucas "
            "caldas mascareñas micenas covarrubias psoas óculos nupcias"
        ),
    ),
)


def galician_minimal_stem(term: str) -> str:
    if len(term) < 3 or not term.endswith("s"):
        return term
    for suffix, stem_min, replacement, exceptions in _PLURAL:
        if term.endswith(suffix) and len(term) - len(suffix) >= stem_min and term not in exceptions:
            return term[: -len(suffix)] + replacement
    return term
