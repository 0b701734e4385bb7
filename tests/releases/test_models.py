"""Model behaviour, and the rules the database itself enforces."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.contrib.humanize.templatetags.humanize import ordinal
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from people.models import Senator
from releases.models import Legislation, Quote, Release, ReleaseSenator
from tests.support.factories import (
    LegislationFactory,
    OrganizationFactory,
    QuoteFactory,
    ReleaseFactory,
    SenatorFactory,
)

pytestmark = pytest.mark.django_db

TITLE = (
    "Klobuchar, Heitkamp Join with Local Advocates to Discuss Efforts to Combat Sex "
    "Trafficking in Minnesota and Across the World"
)


# Senators


def test_senator_str_names_party_and_state(klobuchar):
    assert str(klobuchar) == "Amy Klobuchar (D-MN)"


def test_senator_name_falls_back_to_first_and_last_name():
    senator = SenatorFactory(
        first_name="Heidi", last_name="Heitkamp", official_full_name="", state="ND"
    )
    assert str(senator) == "Heidi Heitkamp (D-ND)"


def test_senator_title_says_former_when_out_of_office():
    assert SenatorFactory(in_office=True).title == "Sen."
    assert SenatorFactory(in_office=False).title == "Former Sen."


def test_bioguide_id_is_unique(klobuchar):
    with pytest.raises(IntegrityError), transaction.atomic():
        SenatorFactory(bioguide_id="K000367", slug="another-amy")
    assert Senator.objects.filter(bioguide_id="K000367").count() == 1


@pytest.mark.parametrize(
    "bioguide_id", ["k000367", "KK00367", "K00036A", "1000367", "K 00036", "K000367\n"]
)
def test_database_rejects_malformed_bioguide_id(bioguide_id):
    # PostgreSQL refuses the 8-character one as too long (DataError) before the check runs.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        SenatorFactory(bioguide_id=bioguide_id)
    assert not Senator.objects.exists()


@pytest.mark.parametrize("bioguide_id", ["k000367", "K00036", "K0003671", "X-12345"])
def test_validation_rejects_malformed_bioguide_id(bioguide_id):
    senator = SenatorFactory.build(bioguide_id=bioguide_id)
    with pytest.raises(ValidationError) as error:
        senator.full_clean()
    assert "bioguide_id" in error.value.message_dict


def test_validation_accepts_well_formed_bioguide_id():
    SenatorFactory.build(bioguide_id="H001069", slug="heidi-heitkamp").full_clean()


def test_database_rejects_term_ending_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        SenatorFactory(
            term_start=date(2019, 1, 3),
            term_end=date(2013, 1, 3),
        )


# Legislation


def test_bill_id_is_derived_on_save():
    bill = Legislation.objects.create(bill_type="s", number=1733, congress=113)
    assert bill.bill_id == "s1733-113"
    bill.refresh_from_db()
    assert bill.bill_id == "s1733-113"


def test_bill_id_follows_changes_to_the_bill():
    bill = Legislation.objects.create(bill_type="s", number=1733, congress=113)
    bill.bill_type, bill.number = "hr", 3610
    bill.save()
    bill.refresh_from_db()
    assert bill.bill_id == "hr3610-113"


def test_a_bill_is_stored_once_per_congress():
    Legislation.objects.create(bill_type="s", number=1733, congress=113)
    with pytest.raises(IntegrityError), transaction.atomic():
        Legislation.objects.create(bill_type="s", number=1733, congress=113)
    assert Legislation.objects.count() == 1


def test_same_number_in_another_congress_or_chamber_is_another_bill():
    Legislation.objects.create(bill_type="s", number=1733, congress=113)
    Legislation.objects.create(bill_type="s", number=1733, congress=114)
    Legislation.objects.create(bill_type="hr", number=1733, congress=113)
    assert set(Legislation.objects.values_list("bill_id", flat=True)) == {
        "s1733-113",
        "s1733-114",
        "hr1733-113",
    }


def test_bill_is_unique_in_database_even_without_save():
    """The unique constraint is on the bill, not only on the derived bill_id."""
    Legislation.objects.create(bill_type="s", number=1733, congress=113)
    with pytest.raises(IntegrityError), transaction.atomic():
        Legislation.objects.bulk_create(
            [Legislation(bill_type="s", number=1733, congress=113, bill_id="other-id")]
        )


def test_legislation_str():
    bill = LegislationFactory(bill_type="s", number=1733, congress=113)
    assert str(bill) == "S. 1733 (113th Congress)"
    assert bill.citation == "S. 1733"


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (101, "101st"),
        (111, "111th"),
        (112, "112th"),
        (113, "113th"),
        (119, "119th"),
        (121, "121st"),
    ],
)
def test_ordinal(n, expected):
    assert ordinal(n) == expected


@pytest.mark.parametrize(
    ("congress", "expected"), [(1, "1st"), (2, "2nd"), (3, "3rd"), (111, "111th"), (112, "112th")]
)
def test_legislation_str_uses_ordinal_congress(congress, expected):
    bill = LegislationFactory(bill_type="hr", number=5, congress=congress)
    assert str(bill) == f"H.R. 5 ({expected} Congress)"


@pytest.mark.parametrize(
    ("bill_type", "number", "expected"),
    [
        ("s", 1733, "https://www.congress.gov/bill/113th-congress/senate-bill/1733"),
        ("hr", 3610, "https://www.congress.gov/bill/113th-congress/house-bill/3610"),
        ("hres", 12, "https://www.congress.gov/bill/113th-congress/house-resolution/12"),
        ("sres", 7, "https://www.congress.gov/bill/113th-congress/senate-resolution/7"),
        ("hjres", 3, "https://www.congress.gov/bill/113th-congress/house-joint-resolution/3"),
        ("sjres", 4, "https://www.congress.gov/bill/113th-congress/senate-joint-resolution/4"),
        (
            "hconres",
            5,
            "https://www.congress.gov/bill/113th-congress/house-concurrent-resolution/5",
        ),
        (
            "sconres",
            6,
            "https://www.congress.gov/bill/113th-congress/senate-concurrent-resolution/6",
        ),
    ],
)
def test_congress_gov_url(bill_type, number, expected):
    bill = LegislationFactory(bill_type=bill_type, number=number, congress=113)
    assert bill.congress_gov_url == expected


def test_bill_title_prefers_short_title():
    bill = LegislationFactory(short_title="Short Act", official_title="A bill to do things.")
    assert bill.title == "Short Act"
    bill.short_title = ""
    assert bill.title == "A bill to do things."


# Quotes


def test_quote_by_a_senator_is_attributed_to_the_senator(klobuchar):
    quote = QuoteFactory(senator=klobuchar)
    assert quote.attribution == "Amy Klobuchar (D-MN)"
    assert quote.speaker == "Amy Klobuchar"


def test_quote_by_a_named_person_is_attributed_with_title_and_organization():
    center = OrganizationFactory(name="Minnesota Indian Women’s Resource Center")
    quote = QuoteFactory(
        senator=None,
        speaker_name="Jane Doe",
        speaker_title="Executive Director",
        speaker_organization=center,
    )
    assert quote.attribution == (
        "Jane Doe, Executive Director, Minnesota Indian Women’s Resource Center"
    )
    assert quote.speaker == "Jane Doe"


def test_quote_by_a_named_person_without_title_is_attributed_by_name():
    quote = QuoteFactory(senator=None, speaker_name="Jane Doe")
    assert quote.attribution == "Jane Doe"


def test_quote_paragraphs_split_on_blank_lines():
    quote = QuoteFactory(text="First part.\n\n  Second part.  \n\n\n")
    assert quote.paragraphs == ["First part.", "Second part."]


def test_database_rejects_quote_with_no_speaker():
    release = ReleaseFactory()
    with pytest.raises(IntegrityError, match="quote_has_one_speaker"), transaction.atomic():
        Quote.objects.create(release=release, senator=None, speaker_name="", text="Words.")
    assert not Quote.objects.exists()


def test_database_rejects_quote_with_both_senator_and_speaker_name():
    release = ReleaseFactory()
    senator = SenatorFactory()
    with pytest.raises(IntegrityError, match="quote_has_one_speaker"), transaction.atomic():
        Quote.objects.create(
            release=release, senator=senator, speaker_name="Jane Doe", text="Words."
        )
    assert not Quote.objects.exists()


@pytest.mark.parametrize("speaker", ["neither", "both"])
def test_validation_rejects_quote_without_exactly_one_speaker(speaker):
    release = ReleaseFactory()
    quote = Quote(
        release=release,
        senator=SenatorFactory() if speaker == "both" else None,
        speaker_name="Jane Doe" if speaker == "both" else "",
        text="Words.",
    )
    with pytest.raises(ValidationError) as error:
        quote.full_clean()
    assert "spoken by a senator or by a named person" in str(error.value)


def test_quotes_are_ordered_by_order():
    release = ReleaseFactory()
    second = QuoteFactory(release=release, order=2)
    first = QuoteFactory(release=release, order=1)
    assert list(release.quotes.all()) == [first, second]


# Releases


def test_release_slug_is_unique():
    ReleaseFactory(slug="same-slug")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseFactory(slug="same-slug")
    assert Release.objects.filter(slug="same-slug").count() == 1


def test_release_slug_is_derived_from_title_when_blank():
    release = ReleaseFactory(title=TITLE, slug="")
    assert release.slug == (
        "klobuchar-heitkamp-join-with-local-advocates-to-discuss-efforts-to-combat-sex-"
        "trafficking-in-minnesota-and-across-the-world"
    )


def test_release_slug_given_is_kept():
    release = ReleaseFactory(title=TITLE, slug="sex-trafficking")
    assert release.slug == "sex-trafficking"


def test_derived_slug_fits_the_field_and_does_not_end_in_a_hyphen():
    release = ReleaseFactory(title="word " * 60, slug="")
    assert 0 < len(release.slug) <= 200
    assert not release.slug.endswith("-")


def test_body_html_is_rendered_from_markdown_on_save():
    release = ReleaseFactory(body="The senator **announced** a bill.\n\n- one\n- two")
    release.refresh_from_db()
    assert "<strong>announced</strong>" in release.body_html
    assert "<li>one</li>" in release.body_html


def test_body_html_follows_body_on_save_with_update_fields():
    release = ReleaseFactory(body="Old body.")
    release.body = "New *body*."
    release.save(update_fields=["body"])
    release.refresh_from_db()
    assert release.body_html == "<p>New <em>body</em>.</p>"


def test_published_release_needs_a_publication_time():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseFactory(status=Release.Status.PUBLISHED, published_at=None)
    assert not Release.objects.exists()


def test_draft_release_may_have_no_publication_time():
    release = ReleaseFactory(status=Release.Status.DRAFT, published_at=None)
    assert Release.objects.filter(pk=release.pk).exists()


def test_lead_image_needs_alt_text():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseFactory(lead_image="releases/2014/05/photo.jpg", lead_image_alt="")
    assert not Release.objects.exists()


def test_lead_image_with_alt_text_is_stored():
    release = ReleaseFactory(
        lead_image="releases/2014/05/photo.jpg", lead_image_alt="Senators at a round table"
    )
    assert Release.objects.filter(pk=release.pk).exists()


def test_release_senator_is_stored_once_per_release():
    senator = SenatorFactory()
    release = ReleaseFactory(senators=[senator])
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseSenator.objects.create(
            release=release, senator=senator, role=ReleaseSenator.Role.JOINT
        )
    assert release.releasesenator_set.count() == 1


def test_release_has_only_one_lead_senator():
    release = ReleaseFactory(senators=[SenatorFactory()])
    with pytest.raises(IntegrityError), transaction.atomic():
        ReleaseSenator.objects.create(
            release=release, senator=SenatorFactory(), role=ReleaseSenator.Role.LEAD
        )
    assert release.releasesenator_set.filter(role=ReleaseSenator.Role.LEAD).count() == 1


def test_release_may_have_many_joint_senators_and_each_release_its_own_lead():
    lead, joint_1, joint_2 = SenatorFactory(), SenatorFactory(), SenatorFactory()
    first = ReleaseFactory(senators=[lead, joint_1, joint_2])
    second = ReleaseFactory(senators=[joint_1, lead])
    assert first.releasesenator_set.filter(role="joint").count() == 2
    assert list(first.senators.order_by("releasesenator__order")) == [lead, joint_1, joint_2]
    assert second.releasesenator_set.get(role="lead").senator == joint_1


def test_validation_names_the_second_lead_senator_rule():
    release = ReleaseFactory(senators=[SenatorFactory()])
    second_lead = ReleaseSenator(
        release=release, senator=SenatorFactory(), role=ReleaseSenator.Role.LEAD
    )
    with pytest.raises(ValidationError, match="only one lead senator"):
        second_lead.full_clean()


def test_highlight_list_splits_lines_and_drops_bullets_and_blanks():
    release = ReleaseFactory(highlights="• First point\n\n- Second point \n  * Third point\n")
    assert release.highlight_list == ["First point", "Second point", "Third point"]


def test_highlight_list_is_empty_without_highlights():
    assert ReleaseFactory(highlights="").highlight_list == []


def test_body_splits_after_the_first_paragraph():
    release = ReleaseFactory(body="First paragraph.\n\nSecond paragraph.\n\nThird paragraph.")
    assert release.body_lead_html == "<p>First paragraph.</p>"
    assert "Second paragraph." in release.body_rest_html
    assert "Third paragraph." in release.body_rest_html
    assert "First paragraph." not in release.body_rest_html


def test_body_with_no_paragraph_is_all_lead():
    release = ReleaseFactory(body="- only\n- a list")
    assert release.body_lead_html == release.body_html
    assert release.body_rest_html == ""


def test_release_url_uses_eastern_publication_month():
    # 02:00 UTC on June 1 is still May 31 in Washington.
    at = datetime(2014, 6, 1, 2, 0, tzinfo=UTC)
    release = ReleaseFactory(slug="late-night", published_at=at)
    assert release.get_absolute_url() == "/releases/2014/05/late-night/"


# The publication rule


@pytest.fixture
def now():
    return timezone.now()


def test_published_includes_only_published_releases_whose_time_has_come(now):
    past = ReleaseFactory(published_at=now - timedelta(seconds=1))
    long_ago = ReleaseFactory(published_at=now - timedelta(days=3650))
    ReleaseFactory(published_at=now + timedelta(seconds=60))  # embargoed
    ReleaseFactory(status=Release.Status.DRAFT, published_at=now - timedelta(days=1))
    ReleaseFactory(status=Release.Status.DRAFT, published_at=None)

    assert set(Release.objects.published()) == {past, long_ago}


def test_embargoed_release_goes_live_without_being_saved_again(now):
    release = ReleaseFactory(published_at=now + timedelta(seconds=60))
    assert not Release.objects.published().filter(pk=release.pk).exists()
    # Time passes: move the clock by moving the release, not by saving it as published again.
    Release.objects.filter(pk=release.pk).update(published_at=now - timedelta(seconds=1))
    assert Release.objects.published().filter(pk=release.pk).exists()


def test_published_composes_with_other_filters(now):
    topic_release = ReleaseFactory(published_at=now - timedelta(hours=1), title="About roads")
    ReleaseFactory(published_at=now + timedelta(hours=1), title="About roads, embargoed")
    assert list(Release.objects.filter(title__startswith="About").published()) == [topic_release]


@pytest.mark.parametrize(
    ("status", "offset", "public", "embargoed"),
    [
        (Release.Status.PUBLISHED, timedelta(seconds=-1), True, False),
        (Release.Status.PUBLISHED, timedelta(days=-365), True, False),
        (Release.Status.PUBLISHED, timedelta(seconds=60), False, True),
        (Release.Status.DRAFT, timedelta(seconds=-1), False, False),
        (Release.Status.DRAFT, timedelta(seconds=60), False, False),
        (Release.Status.DRAFT, None, False, False),
    ],
)
def test_is_public_and_is_embargoed(now, status, offset, public, embargoed):
    release = ReleaseFactory(status=status, published_at=None if offset is None else now + offset)
    assert release.is_public() is public
    assert release.is_embargoed() is embargoed
    assert Release.objects.published().filter(pk=release.pk).exists() is public
