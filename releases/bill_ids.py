"""A bill's ID as people write it, to the one the newsroom's addresses use (`s1733-113`).

Links and lookups come with congress.gov's order (`113-s-1733`), a citation with its
Congress (`S. 1733 (113th)`, `S. 1733 (113th Congress)`), or an ID with stray punctuation
(`S.1733-113`, `s-1733-113`, `H.R.3610-113`). Each is read here, and the page or record
answers at the canonical address.
"""

import re

from releases.models import Legislation

BILL_TYPES = frozenset(Legislation.BillType.values)
# congress.gov: 113-s-1733
CONGRESS_FIRST_RE = re.compile(r"(?P<congress>\d{1,3})-(?P<type>[a-z.]+)-?(?P<number>\d{1,5})")
# s1733-113, S.1733-113, s-1733-113, S. 1733 (113th), H.R. 3610 (113th Congress)
TYPE_FIRST_RE = re.compile(
    r"(?P<type>[a-z][a-z. ]*?)[\s.-]*(?P<number>\d{1,5})\s*"
    r"(?:-\s*(?P<congress>\d{1,3})|\(\s*(?P<ordinal>\d{1,3})(?:st|nd|rd|th)?(?:\s+congress)?\s*\))"
)


def canonical_bill_id(text):
    """`s1733-113` for any of the ways of writing it; None for what names no bill."""
    text = " ".join((text or "").lower().split())
    if len(text) > 40:
        return None
    match = CONGRESS_FIRST_RE.fullmatch(text) or TYPE_FIRST_RE.fullmatch(text)
    if match is None:
        return None
    bill_type = re.sub(r"[^a-z]", "", match["type"])
    number = int(match["number"])
    congress = int(match["congress"] or match.groupdict().get("ordinal") or 0)
    if bill_type not in BILL_TYPES or number < 1 or congress < 1:
        return None
    return f"{bill_type}{number}-{congress}"
