"""`manage.py import_releases` and the admin's "Paste a release": text and HTML to drafts."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from core.eastern import EASTERN
from importing.parsing import ParseError, release_parse, releases_parse
from people.models import Organization, Senator
from releases.models import Legislation, Quote, Release, ReleaseSenator, Topic
from sampledata import demo
from tests.support import FIXTURES as SUPPORT_FIXTURES
from tests.support import SAMPLE_DATA, needs_sample_data
from tests.support.factories import (
    LegislationFactory,
    OrganizationFactory,
    SenatorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FIXTURES = SUPPORT_FIXTURES / "releases"
SAMPLE = FIXTURES / "klobuchar-heitkamp-sex-trafficking-2014.txt"
HTML_PAGE = FIXTURES / "warner-kaine-broadband-2014.html"
FARGO = FIXTURES / "heitkamp-fargo-trafficking-2014.txt"
SHARED_SAMPLE = SAMPLE_DATA / "releases/klobuchar-heitkamp-sex-trafficking-2014.txt"
MODELS = [Senator, Organization, Topic, Legislation, Release, Quote, ReleaseSenator]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def run(*args):
    """Run the command; (stdout, stderr). A failure (CommandError) is left to the test."""
    out, err = StringIO(), StringIO()
    call_command("import_releases", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="could not be imported"):
        call_command("import_releases", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def import_sample(path=SAMPLE):
    run(path, "--title", demo.TITLE, "--date", "2014-05-16")
    return Release.objects.get(import_key__gt="")


@pytest.fixture
def demo_newsroom():
    call_command("load_demo", stdout=StringIO())


@pytest.fixture
def warner_and_kaine():
    return (
        SenatorFactory(
            bioguide_id="W000805", first_name="Mark", last_name="Warner",
            official_full_name="Mark R. Warner", slug="mark-warner", state="VA",
        ),
        SenatorFactory(
            bioguide_id="K000384", first_name="Timothy", last_name="Kaine",
            official_full_name="Tim Kaine", slug="tim-kaine", state="VA",
        ),
    )  # fmt: skip


# The sample release


def test_the_sample_imports_into_the_structure_of_the_demo(demo_newsroom):
    release = import_sample()

    assert release.status == Release.Status.DRAFT
    assert release.title == demo.TITLE
    assert release.highlights == demo.HIGHLIGHTS
    assert release.dateline == demo.DATELINE
    assert release.body == demo.BODY
    assert release.published_at == demo.PUBLISHED_AT
    assert release.body_html.startswith("<p>U.S. Senators Amy Klobuchar (D-MN) and Heidi")
    assert release.body_html.count("<p>") == 3
    issuers = [(r.senator.bioguide_id, r.role) for r in release.releasesenator_set.all()]
    assert issuers == [("K000367", "lead"), ("H001069", "joint")]
    quotes = [(q.senator.bioguide_id, q.text) for q in release.quotes.all()]
    assert quotes == demo.QUOTES
    assert [b.bill_id for b in release.legislation.all()] == ["s1733-113"]
    assert set(release.organizations.values_list("slug", flat=True)) == {
        o["slug"] for o in demo.ORGANIZATIONS
    }
    # Beside the published demo, not instead of it: the demo is untouched.
    shown = Release.objects.get(status=Release.Status.PUBLISHED)
    assert shown.title == demo.TITLE and shown.slug != release.slug
    assert release.slug == f"{shown.slug}-2"


def test_the_imported_draft_reads_like_the_demo_on_its_page(demo_newsroom, admin_client):
    release = import_sample()
    html = admin_client.get(f"/admin/releases/release/{release.pk}/change/").content.decode()
    assert "Minnesota is tackling the challenge of sex trafficking" in html
    assert "Senator Klobuchar and I have worked closely on this issue" in html
    assert not Release.objects.published().filter(pk=release.pk).exists()


@pytest.fixture
def klobuchar_and_heitkamp():
    return [
        SenatorFactory(bioguide_id=bioguide_id, first_name=first, last_name=last, state=state,
                       official_full_name=f"{first} {last}")
        for bioguide_id, first, last, state in [
            ("K000367", "Amy", "Klobuchar", "MN"), ("H001069", "Heidi", "Heitkamp", "ND"),
        ]
    ]  # fmt: skip


def test_the_bill_is_linked_once_it_exists(klobuchar_and_heitkamp):
    release = import_sample()
    assert not release.legislation.exists()
    assert [q.senator.last_name for q in release.quotes.all()] == ["Klobuchar", "Heitkamp"]

    # The release names the bill by its short title, without "of 2013".
    LegislationFactory(
        bill_type="s", number=1733, congress=113,
        short_title="Stop Exploitation Through Trafficking Act of 2013",
    )  # fmt: skip
    out, _ = run(SAMPLE, "--title", demo.TITLE, "--date", "2014-05-16")

    assert "0 created, 1 updated" in out
    assert list(release.legislation.values_list("bill_id", flat=True)) == ["s1733-113"]


def test_a_short_title_shared_by_several_bills_links_the_issuers_own(klobuchar_and_heitkamp):
    klobuchar, heitkamp = klobuchar_and_heitkamp
    title = "Stop Exploitation Through Trafficking Act of 2013"
    senate_bill = LegislationFactory(bill_type="s", number=1733, short_title=title)
    LegislationFactory(bill_type="hr", number=3610, short_title=title)
    LegislationFactory(bill_type="s", number=2599, short_title=title, congress=112)
    release = import_sample()
    out, _ = run(SAMPLE, "--title", demo.TITLE, "--date", "2014-05-16")
    assert "1 unchanged" in out
    assert not release.legislation.exists()  # two bills of the 113th by that name: neither

    senate_bill.cosponsors.add(heitkamp)
    run(SAMPLE, "--title", demo.TITLE, "--date", "2014-05-16")
    assert list(release.legislation.all()) == [senate_bill]


@needs_sample_data
def test_the_shared_sample_file_imports_like_its_copy_in_the_fixtures(demo_newsroom):
    release = import_sample(SHARED_SAMPLE)
    assert (release.highlights, release.dateline, release.body) == (
        demo.HIGHLIGHTS, demo.DATELINE, demo.BODY,
    )  # fmt: skip
    assert [(q.senator.bioguide_id, q.text) for q in release.quotes.all()] == demo.QUOTES
    assert [b.bill_id for b in release.legislation.all()] == ["s1733-113"]


# Parts of a release


def parse(text, **kwargs):
    return release_parse(text=text, title=kwargs.pop("title", "A Title For Tests"), **kwargs)


@pytest.mark.parametrize(
    "opening, dateline",
    [
        ("Minneapolis, MN – Senator", "Minneapolis, MN"),
        ("WASHINGTON, D.C. – Senator", "WASHINGTON, D.C."),
        ("FARGO, N.D. — Senator", "FARGO, N.D."),
        ("ST. PAUL, Minn. - Senator", "ST. PAUL, Minn."),
        ("WASHINGTON—Senator", "WASHINGTON"),
        ("Bismarck, North Dakota -- Senator", "Bismarck, North Dakota"),
        ("WASHINGTON, D.C.: Senator", "WASHINGTON, D.C."),
        ("ST. PAUL, MINN.: Senator", "ST. PAUL, MINN."),
        ("WASHINGTON, D.C. [03/02/2015] – Senator", "WASHINGTON, D.C."),
    ],
)
def test_datelines(opening, dateline):
    release = parse(f"A highlight\n\n{opening} Klobuchar spoke today.\n\nMore.\n\n###")
    assert release.dateline == dateline
    assert release.highlights == ["A highlight"]
    assert release.body == ["Senator Klobuchar spoke today.", "More."]


@pytest.mark.parametrize(
    "paragraph",
    [
        "Klobuchar – with Heitkamp – spoke today.",  # a dash, but no place before it
        "Safe Harbor, laws – the senator said – protect children.",
        "The bill passed - finally.",
        "NOTE: Senator Klobuchar will speak at noon.",  # a colon after no place
        "UPDATE: Senator Klobuchar spoke.",
    ],
)
def test_a_dash_in_a_sentence_is_no_dateline(paragraph):
    release = parse(f"{paragraph}\n\nMore.")
    assert release.dateline == ""
    assert release.body[0] == paragraph


def test_title_preamble_date_and_bullets_in_plain_text():
    release = release_parse(text=FARGO.read_bytes())
    assert release.title == (
        "Heitkamp Hosts Roundtable on Stopping Human Trafficking in North Dakota"
    )
    assert release.published_on == date(2014, 5, 30)
    assert release.dateline == "FARGO, N.D."
    assert release.highlights == [
        "Heitkamp cosponsored the Stop Exploitation Through Trafficking Act, which Klobuchar "
        "introduced, to treat sold children as victims",
        "Local law enforcement and tribal leaders joined the discussion",
    ]
    assert release.body[0].startswith("U.S. Senator Heidi Heitkamp today hosted a roundtable")
    assert release.body[-1].startswith("The roundtable also discussed H.R. 3610")
    assert "Office of U.S. Senator" not in release.full_text  # after the ###


def test_boilerplate_and_a_date_line_above_a_release_without_a_dateline():
    release = release_parse(
        text="FOR IMMEDIATE RELEASE\nMay 5, 2015\nContact: Jo Doe (202) 224-0000\n\n"
        "Senator Smith Speaks on Trade Policy Today\n\nShe spoke.\n\n###"
    )
    assert (release.title, release.published_on, release.dateline, release.body) == (
        "Senator Smith Speaks on Trade Policy Today", date(2015, 5, 5), "", ["She spoke."],
    )  # fmt: skip


def test_a_long_sentence_first_is_a_highlight_not_a_title():
    with pytest.raises(ParseError, match="no title found"):
        release_parse(text=SAMPLE.read_text())
    assert release_parse(text=SAMPLE.read_text(), title="Given").title == "Given"


@pytest.mark.parametrize(
    "paragraph, speaker, senatorial, text",
    [
        ("“We act now,” Klobuchar said.", "Klobuchar", False, "We act now."),
        ("“We act now,” said Heitkamp.", "Heitkamp", False, "We act now."),
        ("“We act now,” said Sen. Warner.", "Warner", True, "We act now."),
        ("“We act now,” Senator Kaine said.", "Kaine", True, "We act now."),
        (
            "“We act now,” said U.S. Senator Amy Klobuchar (D-MN). “Today.”",
            "Amy Klobuchar", True, "We act now. Today.",
        ),
        ("Klobuchar said, “We act now.”", "Klobuchar", False, "We act now."),
        ("In a statement, Klobuchar said, “We act now.”", "Klobuchar", False, "We act now."),
        ("Speaking on the floor, Sen. Warner said, “We act now.”", "Warner", True,
         "We act now."),
        (
            "“We act now,” Klobuchar said, “and we act together.”",
            "Klobuchar", False, "We act now, and we act together.",
        ),
        ('"We act now," said Heitkamp. "Straight quotes too."', "Heitkamp", False,
         "We act now. Straight quotes too."),
        ("“Why wait?” asked Sen. Warner.", "Warner", True, "Why wait?"),
        ("“We act now.” – Senator Amy Klobuchar", "Amy Klobuchar", True, "We act now."),
        ("Klobuchar: “We act now.”", "Klobuchar", False, "We act now."),
        ("According to Sen. Warner, “we act now.”", "Warner", True, "we act now."),
        ("Said Heitkamp: “We act now.”", "Heitkamp", False, "We act now."),
        ("“We act now,” Klobuchar told reporters.", "Klobuchar", False, "We act now."),
        ("“We act now,” Sen. Warner (D-Va.) said.", "Warner", True, "We act now."),
        ("“We act now,” said U.S. Senator Amy Klobuchar, D-Minn.", "Amy Klobuchar", True,
         "We act now."),
        ("“We act now,” said Mayor Jane Young of Fort Wayne.", "Jane Young", False,
         "We act now."),
    ],
)  # fmt: skip
def test_quote_attribution_forms(paragraph, speaker, senatorial, text):
    release = parse(f"WASHINGTON – Lead paragraph.\n\n{paragraph}\n\nClosing paragraph.")
    assert [(q.speaker, q.senatorial, q.text) for q in release.quotes] == [
        (speaker, senatorial, text)
    ]
    assert release.body == ["Lead paragraph.", "Closing paragraph."]


@pytest.mark.parametrize(
    "paragraph, party_state",
    [("“Go,” Sen. Warner (D-Va.) said.", "D-VA"), ("“Go,” said Sen. Kim (D-N.J.).", "D-NJ"),
     ("“Go,” said Sen. Cruz, R-Texas.", "R-TX"), ("“Go,” said Sen. Cruz (R-Xyz).", "")],
)  # fmt: skip
def test_a_party_state_in_ap_style_is_read_to_the_state_code(paragraph, party_state):
    (quote,) = parse(f"WASHINGTON – Lead paragraph.\n\n{paragraph}").quotes
    assert quote.party_state == party_state


@pytest.mark.parametrize(
    "paragraph",
    ["Background: “The bill would act.”", "Today: “We act.”", "Q: “Will you act?”"],
)
def test_a_label_before_a_quotation_is_no_speaker(paragraph):
    assert parse(f"WASHINGTON – Lead paragraph.\n\n{paragraph}").quotes == []


@pytest.mark.parametrize(
    "intro",
    ["Kaine’s full statement is below:", "Below is Senator Kaine's statement:",
     "Sen. Kaine’s remarks as prepared for delivery:", "Full statement from Sen. Kaine below:",
     "The full text of Kaine’s statement follows:"],
)  # fmt: skip
def test_a_statement_introduced_in_the_possessive_is_the_senators(intro):
    release = parse(f"WASHINGTON – Lead paragraph.\n\n{intro}\n\n“We act now.”\n\nEnd.")
    assert [(q.speaker, q.text) for q in release.quotes] == [("Kaine", "We act now.")]


def test_a_quote_over_several_paragraphs():
    release = parse(
        "WASHINGTON – Lead.\n\n"
        "“First paragraph,” said Heitkamp. “Still the first.\n\n"
        "“Second paragraph.\n\n"
        "“Third and last.”\n\n"
        "After the quote."
    )
    (quote,) = release.quotes
    assert quote.speaker == "Heitkamp"
    assert quote.paragraphs == ["First paragraph. Still the first.", "Second paragraph.",
                                "Third and last."]  # fmt: skip
    assert release.body == ["Lead.", "After the quote."]


def test_a_quote_attributed_in_its_last_paragraph():
    release = parse("WASHINGTON – Lead.\n\n“One.\n\n“Two,” Klobuchar said.\n\nAfter.")
    assert [(q.speaker, q.paragraphs) for q in release.quotes] == [("Klobuchar", ["One.", "Two."])]


def test_unattributed_quotes_follow_the_last_speaker():
    release = parse(
        "WASHINGTON – Lead.\n\n“One,” said Klobuchar.\n\n“Two.”\n\nBetween.\n\n"
        "“Three,” she said.\n\n“Nobody said this.” Not a quote at all."
    )
    assert [(q.speaker, q.text) for q in release.quotes] == [
        ("Klobuchar", "One.\n\nTwo."),
        ("Klobuchar", "Three."),
    ]
    assert release.body == ["Lead.", "Between.", "“Nobody said this.” Not a quote at all."]


@pytest.mark.parametrize(
    "paragraph",
    [
        "“Safe Harbor” laws protect children who are sold for sex.",
        "“One,” she said.",  # no one quoted before: no one to follow
        "“Unattributed and alone.”",
        "“One,” said the report. “Two.”",
    ],
)
def test_quoted_words_that_are_no_quote_stay_in_the_body(paragraph):
    release = parse(f"WASHINGTON – Lead.\n\n{paragraph}")
    assert release.quotes == []
    assert release.body == ["Lead.", paragraph]


def test_a_speaker_who_is_not_a_senator(demo_newsroom, tmp_path):
    path = tmp_path / "release.txt"
    path.write_text(
        "Klobuchar Visits Resource Center\n\nMinneapolis, MN – Senator Klobuchar visited.\n\n"
        "“We are grateful,” said Jane Doe, executive director of the center.\n\n###"
    )
    run(path)
    (quote,) = Release.objects.get(title="Klobuchar Visits Resource Center").quotes.all()
    assert (quote.senator, quote.speaker_name, quote.speaker_title) == (
        None, "Jane Doe", "executive director of the center",
    )  # fmt: skip
    assert quote.attribution == "Jane Doe, executive director of the center"


# Links


def test_senators_by_last_name_full_name_and_title(demo_newsroom, warner_and_kaine, tmp_path):
    warner, kaine = warner_and_kaine
    SenatorFactory(bioguide_id="Y000064", first_name="Todd", last_name="Young", state="IN")
    path = tmp_path / "r.txt"
    path.write_text(
        "Senators Back Young Farmers\n\nWASHINGTON – Sens. Warner and Kaine joined young "
        "farmers and Young Farmers of America today.\n\n“Good,” said Heitkamp.\n\n###"
    )
    run(path, "--date", "2014-03-01")
    release = Release.objects.get(title="Senators Back Young Farmers")
    # Titled last names count; "Young" alone is a word, not Senator Young.
    assert [r.senator for r in release.releasesenator_set.all()] == [
        warner, kaine, Senator.objects.get(bioguide_id="H001069"),
    ]  # fmt: skip
    assert release.releasesenator_set.first().role == "lead"


@pytest.mark.parametrize(
    "citation, day, bill_id",
    [
        ("S. 1733", "2014-05-16", "s1733-113"),
        ("H.R. 3610", "2014-05-16", "hr3610-113"),
        ("HR 3610", "2013-02-01", "hr3610-113"),
        ("S.Res. 12", "2015-02-01", "sres12-114"),
        ("S. Res. 12", "2015-02-01", "sres12-114"),
        ("H.J.Res. 5", "2015-02-01", "hjres5-114"),
    ],
)
def test_bills_by_citation_in_the_congress_of_the_release(citation, day, bill_id, tmp_path):
    SenatorFactory(last_name="Klobuchar", first_name="Amy", bioguide_id="K000367")
    for bill_type, number in [("s", 1733), ("hr", 3610), ("sres", 12), ("hjres", 5)]:
        for congress in (112, 113, 114):
            LegislationFactory(bill_type=bill_type, number=number, congress=congress)
    path = tmp_path / "r.txt"
    path.write_text(
        f"Klobuchar Backs a Bill\n\nWASHINGTON – Sen. Klobuchar backed {citation} and the "
        "U.S. 20 women senators.\n\n###"
    )
    run(path, "--date", day)
    assert list(Release.objects.get().legislation.values_list("bill_id", flat=True)) == [bill_id]


def test_organizations_already_in_the_database(demo_newsroom):
    OrganizationFactory(name="Polaris Project")  # not named in the sample
    release = import_sample()
    names = set(release.organizations.values_list("name", flat=True))
    assert names == {o["name"] for o in demo.ORGANIZATIONS}
    assert "Polaris Project" not in names


# HTML


def test_a_saved_html_page(warner_and_kaine):
    warner, kaine = warner_and_kaine
    LegislationFactory(bill_type="s", number=2310, congress=113)
    out, _ = run(HTML_PAGE)

    release = Release.objects.get()
    assert "1 created" in out
    assert (
        release.title == "Warner, Kaine Announce Funding for Rural Broadband in Southwest Virginia"
    )
    assert timezone.localtime(release.published_at, EASTERN).date() == date(2014, 6, 3)
    assert release.dateline == "WASHINGTON, D.C."
    assert release.highlight_list == [
        "Grant will connect 4,000 homes and businesses in six counties",
        "Senators backed S. 2310, the rural broadband bill, in committee",
    ]
    assert release.body == (
        "U.S. Sens. Mark R. Warner and Tim Kaine (both D-VA) today announced a federal grant "
        "to bring high-speed internet to rural communities in Southwest Virginia.\n\n"
        "The Appalachian Regional Commission will administer the grant. Applications open in "
        "July."
    )
    quotes = list(release.quotes.all())
    assert [(q.senator, q.paragraphs) for q in quotes] == [
        (warner, ["Broadband is no longer a luxury – it is how our kids do their homework. "
                  "This grant is a down payment on connecting every Virginian."]),
        (kaine, ["Southwest Virginia has waited too long for this. Small businesses there "
                 "compete with the world.",
                 "They deserve the same connection as anyone in Richmond or Arlington."]),
    ]  # fmt: skip
    assert [r.senator for r in release.releasesenator_set.all()] == [warner, kaine]
    assert list(release.legislation.values_list("bill_id", flat=True)) == ["s2310-113"]
    # The site's navigation, footer, scripts and sidebar are not the release.
    for chrome in ("About Mark", "Hart Senate Office", "Nobody", "Another release"):
        assert chrome not in release.body + release.highlights + str(release.title)


def test_html_title_falls_back_to_the_page_title():
    release = release_parse(
        text=b"<html><head><title>Senator Speaks | Senator Site</title></head>"
        b"<body><p>WASHINGTON - She spoke.</p></body></html>"
    )
    assert (release.title, release.dateline, release.body) == (
        "Senator Speaks", "WASHINGTON", ["She spoke."]
    )  # fmt: skip


def test_a_page_of_releases_each_in_its_article_and_no_teasers():
    def article(title, place, words):
        return (f"<article><h2>{title}</h2><p>{place} – Sen. Cruz spoke.</p>"
                f"<p>“{words},” Cruz said.</p></article>")  # fmt: skip

    page = (
        "<html><head><title>News | Senator Ted Cruz</title></head><body><main>"
        + article("Cruz Applauds Ruling", "HOUSTON", "Right")
        + article("Cruz Questions Nominee", "WASHINGTON", "Secure it")
        + "</main><aside><article><h3>Cruz Visits El Paso</h3><p>EL PASO – Read more</p>"
        "</article></aside><article><h3>Cruz on Taxes</h3><p>WASHINGTON – More</p></article>"
        "</body></html>"
    )

    releases = releases_parse(text=page.encode())

    assert [(r.title, r.dateline, [q.text for q in r.quotes]) for r in releases] == [
        ("Cruz Applauds Ruling", "HOUSTON", ["Right."]),
        ("Cruz Questions Nominee", "WASHINGTON", ["Secure it."]),
    ]


# Re-importing, dry runs, bad files


def test_importing_again_updates_the_draft_instead_of_duplicating(demo_newsroom, tmp_path):
    path = tmp_path / "sample.txt"
    path.write_bytes(SAMPLE.read_bytes())
    run(path, "--title", demo.TITLE, "--date", "2014-05-16")
    release = Release.objects.get(import_key__gt="")
    before = counts()

    out, _ = run(path, "--title", demo.TITLE, "--date", "2014-05-16")
    assert "0 created, 0 updated, 1 unchanged" in out
    assert counts() == before

    path.write_text(path.read_text().replace("head on", "head-on"))
    out, _ = run(path, "--title", demo.TITLE, "--date", "2014-05-16")
    assert "0 created, 1 updated" in out
    assert counts() == before
    assert (
        Release.objects.get(pk=release.pk)
        .quotes.first()
        .text.startswith("Minnesota is tackling the challenge of sex trafficking head-on")
    )


def test_a_published_release_is_never_updated(demo_newsroom, tmp_path):
    path = tmp_path / "sample.txt"
    path.write_bytes(SAMPLE.read_bytes())
    run(path, "--title", demo.TITLE, "--date", "2014-05-16")
    Release.objects.filter(import_key__gt="").update(
        status=Release.Status.PUBLISHED, title="Edited and published"
    )
    path.write_text(path.read_text().replace("head on", "head-on"))

    out, _ = run(path, "--title", demo.TITLE)

    assert "skipped" in out and "already published as “Edited and published”" in out
    assert "0 created, 0 updated, 0 unchanged, 1 skipped" in out
    release = Release.objects.get(import_key__gt="")
    assert release.title == "Edited and published"
    assert "head on" in release.quotes.first().text


def test_dry_run_prints_and_writes_nothing(demo_newsroom):
    before = counts()
    out, _ = run(SAMPLE, "--title", demo.TITLE, "--date", "2014-05-16", "--dry-run")

    assert counts() == before
    assert f"would create {SAMPLE}: {demo.TITLE}" in out
    assert "  dateline: Minneapolis, MN" in out
    assert "  highlights: 2" in out
    assert "  senators: Amy Klobuchar (D-MN) (lead); Heidi Heitkamp (D-ND) (joint)" in out
    assert "  legislation: S. 1733 (113th Congress)" in out
    assert "Dry run, nothing written. Would be: 1 created" in out


def test_prose_after_the_last_release_is_named_not_dropped_unseen(tmp_path):
    path = tmp_path / "harbor.txt"
    path.write_text(
        "Klobuchar Announces Funding for Duluth Harbor\n\nDULUTH, MN – Senator Amy "
        "Klobuchar announced $3 million.\n\n###\n\nRelated News\n\nSenator Klobuchar has "
        "long worked with the Army Corps of Engineers to keep the harbors of Minnesota open.\n"
        "\nWashington Office: 425 Dirksen Senate Office Building | Phone: 202-224-3244\n"
    )

    out, _ = run(path, "--dry-run")

    assert "would create" in out and "Klobuchar Announces Funding" in out
    assert "“Senator Klobuchar has long worked with the Army Corps of Engineers to…”" in out
    assert "not imported; check it" in out
    assert "Washington Office" not in out  # the site's address is no prose to name


def test_bad_files_are_reported_and_skipped_while_the_others_import(tmp_path):
    folder = tmp_path / "archive"
    (folder / "2014").mkdir(parents=True)
    (folder / "2014" / "good.txt").write_text("Senator Speaks Today\n\nWASHINGTON – Hello.\n")
    (folder / "2014" / "good.html").write_text("<h1>Page Title Here</h1><p>Body text.</p>")
    (folder / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (folder / "empty.txt").write_text("   \n\n")
    (folder / "untitled.txt").write_text("a first line that is a sentence.\n\nMore text.")
    (folder / "only-end.txt").write_text("###\n")
    (folder / "notes.docx").write_bytes(b"ignored: not a release file type")
    (folder / ".hidden.txt").write_text("Hidden File Title\n\nIgnored.")

    out, err = run_failing(folder, tmp_path / "nowhere.txt")

    assert f"{folder / 'binary.txt'}: not text: it contains binary data (NUL bytes)" in err
    assert f"{folder / 'empty.txt'}: no text" in err
    assert f"{folder / 'untitled.txt'}: no title found" in err and "--title" in err
    assert f"{folder / 'only-end.txt'}: no text before the end mark" in err
    assert f"{tmp_path / 'nowhere.txt'}: no such file or folder" in err
    assert "7 file(s): 2 created, 0 updated, 0 unchanged, 0 skipped, 5 failed." in out
    assert set(Release.objects.values_list("title", flat=True)) == {
        "Senator Speaks Today", "Page Title Here",
    }  # fmt: skip
    assert set(Release.objects.values_list("status", flat=True)) == {"draft"}


def test_a_windows_1252_file_is_read(tmp_path):
    path = tmp_path / "old.txt"
    path.write_bytes("Senator’s Old Release Title\n\nWASHINGTON – “Yes,” said Sen. Smith.\n"
                     .encode("cp1252"))  # fmt: skip
    run(path)
    assert Release.objects.get().title == "Senator’s Old Release Title"


@pytest.mark.parametrize(
    "declaration, encoding",
    [
        ('<meta charset="iso-8859-1">', "cp1252"),  # read as Windows-1252, as browsers do
        ('<meta http-equiv="Content-Type" content="text/html; charset=utf-8">', "utf-8"),
        ("", "utf-8"),
        ("", "cp1252"),
    ],
)
def test_html_pages_in_the_encoding_they_declare_or_utf_8_or_windows_1252(
    tmp_path, declaration, encoding
):
    path = tmp_path / "page.html"
    page = f"<html><head>{declaration}</head><body><h1>Senator’s Page Title</h1>"
    path.write_bytes((page + "<p>WASHINGTON – “Yes.”</p></body></html>").encode(encoding))
    run(path)
    assert (Release.objects.get().title, Release.objects.get().body) == (
        "Senator’s Page Title", "“Yes.”",
    )  # fmt: skip


def test_progress_bar_with_counts_for_many_files(tmp_path):
    for n in range(12):
        (tmp_path / f"r{n:02}.txt").write_text(f"Release Number {n} Title\n\nWASHINGTON – Text.")
    _, err = run(tmp_path)
    assert "[########################] 12/12" in err
    assert "12 created" in err.splitlines()[-1]
    assert Release.objects.count() == 12
    _, err = run(tmp_path, "--no-progress")
    assert err == ""


def test_bad_date_option_is_refused():
    with pytest.raises(CommandError, match="is not a date as YYYY-MM-DD"):
        call_command("import_releases", str(SAMPLE), "--date", "16/05/2014")


# The admin's paste view

PASTE_URL = "/admin/releases/release/paste/"


def test_changelist_links_to_the_paste_view(admin_client):
    html = admin_client.get("/admin/releases/release/").content.decode()
    assert f'href="{PASTE_URL}"' in html and "Paste a release" in html


def test_pasting_the_sample_gives_the_demo_structure(demo_newsroom, admin_client):
    response = admin_client.get(PASTE_URL)
    assert response.status_code == 200 and b'name="text"' in response.content

    response = admin_client.post(
        PASTE_URL, {"text": SAMPLE.read_text(), "title": demo.TITLE, "date": "2014-05-16"}
    )

    release = Release.objects.get(status=Release.Status.DRAFT)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/releases/release/{release.pk}/change/"
    assert (release.highlights, release.dateline, release.body) == (
        demo.HIGHLIGHTS, demo.DATELINE, demo.BODY,
    )  # fmt: skip
    assert [(q.senator.bioguide_id, q.text) for q in release.quotes.all()] == demo.QUOTES
    assert [b.bill_id for b in release.legislation.all()] == ["s1733-113"]
    assert release.created_by.username == "admin"
    page = admin_client.get(response["Location"]).content.decode()
    assert "Created the draft: 2 senator(s), 2 quote(s), 1 bill(s), 4 organization(s)" in page

    # Pasting the same text again finds the same draft.
    admin_client.post(PASTE_URL, {"text": SAMPLE.read_text(), "title": demo.TITLE})
    assert Release.objects.filter(status=Release.Status.DRAFT).count() == 1


def test_paste_without_a_title_asks_for_one(admin_client):
    response = admin_client.post(PASTE_URL, {"text": SAMPLE.read_text()})
    assert response.status_code == 200
    assert "The text has no title line; enter the title here." in response.content.decode()
    assert not Release.objects.exists()


def test_paste_is_for_staff_who_may_add_releases(client):
    client.force_login(UserFactory(username="viewer", is_staff=True))  # no permissions
    assert client.get(PASTE_URL).status_code == 403
    assert client.post(PASTE_URL, {"text": "x", "title": "y"}).status_code == 403
    client.force_login(UserFactory(username="reader", is_staff=False))
    assert client.get(PASTE_URL).status_code == 302  # to the admin login
    assert not Release.objects.exists()


def test_paste_is_csrf_protected():
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="boss", is_superuser=True))
    response = client.post(PASTE_URL, {"text": SAMPLE.read_text(), "title": "T"})
    assert response.status_code == 403
    assert not Release.objects.exists()


def test_paste_never_changes_a_published_release(admin_client):
    text = "Senator Speaks Today\n\nWASHINGTON – Hello."
    admin_client.post(PASTE_URL, {"text": text})
    release = Release.objects.get()
    Release.objects.filter(pk=release.pk).update(
        status=Release.Status.PUBLISHED, published_at=timezone.now(), title="Now public"
    )
    response = admin_client.post(PASTE_URL, {"text": text}, follow=True)
    assert "imported before and already published" in response.content.decode()
    assert Release.objects.get().title == "Now public"
