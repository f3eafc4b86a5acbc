"""Normalising and checking Dutch identifiers, for storage and for blind indexes.

Pure functions: no models, no settings. Errors are ``InvalidIdentifier`` (a ValueError) with a
Dutch message the person who typed the value can act on. A blind index only matches when both
sides were normalised by the same function, so every index is computed from these results.
"""

from __future__ import annotations

import datetime
import re
import unicodedata

BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)

_BSN_NOISE = re.compile(r"[\s.\-]+")
_DIGITS = re.compile(r"[0-9]+")
_POSTCODE = re.compile(r"([0-9]{4})([A-Za-z]{2})")
_POSTCODE_NOISE = re.compile(r"[\s\-]+")
_WORD_SEPARATORS = re.compile(r"[^\w]+|_+")

# Letters that Unicode does not decompose into a base letter plus accents (U+0131 is the
# Turkish dotless i).
_FOLD_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "\u0131": "i"}
)

# Tussenvoegsels (voorvoegsels): particles written before the surname that Dutch registers
# keep apart from the geslachtsnaam, plus the common foreign ones and abbreviations
# ("v.d."). Apostrophe forms appear without apostrophe because punctuation becomes a space
# first: 't -> t, 's -> s, d' -> d, l' -> l.
TUSSENVOEGSELS = frozenset(
    {
        "van", "von", "vom", "v", "vd", "der", "den", "de", "des", "het", "t", "s", "te",
        "ten", "ter", "in", "op", "aan", "bij", "uit", "uijt", "onder", "over", "voor", "tot",
        "thoe", "toe", "d", "l", "la", "le", "les", "lo", "los", "da", "dal", "das", "del",
        "della", "di", "do", "dos", "du", "el", "al", "zu", "zum", "zur", "am", "auf", "aus",
        "im",
    }
)  # fmt: skip


class InvalidIdentifier(ValueError):
    """A BSN, postcode, surname or address that cannot be used; the message is Dutch."""


def bsn_normalise(value: str) -> str:
    """Return a BSN as its 9 digits: spaces, dots and dashes removed, 8 digits padded with 0.

    Raises InvalidIdentifier unless the result is 9 digits, not 000000000, and passes the
    elfproef: sum(digit * weight) with weights 9..2 and -1 for the last digit is a multiple
    of 11.
    """
    digits = _BSN_NOISE.sub("", value)
    if not digits:
        raise InvalidIdentifier("Vul een BSN in.")
    if not _DIGITS.fullmatch(digits):
        raise InvalidIdentifier("Een BSN bestaat alleen uit cijfers.")
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9:
        raise InvalidIdentifier("Een BSN heeft 9 cijfers.")
    if digits == "000000000":
        raise InvalidIdentifier("Dit BSN bestaat niet: het zijn allemaal nullen.")
    if sum(int(d) * w for d, w in zip(digits, BSN_WEIGHTS, strict=True)) % 11:
        raise InvalidIdentifier("Dit BSN klopt niet (elfproef). Controleer de cijfers.")
    return digits


def bsn_is_valid(value: str) -> bool:
    """Return whether ``value`` is a BSN that ``bsn_normalise`` accepts."""
    try:
        bsn_normalise(value)
    except InvalidIdentifier:
        return False
    return True


def postcode_normalise(value: str) -> str:
    """Return a Dutch postcode as ``1234AB``: spaces and dashes removed, letters upper-cased.

    Raises InvalidIdentifier unless it is 4 digits (the first not 0) and 2 letters other than
    SA, SD or SS (which PostNL does not use).
    """
    compact = _POSTCODE_NOISE.sub("", value)
    match = _POSTCODE.fullmatch(compact)
    if match is None:
        raise InvalidIdentifier("Een postcode heeft 4 cijfers en 2 letters, zoals 1234 AB.")
    digits, letters = match.group(1), match.group(2).upper()
    if digits[0] == "0":
        raise InvalidIdentifier("Een postcode begint niet met een 0.")
    if letters in {"SA", "SD", "SS"}:
        raise InvalidIdentifier(f"De letters {letters} komen in een postcode niet voor.")
    return digits + letters


def _fold(text: str) -> str:
    """Case-fold, decompose (NFKD) and drop combining marks until nothing changes.

    One pass is not enough: folding can create combining marks ("İ" -> "i" + dot) and
    decomposing can create capitals (mathematical bold A, U+1D400, becomes "A").
    """
    for _ in range(4):
        decomposed = unicodedata.normalize("NFKD", text.casefold())
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        folded = folded.translate(_FOLD_LETTERS)
        if folded == text:
            break
        text = folded
    return text


def surname_normalise(value: str) -> str:
    """Return the form of a surname that a blind index compares.

    The rule, in order:

    1. Case-folding ("ß" -> "ss") and Unicode compatibility decomposition (NFKD); accents
       and other combining marks are dropped ("Bérg" -> "berg", "Çelik" -> "celik"), and
       letters without a decomposition are folded ("ø" -> "o", "æ" -> "ae").
    2. Everything that is not a letter or digit (apostrophes, hyphens, commas, dots) becomes
       a space, and runs of spaces collapse ("d'Hondt" -> "d hondt", "Smit-Jansen" ->
       "smit jansen").
    3. Words that are tussenvoegsels (``TUSSENVOEGSELS``) are removed wherever they stand, so
       the prefix may come first or after a comma: "Van der Berg", "van der berg" and
       "Berg, van der" all give "berg". When every word is a tussenvoegsel (the surname
       "Van"), the words are kept.

    Raises InvalidIdentifier when no letter or digit is left.
    """
    folded = _fold(value)
    words = _WORD_SEPARATORS.sub(" ", folded).split()
    if not words:
        raise InvalidIdentifier("Vul een achternaam in.")
    core = [word for word in words if word not in TUSSENVOEGSELS]
    return " ".join(core or words)


def name_birth_date_key(*, surname: str, birth_date: datetime.date) -> str:
    """Return ``"<normalised surname>|<YYYY-MM-DD>"``, the input of the name + birth date index.

    Raises InvalidIdentifier for an empty surname and TypeError for a datetime (a birth date
    has no time of day).
    """
    if isinstance(birth_date, datetime.datetime) or not isinstance(birth_date, datetime.date):
        raise TypeError("birth_date must be a datetime.date")
    return f"{surname_normalise(surname)}|{birth_date.isoformat()}"


def address_key(*, postcode: str, house_number: str, addition: str = "") -> str:
    """Return ``"1234AB|12|A"``: normalised postcode, house number and upper-cased addition.

    The addition (huisletter and toevoeging together) keeps only letters and digits. Raises
    InvalidIdentifier for a bad postcode or a house number that is not 1 to 99999 (leading
    zeros are dropped).
    """
    number = house_number.strip()
    if not (_DIGITS.fullmatch(number) and 1 <= int(number) <= 99999):
        raise InvalidIdentifier(
            "Een huisnummer bestaat alleen uit cijfers (1 tot en met 99999); "
            "zet een letter of toevoeging apart."
        )
    extra = "".join(ch for ch in addition if ch.isascii() and ch.isalnum()).upper()
    return f"{postcode_normalise(postcode)}|{int(number)}|{extra}"
