"""The press desk at /admin/: each user sees what their offices have going out and waiting.

Klobuchar's office (A) has an assistant and a press secretary, Heitkamp's (B) a press
secretary, and a third office (C) no one here; a newsroom admin sees every office. The clock
is Friday, May 16, 2014, 9:00 a.m. EDT.
"""

import html
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from core.eastern import EASTERN
from releases.models import Release, SignOff
from staff.roles import NEWSROOM_ADMINS, PRESS_ASSISTANTS, PRESS_SECRETARIES, newsroom_apps
from tests.support import data
from tests.support.data import built_once
from tests.support.factories import ReleaseFactory, SenatorFactory, UserFactory, staff_member

pytestmark = pytest.mark.django_db

NOW = datetime(2014, 5, 16, 9, 0, tzinfo=EASTERN)
DESK = "/admin/"
DRAFT = {"status": Release.Status.DRAFT, "published_at": None}


staff = staff_member


def touched(release, when, by):
    Release.objects.filter(pk=release.pk).update(updated_at=when, updated_by=by)
    return release


def build_newsroom():
    """Three offices' releases around NOW, and the staff who read the desk."""
    a, b = data.klobuchar(), data.heitkamp()
    c = SenatorFactory(first_name="Tina", last_name="Smith", slug="tina-smith")
    people = {
        "assistant": staff("a-assistant", PRESS_ASSISTANTS, [a], first_name="Jordan",
                           last_name="Ali"),
        "secretary": staff("a-secretary", PRESS_SECRETARIES, [a]),
        "b_secretary": staff("b-secretary", PRESS_SECRETARIES, [b]),
        "admin": staff("newsroom-admin", NEWSROOM_ADMINS),
    }  # fmt: skip
    r = {
        "a_scheduled": ReleaseFactory(title="A embargoed bill", senators=[a],
                                      published_at=NOW + timedelta(hours=3, minutes=12)),
        "a_later": ReleaseFactory(title="A next week", senators=[a],
                                  published_at=NOW + timedelta(days=6)),
        "b_scheduled": ReleaseFactory(title="B embargoed farm bill", senators=[b],
                                      published_at=NOW + timedelta(hours=1)),
        "a_old_draft": ReleaseFactory(title="A old draft", senators=[a], **DRAFT),
        "a_new_draft": ReleaseFactory(title="A new draft", senators=[a], **DRAFT),
        "a_ready": ReleaseFactory(title="A ready draft", senators=[a], **DRAFT,
                                  review_requested_at=NOW - timedelta(hours=2),
                                  review_requested_by=people["assistant"]),
        "b_draft": ReleaseFactory(title="B draft", senators=[b], **DRAFT),
        "joint": ReleaseFactory(title="A and B joint draft", senators=[a, b], **DRAFT),
        "a_today": ReleaseFactory(title="A out this morning", senators=[a],
                                  published_at=NOW - timedelta(hours=2)),
        # 11:30 p.m. yesterday Eastern is already today in UTC: not "today".
        "a_last_night": ReleaseFactory(title="A out last night", senators=[a],
                                       published_at=datetime(2014, 5, 15, 23, 30,
                                                             tzinfo=EASTERN)),
        "c_today": ReleaseFactory(title="C out today", senators=[c],
                                  published_at=NOW - timedelta(hours=1)),
    }  # fmt: skip
    touched(r["a_old_draft"], NOW - timedelta(days=3), people["assistant"])
    touched(r["a_new_draft"], NOW - timedelta(hours=1), people["secretary"])
    touched(r["joint"], NOW - timedelta(days=1), people["assistant"])
    SignOff.objects.create(release=r["joint"], senator=b, requested_by=people["assistant"],
                           requested_at=NOW - timedelta(hours=5))  # fmt: skip
    return {"people": people, "releases": r}


newsroom = built_once(build_newsroom)


def desk_of(user):
    client = Client()
    client.force_login(user)
    with time_machine.travel(NOW, tick=False):
        response = client.get(DESK)
    assert response.status_code == 200
    return response


def titles(response, key):
    section = response.context["desk"].section(key)
    rows = [row.release if isinstance(row, SignOff) else row for row in section.rows]
    return [release.title for release in rows]


def page_text(response):
    return html.unescape(response.content.decode())


# Each role sees its offices only


def test_an_assistant_sees_their_office_only(newsroom):
    response = desk_of(newsroom["people"]["assistant"])

    assert titles(response, "scheduled") == ["A embargoed bill", "A next week"]
    assert titles(response, "review") == ["A ready draft"]
    # Oldest first: the one waiting longest since anyone touched it.
    assert titles(response, "drafts") == ["A old draft", "A and B joint draft", "A new draft"]
    assert titles(response, "today") == ["A out this morning"]
    assert titles(response, "signoffs") == []  # B's office is waited on, not A's
    assert "Amy Klobuchar (D-MN)" in page_text(response)


def test_a_secretary_sees_what_waits_for_review_and_who_marked_it(newsroom):
    response = desk_of(newsroom["people"]["secretary"])
    text = page_text(response)

    assert titles(response, "review") == ["A ready draft"]
    assert "Marked ready by Jordan Ali 2\xa0hours ago" in text
    assert "B draft" not in text and "B embargoed farm bill" not in text


def test_the_other_office_sees_the_sign_off_waiting_on_it(newsroom):
    response = desk_of(newsroom["people"]["b_secretary"])
    text = page_text(response)

    assert titles(response, "signoffs") == ["A and B joint draft"]
    assert "Waiting for the sign-off of Heidi Heitkamp (D-ND)'s office" in text
    assert titles(response, "scheduled") == ["B embargoed farm bill"]
    assert titles(response, "drafts") == ["A and B joint draft", "B draft"]
    assert "A embargoed bill" not in text


def test_a_newsroom_admin_sees_every_office(newsroom):
    response = desk_of(newsroom["people"]["admin"])

    assert "Every office, newsroom-wide" in page_text(response)
    assert titles(response, "scheduled") == ["B embargoed farm bill", "A embargoed bill",
                                             "A next week"]  # fmt: skip
    assert titles(response, "today") == ["C out today", "A out this morning"]
    assert titles(response, "signoffs") == ["A and B joint draft"]
    assert response.context["desk"].section("drafts").total == 4


def test_a_superuser_is_newsroom_wide_too(newsroom):
    root = UserFactory(username="root", is_superuser=True)
    assert desk_of(root).context["desk"].newsroom_wide


# What the rows say


def test_a_scheduled_release_shows_its_embargo_in_eastern_time_and_a_countdown(newsroom):
    text = page_text(desk_of(newsroom["people"]["secretary"]))

    assert "data-countdown>in 3 hours 12 minutes</time>" in text
    assert "Friday, May 16, 2014, 12:12 p.m. EDT" in text
    assert '<time datetime="2014-05-16T12:12:00-04:00" data-countdown>' in text
    assert "data-countdown>in 6 days</time>" in text


def test_a_draft_shows_who_last_touched_it(newsroom):
    text = page_text(desk_of(newsroom["people"]["secretary"]))

    assert "Last touched by Jordan Ali 3\xa0days ago" in text


def test_out_today_counts_from_midnight_eastern(newsroom):
    response = desk_of(newsroom["people"]["secretary"])
    assert "A out last night" not in titles(response, "today")
    assert "Went out at 7:00 a.m. EDT" in page_text(response)


def test_the_desk_links_to_writing_pasting_and_the_list(newsroom):
    text = page_text(desk_of(newsroom["people"]["assistant"]))

    assert '<a class="desk-action desk-action--addlink" href="/admin/releases/release/add/">' \
        "Write a release</a>" in text  # fmt: skip
    assert 'href="/admin/releases/release/paste/">Paste a release</a>' in text
    assert 'href="/admin/releases/release/">All releases</a>' in text


def test_the_app_list_puts_press_releases_first_and_packages_last(newsroom):
    root = UserFactory(username="root", is_superuser=True)
    apps = [app["app_label"] for app in desk_of(root).context["app_list"]]

    assert apps[0] == "releases"
    assert apps.index("axes") > apps.index("staff") > apps.index("people")
    # The newsroom's own apps, then the installed packages (login attempts, the queue).
    packages = [label for label in apps if label not in newsroom_apps() + ["auth"]]
    assert "axes" in packages
    assert apps[-len(packages) :] == packages
    models = [model["object_name"] for model in desk_of(root).context["app_list"][0]["models"]]
    assert models[0] == "Release"


def test_the_desk_needs_a_staff_login(client, newsroom):
    assert client.get(DESK).status_code == 302
    outsider = UserFactory(username="reader", is_staff=False)
    client.force_login(outsider)
    response = client.get(DESK)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# Bounded, in a fixed number of queries


def build_office(count):
    """`count` releases of one office in each section of the desk."""
    senator = SenatorFactory()
    other = SenatorFactory()
    writer = staff(f"writer-{count}", PRESS_ASSISTANTS, [senator])
    secretary = staff(f"secretary-{count}", PRESS_SECRETARIES, [senator])
    add_section(count, senator, other, writer)
    return senator, other, writer, secretary


def add_section(count, senator, other, writer):
    for n in range(count):
        ReleaseFactory(senators=[senator], published_at=NOW + timedelta(hours=n + 1))
        ReleaseFactory(senators=[senator], published_at=NOW - timedelta(minutes=n + 1))
        ReleaseFactory(senators=[senator], **DRAFT)
        ReleaseFactory(senators=[senator], **DRAFT, review_requested_at=NOW,
                       review_requested_by=writer)  # fmt: skip
        joint = ReleaseFactory(senators=[other, senator], **DRAFT)
        SignOff.objects.create(release=joint, senator=senator, requested_by=writer)


def queries_for(user):
    client = Client()
    client.force_login(user)
    with time_machine.travel(NOW, tick=False), CaptureQueriesContext(connection) as queries:
        response = client.get(DESK)
    assert response.status_code == 200
    return response, len(queries)


def test_the_desk_runs_a_fixed_number_of_queries_and_shows_ten_per_section():
    senator, other, writer, secretary = build_office(3)
    _, few = queries_for(secretary)

    add_section(27, senator, other, writer)
    response, many = queries_for(secretary)

    assert many == few
    desk = response.context["desk"]
    for key in ["scheduled", "review", "drafts", "today", "signoffs"]:
        assert len(desk.section(key).rows) == 10, key
    # Joint drafts are drafts of this office too.
    assert desk.section("drafts").total == 60
    assert desk.section("scheduled").total == 30
    text = page_text(response)
    assert 'href="/admin/releases/release/?state=scheduled">See all 30' in text
    assert 'href="/admin/releases/release/?review=ready">See all 30' in text
    assert 'href="/admin/releases/release/?signoff=mine">See all 30' in text
