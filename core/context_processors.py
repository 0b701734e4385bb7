"""What every template may need from core: the generation kept fragments are filed under."""

from functools import cache

from core import caching


def kept(request):
    """`kept_generation` for `{% kept %}` fragments (core/templatetags/kept.py): the
    generation they are filed under, read once per request, when first used."""
    return {"kept_generation": cache(caching.generation)}
