"""Email alerts at scale: matching, delivery, digests and the publishing request, measured.

Usage: .venv/bin/python scripts/bench_alerts.py [--databases sqlite,postgresql]
                                                [--subscriptions 10000] [--releases 2000]
                                                [--out docs/benchmarks/alerts]

For each database (SQLite in /tmp/newsroom-alerts-bench/, PostgreSQL in the database
`newsroom_alerts_bench`, both made afresh) it makes a synthetic newsroom
(`generate_newsroom`) and --subscriptions confirmed subscriptions with varied filters, a
fifth of them following one popular senator, then measures, each against a baseline taken
in the same run:

1. matching: the subscriptions one release matches (queries and time), against the same
   matching over a pool of 100 subscriptions and one `Release.objects.published().count()`;
2. delivery: one real worker (`manage.py db_worker`) announcing a release published with
   `release_publish()` and sending its alerts to a local SMTP sink (aiosmtpd): emails per
   second, against raw smtplib sending the very same messages over one connection;
3. a daily digest for every subscriber: making it (`digest_make`) and sending it with one
   worker, in total;
4. the publishing request (the admin's *Publish now*, through Django's test client) with
   the alerts' receivers connected and disconnected: the work is queued, not done there.

The report goes to <out>.md and <out>.json. It is run by hand, not in CI.
"""

import argparse
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
WORK = Path("/tmp/newsroom-alerts-bench")
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_NAME = "newsroom_alerts_bench"
# The targets.
TARGET_MATCH_S, TARGET_EMAILS_PER_S, TARGET_DIGEST_S = 1.0, 100, 600


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The orchestrator: one child process per database (Django is set up once per process).


def database_url(vendor):
    WORK.mkdir(parents=True, exist_ok=True)
    if vendor == "sqlite":
        for path in WORK.glob("alerts-bench.sqlite3*"):
            path.unlink()
        return f"sqlite:///{WORK}/alerts-bench.sqlite3"
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {PG_NAME}")
    return f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"


def child_env(url, smtp_port):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))}
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings", PYTHONPATH=str(ROOT), DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1", DJANGO_SECURE_SSL_REDIRECT="0",
        DJANGO_SECURE_COOKIES="0", DATABASE_URL=url, EMAIL_BACKEND="smtp",
        EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp_port), EMAIL_TIMEOUT="30",
        NEWSROOM_SITE_URL="https://news.example", TASKS_BACKEND="database",
        PAGE_CACHE_STAMP_FILE=str(Path("/tmp") / "newsroom-alerts-bench-stamp"),
    )  # fmt: skip
    return env


def orchestrate(args):
    results = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
               "machine": f"{os.cpu_count()} cores", "subscriptions": args.subscriptions,
               "releases": args.releases, "databases": {}}  # fmt: skip
    for vendor in args.databases.split(","):
        url = database_url(vendor)
        env = child_env(url, free_port())
        print(f"== {vendor}: {url}", flush=True)
        subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env,
                       check=True)  # fmt: skip
        subprocess.run([PY, "manage.py", "generate_newsroom", "--releases", str(args.releases),
                        "--seed", "13", "--no-search-index"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        out = WORK / f"{vendor}.json"
        subprocess.run([PY, __file__, "--child", str(out), "--subscriptions",
                        str(args.subscriptions)], cwd=ROOT, env=env, check=True)  # fmt: skip
        results["databases"][vendor] = json.loads(out.read_text())
    Path(f"{args.out}.json").write_text(json.dumps(results, indent=2) + "\n")
    Path(f"{args.out}.md").write_text(report(results))
    print(f"Wrote {args.out}.md and {args.out}.json")


def report(results):
    lines = [
        "# Email alerts at scale",
        "",
        f"`scripts/bench_alerts.py`, {results['when']}, {results['machine']} (shared with other "
        f"work), {results['subscriptions']:,} confirmed subscriptions with varied filters over "
        f"a synthetic newsroom of {results['releases']:,} releases. Every figure stands beside "
        "a baseline measured in the same run. How to run it: [README.md](README.md).",
        "",
    ]
    for vendor, r in results["databases"].items():
        m, d, g, p = r["matching"], r["delivery"], r["digest"], r["publishing"]
        lines += [
            f"## {vendor}",
            "",
            "| measure | figure | baseline | target |",
            "| --- | --- | --- | --- |",
            f"| matching one release ({m['matched']:,} of {m['pool']:,} subscriptions match) | "
            f"{m['ms']:.1f} ms, {m['queries']} queries | the same over 100 subscriptions: "
            f"{m['ms_100']:.1f} ms, {m['queries_100']} queries; one "
            f"`Release.objects.published().count()`: {m['count_ms']:.2f} ms | under 1 s, a fixed "
            "number of queries |",
            f"| announcing it (matching and {d['deliveries']:,} delivery rows, in the worker) | "
            f"{d['announce_s']:.2f} s | | |",
            f"| one worker sending its alerts to a local SMTP sink | {d['per_s']:.0f} emails/s "
            f"({d['sent']:,} in {d['send_s']:.1f} s) | raw smtplib, the same messages, one "
            f"connection: {d['raw_per_s']:.0f} emails/s ({d['ratio']:.0%}) | at least 100/s |",
            f"| a daily digest for {g['subscribers']:,} subscribers ({g['releases']} releases "
            f"that day; {g['digests']:,} digests) | {g['total_s']:.1f} s: made in "
            f"{g['make_s']:.1f} s, sent in {g['send_s']:.1f} s ({g['per_s']:.0f}/s) | | minutes, "
            "not hours |",
            f"| the publishing request (*Publish now*, median of {p['runs']}) | "
            f"{p['with_ms']:.1f} ms with alerts | {p['without_ms']:.1f} ms with their receivers "
            f"disconnected ({p['with_ms'] - p['without_ms']:+.1f} ms) | as fast as before |",
            "",
        ]
    lines += READING.splitlines()
    return "\n".join(lines) + "\n"


READING = """## Reading

- **Matching** takes a fixed number of queries (the release and what it links to, about
  eleven, then two for the subscriptions), the same for 100 subscriptions as for 10,000; the
  time beyond the 100-subscription baseline is the database grouping the terms of the
  subscriptions the release touches (`alerts/selectors.py`). Far under the second allowed.
- **Delivery.** Emails are claimed ten at a time (one conditional UPDATE and one read of
  which are this worker's, `Delivery.claim_group`); each is then built (the body rendered
  once per release or digest content, `alerts.messages.Bodies`; each subscriber's links put
  in), handed to the SMTP server and its row marked sent (one UPDATE). Raw smtplib sending
  the same bytes shows what the sink itself allows; the rest is building the MIME message
  (Python's `email` package, about 2 ms an email, in `mailing.messages`) and the commit per
  email, which costs more on PostgreSQL, where each commit waits for its WAL flush (claiming
  one email at a time, with two commits an email, PostgreSQL sent 87 a second on this
  machine). One worker stays above 100 emails a second; more workers share a batch (each
  claims its own emails).
- **Digests**: one run makes every digest of its hour in one transaction (a few seconds for
  10,000 subscribers), then sends them as alerts are sent. Subscribers with nothing new get
  no email, hence fewer digests than subscribers.
- **Publishing** does no alerts work in the request: one query (was the release public
  before this save?) and one INSERT (the queued task, in the same transaction); the
  difference with the receivers disconnected is within the run's noise.
"""


# The child: one database, Django set up.


def child(out, subscriptions):
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    port = int(os.environ["EMAIL_PORT"])

    class Sink:
        def __init__(self):
            self.received = []  # (time, to, bytes)

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            self.received.append((time.perf_counter(), envelope.rcpt_tos[0], envelope.content))
            return "250 OK"

    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        results = {}
        popular = make_subscriptions(subscriptions)
        reset_queries()
        results["matching"] = bench_matching(popular, CaptureQueriesContext, connection)
        results["delivery"] = bench_delivery(popular, sink, port)
        results["digest"] = bench_digest(sink)
        results["publishing"] = bench_publishing()
    finally:
        controller.stop()
    Path(out).write_text(json.dumps(results, indent=2))


def make_subscriptions(count):
    """`count` confirmed instant subscriptions: a fifth follow the popular senator, the rest
    one of a mix of filters. Returns the popular senator."""
    from django.http import QueryDict
    from django.utils import timezone

    from alerts.models import Subscription, SubscriptionTerm
    from alerts.selectors import read_filter
    from people.models import Organization, Senator
    from releases.models import Legislation, Topic

    rng = random.Random(7)
    senators = list(Senator.objects.values_list("slug", flat=True))
    topics = list(Topic.objects.values_list("slug", flat=True))
    bills = list(Legislation.objects.values_list("bill_id", flat=True)[:500])
    orgs = list(Organization.objects.values_list("slug", flat=True)[:200])
    words = ["farm", "broadband", "veterans", "drought", "rail", "tariff", "opioid", "housing"]
    popular = senators[0]
    mix = [
        (35, lambda: f"senator={rng.choice(senators)}"),
        (12, lambda: f"senator={rng.choice(senators)}&senator={rng.choice(senators)}"),
        (15, lambda: f"senator={rng.choice(senators)}&topic={rng.choice(topics)}"),
        (12, lambda: f"topic={rng.choice(topics)}"),
        (8, lambda: f"legislation={rng.choice(bills)}"),
        (5, lambda: f"organization={rng.choice(orgs)}"),
        (4, lambda: f"year={rng.choice([2025, 2026])}"),
        (5, lambda: f"q={rng.choice(words)}"),
        (4, lambda: f"senator={rng.choice(senators)}&q={rng.choice(words)}"),
    ]
    makers = [make for weight, make in mix for _ in range(weight)]
    readings = {}
    rows, terms = [], []
    now = timezone.now()
    for n in range(count):
        query = f"senator={popular}" if n % 5 == 0 else rng.choice(makers)()
        reading = readings.get(query) or readings.setdefault(query, read_filter(QueryDict(query)))
        rows.append(Subscription(
            email=f"reader{n}@example.com", q=reading.alert_filter.q,
            filter_key=reading.alert_filter.key(), consent_words=reading.words,
            consent_query=query, confirmed_at=now, digest_through=now,
        ))  # fmt: skip
    made = Subscription.objects.bulk_create(rows, batch_size=1000)
    for subscription in made:
        for parameter, value in readings[subscription.consent_query].alert_filter.terms:
            terms.append(SubscriptionTerm(subscription=subscription, parameter=parameter,
                                          value=value))  # fmt: skip
    SubscriptionTerm.objects.bulk_create(terms, batch_size=2000)
    print(f"  {count:,} subscriptions, {len(terms):,} terms, {len(readings):,} distinct filters",
          flush=True)  # fmt: skip
    return Senator.objects.get(slug=popular)


def new_release(title, senators, topics=(), status="published"):
    from django.utils import timezone

    from releases.models import Release, ReleaseSenator

    release = Release.objects.create(
        title=title, slug=f"bench-{secrets.token_hex(6)}", body="The senator announced it.",
        highlights="A first highlight\nA second one", status=status,
        published_at=timezone.now() if status == "published" else None,
    )  # fmt: skip
    for order, senator in enumerate(senators):
        ReleaseSenator.objects.create(release=release, senator=senator, order=order,
                                      role="lead" if order == 0 else "joint")  # fmt: skip
    release.topics.set(topics)
    return release


def timed(function, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        value = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, value


def bench_matching(popular, capture, connection):
    from alerts.models import Subscription
    from alerts.selectors import (
        matching_subscriptions,
        release_facts,
        release_for_matching,
        release_words,
    )
    from people.models import Senator
    from releases.models import Release, Topic

    joint = Senator.objects.exclude(pk=popular.pk).first()
    release = new_release("Matching bench", [popular, joint], Topic.objects.all()[:2],
                          status="draft")  # fmt: skip
    Release.objects.filter(pk=release.pk).update(
        status="published", published_at=release.created_at
    )
    pool = Subscription.objects.active().instant()
    small = Subscription.objects.filter(
        pk__in=list(pool.order_by("?").values_list("pk", flat=True)[:100])
    )

    def match(subscriptions):
        loaded = release_for_matching(release.pk)
        facts = release_facts([loaded])[loaded.pk]
        return matching_subscriptions(loaded, subscriptions, facts=facts,
                                      words=release_words(loaded))  # fmt: skip

    results = {}
    for label, subscriptions in [("", pool), ("_100", small)]:
        with capture(connection) as captured:
            match(subscriptions)
        ms, found = timed(lambda s=subscriptions: match(s))
        results[f"ms{label}"], results[f"queries{label}"] = ms, len(captured)
        if not label:
            results["matched"] = len(found)
    results["pool"] = pool.count()
    results["count_ms"], _ = timed(lambda: Release.objects.published().count())
    release.delete()
    print(f"  matching: {results}", flush=True)
    return results


def run_worker(label):
    """`manage.py db_worker` until no task is due (--batch); its wall time."""
    start = time.perf_counter()
    log = open(WORK / f"worker-{label}-{os.getpid()}.log", "w")  # noqa: SIM115
    subprocess.run([PY, "manage.py", "db_worker", "--batch", "--interval", "0",
                    "--no-startup-delay", "--no-reload"], cwd=ROOT, env=os.environ.copy(),
                   check=True, stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    return time.perf_counter() - start


def bench_delivery(popular, sink, port):
    import smtplib

    from django_tasks_db.models import DBTaskResult

    from alerts.models import AlertDelivery
    from releases.services import release_publish

    release = new_release("Delivery bench", [popular], status="draft")
    release_publish(release=release, by=None)  # queues the announcement, as the admin does
    before = len(sink.received)
    run_worker("delivery")
    received = sink.received[before:]
    run = DBTaskResult.objects.filter(task_path="alerts.tasks.announce_release",
                                      started_at__isnull=False).earliest("started_at")  # fmt: skip
    deliveries = AlertDelivery.objects.filter(release=release)
    sent = deliveries.filter(state="sent").count()
    first, last = received[0][0], received[-1][0]
    send_s = last - first
    # Announcing: from the task's start to its first email (match, rows, first build).
    first_sent = deliveries.filter(sent_at__isnull=False).order_by("sent_at").first().sent_at
    announce_s = (first_sent - run.started_at).total_seconds()
    # Baseline: the same messages, sent raw over one connection.
    start = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for _, to, data in received:
            smtp.sendmail("news@localhost", [to], data)
    raw_s = time.perf_counter() - start
    per_s = (len(received) - 1) / send_s
    raw_per_s = len(received) / raw_s
    results = {"deliveries": deliveries.count(), "sent": sent, "send_s": send_s,
               "per_s": per_s, "raw_per_s": raw_per_s, "ratio": per_s / raw_per_s,
               "announce_s": announce_s}  # fmt: skip
    print(f"  delivery: {results}", flush=True)
    return results


def bench_digest(sink):
    from datetime import timedelta

    from django.utils import timezone

    from alerts.models import DigestRun, Subscription
    from alerts.selectors import release_for_matching
    from alerts.services import digest_make, release_announce
    from alerts.tasks import send_digest
    from core.eastern import eastern_date
    from people.models import Senator
    from releases.models import Topic

    now = timezone.now()
    day, hour = eastern_date(now), 23  # a run made now, for the day's last hour
    Subscription.objects.update(frequency="daily", digest_hour=hour,
                                digest_through=now - timedelta(days=1))  # fmt: skip
    rng = random.Random(3)
    senators, topics = list(Senator.objects.all()), list(Topic.objects.all()[:100])
    count = 40
    for n in range(count):
        release = new_release(f"Digest bench {n}", rng.sample(senators, 2), rng.sample(topics, 2))
        release_announce(release=release_for_matching(release.pk))
    run = DigestRun.objects.create(day=day, hour=hour)
    start = time.perf_counter()
    digests = digest_make(run=run)
    make_s = time.perf_counter() - start
    send_digest.enqueue(day.isoformat(), hour)
    before = len(sink.received)
    run_worker("digest")
    received = sink.received[before:]
    send_s = received[-1][0] - received[0][0] if len(received) > 1 else 0.0
    per_s = (len(received) - 1) / send_s if send_s else 0.0
    results = {"subscribers": Subscription.objects.count(), "releases": count, "digests": digests,
               "sent": len(received), "make_s": make_s, "send_s": send_s,
               "total_s": make_s + send_s, "per_s": per_s}  # fmt: skip
    print(f"  digest: {results}", flush=True)
    return results


def bench_publishing():
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_save, pre_save
    from django.test import Client

    from alerts import signals
    from people.models import Senator
    from releases.models import Release

    user = get_user_model().objects.create_superuser("bench", "bench@example.com", "x")
    client = Client()
    client.force_login(user)
    nobody = Senator.objects.last()
    runs, times = 15, {"with": [], "without": []}

    def publish(label):
        draft = new_release("Publishing bench", [nobody], status="draft")
        start = time.perf_counter()
        data = {"action": "publish_now", "_selected_action": [draft.pk]}
        response = client.post("/admin/releases/release/", data)
        times[label].append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302, response.status_code

    publish("with")  # warm up
    times["with"].clear()
    for _ in range(runs):
        publish("with")
        for signal, sender, receiver in signals.RECEIVERS:
            signal.disconnect(receiver, sender=sender, dispatch_uid=f"alerts:{receiver.__name__}")
        publish("without")
        signals.connect()
    assert post_save and pre_save and Release
    results = {"runs": runs, "with_ms": statistics.median(times["with"]),
               "without_ms": statistics.median(times["without"])}  # fmt: skip
    print(f"  publishing: {results}", flush=True)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--releases", type=int, default=2000)
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks" / "alerts"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument(
        "--report-only", action="store_true", help="Write <out>.md from <out>.json again."
    )
    args = parser.parse_args()
    if args.report_only:
        Path(f"{args.out}.md").write_text(report(json.loads(Path(f"{args.out}.json").read_text())))
    elif args.child:
        child(args.child, args.subscriptions)
    else:
        orchestrate(args)


if __name__ == "__main__":
    main()
