"""The whole double opt-in flow, through the pages, a real SMTP server and the task worker's
own code: subscribe, confirm, an alert when a matching release is published, one-click
unsubscribe, and nothing after."""

import pytest

from alerts.models import AlertDelivery, Subscription
from mailing.models import Delivery
from tests.alerts.helpers import html_of, links, one_click, sign_up, text_of
from tests.support.factories import ReleaseFactory, TopicFactory
from tests.support.tasks import run_tasks

pytestmark = pytest.mark.django_db

QUERY = "senator=amy-klobuchar&topic=human-trafficking"
WORDS = "Releases from Amy Klobuchar (D-MN) on Human trafficking"


@pytest.fixture
def trafficking(db):
    return TopicFactory(name="Human trafficking", slug="human-trafficking")


def test_subscribe_confirm_alert_and_one_click_unsubscribe(
    client, smtp_server, klobuchar, heitkamp, trafficking
):
    page = client.get(f"/alerts/?{QUERY}")
    assert page.status_code == 200
    assert WORDS in page.content.decode()
    assert "no-store" in page["Cache-Control"] and "noindex" in page["X-Robots-Tag"]

    response = sign_up(client, QUERY, "Reader@Example.COM")
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    subscription = Subscription.objects.get()
    assert subscription.email == "reader@example.com" and not subscription.is_confirmed()
    assert subscription.consent_words == WORDS
    assert subscription.consent_query == QUERY

    run_tasks()
    [request] = smtp_server.messages
    assert request["To"] == "reader@example.com"
    assert "Confirm your alert" in request["Subject"] and WORDS in request["Subject"]
    [confirm] = links(request, "/alerts/confirm/")

    # Not confirmed yet: a matching release sends nothing to the address.
    ReleaseFactory(title="Before confirming", senators=[klobuchar], topics=[trafficking])
    run_tasks()
    assert len(smtp_server.messages) == 1

    # The link shows a button (mail scanners open links); only the POST confirms.
    shown = client.get(confirm)
    assert shown.status_code == 200 and "Confirm and start the alert" in shown.content.decode()
    subscription.refresh_from_db()
    assert not subscription.is_confirmed()
    done = client.post(confirm)
    assert done.status_code == 302
    subscription.refresh_from_db()
    assert subscription.is_confirmed()
    assert "Confirmed." in client.get(done["Location"]).content.decode()

    # A matching release: one alert. One that does not match (another senator): none.
    release = ReleaseFactory(
        title="Klobuchar, Heitkamp Join Effort to Stop Trafficking",
        senators=[klobuchar, heitkamp], topics=[trafficking],
        highlights="Bill protects victims\nFunds shelters",
    )  # fmt: skip
    ReleaseFactory(title="Someone else", senators=[heitkamp], topics=[trafficking])
    run_tasks()
    [alert] = smtp_server.messages[1:]
    assert alert["Subject"] == release.title
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert alert["List-Unsubscribe"].startswith("<http") and "/alerts/unsubscribe/" in alert[
        "List-Unsubscribe"]  # fmt: skip
    assert alert["Precedence"] == "bulk" and alert["Auto-Submitted"] == "auto-generated"
    assert alert["Message-ID"] and alert["Date"]
    assert {p.get_content_type() for p in alert.iter_parts()} == {"text/plain", "text/html"}
    text, html = text_of(alert), html_of(alert)
    for part in (text, html):
        assert "Amy Klobuchar (D-MN)" in part and "Heidi Heitkamp (D-ND)" in part
        assert "Bill protects victims" in part and "Funds shelters" in part
        assert " EDT" in part or " EST" in part  # the time, in Eastern
        assert release.get_absolute_url() in part
    assert "<img" not in html  # readable without images, no tracking pixel
    assert f"because you follow {WORDS}" in " ".join(text.split())  # their own words
    assert "x-alerts-" not in text + html + alert["Subject"]  # every slot filled
    assert "<h1" in html
    [manage] = links(alert, "/alerts/manage/")
    assert "reader@example.com" in client.get(manage).content.decode()
    delivery = AlertDelivery.objects.get(kind="alert", release=release)
    assert delivery.state == Delivery.State.SENT and delivery.message_id == alert["Message-ID"]

    # One click in the mail program: a bare POST, no CSRF token, no cookie.
    response = one_click(alert["List-Unsubscribe"])
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.is_unsubscribed()
    assert subscription.unsubscribed_via == Subscription.Via.ONE_CLICK

    ReleaseFactory(title="After", senators=[klobuchar], topics=[trafficking])
    run_tasks()
    assert len(smtp_server.messages) == 2  # nothing more


def test_each_subscribers_own_links_and_words_go_into_a_shared_body(client, smtp_server,
                                                                    klobuchar):  # fmt: skip
    from tests.alerts.helpers import confirmed

    farms = TopicFactory(name="Farms & <Food>", slug="farms")
    one = confirmed(client, smtp_server, "topic=farms", "one@example.com")
    two = confirmed(client, smtp_server, "topic=farms&senator=amy-klobuchar", "two@example.com")
    ReleaseFactory(title="Farm aid", senators=[klobuchar], topics=[farms])
    run_tasks()

    for subscription in (one, two):
        [alert] = [m for m in smtp_server.to(subscription.email) if m["Subject"] == "Farm aid"]
        text, html = text_of(alert), html_of(alert)
        assert subscription.consent_words in " ".join(text.split())
        assert "Farms &amp; &lt;Food&gt;" in html and "<Food>" not in html
        [unsubscribe] = links(alert, "/alerts/unsubscribe/")
        assert unsubscribe in alert["List-Unsubscribe"] and unsubscribe in html
        other = two if subscription is one else one
        assert other.email not in text + html
    tokens = {
        links(m, "/alerts/manage/")[0] for m in smtp_server.messages if m["Subject"] == "Farm aid"
    }
    assert len(tokens) == 2
