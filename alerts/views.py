"""The public pages of alerts: sign up, confirm, manage, unsubscribe.

`/alerts/?<the list's filters>` says in words what will be sent and asks for an address and
a frequency; the confirmation link (`/alerts/confirm/<token>/`) shows a button, since mail
scanners open links: only the POST confirms. `/alerts/manage/<token>/` lists every alert of
the address; `/alerts/unsubscribe/<token>/` shows a button, and a POST there unsubscribes at
once, also as RFC 8058's one-click target (`List-Unsubscribe=One-Click`, no CSRF token: the
signed token is the authority). The pages carry tokens: never cached, never indexed.
"""

from functools import wraps

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from alerts.forms import FREQUENCIES, ManageForm, SubscribeForm
from alerts.models import (
    CONFIRM_SALT,
    MANAGE_SALT,
    UNSUBSCRIBE_SALT,
    Subscription,
    TokenError,
)
from alerts.selectors import filter_words, read_filter, subscription_filters
from alerts.services import (
    client_network,
    subscription_change,
    subscription_confirm,
    subscription_request,
    subscription_unsubscribe,
    subscriptions_unsubscribe_all,
)
from releases.feeds import feed_query


def private(view):
    """Neither kept by a cache (the page cache never keeps a no-store answer) nor indexed."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def _network(request):
    # The client's address as the site's login throttling reads it (AXES_CLIENT_IP_CALLABLE:
    # X-Forwarded-For only from a trusted proxy), kept coarse (services.client_network).
    return client_network(get_client_ip_address(request))


def _is_flood(error):
    """A refusal for sending too much (the flood limits, the re-send limit): 429."""
    return any(e.code == "flood" for errors in error.error_dict.values() for e in errors)


def _add_errors(form, error):
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


@private
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    """/alerts/?senator=…&topic=…: follow what the list shows for these filters."""
    reading = read_filter(request.GET)
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    status = 400 if reading.problems else 200
    if request.method == "POST" and not reading.problems:
        if form.is_valid():
            data = form.cleaned_data
            try:
                subscription = subscription_request(
                    email=data["email"], reading=reading, frequency=data["frequency"],
                    digest_hour=data["digest_hour"], network=_network(request),
                )  # fmt: skip
            except ValidationError as error:
                _add_errors(form, error)
                status = 429 if _is_flood(error) else 400
            else:
                return render(
                    request, "alerts/check_inbox.html",
                    {"email": subscription.email, "words": reading.words,
                     "days": _confirm_days(), "again_url": request.get_full_path()},
                )  # fmt: skip
        else:
            status = 400
    list_url = reverse("releases:list") + reading.query
    usable = reading.problems and (reading.alert_filter.terms or reading.alert_filter.q)
    return render(
        request,
        "alerts/subscribe.html",
        {
            "reading": reading,
            "words": reading.words,
            "list_url": list_url,
            "form": form,
            # A filter with values that name nothing: the part that does, to follow instead.
            "usable_url": reverse("alerts:subscribe") + reading.query if usable else "",
        },
        status=status,
    )


def _confirm_days():
    return settings.ALERTS_CONFIRM_DAYS


def _bad_link(request, error, purpose):
    """An expired (410) or tampered (400) link: a page that says so; nothing changed."""
    subscription = error.subscription
    again = ""
    if subscription is not None and not subscription.is_unsubscribed():
        again = reverse("alerts:subscribe") + (
            f"?{subscription.consent_query}" if subscription.consent_query else ""
        )
    return render(
        request,
        "alerts/bad_link.html",
        {"reason": error.reason, "purpose": purpose, "again": again,
         "words": subscription.consent_words if subscription else "", "days": _confirm_days()},
        status=410 if error.reason == "expired" else 400,
    )  # fmt: skip


@private
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    try:
        subscription = Subscription.from_token(token, CONFIRM_SALT)
    except TokenError as error:
        if error.subscription is None or not error.subscription.is_confirmed():
            return _bad_link(request, error, "confirm")
        subscription = error.subscription  # an old link to an alert confirmed since: fine
    manage_url = subscription.get_absolute_url()
    if subscription.is_unsubscribed():
        return render(request, "alerts/confirm.html",
                      {"subscription": subscription, "stopped": True}, status=410)  # fmt: skip
    if request.method == "POST":
        subscription, _ = subscription_confirm(subscription=subscription,
                                               network=_network(request))  # fmt: skip
        return redirect(manage_url + "?confirmed=1")
    return render(
        request,
        "alerts/confirm.html",
        {"subscription": subscription, "manage_url": manage_url,
         "frequency": dict(FREQUENCIES)[subscription.frequency]},
    )  # fmt: skip


def _alert_rows(alerts, request):
    filters = subscription_filters(alerts)
    rows = []
    for alert in alerts:
        prefix = f"alert-{alert.pk}"
        initial = {"frequency": alert.frequency, "digest_hour": alert.digest_hour,
                   "wants_corrections": alert.wants_corrections}  # fmt: skip
        bound = request.method == "POST" and request.POST.get("subscription") == str(alert.pk)
        form = ManageForm(request.POST if bound else None, prefix=prefix, initial=initial)
        words = filter_words(filters[alert.pk]) if filters[alert.pk] else alert.consent_words
        rows.append({
            "alert": alert, "form": form, "words": words,
            "list_url": reverse("releases:list") + feed_query(filters[alert.pk]),
        })  # fmt: skip
    return rows


@private
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token):
    """Every alert of the address the token's subscription belongs to."""
    try:
        subscription = Subscription.from_token(token, MANAGE_SALT)
    except TokenError as error:
        return _bad_link(request, error, "manage")
    here = reverse("alerts:manage", kwargs={"token": token})
    alerts = list(Subscription.objects.of_address(subscription.email).live()
                  .order_by("created_at", "pk"))  # fmt: skip
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "unsubscribe-all":
            stopped = subscriptions_unsubscribe_all(email=subscription.email,
                                                    via=Subscription.Via.MANAGE)  # fmt: skip
            messages.success(request, f"Stopped {stopped} alert{'s' if stopped != 1 else ''}. "
                             "Nothing more will be sent to this address.")  # fmt: skip
            return redirect(here)
        target = next((a for a in alerts if str(a.pk) == request.POST.get("subscription")), None)
        if target is None:
            messages.error(request, "That alert is not one of this address's, or was stopped "
                           "already. Nothing was changed.")  # fmt: skip
            return redirect(here)
        if action == "unsubscribe":
            subscription_unsubscribe(subscription=target, via=Subscription.Via.MANAGE)
            messages.success(request, f"Stopped: {target.consent_words}.")
            return redirect(here)
        rows = _alert_rows(alerts, request)
        form = next(row["form"] for row in rows if row["alert"] == target)
        if form.is_valid():
            try:
                subscription_change(subscription=target, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, "Saved your changes.")
                return redirect(here)
        status = 400
    else:
        rows = _alert_rows(alerts, request)
    return render(
        request,
        "alerts/manage.html",
        {"email": subscription.email, "rows": rows, "token": token,
         "confirmed": request.GET.get("confirmed") == "1" and subscription.is_active(),
         "just_confirmed": subscription},
        status=status,
    )  # fmt: skip


@csrf_exempt  # RFC 8058: mail providers POST here with no CSRF token; the token is the key
@private
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    try:
        subscription = Subscription.from_token(token, UNSUBSCRIBE_SALT)
    except TokenError as error:
        return _bad_link(request, error, "unsubscribe")
    context = {"subscription": subscription, "manage_url": subscription.get_absolute_url()}
    if request.method == "POST":
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        via = Subscription.Via.ONE_CLICK if one_click else Subscription.Via.LINK
        subscription_unsubscribe(subscription=subscription, via=via)
        return render(request, "alerts/unsubscribe.html", {**context, "done": True})
    return render(
        request, "alerts/unsubscribe.html",
        {**context, "done": subscription.is_unsubscribed(), "already": True},
    )  # fmt: skip
