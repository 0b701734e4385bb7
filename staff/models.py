from django.db import models
from django.utils import timezone


class StaffChange(models.Model):
    """One change to a staff account, as it was made: who, what, when, through what.

    Written by `staff.services.staff_change_record()` (the receivers in staff/signals.py call
    it for every save of a user, their groups, per-user permissions and offices), and never
    changed after: the admin shows it read-only to newsroom admins, and nobody may edit or
    delete a row there. The accounts are kept by id and username rather than by foreign key,
    so a row outlives the account it names and deleting a user changes nothing here.
    """

    class Action(models.TextChoices):
        CREATED = "created", "Created"
        CHANGED = "changed", "Account fields changed"
        PASSWORD = "password", "Password"
        GROUPS = "groups", "Groups"
        PERMISSIONS = "permissions", "Per-user permissions"
        OFFICES = "offices", "Offices"
        DELETED = "deleted", "Deleted"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    account_id = models.PositiveIntegerField("account id", db_index=True)
    account_username = models.CharField("account", max_length=150)
    action = models.CharField(max_length=20, choices=Action.choices)
    detail = models.TextField()
    # Empty when no logged-in user made the change (a management command, code).
    actor_id = models.PositiveIntegerField("by (id)", null=True, blank=True)
    actor_username = models.CharField("by", max_length=150, blank=True)
    # "admin", "web", "ensure_roles", "migrate", or "code" when nothing said.
    source = models.CharField("through", max_length=30)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "staff account change"
        verbose_name_plural = "staff account changes"

    def __str__(self):
        return f"{self.account_username}: {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("A staff account change is kept as it was written.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("A staff account change is kept as it was written.")
