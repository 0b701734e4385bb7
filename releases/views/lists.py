"""/releases/ and its year and month archives: filters, facets, chips, feeds."""

from datetime import datetime

from django.http import Http404
from django.shortcuts import render

from core.eastern import EASTERN
from releases.browse import facets as facet_lib
from releases.browse.filters import ReleaseFilterSet, ignored_parameters
from releases.browse.pagination import paginate, querystring_toggle, relink
from releases.feeds import feed_links
from releases.models import Release

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
    heading = "Press releases"
    if year is not None:
        base = base.published_between(*archive_span(year, month))
        heading = f"Press releases from {MONTHS[month - 1] + ' ' if month else ''}{year}"

    filterset = ReleaseFilterSet(request.GET, queryset=base)
    filterset.is_valid()  # invalid parameters are reported and left out, never a 500
    results = facet_lib.apply_filters(filterset, base)
    archive = (year, month)
    q = filterset.form.cleaned_data.get("q")
    page = paginate(
        request,
        results.for_listing(),
        keyset=not q,  # search results are in order of relevance: paged by number
        count_key=facet_lib.result_key(filterset, archive),
    )

    def toggle(name, value):
        return querystring_toggle(request.GET, name, value)

    facets = facet_lib.build_facets(filterset, base, toggle, archive=archive)
    chips = [
        {"label": f"{facet.label}: {choice.label}", "url": choice.url}
        for facet in facets
        for choice in facet.choices
        if choice.selected
    ]
    if q:
        # The raw value may differ from the cleaned one (spaces), so drop the parameter.
        chips.append({"label": f"Search: {q}", "url": relink(request.GET, q=None)})
    # An archive's feed: these filters over the archive's year (a feed has no month filter).
    feed_filters = {**filterset.form.cleaned_data, **({"year": [year]} if year else {})}
    return render(
        request,
        "releases/release_list.html",
        {
            "heading": heading,
            "archive_year": year,
            "archive_month": month,
            "page_obj": page,
            "facets": facets,
            "chips": chips,
            "q": q or "",
            "notices": ignored_parameters(filterset),
            "feeds": feed_links(feed_filters),
        },
    )
