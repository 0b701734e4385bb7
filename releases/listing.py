"""Shared pieces of every page that lists releases: pagination and query-string links."""

from django.conf import settings
from django.core.paginator import Paginator


def paginate(request, queryset, per_page=None):
    """A page of releases; a garbage or out-of-range ?page= gives the nearest page, not a 500."""
    paginator = Paginator(queryset, per_page or settings.RELEASES_PER_PAGE)
    return paginator.get_page(request.GET.get("page"))


def querystring_toggle(query, name, value):
    """The query string with `value` added to or removed from `name`, back on page 1."""
    query = query.copy()
    query.pop("page", None)
    values = query.getlist(name)
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    query.setlist(name, values)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


def querystring_without(query, name):
    """The query string with every value of `name` removed, back on page 1."""
    query = query.copy()
    query.pop(name, None)
    query.pop("page", None)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"
