"""Staff-only views that stand in for Django's own where those know nothing of our rules."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect

from releases.models import Quote, Release

# Models with no ModelAdmin of their own that the admin shows inside another's page: the
# object is judged, and linked to, through that one.
JUDGED_BY = {Quote: ("release", Release)}


def _missing():
    # One answer for "no such object" and "not yours to see": which it was is what a
    # guesser walking the ids wants to learn.
    return Http404("No such object.")


def view_on_site(request, content_type_id, object_id):
    """The admin's "View on site" shortcut (`/admin/r/<content type>/<id>/`), office-aware.

    Django's own (contenttypes' `shortcut`) redirects any staff user to any object's
    get_absolute_url(), which for a draft or embargoed release gives its slug away. This one
    looks the object up through its registered ModelAdmin, so the same rules as the change
    page apply (get_queryset, which scopes releases to the user's offices, and
    has_view_permission), and redirects to that ModelAdmin's view_on_site: the staff preview
    for a release not yet public. Anything else answers as for a missing object.
    """
    if not content_type_id.isdecimal():
        raise _missing()
    try:
        target = ContentType.objects.get_for_id(int(content_type_id)).model_class()
    except ContentType.DoesNotExist:
        raise _missing() from None
    field, model = JUDGED_BY.get(target, (None, target))
    if model is None or not admin.site.is_registered(model):
        raise _missing()
    model_admin = admin.site.get_model_admin(model)

    anchor = ""
    if field is not None:
        child = _lookup(target._default_manager.all(), target, object_id)
        object_id = str(getattr(child, f"{field}_id"))
        anchor = _anchor(child)
    obj = _lookup(model_admin.get_queryset(request), model, object_id)
    if not model_admin.has_view_permission(request, obj):
        raise _missing()

    url = _site_url(model_admin, obj)
    if url is None:
        raise _missing()
    return HttpResponseRedirect(url + anchor)


def _lookup(queryset, model, object_id):
    try:
        pk = model._meta.pk.to_python(object_id)
        obj = queryset.filter(pk=pk).first()
    except (ValidationError, ValueError, TypeError):
        obj = None
    if obj is None:
        raise _missing()
    return obj


def _anchor(child):
    # A quote's place on its release's page (Quote.get_absolute_url) or preview.
    return f"#quote-{child.pk}" if isinstance(child, Quote) else ""


def _site_url(model_admin, obj):
    """The ModelAdmin's own idea of the object's page, never the shortcut itself (a loop)."""
    if callable(model_admin.view_on_site):
        return model_admin.view_on_site(obj)
    if model_admin.view_on_site and hasattr(obj, "get_absolute_url"):
        return obj.get_absolute_url()
    return None
