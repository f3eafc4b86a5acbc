"""Property tests (Hypothesis) for the parsers, normalisers and the encryption round trip.

test_identifiers.py has the examples and the basic properties (BSN elfproef, idempotence);
these add what a blind index relies on: every spelling of the same value gives the same
index, and different values never collide by normalisation. The profile is derandomized
(conftest.py), so CI sees the same examples every run.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from config.keys import MissingKeyError, _decode, new_key_text
from permissions import crypto
from permissions.crypto import (
    DecryptionError,
    blind_index,
    ciphertext_key_uuid,
    data_key_create,
    decrypt_value,
    encrypt_value,
)
from permissions.fields import EncryptedDateField
from permissions.identifiers import (
    BSN_WEIGHTS,
    TUSSENVOEGSELS,
    InvalidIdentifier,
    address_key,
    bsn_normalise,
    name_birth_date_key,
    postcode_normalise,
    surname_normalise,
)

# Strategies


@st.composite
def valid_bsns(draw: st.DrawFn, leading_zero: bool = False) -> str:
    """Eight digits and the check digit that makes the elfproef hold (never 10)."""
    first = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
    if leading_zero:
        first[0] = 0
    check = sum(d * w for d, w in zip(first, BSN_WEIGHTS[:8], strict=True)) % 11
    assume(check != 10 and (any(first) or check))
    return "".join(map(str, [*first, check]))


def noisy(text: str, data: st.DataObject) -> str:
    """``text`` with spaces, dots and dashes put between its characters."""
    pieces = list(text)
    for _ in range(data.draw(st.integers(0, 6))):
        at = data.draw(st.integers(0, len(pieces)))
        pieces.insert(at, data.draw(st.sampled_from([" ", ".", "-", "  ", "\t"])))
    return "".join(pieces)


valid_postcodes = st.from_regex(r"[1-9][0-9]{3}[A-Z]{2}", fullmatch=True).filter(
    lambda p: p[-2:] not in {"SA", "SD", "SS"}
)

# Dutch and foreign surnames as they reach us; the letters carry the diacritics people type.
CORE_SURNAMES = st.sampled_from(
    ["Berg", "Vries", "Hondt", "Jansen", "Çelik", "Müller", "Bakker", "Smit-Jansen", "Øster"]
)
PREFIXES = st.sampled_from(
    ["", "van", "van der", "de", "den", "ten", "ter", "van den", "'t", "d'", "in 't", "v.d."]
)
ACCENTED = {"e": "éëèê", "i": "ïí", "o": "öóø", "u": "üú", "a": "áàä", "c": "ç", "n": "ñ"}


def spell(surname: str, data: st.DataObject) -> str:
    """One way a person might type ``surname``: case and composition vary, diacritics are
    added or dropped on letters that carry one."""
    out = []
    for ch in surname:
        choice = data.draw(st.integers(0, 3))
        base = ch.lower()
        if choice == 1:
            ch = ch.upper()
        elif choice == 2 and base in ACCENTED:
            ch = data.draw(st.sampled_from(ACCENTED[base]))
        out.append(ch)
    text = "".join(out)
    if data.draw(st.booleans()):
        return unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", text)


# BSN


@given(valid_bsns(), st.data())
def test_a_bsn_typed_with_noise_gives_the_same_blind_index(bsn, data):
    typed = noisy(bsn, data)
    assert blind_index(kind="bsn", value=bsn_normalise(typed)) == blind_index(kind="bsn", value=bsn)


@given(valid_bsns(), st.integers(0, 8), st.integers(1, 9))
def test_every_single_digit_change_is_refused_with_the_elfproef_message(bsn, position, delta):
    digits = list(bsn)
    digits[position] = str((int(digits[position]) + delta) % 10)
    changed = "".join(digits)
    assume(changed != "000000000")
    with pytest.raises(InvalidIdentifier, match="elfproef"):
        bsn_normalise(changed)


@given(valid_bsns(leading_zero=True))
def test_a_valid_bsn_without_its_leading_zero_is_the_same_bsn(bsn):
    assert bsn_normalise(bsn[1:]) == bsn


# Postcode


@given(valid_postcodes, st.data())
def test_every_way_of_writing_a_postcode_normalises_to_one_form(postcode, data):
    digits, letters = postcode[:4], postcode[4:]
    letters = "".join(data.draw(st.sampled_from([c, c.lower()])) for c in letters)
    sep = data.draw(st.sampled_from(["", " ", "  ", "-", " - ", "\t"]))
    pad = data.draw(st.sampled_from(["", " "]))
    assert postcode_normalise(f"{pad}{digits}{sep}{letters}{pad}") == postcode


@given(st.text(max_size=12))
@example("1234 sa")
@example("0123AB")
@example("\u0661\u0662\u0663\u0664AB")  # Arabic-Indic digits are not postcode digits
def test_a_normalised_postcode_is_always_four_digits_and_two_capitals(text):
    try:
        result = postcode_normalise(text)
    except InvalidIdentifier as exc:
        assert str(exc)
        return
    assert re.fullmatch(r"[1-9][0-9]{3}[A-Z]{2}", result)
    assert result[4:] not in {"SA", "SD", "SS"}
    assert postcode_normalise(result) == result


# Surnames with tussenvoegsels and diacritics


@given(CORE_SURNAMES, PREFIXES, st.data())
def test_a_surname_with_or_without_its_tussenvoegsel_gives_one_index(core, prefix, data):
    before = f"{prefix} {spell(core, data)}".strip()
    after = f"{spell(core, data)}, {prefix}".rstrip(", ")
    plain = spell(core, data)
    forms = {surname_normalise(v) for v in (before, after, plain)}
    assert len(forms) == 1
    day = datetime.date(1980, 2, 29)
    keys = {name_birth_date_key(surname=v, birth_date=day) for v in (before, after, plain)}
    indexes = {blind_index(kind="name_birth_date", value=k) for k in keys}
    assert len(indexes) == 1


@given(CORE_SURNAMES, st.data())
def test_composed_and_decomposed_diacritics_are_one_surname(core, data):
    typed = spell(core, data)
    assert surname_normalise(unicodedata.normalize("NFC", typed)) == surname_normalise(
        unicodedata.normalize("NFD", typed)
    )


@given(st.text(max_size=40))
def test_a_normalised_surname_is_folded_plain_words(text):
    try:
        result = surname_normalise(text)
    except InvalidIdentifier:
        return
    words = result.split(" ")
    assert all(words), "no empty words"
    assert result == result.casefold()
    assert not any(unicodedata.combining(ch) for ch in result)
    # Tussenvoegsels are gone, unless the surname is nothing else.
    assert all(w in TUSSENVOEGSELS for w in words) or not any(w in TUSSENVOEGSELS for w in words)


@given(CORE_SURNAMES, CORE_SURNAMES, PREFIXES, PREFIXES, st.data())
def test_different_surnames_never_meet_whatever_their_prefix_or_spelling(
    one, other, prefix_one, prefix_other, data
):
    assume(one != other)
    a = surname_normalise(f"{prefix_one} {spell(one, data)}")
    b = surname_normalise(f"{prefix_other} {spell(other, data)}")
    assert a != b


# Dates


@given(st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)))
def test_the_name_key_holds_the_birth_date_as_iso_and_it_parses_back(day):
    key = name_birth_date_key(surname="Berg", birth_date=day)
    surname, iso = key.split("|")
    assert surname == "berg"
    assert datetime.date.fromisoformat(iso) == day


@given(st.dates())
def test_an_encrypted_date_survives_its_text_form(day):
    field: EncryptedDateField[Any, Any] = EncryptedDateField()
    assert field.from_plaintext(field.to_plaintext(day)) == day


@given(st.text(max_size=30))
def test_an_encrypted_date_that_is_not_a_date_raises_decryption_error(text):
    field: EncryptedDateField[Any, Any] = EncryptedDateField()
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        with pytest.raises(DecryptionError):
            field.from_plaintext(text)
    else:
        assert field.from_plaintext(text) == day


# Address keys


@given(valid_postcodes, st.integers(1, 99999), st.text(max_size=8), st.data())
def test_an_address_key_does_not_depend_on_how_the_address_was_typed(
    postcode, number, addition, data
):
    typed_postcode = f"{postcode[:4]} {postcode[4:].lower()}"
    typed_number = data.draw(st.sampled_from(["", " ", "0", "00"])) + str(number)
    key = address_key(postcode=typed_postcode, house_number=f" {typed_number} ", addition=addition)
    assert key == address_key(postcode=postcode, house_number=str(number), addition=addition)
    parts = key.split("|")
    assert parts[0] == postcode and int(parts[1]) == number
    assert parts[2] == parts[2].upper() and parts[2].isascii()


# Installation keys


@given(st.binary(min_size=32, max_size=32))
def test_a_key_survives_its_text_form(raw):
    import base64

    assert _decode("field", base64.urlsafe_b64encode(raw).decode()) == raw


@given(st.text(max_size=60))
def test_a_key_text_is_either_32_bytes_or_refused(text):
    try:
        raw = _decode("field", text)
    except MissingKeyError as exc:
        assert "KETENREGIE_FIELD_KEY" in str(exc)
    else:
        assert len(raw) == 32


def test_a_new_key_text_decodes_to_32_bytes():
    assert len(_decode("field", new_key_text())) == 32


# Encryption round trip (needs the database for the data key)

DB_SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def new_key(db):
    """``new_key()``: a fresh data key (each example gets its own, as each row does)."""
    crypto.data_key_cache_clear()
    return lambda: data_key_create(purpose="case")


@DB_SETTINGS
@given(plaintext=st.text(), aad=st.text(min_size=1, max_size=80))
@example(plaintext="", aad="a")
@example(plaintext="x" * 200_000, aad="casework.note.body:1")
@example(plaintext="Zoë d'Hondt — ψ 🙂 \x00", aad="ø")
def test_every_text_decrypts_to_itself(new_key, plaintext, aad):
    data_key = new_key()
    ciphertext = encrypt_value(data_key=data_key, plaintext=plaintext, aad=aad)
    assert decrypt_value(ciphertext=ciphertext, aad=aad) == plaintext
    assert ciphertext_key_uuid(ciphertext) == data_key.uuid
    assert len(plaintext.encode()) < 16 or plaintext.encode() not in ciphertext


@DB_SETTINGS
@given(plaintext=st.text(max_size=200), data=st.data())
def test_changing_any_bit_of_a_ciphertext_fails(new_key, plaintext, data):
    data_key = new_key()
    ciphertext = encrypt_value(data_key=data_key, plaintext=plaintext, aad="row:1")
    position = data.draw(st.integers(0, len(ciphertext) - 1))
    bit = data.draw(st.integers(0, 7))
    tampered = bytearray(ciphertext)
    tampered[position] ^= 1 << bit
    with pytest.raises(DecryptionError):
        decrypt_value(ciphertext=bytes(tampered), aad="row:1")


@DB_SETTINGS
@given(plaintext=st.text(max_size=200), cut=st.integers(0, 300), extra=st.binary(max_size=8))
def test_a_shortened_or_lengthened_ciphertext_fails(new_key, plaintext, cut, extra):
    data_key = new_key()
    ciphertext = encrypt_value(data_key=data_key, plaintext=plaintext, aad="row:1")
    changed = ciphertext[:cut] + extra
    assume(changed != ciphertext)
    with pytest.raises(DecryptionError):
        decrypt_value(ciphertext=changed, aad="row:1")


@DB_SETTINGS
@given(plaintext=st.text(max_size=100), aad=st.text(max_size=40), other=st.text(max_size=40))
def test_a_ciphertext_does_not_open_under_other_associated_data(new_key, plaintext, aad, other):
    assume(aad != other)
    data_key = new_key()
    ciphertext = encrypt_value(data_key=data_key, plaintext=plaintext, aad=aad)
    with pytest.raises(DecryptionError):
        decrypt_value(ciphertext=ciphertext, aad=other)


@given(st.binary(max_size=120))
def test_random_bytes_never_decrypt_and_never_crash(blob):
    # No data key is looked up unless the header names one: garbage fails before the database.
    assume(len(blob) < 45 or blob[0] != 1)
    with pytest.raises(DecryptionError):
        decrypt_value(ciphertext=blob, aad="row:1")


@given(st.sampled_from(["bsn", "address", "name_birth_date"]), st.text(), st.text())
def test_a_blind_index_is_equal_exactly_when_the_values_are(kind, one, other):
    same = blind_index(kind=kind, value=one) == blind_index(kind=kind, value=other)
    assert same == (one == other)
