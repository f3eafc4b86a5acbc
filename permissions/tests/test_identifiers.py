"""Dutch identifiers: BSN elfproef, postcodes, surnames with tussenvoegsels, index keys."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from permissions.identifiers import (
    BSN_WEIGHTS,
    InvalidIdentifier,
    address_key,
    bsn_is_valid,
    bsn_normalise,
    name_birth_date_key,
    postcode_normalise,
    surname_normalise,
)

# BSN


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("111222333", "111222333"),
        ("123456782", "123456782"),
        ("1112.22.333", "111222333"),
        (" 1112 22 333 ", "111222333"),
        ("111-222-333", "111222333"),
        ("12345672", "012345672"),  # 8 digits: the leading 0 was lost
        ("0 1234 5672", "012345672"),
    ],
)
def test_a_bsn_is_normalised_to_nine_digits(raw, expected):
    assert bsn_normalise(raw) == expected
    assert bsn_is_valid(raw)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Vul een BSN in."),
        ("  . ", "Vul een BSN in."),
        ("12345678A", "alleen uit cijfers"),
        (
            "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff12",
            "alleen uit cijfers",
        ),  # full-width
        ("1234567", "9 cijfers"),
        ("1234567890", "9 cijfers"),
        ("000000000", "allemaal nullen"),
        ("00000000", "allemaal nullen"),
        ("123456789", "elfproef"),
        ("111222334", "elfproef"),
    ],
)
def test_a_wrong_bsn_is_refused_with_a_dutch_message(raw, message):
    with pytest.raises(InvalidIdentifier, match=message):
        bsn_normalise(raw)
    assert not bsn_is_valid(raw)


def test_invalid_identifier_is_a_value_error():
    assert issubclass(InvalidIdentifier, ValueError)


@st.composite
def valid_bsns(draw: st.DrawFn) -> str:
    """Pick 8 digits and solve the check digit; skip when it would have to be 10."""
    first = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
    check = sum(d * w for d, w in zip(first, BSN_WEIGHTS[:8], strict=True)) % 11
    assume(check != 10)
    digits = [*first, check]
    assume(any(digits))
    return "".join(map(str, digits))


@given(valid_bsns())
def test_a_generated_bsn_normalises_and_validates(bsn):
    assert bsn_normalise(bsn) == bsn
    assert bsn_is_valid(bsn)


@given(valid_bsns(), st.integers(0, 8), st.integers(1, 9))
def test_changing_one_digit_of_a_valid_bsn_fails_the_elfproef(bsn, position, delta):
    digits = list(bsn)
    digits[position] = str((int(digits[position]) + delta) % 10)
    assert not bsn_is_valid("".join(digits))


@given(valid_bsns(), st.integers(0, 7))
def test_swapping_two_neighbouring_digits_fails_unless_they_are_equal(bsn, position):
    digits = list(bsn)
    assume(digits[position] != digits[position + 1])
    digits[position], digits[position + 1] = digits[position + 1], digits[position]
    assert not bsn_is_valid("".join(digits))


@given(valid_bsns())
def test_normalising_a_bsn_is_idempotent(bsn):
    once = bsn_normalise(bsn)
    assert bsn_normalise(once) == once


@given(valid_bsns(), st.lists(st.sampled_from([" ", ".", "-", "  ", "\t"]), max_size=10), st.data())
def test_formatting_noise_does_not_change_a_bsn(bsn, noise, data):
    noisy = list(bsn)
    for piece in noise:
        noisy.insert(data.draw(st.integers(0, len(noisy))), piece)
    assert bsn_normalise("".join(noisy)) == bsn


@given(st.text(max_size=15))
def test_bsn_normalise_either_returns_nine_valid_digits_or_refuses(text):
    try:
        result = bsn_normalise(text)
    except InvalidIdentifier as exc:
        assert str(exc)
    else:
        assert len(result) == 9
        assert result.isascii()
        assert result.isdigit()


# Postcode


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234 ab", "1234AB"),
        ("1234AB", "1234AB"),
        ("1234ab", "1234AB"),
        (" 1234  Ab ", "1234AB"),
        ("1234-AB", "1234AB"),
        ("9999 ZZ", "9999ZZ"),
        ("1000 AA", "1000AA"),
    ],
)
def test_a_postcode_is_normalised(raw, expected):
    assert postcode_normalise(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "4 cijfers en 2 letters"),
        ("123 AB", "4 cijfers en 2 letters"),
        ("12345 AB", "4 cijfers en 2 letters"),
        ("1234 A", "4 cijfers en 2 letters"),
        ("1234 ABC", "4 cijfers en 2 letters"),
        ("1234 1B", "4 cijfers en 2 letters"),
        ("1234 ÄB", "4 cijfers en 2 letters"),
        ("0123 AB", "niet met een 0"),
        ("1234 SA", "SA"),
        ("1234 sd", "SD"),
        ("1234 SS", "SS"),
    ],
)
def test_a_wrong_postcode_is_refused_with_a_dutch_message(raw, message):
    with pytest.raises(InvalidIdentifier, match=message):
        postcode_normalise(raw)


@given(st.from_regex(r"[1-9][0-9]{3} ?[A-Za-z]{2}", fullmatch=True))
def test_normalising_a_postcode_is_idempotent(raw):
    assume(raw[-2:].upper() not in {"SA", "SD", "SS"})
    once = postcode_normalise(raw)
    assert postcode_normalise(once) == once
    assert len(once) == 6


# Surname


@pytest.mark.parametrize(
    "variants",
    [
        ["Van der Berg", "van der berg", "Berg, van der", "Bérg", "berg", "BERG", "v.d. Berg"],
        ["Çelik", "Celik", "çelik", "CELIK"],
        ["d'Hondt", "D Hondt", "D'hondt", "Hondt"],
        ["'t Hart", "t Hart", "Hart, 't", "Hart"],
        ["de Vries", "De Vries", "Vries, de", "de  Vries "],
        ["Smit-Jansen", "Smit Jansen", "smit - jansen"],
        ["Y\u0131ld\u0131z", "Yildiz", "YILDIZ"],  # Turkish dotless i
        ["Müller", "Muller", "MÜLLER"],
        ["Øster", "Oster"],
        ["Straße", "Strasse"],
        ["ten Cate", "Ten Cate", "Cate"],
        ["El Amrani", "el-Amrani", "Amrani"],
    ],
)
def test_spellings_of_one_surname_normalise_the_same(variants):
    assert len({surname_normalise(v) for v in variants}) == 1


@pytest.mark.parametrize(
    ("one", "other"),
    [("Berg", "Bergen"), ("de Vries", "de Vries-Jansen"), ("Smit", "Smid"), ("Janssen", "Jansen")],
)
def test_different_surnames_stay_different(one, other):
    assert surname_normalise(one) != surname_normalise(other)


@pytest.mark.parametrize(
    ("raw", "expected"), [("Van", "van"), ("De", "de"), ("van der", "van der")]
)
def test_a_surname_made_only_of_tussenvoegsels_is_kept(raw, expected):
    assert surname_normalise(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", "-", "', .'"])
def test_an_empty_surname_is_refused(raw):
    with pytest.raises(InvalidIdentifier, match="achternaam"):
        surname_normalise(raw)


@given(st.text(min_size=1, max_size=40))
def test_normalising_a_surname_is_idempotent(raw):
    try:
        once = surname_normalise(raw)
    except InvalidIdentifier:
        return
    assert surname_normalise(once) == once
    assert once == once.strip()
    assert "  " not in once


# Index keys


def test_the_name_and_birth_date_key_joins_normalised_parts():
    key = name_birth_date_key(surname="Berg, van der", birth_date=datetime.date(1980, 2, 29))
    assert key == "berg|1980-02-29"
    assert key == name_birth_date_key(surname="Van der Bérg", birth_date=datetime.date(1980, 2, 29))


def test_the_name_and_birth_date_key_refuses_a_datetime():
    with pytest.raises(TypeError):
        name_birth_date_key(surname="Berg", birth_date=datetime.datetime(1980, 2, 29, 12, 0))


@pytest.mark.parametrize(
    ("postcode", "house_number", "addition", "expected"),
    [
        ("1234 ab", "12", "a", "1234AB|12|A"),
        ("1234AB", " 12 ", "", "1234AB|12|"),
        ("1234ab", "012", " -bis ", "1234AB|12|BIS"),
        ("1234 AB", "99999", "2 hoog", "1234AB|99999|2HOOG"),
    ],
)
def test_the_address_key_is_normalised(postcode, house_number, addition, expected):
    assert address_key(postcode=postcode, house_number=house_number, addition=addition) == expected


@pytest.mark.parametrize("house_number", ["", "0", "12a", "12-2", "100000", "-3", "١٢"])
def test_a_wrong_house_number_is_refused_with_a_dutch_message(house_number):
    with pytest.raises(InvalidIdentifier, match="huisnummer"):
        address_key(postcode="1234 AB", house_number=house_number)


def test_the_address_key_refuses_a_wrong_postcode():
    with pytest.raises(InvalidIdentifier, match="postcode"):
        address_key(postcode="0123 AB", house_number="1")
