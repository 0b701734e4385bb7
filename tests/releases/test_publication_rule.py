"""The publication rule is written once: in the releases' models package.

A release is public when it is published and its time has come; `ReleaseQuerySet` states
that and its relatives (`published()`, `scheduled()`, `hidden()`, `next_embargo()`,
`published_between()`...), and `QuoteQuerySet.public()` is the one definition of a public
quote. Everything else asks them. This test reads the source tree: a filter on a release's
status or a comparison of its publication time anywhere outside the models package fails it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RULE_HOME = ROOT / "releases" / "models"
ORDERING = {"lt", "lte", "gt", "gte", "range"}
QUERY_CALLS = {"filter", "exclude", "get", "Q", "When", "aggregate", "annotate", "count"}
STATUS_WORDS = ("Release.Status.", "'published'", '"published"', "'draft'", '"draft"')


def _call_name(func):
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _is_publication_lookup(name, value_source):
    parts = name.split("__")
    if "published_at" in parts and parts[-1] in ORDERING:
        return True
    if "status" in parts[-2:] and parts[-1] in {"status", "in", "exact"}:
        return any(word in value_source for word in STATUS_WORDS)
    return False


def publication_decisions(source, filename="<source>"):
    """(line, what) for each place `source` decides publication by itself."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Call) and _call_name(node.func) in QUERY_CALLS:
            for keyword in node.keywords:
                value = ast.get_source_segment(source, keyword.value) or ""
                if keyword.arg and _is_publication_lookup(keyword.arg, value):
                    found.append((node.lineno, f"{keyword.arg}={value}"))
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            attrs = {o.attr for o in operands if isinstance(o, ast.Attribute)}
            text = ast.get_source_segment(source, node) or ""
            ordered = any(isinstance(op, ast.Lt | ast.LtE | ast.Gt | ast.GtE) for op in node.ops)
            if "published_at" in attrs and ordered:
                found.append((node.lineno, text))
            if "status" in attrs and any(word in text for word in STATUS_WORDS):
                found.append((node.lineno, text))
    return found


def project_sources():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {"tests", ".venv", "build"} or "migrations" in relative.parts:
            continue
        if path.is_relative_to(RULE_HOME):
            continue
        yield path


def test_nothing_outside_the_models_package_decides_publication():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in project_sources()
        for line, what in publication_decisions(path.read_text(), str(path))
    ]
    assert offenders == [], "Ask ReleaseQuerySet or QuoteQuerySet instead:\n" + "\n".join(offenders)


def test_the_tree_is_read_at_all():
    """The scan covers the apps (a wrong root would pass with nothing read)."""
    names = {path.relative_to(ROOT).as_posix() for path in project_sources()}
    assert {"releases/admin/filters.py", "api/filters.py", "core/caching.py"} <= names
    assert "releases/models/release.py" not in names


@pytest.mark.parametrize(
    "snippet",
    [
        "Release.objects.filter(status=Release.Status.PUBLISHED)",
        "qs.exclude(published_at__lte=timezone.now())",
        "Quote.objects.filter(release__status='published', release__published_at__lte=now)",
        "Q(published_at__gt=now)",
        "release.status == Release.Status.PUBLISHED",
        "if release.published_at <= timezone.now(): pass",
        "Release.objects.aggregate(next=Min('published_at', filter=Q(published_at__gt=now)))",
    ],
)
def test_each_way_of_deciding_publication_is_caught(snippet):
    assert publication_decisions(snippet)


@pytest.mark.parametrize(
    "snippet",
    [
        "Release(status=Release.Status.DRAFT, title='x')",  # a write, not a decision
        "release.status = Release.Status.PUBLISHED",
        "Legislation.objects.filter(status=Legislation.Status.ENACTED)",
        "Release.objects.published().filter(topics=topic)",
        "queryset.order_by('-published_at')",
    ],
)
def test_writes_and_other_statuses_are_not_decisions(snippet):
    assert publication_decisions(snippet) == []
