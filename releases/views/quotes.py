"""/quotes/: every public quote with its attribution, filterable by senator, topic and bill."""

from django.shortcuts import render

from core import caching
from people.models import Senator
from releases.browse.filters import QuoteFilterSet, ignored_parameters
from releases.browse.pagination import paginate, querystring_toggle
from releases.models import Quote, Release, Topic


def _query_key(query):
    """What a quote list's total depends on: its parameters, less the page."""
    return tuple(sorted((k, tuple(sorted(v))) for k, v in query.lists() if k != "page"))


def _speakers_and_topics():
    """The senators with a public quote, and the topics of public releases with quotes: the
    list's checkboxes, kept until something changes."""
    public = Quote.objects.public()
    senators = Senator.objects.filter(pk__in=public.values("senator_id")).order_by("last_name")
    topic_links = Release.topics.through.objects.filter(release_id__in=public.values("release_id"))
    topics = Topic.objects.filter(pk__in=topic_links.values("topic_id")).order_by("name")
    return list(senators), list(topics)


def quote_list(request):
    # Only quotes from public releases: the same rule as every other public page.
    public = Quote.objects.public()
    filterset = QuoteFilterSet(request.GET, queryset=public)
    filterset.is_valid()
    filters = filterset.form.cleaned_data
    if any(filters.values()):
        quotes = filterset.filter_queryset(public)
        if not filters.get("q"):
            quotes = quotes.order_by("-release__published_at", "release_id", "order")
    else:
        quotes = public.newest_first().order_by("-release__published_at", "release_id", "order")
    page = paginate(
        request,
        quotes.select_related("release", "senator", "speaker_organization"),
        30,
        count_key=("quotes", _query_key(request.GET)),
    )
    chips = [
        {"label": f"Senator: {s}", "url": querystring_toggle(request.GET, "senator", s.slug)}
        for s in filters.get("senator") or []
    ] + [
        {"label": f"Topic: {t}", "url": querystring_toggle(request.GET, "topic", t.slug)}
        for t in filters.get("topic") or []
    ] + [
        {"label": f"Legislation: {b}", "url": querystring_toggle(request.GET, "legislation",
                                                                 b.bill_id)}
        for b in filters.get("legislation") or []
    ]  # fmt: skip
    q = filters.get("q") or ""
    if q:
        chips.append({"label": f"Search: {q}", "url": querystring_toggle(request.GET, "q", q)})
    senators, topics = caching.remember(("quote-speakers-and-topics",), _speakers_and_topics)
    return render(
        request,
        "releases/quote_list.html",
        {
            "page_obj": page,
            "q": q,
            "chips": chips,
            "notices": ignored_parameters(filterset),
            "senators": senators,
            "topics": topics,
            "selected_senators": {s.slug for s in filters.get("senator") or []},
            "selected_topics": {t.slug for t in filters.get("topic") or []},
        },
    )
