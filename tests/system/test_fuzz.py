"""Hostile addresses and query strings against every public URL: never a 5xx.

Hypothesis builds requests in the shapes the URLs take (a year where a year goes, a slug
where a slug goes) filled with values nobody should send: NUL bytes, broken UTF-8
percent-escapes, path traversal, SQL and HTML fragments, full-text search operators, huge
numbers and very long strings, parameters repeated, empty or unknown. Every answer must be
below 500: a 404, a 400, a redirect or the page with the bad value ignored.

The examples are bounded (the Hypothesis profile's `max_examples`, no deadline) so the file
runs in well under a minute on SQLite on a two-core machine; pass `--hypothesis-seed=N` to
replay a run.
"""

import base64
import logging
import traceback
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.signals import got_request_exception
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from releases.models import FormerSlug, Release
from tests.support.factories import (
    LegislationFactory,
    OrganizationFactory,
    QuoteFactory,
    ReleaseFactory,
    TopicFactory,
)

# How many examples: the profile's (tests/conftest.py: 800 in CI, fewer locally); the
# heaviest pages get five eighths of them.
FUZZ = settings(
    deadline=None,
    database=None,  # no .hypothesis/ folder left in the work tree; replay with the seed
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values as a person (or a scanner) would type them; percent-encoded before sending.
HOSTILE = [
    "", " ", "0", "-1", "00", "0000", "9999", "13", "99999999999999999999999999", "1e309",
    "NaN", "Infinity", "None", "null", "true", "[]", "{}", "\x00", "a\x00b", "\x7f", "\r\n",
    "../../../etc/passwd", "..\\..\\windows\\win.ini", "....//....//", "/", "//", ".", "..",
    "' OR '1'='1", "1; DROP TABLE releases_release; --", '" OR ""="', "%' --", "\\", "`",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)",
    "{{ 7*7 }}", "{% debug %}", "${7*7}", "%s%s%s%n", "AND", "OR", "NOT", "NEAR", "*", '"',
    "a OR b", "NEAR(a b)", "-a", "a*", "^a", "title:a", "a AND NOT b", "(", ")", "'", "’",
    "x" * 5000, "1" * 400, "ñ", "日本語", "🦄", "\u202e", "\ufeff", "Ａ", "ǅ", "İ", "ß", "\ufffd",
    "s1733-113", "S1733-113", "s99999999999999999999-113", "hr0-0", "K000367", "k000367",
    "2014", "1789", "1788", "2100", "2101", "-2014", "２０１４", "2014.0", " 2014 ",
]  # fmt: skip
# Escapes sent as they are: broken UTF-8, bare and malformed percents, separators.
RAW_ESCAPES = [
    "%ff", "%fe%ff", "%c3%28", "%e2%82", "%ed%a0%80", "%c0%af", "%", "%%", "%zz", "%0", "%00",
    "%u0041", "+", "%2B", "&", "=", "==", "%26", "%3D", "%E2%80%AE", "%2e%2e%2f", "%5c", "%0d%0a",
]  # fmt: skip
PARAMETERS = [
    "senator", "topic", "legislation", "organization", "year", "q", "page", "cursor",
    "page_size", "format", "ordering", "p", "next", "from", "to", "callback", "limit",
    "offset", "search", "sort", "",
]  # fmt: skip

SENATORS = ["amy-klobuchar", "heidi-heitkamp", "K000367", "H001069"]
TOPICS = ["human-trafficking", "agriculture", "no-such-topic"]
BILLS = ["s1733-113", "hr3610-113", "s9999-113"]
ORGANIZATIONS = ["polaris-project", "united-nations"]
RELEASE_SLUGS = ["trafficking-bill-introduced", "draft-release", "embargoed-release", "old-slug"]
KNOWN = SENATORS + TOPICS + BILLS + ORGANIZATIONS + RELEASE_SLUGS

no_surrogates = st.characters(exclude_categories=("Cs",))
text = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(KNOWN),
    st.text(alphabet=no_surrogates, max_size=40),
    st.integers().map(str),
)


def encode(value):
    return quote(value, safe="")


def _cursor(position):
    """A cursor in DRF's shape (base64 of a query string) holding a hostile position."""
    return base64.b64encode(f"o=0&r=0&p={position}".encode()).decode("ascii")


# An encoded value: quoted text, a raw escape, the two glued, or a hand-made cursor.
encoded_value = st.one_of(
    text.map(encode),
    st.sampled_from(RAW_ESCAPES),
    st.tuples(text.map(encode), st.sampled_from(RAW_ESCAPES)).map("".join),
    st.tuples(st.integers(), text).map(
        lambda t: encode(_cursor(f"{t[1]}")).replace("o%3D0", f"o%3D{t[0]}")
    ),
    text.map(lambda t: encode(_cursor(t))),
)
parameter = st.one_of(
    st.sampled_from(PARAMETERS), st.text(alphabet=no_surrogates, max_size=12).map(encode)
)
pair = st.one_of(
    st.tuples(parameter, encoded_value).map(lambda p: f"{p[0]}={p[1]}"),
    parameter,  # a name with no "="
)
query_string = st.lists(pair, max_size=8).flatmap(
    lambda pairs: st.sampled_from(["&", ";", "&&"]).map(lambda sep: sep.join(pairs))
)

# A path segment: something of the right shape, or anything at all.
segment = st.one_of(
    st.sampled_from(KNOWN),
    st.from_regex(r"[-a-zA-Z0-9_]{1,300}", fullmatch=True),
    text.map(encode),
    st.sampled_from(RAW_ESCAPES),
    st.sampled_from(["..", ".", "%2e%2e", "..%2f..%2f", "%2f", "a/b", "%00", "x" * 3000]),
)
year = st.one_of(st.from_regex(r"[0-9]{4}", fullmatch=True), segment)
month = st.one_of(st.from_regex(r"[0-9]{2}", fullmatch=True), segment)
digits = st.one_of(st.integers(min_value=-1, max_value=10**20).map(str), segment)
bioguide = st.one_of(st.from_regex(r"[A-Z][0-9]{6}", fullmatch=True), segment)


def shaped(template, *parts):
    return st.tuples(*parts).map(lambda values: template.format(*values))


STATIC_PAGES = [
    "/", "/releases/", "/releases/feed/rss/", "/releases/feed/atom/", "/quotes/", "/topics/",
    "/legislation/", "/senators/", "/organizations/", "/sitemap.xml", "/robots.txt",
    "/api/v1/", "/api/v1/releases/", "/api/v1/senators/", "/api/v1/topics/",
    "/api/v1/legislation/", "/api/v1/organizations/", "/api/v1/quotes/",
    "/api/v1/releases/export.csv", "/api/v1/releases/export.json", "/api/v1/schema/",
    "/api/v1/docs/", "/api/v1/redoc/", "/admin/login/", "/releases/2014/", "/releases/2014/05/",
    "/releases/2014/05/trafficking-bill-introduced/",
]  # fmt: skip
html_path = st.one_of(
    shaped("/releases/{}/", year),
    shaped("/releases/{}/{}/", year, month),
    shaped("/releases/{}/{}/{}/", year, month, segment),
    shaped("/releases/preview/{}/", digits),
    shaped("/preview/{}/", segment),
    shaped("/topics/{}/", segment),
    shaped("/legislation/{}/", segment),
    shaped("/senators/{}/", segment),
    shaped("/organizations/{}/", segment),
    shaped("/releases/{}", segment),  # no trailing slash: the redirect
    shaped("/{}/", segment),
    shaped("/static/{}", segment),
    shaped("/media/{}", segment),
)
api_path = st.one_of(
    shaped("/api/v1/releases/{}/", digits),
    shaped("/api/v1/quotes/{}/", digits),
    shaped("/api/v1/senators/{}/", bioguide),
    shaped("/api/v1/topics/{}/", segment),
    shaped("/api/v1/legislation/{}/", segment),
    shaped("/api/v1/organizations/{}/", segment),
    shaped("/api/v1/{}/", segment),
    shaped("/api/v1/{}/{}/", segment, segment),
    shaped("/api/v1/releases/export.{}", segment),
)


@pytest.fixture
def newsroom(klobuchar, heitkamp):
    """A small newsroom: a joint release with quotes, bills, topics and organizations, a
    draft, an embargoed release and a renamed one, so real and hostile values both land."""
    trafficking = TopicFactory(name="Human trafficking", slug="human-trafficking")
    agriculture = TopicFactory(name="Agriculture", slug="agriculture")
    s1733 = LegislationFactory(bill_type="s", number=1733, congress=113, sponsor=klobuchar)
    hr3610 = LegislationFactory(bill_type="hr", number=3610, congress=113)
    polaris = OrganizationFactory(name="Polaris Project", slug="polaris-project")
    un = OrganizationFactory(name="United Nations", slug="united-nations")
    published = timezone.now() - timedelta(days=3)
    joint = ReleaseFactory(
        title="Klobuchar, Heitkamp introduce trafficking bill",
        slug="trafficking-bill-introduced",
        published_at=published,
        senators=[klobuchar, heitkamp],
        topics=[trafficking],
        legislation=[s1733, hr3610],
        organizations=[polaris, un],
    )
    QuoteFactory(release=joint, senator=klobuchar, text="No child should be sold.")
    QuoteFactory(release=joint, senator=heitkamp, text="North Dakota stands up.")
    renamed = ReleaseFactory(slug="farm-bill-passes", senators=[heitkamp], topics=[agriculture])
    FormerSlug.objects.create(release=renamed, slug="old-slug")
    ReleaseFactory(slug="draft-release", status=Release.Status.DRAFT, senators=[klobuchar])
    ReleaseFactory(
        slug="embargoed-release",
        published_at=timezone.now() + timedelta(days=1),
        senators=[klobuchar],
    )
    for _ in range(25):  # more than a page, so ?page= has somewhere to go
        ReleaseFactory(senators=[klobuchar], topics=[agriculture])


class Fuzzer:
    """Sends requests and fails on the first 5xx, with the server's traceback."""

    def __init__(self):
        self.client = Client(raise_request_exception=False)
        self.requests = 0
        self.errors = []
        self.failed = False
        got_request_exception.connect(self._record, weak=False)

    def _record(self, sender, request=None, **kwargs):
        self.errors.append(traceback.format_exc())

    def close(self):
        got_request_exception.disconnect(self._record)

    def fetch(self, url, method="get"):
        self.errors.clear()
        self.failed = True  # until this request is through
        response = getattr(self.client, method)(url)
        self.requests += 1
        if response.status_code >= 500:
            detail = self.errors[-1] if self.errors else getattr(response, "content", b"")[:500]
            pytest.fail(f"{method.upper()} {url!r} answered {response.status_code}: {detail}")
        self.failed = False
        return response


@pytest.fixture
def fuzzer(newsroom):
    # Thousands of 404s and 400s would each log a warning; a 5xx fails with its traceback.
    quiet = [logging.getLogger(name) for name in ("django.request", "django.security")]
    levels = [logger.level for logger in quiet]
    for logger in quiet:
        logger.setLevel(logging.CRITICAL)
    fuzzer = Fuzzer()
    yield fuzzer
    fuzzer.close()
    for logger, level in zip(quiet, levels, strict=True):
        logger.setLevel(level)
    print(f"\n{fuzzer.requests} fuzz requests")
    if not fuzzer.failed:
        # The examples really ran: as many as the heaviest test has, at least.
        assert fuzzer.requests >= settings().max_examples * 5 // 8


@FUZZ
@given(path=st.one_of(st.sampled_from(STATIC_PAGES), html_path), query=query_string)
def test_pages_never_answer_5xx(fuzzer, path, query):
    fuzzer.fetch(f"{path}?{query}" if query else path)


@settings(FUZZ, max_examples=settings().max_examples * 5 // 8)  # facets and search each time
@given(
    path=st.sampled_from(
        [
            "/releases/", "/releases/2014/", "/releases/2014/05/", "/releases/feed/rss/",
            "/releases/feed/atom/", "/quotes/", "/topics/agriculture/", "/legislation/s1733-113/",
            "/senators/amy-klobuchar/", "/organizations/polaris-project/", "/", "/sitemap.xml",
        ]
    ),
    query=query_string,
)  # fmt: skip
def test_list_filters_never_answer_5xx(fuzzer, path, query):
    """The filtered lists and feeds, where every parameter reaches the database."""
    fuzzer.fetch(f"{path}?{query}")


@FUZZ
@given(
    path=st.one_of(st.sampled_from([p for p in STATIC_PAGES if p.startswith("/api/")]), api_path),
    query=query_string,
    method=st.sampled_from(["get", "get", "get", "head", "options", "post", "delete"]),
)
def test_api_never_answers_5xx(fuzzer, path, query, method):
    fuzzer.fetch(f"{path}?{query}" if query else path, method)


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
@pytest.mark.parametrize("method", ["options", "post", "put", "delete"])
def test_api_docs_pages_refuse_other_methods_with_405(client, path, method):
    """Found by the fuzzer: OPTIONS on the docs pages was a 500 (DRF's metadata answer went
    through the page's HTML template renderer, which has no template for it)."""
    client.raise_request_exception = False
    assert getattr(client, method)(path).status_code == 405
    assert client.get(path).status_code == 200
