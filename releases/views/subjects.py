"""What releases are about, each with its releases: senators, topics, bills, organizations.

Every subject page is one view, `SubjectDetailView`: the subject, its public releases newest
first (paged by position), and the feeds of that list; the registry entry naming the
subject's model (browse/registry.py) gives the feeds' parameter and the count's key.

The index pages (/topics/, /organizations/, /legislation/) hold at any size: a page of
names at a time, by first letter (`?letter=S`) or words (`?q=`), with their public releases
counted; only the subjects with a public release unless the visitor asks for all
(`?all=1`). /legislation/ goes by Congress and chamber instead of by letter, and /senators/
by state and party. Each runs a fixed number of queries: the counts, totals and letters are
kept between changes (core/caching.py), and a page reads its ids, then its rows.
"""

import re
import string

from django.contrib.humanize.templatetags.humanize import ordinal
from django.db.models import Case, Count, F, Prefetch, Q, Value, When
from django.db.models.functions import Left, Upper
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.generic import DetailView

from core import caching
from people.models import Organization, Senator
from people.states import State
from releases.bill_ids import canonical_bill_id
from releases.browse import registry
from releases.browse.filters import releases_linked_to
from releases.browse.pagination import kept_count, paginate, relink
from releases.feeds import feed_links
from releases.models import Legislation, Quote, Release, Topic
from releases.selectors import having_public_releases, public_link_counts

# A subject with at most this many public releases has them looked up by id and sorted
# (ReleaseQuerySet.among_few); a busier one's page is among the newest releases.
FEW_RELEASES = 1000
INDEX_PER_PAGE = 100
TEXT_MOST = 100  # characters of ?q= read: a name or a title, not an essay
LETTERS = tuple(string.ascii_uppercase)
OTHER = "#"  # names that begin with a digit or a sign
SENATE_BILLS = ("s", "sres", "sjres", "sconres")
BILL_ORDER = [*SENATE_BILLS, "hr", "hres", "hjres", "hconres"]
CHAMBERS = {"senate": "Senate", "house": "House"}


def _text(query):
    """The visitor's words from ?q=, spaces tidied, at most TEXT_MOST characters, and a
    notice when some were left out."""
    words = " ".join(query.get("q", "").replace("\x00", " ").split())
    if len(words) <= TEXT_MOST:
        return words, []
    return words[:TEXT_MOST], [f"We searched for the first {TEXT_MOST} characters only."]


def _words_in(fields, words):
    """Every word in one of `fields`, whatever the case."""
    condition = Q()
    for word in words.split():
        either = Q()
        for name in fields:
            either |= Q(**{f"{name}__icontains": word})
        condition &= either
    return condition


def _letter_of(initial):
    return initial if initial in LETTERS else OTHER


def congress_label(congress):
    """ "113th Congress (2013–2014)": each Congress sits two years from 1789."""
    first = 1787 + 2 * congress
    return f"{ordinal(congress)} Congress ({first}–{first + 1})"


def names_matching(fields):
    """Objects with every word of the search in one of `fields`."""
    return lambda objects, words: objects.filter(_words_in(fields, words))


def _shelves(objects, name, shelf, parameter):
    """{shelf: (subjects, subjects with a public release)}, `shelf` an expression (a
    name's first letter, a bill's Congress): the letter bar, the Congresses and the totals
    in one query, kept until something changes."""

    def compute():
        with_releases = Q(pk__in=list(public_link_counts(parameter)))
        rows = (
            objects.order_by()
            .annotate(shelf=shelf)
            .values("shelf")
            .annotate(every=Count("pk"), public=Count("pk", filter=with_releases))
            .values_list("shelf", "every", "public")
        )
        return {value: (every, public) for value, every, public in rows}

    return caching.remember(("index-shelves", name), compute)


def subject_index(request, objects, *, template, name, per_page=INDEX_PER_PAGE,
                  letter_field="name", shelf=None, matching=None, narrow=None,
                  heading=None):  # fmt: skip
    """/topics/, /organizations/, /legislation/: a page of subjects, each with its public
    releases counted.

    `letter_field` is what the A–Z bar goes by (None: no bar), `shelf` what else the page
    sorts subjects into (a bill's Congress); `matching(objects, words)` is the search (by
    default, words of the `letter_field`). `narrow(objects, query, shelves)` returns
    (objects, key, context) for a page's own filters among the `shelves` there are (a
    bill's Congress), `key` naming them in the kept total. `heading(obj)` groups the
    page's rows under headings (a bill's Congress)."""
    parameter = registry.for_model(objects.model).parameter
    query = request.GET
    counts = public_link_counts(parameter)
    everything = query.get("all") == "1"
    shelves = _shelves(
        objects, name, Upper(Left(letter_field, 1)) if letter_field else shelf, parameter
    )
    present = [
        value for value, (every, public) in shelves.items() if (every if everything else public)
    ]
    base = objects if everything else having_public_releases(objects, parameter)
    words, notices = _text(query)
    key, context = (), {}
    if narrow is not None:
        base, key, context = narrow(base, query, present)
    letters, letter = [], ""
    if letter_field:
        present = sorted({_letter_of(i) for i in present}, key=lambda each: (each == OTHER, each))
        asked = query.get("letter", "").strip().upper()
        letter = asked if asked in present else ""
        letters = [
            {"letter": each, "url": relink(query, letter=each, q=None), "current": each == letter}
            for each in present
        ]
        if letter == OTHER:
            base = base.annotate(initial=Upper(Left(letter_field, 1))).exclude(initial__in=LETTERS)
        elif letter:
            base = base.filter(**{f"{letter_field}__istartswith": letter})
    matching = matching or names_matching([letter_field])
    listed = matching(base, words) if words else base
    page = paginate(request, listed, per_page,
                    count_key=("index", name, everything, key, letter, words))  # fmt: skip
    groups = {}
    for obj in page.object_list:
        obj.release_count = counts.get(obj.pk, 0)
        groups.setdefault(heading(obj) if heading else "", []).append(obj)
    total = sum(every for every, _ in shelves.values())
    with_releases = sum(public for _, public in shelves.values())
    return render(request, template, {
        "page_obj": page,
        name: page.object_list,
        "groups": list(groups.items()),
        "letters": letters,
        "letter": letter,
        "letter_all_url": relink(query, letter=None, q=None),
        "q": words,
        "everything": everything,
        "total": total,
        "with_releases": with_releases,
        "all_url": relink(query, all="1"),
        "with_releases_url": relink(query, all=None),
        "filtered": bool(letter or words or any(key)),
        "notices": notices,
        **context,
    })  # fmt: skip


def topic_list(request):
    return subject_index(
        request, Topic.objects.order_by("name", "pk"), template="releases/topic_list.html",
        name="topics", per_page=60, matching=names_matching(["name", "description"]),
    )  # fmt: skip


def organization_list(request):
    return subject_index(
        request, Organization.objects.order_by("name", "pk"),
        template="people/organization_list.html", name="organizations",
    )  # fmt: skip


# "S. 1733", "s 1733", "S1733", "H.R. 3610", "s1733-113": a bill's number, with its type
# and Congress when given.
BILL_NUMBER = re.compile(r"(?P<type>[a-z]*)(?P<number>[0-9]{1,5})(?:-(?P<congress>[0-9]{1,3}))?")


def bills_matching(bills, words):
    """Bills by their number ("S. 1733", "1733", "s1733-113") or by words of their title."""
    compact = re.sub(r"[\s.]", "", words.lower())
    match = BILL_NUMBER.fullmatch(compact)
    if match and (not match["type"] or match["type"] in Legislation.BillType.values):
        condition = Q(number=int(match["number"]))
        if match["type"]:
            condition &= Q(bill_type=match["type"])
        if match["congress"]:
            condition &= Q(congress=int(match["congress"]))
        return bills.filter(condition)
    return bills.filter(_words_in(("short_title", "official_title"), words))


def _bills_by_congress_and_chamber(bills, query, congresses):
    """?congress=113&chamber=senate, among the Congresses there are (newest first)."""
    congresses = sorted(congresses, reverse=True)
    congress = query.get("congress", "").strip()
    congress = int(congress) if congress.isdigit() and int(congress) in congresses else None
    chamber = query.get("chamber", "").strip().lower()
    chamber = chamber if chamber in CHAMBERS else ""
    if congress:
        bills = bills.filter(congress=congress)
    if chamber == "senate":
        bills = bills.filter(bill_type__in=SENATE_BILLS)
    elif chamber == "house":
        bills = bills.exclude(bill_type__in=SENATE_BILLS)
    choices = [(c, congress_label(c)) for c in congresses]
    return bills, (congress, chamber), {
        "congress": congress, "chamber": chamber, "congresses": choices,
        "chambers": CHAMBERS.items(),
    }  # fmt: skip


def legislation_list(request):
    # Within a Congress: the Senate's bills first, bills before resolutions, by number.
    rank = Case(*(When(bill_type=t, then=Value(i)) for i, t in enumerate(BILL_ORDER)))
    bills = Legislation.objects.select_related("sponsor").order_by("-congress", rank, "number")
    return subject_index(
        request, bills,
        template="releases/legislation_list.html", name="bills", letter_field=None,
        shelf=F("congress"),
        matching=bills_matching, narrow=_bills_by_congress_and_chamber,
        heading=lambda bill: congress_label(bill.congress),
    )  # fmt: skip


FORMER_MOST = 300  # former senators listed at once; a search or a state finds the others


def senator_list(request):
    """/senators/: those in office under their state's heading, then the former senators
    (those with public releases, unless ?all=1); ?state=MN, ?party=D and ?q= narrow both."""
    query = request.GET
    counts = public_link_counts("senator")
    words, notices = _text(query)
    # {state: former senators}: the states to choose from, and the former senators' total.
    roster = caching.remember(
        ("senator-roster",),
        lambda: dict(
            Senator.objects.order_by()
            .values("state")
            .annotate(former=Count("pk", filter=Q(in_office=False)))
            .values_list("state", "former")
        ),
    )
    labels = dict(State.choices)
    states = sorted(roster, key=lambda code: labels.get(code, code))
    state = query.get("state", "").strip().upper()
    state = state if state in states else ""
    party = query.get("party", "").strip().upper()
    party = party if party in Senator.Party.values else ""
    everything = query.get("all") == "1"
    senators = Senator.objects.all()
    if state:
        senators = senators.filter(state=state)
    if party:
        senators = senators.filter(party=party)
    if words:
        senators = senators.filter(
            _words_in(["first_name", "last_name", "official_full_name"], words)
        )
    in_office = sorted(
        senators.filter(in_office=True),
        key=lambda s: (s.get_state_display(), s.last_name, s.first_name, s.pk),
    )
    former = senators.filter(in_office=False)
    if not everything:
        former = having_public_releases(former, "senator")
    former = list(former.order_by("last_name", "first_name", "pk")[: FORMER_MOST + 1])
    by_state = {}
    for senator in [*in_office, *former]:
        senator.release_count = counts.get(senator.pk, 0)
    for senator in in_office:
        by_state.setdefault(senator.get_state_display(), []).append(senator)
    return render(request, "people/senator_list.html", {
        "states": [(code, labels.get(code, code)) for code in states],
        "parties": Senator.Party.choices,
        "state": state,
        "party": party,
        "q": words,
        "everything": everything,
        "by_state": list(by_state.items()),
        "in_office_count": len(in_office),
        "former": former[:FORMER_MOST],
        "former_cut": len(former) > FORMER_MOST,
        "former_most": FORMER_MOST,
        "total_former": sum(roster.values()),
        "all_url": relink(query, all="1"),
        "with_releases_url": relink(query, all=None),
        "filtered": bool(state or party or words),
        "notices": notices,
    })  # fmt: skip


class SubjectDetailView(DetailView):
    """A subject's page: the subject, and its public releases (joint ones included)."""

    def get_context_data(self, **kwargs):
        subject = self.object
        public_filter = registry.for_model(type(subject))
        parameter = public_filter.parameter
        linked = releases_linked_to(public_filter, [subject])
        releases = Release.objects.published().filter(pk__in=linked)
        count_key = (parameter, subject.pk)
        if kept_count(releases, count_key) <= FEW_RELEASES:
            releases = Release.objects.published().among_few(linked)
        return super().get_context_data(
            page_obj=paginate(self.request, releases.for_listing(), keyset=True,
                              count_key=count_key),
            feeds=feed_links({parameter: [subject]}),
            **kwargs,
        )  # fmt: skip


class TopicDetailView(SubjectDetailView):
    model = Topic


class OrganizationDetailView(SubjectDetailView):
    model = Organization


class LegislationDetailView(SubjectDetailView):
    """A bill, by its ID written any way people write it: /legislation/S1733-113/,
    /legislation/113-s-1733/ (congress.gov's order) and /legislation/S.%201733%20(113th)/
    redirect (301, one query) to /legislation/s1733-113/ (releases/bill_ids.py)."""

    context_object_name = "bill"
    slug_field = slug_url_kwarg = "bill_id"
    queryset = Legislation.objects.select_related("sponsor").prefetch_related(
        Prefetch("cosponsors", queryset=Senator.objects.order_by("last_name"))
    )

    def get(self, request, *args, bill_id, **kwargs):
        canonical = canonical_bill_id(bill_id)
        if canonical is None:
            raise Http404("No bill has this ID.")
        if bill_id != canonical:
            if not Legislation.objects.filter(bill_id=canonical).exists():
                raise Http404("No bill has this ID.")
            address = reverse("releases:legislation", kwargs={"bill_id": canonical})
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(f"{address}?{query}" if query else address)
        self.object = self.get_object()
        return self.render_to_response(self.get_context_data(object=self.object))


class SenatorDetailView(SubjectDetailView):
    """A senator's releases (joint ones included), their latest quotes and their bills."""

    model = Senator

    def get_context_data(self, **kwargs):
        senator = self.object
        latest_releases = (
            Release.objects.published().filter(senators=senator).order_by("-published_at")
        )
        quotes = (
            # From their 50 latest releases (they speak in nearly all of them): a short list
            # from the index, where all of a busy senator's quotes took 50-70 ms to sort.
            # Those releases are public, so their quotes are: `Quote.objects.public()` would
            # check every public release again (17 of 43 ms of the page at 10,000).
            Quote.objects.filter(senator=senator, release__in=latest_releases.values("pk")[:50])
            .select_related("release")
            .order_by("-release__published_at", "order")[:5]
        )
        bills = (
            Legislation.objects.filter(Q(sponsor=senator) | Q(cosponsors=senator))
            .distinct()
            .select_related("sponsor")
            .order_by("-congress", "-introduced_on")[:20]
        )
        return super().get_context_data(quotes=quotes, bills=bills, **kwargs)
