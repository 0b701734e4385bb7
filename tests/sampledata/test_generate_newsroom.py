"""`manage.py generate_newsroom`: a realistic synthetic newsroom, made fast and repeatably."""

import re
from collections import Counter
from datetime import UTC, datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from people.models import Organization, Senator
from releases.markdown import render_markdown
from releases.models import Legislation, Quote, Release, ReleaseSenator, Topic
from sampledata.synthetic import SYNTHETIC_KEY
from search.query import search
from tests.support.factories import ReleaseFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 2, 16, 0, tzinfo=UTC)
SMALL = dict(releases=60, senators=5, topics=10, bills=20, organizations=15, batch_size=25)


def generate(**options):
    out = StringIO()
    call_command("generate_newsroom", **{**SMALL, "seed": 7, **options}, stdout=out)
    return out.getvalue()


@pytest.fixture
def newsroom():
    with time_machine.travel(NOW, tick=False):
        output = generate()
    return output


def snapshot():
    """What a reader would see of the synthetic newsroom, without database ids."""
    return {
        "senators": sorted(Senator.objects.values_list("bioguide_id", "slug", "party", "state")),
        "releases": list(
            Release.objects.order_by("slug").values_list(
                "title", "slug", "highlights", "dateline", "body", "status", "published_at"
            )
        ),
        "issuers": sorted(
            ReleaseSenator.objects.values_list("release__slug", "senator__bioguide_id", "role")
        ),
        "quotes": sorted(
            Quote.objects.values_list("release__slug", "order", "senator__bioguide_id",
                                      "speaker_name", "text")  # fmt: skip
        ),
        "topics": sorted(Release.topics.through.objects.values_list("release__slug",
                                                                    "topic__slug")),
        "bills": sorted(Release.legislation.through.objects.values_list(
            "release__slug", "legislation__bill_id")),
    }  # fmt: skip


def test_it_makes_what_was_asked_for(newsroom):
    assert Release.objects.count() == 60
    assert Senator.objects.count() == 5
    assert Topic.objects.count() == 10
    assert Legislation.objects.count() == 20
    assert Organization.objects.count() == 15
    assert set(Release.objects.values_list("import_key", flat=True)) == {SYNTHETIC_KEY}
    assert "60 releases" in newsroom
    assert "releases 50/60" in newsroom  # progress, a batch at a time


def test_every_release_has_one_lead_senator_and_two_to_four_quotes(newsroom):
    leads = Counter(ReleaseSenator.objects.filter(role="lead").values_list("release", flat=True))
    assert set(leads.values()) == {1}
    assert len(leads) == 60
    quotes = Counter(Quote.objects.values_list("release", flat=True))
    assert len(quotes) == 60
    assert set(quotes.values()) <= {2, 3, 4}
    issuers = set(ReleaseSenator.objects.values_list("release", "senator"))
    for quote in Quote.objects.all():
        # One speaker: a senator issuing the release, or a named person.
        assert bool(quote.senator_id) != bool(quote.speaker_name)
        if quote.senator_id:
            assert (quote.release_id, quote.senator_id) in issuers


def test_releases_are_joint_about_a_third_of_the_time(newsroom):
    sizes = Counter(ReleaseSenator.objects.values_list("release", flat=True)).values()
    joint = sum(1 for n in sizes if n > 1)
    assert 5 <= joint <= 35
    assert max(sizes) <= 4


def test_links_stay_within_the_stated_ranges(newsroom):
    for release in Release.objects.prefetch_related("topics", "legislation", "organizations"):
        assert 1 <= len(release.topics.all()) <= 3
        assert len(release.legislation.all()) <= 2
        assert len(release.organizations.all()) <= 3


def test_body_html_is_what_the_renderer_makes_of_the_body(newsroom):
    for release in Release.objects.all():
        assert release.body_html == render_markdown(release.body)
        assert 250 <= len(release.body.split()) <= 1000


def test_senators_bills_and_slugs_are_valid(newsroom):
    for senator in Senator.objects.all():
        assert re.fullmatch(r"[A-Z][0-9]{6}", senator.bioguide_id)
        senator.full_clean()
    assert max(Counter(Senator.objects.values_list("state", flat=True)).values()) <= 2
    for bill in Legislation.objects.all():
        assert bill.bill_id == f"{bill.bill_type}{bill.number}-{bill.congress}"
        bill.full_clean()
    slugs = list(Release.objects.values_list("slug", flat=True))
    assert len(set(slugs)) == len(slugs)


def test_datelines_and_dates_look_like_a_newsroom(newsroom):
    datelines = Counter(Release.objects.values_list("dateline", flat=True))
    assert datelines.most_common(1)[0][0] == "Washington, DC"
    dates = Release.objects.exclude(published_at=None).values_list("published_at", flat=True)
    assert min(dates).year >= NOW.year - 15
    assert (max(dates) - min(dates)).days > 365 * 5


def test_a_few_percent_are_drafts_and_embargoed():
    with time_machine.travel(NOW, tick=False):
        generate(releases=500, batch_size=250)
        drafts = Release.objects.filter(status=Release.Status.DRAFT).count()
        embargoed = Release.objects.filter(status="published", published_at__gt=NOW).count()
        public = Release.objects.published().count()
    assert 5 <= drafts <= 30  # 3% of 500 is 15
    assert 1 <= embargoed <= 15  # 1% is 5
    assert public == 500 - drafts - embargoed


def test_the_same_seed_makes_the_same_newsroom():
    with time_machine.travel(NOW, tick=False):
        generate(seed=11)
        first = snapshot()
        generate(seed=11, clear=True)
        assert snapshot() == first
        generate(seed=12, clear=True)
        assert snapshot()["releases"] != first["releases"]


def test_search_finds_generated_releases(newsroom, client):
    release = Release.objects.published().exclude(legislation=None).first()
    lead = release.releasesenator_set.get(role="lead").senator
    found = search(Release.objects.published(), lead.last_name)
    assert release in found
    bill = release.legislation.first()
    assert release in search(Release.objects.published(), bill.bill_id)
    quote = release.quotes.first()
    response = client.get("/quotes/", {"q": " ".join(quote.text.split()[:6])})
    assert response.status_code == 200


def test_the_public_list_renders_generated_releases(newsroom, client):
    newest = Release.objects.published().first()
    response = client.get("/releases/")
    assert response.status_code == 200
    assert newest.title in response.content.decode()
    assert client.get(newest.get_absolute_url()).status_code == 200


def test_it_will_not_add_to_a_synthetic_newsroom_without_clear(newsroom):
    with pytest.raises(CommandError, match="--clear"):
        generate()
    assert Release.objects.count() == 60


def test_clear_replaces_the_synthetic_newsroom_only():
    real = ReleaseFactory(title="A real release")
    with pytest.raises(CommandError, match="1 release.*--force"):
        generate()
    assert Release.objects.count() == 1
    with time_machine.travel(NOW, tick=False):
        generate(force=True)
        output = generate(force=True, clear=True, releases=30)
    assert "Cleared the synthetic newsroom (60 releases)" in output
    assert Release.objects.count() == 31
    assert Release.objects.filter(pk=real.pk).exists()
    assert Senator.objects.count() == 5 + real.senators.count()
    call_command("generate_newsroom", clear=True, force=True, releases=0, senators=1,
                 topics=1, bills=0, organizations=0, stdout=StringIO())  # fmt: skip
    assert list(Release.objects.all()) == [real]


@pytest.mark.parametrize(
    "option, value",
    [("releases", -1), ("senators", 0), ("topics", 0), ("batch_size", 0), ("topics", 10**6)],
)
def test_bad_options_are_refused_clearly(option, value):
    flag = "--" + option.replace("_", "-")
    with pytest.raises(CommandError, match=f"{flag} must be between"):
        generate(**{option: value})
    assert Release.objects.count() == 0
    assert Senator.objects.count() == 0


def test_the_search_index_can_be_left_for_later():
    with time_machine.travel(NOW, tick=False):
        output = generate(no_search_index=True)
        release = Release.objects.published().first()
        assert "not indexed for search" in output
        assert release not in search(Release.objects.published(), release.title)
        call_command("rebuild_modelsearch_index", stdout=StringIO())
        assert release in search(Release.objects.published(), release.title)
