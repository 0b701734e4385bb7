"""The release form takes a type, an op-ed's outlet, and a media advisory's event (an
inline the advisories app gives the releases admin): an advisory needs its event, and no
other release has one."""

import pytest

from advisories.models import Event
from releases.models import Release, ReleaseType
from tests.support.admin_forms import (
    event_formset,
    quotes_formset,
    release_form,
    senators_formset,
)
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/releases/release/add/"
EVENT = {
    "kind": "stakeout", "starts_at_0": "2026-12-08", "starts_at_1": "14:30:00",
    "ends_at_0": "2026-12-08", "ends_at_1": "15:00:00",
    "location": "Ohio Clock Corridor, U.S. Capitol", "address": "", "update_note": "",
}  # fmt: skip


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="editor", is_superuser=True))
    return client


def posted(klobuchar, **fields):
    return {
        **release_form(status=Release.Status.DRAFT, published_at_0="", published_at_1=""),
        **senators_formset([{"senator": klobuchar.pk, "role": "lead", "order": "0"}]),
        **quotes_formset([]),
        **fields,
    }


def test_an_advisory_is_saved_with_its_event_in_eastern_time(staff_client, klobuchar):
    data = posted(klobuchar, type=str(ReleaseType.MEDIA_ADVISORY.value), **event_formset([EVENT]))

    response = staff_client.post(ADD_URL, data)

    assert response.status_code == 302, response.context["errors"]
    event = Event.objects.get()
    assert event.release.type == ReleaseType.MEDIA_ADVISORY
    assert event.kind == "stakeout"
    assert event.starts_at.isoformat() == "2026-12-08T19:30:00+00:00"  # 2:30 p.m. EST


def test_an_advisory_without_its_event_is_refused(staff_client, klobuchar):
    data = posted(klobuchar, type=str(ReleaseType.MEDIA_ADVISORY.value))

    response = staff_client.post(ADD_URL, data)

    assert response.status_code == 200
    assert "A media advisory announces an event" in response.content.decode()
    assert not Release.objects.exists()


def test_a_press_release_with_an_event_is_refused(staff_client, klobuchar):
    response = staff_client.post(ADD_URL, posted(klobuchar, **event_formset([EVENT])))

    assert response.status_code == 200
    assert "Only a media advisory has an event" in response.content.decode()
    assert not Release.objects.exists() and not Event.objects.exists()


def test_an_op_ed_without_its_outlet_is_refused(staff_client, klobuchar):
    response = staff_client.post(ADD_URL, posted(klobuchar, type=str(ReleaseType.OP_ED.value)))

    assert response.status_code == 200
    assert "An op-ed names the outlet it ran in." in response.content.decode()


def test_the_form_offers_the_type_and_the_event_marked_for_advisories(staff_client):
    html = staff_client.get(ADD_URL).content.decode()

    assert '<select name="type"' in html
    assert f'data-release-type="{ReleaseType.MEDIA_ADVISORY.value}"' in html
    assert 'name="event-0-starts_at_0"' in html
