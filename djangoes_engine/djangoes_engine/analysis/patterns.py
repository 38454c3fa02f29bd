"""The regexes of the native regex tokenizers, in tantivy's (Rust) regex syntax: Lucene's
standard, ``uax_url_email`` and classic grammars, and the whitespace and letter tokenizers.
"""

from __future__ import annotations

# Java's Character.isWhitespace: space separators except the non-breaking ones, and controls.
_RUST_JAVA_SPACE = (
    r"\t\n\x0B\x0C\r\x1C-\x1F \x{1680}\x{2000}-\x{2006}\x{2008}-\x{200A}"
    r"\x{2028}\x{2029}\x{205F}\x{3000}"
)

_X = r"\p{wb=Extend}\p{wb=Format}\p{wb=ZWJ}"
_AH = r"\p{wb=ALetter}\p{wb=Hebrew_Letter}"
_NU = r"\p{wb=Numeric}\x{FF10}-\x{FF19}"
_EN = r"\p{wb=ExtendNumLet}"
_KA = r"\p{wb=Katakana}"
_ML = r"\p{wb=MidLetter}\p{wb=MidNumLet}\p{wb=Single_Quote}"
_MN = r"\p{wb=MidNum}\p{wb=MidNumLet}\p{wb=Single_Quote}"
_SA = r"\p{Thai}\p{Lao}\p{Myanmar}\p{Khmer}\p{Tai_Le}\p{New_Tai_Lue}\p{Tai_Tham}\p{Tai_Viet}"
_EP = r"\p{Extended_Pictographic}\p{Emoji_Modifier}"

# UAX#29 word boundaries as Lucene's StandardTokenizer applies them, written so that the
# regex's leftmost-first preference yields the longest word: letters join across MidLetter,
# digits across MidNum, both across ExtendNumLet (WB5-WB13b); Extend/Format/ZWJ ride along
# (WB4); Katakana runs, single ideographs and hiragana, South-East Asian runs and emoji
# sequences are tokens of their own.
_STANDARD_WORD = (
    f"[{_EN}]*(?:[{_AH}](?:[{_AH}{_X}{_EN}]|[{_ML}][{_X}]*[{_AH}])*"
    f"|[{_NU}](?:[{_NU}{_X}{_EN}]|[{_MN}][{_X}]*[{_NU}])*)+"
)
_STANDARD_OTHERS = (
    f"[{_EN}]*[{_KA}][{_KA}{_X}{_EN}]*",
    f"\\p{{Han}}[{_X}]*",
    f"\\p{{Hiragana}}[{_X}]*",
    f"[[{_SA}]&&[\\p{{L}}\\p{{M}}]]+",
    f"\\p{{Regional_Indicator}}{{2}}[{_X}]*",
    f"[{_EP}](?:[\\p{{wb=Extend}}\\p{{wb=Format}}]|\\x{{200D}}[{_EP}]?)*",
    r"[#*]\x{FE0F}?\x{20E3}",
)
STANDARD_PATTERN = "|".join((_STANDARD_WORD, *_STANDARD_OTHERS))

_EMAIL = (
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,}"
)
_URL = r"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[^\s<>\x22'`]*[^\s<>\x22'`.,;:!?)\]}]"
UAX_URL_EMAIL_PATTERN = "|".join((_URL, _EMAIL, STANDARD_PATTERN))

_CJ = r"\p{Han}\p{Hiragana}\p{Katakana}"
_AN = rf"[[\p{{L}}\p{{N}}]--[{_CJ}]]"
CLASSIC_PATTERN = "|".join(
    (
        _EMAIL,
        # <NUM>: digit-bearing parts joined by punctuation
        rf"{_AN}*\p{{N}}{_AN}*(?:[-_/.,]{_AN}+)+",
        # <ACRONYM> (keeps its final dot) or, when a word follows the dots, <HOST>
        rf"(?:\p{{L}}\.){{2,}}(?:{_AN}+(?:\.{_AN}+)*)?",
        rf"{_AN}+(?:\.{_AN}+)+",  # <HOST>
        rf"{_AN}+[&@]{_AN}+",  # <COMPANY>
        rf"{_AN}+(?:'{_AN}+)+",  # <APOSTROPHE>
        rf"{_AN}+",  # <ALPHANUM>
        f"[{_CJ}]",  # <CJ>
    )
)


def _whitespace_pattern(max_len: int) -> str:
    return f"[^{_RUST_JAVA_SPACE}]{{1,{max_len}}}"


def _letter_pattern(max_len: int) -> str:
    return f"\\p{{L}}{{1,{max_len}}}"
