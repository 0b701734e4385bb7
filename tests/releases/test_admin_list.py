"""The release list for staff on deadline: work in progress first, "Status", filters that
scale and are narrowed to the user's offices, and the public site's full-text search.

Klobuchar's office (A) has a press secretary; Heitkamp's (B) has releases but no one here;
a newsroom admin sees both.
"""

import html
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from releases.models import Release
from search.query import search
from staff.roles import NEWSROOM_ADMINS, PRESS_SECRETARIES
from tests.support import data
from tests.support.data import built_once
from tests.support.factories import (
    LegislationFactory,
    QuoteFactory,
    ReleaseFactory,
    SenatorFactory,
    TopicFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db

LIST = "/admin/releases/release/"
CHOICES = "/admin/releases/release/filter-choices/"
DRAFT = {"status": Release.Status.DRAFT, "published_at": None}


staff = staff_member


def build_newsroom():
    a, b = data.klobuchar(), data.heitkamp()
    now = timezone.now()
    topics = {
        "used": TopicFactory(name="Rural health", slug="rural-health"),
        "b_only": TopicFactory(name="Farm policy", slug="farm-policy"),
        "unused": TopicFactory(name="Space", slug="space"),
    }
    for n in range(30):  # a newsroom's worth of topics, none of them used
        TopicFactory(name=f"Unused topic {n}", slug=f"unused-topic-{n}")
    bills = {"a": LegislationFactory(number=1733), "b": LegislationFactory(number=2599)}
    r = {
        "old": ReleaseFactory(title="A health clinics open", senators=[a],
                              published_at=now - timedelta(days=30), topics=[topics["used"]],
                              legislation=[bills["a"]]),
        "recent": ReleaseFactory(title="A statement on the farm bill", senators=[a],
                                 published_at=now - timedelta(hours=1)),
        "scheduled": ReleaseFactory(title="A embargoed health plan", senators=[a],
                                    published_at=now + timedelta(days=1)),
        "draft": ReleaseFactory(title="A health draft", senators=[a], **DRAFT),
        "b_public": ReleaseFactory(title="B health tour", senators=[b], topics=[topics["b_only"]],
                                   legislation=[bills["b"]], published_at=now - timedelta(days=2)),
        "b_draft": ReleaseFactory(title="B health draft", senators=[b], **DRAFT),
    }  # fmt: skip
    # Found by its quote's words, which the admin's old search (title, body) never read.
    QuoteFactory(release=r["recent"], senator=a, text="Health care is on the line.")
    people = {
        "secretary": staff("a-secretary", PRESS_SECRETARIES, [a]),
        "admin": staff("newsroom-admin", NEWSROOM_ADMINS),
    }
    return {"releases": r, "topics": topics, "bills": bills, "people": people, "senators": (a, b)}


newsroom = built_once(build_newsroom)


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def listed(client, params=None):
    response = client.get(LIST, params or {})
    assert response.status_code == 200
    return list(response.context["cl"].result_list), response


# Order


def test_drafts_come_first_then_releases_by_time_newest_first(newsroom):
    r = newsroom["releases"]
    rows, _ = listed(client_of(newsroom["people"]["admin"]))

    assert rows == [r["b_draft"], r["draft"], r["scheduled"], r["recent"], r["b_public"], r["old"]]


def test_a_column_heading_still_sorts(newsroom):
    r = newsroom["releases"]
    # By publication time, soonest first: drafts (no time yet) first, on every database.
    rows, _ = listed(client_of(newsroom["people"]["admin"]), {"o": "4"})
    assert set(rows[:2]) == {r["b_draft"], r["draft"]}
    assert rows[-1] == r["scheduled"]
    # The other way: the latest first, drafts last.
    rows, _ = listed(client_of(newsroom["people"]["admin"]), {"o": "-4"})
    assert rows[0] == r["scheduled"] and set(rows[-2:]) == {r["b_draft"], r["draft"]}


# Words


def test_the_status_filter_and_column_are_called_status(newsroom):
    _, response = listed(client_of(newsroom["people"]["secretary"]))
    text = response.content.decode()

    assert "<summary>Status</summary>" in text
    assert "By state" not in text and "By status" not in text
    heading = re.search(r'<th scope="col" class="[^"]*column-status_display.*?</th>', text, re.S)
    assert heading and re.search(r">Status</a>", heading[0])
    assert [spec.title for spec in response.context["cl"].filter_specs][:1] == ["status"]


# Filters that scale


def test_senators_topics_and_bills_are_searchable_choices_not_walls_of_links(newsroom):
    _, response = listed(client_of(newsroom["people"]["admin"]))
    text = response.content.decode()

    assert "Unused topic" not in text
    for name in ["senators__id__exact", "topics__id__exact", "legislation__id__exact"]:
        assert f'name="{name}" class="admin-autocomplete' in text
    assert "admin/js/vendor/select2/select2.full" in text


def test_a_chosen_senator_filters_and_is_shown_by_name(newsroom):
    a, _ = newsroom["senators"]
    rows, response = listed(client_of(newsroom["people"]["admin"]), {"senators__id__exact": a.pk})

    assert {release.title[0] for release in rows} == {"A"}
    assert f'<option value="{a.pk}" selected>Amy Klobuchar (D-MN)</option>' in html.unescape(
        response.content.decode()
    )


def test_a_chosen_bill_filters_and_keeps_the_other_parameters(newsroom):
    bill = newsroom["bills"]["b"]
    rows, response = listed(
        client_of(newsroom["people"]["admin"]), {"legislation__id__exact": bill.pk, "q": "health"}
    )

    assert rows == [newsroom["releases"]["b_public"]]
    # The topic filter's form carries the bill and the search along.
    assert '<input type="hidden" name="legislation__id__exact"' in response.content.decode()
    assert '<input type="hidden" name="q" value="health">' in response.content.decode()


def test_an_empty_choice_is_no_filter(newsroom):
    rows, _ = listed(client_of(newsroom["people"]["admin"]), {"topics__id__exact": ""})
    assert len(rows) == 6


def choices(user, field, term=""):
    response = client_of(user).get(
        CHOICES,
        {"term": term, "app_label": "releases", "model_name": "release", "field_name": field},
    )
    assert response.status_code == 200, response.content
    return [row["text"] for row in response.json()["results"]]


def test_office_staff_are_offered_their_offices_senators_only(newsroom):
    secretary, admin = newsroom["people"]["secretary"], newsroom["people"]["admin"]

    assert choices(secretary, "senators") == ["Amy Klobuchar (D-MN)"]
    assert choices(secretary, "senators", "heit") == []
    assert choices(admin, "senators", "heit") == ["Heidi Heitkamp (D-ND)"]


def test_office_staff_are_offered_the_topics_and_bills_their_releases_use(newsroom):
    secretary, admin = newsroom["people"]["secretary"], newsroom["people"]["admin"]

    assert choices(secretary, "topics") == ["Rural health"]
    assert choices(secretary, "legislation") == [str(newsroom["bills"]["a"])]
    assert "Farm policy" in choices(admin, "topics", "farm")
    assert len(choices(admin, "topics")) == 20  # a page of them; more as the user scrolls


def test_the_choices_answer_only_for_the_lists_filters_and_staff(newsroom, client):
    secretary = newsroom["people"]["secretary"]
    response = client_of(secretary).get(CHOICES, {"app_label": "releases", "model_name": "release",
                                                  "field_name": "organizations"})  # fmt: skip
    assert response.status_code == 403
    response = client.get(CHOICES, {"app_label": "releases", "model_name": "release",
                                    "field_name": "topics"})  # fmt: skip
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# Search


def test_search_finds_what_the_public_search_finds_plus_drafts_and_embargoes(newsroom):
    r = newsroom["releases"]
    public = set(search(Release.objects.published(), "health"))
    rows, _ = listed(client_of(newsroom["people"]["admin"]), {"q": "health"})

    assert public == {r["old"], r["recent"], r["b_public"]}
    assert set(rows) == public | {r["scheduled"], r["draft"], r["b_draft"]}


def test_search_stays_within_the_users_offices(newsroom):
    r = newsroom["releases"]
    rows, _ = listed(client_of(newsroom["people"]["secretary"]), {"q": "health"})

    assert set(rows) == {r["old"], r["recent"], r["scheduled"], r["draft"]}


def test_search_combines_with_the_filters(newsroom):
    r = newsroom["releases"]
    rows, _ = listed(client_of(newsroom["people"]["admin"]), {"q": "health", "state": "draft"})
    assert set(rows) == {r["draft"], r["b_draft"]}


# Fixed queries


def queries(client, params=None):
    cache.clear()  # search rankings and embargo times are kept: work them out each time
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LIST, params or {})
    assert response.status_code == 200
    return len(captured)


def test_the_list_runs_a_fixed_number_of_queries():
    klobuchar, heitkamp = SenatorFactory(), SenatorFactory()
    secretary = staff("secretary", PRESS_SECRETARIES, [klobuchar])
    client = client_of(secretary)
    topic = TopicFactory()
    for n in range(3):
        ReleaseFactory(senators=[klobuchar, heitkamp], topics=[topic], title=f"Health {n}")
    few = [queries(client), queries(client, {"q": "health", "topics__id__exact": topic.pk})]
    for n in range(27):
        ReleaseFactory(senators=[klobuchar, heitkamp], topics=[topic], title=f"Health {n}")
        ReleaseFactory(senators=[klobuchar], **DRAFT)
    many = [queries(client), queries(client, {"q": "health", "topics__id__exact": topic.pk})]

    assert many == few
