"""Reads that carry the newsroom's rules: who sees what, what relates, what counts.

- Offices: a staff user sees and edits the releases issued by their senators' offices (a
  joint release belongs to every office involved); newsroom admins and superusers, with
  `releases.edit_all_offices`, see every release.
- Related releases: public releases sharing bills, topics or senators with one.
- Public counts: how many public releases each senator, topic, bill or organization has,
  worked out once and kept until something changes (core/caching.py).
- Sitemaps: when each object's newest public release last changed.
"""

from django.db import connection
from django.db.models import Count, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from core import caching
from people.models import Senator
from releases.browse import registry
from releases.models import Release, ReleaseSenator

# Offices.


def sees_all_offices(user):
    return user.is_active and (user.is_superuser or user.has_perm("releases.edit_all_offices"))


def releases_for(user, queryset=None):
    """The releases `user` may see in the admin and preview, as a queryset."""
    queryset = Release.objects.all() if queryset is None else queryset
    if not (user.is_active and user.is_staff):
        return queryset.none()
    if sees_all_offices(user):
        return queryset
    issued_by_office = ReleaseSenator.objects.filter(senator__office_memberships__user=user).values(
        "release"
    )
    return queryset.filter(pk__in=issued_by_office)


def office_senators(user):
    """The senators whose offices `user` works in."""
    return Senator.objects.filter(office_memberships__user=user).order_by("last_name", "first_name")


# Related releases.


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


# Public counts.


def _grouped(links, column):
    rows = links.order_by().values(column).annotate(n=Count("*")).values_list(column, "n")
    return dict(rows)


def link_counts(parameter, releases=None):
    """{object id: how many of `releases` link to it} for a link filter of the registry;
    `releases=None` means every public release.

    With no filter that is every link's count less the links of the few releases not public
    (drafts and embargoes): an index-only count of the link table, with no join to releases.
    """
    public_filter = registry.get(parameter)
    model, column = public_filter.link_model, public_filter.link_column
    if releases is None:
        every = _grouped(model.objects.all(), column)
        hidden = _grouped(
            model.objects.filter(release_id__in=Release.objects.hidden().values("pk")), column
        )
        counts = {pk: n - hidden.get(pk, 0) for pk, n in every.items()}
        return {pk: n for pk, n in counts.items() if n > 0}
    return _grouped(model.objects.filter(release_id__in=releases.values("pk")), column)


def public_link_counts(parameter):
    """{object id: public releases linked to it}, kept until something changes."""
    return caching.remember(("public-links", parameter), lambda: link_counts(parameter))


def kept_public_link_counts(parameter):
    """What `public_link_counts` keeps right now, or None: never counts (for the API, whose
    pages run one query)."""
    return caching.kept(("public-links", parameter))


def with_public_counts(objects, parameter):
    """`objects` as a list, each with `release_count`: its public releases (kept counts)."""
    counts = public_link_counts(parameter)
    objects = list(objects)
    for obj in objects:
        obj.release_count = counts.get(obj.pk, 0)
    return objects


def busiest(objects, parameter, limit):
    """The `limit` objects with the most public releases (none without), busiest first."""
    counts = public_link_counts(parameter)
    ids = sorted(counts, key=lambda pk: -counts[pk])[: limit * 2]
    chosen = with_public_counts(objects.filter(pk__in=ids), parameter)
    sort_key = registry.get(parameter).sort_key
    chosen.sort(key=lambda obj: (-obj.release_count, sort_key(obj)))
    return chosen[:limit]


# Sitemaps.


def latest_public_change(queryset, path):
    """Each object annotated with `last_release`: when its newest public release last
    changed (None without one), `path` leading from the object to its releases."""
    public = Release.objects.published()
    return queryset.annotate(
        last_release=Max(f"{path}__updated_at", filter=Q(**{f"{path}__in": public}))
    )
