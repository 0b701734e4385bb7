"""A bounded load generator for the newsroom: N keep-alive connections for S seconds.

Run by tests/system/test_load.py against a real gunicorn, and usable by hand against any server:

    python tests/support/loadgen.py --base http://127.0.0.1:8000 --catalog catalog.json --seconds 60

Standard library only. Each connection is a thread with its own http.client keep-alive
connection and its own random generator, sending one request after another until the deadline.
Each request is drawn from a mix of every public page type (home, lists with random filters,
pages and searches, archives, releases, senators, topics, bills, organizations and their
indexes, quotes, feeds, sitemap, robots.txt, the API and its exports, static files, redirects
and 404s) and carries the status its URL implies: 200, 301 (with its Location), 404 or 400.
Query strings are randomised, so most requests miss the page cache and reach the database.

The catalog (JSON, written by the test) names what exists; see `Mix`. The report (printed,
and written as JSON with --report) counts requests, statuses, errors, wrong answers and
latencies.
"""

import argparse
import http.client
import json
import random
import string
import sys
import threading
import time
from collections import Counter, defaultdict
from urllib.parse import urlencode, urlsplit

SAMPLES = 20  # wrong answers and errors kept as examples, per kind

# A kept-alive connection the server closed between two requests (a worker recycled after
# max_requests, the keep-alive timeout) fails before any answer: a client may resend an
# idempotent request on a new connection (RFC 9112, 9.3.1), as browsers and urllib3 do.
STALE_CONNECTION = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


class Mix:
    """Requests as (kind, path, expected status, expected Location path or None)."""

    def __init__(self, catalog, rng):
        self.c = catalog
        self.rng = rng
        kinds = [
            (self.home, 3), (self.release_list, 16), (self.search, 9), (self.archive, 6),
            (self.release, 14), (self.senator, 5), (self.topic, 4), (self.bill, 3),
            (self.organization, 3), (self.index, 5), (self.quotes, 3), (self.feed, 6),
            (self.sitemap, 1), (self.robots, 1), (self.static, 1), (self.api_list, 6),
            (self.api_detail, 4), (self.api_export, 2), (self.api_bad, 1), (self.redirect, 3),
            (self.not_found, 4),
        ]  # fmt: skip
        self.kinds = [k for k, _ in kinds]
        self.weights = [w for _, w in kinds]

    def next(self):
        return self.rng.choices(self.kinds, self.weights)[0]()

    def first(self, n):
        """Connection n's first request: with as many connections as kinds, every kind is
        asked for at least once, however short the run."""
        return self.kinds[n % len(self.kinds)]()

    # Helpers

    def token(self):
        return "".join(self.rng.choices(string.ascii_lowercase + string.digits, k=8))

    def some(self, values, most=2):
        return self.rng.sample(values, self.rng.randint(1, min(most, len(values))))

    def query(self, params):
        return "?" + urlencode(params) if params else ""

    def tracking(self):
        """What links from newsletters and social media carry; the page ignores it."""
        if self.rng.random() < 0.5:
            return []
        return [("utm_source", "newsletter"), ("utm_campaign", self.token())]

    def words(self):
        return " ".join(self.rng.sample(self.c["words"], self.rng.choice([1, 1, 2])))

    def page(self):
        if self.rng.random() < 0.3:
            return []
        # Past the last page is the last page, not an error.
        return [("page", self.rng.randint(1, self.c["pages"] + 2))]

    def filters(self, lenient=True):
        """Random filters of the release list: 1-3 parameters, a value or two each (OR)."""
        c = self.c
        choices = {
            "senator": [s["slug"] for s in c["senators"]],
            "topic": c["topics"],
            "legislation": c["bills"],
            "organization": c["organizations"],
            "year": [str(y) for y in c["years"]],
        }
        params = []
        for name in self.rng.sample(sorted(choices), self.rng.randint(1, 3)):
            params += [(name, v) for v in self.some(choices[name])]
        if lenient and self.rng.random() < 0.1:
            params.append(("topic", "no-such-topic"))  # named on the page and ignored
        return params

    # Pages

    def home(self):
        return "home", "/" + self.query(self.tracking()), 200, None

    def release_list(self):
        params = self.filters() if self.rng.random() < 0.8 else []
        return "list", "/releases/" + self.query(params + self.page()), 200, None

    def search(self):
        params = [("q", self.words())]
        if self.rng.random() < 0.3:
            params += self.filters()
        return "search", "/releases/" + self.query(params + self.page()), 200, None

    def archive(self):
        if self.rng.random() < 0.5:
            path = f"/releases/{self.rng.choice(self.c['years'])}/"
        else:
            year, month = self.rng.choice(self.c["months"])
            path = f"/releases/{year}/{month:02d}/"
        params = self.filters() if self.rng.random() < 0.3 else []
        return "archive", path + self.query(params + self.page()), 200, None

    def release(self):
        path = self.rng.choice(self.c["releases"])["path"]
        return "release", path + self.query(self.tracking()), 200, None

    def senator(self):
        slug = self.rng.choice(self.c["senators"])["slug"]
        return "senator", f"/senators/{slug}/" + self.query(self.page()), 200, None

    def topic(self):
        slug = self.rng.choice(self.c["topics"])
        return "topic", f"/topics/{slug}/" + self.query(self.page()), 200, None

    def bill(self):
        bill_id = self.rng.choice(self.c["bills"])
        return "bill", f"/legislation/{bill_id}/" + self.query(self.page()), 200, None

    def organization(self):
        slug = self.rng.choice(self.c["organizations"])
        return "organization", f"/organizations/{slug}/" + self.query(self.page()), 200, None

    def index(self):
        path = self.rng.choice(["/senators/", "/topics/", "/legislation/", "/organizations/"])
        return "index", path + self.query(self.tracking()), 200, None

    def quotes(self):
        params = []
        if self.rng.random() < 0.5:
            params += [("senator", s["slug"]) for s in self.some(self.c["senators"])]
        if self.rng.random() < 0.4:
            params += [("topic", t) for t in self.some(self.c["topics"])]
        if self.rng.random() < 0.3:
            params.append(("q", self.words()))
        return "quotes", "/quotes/" + self.query(params + self.page()), 200, None

    def feed(self):
        path = self.rng.choice(["/releases/feed/rss/", "/releases/feed/atom/"])
        params = self.filters() if self.rng.random() < 0.8 else []
        if self.rng.random() < 0.2:
            params.append(("q", self.words()))
        # A value naming nothing is a 400 that names it: a feed reader shows no notice.
        status = 400 if ("topic", "no-such-topic") in params else 200
        return "feed", path + self.query(params), status, None

    def sitemap(self):
        return "sitemap", "/sitemap.xml", 200, None

    def robots(self):
        return "robots", "/robots.txt", 200, None

    def static(self):
        return "static", self.rng.choice(self.c["static"]), 200, None

    # The API: strict, so only values that exist (api_bad sends the others)

    def api_filters(self):
        params = self.filters(lenient=False) if self.rng.random() < 0.7 else []
        if self.rng.random() < 0.3:  # senators by Bioguide ID too
            params.append(("senator", self.rng.choice(self.c["senators"])["bioguide_id"]))
        if self.rng.random() < 0.3:
            params.append(("q", self.words()))
        return params

    def api_list(self):
        size = [("page_size", self.rng.randint(1, 100))] if self.rng.random() < 0.5 else []
        collection = self.rng.choice(
            ["releases"] * 6 + ["senators", "topics", "legislation", "organizations", "quotes"]
        )
        if collection == "releases":
            params = self.api_filters()
        elif collection == "quotes" and self.rng.random() < 0.5:
            params = [("senator", self.rng.choice(self.c["senators"])["slug"])]
        else:
            params = []
        return "api-list", f"/api/v1/{collection}/" + self.query(params + size), 200, None

    def api_detail(self):
        c, rng = self.c, self.rng
        path = rng.choice([
            f"releases/{rng.choice(c['releases'])['id']}", f"quotes/{rng.choice(c['quotes'])}",
            f"senators/{rng.choice(c['senators'])['bioguide_id']}",
            f"topics/{rng.choice(c['topics'])}", f"legislation/{rng.choice(c['bills'])}",
            f"organizations/{rng.choice(c['organizations'])}",
        ])  # fmt: skip
        return "api-detail", f"/api/v1/{path}/", 200, None

    def api_export(self):
        path = self.rng.choice(["/api/v1/releases/export.csv", "/api/v1/releases/export.json"])
        # Mostly a selection: the whole newsroom is the heaviest answer the site gives.
        params = self.filters(lenient=False) if self.rng.random() < 0.9 else []
        # One export at a time per server process: while others run, a 429 with Retry-After
        # is the right answer too (api/export.py), and a client tries again later.
        return "api-export", path + self.query(params), (200, 429), None

    def api_bad(self):
        params = self.rng.choice([
            [("senator", f"no-such-{self.token()}")], [("page_size", "0")],
            [("year", "not-a-year")], [("cursor", self.token())],
        ])  # fmt: skip
        return "api-400", "/api/v1/releases/" + self.query(params), 400, None

    # Redirects and missing pages

    def redirect(self):
        rng = self.rng
        if rng.random() < 0.5:  # an address typed without its trailing slash
            path = rng.choice([
                "/releases", "/senators", "/topics", "/api/v1/releases",
                f"/senators/{rng.choice(self.c['senators'])['slug']}",
                f"/topics/{rng.choice(self.c['topics'])}",
            ])  # fmt: skip
            query = self.query(self.tracking())
            return "redirect", path + query, 301, path + "/" + query
        # A release under a wrong date: one release, one address.
        release = rng.choice(self.c["releases"])["path"]
        _, _, year, month, slug, _ = release.split("/")
        wrong = f"/releases/{int(year) - rng.randint(1, 5)}/{month}/{slug}/"
        return "redirect", wrong, 301, release

    def not_found(self):
        c, rng, token = self.c, self.rng, self.token()
        path = rng.choice([
            rng.choice(c["hidden"])["path"],  # a draft or an embargoed release
            f"/api/v1/releases/{rng.choice(c['hidden'])['id']}/",
            f"/releases/{rng.choice(c['years'])}/05/no-such-release-{token}/",
            f"/senators/no-such-{token}/", f"/topics/no-such-{token}/",
            f"/organizations/no-such-{token}/", f"/legislation/s9{rng.randint(1000, 9999)}-99/",
            f"/releases/{rng.choice(c['years'])}/13/", f"/no-such-page-{token}/",
            f"/api/v1/no-such-{token}/",
        ])  # fmt: skip
        return "404", path, 404, None


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)  # kind -> seconds
        self.statuses = Counter()
        self.cache = Counter()  # X-Page-Cache: hit / miss / none
        self.wrong = []  # answers other than the expected one
        self.errors = Counter()  # connection errors and timeouts, by exception
        self.error_samples = []
        self.stale_retries = 0
        self.bytes = 0

    def record(self, kind, seconds, status, cache, size, wrong=None):
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[status] += 1
            self.cache[cache or "none"] += 1
            self.bytes += size
            if wrong:
                self.wrong.append(wrong)

    def error(self, kind, path, exc):
        with self.lock:
            name = type(exc).__name__
            self.errors[name] += 1
            if len(self.error_samples) < SAMPLES:
                self.error_samples.append(f"{kind} {path}: {name}: {exc}")


def ms(seconds):
    return None if seconds is None else round(seconds * 1000, 1)


def percentile(values, fraction):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(fraction * len(values)))]


def fetch(connection, path):
    """(response, body length): GET with a browser's headers, the body read to the end."""
    connection.request(
        "GET", path, headers={"Accept-Encoding": "gzip", "User-Agent": "newsroom-loadgen"}
    )
    response = connection.getresponse()
    return response, len(response.read())


def worker(n, base, catalog, seed, deadline, timeout, stats):
    mix = Mix(catalog, random.Random(seed * 1000 + n))
    host, port = urlsplit(base).hostname, urlsplit(base).port
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    requests = 0
    try:
        while time.monotonic() < deadline:
            kind, path, expected, location = mix.next() if requests else mix.first(n)
            requests += 1
            started = time.monotonic()
            try:
                reused = connection.sock is not None
                try:
                    response, size = fetch(connection, path)
                except STALE_CONNECTION:
                    if not reused:
                        raise
                    connection.close()
                    with stats.lock:
                        stats.stale_retries += 1
                    response, size = fetch(connection, path)
            except (OSError, http.client.HTTPException) as exc:  # timeouts too
                stats.error(kind, path, exc)
                connection.close()  # a new connection for the next request
                continue
            seconds = time.monotonic() - started
            if seconds > timeout:  # the socket's timeout bounds each read, not the whole
                stats.error(kind, path, TimeoutError(f"answered after {seconds:.1f} s"))
            status, wrong = response.status, None
            got = urlsplit(response.getheader("Location", ""))
            got_location = got.path + (f"?{got.query}" if got.query else "")
            allowed = expected if isinstance(expected, tuple) else (expected,)
            if status == 429 and not response.getheader("Retry-After"):
                allowed = ()  # busy, but not saying when to come back
            if status not in allowed or (location is not None and got_location != location):
                wrong = f"{kind} {path}: {status} (expected {expected}"
                wrong += f" to {location}, got {got_location})" if location else ")"
            stats.record(kind, seconds, status, response.getheader("X-Page-Cache"), size, wrong)
            if response.will_close:
                connection.close()
    finally:
        connection.close()


def run(base, catalog, seconds, connections, timeout, seed):
    stats = Stats()
    started = time.monotonic()
    deadline = started + seconds
    threads = [
        threading.Thread(target=worker, args=(n, base, catalog, seed, deadline, timeout, stats))
        for n in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    every = [s for kind in stats.latencies.values() for s in kind]
    return {
        "seconds": round(elapsed, 1),
        "connections": connections,
        "requests": len(every),
        "requests_per_second": round(len(every) / elapsed, 1),
        "p50_ms": ms(percentile(every, 0.5)),
        "p99_ms": ms(percentile(every, 0.99)),
        "max_ms": ms(max(every, default=None)),
        "megabytes": round(stats.bytes / 1e6, 1),
        "statuses": {str(k): v for k, v in sorted(stats.statuses.items())},
        "page_cache": dict(stats.cache),
        "errors": dict(stats.errors),
        "error_samples": stats.error_samples,
        "stale_keepalive_retries": stats.stale_retries,
        "wrong": len(stats.wrong),
        "wrong_samples": stats.wrong[:SAMPLES],
        "kinds_in_mix": len(Mix(catalog, random.Random()).kinds),
        "kinds": {
            kind: {
                "requests": len(values),
                "p50_ms": ms(percentile(values, 0.5)),
                "p99_ms": ms(percentile(values, 0.99)),
            }
            for kind, values in sorted(stats.latencies.items())
        },
    }


def format_report(report):
    lines = [
        f"{report['requests']} requests in {report['seconds']} s over "
        f"{report['connections']} connections: {report['requests_per_second']} req/s, "
        f"p50 {report['p50_ms']} ms, p99 {report['p99_ms']} ms, max {report['max_ms']} ms, "
        f"{report['megabytes']} MB",
        f"statuses: {report['statuses']}; page cache: {report['page_cache']}",
        f"errors: {report['errors'] or 'none'}; wrong answers: {report['wrong']}; "
        f"stale keep-alive connections retried: {report['stale_keepalive_retries']}",
    ]
    lines += [
        f"  {kind:<13} {k['requests']:>6} requests"
        f"  p50 {k['p50_ms']:>8} ms  p99 {k['p99_ms']:>8} ms"
        for kind, k in report["kinds"].items()
    ]
    lines += [f"  error: {e}" for e in report["error_samples"]]
    lines += [f"  wrong: {w}" for w in report["wrong_samples"]]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", required=True, help="e.g. http://127.0.0.1:8000")
    parser.add_argument("--catalog", required=True, help="JSON: what exists on the site")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--timeout", type=float, default=30, help="per request, seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--report", help="also write the report here, as JSON")
    args = parser.parse_args(argv)
    with open(args.catalog) as f:
        catalog = json.load(f)
    report = run(args.base, catalog, args.seconds, args.connections, args.timeout, args.seed)
    print(format_report(report), flush=True)
    if args.report:
        with open(args.report, "w") as f:
            json.dump(report, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
