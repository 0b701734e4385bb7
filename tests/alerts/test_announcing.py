"""Alerts follow the publication rule: a release is announced once, when it becomes public.

A scheduled release at its embargo second, queued to run then (no cron), and checked at run
time: unpublished or rescheduled before its time, nothing early and nothing twice. Drafts
never; an edit to a public release is not news again. Every way of publishing saves the
release: the service, the admin's form and its Publish now action."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from alerts.models import AlertDelivery, Announcement
from releases.models import Correction, Release
from releases.services import release_publish, release_unpublish
from tests.alerts.helpers import confirmed, text_of
from tests.support.factories import ReleaseFactory
from tests.support.tasks import run_tasks

pytestmark = pytest.mark.django_db

QUERY = "senator=amy-klobuchar"


@pytest.fixture
def reader(client, smtp_server, klobuchar):
    return confirmed(client, smtp_server, QUERY, "reader@example.com")


def alerts_to(smtp_server, email="reader@example.com"):
    return [m["Subject"] for m in smtp_server.to(email) if "alert" not in m["Subject"].lower()]


def scheduled(klobuchar, title, at):
    return ReleaseFactory(title=title, senators=[klobuchar], published_at=at)


def test_a_scheduled_release_is_sent_at_its_embargo_second_and_not_before(
    reader, smtp_server, klobuchar
):
    at = (timezone.now() + timedelta(hours=3)).replace(microsecond=0)
    scheduled(klobuchar, "Embargoed until three", at)

    run_tasks()
    with time_machine.travel(at - timedelta(seconds=1)):
        run_tasks()
    assert alerts_to(smtp_server) == []
    with time_machine.travel(at):
        run_tasks()
    assert alerts_to(smtp_server) == ["Embargoed until three"]
    with time_machine.travel(at + timedelta(days=1)):
        run_tasks()
    assert alerts_to(smtp_server) == ["Embargoed until three"]  # once


def test_unpublished_before_its_time_nothing_is_sent(reader, smtp_server, klobuchar):
    at = timezone.now() + timedelta(hours=1)
    release = scheduled(klobuchar, "Pulled", at)
    release_unpublish(release=release, by=None)

    with time_machine.travel(at + timedelta(minutes=30)):
        run_tasks()
    assert alerts_to(smtp_server) == []
    assert not Announcement.objects.exists()


def test_rescheduled_later_nothing_early_and_once_at_the_new_time(reader, smtp_server, klobuchar):
    first = timezone.now() + timedelta(hours=1)
    later = first + timedelta(hours=2)
    release = scheduled(klobuchar, "Moved", first)
    release.published_at = later
    release.save()

    with time_machine.travel(first + timedelta(minutes=1)):
        run_tasks()
    assert alerts_to(smtp_server) == []
    with time_machine.travel(later + timedelta(seconds=1)):
        run_tasks()
    with time_machine.travel(later + timedelta(days=2)):
        run_tasks()
    assert alerts_to(smtp_server) == ["Moved"]


def test_rescheduled_earlier_sent_at_the_earlier_time_and_not_again(reader, smtp_server, klobuchar):
    first = timezone.now() + timedelta(hours=3)
    earlier = timezone.now() + timedelta(hours=1)
    release = scheduled(klobuchar, "Brought forward", first)
    release_publish(release=release, by=None, at=earlier)

    with time_machine.travel(earlier + timedelta(seconds=1)):
        run_tasks()
    assert alerts_to(smtp_server) == ["Brought forward"]
    with time_machine.travel(first + timedelta(seconds=1)):
        run_tasks()
    assert alerts_to(smtp_server) == ["Brought forward"]


def test_unpublished_and_published_again_is_announced_once(reader, smtp_server, klobuchar):
    release = ReleaseFactory(title="Back and forth", senators=[klobuchar])
    run_tasks()
    release_unpublish(release=release, by=None)
    release_publish(release=release, by=None)
    run_tasks()
    assert alerts_to(smtp_server) == ["Back and forth"]


def test_drafts_never_send_and_edits_to_a_public_release_are_not_news(
    reader, smtp_server, klobuchar
):
    draft = ReleaseFactory(title="Draft", senators=[klobuchar], status=Release.Status.DRAFT,
                           published_at=None)  # fmt: skip
    draft.body = "Edited draft."
    draft.save()
    run_tasks()
    assert alerts_to(smtp_server) == []

    public = ReleaseFactory(title="Typo'd", senators=[klobuchar])
    run_tasks()
    public.title = "Typo fixed"
    public.save()
    run_tasks()
    assert alerts_to(smtp_server) == ["Typo'd"]


def test_a_release_public_before_alerts_existed_is_not_announced_when_edited(
    reader, smtp_server, klobuchar
):
    long_ago = timezone.now() - timedelta(days=400)
    old = Release(title="Old news", slug="old-news", body="x", status=Release.Status.PUBLISHED,
                  published_at=long_ago)  # fmt: skip
    Release.objects.bulk_create([old])  # no signals: as if published before alerts existed
    old = Release.objects.get(slug="old-news")
    old.releasesenator_set.create(senator=klobuchar)
    old.body = "Fixed."
    old.save()
    run_tasks()
    assert alerts_to(smtp_server) == []


@pytest.fixture
def press_secretary(client):
    user = get_user_model().objects.create_superuser("press", "press@example.senate.gov", "x")
    client.force_login(user)
    return user


def test_the_admins_publish_now_action_announces(client, smtp_server, klobuchar, reader,
                                                  press_secretary):  # fmt: skip
    draft = ReleaseFactory(title="Published from the admin", senators=[klobuchar],
                           status=Release.Status.DRAFT, published_at=None)  # fmt: skip
    response = client.post(
        reverse("admin:releases_release_changelist"),
        {"action": "publish_now", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_public()
    run_tasks()
    assert alerts_to(smtp_server) == ["Published from the admin"]


def test_a_correction_goes_to_those_who_were_sent_it_and_chose_corrections(
    client, smtp_server, klobuchar
):
    wants = confirmed(client, smtp_server, QUERY, "wants@example.com")
    declines = confirmed(client, smtp_server, QUERY, "declines@example.com")
    declines.wants_corrections = False
    declines.save()
    release = ReleaseFactory(title="Farm bill passes", senators=[klobuchar])
    run_tasks()
    late = confirmed(client, smtp_server, QUERY, "late@example.com")  # not sent the release

    Correction.objects.create(release=release, text="An earlier version misstated the vote.")
    run_tasks()

    [note] = [m for m in smtp_server.to(wants.email) if m["Subject"].startswith("Corrected")]
    assert note["Subject"] == "Corrected: Farm bill passes"
    assert "misstated the vote" in text_of(note)
    assert note["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    for other in (declines, late):
        assert not [m for m in smtp_server.to(other.email) if "Corrected" in m["Subject"]]
    assert AlertDelivery.objects.filter(kind="correction").count() == 1


def test_a_correction_to_a_release_never_announced_sends_nothing(
    client, smtp_server, klobuchar, reader
):
    release = scheduled(klobuchar, "Still embargoed", timezone.now() + timedelta(hours=2))
    Correction.objects.create(release=release, text="Fixed before it went out.")
    run_tasks()
    assert not AlertDelivery.objects.filter(kind="correction").exists()


def test_a_release_backdated_before_its_announcement_ran_is_still_announced_once(
    reader, smtp_server, klobuchar
):
    release = ReleaseFactory(title="Backdated", senators=[klobuchar], published_at=timezone.now())
    release.published_at -= timedelta(hours=2)  # the office's real release time
    release.save()  # public before and after: this save queues nothing more
    run_tasks()
    assert alerts_to(smtp_server) == ["Backdated"]
