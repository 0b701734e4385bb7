"""/quotes/: every public quote with its attribution, filterable by senator, topic and bill.

The filter panel folds as the release list's does (browse/facets.py): each facet lists its
busiest choices with their counts of public quotes, the first few on show and the rest
under "more", and a chosen value always. Counts are disjunctive (a facet's counts apply
every filter but its own) and kept between changes (core/caching.py).
"""

from dataclasses import dataclass

from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse

from core import caching
from releases.browse import registry
from releases.browse.facets import FACET_LIMIT, Choice, Facet, apply_filters, filters_key
from releases.browse.filters import QuoteFilterSet, ignored_parameters
from releases.browse.pagination import paginate, querystring_toggle
from releases.models import Quote

# Each facet: its parameter, and the fields of a public quote's row that name a choice and
# label it (read in the grouping query itself, so naming the choices costs no query).
QUOTE_FACETS = {
    "senator": ("senator__slug", ["senator__first_name", "senator__last_name",
                                  "senator__official_full_name", "senator__party",
                                  "senator__state"]),
    "topic": ("release__topics__slug", ["release__topics__name"]),
}  # fmt: skip


@dataclass
class QuoteChoice(Choice):
    note: str = ""  # a senator's "D-MN", kept whole on one line

    @property
    def count_label(self):
        return f"{self.count} quote{'' if self.count == 1 else 's'}"


def _query_key(query):
    """What a quote list's total depends on: its parameters, less the page."""
    return tuple(sorted((k, tuple(sorted(v))) for k, v in query.lists() if k != "page"))


def _label(name, row):
    """(label, note) of a choice from its row's fields."""
    if name == "senator":
        first, last, official, party, state = row
        return official or f"{first} {last}", f"{party}-{state}"
    return row[0], ""


def quote_facet_rows(name, filterset, public):
    """[(slug, label, note, public quotes)] for every choice of one facet, busiest first, with
    every filter applied but its own; kept until something changes."""
    value_field, label_fields = QUOTE_FACETS[name]
    others = filters_key(filterset.form.cleaned_data, exclude=name)

    def compute():
        quotes = apply_filters(filterset, public, exclude={name}) if others else public
        if others and "q" in filterset.form.cleaned_data and filterset.form.cleaned_data["q"]:
            quotes = public.filter(pk__in=quotes.order_by().values("pk"))  # ranked search
        rows = (
            quotes.order_by()
            .exclude(**{f"{value_field}__isnull": True})
            .values(value_field, *label_fields)
            .annotate(n=Count("pk"))
            .values_list(value_field, *label_fields, "n")
        )
        choices = [(row[0], *_label(name, row[1:-1]), row[-1]) for row in rows]
        return sorted(choices, key=lambda choice: (-choice[3], choice[1]))

    return caching.remember(("quote-facet", name, others), compute)


def quote_facets(filterset, public):
    """The panel's facets: the FACET_LIMIT busiest choices, and any chosen one."""
    facets = []
    for name in QUOTE_FACETS:
        public_filter = registry.get(name)
        chosen = filterset.form.cleaned_data.get(name) or []
        selected = {public_filter.value_of(v) for v in chosen}
        facet = Facet(name, public_filter.label, all_label=public_filter.plural)
        rows = quote_facet_rows(name, filterset, public)
        for value, label, note, count in rows[:FACET_LIMIT]:
            facet.choices.append(QuoteChoice(value, label, count, value in selected, note=note))
        listed = {choice.value for choice in facet.choices}
        counts = {value: count for value, _, _, count in rows}
        for value_obj in chosen:
            value = public_filter.value_of(value_obj)
            if value not in listed:
                label, note = getattr(value_obj, "name", str(value_obj)), ""
                if name == "senator":
                    note = value_obj.party_state
                choice = QuoteChoice(value, label, counts.get(value, 0), True, note=note)
                facet.choices.append(choice)
        if public_filter.index_url_name and len(rows) > FACET_LIMIT:
            facet.all_url = reverse(public_filter.index_url_name)
        facets.append(facet)
    return facets


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
    return render(
        request,
        "releases/quote_list.html",
        {
            "page_obj": page,
            "q": q,
            "chips": chips,
            "notices": ignored_parameters(filterset),
            "facets": quote_facets(filterset, public),
            # Chosen bills have no facet of their own: kept in the form, so applying the
            # panel keeps them.
            "chosen_bills": [b.bill_id for b in filters.get("legislation") or []],
        },
    )
