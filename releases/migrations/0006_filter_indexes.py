"""Indexes for the public filters and orderings that had none (tests/releases/test_indexes.py).

- Bills in the lists' order, newest Congress first: the API's cursor pages through them by
  `congress` and stops after a page instead of sorting every bill.
- Search (`q`) on PostgreSQL: modelsearch matches `(title || body) @@ query`, and its own GIN
  indexes cover `title` and `body` apart, which that expression cannot use; every search read
  every release's (or quote's) entry. A GIN index on the expression itself serves it. SQLite
  searches its FTS5 table, indexed already, so there is nothing to add there.
"""

from django.db import migrations, models

SEARCH_INDEX = "modelsearch_indexentry_title_body_gin"


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} "
            "ON modelsearch_indexentry USING gin ((title || body))"
        )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0004_office_membership"),
        ("releases", "0005_revisions_corrections_previews"),
        # The search index's table, as modelsearch leaves it.
        (
            "modelsearch",
            "0004_rename_modelsear_autocom_476c89_gin_modelsearch_autocom_ea8581_gin_and_more",
        ),
    ]

    operations = [
        migrations.AddIndex(
            model_name="legislation",
            index=models.Index(
                fields=["-congress", "bill_type", "number"], name="legislation_order_idx"
            ),
        ),
        migrations.RunPython(create_search_index, drop_search_index, elidable=False),
    ]
