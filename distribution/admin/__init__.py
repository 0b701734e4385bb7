"""The press lists' admin: contacts, lists and the CSV import (contacts.py); sending a
release and what became of it (sending.py)."""

from distribution.admin import contacts, sending  # noqa: F401 (they register the models)
