"""Bills a release names by short title ("the Stop Exploitation Through Trafficking Act").

Releases name an Act by its title far more often than by its number. A title is no
identifier: S. 1733, H.R. 3610 and S. 2599 of the 113th Congress are all the Stop
Exploitation Through Trafficking Act. So a name is matched in the Congresses of the
release's date only, and a name several bills share is settled by who issues the release
(the bill they sponsor, else the one they cosponsor) or by a citation of one of them in the
same text; otherwise every bill of that name is offered to staff, never one guessed.

The lookup is bounded: the phrases that end in "Act" (at most `MAX_TITLE_WORDS` words each)
are looked up in one query on `Legislation.title_key`, indexed with the Congress, whatever
the number of bills in the newsroom.
"""

import re
from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import ordinal
from django.utils import timezone

from releases.citations import congress_of
from releases.models import Legislation
from releases.models.subjects import title_words

# The word short titles end with ("... Act", "... Amendments of 1990"): where a mention ends.
TITLE_ENDINGS = frozenset({"act", "acts", "amendments"})
MAX_TITLE_WORDS = 24  # the longest short titles (appropriations) run to about 20 words
MAX_MENTIONS = 200  # title endings read in one text: bounds the lookup's size
YEAR_RE = re.compile(r"(?:1[7-9]|2[0-9])[0-9]{2}")


@dataclass
class TitleMatch:
    """A short title a text names, the bills that bear it, and the one to link if any."""

    key: str  # the title as compared (title_key)
    bills: list = field(default_factory=list)  # every bill of that name considered
    bill: Legislation | None = None  # the one the text means, when that is known

    @property
    def name(self):
        """The title as the bills write it, without its year."""
        title = self.bills[0].short_title
        return re.sub(r",? (?:of )?\d{4}$", "", title)

    def bills_text(self):
        """ "S. 1733, H.R. 3610 or S. 2599 (113th Congress)"."""
        congresses = {b.congress for b in self.bills}
        if len(congresses) == 1:
            citations = [b.citation for b in self.bills]
            where = f" ({ordinal(congresses.pop())} Congress)"
        else:
            citations, where = [str(b) for b in self.bills], ""
        listed = ", ".join(citations[:-1]) + f" or {citations[-1]}" if len(citations) > 1 else ""
        return (listed or citations[0]) + where


def congresses_for(day):
    """The Congresses a release of `day` may mean; None when it has no date (any).

    A Congress begins on January 3 of an odd year, and releases of that January still
    speak of the bills of the Congress just ended."""
    if day is None:
        return None
    congress = congress_of(day)
    return [congress, congress - 1] if day.month == 1 and day.year % 2 else [congress]


def _mentions(text):
    """(candidate keys, year named) for each place a title may end in `text`.

    The candidates are the phrases of 2 to MAX_TITLE_WORDS words ending at an "Act" (or
    an "Act's"), each as Legislation.title_key holds it, longest first."""
    words = title_words(text).split()
    found = []
    for i, word in enumerate(words):
        if word not in TITLE_ENDINGS:
            continue
        rest = words[i + 1 : i + 3]
        year = None
        if rest[:1] == ["of"] and len(rest) == 2 and YEAR_RE.fullmatch(rest[1]):
            year = rest[1]
        elif rest and YEAR_RE.fullmatch(rest[0]):
            year = rest[0]
        start = max(0, i + 1 - MAX_TITLE_WORDS)
        # "the Stop Exploitation Through Trafficking Act’s sponsors": "acts" is the Act's.
        ends = [word, "act"] if word == "acts" else [word]
        keys = [" ".join([*words[j:i], end]) for j in range(start, i) for end in ends]
        found.append((keys, year))
        if len(found) == MAX_MENTIONS:
            break
    return found


def _sponsors(bills):
    """Per bill pk, (sponsor pk, cosponsor pks): one query for the cosponsors."""
    Cosponsor = Legislation.cosponsors.through
    cosponsors = {}
    for bill_id, senator_id in Cosponsor.objects.filter(
        legislation_id__in=[b.pk for b in bills]
    ).values_list("legislation_id", "senator_id"):
        cosponsors.setdefault(bill_id, set()).add(senator_id)
    return cosponsors


def _settle(bills, *, year, issuer_ids, cited_ids, cosponsors):
    """The bill among several of one name that the text means, or None."""
    if year:
        same_year = [b for b in bills if b.short_title.endswith(year)]
        if len(same_year) == 1:
            return same_year[0]
        bills = same_year or bills
    if len(bills) == 1:
        return bills[0]
    for chosen in (
        [b for b in bills if b.pk in cited_ids],
        [b for b in bills if b.sponsor_id in issuer_ids],
        [b for b in bills if issuer_ids & cosponsors.get(b.pk, set())],
    ):
        if len(chosen) == 1:
            return chosen[0]
    return None


def bills_named(text, *, day, issuer_ids=(), cited_ids=()):
    """The short titles `text` names, as `TitleMatch`es in order of first mention.

    `day` is the release's date (its Congress, and the one before in January); `issuer_ids`
    the pks of the senators who issue it, `cited_ids` those of bills its text cites by
    number: either settles a name several bills share. At most two queries."""
    mentions = _mentions(text)
    keys = {key for candidates, _ in mentions for key in candidates}
    if not keys:
        return []
    bills = Legislation.objects.filter(title_key__in=keys).order_by("bill_type", "number")
    congresses = congresses_for(day)
    if congresses is not None:
        bills = bills.filter(congress__in=congresses)
    by_key = {}
    for bill in bills.only("pk", "bill_type", "number", "congress", "bill_id", "short_title",
                           "title_key", "sponsor_id"):  # fmt: skip
        by_key.setdefault(bill.title_key, []).append(bill)
    if not by_key:
        return []
    shared = [b for named in by_key.values() if len(named) > 1 for b in named]
    cosponsors = _sponsors(shared) if shared and issuer_ids else {}
    issuer_ids, cited_ids = set(issuer_ids), set(cited_ids)
    matches = {}
    for candidates, year in mentions:
        key = next((k for k in candidates if k in by_key), None)  # the longest title named
        if key is None or key in matches:
            continue
        named = by_key[key]
        matches[key] = TitleMatch(
            key=key,
            bills=named,
            bill=_settle(
                named, year=year, issuer_ids=issuer_ids, cited_ids=cited_ids,
                cosponsors=cosponsors,
            ),
        )  # fmt: skip
    return list(matches.values())


def bills_linked_by_title(text, *, day, issuers=(), cited=(), notes=None, offered=None):
    """The bills `text` names by title that can be linked, for an import; a name several
    bills share, that nothing settles, goes to `notes` with the bills it could be, and
    those bills to `offered` (for staff to choose from)."""
    matches = bills_named(
        text, day=day, issuer_ids={s.pk for s in issuers}, cited_ids={b.pk for b in cited}
    )
    for match in matches:
        if match.bill is not None:
            continue
        if notes is not None:
            notes.append(
                f"“{match.name}” is {match.bills_text()}: not linked, pick the one it means"
            )
        if offered is not None:
            offered.extend(b for b in match.bills if b not in offered)
    return [match.bill for match in matches if match.bill is not None]


def release_bills_named(release, *, cited_ids=()):
    """The short titles a release's title, highlights and body name (`bills_named()`), in
    the Congresses of its date, settled by its issuing senators: for the release form."""
    day = timezone.localdate(release.published_at or release.created_at or timezone.now())
    text = "\n".join([release.title or "", release.highlights or "", release.body or ""])
    if not any(keys for keys, _ in _mentions(text)):
        return []  # no "Act" in it: no query
    issuer_ids = set(release.senators.values_list("pk", flat=True)) if release.pk else set()
    return bills_named(text, day=day, issuer_ids=issuer_ids, cited_ids=cited_ids)
