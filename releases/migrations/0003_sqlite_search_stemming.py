"""On SQLite, rebuild modelsearch's FTS5 table with the porter stemmer, so that a search
for "clinics" finds "clinic" as it does on PostgreSQL. Other databases: nothing to do."""

from django.db import migrations

TABLE = "modelsearch_indexentry_fts"


def _rebuild(apps, schema_editor, tokenize):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=%s", [TABLE])
        if cursor.fetchone() is None:  # no FTS5 here: modelsearch falls back without it
            return
        cursor.execute(f"DROP TABLE {TABLE}")
        cursor.execute(
            f"CREATE VIRTUAL TABLE {TABLE} USING fts5(autocomplete, body, title{tokenize})"
        )
        # The triggers on modelsearch_indexentry keep filling it by name from here on.
        cursor.execute(
            f"INSERT INTO {TABLE}(rowid, autocomplete, body, title) "
            "SELECT id, autocomplete, body, title FROM modelsearch_indexentry"
        )


def stem(apps, schema_editor):
    _rebuild(apps, schema_editor, ", tokenize='porter unicode61 remove_diacritics 2'")


def unstem(apps, schema_editor):
    _rebuild(apps, schema_editor, "")


class Migration(migrations.Migration):
    dependencies = [
        ("releases", "0002_release_import_key"),
        ("modelsearch", "0004_rename_modelsear_autocom_476c89_gin_modelsearch_autocom_ea8581_gin_and_more"),
    ]

    operations = [migrations.RunPython(stem, unstem)]
