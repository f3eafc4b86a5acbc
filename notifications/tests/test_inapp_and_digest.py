"""In-app notifications, their reads, and the daily digest (once per person per day)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from notifications.models import DeliveryStatus, Digest, EmailFrequency, Notification
from notifications.selectors import email_frequency_for, notifications_for, unread_count
from notifications.services import (
    digest_cutoff,
    digest_send,
    digests_dispatch,
    notification_mark_read,
    notification_preference_set,
    notifications_mark_all_read,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 3)


def notify(user, title: str, *, at: datetime.datetime, in_digest: bool = True) -> Notification:
    return Notification.objects.create(
        recipient=user, title=title, link="/casussen/", created_at=at, in_digest=in_digest
    )


def test_a_person_sees_and_reads_only_their_own_notifications(audience):
    me, other = audience
    mine = notify(me, "Mine", at=timezone.now(), in_digest=False)
    theirs = notify(other, "Theirs", at=timezone.now(), in_digest=False)

    assert list(notifications_for(user=me)) == [mine]
    assert unread_count(user=me) == 1
    assert notification_mark_read(user=me, notification_id=theirs.pk) is False
    assert notification_mark_read(user=me, notification_id=mine.pk) is True
    assert notification_mark_read(user=me, notification_id=mine.pk) is False
    assert unread_count(user=me) == 0 and unread_count(user=other) == 1
    assert notifications_mark_all_read(user=other) == 1


def test_the_preference_defaults_to_immediate_and_refuses_nonsense(audience):
    me = audience[0]
    assert email_frequency_for(user=me) == EmailFrequency.IMMEDIATE
    notification_preference_set(user=me, email=EmailFrequency.DAILY)
    assert email_frequency_for(user=me) == EmailFrequency.DAILY
    with pytest.raises(ValueError, match="frequency"):
        notification_preference_set(user=me, email="hourly")


def test_the_digest_lists_what_arrived_before_seven_and_goes_out_once_a_day(audience):
    me, other = audience
    seven = digest_cutoff(day=TODAY)
    assert timezone.localtime(seven).hour == 7
    notify(me, "Signal S-1 has not been triaged yet", at=seven - datetime.timedelta(hours=9))
    notify(me, "Signal S-2 has not been triaged yet", at=seven - datetime.timedelta(hours=1))
    later = notify(me, "Arrived after seven", at=seven + datetime.timedelta(minutes=5))
    notify(other, "Read at once", at=seven - datetime.timedelta(hours=1), in_digest=False)

    assert digests_dispatch(day=TODAY) == [me.pk]
    assert digest_send(user_id=me.pk, day=TODAY) is True
    assert digest_send(user_id=me.pk, day=TODAY) is False

    [message] = mail.outbox
    assert message.to == [me.email]
    assert "S-1" in message.body and "S-2" in message.body
    assert "Arrived after seven" not in message.body
    assert message.extra_headers["Message-ID"] == f"<digest-{me.pk}-{TODAY}@localhost>"
    digest = Digest.objects.get(recipient=me, day=TODAY)
    assert digest.status == DeliveryStatus.SENT and digest.items == 2
    assert digests_dispatch(day=TODAY) == []
    later.refresh_from_db()
    assert later.in_digest is True  # tomorrow's


def test_a_digest_that_failed_to_send_is_tried_again_the_same_day(audience, monkeypatch):
    me = audience[0]
    notify(me, "Owed", at=digest_cutoff(day=TODAY) - datetime.timedelta(hours=1))

    def down(message, fail_silently=False):
        raise ConnectionRefusedError

    monkeypatch.setattr("notifications.services.EmailMultiAlternatives.send", down)
    with pytest.raises(ConnectionRefusedError):
        digest_send(user_id=me.pk, day=TODAY)
    assert digests_dispatch(day=TODAY) == [me.pk]
    monkeypatch.undo()

    assert digest_send(user_id=me.pk, day=TODAY) is True
    assert len(mail.outbox) == 1
