"""/press/unsubscribe/<token>/: a reporter stops getting an office's press email.

The token (signed, with the contact's own key: a new key ends every link sent so far) is the
only authority, so the page needs no login. A GET only asks (mail filters and link previews
open every link in a message: they must not unsubscribe anyone); a POST unsubscribes at
once. Mail programs' one-click unsubscribe (RFC 8058) POSTs `List-Unsubscribe=One-Click`
to the same address with no cookie and no CSRF token, hence csrf_exempt: the token stands
in for both.
"""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from distribution.models import PressContact
from distribution.services import contact_unsubscribe


@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    contact = PressContact.from_unsubscribe_token(token)
    if contact is None:
        response = render(request, "distribution/unsubscribe_invalid.html", status=404)
    elif request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        via = PressContact.Via.ONE_CLICK if one_click else PressContact.Via.LINK
        contact_unsubscribe(contact=contact, via=via)
        response = render(request, "distribution/unsubscribed.html", {"contact": contact})
    else:
        response = render(request, "distribution/unsubscribe.html", {"contact": contact})
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
