"""Read what feed readers, search engines and link previews find in a page."""

import json
from html.parser import HTMLParser


class _HeadParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.alternates = []  # {"type": ..., "href": ..., "title": ...}
        self.canonical = None
        self.meta = {}  # property or name -> [content, ...]
        self.json_ld = []  # the raw text of each <script type="application/ld+json">
        self.subscribe = []  # {"type": ..., "href": ...} for links in .feed-links
        self._in_json_ld = False
        self._in_feed_links = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate":
            self.alternates.append(attrs)
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs.get("href")
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs.get("content"))
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_json_ld = True
            self.json_ld.append("")
        elif tag == "p" and "feed-links" in (attrs.get("class") or "").split():
            self._in_feed_links = True
        elif tag == "a" and self._in_feed_links:
            self.subscribe.append(attrs)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_json_ld = False
        elif tag == "p":
            self._in_feed_links = False

    def handle_data(self, data):
        if self._in_json_ld:
            self.json_ld[-1] += data


def read(response):
    parser = _HeadParser()
    parser.feed(response.content.decode())
    return parser


def feed_alternates(response):
    """{"rss": href, "atom": href} from the page's <link rel="alternate">."""
    kinds = {"application/rss+xml": "rss", "application/atom+xml": "atom"}
    return {kinds[a["type"]]: a["href"] for a in read(response).alternates if a["type"] in kinds}


def subscribe_links(response):
    """{"rss": href, "atom": href} from the visible "Subscribe: RSS · Atom" links."""
    kinds = {"application/rss+xml": "rss", "application/atom+xml": "atom"}
    return {kinds[a["type"]]: a["href"] for a in read(response).subscribe if a.get("type") in kinds}


def json_ld(response):
    """Each JSON-LD block of the page, parsed."""
    return [json.loads(block) for block in read(response).json_ld]


def meta(response):
    """{property or name: content} of the page's <meta> tags (the first of repeated ones)."""
    return {key: values[0] for key, values in read(response).meta.items()}


def meta_all(response, key):
    return read(response).meta.get(key, [])
