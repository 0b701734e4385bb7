"""The release form: its order, the publishing panel's buttons by role, what each does on
the server, the messages after, the checks before publishing, and the review step.

Forms are posted as a browser posts them (tests/staff/test_roles.py `browser_post`): every
field the page renders, plus the button pressed (`_action`).
"""

import re
from datetime import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.eastern import EASTERN
from releases.models import Release
from staff.roles import PRESS_ASSISTANTS, PRESS_SECRETARIES
from tests.staff.test_roles import browser_post
from tests.support.admin_forms import change_url, senators_formset
from tests.support.factories import (
    LegislationFactory,
    QuoteFactory,
    ReleaseFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/releases/release/add/"
# A Thursday morning in May 2014; the embargo the next day at noon.
NOW = datetime(2014, 5, 15, 10, 0, tzinfo=EASTERN)


@pytest.fixture(autouse=True)
def _in_may_2014():
    with time_machine.travel(NOW, tick=False):
        yield


def staff(username, group, senator):
    return staff_member(username, group, [senator], first_name=username.title(),
                        last_name="Doe")  # fmt: skip


@pytest.fixture
def secretary(klobuchar):
    return staff("sam", PRESS_SECRETARIES, klobuchar)


@pytest.fixture
def assistant(klobuchar):
    return staff("alex", PRESS_ASSISTANTS, klobuchar)


@pytest.fixture
def draft(klobuchar):
    return ReleaseFactory(
        title="Klobuchar Backs Rural Broadband", slug="klobuchar-backs-rural-broadband",
        status=Release.Status.DRAFT, published_at=None, senators=[klobuchar],
        body="Senator Klobuchar pressed for [the broadband bill's text](https://www.congress.gov/).",
    )  # fmt: skip


def logged_in(client, user):
    client.force_login(user)
    return client


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def buttons(html):
    """The panel's submit buttons, as (action, label)."""
    return re.findall(r'<button type="submit" name="_action" value="([\w-]+)"[^>]*>([^<]+)<', html)


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def followed_messages(client, response):
    assert response.status_code == 302, response.content.decode()[:2000]
    return [str(m) for m in client.get(response["Location"]).context["messages"]]


# The page


def test_the_form_runs_in_the_order_an_office_works(client, secretary, draft):
    html = page(logged_in(client, secretary), change_url(draft))
    order = [
        'id="id_title"', 'id="releasesenator_set-group"', 'id="id_dateline"',
        'id="id_highlights"', 'id="id_body"', 'id="quotes-group"', 'id="id_topics"',
        'id="id_legislation"', 'id="id_organizations"', 'id="id_lead_image"', 'id="id_slug"',
        'id="preview_links-group"', 'id="corrections-group"',
    ]  # fmt: skip
    positions = [html.index(marker) for marker in order]
    assert positions == sorted(positions)
    # The panel comes first, so it is at the top on a phone and its Save is the form's
    # default button (Enter in a field saves, never publishes).
    assert html.index('class="publish-panel') < positions[0]
    assert buttons(html)[0] == ("save", "Save draft")
    # Each formset once, with its management form, and the "Add another" template.
    for prefix in ("releasesenator_set", "quotes", "preview_links", "corrections"):
        assert html.count(f'name="{prefix}-TOTAL_FORMS"') == 1
    assert 'id="preview_links-empty"' in html


def test_no_empty_preview_link_row_until_staff_add_one(client, secretary, draft):
    html = page(logged_in(client, secretary), change_url(draft))
    assert 'name="preview_links-TOTAL_FORMS" value="0"' in html
    assert "Now:" not in html


def test_highlights_and_quotes_grow_with_their_text(client, secretary, draft, klobuchar):
    QuoteFactory(release=draft, senator=klobuchar, text="Words. " * 80)
    html = page(logged_in(client, secretary), change_url(draft))
    assert re.search(r'<textarea name="highlights"[^>]*class="[^"]*\bgrows\b', html)
    assert re.search(r'<textarea name="quotes-0-text"[^>]*class="[^"]*\bgrows\b', html)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        # "Schedule" is the picker's, under "Schedule…".
        ("secretary", ["Save draft", "Preview", "Publish now", "Schedule"]),
        ("assistant", ["Save draft", "Preview", "Ready for review"]),
    ],
)
def test_the_panel_offers_what_the_role_allows_on_a_draft(
    client, role, expected, secretary, assistant, draft
):
    user = {"secretary": secretary, "assistant": assistant}[role]
    html = page(logged_in(client, user), change_url(draft))
    assert [label for _, label in buttons(html)] == expected
    assert "Draft: not public" in html
    assert ("Schedule…" in html) is (role == "secretary")
    assert ('name="schedule_at"' in html) is (role == "secretary")


def test_the_panel_of_a_scheduled_release(client, secretary, klobuchar):
    scheduled = ReleaseFactory(
        published_at=datetime(2014, 5, 16, 12, tzinfo=EASTERN), senators=[klobuchar]
    )
    html = page(logged_in(client, secretary), change_url(scheduled))
    assert "Scheduled: goes public Friday, May 16, 2014 at 12:00 p.m. EDT" in html
    assert [label for _, label in buttons(html)] == [
        "Save changes", "Preview", "Publish now", "Move back to draft", "Schedule",
    ]  # fmt: skip
    assert "Reschedule…" in html
    assert 'value="2014-05-16T12:00"' in html  # the picker shows the embargo, in Eastern


def test_the_panel_of_a_published_release(client, secretary, klobuchar):
    public = ReleaseFactory(
        published_at=datetime(2014, 5, 1, 9, tzinfo=EASTERN), senators=[klobuchar]
    )
    html = page(logged_in(client, secretary), change_url(public))
    assert "Published Thursday, May 1, 2014 at 9:00 a.m. EDT" in html
    assert [label for _, label in buttons(html)] == ["Save changes", "Move back to draft"]
    assert f'href="{public.get_absolute_url()}"' in html


def test_the_panel_costs_the_same_queries_however_much_it_finds(client, secretary, klobuchar):
    """The checks read the text and the bills the form has already read: a release with many
    findings and citations costs what a clean one does. (The inline rows' pickers cost a
    query each, as Django's autocomplete widgets do; the rows are the same here.)"""

    def queries(release):
        with CaptureQueriesContext(connection) as captured:
            page(client, change_url(release))
        return len(captured)

    logged_in(client, secretary)
    LegislationFactory(bill_type="s", number=1733, congress=113, sponsor=klobuchar)
    LegislationFactory(bill_type="s", number=2599, congress=113, sponsor=klobuchar)
    clean, busy = (
        ReleaseFactory(
            senators=[klobuchar],
            published_at=None,
            status="draft",
            body=body,
            created_at=NOW,
            review_requested_at=NOW,
            review_requested_by=secretary,
        )
        for body in [
            "S. 1733 passed.",
            "S. 1733, S. 2599, H.R. 3610 and S. 12. [here](https://example.senate.gov/) "
            "[Chip in](https://secure.actblue.com/x) ![](/a.png) ![](/b.png)\n\n#### Low",
        ]
    )
    for release in (clean, busy):
        QuoteFactory(release=release, senator=klobuchar, text="Words.")
    queries(clean)  # warm: content types, permissions
    assert "publish-check--error" in page(client, change_url(busy))
    assert queries(busy) == queries(clean)


# The buttons


def test_schedule_sets_the_embargo_in_eastern_time_and_says_so(client, secretary, draft):
    response = browser_post(
        logged_in(client, secretary), change_url(draft),
        {"_action": "schedule", "schedule_at": "2014-05-16T12:00"},
    )  # fmt: skip

    said = followed_messages(client, response)
    draft.refresh_from_db()
    assert draft.status == Release.Status.PUBLISHED
    assert draft.published_at == datetime(2014, 5, 16, 12, tzinfo=EASTERN)
    assert draft.is_embargoed()
    assert said == [
        "Scheduled: goes public Friday, May 16, 2014 at 12:00 p.m. EDT. "
        f'<a href="/releases/preview/{draft.pk}/">Staff preview</a>'
    ]
    assert response["Location"] == change_url(draft)


@pytest.mark.parametrize(
    ("schedule_at", "error"),
    [
        ("", "Pick the day and time it goes public (Eastern time)."),
        ("2014-05-15T09:00", "Thursday, May 15, 2014 at 9:00 a.m. EDT has passed"),
        ("2014-13-45T09:00", "Enter a valid date/time."),
    ],
)
def test_schedule_needs_a_time_to_come(client, secretary, draft, schedule_at, error):
    response = browser_post(
        logged_in(client, secretary), change_url(draft),
        {"_action": "schedule", "schedule_at": schedule_at},
    )  # fmt: skip

    assert response.status_code == 200
    assert error in response.content.decode()
    assert Release.objects.get(pk=draft.pk).status == Release.Status.DRAFT
    # The picker is open again, with its error, for the next try.
    assert '<details class="publish-panel__schedule" open>' in response.content.decode()


def test_publish_now_publishes_and_links_the_public_page(client, secretary, draft):
    response = browser_post(logged_in(client, secretary), change_url(draft), {"_action": "publish"})

    said = followed_messages(client, response)
    draft.refresh_from_db()
    assert draft.is_public() and draft.published_at == NOW
    url = "http://testserver/releases/2014/05/klobuchar-backs-rural-broadband/"
    assert said == [f'Published: now public at <a href="{url}">{url}</a>']


def test_move_back_to_draft_keeps_the_time_and_says_so(client, secretary, klobuchar):
    public = ReleaseFactory(
        published_at=datetime(2014, 5, 1, 9, tzinfo=EASTERN), senators=[klobuchar]
    )
    response = browser_post(
        logged_in(client, secretary), change_url(public), {"_action": "unpublish"}
    )

    assert followed_messages(client, response) == ["Moved back to draft: it is not public."]
    public.refresh_from_db()
    assert public.is_draft()
    assert public.published_at == datetime(2014, 5, 1, 9, tzinfo=EASTERN)


def test_save_draft_keeps_a_draft_a_draft(client, secretary, draft):
    response = browser_post(
        logged_in(client, secretary), change_url(draft),
        {"_action": "save", "title": "Klobuchar Backs Broadband for Farms"},
    )  # fmt: skip

    assert followed_messages(client, response) == ["Draft saved: not public."]
    draft.refresh_from_db()
    assert draft.title == "Klobuchar Backs Broadband for Farms"
    assert draft.is_draft()


def test_save_changes_keeps_a_scheduled_release_scheduled(client, secretary, klobuchar):
    scheduled = ReleaseFactory(
        published_at=datetime(2014, 5, 16, 12, tzinfo=EASTERN), senators=[klobuchar]
    )
    response = browser_post(
        logged_in(client, secretary), change_url(scheduled), {"_action": "save"}
    )

    assert followed_messages(client, response)[0].startswith(
        "Saved. Scheduled: goes public Friday, May 16, 2014 at 12:00 p.m. EDT."
    )
    assert Release.objects.get(pk=scheduled.pk).published_at == scheduled.published_at


def test_preview_saves_and_opens_the_staff_preview(client, assistant, draft):
    response = browser_post(
        logged_in(client, assistant), change_url(draft),
        {"_action": "preview", "title": "A new title, previewed"},
    )  # fmt: skip

    assert response.status_code == 302
    assert response["Location"] == f"/releases/preview/{draft.pk}/"
    assert "A new title, previewed" in page(client, response["Location"])


def test_a_new_release_is_published_from_the_add_form(client, secretary, klobuchar):
    client = logged_in(client, secretary)
    response = browser_post(
        client, ADD_URL,
        {
            "title": "Klobuchar Statement", "slug": "klobuchar-statement", "body": "Words.",
            **senators_formset([{"senator": klobuchar.pk, "role": "lead", "order": "0"}]),
            "_action": "publish",
        },
    )  # fmt: skip

    release = Release.objects.get(slug="klobuchar-statement")
    assert release.is_public()
    assert followed_messages(client, response)[0].startswith("Published: now public at")


# The permission


@pytest.mark.parametrize(
    "changes",
    [
        {"_action": "publish"},
        {"_action": "schedule", "schedule_at": "2014-05-16T12:00"},
        {"_action": "send-back"},
        {"_action": "save", "schedule_at": "2014-05-16T12:00"},
    ],
)
def test_an_assistant_cannot_publish_whatever_the_browser_sends(client, assistant, draft, changes):
    response = browser_post(logged_in(client, assistant), change_url(draft), changes)

    assert response.status_code == 200
    assert "You may not publish, schedule or unpublish releases" in response.content.decode()
    assert Release.objects.get(pk=draft.pk).is_draft()


# The checks before publishing


def test_an_error_blocks_publishing_and_nothing_is_saved(client, secretary, draft):
    response = browser_post(
        logged_in(client, secretary), change_url(draft),
        {"_action": "publish", "body": "A chart: ![](https://example.senate.gov/chart.png)"},
    )  # fmt: skip

    html = response.content.decode()
    assert response.status_code == 200
    assert "This release can&#x27;t be published or scheduled until these are fixed" in html
    assert "An image in the body has no description" in html
    stored = Release.objects.get(pk=draft.pk)
    assert stored.is_draft() and "chart" not in stored.body


def test_an_error_blocks_scheduling_too(client, secretary, draft):
    response = browser_post(
        logged_in(client, secretary), change_url(draft),
        {"_action": "schedule", "schedule_at": "2014-05-16T12:00",
         "body": "<img src='/chart.png'>"},
    )  # fmt: skip

    assert response.status_code == 200
    assert Release.objects.get(pk=draft.pk).is_draft()


def test_an_error_in_a_draft_does_not_stop_saving_it(client, secretary, draft):
    response = browser_post(
        logged_in(client, secretary), change_url(draft),
        {"_action": "save", "body": "A chart: ![](https://example.senate.gov/chart.png)"},
    )  # fmt: skip

    assert response.status_code == 302
    html = page(client, change_url(draft))
    # The panel lists it where the office will see it before publishing.
    assert "publish-check--error" in html and "An image in the body has no description" in html


def test_warnings_need_publish_anyway(client, secretary, draft):
    client = logged_in(client, secretary)
    words = {"body": "The letter is [here](https://example.senate.gov/letter.pdf). Chip in!"}

    refused = browser_post(client, change_url(draft), {"_action": "publish", **words})

    html = refused.content.decode()
    assert refused.status_code == 200
    assert "The checks found 2 warning(s)" in html
    assert "A link reads “here”" in html
    assert "The text says “chip in”" in html
    assert Release.objects.get(pk=draft.pk).is_draft()

    published = browser_post(
        client, change_url(draft), {"_action": "publish", "publish_anyway": "on", **words}
    )

    assert published.status_code == 302
    assert Release.objects.get(pk=draft.pk).is_public()


def test_a_bill_cited_but_not_linked_is_a_warning_in_the_panel(client, secretary, draft, klobuchar):
    bill = LegislationFactory(bill_type="s", number=1733, congress=113, sponsor=klobuchar)
    Release.objects.filter(pk=draft.pk).update(body="Senator Klobuchar's S. 1733 passed.")
    client = logged_in(client, secretary)

    html = page(client, change_url(draft))
    assert "The text cites S. 1733 (113th Congress) but it is not linked" in html
    assert 'name="publish_anyway"' in html

    # Ticking it under "Bills cited in the text" links it: no warning, publishing goes.
    response = browser_post(
        client, change_url(draft), {"_action": "publish", "cited_bills": str(bill.pk)}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_public() and list(draft.legislation.all()) == [bill]


# The review step


def test_an_assistant_marks_a_draft_ready_for_review(client, assistant, secretary, draft):
    response = browser_post(logged_in(client, assistant), change_url(draft), {"_action": "review"})

    assert followed_messages(client, response) == [
        "Ready for review: the office's press secretaries see it on their desk."
    ]
    draft.refresh_from_db()
    assert draft.review_requested_at == NOW
    assert draft.review_requested_by == assistant
    assert draft.is_draft()
    html = page(client, change_url(draft))
    assert (
        "Ready for review since Thursday, May 15, 2014 at 10:00 a.m. EDT (marked by Alex Doe)"
        in html
    )
    assert "Ready for review" not in [label for _, label in buttons(html)]

    html = page(logged_in(client, secretary), change_url(draft))
    assert [label for _, label in buttons(html)] == [
        "Save draft", "Preview", "Publish now", "Send back", "Schedule",
    ]  # fmt: skip


def test_a_secretary_sends_a_draft_back(client, assistant, secretary, draft):
    asked = {"review_requested_at": NOW, "review_requested_by": assistant}
    Release.objects.filter(pk=draft.pk).update(**asked)

    response = browser_post(
        logged_in(client, secretary), change_url(draft), {"_action": "send-back"}
    )

    assert followed_messages(client, response) == ["Sent back: no longer waiting for review."]
    draft.refresh_from_db()
    assert draft.review_requested_at is None and draft.review_requested_by is None
    assert draft.is_draft()


def test_publishing_ends_the_review(client, assistant, secretary, draft):
    asked = {"review_requested_at": NOW, "review_requested_by": assistant}
    Release.objects.filter(pk=draft.pk).update(**asked)

    browser_post(logged_in(client, secretary), change_url(draft), {"_action": "publish"})

    draft.refresh_from_db()
    assert draft.is_public()
    assert draft.review_requested_at is None and draft.review_requested_by is None
