"""The API's OpenAPI schema: the release filters come from the registry when it is made.

drf-spectacular builds each operation's parameters from `@extend_schema`; a view marked
`registry_filters = True` also gets one parameter per filter of the release list's registry
(releases/browse/registry.py), read when the schema is generated, so a filter added there is
documented as it is accepted.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from releases.browse import registry

SEARCH = OpenApiParameter(
    "q",
    {"type": "string", "maxLength": 200},
    description="Words to search for, as the site's search box takes them.",
)


def repeatable(name, description, example):
    return OpenApiParameter(
        name,
        {"type": "array", "items": {"type": "string", "minLength": 1}},
        explode=True,
        style="form",
        description=description + " Repeat the parameter for any of several (OR).",
        examples=[OpenApiExample(example, value=[example])],
    )


def filter_parameter(public_filter):
    if public_filter.kind == "choice":
        values = [option.value for option in public_filter.options()]
        return OpenApiParameter(
            public_filter.parameter,
            {"type": "array", "items": {"type": "string", "enum": values}},
            explode=True,
            style="form",
            description=f"{public_filter.api_description} Repeat for any of several (OR).",
            examples=[OpenApiExample(public_filter.api_example, value=[public_filter.api_example])],
        )
    if public_filter.kind == "year":
        first, last = registry.YEARS[0], registry.YEARS[-1]
        return OpenApiParameter(
            public_filter.parameter,
            {"type": "array", "items": {"type": "integer", "minimum": first, "maximum": last}},
            explode=True,
            style="form",
            description=f"{public_filter.api_description} Repeat for any of several (OR).",
        )
    return repeatable(
        public_filter.parameter, public_filter.api_description, public_filter.api_example
    )


def release_filter_parameters(parameters=None):
    """The schema's parameters for the release filters (`parameters`: only those)."""
    chosen = [
        f for f in registry.public_filters() if parameters is None or f.parameter in parameters
    ]
    return [filter_parameter(f) for f in chosen]


class NewsroomAutoSchema(AutoSchema):
    """The schema class of every API view (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS)."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        wanted = getattr(self.view, "registry_filters", None)
        if not wanted or getattr(self.view, "action", "list") != "list":
            return parameters
        if wanted is True:  # the release list: every filter, and the search
            return [*release_filter_parameters(), SEARCH, *parameters]
        return [*release_filter_parameters(wanted), *parameters]
