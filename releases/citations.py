"""Bills cited in a release's text ("S. 1733", "H.R. 3610"), for staff to link in the admin."""

import re
from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import ordinal
from django.db.models import Q
from django.utils import timezone

from releases.models import Legislation

# Bill citations as releases write them: S. 1733, H.R. 3610, S.Res. 12, H. J. Res. 5, HR 3610.
# Longer forms first; never after a letter or a period, so "U.S. 20" is no bill.
BILL_RE = re.compile(
    r"(?<![\w.])(?P<type>"
    r"H\.?\s?Con\.?\s?Res\.?|S\.?\s?Con\.?\s?Res\.?|H\.?\s?J\.?\s?Res\.?|S\.?\s?J\.?\s?Res\.?"
    r"|H\.?\s?Res\.?|S\.?\s?Res\.?|H\.?\s?R\.?|S\.)\s?(?P<number>\d{1,5})\b"
)


def congress_of(day):
    """The Congress in session in a year: 2013 and 2014 are the 113th."""
    return (day.year - 1789) // 2 + 1


@dataclass
class Citation:
    bill_type: str
    number: int
    congress: int
    bill: Legislation | None  # None: the newsroom does not have it yet

    @property
    def text(self):
        label = Legislation.BillType(self.bill_type).label
        return f"{label} {self.number} ({ordinal(self.congress)} Congress)"


def bill_citations(text):
    """(bill_type, number) for each bill cited in `text`, in order of first mention."""
    seen = {}
    for m in BILL_RE.finditer(text or ""):
        seen.setdefault((re.sub(r"[^a-z]", "", m["type"].lower()), int(m["number"])), None)
    return list(seen)


def release_citations(release):
    """The bills a release's text cites, in the Congress of its date, found or not (one query)."""
    day = timezone.localdate(release.published_at or release.created_at or timezone.now())
    congress = congress_of(day)
    text = "\n".join([release.title or "", release.highlights or "", release.body or ""])
    cited = bill_citations(text)
    if not cited:
        return []
    condition = Q()
    for bill_type, number in cited:
        condition |= Q(bill_type=bill_type, number=number, congress=congress)
    bills = {(b.bill_type, b.number): b for b in Legislation.objects.filter(condition)}
    return [Citation(t, n, congress, bills.get((t, n))) for t, n in cited]
