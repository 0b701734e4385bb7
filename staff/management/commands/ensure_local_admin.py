import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from staff.services import staff_changes_by


class Command(BaseCommand):
    help = "Create or reset the local 'admin' superuser with a fresh password, and print it."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument("--url", default="http://127.0.0.1:8000/admin/")

    def handle(self, *args, username, url, **options):
        if not settings.DEBUG:
            raise CommandError("Refusing to reset an admin password with DJANGO_DEBUG=0.")
        password = secrets.token_urlsafe(12)
        with staff_changes_by(None, source="ensure_local_admin"):
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"email": f"{username}@localhost"}
            )
            user.is_staff = user.is_superuser = user.is_active = True
            user.set_password(password)
            user.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"\n  Local admin login ({'created' if created else 'password reset'}):\n"
                f"    {url}\n"
                f"    username: {username}\n"
                f"    password: {password}\n"
            )
        )
