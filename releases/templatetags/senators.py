"""Senators in templates: their title on a day, and "(D-MN)" kept in one piece.

{{ senator|title_on:release.published_at }}  → "Sen." or "Former Sen."
{{ heading|party_labels }}                   → "… Klobuchar <span class="party">(D-MN)</span> …"
"""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

PARTY_STATE = re.compile(r"\((?:D|R|I)-[A-Z]{2}\)")


@register.filter
def title_on(senator, moment):
    """The senator's title when `moment` came (Senator.title_on)."""
    return senator.title_on(moment)


@register.filter
def party_labels(value):
    """`value` escaped, each "(D-MN)" in it marked as one label: the stylesheet keeps it
    from breaking at the hyphen ("(D-" at the end of one line, "MN)" on the next)."""
    escaped = str(conditional_escape(value))
    return mark_safe(PARTY_STATE.sub(r'<span class="party">\g<0></span>', escaped))  # noqa: S308
