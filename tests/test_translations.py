"""The Dutch translation is complete and its compiled file matches the source."""

from __future__ import annotations

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "nl" / "LC_MESSAGES"


def test_every_message_has_a_dutch_translation():
    po = polib.pofile(str(LOCALE / "django.po"))
    missing = [e.msgid for e in po.untranslated_entries() + po.fuzzy_entries()]
    assert missing == [], "run `make messages` and translate these"


def test_compiled_catalogue_matches_the_source():
    po = polib.pofile(str(LOCALE / "django.po"))
    mo = polib.mofile(str(LOCALE / "django.mo"))
    expected = {e.msgid: e.msgstr for e in po.translated_entries()}
    compiled = {e.msgid: e.msgstr for e in mo if e.msgid}
    assert compiled == expected, "run `make messages` to recompile locale/nl/LC_MESSAGES/django.mo"
