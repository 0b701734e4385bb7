"""A release's card in a list is kept between changes (templates/includes/release_item.html,
core/templatetags/kept.py): rendered once for every list it is on, it ends with any change
that commits, as kept counts do, and a search's cards (their passage differs by the words)
are never kept."""

import pytest
from django.template.loader import render_to_string

from releases.models import Release
from tests.support.factories import ReleaseFactory, SenatorFactory, TopicFactory
from tests.support.html_helpers import listed_titles, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def card(count_cache):
    senator = SenatorFactory(first_name="Tina", last_name="Smith", slug="tina-smith")
    topic = TopicFactory(name="Harbors", slug="harbors")
    return ReleaseFactory(title="Harbor dredging funded", senators=[senator], topics=[topic],
                          highlights="The harbor is dredged at last.")  # fmt: skip


def test_a_card_is_rendered_once_and_kept_for_every_list_it_is_on(client, card):
    assert listed_titles(client.get("/releases/")) == ["Harbor dredging funded"]
    # A change the signals never hear of (and so no new generation): the kept card stands.
    Release.objects.filter(pk=card.pk).update(title="Changed behind the signals' back")

    assert listed_titles(client.get("/releases/")) == ["Harbor dredging funded"]
    assert listed_titles(client.get("/topics/harbors/")) == ["Harbor dredging funded"]


def test_a_committed_change_to_the_release_is_on_its_card_at_once(client, card, committed):
    client.get("/releases/")

    with committed():
        card.title = "Harbor dredging funded in full"
        card.save()

    assert listed_titles(client.get("/releases/")) == ["Harbor dredging funded in full"]


def test_a_senator_renamed_is_renamed_on_every_card(client, card, committed):
    assert "Tina Smith" in text(client.get("/releases/"))
    senator = card.senators.get()

    with committed():
        senator.official_full_name = "Christina Smith"
        senator.save()

    page = text(client.get("/releases/"))
    assert "Christina Smith" in page and "Tina Smith" not in page


def test_a_search_shows_its_own_passage_not_the_kept_card(client, card):
    # The kept card's summary is the body's first 45 words: no pilots in it.
    body = "Dredging begins. " * 30 + "The harbor pilots agree."
    ReleaseFactory(title="Harbor funds", body=body, senators=[card.senators.get()])
    assert "pilots" not in text(client.get("/releases/"))  # every card kept

    searched = client.get("/releases/", {"q": "pilots"})

    assert listed_titles(searched) == ["Harbor funds"]
    assert "pilots" in text(searched).split("Harbor funds", 1)[1]


def test_a_card_rendered_without_a_request_is_the_kept_card(client, card):
    # A task or an export (the handoff's index) renders cards with no request and so no
    # context processors: the card is rendered, and it is the card the lists keep.
    client.get("/releases/")
    Release.objects.filter(pk=card.pk).update(title="Changed behind the signals' back")
    fresh = Release.objects.get(pk=card.pk)

    alone = render_to_string("includes/release_item.html", {"release": fresh})

    assert "Harbor dredging funded" in alone and "behind" not in alone
