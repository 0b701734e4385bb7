"""A reporter stops getting an office's press email: the link in every email, and the mail
program's one-click button (RFC 8058)."""

import pytest
from django.test import Client

from distribution.models import PressContact
from tests.distribution.conftest import contact

pytestmark = pytest.mark.django_db


@pytest.fixture
def jane(klobuchar):
    return contact(klobuchar, "Jane Doe", "jane.doe@startribune.example", "Star Tribune")


def test_opening_the_link_only_asks_and_the_button_unsubscribes(client, jane):
    url = jane.unsubscribe_path()
    page = client.get(url)  # what a mail filter checking the link does too
    assert page.status_code == 200
    assert "Stop getting press releases from the office of Amy Klobuchar (D-MN)?" in (
        page.content.decode().replace("&#x27;", "'")
    )
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in page["Cache-Control"]
    jane.refresh_from_db()
    assert not jane.is_unsubscribed()

    done = client.post(url)
    assert done.status_code == 200
    assert "You're unsubscribed" in done.content.decode().replace("&#x27;", "'")
    jane.refresh_from_db()
    assert jane.is_unsubscribed() and jane.unsubscribed_via == PressContact.Via.LINK


def test_one_click_unsubscribe_needs_no_cookie_or_csrf_token(jane):
    provider = Client(enforce_csrf_checks=True)  # a mail provider's POST, as RFC 8058 has it
    response = provider.post(
        jane.unsubscribe_path(), "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    assert response.status_code == 200
    jane.refresh_from_db()
    assert jane.unsubscribed_via == PressContact.Via.ONE_CLICK
    first = jane.unsubscribed_at
    provider.post(jane.unsubscribe_path(), "List-Unsubscribe=One-Click",
                  content_type="application/x-www-form-urlencoded")  # fmt: skip
    jane.refresh_from_db()
    assert jane.unsubscribed_at == first  # once is once


def test_a_tampered_or_replaced_token_names_no_one(client, jane, klobuchar):
    other = contact(klobuchar, "Raj Patel", "raj@pioneerpress.example")
    token = jane.unsubscribe_token()
    forged = token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb")
    assert client.post(f"/press/unsubscribe/{forged}/").status_code == 404
    assert client.post("/press/unsubscribe/garbage/").status_code == 404

    PressContact.objects.filter(pk=jane.pk).update(key="a-new-key")  # every old link ends
    assert client.post(f"/press/unsubscribe/{token}/").status_code == 404
    jane.refresh_from_db()
    other.refresh_from_db()
    assert not jane.is_unsubscribed() and not other.is_unsubscribed()


def test_unsubscribing_from_one_office_leaves_the_others(client, klobuchar, heitkamp):
    mine = contact(klobuchar, "Jane Doe", "jane@example.com")
    theirs = contact(heitkamp, "Jane Doe", "jane@example.com")
    client.post(mine.unsubscribe_path())
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.is_unsubscribed() and not theirs.is_unsubscribed()
