from datetime import datetime

from django.db import connection
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from people.models import Senator

from . import facets as facet_lib
from .editorial import FormerSlug
from .feeds import feed_links
from .filters import ReleaseFilterSet, ignored_parameters
from .listing import paginate, querystring_toggle, querystring_without
from .models import EASTERN, Legislation, Release, ReleaseSenator, Topic

MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip


def _archive_range(year, month=None):
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
        start, end = _archive_range(year, month)
        base = base.filter(published_at__gte=start, published_at__lt=end)
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
        chips.append({"label": f"Search: {q}", "url": querystring_without(request.GET, "q")})
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


def release_detail(request, year, month, slug):
    try:
        release = get_object_or_404(Release.objects.published().for_display(), slug=slug)
    except Http404:
        # A public release renamed since: its old address keeps working.
        # The slug's few former owners first, then which of them is public (a subquery of
        # every public release would read them all).
        owners = FormerSlug.objects.filter(slug=slug).values("release_id")
        release = Release.objects.published().filter(pk__in=owners).first()
        if release is not None:
            return redirect(release, permanent=True)
        raise
    # One release, one address: an old or mistyped date sends readers to the right one.
    if request.path != release.get_absolute_url():
        return redirect(release, permanent=True)
    return render(
        request,
        "releases/release_detail.html",
        {"release": release, "related": related_releases(release)},
    )


def related_releases(release, limit=4):
    """Public releases sharing bills, topics or senators with this one, closest first.

    Closeness: 4 per shared bill, 2 per shared topic, 1 per shared senator, then the newest.
    The candidates are the releases sharing a bill or topic (a senator alone shares thousands
    with a busy office's release); each is scored by small subqueries on the link tables'
    indexes, not by joining all three links at once. A release with no bill or topic looks
    among its senators' releases instead. One query either way.
    """
    bills = [b.pk for b in release.legislation.all()]
    topics = [t.pk for t in release.topics.all()]
    senators = [i.senator_id for i in release.issuers]
    if not (bills or topics or senators):
        return []
    links = {
        "bills": (Release.legislation.through, "legislation_id", bills, 4),
        "topics": (Release.topics.through, "topic_id", topics, 2),
        "senators": (ReleaseSenator, "senator_id", senators, 1),
    }
    score = Value(0)
    for model, column, ids, weight in links.values():
        shared = (
            model.objects.filter(release_id=OuterRef("pk"), **{f"{column}__in": ids})
            .order_by()
            .values("release_id")
            .annotate(n=Count("*"))
            .values("n")
        )
        score = score + Coalesce(Subquery(shared), 0) * weight

    def candidates(*names):
        # On PostgreSQL one IN over a UNION of the link tables: an OR of two INs made it read
        # every release (300 ms at 100,000; 37 ms now).
        linked = []
        for name in names:
            model, column, ids, _ = links[name]
            linked.append(
                model.objects.filter(**{f"{column}__in": ids}).order_by().values("release_id")
            )
        if connection.vendor == "postgresql" and len(linked) > 1:
            condition = Q(pk__in=linked[0].union(*linked[1:]))
        else:  # SQLite runs the two INs as lists, and is quicker that way than with a UNION
            condition = Q()
            for ids in linked:
                condition |= Q(pk__in=ids)
        return (
            Release.objects.published()
            .exclude(pk=release.pk)
            .filter(condition)
            .annotate(score=score)
            .order_by("-score", "-published_at", "-pk")
            .for_listing()
        )

    chosen = candidates("bills", "topics") if bills or topics else candidates("senators")
    return list(chosen[:limit])


def topic_list(request):
    topics = facet_lib.with_public_counts(Topic.objects.all(), "topic")
    return render(request, "releases/topic_list.html", {"topics": topics})


def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    page = paginate(
        request,
        Release.objects.published().filter(topics=topic).for_listing(),
        keyset=True,
        count_key=("topic", topic.pk),
    )
    return render(
        request,
        "releases/topic_detail.html",
        {"topic": topic, "page_obj": page, "feeds": feed_links({"topic": [topic]})},
    )


def legislation_list(request):
    bills = facet_lib.with_public_counts(
        Legislation.objects.select_related("sponsor"), "legislation"
    )
    return render(request, "releases/legislation_list.html", {"bills": bills})


def legislation_detail(request, bill_id):
    bill = get_object_or_404(
        Legislation.objects.select_related("sponsor").prefetch_related(
            Prefetch("cosponsors", queryset=Senator.objects.order_by("last_name"))
        ),
        bill_id=bill_id.lower(),
    )
    if bill_id != bill.bill_id:
        return redirect(bill, permanent=True)
    page = paginate(
        request,
        Release.objects.published().filter(legislation=bill).for_listing(),
        keyset=True,
        count_key=("legislation", bill.pk),
    )
    return render(
        request,
        "releases/legislation_detail.html",
        {"bill": bill, "page_obj": page, "feeds": feed_links({"legislation": [bill]})},
    )


def home(request):
    public = Release.objects.published()
    latest = list(public.for_listing()[:7])
    topics = facet_lib.busiest(Topic.objects.all(), "topic", 12)
    senators = facet_lib.busiest(Senator.objects.all(), "senator", 12)
    return render(
        request,
        "home.html",
        {
            "lead": latest[0] if latest else None,
            "latest": latest[1:],
            "topics": topics,
            "senators": senators,
            "now": timezone.now(),
            "feeds": feed_links(),
        },
    )
