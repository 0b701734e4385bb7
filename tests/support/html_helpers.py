"""Read what a visitor sees on a page: listed releases, facet counts, filter chips, notices."""

import re
from html.parser import HTMLParser

_RELEASE_TITLE = re.compile(
    r'class="(?:release-item|lead-story)__title"[^>]*>\s*<a href="[^"]*">([^<]*)</a>', re.DOTALL
)


def listed_titles(response):
    """The titles of the releases listed on a page (the home page's lead too), repeats kept."""
    return _RELEASE_TITLE.findall(response.content.decode())


def text(response):
    return response.content.decode()


class _FilterPageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.facets = {}  # (name, value) -> (count, checked)
        self.chips = []  # {"label": ..., "href": ...}
        self.notices = []
        self._checkbox = None  # (name, value, checked) waiting for its count
        self._in_count = False
        self._in_chips = False
        self._chip = None
        self._in_notice = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "input" and attrs.get("type") == "checkbox":
            self._checkbox = (attrs.get("name"), attrs.get("value"), "checked" in attrs)
        elif tag == "span" and "count" in classes and self._checkbox:
            self._in_count = True
        elif tag == "ul" and "chips" in classes:
            self._in_chips = True
        elif tag == "a" and self._in_chips and "chips__clear" not in classes:
            self._chip = {"label": "", "href": attrs.get("href")}
        elif tag == "p" and "notice" in classes:
            self._in_notice = True
            self.notices.append("")

    def handle_endtag(self, tag):
        if tag == "span" and self._in_count:
            self._in_count = False
            self._checkbox = None
        elif tag == "a" and self._chip is not None:
            self._chip["label"] = self._chip["label"].replace("×", "").strip()
            self.chips.append(self._chip)
            self._chip = None
        elif tag == "ul" and self._in_chips:
            self._in_chips = False
        elif tag == "p" and self._in_notice:
            self._in_notice = False

    def handle_data(self, data):
        if self._in_count:
            name, value, checked = self._checkbox
            self.facets[(name, value)] = (int(data.strip().replace(",", "")), checked)
        elif self._chip is not None:
            self._chip["label"] += data
        elif self._in_notice:
            self.notices[-1] += data


def _parse(response):
    parser = _FilterPageParser()
    parser.feed(response.content.decode())
    return parser


def facet_counts(response, name=None):
    """{(parameter, value): count} for each facet checkbox, or {value: count} for one facet."""
    facets = _parse(response).facets
    if name is None:
        return {key: count for key, (count, _) in facets.items()}
    return {value: count for (n, value), (count, _) in facets.items() if n == name}


def checked_choices(response):
    """The facet checkboxes that are ticked, as {(parameter, value)}."""
    return {key for key, (_, checked) in _parse(response).facets.items() if checked}


def chips(response):
    """The active-filter chips: [{"label": "Topic: Veterans", "href": "?topic=..."}]."""
    return _parse(response).chips


def notices(response):
    return _parse(response).notices
