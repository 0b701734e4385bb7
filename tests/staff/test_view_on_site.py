"""The admin's "View on site" shortcut, /admin/r/<content type>/<id>/, keeps offices' secrets.

Django's own redirected any staff user to any object's public address, so a staff account
with no group and no office learned every draft's and embargoed release's slug by walking
the ids. Ours answers as for a missing object unless the object's ModelAdmin lets the user
see it; quotes are judged by their release.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import resolve, reverse
from django.utils import timezone

from people.models import OfficeMembership, Senator
from releases.models import PreviewLink, Quote, Release
from staff.roles import PRESS_ASSISTANTS
from tests.support import data
from tests.support.data import built_once
from tests.support.factories import QuoteFactory, ReleaseFactory, UserFactory

pytestmark = pytest.mark.django_db


def build_newsroom():
    """Minnesota's draft, embargoed and public releases, a quote in each, and three staff."""
    amy, heidi = data.klobuchar(), data.heitkamp()
    releases = {
        "draft": ReleaseFactory(
            title="Secret draft title", slug="secret-draft-slug",
            status=Release.Status.DRAFT, published_at=None, senators=[amy],
        ),
        "embargoed": ReleaseFactory(
            title="Embargoed title", slug="embargoed-secret-slug",
            published_at=timezone.now() + timedelta(days=2), senators=[amy],
        ),
        "public": ReleaseFactory(title="Public title", slug="public-slug", senators=[amy]),
    }  # fmt: skip
    quotes = {state: QuoteFactory(release=r, senator=amy) for state, r in releases.items()}
    assistants = Group.objects.get(name=PRESS_ASSISTANTS)
    users = {
        "no group, no office": UserFactory(username="walker"),
        "assistant of another office": UserFactory(username="nd-assistant"),
        "assistant of the office": UserFactory(username="mn-assistant"),
        "superuser": UserFactory(username="root", is_superuser=True),
    }
    for name, senator in (("assistant of another office", heidi),
                          ("assistant of the office", amy)):  # fmt: skip
        users[name].groups.add(assistants)
        OfficeMembership.objects.create(user=users[name], senator=senator)
    link = PreviewLink.objects.create(
        release=releases["draft"], label="Reporter", expires_at=timezone.now() + timedelta(days=1)
    )
    return {"releases": releases, "quotes": quotes, "users": users, "amy": amy, "link": link}


newsroom = built_once(build_newsroom)


def shortcut(obj):
    """The address the admin links as "View on site" for models without their own."""
    return reverse(
        "admin:view_on_site",
        kwargs={"content_type_id": ContentType.objects.get_for_model(obj).pk, "object_id": obj.pk},
    )


def expected_target(release):
    if release.is_public():
        return release.get_absolute_url()
    return reverse("releases:preview", args=[release.pk])


def assert_missing(response, *secrets):
    assert response.status_code == 404
    assert "Location" not in response.headers
    body = response.content.decode()
    for secret in secrets:
        assert secret not in body


STATES = ["draft", "embargoed", "public"]
REFUSED = ["no group, no office", "assistant of another office"]


@pytest.mark.parametrize("kind", ["release", "quote"])
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("who", REFUSED)
def test_staff_who_may_not_see_the_release_get_a_404(client, newsroom, who, state, kind):
    release = newsroom["releases"][state]
    obj = release if kind == "release" else newsroom["quotes"][state]
    client.force_login(newsroom["users"][who])

    assert_missing(client.get(shortcut(obj)), release.slug, release.title)


@pytest.mark.parametrize("who", ["assistant of the office", "superuser"])
@pytest.mark.parametrize("state", STATES)
def test_staff_who_may_see_the_release_go_to_its_page_or_preview(client, newsroom, who, state):
    release, quote = newsroom["releases"][state], newsroom["quotes"][state]
    client.force_login(newsroom["users"][who])

    response = client.get(shortcut(release))
    assert response.status_code == 302
    assert response["Location"] == expected_target(release)

    response = client.get(shortcut(quote))
    assert response.status_code == 302
    assert response["Location"] == f"{expected_target(release)}#quote-{quote.pk}"
    if state != "public":  # the preview, never the public address that would name the slug
        assert release.slug not in response["Location"]


def test_walking_the_ids_learns_nothing(client, newsroom):
    """The attack: every release and quote id, as a staff account with no group or office."""
    client.force_login(newsroom["users"]["no group, no office"])
    for model in (Release, Quote):
        content_type = ContentType.objects.get_for_model(model).pk
        top = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        for object_id in range(1, top + 2):
            response = client.get(f"/admin/r/{content_type}/{object_id}/")
            assert response.status_code == 404, (model, object_id)
            assert "Location" not in response.headers


def test_a_missing_object_and_a_hidden_one_look_the_same(client, newsroom):
    client.force_login(newsroom["users"]["assistant of another office"])
    content_type = ContentType.objects.get_for_model(Release).pk
    hidden = client.get(shortcut(newsroom["releases"]["draft"]))
    missing = client.get(f"/admin/r/{content_type}/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


@pytest.mark.parametrize(
    "path",
    ["/admin/r/+{ct}/{pk}/", "/admin/r/{ct}/{pk}x/", "/admin/r/{ct}/%20{pk}/", "/admin/r/0/1/",
     "/admin/r/abc/1/", "/admin/r/{ct}/{pk}/extra/", "/admin/r/99999/1/"],
)  # fmt: skip
def test_odd_addresses_are_missing_too(client, newsroom, path):
    """Whatever Django's own pattern would have taken reaches ours, and finds nothing."""
    client.force_login(newsroom["users"]["no group, no office"])
    release = newsroom["releases"]["draft"]
    ct = ContentType.objects.get_for_model(Release).pk
    assert_missing(client.get(path.format(ct=ct, pk=release.pk)), release.slug)


def test_models_without_an_admin_of_their_own_are_missing_even_for_a_superuser(client, newsroom):
    """A preview link's address is its secret token, which opens the draft to anyone."""
    client.force_login(newsroom["users"]["superuser"])
    link = newsroom["link"]
    response = client.get(shortcut(link))
    assert_missing(response, link.token())


def test_other_registered_models_follow_their_admin(client, newsroom):
    amy = newsroom["amy"]
    client.force_login(newsroom["users"]["assistant of the office"])  # people.view_senator
    response = client.get(shortcut(amy))
    assert response.status_code == 302
    assert response["Location"] == amy.get_absolute_url()

    client.force_login(newsroom["users"]["no group, no office"])  # no view permission
    assert client.get(shortcut(amy)).status_code == 404
    assert Senator.objects.filter(pk=amy.pk).exists()


def test_the_admin_still_links_here_and_anonymous_visitors_are_sent_to_log_in(client, newsroom):
    url = shortcut(newsroom["releases"]["draft"])
    assert resolve(url).url_name == "staff_view_on_site"  # ours, at the admin's address

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
