"""Bundling proposals for the triage inbox: several new signals about one place."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from signals.models import Signal
from signals.selectors import bundle_proposals
from signals.services import PersonInput, signal_triage

from .factories import buurt_of, make_signal

pytestmark = pytest.mark.django_db

NOBODY = (PersonInput(role="witness", name="Kees Hoekstra"),)


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def signal_at(reporter, *, address="Meidoornlaan 31", days=1, **kwargs) -> Signal:
    signal = make_signal(reporter, address=address, persons=NOBODY, **kwargs)
    Signal.objects.filter(pk=signal.pk).update(observed_at=days_ago(days))
    return signal


def test_three_signals_at_one_address_within_28_days_are_proposed(actors, orgs):
    signals = [signal_at(actors["boa"], days=d) for d in (1, 10, 27)]
    signal_at(actors["boa"], address="Elders 5", days=2)
    signal_at(actors["boa"], days=40)  # too long ago

    [proposal] = bundle_proposals(
        municipality_id=orgs["gemeente"].municipality_id, today=timezone.localdate()
    )

    assert proposal.kind == "address"
    assert set(proposal.signal_ids) == {s.uuid for s in signals}


def test_two_signals_or_triaged_ones_are_not_enough(actors, orgs):
    signal_at(actors["boa"], days=1)
    signal_at(actors["boa"], days=2)
    triaged = signal_at(actors["boa"], days=3)
    signal_triage(signal=triaged, actor=actors["coordinator"], decision="dismiss", reason="x")
    assert (
        bundle_proposals(
            municipality_id=orgs["gemeente"].municipality_id, today=timezone.localdate()
        )
        == []
    )


def test_another_municipalitys_signals_do_not_count(actors, orgs, buurwijk):
    for days in (1, 2, 3):
        signal_at(actors["wijkagent"], wijk=buurwijk, postcode="9999XY", days=days)
    assert (
        bundle_proposals(
            municipality_id=orgs["gemeente"].municipality_id, today=timezone.localdate()
        )
        == []
    )
    assert (
        len(
            bundle_proposals(
                municipality_id=orgs["buurgemeente"].municipality_id, today=timezone.localdate()
            )
        )
        == 1
    )


def test_five_youth_signals_in_one_buurt_within_four_weeks_are_proposed(actors, orgs):
    municipality = orgs["gemeente"].municipality
    buurt = buurt_of(municipality, 2, 1)
    youth = [
        signal_at(actors["boa"], category=category, buurt=buurt, address=f"Plein {n}", days=n)
        for n, category in enumerate(
            ["JO-HANGEN", "JO-VANDALISME", "JO-HANGEN", "JO-MIDDELEN", "JO-INTIMIDATIE"], start=1
        )
    ]
    # Noise in the same buurt is not youth nuisance; youth nuisance elsewhere is another buurt.
    signal_at(actors["boa"], category="WO-GELUID", buurt=buurt, address="Plein 9")
    for n in range(4):
        signal_at(
            actors["boa"],
            category="JO-HANGEN",
            buurt=buurt_of(municipality, 3, 1),
            address=f"Laan {n + 1}",
        )

    [proposal] = bundle_proposals(municipality_id=municipality.pk, today=timezone.localdate())

    assert proposal.kind == "buurt"
    assert proposal.buurt == buurt
    assert set(proposal.signal_ids) == {s.uuid for s in youth}


def test_the_window_ends_on_the_day_asked_for(actors, orgs):
    for days in (30, 35, 40):
        signal_at(actors["boa"], days=days)
    municipality_id = orgs["gemeente"].municipality_id
    assert bundle_proposals(municipality_id=municipality_id, today=timezone.localdate()) == []
    earlier = timezone.localdate() - datetime.timedelta(days=20)
    assert len(bundle_proposals(municipality_id=municipality_id, today=earlier)) == 1
