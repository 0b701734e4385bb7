from datetime import datetime

from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from people.models import Senator

from . import facets as facet_lib
from .editorial import FormerSlug
from .feeds import feed_links
from .filters import ReleaseFilterSet, ignored_parameters
from .listing import paginate, querystring_toggle, querystring_without
from .models import EASTERN, Legislation, Release, Topic, public_release_count

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
    page = paginate(request, results.for_listing())

    def toggle(name, value):
        return querystring_toggle(request.GET, name, value)

    facets = facet_lib.build_facets(filterset, base, toggle)
    chips = [
        {"label": f"{facet.label}: {choice.label}", "url": choice.url}
        for facet in facets
        for choice in facet.choices
        if choice.selected
    ]
    q = filterset.form.cleaned_data.get("q")
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
            "querystring_without_page": _without_page(request.GET),
            "feeds": feed_links(feed_filters),
        },
    )


def _without_page(query):
    query = query.copy()
    query.pop("page", None)
    return query.urlencode()


def release_detail(request, year, month, slug):
    try:
        release = get_object_or_404(Release.objects.published().for_display(), slug=slug)
    except Http404:
        # A public release renamed since: its old address keeps working.
        former = FormerSlug.objects.filter(
            slug=slug, release__in=Release.objects.published()
        ).select_related("release")
        if former := former.first():
            return redirect(former.release, permanent=True)
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
    """Public releases sharing bills, topics or senators with this one, closest first."""
    bills = [b.pk for b in release.legislation.all()]
    topics = [t.pk for t in release.topics.all()]
    senators = [i.senator_id for i in release.issuers]
    if not (bills or topics or senators):
        return []
    return list(
        Release.objects.published()
        .exclude(pk=release.pk)
        .filter(Q(legislation__in=bills) | Q(topics__in=topics) | Q(senators__in=senators))
        .annotate(
            score=Count("legislation", filter=Q(legislation__in=bills), distinct=True) * 4
            + Count("topics", filter=Q(topics__in=topics), distinct=True) * 2
            + Count("senators", filter=Q(senators__in=senators), distinct=True)
        )
        .order_by("-score", "-published_at", "-pk")
        .for_listing()[:limit]
    )


def topic_list(request):
    topics = Topic.objects.annotate(release_count=public_release_count())
    return render(request, "releases/topic_list.html", {"topics": topics})


def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    page = paginate(request, Release.objects.published().filter(topics=topic).for_listing())
    return render(
        request,
        "releases/topic_detail.html",
        {"topic": topic, "page_obj": page, "feeds": feed_links({"topic": [topic]})},
    )


def legislation_list(request):
    bills = Legislation.objects.select_related("sponsor").annotate(
        release_count=public_release_count()
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
    page = paginate(request, Release.objects.published().filter(legislation=bill).for_listing())
    return render(
        request,
        "releases/legislation_detail.html",
        {"bill": bill, "page_obj": page, "feeds": feed_links({"legislation": [bill]})},
    )


def home(request):
    public = Release.objects.published()
    latest = list(public.for_listing()[:7])
    topics = (
        Topic.objects.annotate(release_count=public_release_count())
        .filter(release_count__gt=0)
        .order_by("-release_count", "name")[:12]
    )
    senators = (
        Senator.objects.annotate(release_count=public_release_count())
        .filter(release_count__gt=0)
        .order_by("-release_count", "last_name")[:12]
    )
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
