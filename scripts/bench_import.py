"""How fast `import_releases` is, on 1,000 generated release files.

Usage: .venv/bin/python scripts/bench_import.py [--files N] [--database-url URL]

Everything happens in a temporary folder with its own SQLite database (never the project's
db.sqlite3), unless --database-url names another database to use (it is migrated and
written to: give it a throwaway one). The newsroom gets the demo plus 100 senators, 300
bills and 60 organizations, so that recognizing names has real work to do; the files are
variations of the sample release (a tenth of them saved HTML pages), with other titles,
dates, datelines, speakers and bill citations.

The import rate is set against two baselines measured in the same run, on the same machine
and database:
- parse only: reading, parsing and recognizing every file, writing nothing; what the
  import adds to it is the database work;
- plain create: creating the same number of releases with their two senators and two
  quotes directly through the ORM, one transaction each; the floor for writing them.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests/fixtures/releases/klobuchar-heitkamp-sex-trafficking-2014.txt"
DATELINES = [
    "WASHINGTON, D.C. –", "Minneapolis, MN –", "FARGO, N.D. —", "ST. PAUL, Minn. -",
    "Richmond, VA –", "WASHINGTON —",
]  # fmt: skip
FIRST = ["Alex", "Blair", "Casey", "Dana", "Eli", "Frances", "Gale", "Harper", "Ira", "Jordan"]
LAST = [
    "Abbott", "Barton", "Calloway", "Dunmore", "Ellery", "Fairbanks", "Galloway", "Hartwell",
    "Ingram", "Jessup", "Kearney", "Lockhart", "Merriman", "Northcott", "Oakes", "Pemberton",
    "Quimby", "Radcliffe", "Sutter", "Thornbury",
]  # fmt: skip


def setup_django(database_url):
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def build_newsroom():
    from django.core.management import call_command

    from people.models import Organization, Senator
    from releases.models import Legislation

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=StringIO())
    senators = [
        Senator(
            bioguide_id=f"B{900000 + i}", first_name=FIRST[i % 10], last_name=LAST[i % 20] + (
                "" if i < 20 else f"-{i}"
            ), slug=f"bench-senator-{i}", party="DRI"[i % 3], state="MN",
        )
        for i in range(100)
    ]  # fmt: skip
    Senator.objects.bulk_create(senators)
    Legislation.objects.bulk_create(
        Legislation(
            bill_type="s", number=2000 + i, congress=113 + i % 6,
            bill_id=f"s{2000 + i}-{113 + i % 6}",
            short_title=f"{LAST[i % 20]} {FIRST[i % 10]} Protection Act of {2013 + i % 12}",
        )
        for i in range(300)
    )  # fmt: skip
    Organization.objects.bulk_create(
        Organization(name=f"{LAST[i % 20]} {['Center', 'Foundation', 'Council'][i % 3]} {i}",
                     slug=f"bench-org-{i}")
        for i in range(60)
    )  # fmt: skip


def write_files(folder, count):
    """`count` release files: the sample, varied; every tenth one as a saved HTML page."""
    rng = random.Random(1733)
    sample = SAMPLE.read_text(encoding="utf-8")
    head, _, tail = sample.partition("Minneapolis, MN –")
    for n in range(count):
        speaker = LAST[rng.randrange(20)]
        year = rng.randrange(2013, 2025)
        text = (
            f"{LAST[n % 20]} and {speaker} Announce Measure Number {n} for "
            f"{rng.choice(['Rural', 'Urban', 'Tribal'])} Communities\n\n"
            f"{rng.choice(['May', 'June', 'July'])} {rng.randrange(1, 28)}, {year}\n\n"
            + head
            + f"{rng.choice(DATELINES)} Sen. {speaker} backed S. {2000 + rng.randrange(300)}. "
            + tail.replace("Heitkamp.", f"Sen. {speaker}.")
        )
        if n % 10 == 0:
            paragraphs = "".join(f"<p>{p}</p>\n" for p in text.split("\n\n")[1:])
            page = f"<html><head><title>x</title></head><body><article><h1>Release {n}</h1>"
            (folder / f"release-{n:04}.html").write_text(
                page + paragraphs + "</article></body></html>"
            )
        else:
            (folder / f"release-{n:04}.txt").write_text(text, encoding="utf-8")


def parse_only(files):
    from importing.parsing import release_parse
    from importing.recognizing import Recognizer

    recognizer = Recognizer.from_database()
    for path in files:
        parsed = release_parse(text=path.read_bytes(), html=path.suffix == ".html" or None)
        recognizer.recognize(parsed)


def plain_create(count):
    from django.db import transaction

    from people.models import Senator
    from releases.models import Quote, Release, ReleaseSenator

    body = SAMPLE.read_text(encoding="utf-8")
    lead, joint = Senator.objects.order_by("pk")[:2]
    for n in range(count):
        with transaction.atomic():
            release = Release.objects.create(title=f"Plain {n}", slug=f"plain-{n}", body=body)
            ReleaseSenator.objects.create(release=release, senator=lead, role="lead", order=0)
            ReleaseSenator.objects.create(release=release, senator=joint, role="joint", order=1)
            Quote.objects.create(release=release, senator=lead, text=body[:500], order=0)
            Quote.objects.create(release=release, senator=joint, text=body[500:900], order=1)
    Release.objects.filter(slug__startswith="plain-").delete()


@contextmanager
def model_signals_muted():
    """Model signals without receivers: what the run costs without what listens to saves
    (the search index, when it is kept current by signals). Only for measuring."""
    from django.db.models import signals

    muted = [signals.pre_save, signals.post_save, signals.pre_delete, signals.post_delete,
             signals.m2m_changed]  # fmt: skip
    saved = [(signal, signal.receivers) for signal in muted]
    for signal in muted:
        signal.receivers = []
        signal.sender_receivers_cache.clear()
    try:
        yield
    finally:
        for signal, receivers in saved:
            signal.receivers = receivers
            signal.sender_receivers_cache.clear()


def muted(function):
    def run(*args):
        with model_signals_muted():
            function(*args)

    return run


def timed(function, *args):
    started = time.perf_counter()
    function(*args)
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--database-url")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        tmp = Path(tmp)
        setup_django(options.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}")
        from django.core.management import call_command
        from django.db import connection

        from releases.models import Release

        build_newsroom()
        folder = tmp / "releases"
        folder.mkdir()
        write_files(folder, options.files)
        files = sorted(folder.iterdir())

        def import_all():
            call_command("import_releases", str(folder), "--no-progress", stdout=StringIO())

        results = [
            ("parse only (read, parse, recognize)", timed(parse_only, files)),
            ("plain create (ORM, no parsing)", timed(plain_create, len(files))),
            ("import_releases, first run", timed(import_all)),
            ("import_releases, again (unchanged)", timed(import_all)),
        ]
        drafts = Release.objects.filter(import_key__gt="").count()
        with model_signals_muted():
            Release.objects.filter(import_key__gt="").delete()
        results += [
            ("plain create, model signals muted", timed(muted(plain_create), len(files))),
            ("import_releases, model signals muted", timed(muted(import_all))),
        ]

    n = len(files)
    print(f"\nimport_releases benchmark: {n} files, {connection.vendor}, Python "
          f"{sys.version.split()[0]}\n")  # fmt: skip
    print(f"{'':40} {'seconds':>8} {'files/s':>9}")
    for label, seconds in results:
        print(f"{label:40} {seconds:8.2f} {n / seconds:9.0f}")
    parse_rate, create_rate, import_rate, _, muted_create_rate, muted_import_rate = (
        n / seconds for _, seconds in results
    )
    print(
        f"\nThe import runs at {import_rate / parse_rate:.0%} of the parse-only rate and "
        f"{import_rate / create_rate:.0%} of the plain-create rate; {drafts} drafts made.\n"
        f"With model signals muted: {muted_import_rate / parse_rate:.0%} of the parse-only "
        f"rate, {muted_import_rate / muted_create_rate:.0%} of the plain-create rate; what "
        f"listens to saves takes {1 - import_rate / muted_import_rate:.0%} of the import's time."
    )
    if drafts != n:
        sys.exit(f"expected {n} drafts, found {drafts}")


if __name__ == "__main__":
    main()
