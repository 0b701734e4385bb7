"""/quotes/: every public quote with its attribution, filterable by senator and topic."""

import django_filters
from django.shortcuts import render

from people.models import Senator

from .filters import LenientModelMultipleChoiceFilter, ignored_parameters
from .listing import paginate, querystring_toggle
from .models import Quote, Release, Topic
from .search import search


class QuoteFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", max_length=200)
    senator = LenientModelMultipleChoiceFilter(
        queryset=Senator.objects.all(), to_field_name="slug", method="filter_senator"
    )
    topic = LenientModelMultipleChoiceFilter(
        queryset=Topic.objects.all(), to_field_name="slug", method="filter_topic"
    )

    class Meta:
        model = Quote
        fields = ["q", "senator", "topic"]

    def filter_text(self, queryset, name, value):
        return search(queryset, value)

    def filter_senator(self, queryset, name, value):
        return queryset.filter(senator__in=value) if value else queryset

    def filter_topic(self, queryset, name, value):
        if not value:
            return queryset
        through = Release.topics.through
        return queryset.filter(
            release__in=through.objects.filter(topic__in=value).values("release_id")
        )


def _query_key(query):
    """What a quote list's total depends on: its parameters, less the page."""
    return tuple(sorted((k, tuple(sorted(v))) for k, v in query.lists() if k != "page"))


def quote_list(request):
    # Only quotes from public releases: the same rule as every other public page.
    public = Quote.objects.filter(release__in=Release.objects.published().values("pk"))
    filterset = QuoteFilterSet(request.GET, queryset=public)
    filterset.is_valid()
    quotes = filterset.filter_queryset(public)
    if not filterset.form.cleaned_data.get("q"):
        quotes = quotes.order_by("-release__published_at", "release_id", "order")
    page = paginate(
        request,
        quotes.select_related("release", "senator", "speaker_organization"),
        30,
        count_key=("quotes", _query_key(request.GET)),
    )
    chips = [
        {"label": f"Senator: {s}", "url": querystring_toggle(request.GET, "senator", s.slug)}
        for s in filterset.form.cleaned_data.get("senator") or []
    ] + [
        {"label": f"Topic: {t}", "url": querystring_toggle(request.GET, "topic", t.slug)}
        for t in filterset.form.cleaned_data.get("topic") or []
    ]
    q = filterset.form.cleaned_data.get("q") or ""
    if q:
        chips.append({"label": f"Search: {q}", "url": querystring_toggle(request.GET, "q", q)})
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "releases/quote_list.html",
        {
            "page_obj": page,
            "q": q,
            "chips": chips,
            "notices": ignored_parameters(filterset),
            "querystring": query.urlencode(),
            "senators": Senator.objects.filter(quotes__release__in=Release.objects.published())
            .distinct()
            .order_by("last_name"),
            "topics": Topic.objects.filter(
                releases__in=Release.objects.published(), releases__quotes__isnull=False
            )
            .distinct()
            .order_by("name"),
            "selected_senators": {s.slug for s in filterset.form.cleaned_data.get("senator") or []},
            "selected_topics": {t.slug for t in filterset.form.cleaned_data.get("topic") or []},
        },
    )
