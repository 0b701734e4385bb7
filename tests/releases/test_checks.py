"""Checks before publishing (releases/checks.py): each rule on text that breaks it and text
that keeps it, and `release_publish()` refusing a release with an error."""

from datetime import datetime

import pytest
from django.core.exceptions import ValidationError

from core.eastern import EASTERN
from releases import checks
from releases.checks import ReleaseText, release_checks
from releases.citations import release_citations
from releases.models import Release
from releases.services import release_publish
from tests.support.factories import LegislationFactory, ReleaseFactory, UserFactory


def messages(findings, level=None):
    return [f.message for f in findings if level is None or f.level == level]


def test_lead_image_without_alt_text_is_an_error():
    found = checks.lead_image_has_alt_text(ReleaseText(has_lead_image=True, lead_image_alt=" "))
    assert [f.level for f in found] == [checks.ERROR]
    assert "Describe the lead image" in found[0].message
    assert (
        checks.lead_image_has_alt_text(
            ReleaseText(has_lead_image=True, lead_image_alt="Senator Klobuchar at the roundtable")
        )
        == []
    )
    assert checks.lead_image_has_alt_text(ReleaseText(has_lead_image=False)) == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("## Section\n\n### Part\n\n## Next", []),
        ("# Big\n\nText", ["level-1 heading"]),
        ("## Section\n\n#### Detail", ["A level-4 heading follows a level-2 one"]),
        ("### Starts low", ["A level-3 heading follows a level-1 one"]),
    ],
)
def test_headings_go_down_one_level_at_a_time(body, expected):
    found = checks.headings_in_order(ReleaseText(body=body))
    assert len(found) == len(expected)
    for finding, words in zip(found, expected, strict=True):
        assert finding.level == checks.WARNING
        assert words in finding.message


@pytest.mark.parametrize(
    ("body", "warned"),
    [
        ("Read [the bill's text](https://www.congress.gov/bill/113th-congress/senate-bill/1733).",
         None),
        ("For the letter, [click here](https://example.senate.gov/letter.pdf).", "click here"),
        ("The report is [here](https://example.senate.gov/r).", "“here”"),
        ("[Read more](https://example.senate.gov/more)", "Read more"),
        ("An empty one: [](https://example.senate.gov/x)", "has no text"),
    ],
)  # fmt: skip
def test_links_say_where_they_go(body, warned):
    found = checks.links_say_where_they_go(ReleaseText(body=body))
    if warned is None:
        assert found == []
    else:
        assert len(found) == 1 and found[0].level == checks.WARNING
        assert warned in found[0].message


def test_body_images_need_alt_text():
    found = checks.body_images_have_alt_text(
        ReleaseText(body="![](https://example.senate.gov/a.jpg)\n\n<img src='/b.png'>")
    )
    assert [f.level for f in found] == [checks.ERROR, checks.ERROR]
    assert "https://example.senate.gov/a.jpg" in found[0].message
    described = "![Senator Heitkamp in a wheat field](https://example.senate.gov/a.jpg)"
    assert checks.body_images_have_alt_text(ReleaseText(body=described)) == []


@pytest.mark.django_db
def test_bills_cited_but_not_linked_are_warned_about(klobuchar):
    s1733 = LegislationFactory(bill_type="s", number=1733, congress=113, sponsor=klobuchar)
    release = ReleaseFactory(
        body="The bill, S. 1733, and H.R. 3610 both fight trafficking.",
        published_at=datetime(2014, 5, 16, 12, tzinfo=EASTERN),
    )

    found = checks.cited_bills_are_linked(ReleaseText.of(release))

    assert messages(found, checks.WARNING) == [
        "The text cites S. 1733 (113th Congress) but it is not linked: add it under Bills.",
        "The text cites H.R. 3610 (113th Congress), which is not in the newsroom yet: add it "
        "under Legislation to link it.",
    ]
    release.legislation.add(s1733)
    assert len(checks.cited_bills_are_linked(ReleaseText.of(release))) == 1
    assert release_citations(release)[0].bill == s1733


@pytest.mark.parametrize(
    "href",
    [
        "https://secure.actblue.com/donate/amy",
        "https://winred.com/someone/",
        "https://secure.anedot.com/senator/donate",
        "https://donate.example.com/",
        "https://www.klobucharcampaign.com/",
        "https://example.org/donate",
    ],
)
def test_links_to_campaign_and_fundraising_sites_are_warned_about(href):
    found = checks.senate_rules(ReleaseText(body=f"See [our page]({href})."))
    assert len(found) == 1 and found[0].level == checks.WARNING
    assert "campaign or fund-raising site" in found[0].message


@pytest.mark.parametrize(
    ("words", "said"),
    [
        ("Please donate today.", "donate"),
        ("Chip in $5 before midnight.", "chip in"),
        ("Contribute to my campaign.", "contribute to my campaign"),
    ],
)
def test_solicitation_wording_is_warned_about(words, said):
    found = checks.senate_rules(ReleaseText(highlights=words))
    assert messages(found) == [
        f"The text says “{said}”: official Senate sites may not ask for money or campaign support."
    ]


def test_official_links_and_plain_words_pass_the_senate_rules():
    text = ReleaseText(
        body="Food shelves donated meals. See [the senator's site](https://www.klobuchar.senate.gov/)"
        " and [the bill](https://www.congress.gov/bill/113th-congress/senate-bill/1733)."
    )
    assert checks.senate_rules(text) == []


def test_release_checks_list_errors_first():
    text = ReleaseText(body="[here](https://winred.com/x)\n\n![](/a.png)")
    found = release_checks(text)
    assert [f.level for f in found] == [checks.ERROR, checks.WARNING, checks.WARNING]
    assert {f.rule for f in found} == {
        "body_images_have_alt_text", "links_say_where_they_go", "senate_rules",
    }  # fmt: skip


@pytest.mark.django_db
def test_release_publish_refuses_a_release_with_an_error(klobuchar):
    release = ReleaseFactory(
        status=Release.Status.DRAFT, published_at=None, senators=[klobuchar],
        body="A chart: ![](https://example.senate.gov/chart.png)",
    )  # fmt: skip

    with pytest.raises(ValidationError, match="An image in the body has no description"):
        release_publish(release=release, by=UserFactory())

    assert Release.objects.get(pk=release.pk).status == Release.Status.DRAFT


@pytest.mark.django_db
def test_release_publish_publishes_with_warnings_only(klobuchar):
    release = ReleaseFactory(
        status=Release.Status.DRAFT, published_at=None, senators=[klobuchar],
        body="The letter is [here](https://example.senate.gov/letter.pdf).",
    )  # fmt: skip

    release_publish(release=release, by=UserFactory())

    assert Release.objects.published().filter(pk=release.pk).exists()
