"""Recognize, in a parsed release, the senators, bills and organizations already in the database.

Nothing is created here: a bill or an organization the newsroom does not have yet is left
for staff (and mentioned in the import's notes), so an import never invents records.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import ordinal

from people.models import Organization, Senator
from people.states import state_code
from releases.bill_titles import bills_linked_by_title
from releases.citations import BILL_RE, congress_of
from releases.models import Legislation

SENATOR_TITLE_BEFORE_RE = re.compile(
    r"(?:Sens?\.|Senators?)\s+(?:[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)*\s*(?:,\s*|\s+and\s+|\s*&\s*)"
    r"(?:and\s+)?)*$"
)
# A title that says the person named is no senator: "Rep. Kim", "Gov. Justice", "Mayor Young".
OTHER_TITLE_BEFORE_RE = re.compile(
    r"(?:\bReps?\.|\bRepresentatives?|\bCongress(?:wo)?man|\bGov\.|\bGovernor|\bLt\.|"
    r"\bMayor|\bSecretary|\bJudge|\bJustice|\bCommissioner|\bPresident|\bAmbassador"
    r"|\bAdministrator|\bDirector|\bChief|\bSheriff|\bCouncil(?:wo)?man|\bSpeaker)\s+$"
)
# After a senator's name, what makes them the subject of the lead: further names (with
# titles or party-states), an aside, "today", and a verb: "... (D-ND) today joined".
SUBJECT_AFTER_RE = re.compile(
    r"^(?:\s*\([^)]{1,40}\))?"
    r"(?:\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s*&\s*)(?:[A-Z][\w.'-]*\s*)+(?:\([^)]{1,40}\))?)*"
    r"(?:,\s+[^,.;]{1,100},)?"
    r"\s+(?:(?:today|yesterday|tonight|also|jointly|together|again|this\s+week|on\s+\w+day),?\s+)*"
    r"(?:[a-z]+ed|wrote|spoke|met|led|held|sent|took|gave|made|won|brought|sought|told|began"
    r"|is|was|are|were|has|have|will|announces|introduces|joins|urges|says|said)\b"
)
# "cosponsored by Senators Booker and Kaine", "cosponsors include Sen. Booker": no issuers.
COSPONSORS_BEFORE_RE = re.compile(
    r"\b(?:co-?sponsored\s+by|co-?sponsors?(?:\s+(?:include|are|is))?|co-?led\s+by)\b"
    r"[^.;]*$",
    re.I,
)
# A last name followed by another name is someone's first name ("Senator Paul Wellstone");
# not when a day or a month follows ("Sen. Cruz Tuesday demanded").
FIRST_NAME_AFTER_RE = re.compile(
    r"\s+(?!(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|(?:January|February|March|April|May"
    r"|June|July|August|September|October|November|December|Jr|Sr|And|Or)\b)[A-Z][a-z]"
)
# January to March of a new Congress: a bill cited may still be the last Congress's.
NEW_CONGRESS_MONTHS = 3


COMBINING_MARKS_RE = re.compile(r"[\u0300-\u036f]")


def fold(text):
    """Text compared the way a reader would: no accents, straight quotes, single spaces."""
    if not text.isascii():
        text = COMBINING_MARKS_RE.sub("", unicodedata.normalize("NFKD", text))
        text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return " ".join(text.split())


def _alternation(phrases):
    ordered = sorted(set(phrases), key=len, reverse=True)
    return "|".join(re.escape(p) for p in ordered) or r"(?!x)x"


@dataclass
class QuoteLink:
    senator: Senator | None
    speaker_name: str = ""
    speaker_title: str = ""
    joint: bool = False  # said by several senators together ("the senators said")
    senators: list = field(default_factory=list)  # who, when joint


@dataclass
class Links:
    """What a release is linked to: issuing senators (lead first), quotes' speakers, and more."""

    senators: list = field(default_factory=list)
    quotes: list = field(default_factory=list)  # a QuoteLink per parsed quote
    bills: list = field(default_factory=list)
    organizations: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    offered: list = field(default_factory=list)  # bills a citation may mean, for staff


class Recognizer:
    """The names the newsroom knows, loaded once and used for every release of an import."""

    def __init__(self, *, senators, bills, organizations):
        self.senators = list(senators)
        self.full_names, self.last_names = {}, {}
        for senator in self.senators:
            for name in {senator.official_full_name, f"{senator.first_name} {senator.last_name}"}:
                if name.strip():
                    self.full_names.setdefault(fold(name), []).append(senator)
            self.last_names.setdefault(fold(senator.last_name), []).append(senator)
        self.senator_re = re.compile(
            rf"(?<![\w'])(?P<name>{_alternation([*self.full_names, *self.last_names])})(?![\w'])"
            r"(?:\s*\((?P<party>[DRI])-(?P<state>[A-Z][A-Za-z. ]{1,15}?)\))?"
        )
        self.bills = list(bills)
        self.bills_by_citation = {}
        for bill in self.bills:
            self.bills_by_citation.setdefault((bill.bill_type, bill.number), []).append(bill)
        self.organizations = {}
        for organization in organizations:
            name = fold(organization.name).lower()
            if len(name) >= 3:
                self.organizations.setdefault(name, []).append(organization)
        self.organization_re = re.compile(
            rf"(?<![\w'])(?:{_alternation(self.organizations)})(?![\w'])"
        )

    @classmethod
    def from_database(cls):
        return cls(
            senators=Senator.objects.all(),
            bills=Legislation.objects.prefetch_related("cosponsors"),
            organizations=Organization.objects.all(),
        )

    # Senators

    def _full_name_hits(self, folded):
        """Senators named in full anywhere in a text (their last name alone is then theirs)."""
        return {
            s.pk
            for m in self.senator_re.finditer(folded)
            if not OTHER_TITLE_BEFORE_RE.search(folded[max(0, m.start() - 40) : m.start()])
            for s in self.full_names.get(m["name"], [])
        }

    def _mentions(self, text, full_hits):
        """Senators named in a text, in order: (name, candidates, confident, party-state).

        A full name is confident; a last name alone is when a title comes before it ("Sen.
        Warner", "Senators Klobuchar and Heitkamp"), a party-state after it ("(D-MN)"), or
        the senator is named in full elsewhere: "Young" or "King" alone may be no senator.
        """
        for _match, name, candidates, confident, party_state in self._matches(text, full_hits):
            yield name, candidates, confident, party_state

    def _matches(self, text, full_hits):
        """As `_mentions`, with each name's match in the folded text first.

        No senator is named after another title ("Rep. Kim", "Gov. Justice", "Mayor Young"),
        nor by a last name that is someone's first ("Senator Paul Wellstone")."""
        folded = fold(text)
        for m in self.senator_re.finditer(folded):
            name = m["name"]
            code = state_code(m["state"]) if m["party"] else None  # "(D-Minn.)": MN
            party_state = (m["party"], code) if code else None
            if OTHER_TITLE_BEFORE_RE.search(folded[max(0, m.start() - 40) : m.start()]):
                continue
            if name in self.full_names:
                yield m, name, self.full_names[name], True, party_state
                continue
            if not party_state and FIRST_NAME_AFTER_RE.match(folded[m.end() :]):
                continue  # "Paul Wellstone": a first name here
            candidates = self.last_names[name]
            confident = (
                party_state is not None
                or SENATOR_TITLE_BEFORE_RE.search(folded[max(0, m.start() - 120) : m.start()])
                or any(s.pk in full_hits for s in candidates)
            )
            yield m, name, candidates, bool(confident), party_state

    def _choose(self, candidates, party_state, preferred, notes, name):
        if party_state:
            party, state = party_state
            candidates = [s for s in candidates if (s.party, s.state) == (party, state)]
        if len(candidates) > 1:
            narrowed = [s for s in candidates if s.pk in preferred]
            candidates = narrowed or [s for s in candidates if s.in_office] or candidates
        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            notes.append(f"“{name}” could be {' or '.join(str(s) for s in candidates)}; not linked")
        return None

    def issuing_senators(self, parsed, full_hits, notes):
        """The senators the lead paragraph presents as issuing, in order; the first leads.

        Those the lead makes its subject ("U.S. Senators Amy Klobuchar (D-MN) and Heidi
        Heitkamp (D-ND) today joined", "which Senator Cornyn applauded"); a senator merely
        named there ("cosponsored by Senators Warner and Kaine", "authored by Sen. Klobuchar")
        issues nothing. When the lead makes no senator its subject, those of them the title
        names, else all it names but its cosponsors ("cosponsored by Senators ...")."""
        subjects, named, cosponsors = [], [], set()
        folded = fold(parsed.lead)
        for m, name, candidates, confident, party_state in self._matches(parsed.lead, full_hits):
            if confident:
                senator = self._choose(candidates, party_state, full_hits, notes, name)
                if senator is None:
                    continue
                after = folded[m.end() :][:300]
                if m["party"]:
                    after = after  # the party-state is part of the match already
                if SUBJECT_AFTER_RE.match(after) and senator not in subjects:
                    subjects.append(senator)
                if senator not in named:
                    named.append(senator)
                if COSPONSORS_BEFORE_RE.search(folded[max(0, m.start() - 60) : m.start()]):
                    cosponsors.add(senator.pk)
        if subjects or not named:
            return subjects
        # No subject ("Legislation authored by Senator Klobuchar passed ..."): those the
        # title names, else all the lead names but its cosponsors.
        title = fold(parsed.title)
        titled = [s for s in named if re.search(rf"\b{re.escape(fold(s.last_name))}\b", title)]
        return titled or [s for s in named if s.pk not in cosponsors] or named

    def quote_speaker(self, quote, preferred, notes, issuers=()):
        """The senator who said a quote, or a named speaker when none is a senator here.

        Words said together ("the senators said") are the issuers' (`issuers`), or those of
        the senators named ("Klobuchar and Heitkamp said"): linked to no one senator, named
        as said by them. A speaker with another title ("Rep. Kim") is no senator."""
        if quote.joint:
            if quote.speakers:
                together = [self._speaker(n, "", preferred, notes) for n in quote.speakers]
            else:
                together = list(issuers)
            if len(together) >= 2 and all(together):
                names = [s.official_full_name or f"{s.first_name} {s.last_name}" for s in together]
                said_by = f"Senators {', '.join(names[:-1])} and {names[-1]}"
                return QuoteLink(None, said_by[:200], "", joint=True, senators=together)
            if len(together) == 1 and together[0] and quote.speakers:
                return QuoteLink(together[0])
            return QuoteLink(None, quote.speaker[:200], "")
        if quote.speaker_title and not quote.senatorial:
            # "said Rep. Kim", "said Jane Doe, director of X": a senator's name may be theirs.
            senator = None
            if not re.match(
                r"^(?:Reps?\.|Representative|Congress|Gov|Governor|Lt\.|Mayor"
                r"|Secretary|Dr\.|Mr\.|Mrs\.|Ms\.)",
                quote.speaker_title,
            ):
                senator = self._speaker(quote.speaker, quote.party_state, preferred, notes)
                if senator and senator.pk not in preferred:
                    senator = None  # a namesake, not a senator of this release
            if senator:
                return QuoteLink(senator)
            return QuoteLink(None, quote.speaker[:200], quote.speaker_title[:200])
        senator = self._speaker(quote.speaker, quote.party_state, preferred, notes)
        if senator:
            return QuoteLink(senator)
        if quote.senatorial:
            notes.append(f"quote by Senator {quote.speaker}: no such senator in the database")
        title = "Senator" if quote.senatorial else quote.speaker_title
        return QuoteLink(None, quote.speaker[:200], title[:200])

    def _speaker(self, speaker, party_state, preferred, notes):
        name = fold(speaker)
        party_state = tuple(party_state.split("-")) if party_state else None
        candidates = self.full_names.get(name) or self.last_names.get(name)
        if not candidates and " " in name:
            # "Jeanne Shaheen" for Cynthia Jeanne Shaheen: the last name, and the first to agree.
            first, last = name.split()[0], name.split()[-1]
            candidates = [
                s for s in self.last_names.get(last, []) if fold(s.first_name).startswith(first)
            ]
        if not candidates:
            return None
        return self._choose(candidates, party_state, preferred, notes, speaker)

    # Bills and organizations

    def _congresses(self, day):
        """The Congresses a citation in a release of `day` may mean: the day's, and early in a
        new Congress (January to March of an odd year) also the one before, whose bills are
        still the ones a release talks about ("S. 1733" on January 10, 2015)."""
        congress = congress_of(day)
        if day.year % 2 == 1 and day.month <= NEW_CONGRESS_MONTHS:
            return [congress, congress - 1]
        return [congress]

    def bills_cited(self, parsed, folded, issuers, notes, offered=None):
        """Bills cited by number, then named by short title (`releases.bill_titles`).

        A citation is resolved among the bills the database has in the Congresses it may mean
        (`_congresses`), leaving out those not introduced yet on the release's date; when
        several remain, the one the issuing senators sponsor or cosponsor. When none is
        theirs but the database knows whose they are, none is linked: they are offered
        (`offered`, and a note), not guessed. When it knows nothing of any (no sponsor, no
        cosponsor), the one of the date's Congress.
        """
        offered = [] if offered is None else offered
        text = parsed.full_text
        day = parsed.published_on
        congress = congress_of(day) if day else None
        ids = {s.pk for s in issuers}

        def theirs(bill):
            return bill.sponsor_id in ids or bool(ids & {c.pk for c in bill.cosponsors.all()})

        def known(bill):
            return bill.sponsor_id is not None or bool(bill.cosponsors.all())

        found = []
        for m in BILL_RE.finditer(text):
            bill_type = re.sub(r"[^a-z]", "", m["type"].lower())
            number = int(m["number"])
            candidates = self.bills_by_citation.get((bill_type, number), [])
            if day:
                congresses = self._congresses(day)
                candidates = [
                    b
                    for b in candidates
                    if b.congress in congresses and not (b.introduced_on and b.introduced_on > day)
                ]
            if len(candidates) > 1:
                candidates = [b for b in candidates if theirs(b)] or (
                    # Nothing known of whose they are: the date's Congress, as ever.
                    [b for b in candidates if b.congress == congress]
                    if not any(known(b) for b in candidates)
                    else candidates
                )
            citation = f"{Legislation.BillType(bill_type).label} {number}"
            if len(candidates) == 1:
                found.append(candidates[0])
            elif not candidates:
                where = f" of the {ordinal(congress)} Congress" if congress else ""
                notes.append(f"{citation}{where} is cited but not in the database")
            elif day:
                offered.extend(b for b in candidates if b not in offered)
                which = " or ".join(f"the {ordinal(b.congress)} Congress's" for b in candidates)
                notes.append(f"{citation} could be {which}; not linked: link it by hand")
            else:
                notes.append(f"{citation} is in several Congresses and the release has no date")
        found += bills_linked_by_title(
            text, day=parsed.published_on, issuers=issuers, cited=found, notes=notes
        )
        return list(dict.fromkeys(found))

    def organizations_named(self, folded):
        found = []
        for m in self.organization_re.finditer(folded.lower()):
            found.extend(self.organizations[m[0]])
        return list(dict.fromkeys(found))

    def recognize(self, parsed):
        """Links for a parsed release."""
        links = Links()
        folded = fold(parsed.full_text)
        full_hits = self._full_name_hits(folded)
        links.senators = self.issuing_senators(parsed, full_hits, links.notes)
        preferred = {s.pk for s in links.senators} | full_hits
        for quote in parsed.quotes:
            link = self.quote_speaker(quote, preferred, links.notes, issuers=links.senators)
            links.quotes.append(link)
            for senator in [link.senator] if link.senator else link.senators:
                if senator not in links.senators:
                    links.senators.append(senator)
        if not links.senators:
            links.notes.append("no senator recognized: add the issuing senator by hand")
        links.bills = self.bills_cited(
            parsed, folded, links.senators, links.notes, offered=links.offered
        )
        links.organizations = self.organizations_named(folded)
        links.notes = list(dict.fromkeys(links.notes))
        return links
