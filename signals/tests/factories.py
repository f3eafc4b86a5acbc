"""Signal bodies and signals filed through the service, as production files them."""

from __future__ import annotations

import copy
import datetime
from typing import Any

from django.utils import timezone

from permissions.models import Municipality, User
from signals.models import Signal
from signals.services import LocationInput, PersonInput, SignalInput, signal_file

# Fictitious people and places only. Both BSNs pass the elfproef.
SUBJECT_BSN = "123456782"
OTHER_BSN = "555555550"
DESCRIPTION = "Harde muziek en gebonk tot drie uur 's nachts, buren durven niet te klagen."


def wijk_of(municipality: Municipality, number: int = 1) -> str:
    """A wijk code of ``municipality``: WK + its 4 digits + 2 digits."""
    return f"WK{municipality.code[2:]}{number:02d}"


def buurt_of(municipality: Municipality, wijk: int = 1, number: int = 1) -> str:
    return f"BU{municipality.code[2:]}{wijk:02d}{number:02d}"


def body(**overrides: Any) -> dict[str, Any]:
    """A valid POST body; ``location`` and ``persons`` may be replaced as a whole."""
    data: dict[str, Any] = {
        "category": "WO-GELUID",
        "description": DESCRIPTION,
        "observed_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
        "location": {"address": "Meidoornlaan 31", "postcode": "9999 XY"},
        "persons": [
            {
                "role": "subject",
                "name": "Ria van der Steeg",
                "birth_date": "1984-11-23",
                "bsn": SUBJECT_BSN,
            },
            {"role": "reporter", "name": "Greet Oldenhof", "birth_date": "1958-07-02"},
        ],
    }
    data.update(copy.deepcopy(overrides))
    return data


def make_signal(
    reporter: User,
    *,
    category: str = "WO-GELUID",
    address: str = "Meidoornlaan 31",
    postcode: str = "9999XY",
    wijk: str = "",
    buurt: str = "",
    persons: tuple[PersonInput, ...] | None = None,
    observed_at: datetime.datetime | None = None,
    description: str = DESCRIPTION,
) -> Signal:
    if persons is None:
        persons = (
            PersonInput(
                role="subject",
                name="Ria van der Steeg",
                birth_date=datetime.date(1984, 11, 23),
                bsn=SUBJECT_BSN,
            ),
        )
    filed = signal_file(
        reporter=reporter,
        data=SignalInput(
            category=category,
            description=description,
            observed_at=observed_at or timezone.now() - datetime.timedelta(hours=1),
            location=LocationInput(address=address, postcode=postcode, wijk=wijk, buurt=buurt),
            persons=persons,
        ),
    )
    return filed.signal
