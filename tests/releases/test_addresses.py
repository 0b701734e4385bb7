"""A published release's old address keeps working when its slug or date changes."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from releases.models import FormerSlug, Release
from tests.support.factories import ReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def release():
    return ReleaseFactory(
        title="Senators move to stop trafficking",
        slug="senators-move-to-stop-trafficking",
        published_at=timezone.now() - timedelta(days=40),
    )


def rename(release, slug):
    release.slug = slug
    release.save()
    return release


def test_old_slug_redirects_permanently_to_the_new_address(client, release):
    old_url = release.get_absolute_url()

    rename(release, "klobuchar-heitkamp-move-to-stop-trafficking")
    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == release.get_absolute_url()
    assert client.get(response["Location"]).status_code == 200


def test_every_former_slug_leads_to_the_current_one(client, release):
    first = release.get_absolute_url()
    second = rename(release, "second-title").get_absolute_url()

    rename(release, "third-title")

    for url in (first, second):
        response = client.get(url)
        assert response.status_code == 301
        assert response["Location"] == release.get_absolute_url()
    assert set(FormerSlug.objects.values_list("slug", flat=True)) == {
        "senators-move-to-stop-trafficking",
        "second-title",
    }


def test_renaming_back_makes_the_old_address_current_again(client, release):
    url = release.get_absolute_url()
    rename(release, "a-passing-title")

    rename(release, "senators-move-to-stop-trafficking")

    assert client.get(url).status_code == 200
    assert list(FormerSlug.objects.values_list("slug", flat=True)) == ["a-passing-title"]


def test_a_changed_date_redirects_from_the_old_month(client, release):
    old_url = release.get_absolute_url()

    release.published_at -= timedelta(days=62)
    release.save()
    response = client.get(old_url)

    assert old_url != release.get_absolute_url()
    assert response.status_code == 301
    assert response["Location"] == release.get_absolute_url()


def test_slug_and_date_changed_together_still_redirect(client, release):
    old_url = release.get_absolute_url()

    release.slug = "a-new-slug"
    release.published_at -= timedelta(days=62)
    release.save()
    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == release.get_absolute_url()


@pytest.mark.parametrize(
    "hide",
    [
        {"status": Release.Status.DRAFT},
        {"published_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["returned to draft", "embargoed again"],
)
def test_an_old_address_of_a_hidden_release_is_not_found(client, release, hide):
    old_url = release.get_absolute_url()
    rename(release, "renamed-then-hidden")

    Release.objects.filter(pk=release.pk).update(**hide)

    assert client.get(old_url).status_code == 404


def test_a_new_release_may_not_take_a_former_slug(client, release):
    """Another office cannot take over a renamed release's old, still-linked address."""
    old_url = release.get_absolute_url()
    rename(release, "renamed-release")

    newcomer = Release(title="Another release", slug="senators-move-to-stop-trafficking",
                       body="Text.")  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        newcomer.full_clean()
    with pytest.raises(ValidationError):
        newcomer.save()  # whoever saves it: not only forms check

    assert "still leads there" in str(refused.value.message_dict["slug"])
    assert not Release.objects.filter(title="Another release").exists()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == release.get_absolute_url()


def test_a_release_may_take_back_its_own_former_slug(release):
    rename(release, "renamed-release")

    release.slug = "senators-move-to-stop-trafficking"
    release.full_clean()
    release.save()

    assert not FormerSlug.objects.filter(slug="senators-move-to-stop-trafficking").exists()


@pytest.mark.parametrize(
    "hidden",
    [
        {"status": Release.Status.DRAFT, "published_at": None},
        {"published_at": timezone.now() + timedelta(days=1)},
    ],
    ids=["draft", "embargoed"],
)
def test_a_working_slug_never_becomes_an_address(client, hidden):
    """A draft's (or an embargoed release's) slug was never public: renaming it leaves no
    redirect that would tell readers its working title once it is published."""
    draft = ReleaseFactory(title="Working title", slug="working-title", **hidden)
    rename(draft, "final-title")

    Release.objects.filter(pk=draft.pk).update(
        status=Release.Status.PUBLISHED, published_at=timezone.now() - timedelta(hours=1)
    )
    draft.refresh_from_db()

    assert not FormerSlug.objects.exists()
    assert (
        client.get(draft.get_absolute_url().replace("final-title", "working-title")).status_code
        == 404
    )
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_import_picks_a_slug_no_release_had(release):
    from importing.services import _unique_slug

    rename(release, "renamed-release")
    newcomer = Release(title="Senators move to stop trafficking")

    assert _unique_slug(newcomer) == "senators-move-to-stop-trafficking-2"


def test_saving_without_the_slug_records_nothing(release):
    release.title = "A new title, same address"
    release.save(update_fields=["title"])
    release.save()

    assert not FormerSlug.objects.exists()
