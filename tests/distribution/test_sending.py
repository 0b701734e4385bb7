"""A press secretary sends a scheduled release to a press list: real SMTP (aiosmtpd on
127.0.0.1), the tasks run by django-tasks-db's own worker code in this process.

Each reporter gets the release under embargo with a preview link of their own; the release's
page shows when each email went and each opening of each link; one link revoked leaves the
others working; at the embargo the links lead to the public page and the "now public"
follow-up goes if it was chosen, as do correction notes.
"""

import html
import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from distribution.models import Distribution, PressContact, PressDelivery
from distribution.services import distribution_create
from distribution.tasks import send_press_mail
from mailing.models import CLAIM_TIMEOUT, RETRY_DELAYS
from releases.models import Correction, PreviewLink, PreviewLinkOpen, Release, SignOff
from releases.services import release_unpublish
from tests.distribution.conftest import EMBARGO, EMBARGO_LINE, contact, press_list
from tests.support.tasks import run_tasks

pytestmark = pytest.mark.django_db

CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
PREVIEW = re.compile(r"https?://[^/\s]+(/preview/[^/\s]+/)")


def send_url(release):
    return reverse("admin:distribution_send", args=[release.pk])


def change_url(release):
    return reverse("admin:releases_release_change", args=[release.pk])


def words(markup):
    """What a reader sees of some HTML: the text, tags gone, spaces run together."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", markup)))


def page(response):
    return words(response.content.decode())


def press_section(response):
    text = response.content.decode()
    start = text.find('id="press"')
    assert start != -1, "no press section on the page"
    return words(text[start : text.index("</section>", start)])


def shown_messages(response):
    """The messages this request's view added (not those left from earlier requests)."""
    return [str(m) for m in get_messages(response.wsgi_request)._queued_messages]


def send(client, committed, release, lists, **choices):
    """What the send page posts when the press secretary presses "Send"."""
    data = {"lists": [pl.pk for pl in lists], "step": "send"}
    data.update({name: "on" for name, chosen in choices.items() if chosen})
    with committed():
        return client.post(send_url(release), data)


def parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    markup = message.get_body(preferencelist=("html",)).get_content()
    return text, markup


def link_in(message):
    return PREVIEW.search(parts(message)[0])[1]


@pytest.fixture
def sent(client, committed, secretary, reporters, scheduled, smtp_server):
    """The release sent to "Minnesota dailies" with both follow-ups, and the mail out."""
    client.force_login(secretary)
    response = send(client, committed, scheduled, [reporters["list"]],
                    follow_up_when_public=True, send_corrections=True)  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    run_tasks()
    return response


def test_the_send_page_shows_the_lists_counts_and_who_will_be_skipped(
    client, secretary, reporters, scheduled
):
    client.force_login(secretary)
    response = client.get(send_url(scheduled))
    assert response.status_code == 200
    shown = page(response)
    assert "Embargoed until Tuesday, May 20, 2014, 12:00 p.m. EDT" in shown
    assert "Amy Klobuchar (D-MN)" in shown
    assert "Minnesota dailies" in shown
    assert "1: Lee Moe" in shown  # unsubscribed, and named

    review = client.post(send_url(scheduled), {"lists": [reporters["list"].pk], "step": "review"})
    shown = page(review)
    assert "Each of these 2 reporters gets the release now" in shown
    assert "Jane Doe, Star Tribune" in shown and "Raj Patel, Pioneer Press" in shown
    assert "Skipped, unsubscribed (1): Lee Moe (MPR News)" in shown
    assert not Distribution.objects.exists()  # reviewing sends nothing


def test_each_reporter_gets_the_embargoed_release_in_full_with_a_link_of_their_own(
    sent, reporters, scheduled, smtp_server
):
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "jane.doe@startribune.example", "raj@pioneerpress.example",
    ]  # fmt: skip
    assert smtp_server.to("lee@mpr.example") == []  # unsubscribed
    assert shown_messages(sent) == [
        "Sending “Klobuchar Bill to Help Trafficking Victims Passes Committee” under embargo "
        "to 2 reporter(s) now; each gets a link of their own. 1 unsubscribed: skipped."
    ]

    message = smtp_server.to("jane.doe@startribune.example")[0]
    text, markup = parts(message)
    assert message["Subject"].startswith(EMBARGO_LINE)
    assert text.splitlines()[0] == EMBARGO_LINE
    assert EMBARGO_LINE in markup.split("<h1")[0]  # at the top, above the title
    for words in ["Klobuchar Bill to Help Trafficking Victims Passes Committee",
                  "Amy Klobuchar (D-MN)", "Bill gives victims a path to services",
                  "Minneapolis, MN —", "No child should be for sale in Minnesota.",
                  "The bill now goes to the full Senate.", "Jordan Ali"]:  # fmt: skip
        assert words in text and words in html.unescape(markup), words
    assert "<h1" in markup and "<h2" in markup  # real headings
    assert "<strong>announced</strong>" in markup  # the body as the page renders it
    assert "<img" not in markup  # nothing to fetch: no tracking pixel
    assert "Read “Klobuchar Bill" in html.unescape(markup)  # link text that says where

    delivery = PressDelivery.objects.get(contact=reporters["jane"], kind="embargoed")
    assert delivery.state == PressDelivery.State.SENT
    assert delivery.message_id == message["Message-ID"]
    assert link_in(message) == delivery.preview_link.get_absolute_url()
    assert link_in(message) != link_in(smtp_server.to("raj@pioneerpress.example")[0])
    assert delivery.preview_link.label == "Star Tribune, Jane Doe"
    assert delivery.preview_link.expires_at == EMBARGO + timedelta(days=7)

    # As mail providers expect bulk mail: one-click unsubscribe (RFC 8058), not folded into
    # encoded-words, and no auto-replies.
    raw = dict(message.raw_items())
    token = reporters["jane"].unsubscribe_token()
    assert raw["List-Unsubscribe"] == f"<http://127.0.0.1:8000/press/unsubscribe/{token}/>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated" and message["Precedence"] == "bulk"
    assert message["Date"] and message["List-Id"].endswith("<press-amy-klobuchar.localhost>")
    assert message["Reply-To"] == "jordan_ali@klobuchar.senate.gov"
    assert message.get_content_type() == "multipart/alternative"


def test_the_release_page_shows_who_opened_their_link_when_and_with_what(
    sent, client, reporters, scheduled, smtp_server, monday
):
    jane_link = link_in(smtp_server.to("jane.doe@startribune.example")[0])
    reader = Client()
    monday.shift(timedelta(minutes=5))
    assert reader.get(jane_link, HTTP_USER_AGENT=CHROME_ON_WINDOWS).status_code == 200
    monday.shift(timedelta(hours=2))
    assert reader.get(jane_link, HTTP_USER_AGENT=SAFARI_ON_IPHONE).status_code == 200

    section = press_section(client.get(change_url(scheduled)))
    assert "Sent May 19, 2014, 9:00 a.m. EDT by Jordan Ali to “Minnesota dailies”" in section
    assert "1 of 3 opened their link" in section
    jane_row = section[section.index("Jane Doe") : section.index("Lee Moe")]
    assert "Sent May 19, 2014, 9:00 a.m. EDT" in jane_row
    assert "May 19, 2014, 11:05 a.m. EDT · Safari on iPhone" in jane_row
    assert "May 19, 2014, 9:05 a.m. EDT · Chrome on Windows" in jane_row
    assert jane_row.index("Safari on iPhone") < jane_row.index("Chrome on Windows")  # newest first
    lee_row = section[section.index("Lee Moe") : section.index("Raj Patel")]
    assert "Not sent: Lee Moe unsubscribed on May 19, 2014, 9:00 a.m. EDT." in lee_row
    raj_row = section[section.index("Raj Patel") :]
    assert "Not opened" in raj_row

    # What an opening keeps: when, what the link answered, and a few words on the program.
    assert {f.name for f in PreviewLinkOpen._meta.get_fields()} == {
        "id", "link", "opened_at", "client", "outcome",
    }  # fmt: skip
    # Press recipients' links are listed with their emails, not among the other links.
    form_links = client.get(change_url(scheduled)).context["inline_admin_formsets"]
    previews = next(f for f in form_links if f.opts.model is PreviewLink)
    assert [form.instance.pk for form in previews.formset.forms if form.instance.pk] == []


def test_revoking_one_reporters_link_leaves_the_others_working(
    sent, client, reporters, scheduled, smtp_server
):
    jane = PressDelivery.objects.get(contact=reporters["jane"], kind="embargoed")
    response = client.post(reverse("admin:distribution_revoke", args=[jane.pk]))
    assert "Jane Doe (Star Tribune)'s link is revoked" in shown_messages(response)[0]

    reader = Client()
    revoked = reader.get(link_in(smtp_server.to("jane.doe@startribune.example")[0]))
    assert revoked.status_code == 410
    assert scheduled.title not in revoked.content.decode()
    assert reader.get(link_in(smtp_server.to("raj@pioneerpress.example")[0])).status_code == 200
    section = press_section(client.get(change_url(scheduled)))
    assert "Revoked May 19, 2014, 9:00 a.m. EDT" in section
    assert "(refused: the link had ended)" in section  # the revoked link, tried anyway
    assert "Revoke Raj Patel's link" in section and "Revoke Jane Doe's link" not in section


def test_at_the_embargo_links_lead_to_the_public_page_and_now_public_goes_out(
    sent, client, reporters, scheduled, smtp_server, monday
):
    link = link_in(smtp_server.to("raj@pioneerpress.example")[0])
    assert len(smtp_server.messages) == 2
    monday.move_to(EMBARGO - timedelta(seconds=1))
    run_tasks()
    assert len(smtp_server.messages) == 2  # nothing before its second
    monday.move_to(EMBARGO + timedelta(seconds=1))
    run_tasks()

    follow_ups = [m for m in smtp_server.messages if m["Subject"].startswith("Now public")]
    assert sorted(m["To"] for m in follow_ups) == [
        "jane.doe@startribune.example", "raj@pioneerpress.example",
    ]  # fmt: skip
    text, _ = parts(follow_ups[0])
    assert "http://127.0.0.1:8000" + scheduled.get_absolute_url() in text
    assert "EMBARGOED" not in text

    redirected = Client().get(link, HTTP_USER_AGENT=CHROME_ON_WINDOWS)
    assert redirected.status_code == 302
    assert redirected["Location"] == scheduled.get_absolute_url()
    opened = PreviewLinkOpen.objects.get(link__press_delivery__contact=reporters["raj"])
    assert opened.outcome == PreviewLinkOpen.Outcome.PUBLIC  # an opening all the same

    run_tasks()
    assert len(smtp_server.messages) == 4  # once each, however often the worker runs
    section = press_section(client.get(change_url(scheduled)))
    assert "Now public: Sent May 20, 2014, 12:00 p.m. EDT" in section


def test_a_correction_is_sent_to_those_who_had_the_release(
    sent, committed, reporters, scheduled, smtp_server, monday
):
    monday.move_to(EMBARGO + timedelta(hours=3))
    run_tasks()  # the "now public" emails
    with committed():
        Correction.objects.create(
            release=scheduled, text="An earlier version misstated the bill's number."
        )
    run_tasks()
    notes = [m for m in smtp_server.messages if m["Subject"].startswith("Correction")]
    assert sorted(m["To"] for m in notes) == [
        "jane.doe@startribune.example", "raj@pioneerpress.example",
    ]  # fmt: skip
    text, markup = parts(notes[0])
    assert "An earlier version misstated the bill's number." in text
    assert "corrected Tuesday, May 20, 2014, 3:00 p.m. EDT" in text
    assert scheduled.get_absolute_url() in text
    assert "<h1" in markup


def test_no_follow_up_and_no_correction_note_unless_chosen(
    client, committed, secretary, reporters, scheduled, smtp_server, monday
):
    client.force_login(secretary)
    send(client, committed, scheduled, [reporters["list"]])
    run_tasks()
    assert len(smtp_server.messages) == 2
    monday.move_to(EMBARGO + timedelta(minutes=1))
    with committed():
        Correction.objects.create(release=scheduled, text="A typo in the headline.")
    run_tasks()
    assert len(smtp_server.messages) == 2
    assert not PressDelivery.objects.exclude(kind="embargoed").exists()


def test_a_rescheduled_release_is_followed_up_at_its_new_time(
    client, committed, secretary, reporters, scheduled, smtp_server, monday
):
    client.force_login(secretary)
    send(client, committed, scheduled, [reporters["list"]], follow_up_when_public=True)
    run_tasks()
    later = EMBARGO + timedelta(days=1)
    with committed():
        scheduled.published_at = later
        scheduled.save()

    monday.move_to(EMBARGO + timedelta(minutes=1))
    run_tasks()  # the run planned for the old time finds the time moved
    assert not [m for m in smtp_server.messages if m["Subject"].startswith("Now public")]
    monday.move_to(later + timedelta(seconds=1))
    run_tasks()
    assert len([m for m in smtp_server.messages if m["Subject"].startswith("Now public")]) == 2


def test_an_email_not_yet_out_when_the_release_returns_to_draft_is_not_sent(
    client, committed, secretary, reporters, scheduled, smtp_server
):
    client.force_login(secretary)
    send(client, committed, scheduled, [reporters["list"]])
    release_unpublish(release=scheduled, by=secretary)
    run_tasks()
    assert smtp_server.messages == []
    jane = PressDelivery.objects.get(contact=reporters["jane"], kind="embargoed")
    assert jane.state == PressDelivery.State.SKIPPED
    assert jane.last_error == "Not sent: the release was no longer scheduled (taken back to draft)."


def test_a_contact_who_unsubscribes_before_their_email_goes_is_skipped(
    client, committed, secretary, reporters, scheduled, smtp_server
):
    client.force_login(secretary)
    send(client, committed, scheduled, [reporters["list"]])
    PressContact.objects.filter(pk=reporters["raj"].pk).update(
        unsubscribed_at=scheduled.created_at, unsubscribed_via=PressContact.Via.ONE_CLICK
    )
    run_tasks()
    assert [m["To"] for m in smtp_server.messages] == ["jane.doe@startribune.example"]
    raj = PressDelivery.objects.get(contact=reporters["raj"])
    assert raj.state == PressDelivery.State.SKIPPED and "unsubscribed" in raj.last_error


# Nothing lost, nothing twice.


def test_a_refusal_for_now_is_retried_shown_to_staff_and_then_sent(
    client, committed, secretary, reporters, scheduled, smtp_server, monday
):
    smtp_server.mailbox.refuse_for_now.add("raj@pioneerpress.example")
    client.force_login(secretary)
    send(client, committed, scheduled, [reporters["list"]])
    run_tasks()
    raj = PressDelivery.objects.get(contact=reporters["raj"])
    assert raj.state == PressDelivery.State.RETRY
    section = press_section(client.get(change_url(scheduled)))
    assert "Not sent yet, trying again May 19, 2014, 9:01 a.m. EDT." in section
    assert "451 4.3.0 Try again later" in section

    smtp_server.mailbox.refuse_for_now.clear()
    monday.shift(timedelta(seconds=RETRY_DELAYS[0] + 1))
    run_tasks()
    assert [m["To"] for m in smtp_server.to("raj@pioneerpress.example")] == [
        "raj@pioneerpress.example"
    ]
    assert len(smtp_server.messages) == 2  # Jane's went once


def test_a_mailbox_refused_for_good_fails_with_the_servers_words_on_the_page(
    client, committed, secretary, reporters, scheduled, smtp_server
):
    smtp_server.mailbox.refuse_for_good.add("raj@pioneerpress.example")
    client.force_login(secretary)
    send(client, committed, scheduled, [reporters["list"]])
    run_tasks()
    section = press_section(client.get(change_url(scheduled)))
    assert "Failed: Refused by the mail server: raj@pioneerpress.example: 550" in section
    assert "No such mailbox here" in section
    assert "1 failed" in section


def test_a_server_that_is_down_loses_nothing_and_is_tried_again(
    client, committed, secretary, reporters, scheduled, smtp_server, monday
):
    smtp_server.stop()
    client.force_login(secretary)
    send(client, committed, scheduled, [reporters["list"]])
    run_tasks()
    assert set(PressDelivery.objects.filter(kind="embargoed").values_list("state", flat=True)) == {
        PressDelivery.State.PENDING,
        PressDelivery.State.SKIPPED,
    }
    assert "2 on the way" in press_section(client.get(change_url(scheduled)))

    smtp_server.start()
    monday.shift(timedelta(seconds=61))
    run_tasks()
    assert len(smtp_server.messages) == 2


def test_running_the_tasks_again_or_twice_at_once_never_sends_twice(
    client, committed, secretary, reporters, scheduled, smtp_server, monday
):
    client.force_login(secretary)
    send(client, committed, scheduled, [reporters["list"]])
    distribution = Distribution.objects.get()
    send_press_mail.call(distribution.pk)  # a second worker on the same distribution
    run_tasks()
    run_tasks()
    monday.shift(timedelta(minutes=30))  # the watchdog's time
    run_tasks()
    assert len(smtp_server.messages) == 2


def test_a_worker_killed_mid_batch_is_taken_up_by_the_watchdog(
    client, committed, secretary, reporters, scheduled, smtp_server, monday
):
    client.force_login(secretary)
    send(client, committed, scheduled, [reporters["list"]])
    # The worker claimed Jane's email, then died before the server had it.
    jane = PressDelivery.objects.get(contact=reporters["jane"])
    assert jane.claim()
    run_tasks()
    assert [m["To"] for m in smtp_server.messages] == ["raj@pioneerpress.example"]
    monday.shift(CLAIM_TIMEOUT + timedelta(minutes=2))
    run_tasks()
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "jane.doe@startribune.example", "raj@pioneerpress.example",
    ]  # fmt: skip


def test_a_second_send_reaches_only_those_not_yet_sent_to(
    client, committed, secretary, reporters, scheduled, smtp_server, klobuchar
):
    client.force_login(secretary)
    send(client, committed, scheduled, [reporters["list"]])
    run_tasks()
    newcomer = contact(klobuchar, "Ana Ruiz", "ana@kstp.example", "KSTP")
    reporters["list"].contacts.add(newcomer)
    farm = press_list(klobuchar, "Farm press", [reporters["jane"], newcomer])

    response = send(client, committed, scheduled, [reporters["list"], farm])
    assert response.status_code == 302
    assert "to 1 reporter(s) now" in shown_messages(response)[0]
    assert "2 already had it." in shown_messages(response)[0]
    run_tasks()
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "ana@kstp.example", "jane.doe@startribune.example", "raj@pioneerpress.example",
    ]  # fmt: skip

    again = send(client, committed, scheduled, [farm])
    assert "there is no one new to send it to" in page(again)


def test_one_email_for_a_reporter_on_several_chosen_lists(
    client, committed, secretary, reporters, scheduled, smtp_server, klobuchar
):
    farm = press_list(klobuchar, "Farm press", [reporters["jane"]])
    client.force_login(secretary)
    send(client, committed, scheduled, [reporters["list"], farm])
    run_tasks()
    assert len(smtp_server.to("jane.doe@startribune.example")) == 1


# Refused.


def test_drafts_public_releases_and_pending_sign_offs_are_refused_with_reasons(
    client, secretary, reporters, scheduled, klobuchar, heitkamp
):
    client.force_login(secretary)
    draft = Release.objects.create(title="A draft", slug="a-draft", body="Text.")
    draft.releasesenator_set.create(senator=klobuchar, role="lead")
    assert "is a draft. Schedule it first" in page(client.get(send_url(draft)))

    scheduled.published_at = EMBARGO - timedelta(days=2)  # public since Saturday
    scheduled.save()
    shown = page(client.get(send_url(scheduled)))
    assert "is already public: there is no embargo to send it under" in shown
    with pytest.raises(Exception, match="already public"):
        distribution_create(release=scheduled, lists=[reporters["list"]], by=secretary)

    scheduled.published_at = EMBARGO
    scheduled.save()
    scheduled.releasesenator_set.create(senator=heitkamp, role="joint", order=1)
    SignOff.objects.create(release=scheduled, senator=heitkamp)
    shown = page(client.get(send_url(scheduled)))
    assert "It can't go to the press yet. Waiting for the sign-off of Heidi Heitkamp" in shown
    response = client.post(send_url(scheduled), {"lists": [reporters["list"].pk],
                                                 "step": "send"})  # fmt: skip
    assert response.status_code == 200
    assert not Distribution.objects.exists()


def test_an_assistant_cannot_send_and_sees_no_button(client, assistant, reporters, scheduled):
    client.force_login(assistant)
    assert "Send to press lists" not in client.get(change_url(scheduled)).content.decode()
    assert client.get(send_url(scheduled)).status_code == 403
    response = client.post(send_url(scheduled), {"lists": [reporters["list"].pk], "step": "send"})
    assert response.status_code == 403
    assert not Distribution.objects.exists()


def test_the_button_is_for_a_scheduled_release_and_a_secretary_of_its_office(
    client, secretary, other_secretary, scheduled
):
    client.force_login(secretary)
    assert send_url(scheduled) in client.get(change_url(scheduled)).content.decode()
    client.force_login(other_secretary)  # another office: the release is not theirs at all
    assert client.get(send_url(scheduled)).status_code == 403


def test_another_offices_list_is_refused(
    client, committed, secretary, reporters, scheduled, heitkamp
):
    theirs = press_list(heitkamp, "North Dakota press",
                        [contact(heitkamp, "Bo Lund", "bo@inforum.example")])  # fmt: skip
    with pytest.raises(Exception, match="not one of your office's lists"):
        distribution_create(release=scheduled, lists=[theirs], by=secretary)
    client.force_login(secretary)
    response = send(client, committed, scheduled, [theirs])
    assert response.status_code == 200
    assert "Select a valid choice" in page(response)
    assert "North Dakota press" not in page(client.get(send_url(scheduled)))
    assert not PressDelivery.objects.exists()


def test_the_release_page_keeps_its_queries_whatever_the_recipients(
    client, committed, secretary, reporters, scheduled, smtp_server, klobuchar
):
    client.force_login(secretary)
    send(client, committed, scheduled, [reporters["list"]])
    run_tasks()
    client.get(change_url(scheduled))  # warm: sessions, content types
    with CaptureQueriesContext(connection) as few:
        client.get(change_url(scheduled))
    for n in range(8):
        reporters["list"].contacts.add(contact(klobuchar, f"Reporter {n}", f"r{n}@example.com"))
    send(client, committed, scheduled, [reporters["list"]])
    run_tasks()
    for delivery in PressDelivery.objects.filter(preview_link__isnull=False):
        Client().get(delivery.preview_link.get_absolute_url(), HTTP_USER_AGENT=CHROME_ON_WINDOWS)
    with CaptureQueriesContext(connection) as many:
        response = client.get(change_url(scheduled))
    assert "10 of 11 opened their link" in press_section(response)
    assert len(many.captured_queries) == len(few.captured_queries)
