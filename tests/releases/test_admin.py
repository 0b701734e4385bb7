"""The staff side: the Django admin for releases, senators, organizations, topics and bills."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from core.eastern import EASTERN
from people.models import Senator
from releases.models import Quote, Release, ReleaseSenator
from tests.support.admin_forms import (
    change_url,
    opened_version,
    png_file,
    quotes_formset,
    release_form,
    senators_formset,
)
from tests.support.factories import (
    LegislationFactory,
    OrganizationFactory,
    QuoteFactory,
    ReleaseFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


ADD_URL = "/admin/releases/release/add/"
CHANGELIST_URL = "/admin/releases/release/"


@pytest.fixture
def editor():
    return UserFactory(username="editor", is_superuser=True)


@pytest.fixture
def staff_client(client, editor):
    client.force_login(editor)
    return client


def changelist(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


@pytest.fixture
def topic():
    return TopicFactory(name="Human trafficking", slug="human-trafficking")


@pytest.fixture
def add_data(klobuchar, heitkamp, topic):
    return {
        **release_form(topics=[topic.pk]),
        **senators_formset(
            [
                {"senator": klobuchar.pk, "role": "lead", "order": "0"},
                {"senator": heitkamp.pk, "role": "joint", "order": "1"},
            ]
        ),
        **quotes_formset(
            [
                {"text": "Minnesota is tackling the challenge.", "senator": klobuchar.pk,
                 "order": "0"},
                {"text": "Senator Klobuchar and I have worked closely.", "senator": heitkamp.pk,
                 "order": "1"},
            ]
        ),
    }  # fmt: skip


# Pages render


@pytest.fixture
def one_of_each(klobuchar, heitkamp, topic):
    bill = LegislationFactory(bill_type="s", number=1733, congress=113, sponsor=klobuchar)
    bill.cosponsors.add(heitkamp)
    organization = OrganizationFactory(name="United Nations", slug="united-nations")
    release = ReleaseFactory(
        senators=[klobuchar, heitkamp], topics=[topic], legislation=[bill],
        organizations=[organization],
    )  # fmt: skip
    QuoteFactory(release=release, senator=klobuchar)
    return {
        "release": release,
        "senator": klobuchar,
        "organization": organization,
        "topic": topic,
        "legislation": bill,
    }


@pytest.mark.parametrize("kind", ["release", "senator", "organization", "topic", "legislation"])
def test_admin_pages_render(staff_client, one_of_each, kind):
    obj = one_of_each[kind]
    opts = obj._meta
    for view, args in [("changelist", []), ("add", []), ("change", [obj.pk])]:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
        response = staff_client.get(url)
        assert response.status_code == 200, url
    assert str(obj) in response.content.decode()


def test_release_change_page_shows_its_inlines(staff_client, one_of_each):
    response = staff_client.get(change_url(one_of_each["release"]))
    html = response.content.decode()
    assert 'name="releasesenator_set-TOTAL_FORMS" value="2"' in html
    assert 'name="quotes-TOTAL_FORMS" value="1"' in html
    assert "America/New_York" in html  # staff are told which zone the times are in


# Release changelist and its filters


@pytest.fixture
def listed(klobuchar, heitkamp, topic):
    other_topic = TopicFactory()
    return {
        "may_2014": ReleaseFactory(
            title="Trafficking roundtable in Minneapolis",
            published_at=datetime(2014, 5, 16, 12, tzinfo=EASTERN),
            senators=[klobuchar, heitkamp],
            topics=[topic],
        ),
        "new_years_eve_2014": ReleaseFactory(
            # 11 p.m. Eastern on Dec 31, 2014 is already 2015 in UTC.
            published_at=datetime(2014, 12, 31, 23, tzinfo=EASTERN),
            senators=[heitkamp],
            topics=[other_topic],
        ),
        "2020": ReleaseFactory(
            published_at=datetime(2020, 3, 1, 9, tzinfo=EASTERN), senators=[heitkamp]
        ),
        "draft": ReleaseFactory(
            status=Release.Status.DRAFT, published_at=None, senators=[klobuchar]
        ),
        "embargoed": ReleaseFactory(
            published_at=timezone.now() + timedelta(days=2), senators=[klobuchar]
        ),
    }


def test_release_changelist_lists_all_releases(staff_client, listed):
    assert changelist(staff_client, CHANGELIST_URL) == set(listed.values())


def test_release_changelist_marks_embargoed_releases_scheduled(staff_client, listed):
    html = staff_client.get(CHANGELIST_URL).content.decode()
    assert "Scheduled" in html
    assert "Klobuchar (D-MN), Heitkamp (D-ND)" in html


def test_release_changelist_filters_by_state(staff_client, listed):
    assert changelist(staff_client, CHANGELIST_URL, {"state": "draft"}) == {listed["draft"]}
    assert changelist(staff_client, CHANGELIST_URL, {"state": "scheduled"}) == {listed["embargoed"]}
    published = changelist(staff_client, CHANGELIST_URL, {"state": "published"})
    assert published == set(listed.values()) - {listed["draft"], listed["embargoed"]}


def test_release_changelist_state_filter_follows_the_clock(staff_client, listed):
    """A scheduled release counts as published from its time on, with no job to flip it."""
    with time_machine.travel(listed["embargoed"].published_at + timedelta(seconds=1)):
        published = changelist(staff_client, CHANGELIST_URL, {"state": "published"})
        scheduled = changelist(staff_client, CHANGELIST_URL, {"state": "scheduled"})

    assert listed["embargoed"] in published
    assert scheduled == set()


def test_release_changelist_shows_when_a_scheduled_release_goes_live(staff_client, listed):
    when = timezone.localtime(listed["embargoed"].published_at, EASTERN)

    html = staff_client.get(CHANGELIST_URL, {"state": "scheduled"}).content.decode()

    assert when.strftime("%b %-d, %-I:%M %p %Z") in html


def test_release_changelist_filters_by_eastern_year(staff_client, listed):
    assert changelist(staff_client, CHANGELIST_URL, {"year": "2014"}) == {
        listed["may_2014"],
        listed["new_years_eve_2014"],
    }
    assert changelist(staff_client, CHANGELIST_URL, {"year": "2020"}) == {listed["2020"]}


def test_release_changelist_ignores_a_malformed_year(staff_client, listed):
    assert changelist(staff_client, CHANGELIST_URL, {"year": "20x4"}) == set(listed.values())


def test_release_changelist_filters_by_senator(staff_client, listed, klobuchar):
    assert changelist(staff_client, CHANGELIST_URL, {"senators__id__exact": klobuchar.pk}) == {
        listed["may_2014"],
        listed["draft"],
        listed["embargoed"],
    }


def test_release_changelist_filters_by_topic(staff_client, listed, topic):
    assert changelist(staff_client, CHANGELIST_URL, {"topics__id__exact": topic.pk}) == {
        listed["may_2014"]
    }


def test_release_changelist_searches(staff_client, listed):
    assert changelist(staff_client, CHANGELIST_URL, {"q": "roundtable"}) == {listed["may_2014"]}
    assert changelist(staff_client, CHANGELIST_URL, {"q": "nothing-matches-this"}) == set()


def test_release_changelist_combines_filters(staff_client, listed, heitkamp):
    params = {"year": "2014", "senators__id__exact": heitkamp.pk, "status": "published"}
    assert changelist(staff_client, CHANGELIST_URL, params) == {
        listed["may_2014"],
        listed["new_years_eve_2014"],
    }


# Adding and changing a release


def test_add_release_with_senators_and_quotes(staff_client, editor, add_data, klobuchar, heitkamp):
    response = staff_client.post(ADD_URL, add_data)
    assert response.status_code == 302

    release = Release.objects.get(slug="klobuchar-heitkamp-join-with-local-advocates")
    issuers = list(release.releasesenator_set.all())
    assert [(i.senator, i.role) for i in issuers] == [(klobuchar, "lead"), (heitkamp, "joint")]
    assert [(q.senator, q.text) for q in release.quotes.all()] == [
        (klobuchar, "Minnesota is tackling the challenge."),
        (heitkamp, "Senator Klobuchar and I have worked closely."),
    ]
    assert list(release.topics.values_list("slug", flat=True)) == ["human-trafficking"]
    assert release.created_by == editor
    assert release.updated_by == editor
    assert release.body_html.startswith("<p>U.S. Senators <strong>joined</strong>")
    assert release.highlight_list == ["First bullet", "Second bullet"]
    # The time staff typed is Eastern time.
    assert release.published_at == datetime(2014, 5, 16, 12, 0, tzinfo=EASTERN)
    assert release.is_public()


def test_add_published_release_without_a_time_publishes_now(staff_client, add_data):
    before = timezone.now()
    add_data.update(published_at_0="", published_at_1="")
    response = staff_client.post(ADD_URL, add_data)
    assert response.status_code == 302
    release = Release.objects.get()
    assert before <= release.published_at <= timezone.now()


def test_add_release_with_a_future_time_is_embargoed(staff_client, add_data):
    later = timezone.localtime(timezone.now() + timedelta(days=3), EASTERN)
    add_data.update(
        published_at_0=later.strftime("%Y-%m-%d"), published_at_1=later.strftime("%H:%M:%S")
    )
    assert staff_client.post(ADD_URL, add_data).status_code == 302
    release = Release.objects.get()
    assert release.is_embargoed()
    assert not Release.objects.published().exists()


def test_change_release_updates_it_and_records_who(staff_client, editor, klobuchar, heitkamp):
    author = UserFactory(username="author", is_superuser=True)
    release = ReleaseFactory(
        title="Old title", body="Old body.", senators=[klobuchar, heitkamp],
        created_by=author, updated_by=author,
    )  # fmt: skip
    quote = QuoteFactory(release=release, senator=klobuchar, text="Old words.")
    lead, joint = release.releasesenator_set.all()
    data = {
        **release_form(title="New title", slug=release.slug, body="New *body*.",
                       opened_version=opened_version(release)),
        # Swap the lead: the admin demotes before it promotes, as the database requires.
        **senators_formset(
            [
                {"id": lead.pk, "release": release.pk, "senator": klobuchar.pk,
                 "role": "joint", "order": "1"},
                {"id": joint.pk, "release": release.pk, "senator": heitkamp.pk,
                 "role": "lead", "order": "0"},
            ],
            initial=2,
        ),
        **quotes_formset(
            [{"id": quote.pk, "release": release.pk, "text": "New words.",
              "senator": klobuchar.pk, "order": "0"}],
            initial=1,
        ),
    }  # fmt: skip

    response = staff_client.post(change_url(release), data)
    assert response.status_code == 302

    release.refresh_from_db()
    assert release.title == "New title"
    assert release.body_html == "<p>New <em>body</em>.</p>"
    assert release.created_by == author
    assert release.updated_by == editor
    assert release.releasesenator_set.get(role="lead").senator == heitkamp
    assert list(release.senators.order_by("releasesenator__order")) == [heitkamp, klobuchar]
    assert release.quotes.get().text == "New words."


def test_two_lead_senators_is_an_error(staff_client, add_data, heitkamp):
    add_data["releasesenator_set-1-role"] = "lead"
    response = staff_client.post(ADD_URL, add_data)
    assert response.status_code == 200
    assert "A release has exactly one lead senator; this one has 2." in response.content.decode()
    assert not Release.objects.exists()
    assert not Quote.objects.exists()


def test_no_lead_senator_is_an_error(staff_client, add_data):
    add_data["releasesenator_set-0-role"] = "joint"
    response = staff_client.post(ADD_URL, add_data)
    assert response.status_code == 200
    assert "this one has 0" in response.content.decode()
    assert not Release.objects.exists()


def test_release_without_a_senator_is_an_error(staff_client, add_data):
    for key in [k for k in add_data if k.startswith("releasesenator_set-")]:
        del add_data[key]
    add_data.update(senators_formset([]))
    response = staff_client.post(ADD_URL, add_data)
    assert response.status_code == 200
    assert "Name the senator who issues this release." in response.content.decode()
    assert not Release.objects.exists()


def test_quote_with_both_a_senator_and_a_speaker_name_is_an_error(staff_client, add_data):
    add_data["quotes-1-speaker_name"] = "Jane Doe"
    response = staff_client.post(ADD_URL, add_data)
    assert response.status_code == 200
    assert "spoken by a senator or by a named person" in response.content.decode()
    assert not Release.objects.exists()
    assert not Quote.objects.exists()
    assert not ReleaseSenator.objects.exists()


def test_quote_with_no_speaker_is_an_error(staff_client, add_data):
    add_data["quotes-1-senator"] = ""
    response = staff_client.post(ADD_URL, add_data)
    assert response.status_code == 200
    assert "spoken by a senator or by a named person" in response.content.decode()
    assert not Release.objects.exists()


def test_quote_by_a_named_person_is_stored(staff_client, add_data):
    center = OrganizationFactory(name="Minnesota Indian Women’s Resource Center")
    add_data.update(
        {
            "quotes-1-senator": "",
            "quotes-1-speaker_name": "Jane Doe",
            "quotes-1-speaker_title": "Director",
            "quotes-1-speaker_organization": center.pk,
        }
    )
    assert staff_client.post(ADD_URL, add_data).status_code == 302
    quote = Quote.objects.get(speaker_name="Jane Doe")
    assert quote.attribution == "Jane Doe, Director, Minnesota Indian Women’s Resource Center"


def test_duplicate_slug_is_an_error(staff_client, add_data):
    ReleaseFactory(slug=add_data["slug"])
    response = staff_client.post(ADD_URL, add_data)
    assert response.status_code == 200
    assert "Release with this Slug already exists." in response.content.decode()
    assert Release.objects.count() == 1


def test_lead_image_without_alt_text_is_an_error(staff_client, add_data):
    add_data["lead_image"] = png_file()
    response = staff_client.post(ADD_URL, add_data)
    assert response.status_code == 200
    assert "Describe the lead image" in response.content.decode()
    assert not Release.objects.exists()


def test_lead_image_with_alt_text_is_stored(staff_client, add_data, settings):
    add_data.update(lead_image=png_file(), lead_image_alt="Senators at a round table")
    assert staff_client.post(ADD_URL, add_data).status_code == 302
    release = Release.objects.get()
    assert release.lead_image.name.startswith("releases/")
    assert (settings.MEDIA_ROOT / release.lead_image.name).exists()


# Actions


def run_action(client, action, releases):
    return client.post(
        CHANGELIST_URL,
        {"action": action, "_selected_action": [r.pk for r in releases]},
        follow=True,
    )


def test_publish_now_action(staff_client, editor):
    draft = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
    embargoed = ReleaseFactory(published_at=timezone.now() + timedelta(days=1))
    long_public_at = timezone.now() - timedelta(days=30)
    public = ReleaseFactory(published_at=long_public_at)
    before = timezone.now()

    response = run_action(staff_client, "publish_now", [draft, embargoed, public])
    assert response.status_code == 200
    assert "Published 2 release(s)." in response.content.decode()

    for release in (draft, embargoed):
        release.refresh_from_db()
        assert release.is_public()
        assert before <= release.published_at <= timezone.now()
        assert release.updated_by == editor
    public.refresh_from_db()
    assert public.published_at == long_public_at  # already public: its date stands
    assert set(Release.objects.published()) == {draft, embargoed, public}


def test_return_to_draft_action(staff_client, editor):
    at = timezone.now() - timedelta(days=2)
    public = ReleaseFactory(published_at=at)
    embargoed = ReleaseFactory(published_at=timezone.now() + timedelta(days=1))
    untouched = ReleaseFactory()

    response = run_action(staff_client, "return_to_draft", [public, embargoed])
    assert response.status_code == 200
    assert "2 release(s) returned to draft." in response.content.decode()

    public.refresh_from_db()
    embargoed.refresh_from_db()
    assert public.status == embargoed.status == Release.Status.DRAFT
    assert public.published_at == at  # kept for when it returns
    assert public.updated_by == editor
    assert list(Release.objects.published()) == [untouched]


# View on site


def test_view_on_site_link_for_a_public_release(staff_client):
    release = ReleaseFactory(slug="public-one", published_at=datetime(2014, 5, 16, tzinfo=EASTERN))
    html = staff_client.get(change_url(release)).content.decode()
    assert "View on site" in html
    assert 'href="/releases/2014/05/public-one/"' in html


@pytest.mark.parametrize("state", ["draft", "embargoed"])
def test_view_on_site_for_a_release_not_public_is_the_staff_preview(staff_client, state):
    if state == "draft":
        release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
    else:
        release = ReleaseFactory(published_at=timezone.now() + timedelta(hours=1))
    response = staff_client.get(change_url(release))
    assert response.status_code == 200
    html = response.content.decode()
    assert "View on site" in html
    assert f'href="/releases/preview/{release.pk}/"' in html
    assert release.get_absolute_url() not in html


# Legislation search


@pytest.fixture
def bills():
    return {
        "s1733-113": LegislationFactory(
            bill_type="s", number=1733, congress=113,
            short_title="Stop Exploitation Through Trafficking Act of 2013",
        ),
        "hr3610-113": LegislationFactory(
            bill_type="hr", number=3610, congress=113,
            short_title="Stop Exploitation Through Trafficking Act of 2013",
        ),
        "s2599-113": LegislationFactory(bill_type="s", number=2599, congress=113),
        "s1733-114": LegislationFactory(bill_type="s", number=1733, congress=114),
        "hres17-113": LegislationFactory(bill_type="hres", number=17, congress=113),
        "sjres4-113": LegislationFactory(bill_type="sjres", number=4, congress=113),
    }  # fmt: skip


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("S. 1733", {"s1733-113", "s1733-114"}),
        ("s1733", {"s1733-113", "s1733-114"}),
        ("S 1733", {"s1733-113", "s1733-114"}),
        ("s1733-113", {"s1733-113"}),
        ("HR 3610", {"hr3610-113"}),
        ("H.R. 3610", {"hr3610-113"}),
        ("hr3610", {"hr3610-113"}),
        ("H.Res. 17", {"hres17-113"}),
        ("S.J.Res. 4", {"sjres4-113"}),
        ("Stop Exploitation", {"s1733-113", "hr3610-113"}),
        ("S. 9999", set()),
    ],
)
def test_legislation_search_by_citation(staff_client, bills, term, expected):
    found = changelist(staff_client, "/admin/releases/legislation/", {"q": term})
    assert {bill.bill_id for bill in found} == expected


def test_legislation_autocomplete_finds_a_citation(staff_client, bills):
    """The release form's bill picker uses the same search."""
    response = staff_client.get(
        "/admin/autocomplete/",
        {
            "term": "S. 1733",
            "app_label": "releases",
            "model_name": "release",
            "field_name": "legislation",
        },
    )
    assert response.status_code == 200
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert ids == {bills["s1733-113"].pk, bills["s1733-114"].pk}


# Senators


def test_senator_changelist_shows_a_photo_thumbnail(staff_client, klobuchar, heitkamp):
    klobuchar.photo = png_file("klobuchar.png")
    klobuchar.save()
    html = staff_client.get("/admin/people/senator/").content.decode()
    assert f'<img src="{klobuchar.photo.url}"' in html
    assert klobuchar.photo.url.startswith("/media/senators/")
    assert html.count('<img src="/media/senators/') == 1  # Heitkamp has no photo


def test_senator_add_form_saves_a_senator(staff_client):
    response = staff_client.post(
        "/admin/people/senator/add/",
        {
            "bioguide_id": "K000367",
            "first_name": "Amy",
            "last_name": "Klobuchar",
            "official_full_name": "Amy Klobuchar",
            "slug": "amy-klobuchar",
            "party": "D",
            "state": "MN",
            "term_start": "2007-01-04",
            "term_end": "",
            "in_office": "on",
            "website": "https://www.klobuchar.senate.gov",
        },
    )
    assert response.status_code == 302
    assert str(Senator.objects.get(bioguide_id="K000367")) == "Amy Klobuchar (D-MN)"


def test_senator_add_form_rejects_a_malformed_bioguide_id(staff_client):
    response = staff_client.post(
        "/admin/people/senator/add/",
        {
            "bioguide_id": "k367",
            "first_name": "Amy",
            "last_name": "Klobuchar",
            "slug": "amy-klobuchar",
            "party": "D",
            "state": "MN",
        },
    )
    assert response.status_code == 200
    assert "A Bioguide ID is a capital letter and six digits" in response.content.decode()
    assert not Senator.objects.exists()


# Who may enter


def test_non_staff_user_is_sent_to_the_login_page(client):
    client.force_login(UserFactory(is_staff=False))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_non_staff_user_cannot_open_the_release_changelist(client):
    client.force_login(UserFactory(is_staff=False))
    response = client.get(CHANGELIST_URL)
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_anonymous_user_is_sent_to_the_login_page(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
