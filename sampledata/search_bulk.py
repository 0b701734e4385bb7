"""Building the search index for many rows at once, with the entries modelsearch would write.

modelsearch's database backends index a chunk with `add_items` and then bring `title_norm`
(the average title length over this one's) up to date: an average over the whole index
and an UPDATE of the new rows, every chunk. The average reads every entry, so a build
slows down as the index grows; and every UPDATE writes the row again: on SQLite a trigger
re-tokenizes it into the FTS5 table, on PostgreSQL its tsvectors go into the GIN indexes
once more. On PostgreSQL, `add_items` also builds each text's tsvector as a Django
expression and compiles it, which is most of the Python time.

Here each object's texts still come from the backend's own `ObjectIndexer.prepare_field`,
and the entries are written in two steps: every chunk goes into a temporary table (SQLite:
the strings modelsearch stores; PostgreSQL: the very SQL expressions modelsearch's
compiler makes, compiled once and filled in), then, knowing the average title length,
into the index with their final `title_norm` in one INSERT ... SELECT a chunk at a time,
so each row is written and tokenized once (on PostgreSQL, a build that at least doubles the
index drops its GIN indexes first and builds them again after: see `set_indexes_aside`).
Python prepares a chunk while the database writes the one before. The result is what
`rebuild_modelsearch_index` leaves: the same title, body and autocomplete contents, and
`title_norm` from its final full refresh, which is then run as modelsearch writes it
(changing only rows that differ; tests/sampledata/test_search_bulk.py holds it at none).
Other backends (Elasticsearch, OpenSearch, the fallback) get modelsearch's `add_bulk`.
"""

from concurrent.futures import ThreadPoolExecutor

from django.db import connections, reset_queries, router, transaction
from django.db.models import Avg, F, TextField, Value
from django.db.models.functions import Length
from django.db.models.sql.subqueries import InsertQuery
from modelsearch.backends import get_search_backend
from modelsearch.index import AutocompleteField, SearchField
from modelsearch.utils import balanced_reduce, get_content_type_pk

STAGE = "search_bulk_stage"


def search_index_bulk(jobs, *, batch_size, progress=None):
    """Index every object of each (model, queryset) job, `batch_size` at a time, in pk order.

    The querysets should be the models' `get_indexed_objects()` (narrowed as needed), which
    prefetch the related objects the search fields read. Returns {model name: objects}.
    """
    say = progress or (lambda message: None)
    backend = get_search_backend()
    counts = {}
    with transaction.atomic():
        writers = {}
        for model, queryset in jobs:
            index = backend.get_index_for_model(model)
            writer = writers.get(index.get_key())
            if writer is None:
                writer = writers[index.get_key()] = _writer_for(backend, index)
            done, total = 0, queryset.count()

            def chunk_after(last, queryset=queryset):
                return list(queryset.filter(pk__gt=last).order_by("pk")[:batch_size])

            # A chunk's texts are made ready in Python while the database writes the one
            # before (on PostgreSQL, in another thread: writer.write), and the next chunk
            # is read in between, when the connection is free.
            chunk = chunk_after(0)
            while chunk:
                prepared = writer.prepare(model, chunk)
                writer.wait()
                following = chunk_after(chunk[-1].pk)
                writer.write(prepared)
                done += len(chunk)
                # With DEBUG on, Django keeps every query's SQL: a chunk's texts and all.
                reset_queries()
                say(f"search index: {model._meta.verbose_name_plural} {done:,}/{total:,}")
                chunk = following
            writer.wait()
            counts[model.__name__] = done
        for writer in writers.values():
            writer.finish(batch_size=batch_size, progress=say)
    return counts


def title_norms_refresh(index):
    """modelsearch's full `_refresh_title_norms`, writing only the rows whose norm changes.

    Returns how many rows it changed.
    """
    entries = index.entries.annotate(title_length=Length("title")).filter(title_length__gt=0)
    lavg = entries.aggregate(Avg("title_length"))["title_length__avg"]
    if lavg is None:
        return 0
    norm = lavg / F("title_length")
    return entries.exclude(title_norm=norm).update(title_norm=norm)


def _writer_for(backend, index):
    vendor = getattr(getattr(index, "write_connection", None), "vendor", None)
    if vendor == "postgresql":
        from modelsearch.backends.database.postgres.postgres import PostgresIndex

        if isinstance(index, PostgresIndex):
            return _PostgresWriter(backend, index)
    elif vendor == "sqlite":
        try:
            from modelsearch.backends.database.sqlite.sqlite import SQLiteIndex
        except LookupError:  # no FTS5 table: modelsearch's fallback backend is in use
            SQLiteIndex = None  # noqa: N806
        if SQLiteIndex is not None and isinstance(index, SQLiteIndex):
            return _SQLiteWriter(backend, index)
    return _AddBulkWriter(backend, index)


class _AddBulkWriter:
    """modelsearch as it comes, for the backends this module does not speed up."""

    def __init__(self, backend, index):
        self.index = index

    def prepare(self, model, objs):
        return model, objs

    def write(self, prepared):
        self.index.add_items(*prepared)

    def wait(self):
        pass

    def finish(self, *, batch_size, progress):
        pass


class _StagingWriter:
    """Chunks into a temporary table, then into the index with their final title_norm."""

    # Columns of the stage and of the index entry, after content_type_id and object_id.
    columns = {"title": "text", "autocomplete": "text", "body": "text"}

    def __init__(self, backend, index):
        self.backend = backend
        self.index = index
        self.entry_table = index.entries.model._meta.db_table
        self.connection = connections[router.db_for_write(index.entries.model)]
        self.quote = self.connection.ops.quote_name
        self.staged = 0
        columns = "".join(f", {name} {kind} NOT NULL" for name, kind in self.columns.items())
        with self.connection.cursor() as cursor:
            # Dropped at the end, or with the transaction if the build fails.
            cursor.execute(
                f"CREATE TEMPORARY TABLE {STAGE} (id integer PRIMARY KEY, "
                f"content_type_id integer NOT NULL, object_id varchar(50) NOT NULL{columns})"
            )

    def prepare(self, model, objs):
        """What `write` puts in the stage for these objects (None: nothing)."""
        indexer_class = self.indexer_class
        search_fields = model.get_search_fields()
        if not search_fields or not objs:
            return None
        content_type_pk = get_content_type_pk(model)
        rows = []
        for obj in objs:
            indexer = indexer_class(obj, self.backend)
            title, body, autocomplete = [], [], []
            # What ObjectIndexer's title, body and autocomplete properties each collect,
            # from one walk over the fields instead of three.
            for field in indexer.search_fields:
                for current_field, *value in indexer.prepare_field(obj, field):
                    if isinstance(current_field, SearchField):
                        (title if current_field.field_name == "title" else body).append(value)
                    elif isinstance(current_field, AutocompleteField):
                        autocomplete.append(value)
            rows.append((content_type_pk, indexer.id, title, autocomplete, body))
        prepared = self.stage_rows(rows)
        self.staged += len(rows)
        return prepared

    def write(self, prepared):
        if prepared is not None:
            self.write_stage(prepared)

    def wait(self):
        """Until the last `write` is in the stage (raising what it raised)."""

    def finish(self, *, batch_size, progress):
        q = self.quote
        with self.connection.cursor() as cursor:
            if not self.staged:
                cursor.execute(f"DROP TABLE {STAGE}")
                return
            cursor.execute(f"CREATE INDEX {STAGE}_key ON {STAGE} (content_type_id, object_id)")
            # The average over the index as it will be: the entries not being replaced, and
            # the staged ones. modelsearch's refresh reads it in the same way (AVG(LENGTH)).
            cursor.execute(
                f"SELECT AVG(n) FROM (SELECT LENGTH(e.{q('title')}) AS n FROM {self.entry_table} e"
                f" WHERE NOT EXISTS (SELECT 1 FROM {STAGE} s WHERE s.content_type_id ="
                f" e.{q('content_type_id')} AND s.object_id = e.{q('object_id')})"
                f" UNION ALL SELECT LENGTH(title) FROM {STAGE}) lengths WHERE n > 0"
            )
            lavg = cursor.fetchone()[0]
            # Django's Avg gives modelsearch a float too (from numeric, on PostgreSQL).
            lavg = 1.0 if lavg is None else float(lavg)  # None: no titles, nothing divided
            names = ", ".join(q(name) for name in self.columns)
            selected = ", ".join(self.columns)
            sql = (
                f"INSERT INTO {self.entry_table} ({q('content_type_id')}, {q('object_id')}, "
                f"{names}, {q('title_norm')}) "
                f"SELECT content_type_id, object_id, {selected}, "
                f"CASE WHEN LENGTH(title) > 0 THEN %s / LENGTH(title) ELSE 1.0 END "
                f"FROM {STAGE} WHERE id > %s AND id <= %s ORDER BY id "
                f"ON CONFLICT ({q('content_type_id')}, {q('object_id')}) DO UPDATE SET "
                f"{self.on_conflict_set()}"
            )
            rebuilt = self.set_indexes_aside(cursor)
            for start in range(0, self.staged, batch_size):
                end = min(start + batch_size, self.staged)
                cursor.execute(sql, [lavg, start, end])
                reset_queries()
                progress(f"search index: entries written {end:,}/{self.staged:,}")
            cursor.execute(f"DROP TABLE {STAGE}")
            if rebuilt:
                # The foreign keys' deferred checks first: an index is not built over a
                # table with checks pending. Deferred again after, as Django leaves them.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for name, definition in rebuilt:
                    progress(f"search index: building {name}")
                    cursor.execute(definition)
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        # Should change nothing: it is there so that the result is modelsearch's by definition.
        changed = title_norms_refresh(self.index)
        progress(f"search index: title norms checked, {changed:,} changed")

    def on_conflict_set(self):
        q = self.quote
        return ", ".join(f"{q(name)} = excluded.{q(name)}" for name in self.columns)

    def set_indexes_aside(self, cursor):
        """Indexes to drop now and build again after the inserts: [(name, its CREATE)]."""
        return []


class _SQLiteWriter(_StagingWriter):
    @property
    def indexer_class(self):
        from modelsearch.backends.database.sqlite.sqlite import ObjectIndexer

        return ObjectIndexer

    def stage_rows(self, rows):
        # ObjectIndexer.title/body/autocomplete: the values joined by spaces, as they come.
        return [
            (
                self.staged + n + 1, content_type_pk, object_id,
                " ".join(v for (v,) in title), " ".join(v for (v,) in autocomplete),
                " ".join(v for (v,) in body),
            )
            for n, (content_type_pk, object_id, title, autocomplete, body) in enumerate(rows)
        ]  # fmt: skip

    def write_stage(self, values):
        with self.connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {STAGE} (id, content_type_id, object_id, title, autocomplete, body)"
                " VALUES (%s, %s, %s, %s, %s, %s)",
                values,
            )

    def on_conflict_set(self):
        # modelsearch's SQLite add_items updates an indexed row's texts but not its norm,
        # which the full refresh then sets for rows with a title.
        title_norm = self.quote("title_norm")
        return (
            super().on_conflict_set() + f", {title_norm} = CASE WHEN LENGTH(excluded.title) > 0"
            f" THEN excluded.{title_norm} ELSE {self.entry_table}.{title_norm} END"
        )


class _PostgresWriter(_StagingWriter):
    """Each tsvector is built by the very SQL modelsearch sends for it.

    modelsearch compiles a Django expression per text, most of its Python time, and psycopg
    then looks for thousands of placeholders in the statement. Here the SQL of each
    (weight, config) is compiled once, and each text goes in as the literal psycopg itself
    would make of it (modelsearch's statements reach the server with their parameters
    inlined the same way, by Django's client-side binding cursor).
    """

    columns = {
        "title": "tsvector", "autocomplete": "tsvector", "body": "tsvector",
        "title_text": "text", "body_text": "text",
    }  # fmt: skip
    marker = "searchbulkmarker"

    def __init__(self, backend, index):
        from django.contrib.postgres.search import SearchVector
        from modelsearch.backends.database.postgres.postgres import EMPTY_VECTOR
        from psycopg.adapt import Transformer

        super().__init__(backend, index)
        model = index.entries.model
        self._compiler = InsertQuery(model).get_compiler(connection=self.connection)
        self._field = model._meta.get_field("title")
        self._search_vector = SearchVector
        self._empty = self._compile(EMPTY_VECTOR)
        self._pieces = {}
        self.connection.ensure_connection()
        self._raw = self.connection.connection
        self._literal = Transformer.from_context(self._raw).as_literal
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-bulk")
        self._pending = None

    @property
    def indexer_class(self):
        from modelsearch.backends.database.postgres.postgres import ObjectIndexer

        return ObjectIndexer

    def _compile(self, expression):
        """The expression's SQL with its parameters inlined, as the server gets modelsearch's."""
        value = self._compiler.prepare_value(self._field, expression)
        sql, params = value.as_sql(self._compiler, self.connection)
        return self.connection.ops.compose_sql(sql, params)

    def _piece(self, weight, config):
        """SearchVector(Value(text), weight=weight, config=config): the SQL around the text."""
        key = (weight, config)
        if key not in self._pieces:
            sql = self._compile(
                self._search_vector(Value(self.marker, output_field=TextField()),
                                    weight=weight, config=config)
            )  # fmt: skip
            parts = sql.split(self.literal(self.marker))
            if len(parts) != 2:
                raise RuntimeError(f"Cannot find the text in modelsearch's SQL: {sql}")
            self._pieces[key] = tuple(parts)
        return self._pieces[key]

    def literal(self, value):
        return self._literal(value).decode()

    def _vector(self, texts, config):
        """ObjectIndexer.as_vector."""
        texts = [(text.strip(), weight) for weight, text in texts]
        texts = [(text, weight) for text, weight in texts if text]
        if not texts:
            return self._empty
        pieces = []
        for text, weight in texts:
            before, after = self._piece(weight, config)
            pieces.append(f"{before}{self.literal(text)}{after}")
        return balanced_reduce(lambda a, b: f"({a} || {b})", pieces)

    def set_indexes_aside(self, cursor):
        # Each entry inserted goes into four GIN indexes (title, body, autocomplete, and
        # title || body), kept up to date row by row. When the build writes at least as
        # many entries as the index holds, the GIN and GiST indexes are dropped (in this
        # transaction: a failure brings them back) and built again from their own
        # definitions at the end, which is PostgreSQL's advice for bulk loads. The unique
        # key ON CONFLICT needs stays.
        cursor.execute(f"SELECT COUNT(*) FROM {self.entry_table}")
        if cursor.fetchone()[0] > self.staged:
            return []
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_am a ON a.oid = i.relam"
            " WHERE x.indrelid = %s::regclass AND a.amname IN ('gin', 'gist')"
            " AND NOT x.indisunique ORDER BY i.relname",
            [self.entry_table],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {self.quote(name)}")
        # Building a GIN index is much faster with room to sort in (the default is 64 MB).
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        return indexes

    def on_conflict_set(self):
        # modelsearch's PostgreSQL add_items sets a replaced row's norm to 1.0 before its
        # refresh; rows with a title then get theirs, as here.
        return super().on_conflict_set() + ', "title_norm" = excluded."title_norm"'

    def stage_rows(self, rows):
        """The INSERT into the stage, as one statement with its values written out."""
        config, autocomplete_config = self.backend.config, self.backend.autocomplete_config
        values = []
        for n, (content_type_pk, object_id, title, autocomplete, body) in enumerate(rows):
            row = [str(self.staged + n + 1), str(int(content_type_pk)), self.literal(object_id)]
            row.append(self._vector(title, config))
            row.append(self._vector(autocomplete, autocomplete_config))
            row.append(self._vector(body, config))
            # ObjectIndexer.title_text and body_text, for trigram search.
            for texts in (title, body):
                row.append(self.literal(" ".join(t for _, v in texts if (t := v.strip()))))
            values.append(f"({', '.join(row)})")
        return (
            f"INSERT INTO {STAGE} (id, content_type_id, object_id, title, autocomplete, body,"
            f" title_text, body_text) VALUES {', '.join(values)}"
        )

    def write_stage(self, statement):
        # Sent from another thread on the same psycopg connection (so in this transaction,
        # and it sees the temporary stage): the server tokenizes this chunk, about half the
        # build's time, while Python prepares the next one. psycopg's connections may be
        # shared by threads; it runs one statement at a time. No parameters: psycopg sends
        # the statement as it is.
        self.wait()
        self._pending = self._thread.submit(self._raw.execute, statement)

    def wait(self):
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def finish(self, *, batch_size, progress):
        self.wait()
        self._thread.shutdown()
        super().finish(batch_size=batch_size, progress=progress)
