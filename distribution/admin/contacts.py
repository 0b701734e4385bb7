"""Press contacts and lists in the admin, each office's own; and the CSV import.

Staff see, pick and change only the contacts and lists of their offices (newsroom admins:
every office's), like releases: another office's are missing from the lists, the
autocompletes and the filters, and their addresses answer as for a deleted object.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Max, Prefetch, Q
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from core.eastern import eastern
from distribution.forms import ContactImportForm, PressContactForm, PressListForm
from distribution.models import PressContact, PressList
from distribution.selectors import contacts_for, lists_for, offices_for
from distribution.services import NotCSV, contacts_import, contacts_unsubscribe


class OfficeFilter(admin.SimpleListFilter):
    """The user's offices (every office, for newsroom admins); shown when there are two."""

    title = "office"
    parameter_name = "office"

    def lookups(self, request, model_admin):
        offices = list(offices_for(request.user))
        return [(senator.pk, str(senator)) for senator in offices] if len(offices) > 1 else []

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(office_id=int(self.value()))
        return queryset


class ListFilter(admin.SimpleListFilter):
    title = "list"
    parameter_name = "list"

    def lookups(self, request, model_admin):
        lists = lists_for(request.user).select_related("office").order_by("name")
        several = len(offices_for(request.user)) > 1
        return [
            (pl.pk, f"{pl.name} ({pl.office.last_name})" if several else pl.name) for pl in lists
        ]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(lists=int(self.value()))
        return queryset


class SubscriptionFilter(admin.SimpleListFilter):
    title = "press email"
    parameter_name = "subscription"

    def lookups(self, request, model_admin):
        return [("subscribed", "Gets it"), ("unsubscribed", "Unsubscribed")]

    def queryset(self, request, queryset):
        if self.value() == "subscribed":
            return queryset.subscribed()
        if self.value() == "unsubscribed":
            return queryset.unsubscribed()
        return queryset


class OfficeScopedAdmin(admin.ModelAdmin):
    """The user's offices' rows only; the office field offers only their offices."""

    scope = None  # staticmethod(contacts_for) or staticmethod(lists_for)

    def get_queryset(self, request):
        return self.scope(request.user, super().get_queryset(request))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "office":
            kwargs["queryset"] = offices_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        offices = list(offices_for(request.user)[:2])
        if len(offices) == 1:
            initial.setdefault("office", offices[0].pk)
        return initial

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="Office", ordering="office__last_name")
    def office_name(self, obj):
        return str(obj.office)


@admin.register(PressContact)
class PressContactAdmin(OfficeScopedAdmin):
    scope = staticmethod(contacts_for)
    form = PressContactForm
    list_display = ["reporter", "email", "beats", "on_lists", "office_name", "press_email"]
    list_display_links = ["reporter"]
    list_filter = [OfficeFilter, ListFilter, SubscriptionFilter]
    search_fields = ["name", "outlet", "email", "beats"]
    list_per_page = 100
    actions = ["unsubscribe_selected"]
    readonly_fields = ["press_email_state", "created", "updated"]
    fieldsets = [
        (None, {"fields": ["office", "name", "outlet", "email", "beats", "lists", "notes"]}),
        ("Press email", {"fields": ["press_email_state"]}),
        ("History", {"fields": ["created", "updated"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("office", "created_by", "updated_by")
            .prefetch_related(Prefetch("lists", queryset=PressList.objects.order_by("name")))
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.base_fields["lists"].queryset = (
            lists_for(request.user).select_related("office").order_by("office__last_name", "name")
        )
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.lists.set(form.cleaned_data.get("lists") or [])

    @admin.display(description="Reporter", ordering="name")
    def reporter(self, contact):
        if not contact.outlet:
            return contact.name
        return format_html('{}<br><span class="quiet">{}</span>', contact.name, contact.outlet)

    @admin.display(description="Lists")
    def on_lists(self, contact):
        return ", ".join(pl.name for pl in contact.lists.all()) or "—"

    def get_list_display(self, request):
        shown = list(super().get_list_display(request))
        if len(offices_for(request.user)[:2]) < 2:
            shown.remove("office_name")  # one office: the column would say it on every row
        return shown

    @admin.display(description="Press email", ordering="unsubscribed_at")
    def press_email(self, contact):
        if contact.is_unsubscribed():
            return f"Unsubscribed {eastern(contact.unsubscribed_at, 'day')}"
        return "Gets it"

    @admin.display(description="Press email")
    def press_email_state(self, contact):
        if contact.pk is None:
            return "Gets it once saved and on a list."
        if contact.is_unsubscribed():
            how = contact.get_unsubscribed_via_display().lower()
            return f"Unsubscribed {eastern(contact.unsubscribed_at)} ({how}): sent nothing"
        return "Gets it"

    @admin.display(description="Added")
    def created(self, contact):
        return _who(contact.created_by, contact.created_at)

    @admin.display(description="Last changed")
    def updated(self, contact):
        return _who(contact.updated_by, contact.updated_at)

    @admin.action(description="Unsubscribe the selected contacts (they asked)",
                  permissions=["change"])  # fmt: skip
    def unsubscribe_selected(self, request, queryset):
        done = contacts_unsubscribe(contacts=list(queryset), by=request.user)
        self.message_user(
            request, f"Unsubscribed {done} contact(s): they are sent no more press email."
        )

    # The CSV import.

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="distribution_presscontact_import",
            ),
        ] + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra = {"may_import": self.has_add_permission(request), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra)

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        offices = offices_for(request.user)
        form = ContactImportForm(request.POST or None, request.FILES or None, offices=offices)
        report = None
        if request.method == "POST" and form.is_valid():
            try:
                report = contacts_import(
                    office=form.cleaned_data["office"], data=form.cleaned_data["file"].read(),
                    by=request.user, dry_run=form.cleaned_data["dry_run"],
                )  # fmt: skip
            except NotCSV as error:
                form.add_error("file", error)
            else:
                counts = report.counts
                verb = "Checked: nothing was imported" if report.dry_run else "Imported"
                self.message_user(
                    request,
                    f"{verb}. {counts['created']} new, {counts['updated']} updated, "
                    f"{counts['unchanged']} unchanged, {counts['skipped']} skipped.",
                    messages.WARNING if report.dry_run or counts["skipped"] else messages.SUCCESS,
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import press contacts from a CSV file",
            "form": form,
            "report": report,
            "no_office": not offices.exists(),
            "changelist_url": reverse("admin:distribution_presscontact_changelist"),
        }
        return TemplateResponse(request, "admin/distribution/presscontact/import.html", context)


@admin.register(PressList)
class PressListAdmin(OfficeScopedAdmin):
    scope = staticmethod(lists_for)
    form = PressListForm
    list_display = ["name", "office_name", "contact_count", "unsubscribed_count", "last_sent"]
    list_filter = [OfficeFilter]
    search_fields = ["name", "description"]
    autocomplete_fields = ["contacts"]
    readonly_fields = ["created", "updated"]
    fieldsets = [
        (None, {"fields": ["office", "name", "description", "contacts"]}),
        ("History", {"fields": ["created", "updated"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("office", "created_by", "updated_by")
            .annotate(
                contacts_n=Count("contacts", distinct=True),
                unsubscribed_n=Count(
                    "contacts", filter=Q(contacts__unsubscribed_at__isnull=False), distinct=True
                ),
                last_sent_at=Max("distributions__created_at"),
            )
        )

    @admin.display(description="Contacts", ordering="contacts_n")
    def contact_count(self, press_list):
        return press_list.contacts_n

    @admin.display(description="Unsubscribed", ordering="unsubscribed_n")
    def unsubscribed_count(self, press_list):
        return press_list.unsubscribed_n or "—"

    @admin.display(description="Last sent a release (ET)", ordering="last_sent_at")
    def last_sent(self, press_list):
        return eastern(press_list.last_sent_at)

    @admin.display(description="Made")
    def created(self, press_list):
        return _who(press_list.created_by, press_list.created_at)

    @admin.display(description="Last changed")
    def updated(self, press_list):
        return _who(press_list.updated_by, press_list.updated_at)


def _who(user, moment):
    if user is None:
        return eastern(moment)
    return f"{eastern(moment)} by {user.get_full_name() or user.get_username()}"
