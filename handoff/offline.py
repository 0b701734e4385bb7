"""Pages made to browse offline: the site's links rewritten to files inside the bag.

A page is kept byte for byte as the site serves it, except the values of the link
attributes (href, src, srcset, action), each read from the start tags of the HTML, never
from its text. A link to something the bag holds becomes a path relative to the page; a
link to the rest of the site becomes its absolute address on the public site, so it still
works online and is plainly outside the bag; other sites' links are left alone.
"""

import html
import posixpath
import re
import shutil
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

# A start tag, attribute values quoted or not (a quoted value may hold a ">").
START_TAG = re.compile(
    r"""<[a-zA-Z][^\s/>]*(?:\s+[^\s"'=/>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*\s*/?>"""
)
LINK_ATTRIBUTE = re.compile(
    r"""(?P<lead>\s(?P<name>href|src|srcset|action)\s*=\s*)(?P<value>"[^"]*"|'[^']*')""",
    re.IGNORECASE,
)
NOT_A_PLACE = ("#", "mailto:", "tel:", "data:", "javascript:")


class Payload:
    """A bag's payload directory (its data/): its files and the site addresses they stand for."""

    def __init__(self, root, *, site_url):
        self.root = root  # the payload directory (the bag's data/)
        self.site = urlsplit(site_url)
        self.places = {}  # a site address (path, with its query) -> a payload path

    def place(self, address, path):
        """Record that the site's `address` is kept at `path` in the payload."""
        self.places[address] = path

    def write_text(self, path, text):
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def write_bytes(self, path, content):
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)

    def copy_stored(self, storage, name, path):
        """Copy the stored file `name` to `path`, a chunk at a time; False if it is gone."""
        if not storage.exists(name):
            return False
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, target.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        return True

    def keep_media(self, field_file, names):
        """Keep the stored files `names` of `field_file`'s storage under media/, at the
        addresses the site links them by."""
        storage = field_file.storage
        for name in names:
            address = storage.url(name)
            if address in self.places:
                continue
            path = f"media/{name}"
            if self.copy_stored(storage, name, path):
                self.place(address, path)

    def keep_static(self, address):
        """The payload path of the static file at the site's `address`, copied in the
        first time a page links it; None if no static file has that address."""
        prefix = "/" + settings.STATIC_URL.lstrip("/")
        if not address.startswith(prefix):
            return None
        name = address[len(prefix) :].split("?")[0].split("#")[0]
        path = f"static/{name}"
        if staticfiles_storage.exists(name):  # collected (hashed names in production)
            self.copy_stored(staticfiles_storage, name, path)
        elif found := finders.find(name):  # in an app's or the project's static/
            with open(found, "rb") as source:
                self.write_bytes(path, source.read())
        else:
            return None
        self.place(address, path)
        return path

    def offline(self, page, at):
        """`page` (HTML) with its links rewritten for the payload path `at`."""

        def attribute(match):
            quote_mark = match["value"][0]
            value = html.unescape(match["value"][1:-1])
            if match["name"].lower() == "srcset":
                candidates = [c.strip().split(None, 1) for c in value.split(",") if c.strip()]
                new = ", ".join(" ".join([self.link(c[0], at), *c[1:]]) for c in candidates)
            else:
                new = self.link(value, at)
            if new == value:
                return match[0]
            return f"{match['lead']}{quote_mark}{html.escape(new)}{quote_mark}"

        return START_TAG.sub(lambda tag: LINK_ATTRIBUTE.sub(attribute, tag[0]), page)

    def link(self, value, at):
        """Where `value`, a link on the page at payload path `at`, points from the bag."""
        if not value or value.lower().startswith(NOT_A_PLACE):
            return value
        parts = urlsplit(value)
        path = self.places.get(value)  # media kept elsewhere (S3) are linked in full
        if path is None:
            if parts.netloc and parts.netloc != self.site.netloc:
                return value  # another site's
            address = parts.path + (f"?{parts.query}" if parts.query else "")
            path = self.places.get(address) or self.keep_static(address)
        if path is None:
            return self.site._replace(path=parts.path, query=parts.query).geturl() + (
                f"#{parts.fragment}" if parts.fragment else ""
            )
        relative = posixpath.relpath(path, posixpath.dirname(at) or ".")
        return quote(relative) + (f"#{parts.fragment}" if parts.fragment else "")
