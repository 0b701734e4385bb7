"""Which subscriptions a release matches: as the list filters (OR within a parameter, AND
across them, the year in Eastern time), the words as word beginnings in what the index holds
of the release; in a fixed number of queries whatever the number of subscribers."""

from datetime import datetime

import pytest
from django.http import QueryDict

from alerts.models import Subscription, SubscriptionTerm
from alerts.selectors import (
    matching_subscriptions,
    read_filter,
    release_facts,
    release_for_matching,
    release_words,
    words_match,
)
from core.eastern import EASTERN
from tests.support.factories import (
    LegislationFactory,
    OrganizationFactory,
    QuoteFactory,
    ReleaseFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db


def follow(query, email="reader@example.com"):
    """A confirmed instant subscription to `query`, written as the service writes it."""
    from django.utils import timezone

    reading = read_filter(QueryDict(query))
    assert not reading.problems, reading.problems
    subscription = Subscription.objects.create(
        email=email, q=reading.alert_filter.q, filter_key=reading.alert_filter.key(),
        consent_words=reading.words, confirmed_at=timezone.now(),
    )  # fmt: skip
    SubscriptionTerm.objects.bulk_create(
        SubscriptionTerm(subscription=subscription, parameter=p, value=v)
        for p, v in reading.alert_filter.terms
    )
    return subscription


def matches(release):
    release = release_for_matching(release.pk)
    return {
        Subscription.objects.get(pk=pk).email
        for pk in matching_subscriptions(
            release, Subscription.objects.active().instant(),
            facts=release_facts([release])[release.pk], words=release_words(release),
        )
    }  # fmt: skip


@pytest.fixture
def subjects(klobuchar, heitkamp):
    return {
        "farms": TopicFactory(name="Farms", slug="farms"),
        "rail": TopicFactory(name="Rail", slug="rail"),
        "bill": LegislationFactory(bill_type="s", number=1733, congress=113),
        "un": OrganizationFactory(name="United Nations", slug="united-nations"),
    }


def test_or_within_a_parameter_and_across_parameters(klobuchar, heitkamp, subjects):
    follow("senator=amy-klobuchar", "amy@example.com")
    follow("senator=amy-klobuchar&senator=heidi-heitkamp", "either@example.com")
    follow("senator=amy-klobuchar&topic=farms", "amy-farms@example.com")
    follow("senator=amy-klobuchar&topic=farms&topic=rail", "amy-farms-or-rail@example.com")
    follow("topic=rail", "rail@example.com")
    follow("legislation=s1733-113&organization=united-nations", "bill-un@example.com")
    follow("", "everything@example.com")

    farm = ReleaseFactory(senators=[heitkamp, klobuchar], topics=[subjects["farms"]])
    assert matches(farm) == {"amy@example.com", "either@example.com", "amy-farms@example.com",
                             "amy-farms-or-rail@example.com", "everything@example.com"}  # fmt: skip
    heidi = ReleaseFactory(senators=[heitkamp], legislation=[subjects["bill"]],
                           organizations=[subjects["un"]])  # fmt: skip
    assert matches(heidi) == {"either@example.com", "bill-un@example.com",
                              "everything@example.com"}  # fmt: skip


def test_the_year_is_the_eastern_year(klobuchar):
    follow("year=2024", "2024@example.com")
    follow("year=2025", "2025@example.com")
    # 11:30 p.m. Eastern on New Year's Eve is already 2025 in UTC.
    eve = ReleaseFactory(senators=[klobuchar],
                         published_at=datetime(2024, 12, 31, 23, 30, tzinfo=EASTERN))  # fmt: skip
    assert matches(eve) == {"2024@example.com"}


def test_words_match_word_beginnings_in_everything_the_index_holds(klobuchar, subjects):
    follow("q=traffick", "stem@example.com")
    follow("q=klobuchar+broadband", "both@example.com")
    follow("q=pena", "accent@example.com")
    follow("q=nations", "org@example.com")
    follow("q=vote&senator=amy-klobuchar", "quote@example.com")
    follow("q=farmed", "no-stemming@example.com")

    release = ReleaseFactory(title="Broadband and trafficking", senators=[klobuchar],
                             organizations=[subjects["un"]], body="Farming with Peña.")  # fmt: skip
    QuoteFactory(release=release, senator=klobuchar, text="I will vote for it.")
    assert matches(release) == {"stem@example.com", "both@example.com", "accent@example.com",
                                "org@example.com", "quote@example.com"}  # fmt: skip


def test_words_match_as_word_beginnings_only():
    words = sorted({"trafficking", "klobuchar's", "broadband"})
    assert words_match(words, "traffick")
    assert words_match(words, "Klobuchar’s broad")
    assert not words_match(words, "rafficking")
    assert not words_match(words, "trafficking senate")


@pytest.mark.parametrize("subscribers", [10, 60])
def test_matching_takes_a_fixed_number_of_queries(klobuchar, subjects, subscribers,
                                                  django_assert_num_queries):  # fmt: skip
    for n in range(subscribers):
        follow(["senator=amy-klobuchar", "topic=farms&q=farm", "year=2025&topic=rail"][n % 3],
               f"reader{n}@example.com")  # fmt: skip
    release = ReleaseFactory(senators=[klobuchar], topics=[subjects["farms"]], title="Farm aid")
    loaded = release_for_matching(release.pk)
    with django_assert_num_queries(6):  # 4 link filters, then 2 for the subscriptions
        facts = release_facts([loaded])[loaded.pk]
        found = matching_subscriptions(loaded, Subscription.objects.active().instant(),
                                       facts=facts, words=release_words(loaded))  # fmt: skip
    assert len(found) == len(range(0, subscribers, 3)) + len(range(1, subscribers, 3))
