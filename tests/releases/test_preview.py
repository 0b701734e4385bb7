"""Seeing a release before it is public: staff preview, and links shared with reporters."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from core.eastern import EASTERN
from people.models import OfficeMembership
from releases.admin.releases import ReleaseAdmin
from releases.clients import client_description
from releases.models import PreviewLink, PreviewLinkOpen, Release
from releases.models.editorial import PREVIEW_LINK_SALT
from releases.services import preview_link_create, preview_link_revoke, release_unpublish
from tests.support import page_head
from tests.support.admin_forms import (
    change_url,
    opened_version,
    quotes_formset,
    release_form,
    senators_formset,
)
from tests.support.factories import ReleaseFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

# An embargo as the sample release had it: out on Tuesday morning, shared on Monday.
EMBARGO = datetime(2014, 5, 20, 10, tzinfo=EASTERN)
MONDAY = datetime(2014, 5, 19, 9, tzinfo=EASTERN)
EMBARGO_TEXT = "Embargoed until Tuesday, May 20, 2014, 10:00 a.m. EDT"


@pytest.fixture
def monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def superuser():
    return UserFactory(username="newsroom-admin", is_superuser=True)


OFFICE_PERMISSIONS = [
    "view_release", "change_release", "publish_release",
    "view_previewlink", "add_previewlink", "change_previewlink",
]  # fmt: skip


def office_staff(senator, username):
    """A press secretary in `senator`'s office: staff who may change, publish and share its
    releases; not a superuser."""
    user = UserFactory(username=username)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="releases", codename__in=OFFICE_PERMISSIONS
        )
    )
    OfficeMembership.objects.create(user=user, senator=senator)
    return user


@pytest.fixture
def draft(klobuchar):
    return ReleaseFactory(
        title="Klobuchar readies trafficking bill", status=Release.Status.DRAFT,
        published_at=None, senators=[klobuchar],
    )  # fmt: skip


@pytest.fixture
def scheduled(klobuchar, heitkamp, monday):
    return ReleaseFactory(
        title="Klobuchar, Heitkamp join local advocates", published_at=EMBARGO,
        senators=[klobuchar, heitkamp],
    )  # fmt: skip


def preview_url(release):
    return reverse("releases:preview", args=[release.pk])


def assert_private(response):
    """Nothing keeps the page, nothing indexes it, nothing reads it as the public page."""
    for directive in ["no-cache", "no-store", "must-revalidate", "private"]:
        assert directive in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    head = page_head.read(response)
    assert head.meta["robots"] == ["noindex, nofollow"]
    assert head.canonical is None
    assert head.json_ld == []
    assert not [key for key in head.meta if key.startswith(("og:", "article:", "twitter:"))]


def banner(response):
    html = response.content.decode()
    match = re.search(
        r'<section class="preview-banner[^"]*" role="status".*?</section>', html, re.S
    )
    assert match, "no preview banner"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match[0])).strip()


# Staff preview


def test_staff_preview_of_a_draft(client, superuser, draft):
    client.force_login(superuser)
    response = client.get(preview_url(draft))
    assert response.status_code == 200
    assert "Draft — not public" in banner(response)
    assert draft.title in response.content.decode()
    assert_private(response)


def test_staff_preview_of_a_scheduled_release_names_the_embargo_in_eastern_time(
    client, superuser, scheduled
):
    client.force_login(superuser)
    response = client.get(preview_url(scheduled))
    assert response.status_code == 200
    assert EMBARGO_TEXT in banner(response)
    assert "Heidi Heitkamp" in response.content.decode()  # the public design, senators and all
    assert_private(response)


def test_staff_preview_of_a_public_release_links_to_it(client, superuser, klobuchar):
    release = ReleaseFactory(senators=[klobuchar])
    client.force_login(superuser)
    response = client.get(preview_url(release))
    assert response.status_code == 200
    assert "Published" in banner(response)
    assert f'href="{release.get_absolute_url()}"' in response.content.decode()
    assert_private(response)


def test_public_page_keeps_its_canonical_and_metadata(client, klobuchar):
    release = ReleaseFactory(senators=[klobuchar])
    response = client.get(release.get_absolute_url())
    head = page_head.read(response)
    assert head.canonical.endswith(release.get_absolute_url())
    assert head.json_ld and "og:title" in head.meta
    assert "robots" not in head.meta
    assert "preview-banner" not in response.content.decode()


def test_anonymous_visitor_is_sent_to_the_admin_login(client, draft):
    response = client.get(preview_url(draft))
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={preview_url(draft)}"


def test_logged_in_non_staff_get_404(client, draft):
    client.force_login(UserFactory(username="reader", is_staff=False))
    response = client.get(preview_url(draft))
    assert response.status_code == 404
    assert draft.title not in response.content.decode()


def test_staff_see_their_own_office_only_and_superusers_see_all(
    client, superuser, klobuchar, heitkamp, draft
):
    client.force_login(office_staff(heitkamp, "heitkamp-press"))
    response = client.get(preview_url(draft))
    assert response.status_code == 404
    assert draft.title not in response.content.decode()

    client.force_login(office_staff(klobuchar, "klobuchar-press"))
    assert client.get(preview_url(draft)).status_code == 200

    client.force_login(superuser)
    assert client.get(preview_url(draft)).status_code == 200


def test_related_releases_in_a_preview_are_public_only(client, superuser, klobuchar):
    topic = TopicFactory()
    draft = ReleaseFactory(status=Release.Status.DRAFT, published_at=None, topics=[topic])
    public = ReleaseFactory(title="A public neighbour", topics=[topic])
    ReleaseFactory(title="A draft neighbour", status=Release.Status.DRAFT, published_at=None,
                   topics=[topic])  # fmt: skip
    ReleaseFactory(title="An embargoed neighbour",
                   published_at=timezone.now() + timedelta(days=1), topics=[topic])  # fmt: skip
    client.force_login(superuser)
    html = client.get(preview_url(draft)).content.decode()
    assert public.title in html
    assert "A draft neighbour" not in html
    assert "An embargoed neighbour" not in html


def test_view_on_site_points_unpublished_releases_at_the_staff_preview(draft, klobuchar):
    model_admin = ReleaseAdmin(Release, None)
    assert model_admin.view_on_site(draft) == preview_url(draft)
    public = ReleaseFactory(senators=[klobuchar])
    assert model_admin.view_on_site(public) == public.get_absolute_url()


def test_admin_change_page_links_a_draft_to_its_preview(client, superuser, draft):
    client.force_login(superuser)
    html = client.get(change_url(draft)).content.decode()
    assert f'href="{preview_url(draft)}"' in html  # "View on site"


# Preview links


@pytest.fixture
def link(scheduled, superuser):
    return preview_link_create(
        release=scheduled, label="AP, Jane Doe", expires_at=EMBARGO - timedelta(hours=1),
        by=superuser,
    )  # fmt: skip


def test_preview_link_shows_the_release_with_embargo_and_who_it_was_shared_with(
    client, link, scheduled
):
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    text = banner(response)
    assert EMBARGO_TEXT in text
    assert "Preview shared with AP, Jane Doe, expires Tuesday, May 20, 2014, 9:00 a.m. EDT" in text
    assert scheduled.title in response.content.decode()
    assert_private(response)


def test_preview_link_counts_views(client, link):
    assert link.view_count == 0 and link.last_viewed_at is None
    client.get(link.get_absolute_url())
    client.get(link.get_absolute_url())
    link.refresh_from_db()
    assert link.view_count == 2
    assert link.last_viewed_at == timezone.now()


def test_preview_link_works_until_it_expires(client, link, scheduled):
    with time_machine.travel(link.expires_at - timedelta(seconds=1), tick=False):
        assert client.get(link.get_absolute_url()).status_code == 200
    with time_machine.travel(link.expires_at + timedelta(seconds=1), tick=False):
        response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "This preview link has expired" in html
    assert scheduled.title not in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    link.refresh_from_db()
    assert link.view_count == 1


def test_revoked_preview_link_is_gone(client, link, scheduled, superuser):
    preview_link_revoke(link=link, by=superuser)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "This preview link has been revoked" in html
    assert scheduled.title not in html
    link.refresh_from_db()
    assert link.view_count == 0


def _tampered(token):
    """The token with one character of its payload changed."""
    i = 2
    return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]


@pytest.mark.parametrize("kind", ["one character", "signature", "garbage", "wrong salt"])
def test_tampered_preview_token_is_404_before_any_query(
    client, link, scheduled, kind, django_assert_num_queries
):
    token = link.token()
    bad = {
        "one character": _tampered(token),
        "signature": token[:-1] + ("A" if token[-1] != "A" else "B"),
        "garbage": "not-a-token",
        "wrong salt": signing.Signer(salt="something-else").sign_object([link.pk, link.key]),
    }[kind]
    with django_assert_num_queries(0):
        response = client.get(reverse("releases:preview-link", kwargs={"token": bad}))
    assert response.status_code == 404
    assert scheduled.title not in response.content.decode()


def test_a_link_cannot_be_turned_into_another(client, link, scheduled, superuser, klobuchar):
    other = preview_link_create(
        release=ReleaseFactory(title="Another embargoed release", published_at=EMBARGO,
                               senators=[klobuchar]),
        label="Reuters", expires_at=EMBARGO, by=superuser,
    )  # fmt: skip
    # Swapping the pk in the payload breaks the signature...
    payload, signature = link.token().rsplit(":", 1)
    swapped = signing.b64_encode(f'[{other.pk},"{link.key}"]'.encode()).decode()
    response = client.get(
        reverse("releases:preview-link", kwargs={"token": f"{swapped}:{signature}"})
    )
    assert response.status_code == 404
    # ...and a correctly signed pair that doesn't belong together names no link.
    forged = signing.Signer(salt=PREVIEW_LINK_SALT).sign_object([other.pk, link.key])
    response = client.get(reverse("releases:preview-link", kwargs={"token": forged}))
    assert response.status_code == 404
    html = response.content.decode()
    assert "Another embargoed release" not in html and scheduled.title not in html


def test_preview_link_to_a_release_now_public_redirects_to_it(client, link, scheduled):
    with time_machine.travel(EMBARGO + timedelta(minutes=1), tick=False):
        link.expires_at = EMBARGO + timedelta(days=1)
        link.save()
        response = client.get(link.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == scheduled.get_absolute_url()


def test_preview_link_to_a_release_returned_to_draft_shows_it_as_draft(
    client, link, scheduled, superuser
):
    release_unpublish(release=scheduled, by=superuser)
    response = client.get(link.get_absolute_url())
    assert response.status_code == 200
    assert "Draft — not public" in banner(response)
    assert "Preview shared with AP, Jane Doe" in banner(response)


def test_service_records_who_made_the_link_in_whole_seconds(link, superuser):
    assert link.created_by == superuser
    assert link.expires_at.microsecond == 0
    assert link.is_active()
    assert len(link.key) >= 32


# Openings: when a link was opened and by what kind of program, nothing more

CHROME_ON_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)


def test_each_opening_is_recorded_with_its_time_and_the_kind_of_program_only(client, link):
    client.get(link.get_absolute_url(), HTTP_USER_AGENT=CHROME_ON_WINDOWS,
               REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.9")  # fmt: skip
    client.get(link.get_absolute_url())  # no User-Agent at all
    client.post(link.get_absolute_url())  # not an opening: nothing reads a page by POST

    opens = list(PreviewLinkOpen.objects.filter(link=link).values())
    assert [(row["client"], row["outcome"]) for row in opens] == [
        ("Chrome on Windows", "shown"), ("a program that gave no name", "shown"),
    ]  # fmt: skip
    assert opens[0]["opened_at"] == MONDAY
    stored = " ".join(str(value) for row in opens for value in row.values())
    for kept_nowhere in ["203.0.113", "198.51.100", "Mozilla", "AppleWebKit"]:
        assert kept_nowhere not in stored  # no address, no header: a coarse description


def test_an_opening_after_publication_or_of_an_ended_link_is_recorded_too(
    client, link, scheduled, superuser
):
    with time_machine.travel(EMBARGO + timedelta(minutes=1), tick=False):
        PreviewLink.objects.filter(pk=link.pk).update(expires_at=EMBARGO + timedelta(days=1))
        assert client.get(link.get_absolute_url()).status_code == 302
        preview_link_revoke(link=link, by=superuser)
        assert client.get(link.get_absolute_url()).status_code == 410
    outcomes = list(link.opens.values_list("outcome", flat=True))
    assert outcomes == [PreviewLinkOpen.Outcome.PUBLIC, PreviewLinkOpen.Outcome.ENDED]


def test_a_link_keeps_a_bounded_number_of_openings(client, link, monkeypatch):
    monkeypatch.setattr("releases.views.preview.OPENS_KEPT_PER_LINK", 2)
    for _ in range(4):
        client.get(link.get_absolute_url())
    link.refresh_from_db()
    assert link.opens.count() == 2
    assert link.view_count == 4  # still counted


@pytest.mark.parametrize(
    ("user_agent", "described"),
    [
        (CHROME_ON_WINDOWS, "Chrome on Windows"),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
         "like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari on iPhone"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
         "Gecko)", "Apple Mail on Mac"),
        ("Mozilla/4.0 (compatible; MSIE 7.0; Windows NT 10.0; Trident/7.0; Microsoft Outlook "
         "16.0.4266; ms-office; MSOffice 16)", "Outlook on Windows"),
        ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
         "a link scanner or preview (Slackbot)"),
        ("python-requests/2.32.3", "a link scanner or preview (Python Requests)"),
        ("", "a program that gave no name"),
        ("x" * 100_000, "an unknown program"),
    ],
)  # fmt: skip
def test_the_program_is_described_in_a_few_words(user_agent, described):
    assert client_description(user_agent) == described


def test_the_links_inline_lists_each_opening_in_eastern_time(
    client, klobuchar_press, link, scheduled
):
    client.get(link.get_absolute_url(), HTTP_USER_AGENT=CHROME_ON_WINDOWS)
    client.force_login(klobuchar_press)
    html = client.get(change_url(scheduled)).content.decode()
    assert "<li>May 19, 2014, 9:00 a.m. EDT · Chrome on Windows</li>" in html


# The admin inline


def change_form(release, links=(), initial=0):
    """The release change form as the admin posts it, with the preview links inline."""
    issuers = [
        {
            "id": row.pk,
            "release": release.pk,
            "senator": row.senator_id,
            "role": row.role,
            "order": row.order,
        }
        for row in release.releasesenator_set.all()
    ]
    published = timezone.localtime(release.published_at, EASTERN)
    data = {
        **release_form(
            title=release.title, slug=release.slug, status=release.status,
            published_at_0=f"{published:%Y-%m-%d}", published_at_1=f"{published:%H:%M:%S}",
        ),
        **senators_formset(issuers, initial=len(issuers)),
        **quotes_formset([]),
        "opened_version": opened_version(release),
        "preview_links-TOTAL_FORMS": str(len(links)),
        "preview_links-INITIAL_FORMS": str(initial),
        "preview_links-MIN_NUM_FORMS": "0",
        "preview_links-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, row in enumerate(links):
        for field, value in row.items():
            data[f"preview_links-{i}-{field}"] = value
    return data


def expiry(moment):
    local = timezone.localtime(moment, EASTERN)
    return {"expires_at_0": local.strftime("%Y-%m-%d"), "expires_at_1": local.strftime("%H:%M:%S")}


@pytest.fixture
def klobuchar_press(klobuchar):
    return office_staff(klobuchar, "klobuchar-press")


def test_change_page_lists_links_with_address_status_and_a_default_expiry(
    client, klobuchar_press, link, scheduled
):
    client.get(link.get_absolute_url())
    client.force_login(klobuchar_press)
    response = client.get(change_url(scheduled))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 (last May 19, 2014, 9:00 a.m. EDT)" in html
    # The link, and no empty row: staff add one with "Add another preview link", which
    # copies the template row, expiry filled in.
    assert 'name="preview_links-TOTAL_FORMS" value="1"' in html
    assert f'value="http://testserver{link.get_absolute_url()}"' in html
    assert "Active" in html
    default = timezone.localtime(MONDAY + timedelta(days=3), EASTERN)
    assert f'name="preview_links-__prefix__-expires_at_0" value="{default:%Y-%m-%d}"' in html


def test_add_page_has_no_preview_links(client, superuser):
    client.force_login(superuser)
    html = client.get("/admin/releases/release/add/").content.decode()
    assert "preview_links-TOTAL_FORMS" not in html


def test_admin_creates_a_link_with_the_chosen_expiry(client, klobuchar_press, scheduled):
    client.force_login(klobuchar_press)
    expires = EMBARGO + timedelta(days=1)
    data = change_form(scheduled, [{"label": "Star Tribune", **expiry(expires)}])
    response = client.post(change_url(scheduled), data)
    assert response.status_code == 302, response.context["errors"]
    link = PreviewLink.objects.get()
    assert (link.release, link.label, link.expires_at) == (scheduled, "Star Tribune", expires)
    assert link.created_by == klobuchar_press
    assert client.get(link.get_absolute_url()).status_code == 200


def test_admin_revokes_a_link_and_keeps_it_listed(client, klobuchar_press, link, scheduled):
    client.force_login(klobuchar_press)
    row = {"id": link.pk, "release": scheduled.pk, "label": link.label, **expiry(link.expires_at),
           "revoke": "on"}  # fmt: skip
    response = client.post(change_url(scheduled), change_form(scheduled, [row], initial=1))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at == timezone.now()
    assert client.get(link.get_absolute_url()).status_code == 410
    html = client.get(change_url(scheduled)).content.decode()
    assert "Revoked May 19, 2014, 9:00 a.m. EDT" in html


@pytest.mark.parametrize(
    "expires, message",
    [
        (MONDAY - timedelta(minutes=1), "Pick a time in the future"),
        (MONDAY + timedelta(days=31), "A preview link lasts at most 30 days"),
    ],
)
def test_admin_rejects_an_expiry_in_the_past_or_too_far_ahead(
    client, klobuchar_press, scheduled, expires, message
):
    client.force_login(klobuchar_press)
    data = change_form(scheduled, [{"label": "Star Tribune", **expiry(expires)}])
    response = client.post(change_url(scheduled), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PreviewLink.objects.exists()


def test_an_empty_new_row_makes_no_link(client, klobuchar_press, scheduled):
    client.force_login(klobuchar_press)
    data = change_form(scheduled, [{"label": "", **expiry(MONDAY + timedelta(days=3))}])
    data["title"] = "A sharper title"
    assert client.post(change_url(scheduled), data).status_code == 302
    assert not PreviewLink.objects.exists()
    assert Release.objects.get().title == "A sharper title"


def test_an_expired_link_does_not_block_saving_the_release(
    client, klobuchar_press, link, scheduled
):
    client.force_login(klobuchar_press)
    row = {"id": link.pk, "release": scheduled.pk, "label": link.label, **expiry(link.expires_at)}
    with time_machine.travel(link.expires_at + timedelta(hours=1), tick=False):
        data = change_form(scheduled, [row], initial=1)
        data["title"] = "A sharper title"
        assert client.post(change_url(scheduled), data).status_code == 302
    assert Release.objects.get().title == "A sharper title"


def test_a_change_form_posted_without_the_links_inline_still_saves(
    client, klobuchar_press, link, scheduled
):
    client.force_login(klobuchar_press)
    data = {k: v for k, v in change_form(scheduled).items() if not k.startswith("preview_links")}
    data["title"] = "A sharper title"
    assert client.post(change_url(scheduled), data).status_code == 302
    assert Release.objects.get().title == "A sharper title"
    assert PreviewLink.objects.get() == link


# In a browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_reporter_opens_a_preview_link_and_sees_the_banner(live_server, browser_page, klobuchar):
    page = browser_page
    release = ReleaseFactory(
        title="Klobuchar bill heads to the floor", senators=[klobuchar],
        published_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip
    link = preview_link_create(
        release=release, label="AP, Jane Doe", expires_at=timezone.now() + timedelta(days=1),
        by=None,
    )  # fmt: skip
    response = page.goto(f"{live_server.url}{link.get_absolute_url()}")
    assert response.status == 200
    status = page.get_by_role("status")
    assert status.is_visible()
    assert "Embargoed until" in status.inner_text()
    assert "Preview shared with AP, Jane Doe" in status.inner_text()
    assert page.get_by_role("heading", name=release.title).is_visible()
    # The banner is styled (site.css loaded under the CSP), not bare text.
    border = status.evaluate("el => getComputedStyle(el).borderLeftWidth")
    assert border == "12px"
