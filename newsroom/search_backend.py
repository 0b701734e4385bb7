"""modelsearch's database backend, with SQLite ranking the way PostgreSQL does.

On PostgreSQL (and with Elasticsearch/OpenSearch) modelsearch is used as it comes. On
SQLite its FTS5 ranking ignores which column matched, so a word in a headline counted no
more than one deep in the body; here bm25() weighs the title column. Stemming on SQLite
comes from the porter tokenizer (migration releases/0003_sqlite_search_stemming).
"""

from functools import cache

from modelsearch.backends.database import SearchBackend as database_backend

# FTS5 columns are (autocomplete, body, title); a title match counts this many times more.
TITLE_WEIGHT = 5.0


@cache
def _weighted_sqlite_backend_class():
    # Imported only on SQLite: the module needs a model that exists only where FTS5 does.
    from modelsearch.backends.database.sqlite.query import BM25
    from modelsearch.backends.database.sqlite.sqlite import (
        SQLiteFTSIndexEntry,
        SQLiteSearchBackend,
        SQLiteSearchQueryCompiler,
    )

    class ColumnWeightedBM25(BM25):
        def as_sql(self, compiler, connection, function=None, template=None):
            table = SQLiteFTSIndexEntry._meta.db_table
            return f"bm25({table}, 0.0, 1.0, {TITLE_WEIGHT})", []

    class WeightedSQLiteSearchQueryCompiler(SQLiteSearchQueryCompiler):
        def _build_rank_expression(self, vectors, config):
            # One bm25() over the whole match, weighted by column (lower is better).
            return ColumnWeightedBM25()

    class WeightedSQLiteSearchBackend(SQLiteSearchBackend):
        query_compiler_class = WeightedSQLiteSearchQueryCompiler

    return WeightedSQLiteSearchBackend


def SearchBackend(params):  # noqa: N802 (the name modelsearch looks up)
    backend = database_backend(params)
    if type(backend).__name__ == "SQLiteSearchBackend":
        return _weighted_sqlite_backend_class()(params)
    return backend
