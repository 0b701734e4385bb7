"""Every public filter and ordering is served by an index: the database's own plan says so.

On PostgreSQL each query is EXPLAINed with `SET LOCAL enable_seqscan = off`, which leaves a
sequential scan only where no index can serve; the tables are ANALYZEd first, so the plans
are the ones a real newsroom would get. On SQLite, EXPLAIN QUERY PLAN: "SCAN <table>" with
no index is a full table scan, "SEARCH … USING INDEX" a lookup (SQLite's planner, with no
statistics, takes every table for a large one, so it uses an index wherever one serves).

Two things are checked, on both databases:
- no full scan of a big table (releases, quotes, issuing senators, the topic, bill and
  organization links, and on PostgreSQL the search index's entries);
- for a filter or an ordering, the plan reads the table through an index whose first column
  is the one filtered or ordered on (by the index names the plan gives and the columns the
  database reports for them). SQLite may instead walk the releases newest first and look
  each one's links up by (release, column); that lookup by the column is accepted there.
The last test EXPLAINs every query that every public page and API endpoint runs.

Indexes added for this (releases/migrations/0006_filter_indexes.py): the bills' list order,
and on PostgreSQL a GIN index on the search entries' `title || body`.
"""

import re
from datetime import datetime, timedelta

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from modelsearch.backends import get_search_backend

from api.filters import APIQuoteFilterSet as QuoteFilterSet
from core.eastern import EASTERN
from people.models import Organization, Senator
from releases.browse.filters import ReleaseFilterSet
from releases.markdown import render_markdown
from releases.models import (
    Correction,
    FormerSlug,
    Legislation,
    Quote,
    Release,
    ReleaseSenator,
    Topic,
)
from search.query import search
from tests.support.factories import (
    LegislationFactory,
    OrganizationFactory,
    SenatorFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

RELEASES = 400
BIG_TABLES = {
    "releases_release",
    "releases_quote",
    "releases_releasesenator",
    "releases_release_topics",
    "releases_release_legislation",
    "releases_release_organizations",
    "modelsearch_indexentry",
}


# A newsroom big enough for the planner to prefer indexes where they serve.


@pytest.fixture(scope="module")
def newsroom(django_db_setup, django_db_blocker):
    """Built once for the module (each test rolls back to it), rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_newsroom()
        transaction.set_rollback(True)


def build_newsroom():
    senators = Senator.objects.bulk_create(SenatorFactory.build_batch(60))
    topics = Topic.objects.bulk_create(TopicFactory.build_batch(80))
    organizations = Organization.objects.bulk_create(OrganizationFactory.build_batch(80))
    bills = LegislationFactory.build_batch(150, congress=118)
    for bill in bills:
        bill.bill_id = f"{bill.bill_type}{bill.number}-{bill.congress}"  # as save() would
        bill.sponsor = senators[bill.number % len(senators)]
    bills = Legislation.objects.bulk_create(bills)
    now = timezone.now()
    body = "The senator **announced** a measure on rural broadband today."
    rare = " Lighthouse keepers cheered."  # in one release in a hundred: what `q` looks for
    releases = Release.objects.bulk_create(
        Release(
            title=f"Senator announces measure {n}",
            slug=f"indexed-measure-{n}",
            body=body + (rare if n % 100 == 7 else ""),
            body_html=render_markdown(body + (rare if n % 100 == 7 else "")),
            # One in twenty a draft, one in fifty embargoed: the rest public, over 5 years.
            status=Release.Status.DRAFT if n % 20 == 0 else Release.Status.PUBLISHED,
            published_at=None if n % 20 == 0 else now + (-1 if n % 50 else 1) * timedelta(
                hours=n * 43
            ),
        )
        for n in range(RELEASES)
    )  # fmt: skip
    issuers, quotes, links = [], [], {"topics": [], "legislation": [], "organizations": []}
    for n, release in enumerate(releases):
        lead, joint = senators[n % 60], senators[(n * 7 + 1) % 60]
        issuers.append(ReleaseSenator(release=release, senator=lead, role="lead"))
        if joint != lead:
            issuers.append(ReleaseSenator(release=release, senator=joint, role="joint", order=1))
        for name, objects, picks in [
            ("topics", topics, {n % 80, (n * 3 + 1) % 80}),
            ("legislation", bills, {n % 150}),
            ("organizations", organizations, {n % 80, (n * 11 + 5) % 80}),
        ]:
            through = getattr(Release, name).through
            target = f"{objects[0]._meta.model_name}_id"
            links[name] += [
                through(release_id=release.pk, **{target: objects[i].pk}) for i in picks
            ]
        quotes += [
            Quote(release=release, senator=lead, text="Broadband for every farm."),
            Quote(release=release, speaker_name="A farmer", text="We waited years.", order=1),
        ]
    ReleaseSenator.objects.bulk_create(issuers)
    for name, rows in links.items():
        getattr(Release, name).through.objects.bulk_create(rows)
    Quote.objects.bulk_create(quotes)
    Correction.objects.bulk_create(Correction(release=r, text="Fixed.") for r in releases[::10])
    FormerSlug.objects.bulk_create(
        FormerSlug(release=r, slug=f"old-{r.slug}") for r in releases[1::10]
    )
    # Releases only: indexing is slow, and a quote search's plan is the same query's.
    get_search_backend().add_bulk(
        Release,
        Release.objects.prefetch_related(
            "senators", "topics", "organizations", "legislation", "quotes"
        ),
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # What autovacuum does in a live database: GIN indexes take new entries into a
            # pending list, which the planner does not count on, until they are merged.
            cursor.execute(
                "SELECT gin_clean_pending_list(i.indexrelid) FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam "
                "WHERE a.amname = 'gin'"
            )
            cursor.execute("ANALYZE")
    public = [r for r in releases if r.status == Release.Status.PUBLISHED and r.published_at < now]
    return {
        "release": public[3],
        "former": FormerSlug.objects.filter(release__in=public).first(),
        "senator": senators[5],
        "topic": topics[7],
        "bill": bills[11],
        "organization": organizations[13],
    }


# Reading plans.


def explain(sql, params=()):
    """The plan's lines, with sequential scans a last resort on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return [row[-1] for row in cursor.fetchall()]


def plan_of(queryset):
    sql, params = queryset.query.sql_with_params()
    return sql, explain(sql, params)


def aliases(sql):
    """{alias or table: table} for every table the SQL reads ("releases_release" "U0")."""
    found = re.findall(r'(?:FROM|JOIN)\s+"(\w+)"(?:\s+(?:AS\s+)?"(\w+)")?', sql)
    return {alias or table: table for table, alias in found} | {t: t for t, _ in found}


def full_scans(sql, plan):
    """The tables the plan reads row by row, with no index."""
    if connection.vendor == "postgresql":
        return {m[1] for line in plan for m in [re.search(r"Seq Scan on (\w+)", line)] if m}
    names = aliases(sql)
    return {
        names.get(m[1], m[1])
        for line in plan
        for m in [re.fullmatch(r"SCAN (\w+)", line.strip())]
        if m
    }


def index_conditions(plan):
    """The conditions the plan looks rows up by in an index ("senator_id = 5")."""
    if connection.vendor == "postgresql":
        return [m[1] for line in plan for m in [re.search(r"Index Cond: (.*)", line)] if m]
    return [m[1] for line in plan for m in [re.search(r"USING .*INDEX .*\((.*)\)$", line)] if m]


def indexes_used(plan):
    """The names of the indexes the plan reads through."""
    if connection.vendor == "postgresql":
        pattern = r"Index (?:Only )?Scan(?: Backward)? using (\S+)|Bitmap Index Scan on (\S+)"
    else:
        pattern = r"USING (?:COVERING )?INDEX (\S+)|USING (INTEGER PRIMARY KEY)"
    return {next(g for g in m.groups() if g) for line in plan for m in re.finditer(pattern, line)}


def leading_columns(table):
    """{index name: its first column} for the table's indexes (and its primary key)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
        leading = {
            name: info["columns"][0]
            for name, info in constraints.items()
            if (info["index"] or info["unique"] or info["primary_key"]) and info["columns"]
        }
        if connection.vendor == "sqlite":
            leading["INTEGER PRIMARY KEY"] = "id"
            # The indexes SQLite makes for UNIQUE columns, which introspection leaves out.
            for row in cursor.execute(f'PRAGMA index_list("{table}")').fetchall():
                columns = cursor.execute(f'PRAGMA index_info("{row[1]}")').fetchall()
                if columns:
                    leading.setdefault(row[1], columns[0][2])
    return leading


def sqlite_lookups(sql, plan):
    """{(table, column)} SQLite's plan looks up in an index: "SEARCH U0 USING INDEX x (a=?)"."""
    names = aliases(sql)
    found = set()
    for line in plan:
        if m := re.match(r"SEARCH (\w+) USING (?:COVERING )?INDEX \S+ \((.*)\)", line.strip()):
            table = names.get(m[1], m[1])
            found |= {(table, column) for column in re.findall(r"(\w+)[=<>]", m[2])}
    return found


def assert_served(queryset, *served_by):
    """No big table is scanned in full, and the plan reads each (table, column) through an
    index led by that column (a tuple of such pairs: through one of them). SQLite, with no
    statistics, may instead walk the releases newest first and look each one's links up by
    (release, column): an index lookup by the column too, which is accepted there."""
    sql, plan = plan_of(queryset)
    shown = "\n".join(plan) + "\n" + sql
    assert not full_scans(sql, plan) & BIG_TABLES, f"full scan:\n{shown}"
    used = indexes_used(plan)
    looked_up = sqlite_lookups(sql, plan) if connection.vendor == "sqlite" else set()
    for wanted in served_by:
        pairs = wanted if isinstance(wanted[0], tuple) else (wanted,)
        assert any(
            leading_columns(table).get(name) == column for table, column in pairs for name in used
        ) or looked_up & set(pairs), f"no index led by {pairs} in the plan:\n{shown}"


# The public filters and orderings, as the site's and the API's code builds them.


# The publication rule's index, or published_at's own: either serves the list's order.
PUBLICATION = (("releases_release", "status"), ("releases_release", "published_at"))


def published():
    return Release.objects.published()


def filtered(query):
    return ReleaseFilterSet(QueryDict(query), queryset=published()).qs


def test_the_release_list_newest_first(newsroom):
    """The publication rule, newest first: (status, published_at) or published_at."""
    assert_served(published()[:20], PUBLICATION)


def test_the_list_after_a_position(newsroom):
    """Keyset paging ("Older →", the API's cursor): below a publication time and id."""
    at = newsroom["release"]
    older = Q(published_at__lt=at.published_at) | Q(published_at=at.published_at, pk__lt=at.pk)
    assert_served(published().filter(older)[:20], PUBLICATION)


def test_a_year_and_a_month(newsroom):
    """`year` and the archives: ranges on published_at, never EXTRACT."""
    for start, end in [((2025, 1), (2026, 1)), ((2025, 3), (2025, 4))]:
        within = published().filter(
            published_at__gte=datetime(*start, 1, tzinfo=EASTERN),
            published_at__lt=datetime(*end, 1, tzinfo=EASTERN),
        )
        assert_served(within[:20], PUBLICATION)
    assert_served(filtered("year=2025&year=2023")[:20], PUBLICATION)


def test_a_status(newsroom):
    drafts = Release.objects.filter(status=Release.Status.DRAFT)
    assert_served(drafts, ("releases_release", "status"))


def test_a_release_by_its_slug_and_by_a_former_one(newsroom):
    by_slug = published().filter(slug=newsroom["release"].slug)
    assert_served(by_slug, ("releases_release", "slug"))
    former = FormerSlug.objects.filter(slug=newsroom["former"].slug, release__in=published())
    assert_served(former, ("releases_formerslug", "slug"))


LINKS = {
    # parameter: (the newsroom's object, its identifier, link table, its column)
    "senator": ("senator", "slug", "releases_releasesenator", "senator_id"),
    "topic": ("topic", "slug", "releases_release_topics", "topic_id"),
    "legislation": ("bill", "bill_id", "releases_release_legislation", "legislation_id"),
    "organization": ("organization", "slug", "releases_release_organizations", "organization_id"),
}


@pytest.mark.parametrize("parameter", LINKS)
def test_a_filter_on_who_or_what_a_release_is_about(newsroom, parameter):
    key, identifier, table, column = LINKS[parameter]
    value = getattr(newsroom[key], identifier)
    assert_served(filtered(f"{parameter}={value}")[:20], (table, column))


def test_every_filter_at_once(newsroom):
    query = "&".join(
        f"{parameter}={getattr(newsroom[key], identifier)}"
        for parameter, (key, identifier, _, _) in LINKS.items()
    )
    # The planner starts from the rarest links and checks the others by release.
    links = tuple((table, column) for _, _, table, column in LINKS.values())
    assert_served(filtered(f"{query}&year=2025")[:20], links)


@pytest.mark.parametrize(
    ("relation", "parameter"),
    [
        ("senators", "senator"),
        ("topics", "topic"),
        ("legislation", "legislation"),
        ("organizations", "organization"),
    ],
)
def test_the_releases_on_a_senator_topic_bill_or_organization_page(newsroom, relation, parameter):
    key, _, table, column = LINKS[parameter]
    releases = published().filter(**{relation: newsroom[key]})[:20]
    assert_served(releases, (table, column))


@pytest.mark.postgresql_only
def test_a_page_of_few_releases_looks_them_up_by_id(newsroom):
    """A subject with few releases (its page's `among_few`): the link table gives the ids
    through its index, the releases are read by primary key and sorted, and pages older and
    newer follow the same order as the publication-time index gives."""
    bill = newsroom["bill"]
    ids = Release.legislation.through.objects.filter(legislation=bill).values("release_id")
    few = published().among_few(ids)
    assert_served(few[:20], ("releases_release_legislation", "legislation_id"))
    primary = {n for n, c in leading_columns("releases_release").items() if c == "id"}
    assert indexes_used(plan_of(few[:20])[1]) & primary
    by_index = list(published().filter(legislation=bill))
    assert list(few) == by_index and len(by_index) > 2
    middle = by_index[1]
    older = list(few.older_than(middle.published_at, middle.pk))
    assert older == by_index[2:]
    newer = list(few.newer_than(middle.published_at, middle.pk))
    assert newer == [by_index[0]]


@pytest.mark.parametrize(
    ("model", "field", "key"),
    [
        (Senator, "slug", "senator"),
        (Senator, "bioguide_id", "senator"),
        (Topic, "slug", "topic"),
        (Legislation, "bill_id", "bill"),
        (Organization, "slug", "organization"),
    ],
)
def test_a_page_found_by_its_identifier(newsroom, model, field, key):
    lookup = model.objects.filter(**{field: getattr(newsroom[key], field)})
    assert_served(lookup, (model._meta.db_table, field))


def test_a_search(newsroom):
    """On PostgreSQL, `q` looks entries up in the GIN index on the very expression
    modelsearch matches (migration releases 0006); SQLite MATCHes its FTS5 table."""
    sql, plan = plan_of(search(published(), "lighthouse keepers")[:20])
    shown = "\n".join(plan)
    assert not full_scans(sql, plan) & BIG_TABLES, shown
    if connection.vendor == "postgresql":
        assert any(re.search(r"\(title \|\| body\) @@", c) for c in index_conditions(plan)), shown
    else:
        names = aliases(sql)
        fts = [
            line
            for line in plan
            if (m := re.match(r"SCAN (\w+) VIRTUAL TABLE INDEX", line.strip()))
            and names.get(m[1]) == "modelsearch_indexentry_fts"
        ]
        assert fts, shown


def test_what_a_page_of_releases_prefetches(newsroom):
    """Issuers, quotes, links and corrections of a page of releases, by release."""
    ids = list(published().values_list("pk", flat=True)[:20])
    links = [getattr(Release, name).through for name in ("topics", "legislation", "organizations")]
    for model in [ReleaseSenator, Quote, Correction, *links]:
        by_release = model.objects.filter(release__in=ids)
        assert_served(by_release, (model._meta.db_table, "release_id"))


def test_quote_lists(newsroom):
    """The API's and /quotes/' lists: newest release first; by senator, topic and bill."""
    quotes = Quote.objects.public().annotate(published_at=F("release__published_at"))
    ordered = ("-published_at", "-release_id", "order", "id")
    assert_served(quotes.order_by(*ordered)[:20], ("releases_quote", "release_id"))
    by_senator = quotes.filter(senator=newsroom["senator"]).order_by(*ordered)[:20]
    assert_served(by_senator, ("releases_quote", "senator_id"))
    for parameter in ("topic", "legislation"):
        key, identifier, table, column = LINKS[parameter]
        query = QueryDict(f"{parameter}={getattr(newsroom[key], identifier)}")
        chosen = QuoteFilterSet(query, queryset=quotes).qs.order_by(*ordered)[:20]
        assert_served(chosen, (table, column))


@pytest.mark.parametrize(
    ("model", "ordering"),
    [
        (Senator, ("last_name", "first_name", "bioguide_id")),
        (Topic, ("name",)),
        (Legislation, ("-congress", "bill_type", "number")),
        (Organization, ("name", "slug")),
    ],
)
def test_the_api_lists_in_their_order(newsroom, model, ordering):
    """A page of the API's senators, topics, bills or organizations, as its cursor reads."""
    first = ordering[0].lstrip("-")
    assert_served(model.objects.order_by(*ordering)[:21], (model._meta.db_table, first))


# Everything the public site and the API run.

PUBLIC_URLS = [
    "/", "/releases/", "/releases/2025/", "/releases/2025/03/", "/releases/?q=lighthouse",
    "/senators/", "/topics/", "/legislation/", "/organizations/", "/quotes/",
    "/quotes/?q=farm", "/releases/feed/rss/", "/releases/feed/atom/", "/sitemap.xml",
    "/api/v1/releases/", "/api/v1/releases/?q=lighthouse", "/api/v1/senators/",
    "/api/v1/topics/", "/api/v1/legislation/", "/api/v1/organizations/", "/api/v1/quotes/",
]  # fmt: skip


def public_urls(n):
    senator, topic, bill, organization = n["senator"], n["topic"], n["bill"], n["organization"]
    release = n["release"]
    return PUBLIC_URLS + [
        f"/releases/?senator={senator.slug}&topic={topic.slug}&legislation={bill.bill_id}"
        f"&organization={organization.slug}&year=2025",
        release.get_absolute_url(), senator.get_absolute_url(), topic.get_absolute_url(),
        bill.get_absolute_url(), organization.get_absolute_url(),
        f"/quotes/?senator={senator.slug}&topic={topic.slug}",
        f"/releases/feed/atom/?senator={senator.slug}",
        f"/api/v1/releases/?senator={senator.bioguide_id}&topic={topic.slug}",
        f"/api/v1/releases/{release.pk}/", f"/api/v1/senators/{senator.bioguide_id}/",
        f"/api/v1/legislation/{bill.bill_id}/", f"/api/v1/quotes/?topic={topic.slug}",
        f"/api/v1/releases/export.csv?senator={senator.slug}",
    ]  # fmt: skip


def test_no_public_page_or_api_endpoint_scans_a_big_table(client, newsroom):
    """Every query every public page and API endpoint runs, EXPLAINed."""
    scanned, explained = [], set()
    for url in public_urls(newsroom):
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200, url
        for sql in (q["sql"] for q in captured.captured_queries):
            if not sql.startswith("SELECT") or sql in explained:
                continue
            explained.add(sql)
            plan = explain(sql)
            if tables := full_scans(sql, plan) & BIG_TABLES:
                scanned.append(f"{url}: {sorted(tables)}\n{sql}\n" + "\n".join(plan))
    assert explained
    assert not scanned, "\n\n".join(scanned)
