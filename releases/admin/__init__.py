"""The staff's admin for releases and what they are about; each module registers its own."""

from releases.admin import releases, subjects  # noqa: F401  (registers the ModelAdmins)
