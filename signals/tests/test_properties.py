"""Property tests (Hypothesis) for the signal intake's parsers: names, dates, request hashes.

The identifiers themselves (BSN, postcode, surname) are in permissions/tests; here is what
the intake adds on top: splitting a typed name, the ``since`` filter, months for retention
and the Idempotency-Key rules.
"""

from __future__ import annotations

import datetime
import json
import zoneinfo

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError

from permissions.identifiers import TUSSENVOEGSELS, surname_normalise
from signals.api.views import _since
from signals.services import (
    IDEMPOTENCY_KEY_MAX,
    SignalInvalid,
    idempotency_key_check,
    months_later,
    name_split,
    signal_request_hash,
)

GIVEN_NAMES = st.sampled_from(["Ria", "Jan Willem", "Zoë", "Anne-Marie", "Loïc", "Bjørn", ""])
PREFIXES = st.sampled_from(["", "van", "van der", "de", "ten", "ter", "van den", "'t", "d'"])
SURNAMES = st.sampled_from(["Steeg", "Berg", "Vries", "Hondt", "Çelik", "El Amrani", "Müller"])
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")


# Names


@given(GIVEN_NAMES, PREFIXES, SURNAMES)
@example("Ria", "van der", "Steeg")
@example("", "de", "Vries")
def test_a_full_name_splits_into_given_names_and_the_surname_with_its_prefix(
    given_names, prefix, surname
):
    full_surname = f"{prefix} {surname}".strip()
    typed = f"{given_names} {full_surname}".strip()
    assume(not (given_names and given_names.split()[-1].casefold() in TUSSENVOEGSELS))
    got_given, got_surname = name_split(typed)
    assert got_given == given_names
    assert got_surname == full_surname
    assert surname_normalise(got_surname) == surname_normalise(surname)


@given(st.text(max_size=60))
def test_splitting_a_name_keeps_every_word_in_order(text):
    given_names, surname = name_split(text)
    assert f"{given_names} {surname}".split() == text.split()
    if text.split():
        assert surname, "a name always has a surname"


# Dates: the ``since`` filter


@given(st.dates(min_value=datetime.date(1, 1, 2), max_value=datetime.date(9999, 12, 30)))
def test_since_reads_a_date_as_the_start_of_that_day(day):
    moment = _since(day.isoformat())
    assert moment is not None
    assert moment.tzinfo is not None
    assert moment.date() == day and moment.time() == datetime.time.min


@given(
    st.datetimes(
        min_value=datetime.datetime(1900, 1, 1),
        max_value=datetime.datetime(9999, 12, 30),
        timezones=st.just(datetime.UTC),
    )
)
def test_since_reads_back_an_iso_moment(moment):
    assert _since(moment.isoformat()) == moment


@given(st.text(max_size=40))
@example("2026-02-30")
@example("9999-12-31T23:59:59-23:59")
@example("0001-01-01T00:00:00+23:59")
def test_since_answers_a_moment_or_a_validation_error(text):
    try:
        moment = _since(text)
    except ValidationError as exc:
        assert "since" in exc.detail
    except (ValueError, OverflowError):
        pass  # the view turns these into the same 400 (test_api_fuzz reaches that path)
    else:
        assert moment is None or moment.tzinfo is not None


# Months (retention periods)


@given(
    st.datetimes(
        min_value=datetime.datetime(1900, 1, 1),
        max_value=datetime.datetime(9000, 1, 1),
        timezones=st.just(AMSTERDAM),
    ),
    st.integers(-1200, 1200),
)
def test_months_later_lands_in_the_right_month_on_the_same_or_last_day(moment, months):
    later = months_later(moment, months)
    assert (later.year * 12 + later.month) - (moment.year * 12 + moment.month) == months
    assert later.day == moment.day or (later.day < moment.day and (later + _one_day()).day == 1)
    assert later.time() == moment.time()


def _one_day() -> datetime.timedelta:
    return datetime.timedelta(days=1)


@given(
    st.datetimes(
        min_value=datetime.datetime(1900, 1, 1), max_value=datetime.datetime(9000, 1, 1)
    ).filter(lambda m: m.day <= 28),
    st.integers(-600, 600),
)
def test_months_there_and_back_is_the_same_moment_up_to_the_28th(moment, months):
    assert months_later(months_later(moment, months), -months) == moment


# Idempotency


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=8), JSON, max_size=6))
def test_the_request_hash_ignores_key_order_and_formatting(body):
    reordered = json.loads(json.dumps(dict(reversed(list(body.items()))), indent=2))
    assert signal_request_hash(body=body) == signal_request_hash(body=reordered)


@given(st.dictionaries(st.text(max_size=8), JSON, min_size=1, max_size=6), st.data())
def test_the_request_hash_changes_when_a_value_does(body, data):
    key = data.draw(st.sampled_from(sorted(body)))
    changed = {**body, key: [body[key]]}
    assert signal_request_hash(body=body) != signal_request_hash(body=changed)


@given(st.text(max_size=IDEMPOTENCY_KEY_MAX + 20))
def test_an_idempotency_key_is_printable_ascii_of_bounded_length_or_refused(text):
    try:
        key = idempotency_key_check(key=text)
    except SignalInvalid as exc:
        assert "Idempotency-Key" in exc.errors
        return
    assert key == text.strip()
    assert len(key) <= IDEMPOTENCY_KEY_MAX
    assert key.isascii() and key.isprintable()


@pytest.mark.parametrize("key", ["", "  "])
def test_an_empty_idempotency_key_is_no_key(key):
    assert idempotency_key_check(key=key) == ""
