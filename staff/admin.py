"""Staff accounts in the admin, with the senators' offices each user works in.

A user's offices decide which releases they see and edit (releases/selectors.py); their groups
(Press assistants, Press secretaries, Newsroom admins) decide what they may do with them.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from people.models import OfficeMembership

User = get_user_model()


class OfficeMembershipInline(admin.TabularInline):
    model = OfficeMembership
    fields = ["senator"]
    autocomplete_fields = ["senator"]
    extra = 0
    verbose_name = "office"
    verbose_name_plural = "Offices (this user sees and edits these senators' releases)"


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class NewsroomUserAdmin(UserAdmin):
    inlines = [*UserAdmin.inlines, OfficeMembershipInline]
    list_display = [*UserAdmin.list_display, "offices"]
    list_filter = [
        *UserAdmin.list_filter,
        ("office_memberships__senator", admin.RelatedOnlyFieldListFilter),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("office_memberships__senator")

    @admin.display(description="Offices")
    def offices(self, user):
        return ", ".join(m.senator.last_name for m in user.office_memberships.all()) or "—"
