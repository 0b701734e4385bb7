"""A release's versions in the admin (history, diff, restore) and its public corrections."""

import json
import re
from datetime import UTC, datetime, timedelta
from io import StringIO

import feedparser
import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from core.eastern import EASTERN
from people.models import OfficeMembership
from releases.models import Correction, Release
from sampledata import demo
from search.query import search
from tests.support import FIXTURES
from tests.support.admin_forms import opened_version
from tests.support.factories import (
    QuoteFactory,
    ReleaseFactory,
    SenatorFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2014, 5, 16, 16, 0, tzinfo=UTC)  # noon in Washington


@pytest.fixture
def editor():
    return UserFactory(username="editor", first_name="Erin", last_name="Editor", is_superuser=True)


@pytest.fixture
def staff_client(client, editor):
    client.force_login(editor)
    return client


def admin_url(name, *args):
    return reverse(f"admin:releases_release_{name}", args=args)


def change_form(release, **fields):
    """The release's change form as the admin posts it, with `fields` changed."""
    issuer = release.releasesenator_set.get()
    data = {
        "opened_version": opened_version(release),
        "title": release.title, "slug": release.slug, "highlights": release.highlights,
        "dateline": release.dateline, "body": release.body, "status": release.status,
        "published_at_0": "2014-05-16", "published_at_1": "12:00:00",
        "topics": [t.pk for t in release.topics.all()],
        "lead_image_alt": "", "lead_image_caption": "",
        "releasesenator_set-TOTAL_FORMS": "1", "releasesenator_set-INITIAL_FORMS": "1",
        "releasesenator_set-0-id": issuer.pk, "releasesenator_set-0-release": release.pk,
        "releasesenator_set-0-senator": issuer.senator_id, "releasesenator_set-0-role": "lead",
        "releasesenator_set-0-order": "0",
        "quotes-TOTAL_FORMS": "0", "quotes-INITIAL_FORMS": "0",
    }  # fmt: skip
    data.update(fields)
    return data


def versions(release):
    return list(Release.history.filter(id=release.pk).order_by("-history_date", "-history_id"))


@pytest.fixture
def old_topic():
    return TopicFactory(name="Human trafficking", slug="human-trafficking")


@pytest.fixture
def new_topic():
    return TopicFactory(name="Public safety", slug="public-safety")


@pytest.fixture
def release(klobuchar, old_topic):
    return ReleaseFactory(
        title="Klobuchar Joins Advocates",
        body="Senators met with zebra advocates in Minneapolis.\n\nA second paragraph.",
        published_at=PUBLISHED,
        senators=[klobuchar],
        topics=[old_topic],
    )


@pytest.fixture
def edited(staff_client, release, new_topic):
    """The release, edited once in the admin: new title, body and topic."""
    data = change_form(
        release,
        title="Klobuchar Joins Local Advocates",
        body="Senators met with local advocates in Minneapolis.\n\nA second paragraph.",
        topics=[new_topic.pk],
    )
    response = staff_client.post(admin_url("change", release.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    release.refresh_from_db()
    return release


# Recording


def test_an_admin_save_records_one_version_with_its_user(staff_client, editor, release):
    before = len(versions(release))
    response = staff_client.post(
        admin_url("change", release.pk), change_form(release, title="A new title")
    )
    assert response.status_code == 302

    after = versions(release)
    assert len(after) == before + 1  # one save, one version (not one per link written)
    assert after[0].history_user == editor
    assert after[0].title == "A new title"


def test_a_save_changing_topics_is_still_one_version_holding_the_new_topics(
    staff_client, release, new_topic
):
    before = len(versions(release))
    staff_client.post(admin_url("change", release.pk), change_form(release, topics=[new_topic.pk]))

    after = versions(release)
    assert len(after) == before + 1
    assert [row.topic for row in after[0].topics.all()] == [new_topic]


def test_the_import_command_and_the_demo_still_record_history(klobuchar, heitkamp):
    sample = FIXTURES / "releases/klobuchar-heitkamp-sex-trafficking-2014.txt"
    err = StringIO()
    call_command(
        "import_releases", str(sample), "--title", demo.TITLE, "--date", "2014-05-16",
        stdout=StringIO(), stderr=err,
    )  # fmt: skip
    imported = Release.objects.get()
    (version,) = versions(imported)  # the release and its links, written one by one: one version
    assert version.history_type == "+"
    assert version.title == imported.title
    assert {row.organization for row in version.organizations.all()} == set(
        imported.organizations.all()
    )

    call_command("load_demo", stdout=StringIO())
    assert all(versions(r) for r in Release.objects.all())


# The history page and the diff


def test_the_history_page_lists_versions_with_who_when_and_what(staff_client, edited):
    response = staff_client.get(admin_url("history", edited.pk))
    assert response.status_code == 200
    html = response.content.decode()

    assert len(response.context["versions"]) == len(versions(edited))
    latest = response.context["versions"][0]
    assert latest.summary == "Changed: Title, body and topics"
    assert "Changed: Title, body and topics" in html
    assert "Erin Editor" in html
    assert re.search(r"<time datetime=\"2\d{3}-[^\"]+\">[^<]+ E[DS]T</time>", html)


def test_the_diff_shows_old_and_new_words_and_links(staff_client, edited):
    latest = versions(edited)[0]
    response = staff_client.get(admin_url("simple_history", edited.pk, latest.history_id))
    assert response.status_code == 200
    html = response.content.decode()

    assert (
        "<del>Klobuchar Joins Advocates</del> → <ins>Klobuchar Joins Local Advocates</ins>"
    ) in html
    # The body word by word: only what changed is marked.
    assert "with <del>zebra</del><ins>local</ins> advocates" in html
    assert "<del>Human trafficking</del>" in html
    assert "<ins>Public safety</ins>" in html


def test_the_diff_escapes_html_in_the_body(staff_client, release):
    staff_client.post(
        admin_url("change", release.pk),
        change_form(release, body="Senators met. <script>alert('x')</script> <b>bold</b>"),
    )
    latest = versions(release)[0]
    html = staff_client.get(admin_url("simple_history", release.pk, latest.history_id)).content
    html = html.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "<b>bold" not in html


def test_any_two_versions_compare_in_either_order(staff_client, edited):
    staff_client.post(admin_url("change", edited.pk), change_form(edited, dateline="St. Paul, MN"))
    newest, middle, *_, oldest = versions(edited)

    url = admin_url("history_compare", edited.pk)
    one_way = staff_client.get(url, {"from": oldest.history_id, "to": newest.history_id})
    other_way = staff_client.get(url, {"from": newest.history_id, "to": oldest.history_id})
    assert one_way.status_code == other_way.status_code == 200
    names = [c.name for c in one_way.context["changes"]]
    assert {"title", "body", "topics", "dateline"} <= set(names)
    assert [c.name for c in other_way.context["changes"]] == names
    assert "<del>Washington, DC</del> → <ins>St. Paul, MN</ins>" in one_way.content.decode()


def test_quote_changes_show_in_the_diff(staff_client, release, klobuchar):
    quote = QuoteFactory(release=release, senator=klobuchar, text="A good day for Minnesota.")
    # A quote belongs to the first version recorded after it: here, a save in the admin.
    response = staff_client.post(admin_url("change", release.pk), change_form(release))
    assert response.status_code == 302
    data = change_form(release)
    data.update({
        "quotes-TOTAL_FORMS": "1", "quotes-INITIAL_FORMS": "1", "quotes-0-id": quote.pk,
        "quotes-0-release": release.pk, "quotes-0-text": "A great day for Minnesota.",
        "quotes-0-senator": klobuchar.pk, "quotes-0-order": "0",
    })  # fmt: skip
    assert staff_client.post(admin_url("change", release.pk), data).status_code == 302

    latest = versions(release)[0]
    response = staff_client.get(admin_url("simple_history", release.pk, latest.history_id))
    assert "A <del>good</del><ins>great</ins> day" in response.content.decode()
    assert response.context["new"].summary == "Changed: Quotes"


def test_an_unknown_version_is_404(staff_client, release, edited):
    other = ReleaseFactory()
    foreign = versions(other)[0].history_id
    assert staff_client.get(admin_url("simple_history", release.pk, foreign)).status_code == 404
    url = admin_url("history_restore", release.pk, foreign)
    assert staff_client.post(url).status_code == 404


# Restoring


def test_restore_brings_back_title_body_and_topics_as_a_new_version(
    client, staff_client, edited, old_topic
):
    restorer = UserFactory(username="restorer", is_superuser=True)
    client.force_login(restorer)
    assert not search(Release.objects.published(), "zebra").exists()
    first = versions(edited)[1]  # the release as it was before the edit

    confirm = client.get(admin_url("history_restore", edited.pk, first.history_id))
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "stays <strong>Published</strong>" in page
    assert "May 16, 2014, 12:00 p.m. EDT" in page
    edited.refresh_from_db()
    assert edited.title == "Klobuchar Joins Local Advocates"  # a GET changes nothing

    response = client.post(admin_url("history_restore", edited.pk, first.history_id))
    assert response.status_code == 302

    edited.refresh_from_db()
    assert edited.title == "Klobuchar Joins Advocates"
    assert "zebra advocates" in edited.body
    assert "zebra advocates" in edited.body_html
    assert list(edited.topics.all()) == [old_topic]
    assert edited.status == Release.Status.PUBLISHED
    assert edited.published_at == PUBLISHED
    assert edited.updated_by == restorer
    latest = versions(edited)[0]
    assert latest.history_user == restorer
    assert latest.history_change_reason.startswith("Restored the version of")
    assert latest.title == "Klobuchar Joins Advocates"
    # The search index follows: the restored body's word finds it again.
    assert list(search(Release.objects.published(), "zebra")) == [edited]


def test_restoring_a_draft_version_keeps_the_release_published(staff_client, klobuchar):
    release = ReleaseFactory(
        title="Draft title", status=Release.Status.DRAFT, published_at=None, senators=[klobuchar]
    )
    draft_version = versions(release)[0]
    data = change_form(release, title="Published title", status=Release.Status.PUBLISHED)
    assert staff_client.post(admin_url("change", release.pk), data).status_code == 302
    release.refresh_from_db()
    assert release.is_public()

    staff_client.post(admin_url("history_restore", release.pk, draft_version.history_id))

    release.refresh_from_db()
    assert release.title == "Draft title"
    assert release.status == Release.Status.PUBLISHED
    assert release.published_at == PUBLISHED
    assert release.slug == data["slug"]


# Offices


@pytest.fixture
def office_staffer(heitkamp):
    """A staff member of Senator Heitkamp's office who may view and change releases."""
    user = UserFactory(username="heitkamp-staff")
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="releases",
            codename__in=["view_release", "change_release", "publish_release"],
        )
    )
    OfficeMembership.objects.create(user=user, senator=heitkamp)
    return user


def test_another_offices_release_has_no_history(client, office_staffer, edited, heitkamp):
    client.force_login(office_staffer)
    version = versions(edited)[-1]

    for url in [
        admin_url("history", edited.pk),
        admin_url("simple_history", edited.pk, version.history_id),
        admin_url("history_compare", edited.pk) + f"?from={version.history_id}&to={version.pk}",
        admin_url("history_restore", edited.pk, version.history_id),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url  # as for a release that does not exist
        assert "Klobuchar Joins" not in response.content.decode()
    client.post(admin_url("history_restore", edited.pk, version.history_id))
    edited.refresh_from_db()
    assert edited.title == "Klobuchar Joins Local Advocates"

    own = ReleaseFactory(title="Heitkamp release", senators=[heitkamp])
    assert client.get(admin_url("history", own.pk)).status_code == 200


def test_a_superuser_sees_every_offices_history(staff_client, edited):
    assert staff_client.get(admin_url("history", edited.pk)).status_code == 200


# Corrections


def test_a_correction_added_in_the_admin_records_who_noted_it(staff_client, editor, release):
    data = change_form(release)
    data.update({
        "corrections-TOTAL_FORMS": "1", "corrections-INITIAL_FORMS": "0",
        "corrections-0-text": "An earlier version misstated the bill's number.",
        "corrections-0-noted_at_0": "2014-05-17", "corrections-0-noted_at_1": "09:30:00",
    })  # fmt: skip
    assert staff_client.post(admin_url("change", release.pk), data).status_code == 302

    correction = Correction.objects.get()
    assert correction.created_by == editor
    assert correction.noted_at == datetime(2014, 5, 17, 13, 30, tzinfo=UTC)  # 9:30 a.m. EDT


@pytest.fixture
def corrected(release):
    # Added out of order: the page lists them by time.
    Correction.objects.create(
        release=release, text="The second note.", noted_at=PUBLISHED + timedelta(days=2)
    )
    Correction.objects.create(
        release=release, text="The first note.", noted_at=PUBLISHED + timedelta(days=1)
    )
    return release


LATEST_NOTE = PUBLISHED + timedelta(days=2)  # May 18, 2014, noon EDT


def test_the_release_page_lists_corrections_oldest_first_and_says_updated(client, corrected):
    html = client.get(corrected.get_absolute_url()).content.decode()

    assert html.index("The first note.") < html.index("The second note.")
    assert "Corrections</h2>" in html
    assert (
        f'Updated <time datetime="{LATEST_NOTE.astimezone(EASTERN).isoformat()}">'
        "May 18, 2014, noon EDT</time>"
    ) in html
    assert "May 17, 2014, noon EDT</time>: The first note." in html


def test_an_uncorrected_release_says_nothing_of_updates(client, release):
    html = client.get(release.get_absolute_url()).content.decode()
    assert "Updated" not in html
    assert "Corrections</h2>" not in html


def test_api_feed_and_json_ld_carry_the_update_time(client, corrected):
    record = client.get(f"/api/v1/releases/{corrected.pk}/").json()
    assert record["corrections"] == [
        {"text": "The first note.", "noted_at": "2014-05-17T12:00:00-04:00"},
        {"text": "The second note.", "noted_at": "2014-05-18T12:00:00-04:00"},
    ]
    assert record["updated_at"] == "2014-05-18T12:00:00-04:00"

    page = client.get(corrected.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', page, re.S)[1])
    modified = datetime.fromisoformat(data["dateModified"])
    assert modified == LATEST_NOTE  # as the API says: the latest correction, not the last save


def test_the_update_time_reaches_feed_sitemap_and_json_ld_when_it_is_latest(client, klobuchar):
    with time_machine.travel(PUBLISHED, tick=False):
        release = ReleaseFactory(published_at=PUBLISHED, senators=[klobuchar])
    Correction.objects.create(release=release, text="Fixed a name.", noted_at=LATEST_NOTE)
    assert release.updated_at < LATEST_NOTE

    record = client.get(f"/api/v1/releases/{release.pk}/").json()
    assert record["updated_at"] == "2014-05-18T12:00:00-04:00"
    feed = feedparser.parse(client.get("/releases/feed/atom/").content)
    assert datetime(*feed.entries[0].updated_parsed[:6], tzinfo=UTC) == LATEST_NOTE
    page = client.get(release.get_absolute_url()).content.decode()
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', page, re.S)[1])
    assert datetime.fromisoformat(data["dateModified"]) == LATEST_NOTE
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "<lastmod>2014-05-18</lastmod>" in sitemap


def test_the_api_says_published_at_when_there_is_no_correction(client, release):
    record = client.get(f"/api/v1/releases/{release.pk}/").json()
    assert record["corrections"] == []
    assert record["updated_at"] == record["published_at"] == "2014-05-16T12:00:00-04:00"


def test_a_drafts_corrections_are_nowhere_public(client, klobuchar):
    draft = ReleaseFactory(status=Release.Status.DRAFT, published_at=None, senators=[klobuchar])
    Correction.objects.create(release=draft, text="Secret correction.", noted_at=LATEST_NOTE)
    assert b"Secret correction" not in client.get("/api/v1/releases/").content
    assert client.get(f"/api/v1/releases/{draft.pk}/").status_code == 404
    assert SenatorFactory  # the factories module stays the source of test data


def test_line_endings_a_browser_posts_are_not_a_change(staff_client, release):
    crlf = "First highlight\r\nSecond highlight"
    data = change_form(release, title="A new title", highlights=crlf)
    assert staff_client.post(admin_url("change", release.pk), data).status_code == 302

    response = staff_client.get(admin_url("history", release.pk))
    assert response.context["versions"][0].summary == "Changed: Title"
