"""/releases/ and its year and month archives: filters, facets, chips, feeds."""

from datetime import datetime

from django.http import Http404
from django.shortcuts import render

from core.eastern import EASTERN
from releases.browse import facets as facet_lib
from releases.browse.filters import ReleaseFilterSet, ignored_parameters
from releases.browse.pagination import paginate, querystring_toggle, relink
from releases.feeds import describe, feed_links
from releases.models import Release
from search.query import ranked_ids

# A search is shown best match first unless the reader asks for `?sort=newest`. Reporters
# mostly want the newest, but a search is a question about words: ranked, the release whose
# title is those words comes first, where newest first would bury it under every later
# release that mentions them once (a thousand, for "trafficking"). Newest first is one
# click away on every search, and it is what the search's feed and email alert give.
SORTS = {"relevance": "Best match", "newest": "Newest first"}

MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


def archive_span(year, month=None):
    """The first moment of the archive's year or month, and of the one after (Eastern)."""
    if not 1789 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
        raise Http404("No such archive.")
    start = datetime(year, month or 1, 1, tzinfo=EASTERN)
    if month is None or month == 12:
        end = datetime(year + 1, 1, 1, tzinfo=EASTERN)
    else:
        end = datetime(year, month + 1, 1, tzinfo=EASTERN)
    return start, end


def release_list(request, year=None, month=None):
    """/releases/ and its year and month archives, with filters, facets and chips."""
    base = Release.objects.published()
    archive_heading = ""
    if year is not None:
        base = base.published_between(*archive_span(year, month))
        archive_heading = f"{MONTHS[month - 1] + ' ' if month else ''}{year}"

    filterset = ReleaseFilterSet(request.GET, queryset=base)
    filterset.is_valid()  # invalid parameters are reported and left out, never a 500
    results = facet_lib.apply_filters(filterset, base)
    archive = (year, month)
    filters = filterset.form.cleaned_data
    q = filters.get("q")
    sort = "newest" if request.GET.get("sort") == "newest" else "relevance"
    by_relevance = bool(q) and sort == "relevance"
    ranked = None
    # A search alone is matched once for the total and every facet (browse/facets.py).
    matches = facet_lib.search_matches(filterset, base)
    if q and not by_relevance:
        results = results.order_by("-published_at", "-pk")
    elif by_relevance:
        best = matches.ranked_ids() if matches is not None else ranked_ids(base, q)
        if best is not None:
            others = facet_lib.apply_filters(filterset, base, exclude={"q"})
            ranked = (others.for_listing(), best)
    page = paginate(
        request,
        results.for_listing(),
        keyset=not by_relevance,  # in order of relevance, results are paged by number
        relevance=by_relevance,
        count_key=facet_lib.result_key(filterset, archive),  # the same total in any order
        ranked=ranked,
        counter=matches.count if matches is not None else None,
    )

    def toggle(name, value):
        return querystring_toggle(request.GET, name, value)

    facets = facet_lib.build_facets(filterset, base, toggle, archive=archive, matches=matches)
    chips = [
        {"label": f"{facet.label}: {choice.label}", "url": choice.url}
        for facet in facets
        for choice in facet.choices
        if choice.selected
    ]
    if q:
        # The raw value may differ from the cleaned one (spaces), so drop the parameter.
        chips.append({"label": f"Search: {q}", "url": relink(request.GET, q=None, sort=None)})
    # An archive's feed: these filters over the archive's year (a feed has no month filter).
    feed_filters = {**filters, **({"year": [year]} if year else {})}
    return render(
        request,
        "releases/release_list.html",
        {
            "heading": list_heading(filters, archive_heading),
            "archive_year": year,
            "archive_month": month,
            "page_obj": page,
            "facets": facets,
            "chips": chips,
            "q": q or "",
            "sorts": sort_choices(request.GET, sort) if q else [],
            "sort": sort if q else "",
            "notices": ignored_parameters(filterset),
            "feeds": feed_links(feed_filters),
        },
    )


def sort_choices(query, current):
    """The orders a search can be read in, each with its link (relevance needs none)."""
    return [
        {
            "label": label,
            "url": relink(query, sort=None if key == "relevance" else key),
            "current": key == current,
        }
        for key, label in SORTS.items()
    ]


def list_heading(filters, archive=""):
    """What the list shows, in the feeds' words: "Releases from Amy Klobuchar (D-MN) on
    Human trafficking", "Results for “trafficking” from …", "Press releases from May 2014"."""
    heading = describe(filters, searched=True)
    if heading == "Releases":
        return f"Press releases from {archive}" if archive else "Press releases"
    return f"{heading}, {archive}" if archive else heading
