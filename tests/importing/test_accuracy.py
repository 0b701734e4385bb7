"""The importer's accuracy on releases in the shapes senators' sites publish them.

Each file under tests/support/fixtures/releases-accuracy/ is a release (or a file of several)
of a failure pattern seen on real Senate releases: navigation lines and sentence-case titles,
bracketed and dated datelines, joint and statement-style quotes, issuers among cosponsors and
other officials, several releases in one file, and January citations of the previous
Congress's bills. `expectations.json` beside them holds the facts a reader finds in each;
the test reads every file, compares, and asserts the rates (`pytest -s` prints them).
"""

import json
from datetime import date

import pytest

from importing.parsing import NoTitleError, ParseError, release_parse, releases_parse
from importing.recognizing import Recognizer
from importing.services import release_file_import
from releases.models import Release
from tests.support import FIXTURES
from tests.support.factories import LegislationFactory, SenatorFactory

pytestmark = pytest.mark.django_db

FOLDER = FIXTURES / "releases-accuracy"
EXPECTED = json.loads((FOLDER / "expectations.json").read_text())
SENATORS = {  # key: (first name, last name, official full name, party, state, in office)
    "klobuchar": ("Amy", "Klobuchar", "Amy Klobuchar", "D", "MN", True),
    "heitkamp": ("Heidi", "Heitkamp", "Heidi Heitkamp", "D", "ND", False),
    "warner": ("Mark", "Warner", "Mark R. Warner", "D", "VA", True),
    "kaine": ("Timothy", "Kaine", "Tim Kaine", "D", "VA", True),
    "cruz": ("Rafael", "Cruz", "Ted Cruz", "R", "TX", True),
    "cornyn": ("John", "Cornyn", "John Cornyn", "R", "TX", True),
    "paul": ("Rand", "Paul", "Rand Paul", "R", "KY", True),
    "booker": ("Cory", "Booker", "Cory A. Booker", "D", "NJ", True),
    "kim": ("Andy", "Kim", "Andy Kim", "D", "NJ", True),
    "justice": ("Jim", "Justice", "James C. Justice", "R", "WV", True),
    "young": ("Todd", "Young", "Todd Young", "R", "IN", True),
}
TARGETS = {"imported": 0.99, "issuers": 0.98, "lead": 0.95, "dateline": 0.97, "quotes": 0.90}


@pytest.fixture
def newsroom():
    senators = {
        key: SenatorFactory(
            first_name=first, last_name=last, official_full_name=full, party=party,
            state=state, in_office=in_office, slug=key,
        )
        for key, (first, last, full, party, state, in_office) in SENATORS.items()
    }  # fmt: skip
    bills = {
        "s1733-113": LegislationFactory(
            number=1733, congress=113, sponsor=senators["klobuchar"],
            short_title="Stop Exploitation Through Trafficking Act of 2013",
            introduced_on=date(2013, 11, 21),
        ),
        "s1733-114": LegislationFactory(
            number=1733, congress=114, sponsor=senators["cruz"],
            short_title="Federal Grant Audit Act", introduced_on=date(2015, 7, 8),
        ),
        "s25-113": LegislationFactory(
            number=25, congress=113, sponsor=senators["warner"],
            short_title="Rural Roads Act", introduced_on=date(2013, 1, 22),
        ),
        "s25-114": LegislationFactory(
            number=25, congress=114, sponsor=senators["cruz"],
            short_title="Pipeline Approval Act", introduced_on=date(2015, 1, 6),
        ),
        "hr3610-113": LegislationFactory(
            bill_type="hr", number=3610, congress=113, short_title="",
            introduced_on=date(2013, 11, 20),
        ),
    }  # fmt: skip
    bills["hr3610-113"].cosponsors.add(senators["klobuchar"])
    bills["s1733-113"].cosponsors.add(senators["heitkamp"])
    return senators, bills


def _quote_key(quote, link, senators):
    if link.senator:
        return next(k for k, s in senators.items() if s == link.senator)
    if link.joint:
        return "joint"
    return quote.speaker


def _check(parsed, links, expected, senators, bills, tally, misses, name):
    """Compare one release with what a reader finds in it; count into `tally`."""
    got_senators = [next(k for k, s in senators.items() if s == x) for x in links.senators]
    tally["releases"] += 1
    tally["issuers_right"] += got_senators and set(got_senators) == set(expected["senators"])
    tally["lead_right"] += bool(got_senators) and got_senators[0] == expected["senators"][0]
    if set(got_senators) != set(expected["senators"]) or (
        got_senators[:1] != expected["senators"][:1]
    ):
        misses.append(f"{name}: senators {got_senators} != {expected['senators']}")
    dated = parsed.published_on.isoformat() if parsed.published_on else None
    right = parsed.dateline == expected["dateline"] and dated == expected["date"]
    tally["dateline_right"] += right
    if not right:
        misses.append(f"{name}: dateline {parsed.dateline!r} {dated} != {expected['dateline']!r}"
                      f" {expected['date']}")  # fmt: skip
    if "highlights" in expected and parsed.highlights != expected["highlights"]:
        tally["highlights_wrong"] += 1  # the site's logo or sidebar read as highlights
        misses.append(f"{name}: highlights {parsed.highlights!r}")
    tally["titles_right"] += parsed.title == expected["title"]
    if parsed.title != expected["title"]:
        misses.append(f"{name}: title {parsed.title!r}")
    pairs = list(zip(parsed.quotes, links.quotes, strict=True))
    got = [(_quote_key(quote, link, senators), quote.text, link) for quote, link in pairs]
    for speaker, start in expected["quotes"]:
        tally["quotes"] += 1
        hit = [who for who, text, _ in got if text.startswith(start)]
        if hit and hit[0] == speaker:
            tally["quotes_found"] += 1
        else:
            misses.append(f"{name}: quote {start!r} by {speaker}: got {hit}")
    for who, text, link in got:
        wanted = next((s for s, start in expected["quotes"] if text.startswith(start)), None)
        if link.senator and who != wanted:  # given to a senator who did not say it
            tally["misattributed"] += 1
            misses.append(f"{name}: quote {text[:30]!r} misattributed to {who}")
    if "bills" in expected:
        tally["citations"] += 1
        linked = sorted(b.pk for b in links.bills)
        offered = sorted(b.pk for b in links.offered)
        if linked == sorted(bills[k].pk for k in expected["bills"]) and offered == sorted(
            bills[k].pk for k in expected.get("offered", [])
        ):
            tally["citations_right"] += 1
        else:
            misses.append(f"{name}: bills {linked}, offered {offered}")


def test_accuracy_on_releases_as_senators_sites_publish_them(newsroom):
    senators, bills = newsroom
    recognizer = Recognizer.from_database()
    tally = dict.fromkeys(
        ["files", "imported", "releases", "titles_right", "issuers_right", "lead_right",
         "dateline_right", "quotes", "quotes_found", "misattributed", "keeps", "kept",
         "refused_right", "citations", "citations_right", "highlights_wrong"], 0,
    )  # fmt: skip
    misses = []
    for name, expected in sorted(EXPECTED.items()):
        path = FOLDER / name
        if "refused" in expected:
            with pytest.raises(NoTitleError, match=expected["refused"]):
                releases_parse(text=path.read_bytes(), html=path.suffix == ".html" or None)
            tally["refused_right"] += 1
            continue
        tally["files"] += 1
        try:
            parsed_releases = releases_parse(
                text=path.read_bytes(), html=path.suffix == ".html" or None
            )
        except ParseError as e:
            misses.append(f"{name}: refused ({e})")
            continue
        tally["imported"] += 1
        wanted = expected.get("releases", [expected])
        # No text dropped: each release's title, quotes and passages are in what was read.
        read = "\n".join(
            part
            for parsed in parsed_releases
            for part in [parsed.title, *parsed.highlights, *parsed.body]
            + [q.text for q in parsed.quotes]
        )
        for one in wanted:
            for words in [one["title"], *(s for _, s in one["quotes"]), *one.get("keeps", [])]:
                tally["keeps"] += 1
                if words in read:
                    tally["kept"] += 1
                else:
                    misses.append(f"{name}: dropped {words!r}")
        if len(parsed_releases) != len(wanted):
            misses.append(f"{name}: {len(parsed_releases)} releases, not {len(wanted)}")
            continue
        for parsed, one in zip(parsed_releases, wanted, strict=True):
            links = recognizer.recognize(parsed)
            _check(parsed, links, one, senators, bills, tally, misses, name)

    rates = {
        "imported": tally["imported"] / tally["files"],
        "issuers": tally["issuers_right"] / tally["releases"],
        "lead": tally["lead_right"] / tally["releases"],
        "dateline": tally["dateline_right"] / tally["releases"],
        "quotes": tally["quotes_found"] / tally["quotes"],
    }
    print(
        f"\n{tally['files']} files ({tally['releases']} releases, {tally['quotes']} quotes; "
        f"{tally['refused_right']} without a title, refused)"
    )
    for key, rate in rates.items():
        print(f"  {key:<9} {rate:6.1%}  (target {TARGETS[key]:.0%})")
    print(f"  titles right: {tally['titles_right']} of {tally['releases']}")
    print(f"  misattributed quotes: {tally['misattributed']}")
    print(f"  text kept: {tally['kept']} of {tally['keeps']} passages")
    print(f"  bill citations resolved: {tally['citations_right']} of {tally['citations']}")
    for miss in misses:
        print("  miss:", miss)
    assert all(rates[key] >= target for key, target in TARGETS.items()), (rates, misses)
    assert tally["misattributed"] == 0, misses
    assert tally["highlights_wrong"] == 0, misses
    assert tally["kept"] == tally["keeps"], misses
    assert tally["refused_right"] == 1
    assert tally["titles_right"] == tally["releases"], misses
    assert tally["citations_right"] == tally["citations"], misses


def test_a_file_of_several_releases_becomes_several_drafts(newsroom):
    path = FOLDER / "multi-three-releases-thirty.txt"
    result = release_file_import(path=path, recognizer=Recognizer.from_database())
    assert result.outcome == "created"
    drafts = Release.objects.order_by("pk")
    assert [r.title for r in drafts] == [
        "Heitkamp Welcomes New Air Service to Williston",
        "Heitkamp Meets with Grand Forks Air Force Base Leaders",
        "Heitkamp Statement on EPA Carbon Rule",
    ]
    assert all(r.is_draft() for r in drafts)
    assert len({r.import_key for r in drafts}) == 3
    assert any("holds 3 releases" in note for note in result.notes)
    # Importing again finds the same three drafts.
    again = release_file_import(path=path, recognizer=Recognizer.from_database())
    assert again.outcome == "unchanged"
    assert Release.objects.count() == 3


def test_one_release_and_a_footer_after_its_end_mark_is_one_draft(newsroom):
    path = FOLDER / "multi-one-release-with-footer.txt"
    (parsed,) = releases_parse(text=path.read_bytes())
    assert "Russell Senate Office Building" not in "\n".join(parsed.body)


def test_a_text_of_several_releases_is_refused_where_one_is_expected():
    # The paste view reads one release: several are refused, not merged or cut at the first.
    text = (FOLDER / "multi-two-releases-hashes.txt").read_text()
    with pytest.raises(ParseError, match="it holds 2 releases"):
        release_parse(text=text)


def test_a_later_release_without_a_title_fails_the_file_and_stores_nothing(newsroom, tmp_path):
    path = tmp_path / "two.txt"
    path.write_text(
        "Klobuchar Announces Funding for Duluth Harbor\n\n"
        "DULUTH, MN – U.S. Senator Amy Klobuchar today announced funds.\n\n###\n\n"
        "ST. PAUL, Minn. – U.S. Senator Amy Klobuchar today toured flood damage.\n\n###\n"
    )
    result = release_file_import(path=path, recognizer=Recognizer.from_database())
    assert result.outcome == "failed"
    assert "release 2 of the 2 in it: no title found" in result.reason
    assert not Release.objects.exists()
