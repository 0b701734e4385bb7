"""Reads that carry the newsroom's rules: who sees what, what relates, what counts.

- Offices: a staff user sees and edits the releases issued by their senators' offices (a
  joint release belongs to every office involved); newsroom admins and superusers, with
  `releases.edit_all_offices`, see every release.
- Sign-offs: a joint senator's office agrees before a release naming them goes public
  (`signoffs_holding()` is the one rule; `release_publish` and the admin ask it).
- Related releases: public releases sharing bills, topics or senators with one.
- Public counts: how many public releases each senator, topic, bill or organization has,
  worked out once and kept until something changes (core/caching.py).
- Sitemaps: when each object's newest public release last changed.
"""

from collections import Counter

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, F, Max, Q

from core import caching
from core.eastern import eastern
from people.models import OfficeMembership, Senator
from releases.browse import registry
from releases.models import (
    AmongListed,
    Quote,
    Release,
    ReleaseSenator,
    SignOff,
    words_digest,
)

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


# Sign-offs.

QUOTE_WORDS = ["senator_id", "speaker_name", "speaker_title", "speaker_organization_id", "text"]


WORDS_FIELDS = ["title", "highlights", "dateline", "body"]


def release_words(release):
    """The words_digest of `release` as stored (what publishing it would put out, whatever
    the instance in hand holds): its text and its quotes."""
    if not release.pk:
        return words_digest(**{name: getattr(release, name) for name in WORDS_FIELDS}, quotes=[])
    text = Release.objects.filter(pk=release.pk).values(*WORDS_FIELDS).get()
    quotes = Quote.objects.filter(release=release).values_list(*QUOTE_WORDS)
    return words_digest(**text, quotes=quotes)


def signoff_offices(user):
    """The ids of the senators whose offices' sign-offs `user` may give or refuse: those of
    the offices they work in, if they may publish (a press secretary)."""
    if not (user.is_active and user.is_staff and user.has_perm("releases.publish_release")):
        return set()
    return set(OfficeMembership.objects.filter(user=user).values_list("senator_id", flat=True))


def staffed_offices(senator_ids):
    """Which of these senators' offices have active staff in the newsroom (someone there to
    sign off). An office with no one here is not asked: nobody could answer."""
    return set(
        OfficeMembership.objects.filter(
            senator_id__in=senator_ids, user__is_active=True, user__is_staff=True
        ).values_list("senator_id", flat=True)
    )


class Hold:
    """A sign-off holding a release back from going public, and what to tell staff."""

    WAITING, REFUSED, CHANGED, NOT_ASKED = "waiting", "refused", "changed", "not_asked"

    def __init__(self, kind, senator, signoff=None, *, yours=False):
        self.kind, self.senator, self.signoff, self.yours = kind, senator, signoff, yours

    def __repr__(self):
        return f"<Hold {self.kind} {self.senator}>"

    @property
    def message_here(self):
        """The message in the Sign-offs section itself, where the buttons are."""
        if self.kind == self.WAITING and self.yours:
            return (
                "Waiting for your office's sign-off: read the release below, then give or "
                "refuse it."
            )
        return self.message

    @property
    def message(self):
        office = f"{self.senator}'s office"
        match self.kind:
            case self.WAITING if self.yours:
                return (
                    f"Waiting for the sign-off of {office}, yours: give it under “Sign-offs” "
                    "at the top of the page."
                )
            case self.WAITING:
                return f"Waiting for the sign-off of {office}."
            case self.REFUSED:
                return (
                    f"{office} refused: “{self.signoff.note}”. Remove {self.senator} from the "
                    "issuing senators, or change the release and ask again."
                )
            case self.CHANGED:
                return (
                    f"{office} signed off on {eastern(self.signoff.decided_at)} on the words as "
                    "they stood then; the words have changed, so it needs their sign-off again."
                )
        return (
            f"{office} has not been asked to sign off yet: save the release as a draft to ask them."
        )


def own_offices(issuers, author):
    """The ids of the issuing senators whose offices need not sign off: the offices of the
    release's author (who made it, in the admin or by pasting), who speak for themselves.
    For an author who sees every office (a newsroom admin), or none (a script), the lead's."""
    if author is not None and not sees_all_offices(author):
        return set(
            OfficeMembership.objects.filter(user=author).values_list("senator_id", flat=True)
        )
    return {senator.pk for senator, role in issuers if role == ReleaseSenator.Role.LEAD}


def _issuers(release):
    if not release.pk:
        return []
    rows = ReleaseSenator.objects.filter(release=release).select_related("senator")
    return [(row.senator, row.role) for row in rows]


def signoffs_holding(release, *, issuers=None, words=None, by=None, author=None):
    """What holds `release` back from going public: a list of Hold, empty when it may.

    The one rule, for `release_publish` (whatever calls it) and the admin's form. Each
    issuing senator's office but the author's own (`own_offices`) that has staff in the
    newsroom must have signed off on the release's words as they are: a sign-off waiting or
    refused holds it, and so does one given to words that changed since, unless `by` (who is
    saving) is a press secretary of that office: their own edit keeps their agreement.

    The admin passes what its form is about to save: `issuers`, (senator, role) pairs, and
    `words`, a words_digest; and for a new release its `author`. Otherwise they are read from
    the database (the author is `created_by`).

    A release already published or scheduled without an office's sign-off (it went out
    before that office had staff here, or before sign-offs) is not held for that office,
    unless this save adds their senator.
    """
    stored = _issuers(release)
    issuers = stored if issuers is None else list(issuers)
    if release.pk and author is None:
        author = _author(release)
    own = own_offices(issuers, author)
    others = [senator for senator, _ in issuers if senator.pk not in own]
    if not others:
        return []
    rows = {}
    if release.pk:
        rows = {row.senator_id: row for row in SignOff.objects.filter(release=release)}
    words = release_words(release) if words is None else words
    staffed = staffed_offices([senator.pk for senator in others])
    decides = signoff_offices(by) if by is not None else set()
    out_before = {s.pk for s, _ in stored} if release.pk and not _stored_draft(release) else set()
    holds = []
    for senator in others:
        row, yours = rows.get(senator.pk), senator.pk in decides
        if row is None:
            if senator.pk in staffed and senator.pk not in out_before:
                holds.append(Hold(Hold.NOT_ASKED, senator))
        elif row.is_pending():
            holds.append(Hold(Hold.WAITING, senator, row, yours=yours))
        elif row.is_refused():
            holds.append(Hold(Hold.REFUSED, senator, row))
        elif row.words_digest != words and not yours:
            holds.append(Hold(Hold.CHANGED, senator, row))
    return holds


def signoffs_needed(release):
    """For `signoffs_sync`: the ids of the issuing senators whose offices sign off (all but
    the author's own), and of those among them with staff here, to be asked."""
    issuers = _issuers(release)
    own = own_offices(issuers, _author(release))
    others = {senator.pk for senator, _ in issuers if senator.pk not in own}
    return others, staffed_offices(others)


def _author(release):
    """Who made the release (None: a script, or a user since deleted)."""
    if release.created_by_id is None:
        return None
    return get_user_model().objects.filter(pk=release.created_by_id).first()


def _stored_draft(release):
    """Whether `release` is a draft in the database (the instance may hold a status the
    admin's form is about to save)."""
    return Release.objects.drafts().filter(pk=release.pk).exists()


def release_may_go_public(release):
    """The predicate: no sign-off holds `release` back."""
    return not signoffs_holding(release)


def signoffs_waiting_on(user):
    """The ids of the releases waiting for a sign-off of an office `user` works in."""
    return SignOff.objects.filter(
        state=SignOff.State.PENDING, senator__office_memberships__user=user
    ).values("release")


# Related releases.


def related_releases(release, limit=4):
    """Public releases sharing bills, topics or senators with this one, closest first.

    Closeness: 4 per shared bill, 2 per shared topic, 1 per shared senator, then the newest.
    The candidates are the releases sharing a bill or topic (a senator alone shares thousands
    with a busy office's release); a release with no bill or topic looks among its senators'
    releases instead. The scores come from one pass over the link rows naming this release's
    bills, topics and senators (a UNION ALL summed by release, each part read from its link
    table's index), joined to the public releases: scoring each candidate with subqueries
    read every link of every release a busy topic has (78 ms a page at 500,000 releases).
    Kept until something changes (core/caching.py). Two queries and the list's prefetches.
    """
    bills = [b.pk for b in release.legislation.all()]
    topics = [t.pk for t in release.topics.all()]
    senators = [i.senator_id for i in release.issuers]
    if not (bills or topics or senators):
        return []
    scored = caching.remember(
        ("related", release.pk, tuple(bills), tuple(topics), tuple(senators), limit),
        lambda: _related_scores(release.pk, bills, topics, senators, limit),
    )
    chosen = Release.objects.published().filter(pk__in=[pk for pk, _ in scored])
    chosen = chosen.for_listing().in_bulk()
    related = []
    for pk, score in scored:
        if pk in chosen:
            chosen[pk].score = score
            related.append(chosen[pk])
    return related


def _related_scores(pk, bills, topics, senators, limit):
    links = [
        (Release.legislation.through, "legislation_id", bills, 4, 1),
        (Release.topics.through, "topic_id", topics, 2, 1),
        # A shared senator adds to the score; it makes a candidate only without bills or topics.
        (ReleaseSenator, "senator_id", senators, 1, 0 if bills or topics else 1),
    ]
    parts, params = [], []
    for model, column, chosen, weight, anchor in links:
        if not chosen:
            continue
        rows = model.objects.filter(**{f"{column}__in": chosen}).order_by().values("release_id")
        sql, sql_params = rows.query.sql_with_params()
        parts.append(f"SELECT release_id, {weight} AS w, {anchor} AS a FROM ({sql}) AS l")
        params += sql_params
    public = (
        Release.objects.published().exclude(pk=pk).order_by()
        .values(rid_=F("pk"), at_=F("published_at"))
    )  # fmt: skip
    public_sql, public_params = public.query.sql_with_params()
    sql = (
        f"SELECT r.rid_, s.score FROM ({public_sql}) AS r JOIN ("
        f"SELECT release_id, SUM(w) AS score FROM ({' UNION ALL '.join(parts)}) AS links"
        f" GROUP BY release_id HAVING SUM(a) > 0) AS s ON s.release_id = r.rid_"
        f" ORDER BY s.score DESC, r.at_ DESC, r.rid_ DESC LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*public_params, *params, limit])
        return [(rid, int(score)) for rid, score in cursor.fetchall()]


# Public counts.


def _grouped(links, column):
    rows = links.order_by().values(column).annotate(n=Count("*")).values_list(column, "n")
    return dict(rows)


def _grouped_less(every, hidden, column):
    """{value of `column`: rows of `every` less rows of `hidden`}, without the values left at
    none: the public counts, with no filter, as every row's less the hidden releases'."""
    minus = _grouped(hidden, column)
    counts = {key: n - minus.get(key, 0) for key, n in _grouped(every, column).items()}
    return {key: n for key, n in counts.items() if n > 0}


def link_counts(parameter, releases=None, *, among=None):
    """{object id: how many of `releases` link to it} for a link filter of the registry;
    `releases=None` means every public release; `among`, a list of release ids, counts
    those (a search's matches, read once for every facet).

    With no filter that is every link's count less the links of the few releases not public
    (drafts and embargoes): an index-only count of the link table, with no join to releases.
    """
    public_filter = registry.get(parameter)
    model, column = public_filter.link_model, public_filter.link_column
    if among is not None:
        return _grouped(model.objects.filter(AmongListed(F("release_id"), among)), column)
    if releases is None:
        hidden = model.objects.filter(release_id__in=Release.objects.hidden_ids())
        return _grouped_less(model.objects.all(), hidden, column)
    return _grouped(model.objects.filter(release_id__in=releases.values("pk")), column)


def choice_counts(parameter, releases=None, *, codes=None):
    """{value: how many of `releases` have it} for a choice filter of the registry (the
    type): one GROUP BY on the release's own column. `releases=None` means every public
    release: as for links, every release's count less the few not public, so that the
    count reads the column's index alone (the publication rule's columns are not in it).
    `codes`, the column's values already read (a search's matches), are counted as given."""
    public_filter = registry.get(parameter)
    by_code = {option.code: option.value for option in public_filter.options()}
    column = public_filter.column
    if codes is not None:
        grouped = Counter(codes)
    elif releases is None:
        grouped = _grouped_less(Release.objects.all(), Release.objects.hidden(), column)
    else:
        grouped = _grouped(releases, column)
    return {by_code[code]: n for code, n in grouped.items() if code in by_code}


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


def having_public_releases(objects, parameter):
    """`objects` narrowed to those with a public release (by the kept counts: the ids are
    a list in the query, so no join to releases)."""
    return objects.filter(pk__in=list(public_link_counts(parameter)))


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
