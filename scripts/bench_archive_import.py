"""How fast `import_archive` is, on 2,000 generated congress-press records.

Usage: .venv/bin/python scripts/bench_archive_import.py [--records N] [--database-url URL]

Everything happens in a temporary folder with its own SQLite database (never the project's
db.sqlite3), unless --database-url names another database to use (it is migrated and
written to: give it a throwaway one). The newsroom gets the senators of the test fixture
`legislators-historical.yaml` (with their terms) plus 100 generated senators serving from
2001, 300 bills and 60 organizations, so that recognizing names has real work to do. The
records are the test fixture's (tests/support/fixtures/archive/press.jsonl), varied: other
addresses, titles, dates (2001 to 2024) and senators; a tenth are a joint release posted by
a second office, one in twenty a House record, one in twenty without text.

The import rate is set against a baseline measured in the same run, on the same database:
creating as many Release rows with `bulk_create` (200 a batch), no parsing, no links, no
search entries, no versions; the floor for writing the rows at all. The rerun (every record
already there) is what resuming after an interruption costs for the part already done.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests/support/fixtures"
PRESS = FIXTURES / "archive/press.jsonl"
HISTORICAL = FIXTURES / "legislators/legislators-historical.yaml"
LAST = [
    "Abbott", "Barton", "Calloway", "Dunmore", "Ellery", "Fairbanks", "Galloway", "Hartwell",
    "Ingram", "Jessup", "Kearney", "Lockhart", "Merriman", "Northcott", "Oakes", "Pemberton",
    "Quimby", "Radcliffe", "Sutter", "Thornbury",
]  # fmt: skip
FIRST = ["Alex", "Blair", "Casey", "Dana", "Eli", "Frances", "Gale", "Harper", "Ira", "Jordan"]
TOPICS = ["Rural Broadband", "Dairy Prices", "Rail Safety", "Veterans' Care", "Flood Relief"]


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build_newsroom():
    from django.core.management import call_command

    from people.models import Organization, Senator, Term
    from releases.models import Legislation

    call_command("migrate", verbosity=0)
    call_command("import_legislators", str(HISTORICAL), stdout=StringIO())
    senators = Senator.objects.bulk_create(
        Senator(
            bioguide_id=f"B{900000 + i}", first_name=FIRST[i % 10],
            last_name=LAST[i % 20] + ("" if i < 20 else f"-{i}"), slug=f"bench-senator-{i}",
            party="DRI"[i % 3], state="MN",
        )
        for i in range(100)
    )  # fmt: skip
    Term.objects.bulk_create(
        Term(senator=s, start=date(2001, 1, 3), end=date(2031, 1, 3), state="MN", party=s.party)
        for s in Senator.objects.filter(bioguide_id__startswith="B9")
    )
    Legislation.objects.bulk_create(
        Legislation(
            bill_type="s", number=2000 + i, congress=107 + i % 12,
            bill_id=f"s{2000 + i}-{107 + i % 12}",
            short_title=f"{LAST[i % 20]} {FIRST[i % 10]} Protection Act of {2001 + i % 24}",
        )
        for i in range(300)
    )  # fmt: skip
    Organization.objects.bulk_create(
        Organization(name=f"{LAST[i % 20]} {['Center', 'Foundation', 'Council'][i % 3]} {i}",
                     slug=f"bench-org-{i}")
        for i in range(60)
    )  # fmt: skip
    return [s.bioguide_id for s in senators]


def write_records(path, count, bioguides):
    """`count` records: the fixture's joint release, varied, with joint postings among them."""
    rng = random.Random(1733)
    joint = json.loads(PRESS.read_text().splitlines()[0])
    text = joint["text"]
    lines, n = [], 0
    while len(lines) < count:
        n += 1
        senator = rng.choice(bioguides)
        day = date(2001, 1, 10) + timedelta(days=rng.randrange(24 * 365))
        title = f"{LAST[n % 20]} Announces Measure {n} on {rng.choice(TOPICS)} for Minnesota"
        body = (
            f"Washington, D.C. – U.S. Senator {FIRST[n % 10]} {LAST[n % 20]} today announced "
            f"measure {n}, S. {2000 + rng.randrange(300)}. " + text.partition(" – ")[2]
        )
        member = dict(joint["member"], bioguide_id=senator, chamber="Senate")
        url = f"https://www.bench.senate.gov/news/{n}"
        record = dict(joint, url=url, title=title, date=day.isoformat(), text=body, member=member)
        if n % 20 == 0:
            record["member"] = dict(record["member"], chamber="House")
        if n % 20 == 1:
            record["text"] = None
        lines.append(json.dumps(record))
        if n % 10 == 5 and len(lines) < count:  # the same release, from a second office
            member = dict(record["member"], bioguide_id=rng.choice(bioguides))
            url = f"https://www.other.senate.gov/news/{n}"
            other = dict(record, url=url, title=f"Senators Join to Announce {n}", member=member)
            lines.append(json.dumps(other))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def plain_create(count):
    from django.utils import timezone

    from releases.models import Release

    body = json.loads(PRESS.read_text().splitlines()[0])["text"]
    now = timezone.now()
    Release.objects.bulk_create(
        (
            Release(title=f"Plain {n}", slug=f"plain-{n}", body=body, status="published",
                    published_at=now, source_url=f"https://www.bench.senate.gov/plain/{n}")
            for n in range(count)
        ),
        batch_size=200,
    )  # fmt: skip


def plain_delete():
    from releases.models import Release

    Release.objects.filter(slug__startswith="plain-").delete()


def timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--database-url")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-archive-") as tmp:
        tmp = Path(tmp)
        setup_django(options.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}")
        from django.db import connection

        from importing.archive import archive_import
        from releases.models import Release

        bioguides = build_newsroom()
        path = tmp / "2014-05.jsonl"
        write_records(path, options.records, bioguides)

        def import_all():
            return archive_import(paths=[path])

        baseline, _ = timed(plain_create, options.records)
        plain_delete()  # not timed
        first, report = timed(import_all)
        again, rerun = timed(import_all)
        releases = Release.objects.count()

    n = options.records
    print(f"\nimport_archive benchmark: {n} records, {connection.vendor}, Python "
          f"{sys.version.split()[0]}\n")  # fmt: skip
    print(f"{'':44} {'seconds':>8} {'records/s':>10}")
    for label, seconds in [
        ("plain create (bulk_create, no parsing)", baseline),
        ("import_archive, first run", first),
        ("import_archive, again (all already there)", again),
    ]:
        print(f"{label:44} {seconds:8.2f} {n / seconds:10.0f}")
    print(f"\nFirst run: {report.summary()}; {releases} releases.")
    print(f"Again: {rerun.summary()}.")
    print(
        f"The import runs at {first and baseline / first:.1%} of the plain-create rate; "
        f"a rerun at {first / again:.0f}× the first run's."
    )
    if rerun.counts["imported"] or rerun.counts["joint merged"]:
        sys.exit("the second run imported something")


if __name__ == "__main__":
    main()
