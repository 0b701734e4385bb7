"""modelsearch's database backend, with SQLite ranking the way PostgreSQL does, quickly.

With Elasticsearch/OpenSearch modelsearch is used as it comes. On PostgreSQL two things
change: the ranking (below), and what indexing one release costs. modelsearch brought every
new entry's title weight (`title_norm`, the average title length over this one's) up to date
by averaging every entry of the index and then scanning the whole index for new ones, after
each release saved: at 500,000 releases a save spent seconds there, and an archive import
ran at 3 releases a second. Here the average is kept (recomputed at most hourly: one release
barely moves it) and only the entries just written are weighed. On SQLite two things
change:
- its FTS5 ranking ignores which column matched, so a word in a headline counted no more
  than one deep in the body; here bm25() weighs the title column;
- it ranks each result with a correlated subquery that runs the whole MATCH again for every
  matching row (at 5,000 releases a common word took 13 s). Here the MATCH runs once to
  rank the best RANKED matches (kept until something changes, core/caching.py), and
  the results are ordered by their place in that list; matches beyond it follow, newest
  first. Every match is still a result, so counts and
  facets cover them all.
Stemming on SQLite comes from the porter tokenizer (migration
releases/0003_sqlite_search_stemming).
"""

from functools import cache

from django.db.models import F, Func, IntegerField
from modelsearch.backends.database import SearchBackend as database_backend

from core import caching
from core.sql import id_array

RANKED = 1000  # matches put in order of relevance; the rest follow by date
LAST = 2**31 - 1


class PlaceIn(Func):
    """An id's place in a list of ids (LAST when absent), for ORDER BY: one pass, no join.

    `ids` may be a callable giving the list, asked only when the SQL is written: a search's
    results are ordered by its ranking, which a count, a facet or the newest-first order
    never needs worked out."""

    output_field = IntegerField()

    def __init__(self, ids, expression=None):
        self._ids = ids
        super().__init__(expression if expression is not None else F("pk"))

    @property
    def ids(self):
        if not isinstance(self._ids, list):
            self._ids = [int(i) for i in (self._ids() if callable(self._ids) else self._ids)]
        return self._ids

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        if not self.ids:  # (a bare number in ORDER BY would name a column)
            return f"({sql} * 0 + {LAST})", params
        listed = "," + ",".join(map(str, self.ids)) + ","
        # The character offset of ",id," grows with the id's place in the list. Only ids in
        # the list are looked for there: the IN (whole numbers, written out) is a b-tree
        # SQLite builds once, so a common word's 20,000 other matches cost a lookup each.
        return (
            f"CASE WHEN {sql} IN ({listed[1:-1]}) THEN instr(%s, ',' || {sql} || ',') "
            f"ELSE {LAST} END",
            [*params, listed, *params],
        )

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        if not self.ids:
            return f"({sql} * 0 + {LAST})", params
        # = ANY over a constant array is a hash lookup (PostgreSQL 14+): array_position, a
        # walk along the list, runs only for the ids in it, not for every match.
        listed = id_array(self.ids)
        return (
            f"CASE WHEN {sql}::bigint = ANY(%s::bigint[]) "
            f"THEN array_position(%s::bigint[], {sql}::bigint) ELSE {LAST} END",
            [*params, listed, listed, *params],
        )

    def as_sql(self, compiler, connection, **extra):  # other databases: CASE over the list
        sql, params = compiler.compile(self.source_expressions[0])
        if not self.ids:  # (a bare number in ORDER BY would name a column)
            return f"({sql} * 0 + {LAST})", params
        whens = " ".join(f"WHEN {sql} = %s THEN {i}" for i in range(len(self.ids)))
        return f"CASE {whens} ELSE {LAST} END", [p for i in self.ids for p in (*params, i)]


# FTS5 columns are (autocomplete, body, title); a title match counts this many times more.
TITLE_WEIGHT = 5.0


@cache
def _weighted_sqlite_backend_class():
    # Imported only on SQLite: the module needs a model that exists only where FTS5 does.
    from modelsearch.backends.database.sqlite.query import BM25
    from modelsearch.backends.database.sqlite.sqlite import (
        MatchExpression,
        SQLiteFTSIndexEntry,
        SQLiteSearchBackend,
        SQLiteSearchQueryCompiler,
        get_descendants_content_types_pks,
        normalize,
    )
    from modelsearch.models import IndexEntry
    from modelsearch.query import MatchAll, Not

    class ColumnWeightedBM25(BM25):
        def as_sql(self, compiler, connection, function=None, template=None):
            table = SQLiteFTSIndexEntry._meta.db_table
            return f"bm25({table}, 0.0, 1.0, {TITLE_WEIGHT})", []

    class WeightedSQLiteSearchQueryCompiler(SQLiteSearchQueryCompiler):
        def _build_rank_expression(self, vectors, config):
            # One bm25() over the whole match, weighted by column (lower is better).
            return ColumnWeightedBM25()

        def _plain(self, score_field=None):
            query = normalize(self.query)
            plain = not isinstance(query, (MatchAll, Not))
            return query if plain and self.order_by_relevance and score_field is None else None

        def _match(self, query, config):
            return MatchExpression(
                self.fields or self.FTS_TABLE_FIELDS, self.build_search_query(query, config=config)
            )

        def ranked_ids(self, config):
            """The ids of the best RANKED matches, best first (None: not a ranked search).
            Kept until something changes, like a count."""
            query = self._plain()
            if query is None:
                return None
            entries = SQLiteFTSIndexEntry.objects.filter(self._match(query, config)).filter(
                index_entry__content_type__in=get_descendants_content_types_pks(self.queryset.model)
            )
            ranked = (
                entries.annotate(score=ColumnWeightedBM25())
                .order_by("score")
                .values_list("index_entry__object_id", flat=True)[:RANKED]
            )
            key = ("search-rank", self.queryset.model._meta.label, repr(query), self.fields)
            return caching.remember(key, lambda: [int(pk) for pk in ranked])

        def search(self, config, start, stop, score_field=None):
            query = self._plain(score_field)
            if query is None:
                return super().search(config, start, stop, score_field)
            # The MATCH once, as a list of rowids; joined the other way round SQLite would
            # run it again for every index entry of the model.
            matched = SQLiteFTSIndexEntry.objects.filter(self._match(query, config)).values("pk")
            ids = IndexEntry.objects.filter(
                pk__in=matched,
                content_type__in=get_descendants_content_types_pks(self.queryset.model),
            ).values("object_id")
            ordered = self.queryset.filter(pk__in=ids).order_by(
                PlaceIn(lambda: self.ranked_ids(config)).asc(),
                *self.queryset.model._meta.ordering,
            )
            return ordered[start:stop]

    class WeightedSQLiteSearchBackend(SQLiteSearchBackend):
        query_compiler_class = WeightedSQLiteSearchQueryCompiler

    return WeightedSQLiteSearchBackend


@cache
def _postgres_backend_class():
    # Imported only on PostgreSQL (the module needs django.contrib.postgres).
    from django.contrib.postgres.search import SearchVectorField
    from django.db.models import Avg, BigIntegerField
    from django.db.models.expressions import CombinedExpression
    from django.db.models.functions import Cast, Length
    from modelsearch.backends.database.postgres.postgres import (
        PostgresIndex,
        PostgresSearchBackend,
        PostgresSearchQueryCompiler,
        get_descendants_content_types_pks,
    )
    from modelsearch.models import IndexEntry
    from modelsearch.query import Fuzzy, MatchAll, Not
    from modelsearch.utils import get_content_type_pk

    class QuickPostgresIndex(PostgresIndex):
        """Weighs only the entries it has just written, against a kept average."""

        written = None  # (content type id, object ids) while add_items runs

        def add_items(self, model, objs):
            objs = list(objs)
            self.written = (get_content_type_pk(model), [str(obj.pk) for obj in objs])
            try:
                super().add_items(model, objs)
            finally:
                self.written = None

        def average_title_length(self):
            def compute():
                titled = self.entries.annotate(n=Length("title")).filter(n__gt=0)
                return titled.aggregate(average=Avg("n"))["average"]

            return kept_average(compute)

        def _refresh_title_norms(self, full=False):
            if full or self.written is None:  # a rebuild: modelsearch's own, exact
                return super()._refresh_title_norms(full=full)
            average = self.average_title_length()
            if average is None:
                return None
            content_type, ids = self.written
            just_written = self.entries.filter(content_type_id=content_type, object_id__in=ids)
            return (
                just_written.annotate(title_length=Length("title"))
                .filter(title_length__gt=0)
                .update(title_norm=average / F("title_length"))
            )

    class QuickPostgresSearchQueryCompiler(PostgresSearchQueryCompiler):
        """modelsearch's ranking, worked out on the index alone: it joined every release to
        its index entry and computed ts_rank for every match before sorting them."""

        def _plain(self, score_field=None):
            query = self.query
            plain = not isinstance(query, (MatchAll, Not, Fuzzy))
            if plain and self.order_by_relevance and score_field is None and not self.fields:
                return query
            return None

        def _entries(self, query, config):
            tsquery = self.build_tsquery(query, config=config)
            # title || body, exactly as modelsearch's GIN index on the pair is defined.
            both = CombinedExpression(F("title"), "||", F("body"), output_field=SearchVectorField())
            return (
                IndexEntry.objects.filter(
                    content_type__in=get_descendants_content_types_pks(self.queryset.model)
                )
                .annotate(_vector_=both)
                .filter(_vector_=tsquery)
            )

        def _ranked(self, query, config):
            rank = self._build_rank_expression(
                [(F("title"), F("title_norm")), (F("body"), 1.0)], config
            )
            return (
                self._entries(query, config).annotate(score=rank)
                .order_by("-score", "-id")
                .values_list("object_id", flat=True)
            )  # fmt: skip

        def _rank_key(self, query):
            return ("search-rank", self.queryset.model._meta.label, repr(query))

        def ranked_ids(self, config):
            """The ids of the best RANKED matches, best first (None: not a ranked search).
            Kept until something changes, like a count."""
            query = self._plain()
            if query is None:
                return None
            ranked = self._ranked(query, config)[:RANKED]
            return caching.remember(self._rank_key(query), lambda: [int(pk) for pk in ranked])

        def ranked_matches(self, config, most):
            """(`ranked_ids`, the id of every match best first or None): when the ranking
            is not kept, one pass ranks every match (the ranking scores them all anyway),
            and with `most` at most they are looked up by id, not matched again. None where
            `ranked_ids` is None."""
            query = self._plain()
            if query is None:
                return None
            key = self._rank_key(query)
            kept = caching.kept(key)
            if kept is not None:
                return kept, None
            every = [int(pk) for pk in self._ranked(query, config)[: most + 1]]
            best = caching.remember(key, lambda: every[:RANKED])  # the best first, as ever
            return best, (every if len(every) <= most else None)

        def search(self, config, start, stop, score_field=None, backend=None):
            query = self._plain(score_field)
            if query is None:
                return super().search(config, start, stop, score_field, backend)
            entries = self._entries(query, config)
            ids = entries.values(pk_=Cast("object_id", BigIntegerField()))
            ordered = self.queryset.filter(pk__in=ids).order_by(
                PlaceIn(lambda: self.ranked_ids(config)).asc(),
                *self.queryset.model._meta.ordering,
            )
            return ordered[start:stop]

    class QuickPostgresSearchBackend(PostgresSearchBackend):
        query_compiler_class = QuickPostgresSearchQueryCompiler
        index_class = QuickPostgresIndex

    return QuickPostgresSearchBackend


AVERAGE_KEY = "search-title-length-average"
AVERAGE_SECONDS = 3600


def kept_average(compute):
    """The index's average title length, worked out at most once an hour (in the cache,
    shared by the site's processes when CACHE_URL is set)."""
    from django.core.cache import cache

    average = cache.get(AVERAGE_KEY)
    if average is None:
        average = compute()
        if average is not None:
            cache.set(AVERAGE_KEY, average, AVERAGE_SECONDS)
    return average


def SearchBackend(params):  # noqa: N802 (the name modelsearch looks up)
    backend = database_backend(params)
    if type(backend).__name__ == "SQLiteSearchBackend":
        return _weighted_sqlite_backend_class()(params)
    if type(backend).__name__ == "PostgresSearchBackend":
        return _postgres_backend_class()(params)
    return backend
