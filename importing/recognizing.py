"""Recognize, in a parsed release, the senators, bills and organizations already in the database.

Nothing is created here: a bill or an organization the newsroom does not have yet is left
for staff (and mentioned in the import's notes), so an import never invents records.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import ordinal

from people.models import Organization, Senator
from releases.citations import BILL_RE, congress_of
from releases.models import Legislation

SENATOR_TITLE_BEFORE_RE = re.compile(
    r"(?:Sens?\.|Senators?)\s+(?:[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*)*\s*(?:,\s*|\s+and\s+|\s*&\s*)"
    r"(?:and\s+)?)*$"
)
YEAR_SUFFIX_RE = re.compile(r"\s+of\s+\d{4}$")


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


@dataclass
class Links:
    """What a release is linked to: issuing senators (lead first), quotes' speakers, and more."""

    senators: list = field(default_factory=list)
    quotes: list = field(default_factory=list)  # a QuoteLink per parsed quote
    bills: list = field(default_factory=list)
    organizations: list = field(default_factory=list)
    notes: list = field(default_factory=list)


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
            r"(?:\s*\((?P<party>[DRI])-(?P<state>[A-Z]{2})\))?"
        )
        self.bills = list(bills)
        self.bills_by_citation = {}
        self.bills_by_title = {}
        for bill in self.bills:
            self.bills_by_citation.setdefault((bill.bill_type, bill.number), []).append(bill)
            if bill.short_title:
                title = fold(bill.short_title).lower()
                for variant in {title, YEAR_SUFFIX_RE.sub("", title)}:
                    if len(variant) >= 8:
                        self.bills_by_title.setdefault(variant, []).append(bill)
        self.bill_title_re = re.compile(
            rf"(?<![\w'])(?:{_alternation(self.bills_by_title)})(?![\w'])"
        )
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
            for s in self.full_names.get(m["name"], [])
        }

    def _mentions(self, text, full_hits):
        """Senators named in a text, in order: (name, candidates, confident, party-state).

        A full name is confident; a last name alone is when a title comes before it ("Sen.
        Warner", "Senators Klobuchar and Heitkamp"), a party-state after it ("(D-MN)"), or
        the senator is named in full elsewhere: "Young" or "King" alone may be no senator.
        """
        folded = fold(text)
        for m in self.senator_re.finditer(folded):
            name = m["name"]
            party_state = (m["party"], m["state"]) if m["party"] else None
            if name in self.full_names:
                yield name, self.full_names[name], True, party_state
                continue
            candidates = self.last_names[name]
            confident = (
                party_state is not None
                or SENATOR_TITLE_BEFORE_RE.search(folded[max(0, m.start() - 120) : m.start()])
                or any(s.pk in full_hits for s in candidates)
            )
            yield name, candidates, bool(confident), party_state

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
        """Senators named in the lead paragraph, in order; the first is the lead senator."""
        found = []
        for name, candidates, confident, party_state in self._mentions(parsed.lead, full_hits):
            if confident:
                senator = self._choose(candidates, party_state, full_hits, notes, name)
                if senator and senator not in found:
                    found.append(senator)
        return found

    def quote_speaker(self, quote, preferred, notes):
        """The senator who said a quote, or a named speaker when none is a senator here."""
        name = fold(quote.speaker)
        party_state = tuple(quote.party_state.split("-")) if quote.party_state else None
        candidates = self.full_names.get(name) or self.last_names.get(name)
        if not candidates and " " in name:
            # "Jeanne Shaheen" for Cynthia Jeanne Shaheen: the last name, and the first to agree.
            first, last = name.split()[0], name.split()[-1]
            candidates = [
                s for s in self.last_names.get(last, []) if fold(s.first_name).startswith(first)
            ]
        senator = (
            self._choose(candidates, party_state, preferred, notes, quote.speaker)
            if candidates
            else None
        )
        if senator:
            return QuoteLink(senator)
        if quote.senatorial:
            notes.append(f"quote by Senator {quote.speaker}: no such senator in the database")
        title = "Senator" if quote.senatorial else quote.speaker_title
        return QuoteLink(None, quote.speaker[:200], title[:200])

    # Bills and organizations

    def bills_cited(self, parsed, folded, issuers, notes):
        text = parsed.full_text
        congress = congress_of(parsed.published_on) if parsed.published_on else None
        found = []
        for m in BILL_RE.finditer(text):
            bill_type = re.sub(r"[^a-z]", "", m["type"].lower())
            number = int(m["number"])
            candidates = self.bills_by_citation.get((bill_type, number), [])
            if congress:
                candidates = [b for b in candidates if b.congress == congress]
            citation = f"{Legislation.BillType(bill_type).label} {number}"
            if len(candidates) == 1:
                found.append(candidates[0])
            elif not candidates:
                where = f" of the {ordinal(congress)} Congress" if congress else ""
                notes.append(f"{citation}{where} is cited but not in the database")
            else:
                notes.append(f"{citation} is in several Congresses and the release has no date")
        for m in self.bill_title_re.finditer(folded.lower()):
            candidates = self.bills_by_title[m[0]]
            if congress:
                candidates = [b for b in candidates if b.congress == congress]
            if len(candidates) > 1:  # one name, several bills: the issuers' own
                ids = {s.pk for s in issuers}
                candidates = [
                    b
                    for b in candidates
                    if b.sponsor_id in ids or ids & {c.pk for c in b.cosponsors.all()}
                ] or [b for b in candidates if b in found]
            if len(candidates) == 1:
                found.append(candidates[0])
            elif candidates:
                notes.append(f"“{m[0]}” names several bills; not linked")
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
            link = self.quote_speaker(quote, preferred, links.notes)
            links.quotes.append(link)
            if link.senator and link.senator not in links.senators:
                links.senators.append(link.senator)
        if not links.senators:
            links.notes.append("no senator recognized: add the issuing senator by hand")
        links.bills = self.bills_cited(parsed, folded, links.senators, links.notes)
        links.organizations = self.organizations_named(folded)
        links.notes = list(dict.fromkeys(links.notes))
        return links
