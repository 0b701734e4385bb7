"""Reads with rules: what a filter names, in words; which subscriptions a release matches.

A filter is read exactly as the list reads it (releases.browse.filters.ReleaseFilterSet, so a
parameter the list takes is one an alert takes) and kept as terms: (parameter, object id),
or the year for the year filter, plus the search words `q`.

Matching, for one release, in a fixed number of queries whatever the number of subscribers:
a subscription matches when, for every parameter it names, the release has one of its
values (OR within a parameter, AND across them), as the list filters; the year is the
release's year in Eastern time. The database finds them: the terms the release has, then,
grouped by subscription, those whose every named parameter is met. Search words are then
checked in Python against the release's words (`words_match`), with no query per
subscription.
"""

import bisect
import hashlib
import json
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import strip_tags
from modelsearch import index

from alerts.models import Announcement, Subscription, SubscriptionTerm
from core.eastern import eastern_date
from releases.browse import registry
from releases.browse.filters import ReleaseFilterSet, ignored_parameters
from releases.feeds import describe, feed_query
from releases.models import Release
from search.query import MAX_TERMS, WORD, clean_query

# The list's own parameters an alert may carry: its filters and its search.
SEARCH = "q"


@dataclass(frozen=True)
class AlertFilter:
    """A filter in canonical form: sorted terms and cleaned words, whatever order or
    spelling the address had."""

    terms: tuple = ()  # ((parameter, value), ...), sorted
    q: str = ""

    def key(self):
        """The same for the same filter, however it was written: one address follows one
        filter once."""
        canonical = json.dumps({"terms": [list(t) for t in self.terms], "q": self.q.lower()},
                               separators=(",", ":"))  # fmt: skip
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class FilterReading:
    """What a query string asks an alert to follow."""

    alert_filter: AlertFilter
    filters: dict  # the FilterSet's cleaned data: {"senator": [<Senator>], "q": "..."}
    problems: list = field(default_factory=list)  # values that name nothing, in words
    given: str = ""  # the filter as given, for the consent record

    @property
    def words(self):
        return filter_words(self.filters)

    @property
    def query(self):
        """The filter as the list's query string: "?senator=amy-klobuchar"."""
        return feed_query(self.filters)


def filter_words(filters):
    """ "Releases from Amy Klobuchar (D-MN) on Human trafficking"; "All releases" for none.

    The feeds' words (releases.feeds.describe), so a page, a feed and an alert describe a
    filter the same way."""
    words = describe(filters)
    return "All releases" if words == "Releases" else words


def read_filter(data):
    """The alert filter a query string (a QueryDict) asks for, read as the list reads it.

    Parameters the list does not filter by (a page number, a position) are left out. A value
    that names nothing is a problem, not a narrower filter: the list would show it and
    ignore it, but an alert following less than the visitor asked for would send them more
    than they asked for."""
    relevant = QueryDict(mutable=True)
    for name in [f.parameter for f in registry.public_filters()] + [SEARCH]:
        values = [v for v in data.getlist(name) if v.strip()]
        if values:
            relevant.setlist(name, values)
    filterset = ReleaseFilterSet(relevant, queryset=Release.objects.none())
    filterset.is_valid()
    problems = ignored_parameters(filterset)
    cleaned = dict(filterset.form.cleaned_data)
    raw_q = relevant.get(SEARCH, "")
    q = clean_query(cleaned.get(SEARCH) or "")
    if raw_q and not q and SEARCH not in filterset.form.errors:
        problems.append(f"The search “{raw_q}” has no words to look for.")
    cleaned[SEARCH] = q
    terms = []
    for public_filter in registry.public_filters():
        for chosen in cleaned.get(public_filter.parameter) or ():
            terms.append((public_filter.parameter, _term_value(public_filter, chosen)))
    return FilterReading(
        alert_filter=AlertFilter(terms=tuple(sorted(set(terms))), q=q),
        filters=cleaned,
        problems=problems,
        given=data.urlencode(),  # exactly as the address had it, for the consent record
    )


def _term_value(public_filter, chosen):
    if public_filter.kind == "year":
        return int(chosen)
    if public_filter.kind == "choice":
        return public_filter.option(str(chosen)).code
    return chosen.pk


def subscription_filters(subscriptions):
    """{subscription id: the filter as the list's cleaned data} for many subscriptions at
    once: one query for their terms, one per kind of object they name. An object deleted
    since is left out of the words (the consent record keeps what was shown)."""
    subscriptions = list(subscriptions)
    by_subscription = {s.pk: defaultdict(list) for s in subscriptions}
    wanted = defaultdict(set)
    terms = SubscriptionTerm.objects.filter(subscription__in=[s.pk for s in subscriptions])
    rows = list(terms.order_by("parameter", "value").values_list("subscription_id", "parameter",
                                                                "value"))  # fmt: skip
    for _, parameter, value in rows:
        wanted[parameter].add(value)
    objects = {}
    for parameter, values in wanted.items():
        public_filter = registry.get(parameter)
        if public_filter.kind == "year":
            objects[parameter] = {v: v for v in values}
        elif public_filter.kind == "choice":
            objects[parameter] = {o.code: o.value for o in public_filter.options()}
        else:
            found = public_filter.model._default_manager.filter(pk__in=values)
            objects[parameter] = {obj.pk: obj for obj in found}
    for subscription_id, parameter, value in rows:
        if value in objects[parameter]:
            by_subscription[subscription_id][parameter].append(objects[parameter][value])
    return {s.pk: {**dict(by_subscription[s.pk]), SEARCH: s.q} for s in subscriptions}


def live_count(email):
    """How many alerts an address has: confirmed ones and those still waiting for their
    confirmation (an expired request no longer counts)."""
    fresh = timezone.now() - _confirm_window()
    return (
        Subscription.objects.of_address(email)
        .live()
        .filter(Q(confirmed_at__isnull=False) | Q(consent_asked_at__gte=fresh))
        .count()
    )


def _confirm_window():
    return timedelta(days=settings.ALERTS_CONFIRM_DAYS)


# The words of a release, as the search index holds them.


def _plain(text):
    """Lower case, no accents, one kind of apostrophe: "Peña’s" and "pena's" are one word."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words_of(text):
    return WORD.findall(_plain(text or ""))


def with_indexed_relations(queryset):
    """`queryset` with what the release's search fields reach prefetched (senators, topics,
    organizations, bills, quotes: one query each, for any number of releases)."""
    for search_field in Release.get_search_fields():
        if isinstance(search_field, index.RelatedFields):
            queryset = search_field.select_on_queryset(queryset)
    return queryset


def release_words(release):
    """The distinct words of everything the search index holds of the release (its search
    fields, related ones included: senators' names, topics, bills, quotes), sorted: a word
    beginning is found by bisection. Read through `with_indexed_relations`."""
    texts = []
    for search_field in Release.get_search_fields():
        if isinstance(search_field, index.SearchField):
            texts.append(search_field.get_value(release))
        elif isinstance(search_field, index.RelatedFields):
            related = search_field.get_value(release)
            for obj in related.all() if hasattr(related, "all") else [related]:
                for sub in search_field.fields:
                    if isinstance(sub, index.SearchField) and obj is not None:
                        texts.append(sub.get_value(obj))
    words = set()
    for text in texts:
        if text:
            words.update(words_of(strip_tags(str(text))))
    return sorted(words)


def query_words(q):
    return words_of(q)[:MAX_TERMS]


def words_match(words, q):
    """Whether every word of `q` begins a word of the release (`words`, sorted): "traffick"
    finds "trafficking", as the search's highlighting marks it (search/highlighting.py).
    Unlike the site's search there is no stemming: "farming" does not find "farmed"."""
    for term in query_words(q):
        at = bisect.bisect_left(words, term)
        if at == len(words) or not words[at].startswith(term):
            return False
    return True


def release_facts(releases):
    """{release id: {parameter: {values}}}: what each release has of every public filter,
    one query per link filter for any number of releases."""
    releases = list(releases)
    facts = {release.pk: defaultdict(set) for release in releases}
    ids = list(facts)
    for public_filter in registry.public_filters():
        parameter = public_filter.parameter
        if public_filter.kind == "year":
            for release in releases:
                facts[release.pk][parameter].add(eastern_date(release.published_at).year)
        elif public_filter.kind == "choice":
            for release in releases:
                facts[release.pk][parameter].add(getattr(release, public_filter.column))
        elif public_filter.kind == "link":
            links = public_filter.link_model.objects.filter(release_id__in=ids)
            for release_id, value in links.values_list("release_id", public_filter.link_column):
                facts[release_id][parameter].add(value)
        else:  # a kind of filter alerts do not know how to match: fail loudly, not silently
            raise ValueError(f"Alerts cannot match the {public_filter.kind!r} filter {parameter}.")
    return facts


def matching_subscriptions(release, subscriptions, *, facts, words):
    """The ids of `subscriptions` (a queryset: confirmed, live, of one frequency) that
    `release` matches, given its `facts` (release_facts) and `words` (release_words).

    Two queries, whatever the number of subscriptions: those with terms, grouped by
    subscription, keeping those whose every named parameter the release meets; and those
    that name no terms (all releases, or only words)."""
    has = Q(pk__in=[])  # matches no term
    for parameter, values in facts.items():
        if values:
            has |= Q(parameter=parameter, value__in=sorted(values))
    touched = SubscriptionTerm.objects.filter(has).values("subscription_id")
    met = (
        SubscriptionTerm.objects.filter(
            subscription__in=subscriptions.values("pk"), subscription_id__in=touched
        )
        .values("subscription_id", "subscription__q")
        .annotate(
            named=Count("parameter", distinct=True),
            met=Count("parameter", distinct=True, filter=has),
        )  # fmt: skip
        .filter(named=F("met"))
        .values_list("subscription_id", "subscription__q")
    )
    unnarrowed = subscriptions.filter(
        ~Exists(SubscriptionTerm.objects.filter(subscription=OuterRef("pk")))
    ).values_list("pk", "q")
    return {pk for pk, q in [*met, *unnarrowed] if not q or words_match(words, q)}


def release_for_matching(release_id):
    """The public release `release_id` with what matching reads, or None if it is not public
    (a draft, an embargo not yet lifted, unpublished or deleted)."""
    releases = Release.objects.published().for_listing().filter(pk=release_id)
    return with_indexed_relations(releases).first()


def digest_releases(*, since, until):
    """The public releases announced after `since` and up to `until`, oldest first, with what
    matching and the digest read."""
    announced = Announcement.objects.filter(announced_at__gt=since, announced_at__lte=until)
    releases = Release.objects.published().filter(pk__in=announced.values("release_id"))
    releases = with_indexed_relations(releases.for_listing()).annotate(
        announced_at=F("announcement__announced_at")
    )
    return list(releases.order_by("announcement__announced_at", "pk"))
