"""Staff read alerts, never write them: who follows what (with the consent record), and
every delivery's state, attempts and last error, so a mail server's refusals are seen.

Read-only for everyone, superusers included: a consent record is evidence, and a delivery's
state is the worker's to keep. Newsroom admins may view both (staff/roles.py).
"""

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html

from alerts.models import AlertDelivery, Subscription
from mailing.models import Delivery


class ReadOnlyAdmin(admin.ModelAdmin):
    show_facets = admin.ShowFacets.ALWAYS  # the counts beside each filter choice

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StateFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("active", "Confirmed"), ("pending", "Waiting for confirmation"),
                ("unsubscribed", "Unsubscribed")]  # fmt: skip

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.active()
        if self.value() == "pending":
            return queryset.live().filter(confirmed_at__isnull=True)
        if self.value() == "unsubscribed":
            return queryset.filter(unsubscribed_at__isnull=False)
        return queryset


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["email", "consent_words", "frequency", "state", "created_at", "sent_count"]
    list_filter = [StateFilter, "frequency", "digest_hour", "wants_corrections"]
    search_fields = ["email", "consent_words"]
    date_hierarchy = "created_at"
    fieldsets = [
        (None, {"fields": ["email", "consent_words", "q", "frequency", "digest_hour",
                           "wants_corrections"]}),
        ("Consent record", {
            "description": "What was asked for, when and from which network (coarsely), and "
                           "when the address confirmed it (double opt-in).",
            "fields": ["consent_asked_at", "consent_query", "consent_network", "confirmed_at",
                       "confirmed_network", "created_at"],
        }),
        ("Ending", {"fields": ["unsubscribed_at", "unsubscribed_via"]}),
        ("Sending", {"fields": ["confirmations_sent", "confirmations_window_start",
                                "digest_through", "deliveries_link"]}),
    ]  # fmt: skip
    readonly_fields = ["created_at", "deliveries_link"]

    def get_queryset(self, request):
        sent = Count("deliveries", filter=Q(deliveries__state=Delivery.State.SENT))
        return super().get_queryset(request).annotate(sent_count=sent)

    @admin.display(description="state")
    def state(self, subscription):
        if subscription.is_unsubscribed():
            return "Unsubscribed"
        return "Confirmed" if subscription.is_confirmed() else "Waiting for confirmation"

    @admin.display(description="emails sent", ordering="sent_count")
    def sent_count(self, subscription):
        return subscription.sent_count

    @admin.display(description="deliveries")
    def deliveries_link(self, subscription):
        url = reverse("admin:alerts_alertdelivery_changelist")
        return format_html('<a href="{}?subscription__id__exact={}">Every email to this '
                           "subscription</a>", url, subscription.pk)  # fmt: skip


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["kind", "recipient", "about", "state", "attempts", "next_attempt_at",
                    "sent_at", "last_error"]  # fmt: skip
    list_filter = ["state", "kind", "created_at"]
    list_select_related = ["subscription", "release", "digest_run"]
    search_fields = ["subscription__email", "release__title", "last_error", "message_id"]
    fields = ["kind", "subscription", "release", "correction", "digest_run", "digest_day",
              "state", "attempts", "created_at", "claimed_at", "next_attempt_at", "sent_at",
              "message_id", "last_error"]  # fmt: skip
    readonly_fields = fields

    @admin.display(description="to", ordering="subscription__email")
    def recipient(self, delivery):
        return delivery.subscription.email

    @admin.display(description="about")
    def about(self, delivery):
        if delivery.release_id:
            return delivery.release.title
        if delivery.digest_run_id:
            return str(delivery.digest_run)
        return "Confirmation"
