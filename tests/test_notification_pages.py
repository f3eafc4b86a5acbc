"""The notification pages: Meldingen, the unread count in the top bar, the e-mail choice.

Here rather than in notifications/tests: the pages are signed into through permissions.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import EmailFrequency, Notification
from notifications.selectors import email_frequency_for, unread_count
from permissions.tests.factories import signed_in

pytestmark = pytest.mark.django_db

LIST = "/meldingen/"


def notify(user, title: str, *, link: str = "/casussen/", read: bool = False, age: int = 0):
    return Notification.objects.create(
        recipient=user,
        title=title,
        link=link,
        created_at=timezone.now() - datetime.timedelta(minutes=age),
        read_at=timezone.now() if read else None,
    )


def test_the_list_shows_own_notifications_newest_first_with_unread_marked(actors):
    notify(actors["coordinator"], "Oudste melding", age=30, read=True)
    notify(actors["coordinator"], "Nieuwste melding", age=1)
    notify(actors["colleague"], "Melding van een ander")

    page = signed_in(actors["coordinator"]).get(LIST)

    assert page.status_code == 200
    html = page.content.decode()
    assert html.index("Nieuwste melding") < html.index("Oudste melding")
    assert "Melding van een ander" not in html
    assert html.count('class="card notification unread"') == 1
    assert "Meldingen" in html and "Alles gelezen" in html


def test_the_top_bar_counts_the_unread_notifications(actors):
    notify(actors["coordinator"], "Een")
    notify(actors["coordinator"], "Twee")
    notify(actors["coordinator"], "Drie", read=True)

    html = signed_in(actors["coordinator"]).get("/overleggen/").content.decode()

    assert 'data-testid="unread-count"' in html
    assert '2 ongelezen">2</span>' in html


def test_without_unread_notifications_there_is_no_badge(actors):
    html = signed_in(actors["coordinator"]).get(LIST).content.decode()

    assert 'data-testid="unread-count"' not in html
    assert "Geen meldingen." in html


def test_the_unread_count_costs_one_query_per_page(actors):
    notify(actors["coordinator"], "Een")
    client = signed_in(actors["coordinator"])

    with CaptureQueriesContext(connection) as queries:
        client.get("/overleggen/")

    sql = [q["sql"] for q in queries.captured_queries]
    counted = [q for q in sql if "notifications_notification" in q]
    assert len(counted) == 1 and "COUNT(" in counted[0]


def test_a_page_for_someone_signed_out_counts_nothing(client):
    with CaptureQueriesContext(connection) as queries:
        client.get("/aanmelden/")

    assert not [q for q in queries.captured_queries if "notifications_" in q["sql"]]


def test_opening_a_notification_marks_it_read_and_follows_its_link(actors):
    notice = notify(actors["coordinator"], "Open mij", link="/acties/")
    client = signed_in(actors["coordinator"])

    response = client.get(f"{LIST}{notice.pk}/")

    assert response.status_code == 302 and response["Location"] == "/acties/"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_a_link_to_another_site_is_never_followed(actors):
    notice = notify(actors["coordinator"], "Elders", link="https://elders.example/")

    response = signed_in(actors["coordinator"]).get(f"{LIST}{notice.pk}/")

    assert response["Location"] == LIST


def test_another_persons_notification_cannot_be_opened_or_marked(actors):
    notice = notify(actors["colleague"], "Niet van jou")

    response = signed_in(actors["coordinator"]).get(f"{LIST}{notice.pk}/")

    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_all_read_marks_only_own_notifications(actors):
    notify(actors["coordinator"], "Een")
    notify(actors["coordinator"], "Twee")
    theirs = notify(actors["colleague"], "Van een ander")
    client = signed_in(actors["coordinator"])

    response = client.post(f"{LIST}alles-gelezen/")

    assert response.status_code == 302
    assert unread_count(user=actors["coordinator"]) == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(f"{LIST}alles-gelezen/").status_code == 405


def test_the_email_choice_is_shown_and_saved(actors):
    client = signed_in(actors["coordinator"])

    page = client.get(f"{LIST}instellingen/")
    assert page.status_code == 200
    assert 'value="immediate" required checked' in page.content.decode().replace(
        ' id="id_email_0"', ""
    )

    response = client.post(f"{LIST}instellingen/", {"email": EmailFrequency.DAILY})

    assert response.status_code == 302
    assert email_frequency_for(user=actors["coordinator"]) == EmailFrequency.DAILY
    assert 'value="daily" required checked' in client.get(
        f"{LIST}instellingen/"
    ).content.decode().replace(' id="id_email_1"', "")


def test_an_unknown_email_choice_is_refused(actors):
    client = signed_in(actors["coordinator"])

    page = client.post(f"{LIST}instellingen/", {"email": "hourly"})

    assert page.status_code == 200
    assert email_frequency_for(user=actors["coordinator"]) == EmailFrequency.IMMEDIATE


def test_the_pages_need_a_signed_in_person(client):
    for path in (LIST, f"{LIST}instellingen/"):
        response = client.get(path)
        assert response.status_code == 302 and "/aanmelden/" in response["Location"]


def test_the_pages_hold_no_inline_script(actors):
    notify(actors["coordinator"], "Een")
    client = signed_in(actors["coordinator"])
    for path in (LIST, f"{LIST}instellingen/"):
        html = client.get(path).content.decode()
        assert "<script>" not in html and "onclick" not in html
