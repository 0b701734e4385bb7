from functools import wraps

from django.http import HttpResponseForbidden


def staff_only(view):
    """403 for anyone but active staff: for endpoints called by the admin's JavaScript."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_staff):
            return HttpResponseForbidden("Staff only.", content_type="text/plain")
        return view(request, *args, **kwargs)

    return wrapper
