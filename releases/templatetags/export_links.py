"""`{% export_links %}`: "Download CSV · JSON" for the release list's current filters."""

from django import template
from django.urls import reverse
from django.utils.http import urlencode

register = template.Library()


@register.inclusion_tag("includes/export_links.html", takes_context=True)
def export_links(context):
    """Links to the API's export of what the list shows.

    Built from the filters the list could use (its facets' ticked choices and the search),
    not from the raw query string: a value the page ignored would make the export a 400.
    A year archive exports that year; a month archive has no export filter, so no links.
    """
    if context.get("archive_month"):
        return {"show": False}
    query = []
    for facet in context.get("facets") or ():
        if context.get("archive_year") and facet.name == "year":
            continue
        query += [(facet.name, choice.value) for choice in facet.choices if choice.selected]
    if context.get("archive_year"):
        query.append(("year", str(context["archive_year"])))
    if context.get("q"):
        query.append(("q", context["q"]))
    suffix = f"?{urlencode(query)}" if query else ""
    return {
        "show": True,
        "csv_url": reverse("api:release-export-csv") + suffix,
        "json_url": reverse("api:release-export-json") + suffix,
    }
