"""The API's filters: the public list's own FilterSets, strict where the HTML list is lenient.

Releases go through `releases.browse.filters.ReleaseFilterSet`, so the API filters and
searches exactly as /releases/ does, with every filter of the registry
(releases/browse/registry.py). The differences: a value may also name its object by the
registry's `api_also_by` field (a senator by Bioguide ID), and a value that names nothing,
a malformed one or an unknown parameter is a 400.
"""

import re

from api.errors import BadParameters, reject_unknown_parameters
from releases.browse import registry
from releases.browse.filters import QuoteFilterSet, ReleaseFilterSet

PAGINATION_PARAMETERS = ("cursor", "page_size")


def _values_by_other_identifier(data):
    """`data` with each value given by another identifier (a Bioguide ID, K000367) swapped for
    the one the FilterSet takes (the slug), when it names something."""
    for public_filter in registry.public_filters():
        if not public_filter.api_also_by:
            continue
        field, pattern = public_filter.api_also_by
        values = data.getlist(public_filter.parameter)
        others = [v for v in values if re.match(pattern, v)]
        if not others:
            continue
        found = dict(
            public_filter.model._default_manager.filter(**{f"{field}__in": others}).values_list(
                field, public_filter.identifier
            )
        )
        data = data.copy()
        data.setlist(public_filter.parameter, [found.get(v, v) for v in values])
    return data


def check_filterset(filterset, raw):
    """BadParameters for every value the FilterSet could not use; `raw` is the query as sent."""
    form = filterset.form
    messages = {f.parameter: f.api_not_found for f in registry.public_filters()}
    errors = [
        {"parameter": name, "value": None,
         "message": f"{given} values: give at most {registry.MOST_VALUES} (repeat the request "
                    "for more)."}
        for name, given in getattr(filterset, "trimmed", {}).items()
    ]  # fmt: skip
    for name, field in form.fields.items():
        values = raw.getlist(name)
        if name in form.errors:
            message = messages.get(name) or " ".join(form.errors[name])
            bad = values
            if hasattr(field, "valid_value"):  # choice fields: name the values that fail
                bad = [v for v in values if not field.valid_value(v)] or values
            errors += [{"parameter": name, "value": v, "message": message} for v in bad]
        for value in getattr(field, "unknown", None) or ():
            # Report what was sent: another identifier was swapped for a slug only when known.
            errors.append(
                {
                    "parameter": name,
                    "value": value,
                    "message": messages.get(name) or f"No such {name}.",
                }
            )
    if errors:
        raise BadParameters(errors)


def _checked(filterset_class, request, queryset):
    filterset = filterset_class(
        _values_by_other_identifier(request.query_params), queryset=queryset, request=request
    )
    reject_unknown_parameters(request, {*filterset.filters, *PAGINATION_PARAMETERS})
    filterset.is_valid()
    check_filterset(filterset, request.query_params)
    return filterset


def filter_releases(request, queryset):
    """Public releases (`queryset`) narrowed by the request's filters.

    Raises BadParameters for an unknown parameter, a malformed value or one naming nothing.
    """
    return _checked(ReleaseFilterSet, request, queryset).qs


class APIQuoteFilterSet(QuoteFilterSet):
    """The quote list's filters, without its search box."""

    q = None


def filter_quotes(request, queryset):
    """Public quotes (`queryset`) narrowed by the request's filters; unfiltered, in the order
    that walks the releases' index (QuoteQuerySet.newest_first)."""
    filterset = _checked(APIQuoteFilterSet, request, queryset)
    if not any(filterset.form.cleaned_data.values()):
        return queryset.newest_first()
    return filterset.qs
