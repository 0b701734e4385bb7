"""Two staff editing the same release: the second save is refused, nothing is overwritten."""

import re

import pytest

from tests.support.admin_forms import change_url, quotes_formset, release_form, senators_formset
from tests.support.factories import QuoteFactory, ReleaseFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def release(klobuchar):
    release = ReleaseFactory(title="Original title", body="Original body.", senators=[klobuchar])
    QuoteFactory(release=release, senator=klobuchar, text="Original words.")
    return release


def open_form(client, release):
    """GET the change form as a browser would; the version the form was opened at."""
    html = client.get(change_url(release)).content.decode()
    return re.search(r'name="opened_version" value="([^"]+)"', html)[1]


def save(client, release, opened_version, **fields):
    lead = release.releasesenator_set.get()
    quote = release.quotes.get()
    data = {
        **release_form(slug=release.slug, opened_version=opened_version, **fields),
        **senators_formset([{"id": lead.pk, "release": release.pk, "senator": lead.senator_id,
                             "role": "lead", "order": "0"}], initial=1),
        **quotes_formset([{"id": quote.pk, "release": release.pk, "text": quote.text,
                           "senator": quote.senator_id, "order": "0"}], initial=1),
    }  # fmt: skip
    return client.post(change_url(release), data)


@pytest.fixture
def two_editors(client, django_user_model):
    from django.test import Client

    first, second = Client(), Client()
    first.force_login(UserFactory(username="ana", is_superuser=True))
    second.force_login(UserFactory(username="ben", is_superuser=True))
    return first, second


def test_the_second_save_is_told_the_release_changed(two_editors, release):
    ana, ben = two_editors
    ana_opened = open_form(ana, release)
    ben_opened = open_form(ben, release)

    first = save(ana, release, ana_opened, title="Ana's title")
    second = save(ben, release, ben_opened, title="Ben's title")

    release.refresh_from_db()
    assert first.status_code == 302
    assert second.status_code == 200
    assert "This release was changed by ana" in second.content.decode()
    assert "after you opened it. Nothing was saved." in second.content.decode()
    assert release.title == "Ana's title"
    assert release.updated_by.username == "ana"


def test_the_refused_form_keeps_the_editors_text(two_editors, release):
    ana, ben = two_editors
    ben_opened = open_form(ben, release)
    save(ana, release, open_form(ana, release), title="Ana's title")

    response = save(ben, release, ben_opened, title="Ben's careful rewrite")

    assert "Ben&#x27;s careful rewrite" in response.content.decode()


def test_saving_again_after_reopening_works(two_editors, release):
    ana, ben = two_editors
    save(ana, release, open_form(ana, release), title="Ana's title")

    response = save(ben, release, open_form(ben, release), title="Ben's title, on Ana's")

    release.refresh_from_db()
    assert response.status_code == 302
    assert release.title == "Ben's title, on Ana's"


def test_one_editor_saving_twice_in_a_row_is_no_conflict(two_editors, release):
    ana, _ = two_editors
    save(ana, release, open_form(ana, release), title="First pass")

    response = save(ana, release, open_form(ana, release), title="Second pass")

    assert response.status_code == 302


def test_publishing_from_the_list_meanwhile_is_a_change_too(two_editors, release):
    """Any save counts, not only the form's: here the publish action from the list."""
    ana, ben = two_editors
    ben_opened = open_form(ben, release)
    ana.post("/admin/releases/release/", {"action": "return_to_draft",
                                          "_selected_action": [release.pk]})  # fmt: skip

    response = save(ben, release, ben_opened, title="Ben's title")

    release.refresh_from_db()
    assert response.status_code == 200
    assert release.title == "Original title"
    assert release.status == "draft"
