import random
import time

from django.core.management.base import BaseCommand, CommandError

from sampledata.synthetic import (
    MAX_SENATORS,
    MAX_TOPICS,
    real_release_count,
    synthetic_newsroom_clear,
    synthetic_newsroom_generate,
    synthetic_newsroom_size,
)

LIMITS = {  # option: (smallest, largest)
    "releases": (0, 10_000_000),
    "senators": (1, MAX_SENATORS),
    "topics": (1, MAX_TOPICS),
    "bills": (0, 100_000),
    "organizations": (0, 100_000),
    "batch_size": (1, 50_000),
}


class Command(BaseCommand):
    help = (
        "Make a realistic synthetic newsroom for trying the site at scale: senators, topics, "
        "bills, organizations and releases with quotes, indexed for search. Use a throwaway "
        "database, e.g. DATABASE_URL=sqlite:////tmp/newsroom-100k.db."
    )

    def add_arguments(self, parser):
        parser.add_argument("--releases", type=int, default=1000)
        parser.add_argument("--senators", type=int, default=100)
        parser.add_argument("--topics", type=int, default=300)
        parser.add_argument("--bills", type=int, default=2000)
        parser.add_argument("--organizations", type=int, default=1000)
        parser.add_argument(
            "--seed", type=int, default=None,
            help="The same seed makes the same newsroom (given the same day). "
            "Without one a seed is picked and printed.",
        )  # fmt: skip
        parser.add_argument(
            "--batch-size", type=int, default=2000,
            help="Releases written, and rows indexed, per batch (memory grows with it).",
        )  # fmt: skip
        parser.add_argument(
            "--clear", action="store_true",
            help="Delete the synthetic newsroom made before (and only that) first.",
        )  # fmt: skip
        parser.add_argument(
            "--no-search-index",
            action="store_true",
            help="Leave the search index alone (most of the time on PostgreSQL is indexing); "
            "build it later with rebuild_modelsearch_index.",
        )
        parser.add_argument(
            "--force", action="store_true",
            help="Add synthetic releases even though the newsroom has real ones.",
        )  # fmt: skip

    def handle(self, *args, **options):
        for name, (low, high) in LIMITS.items():
            value = options[name]
            if not low <= value <= high:
                flag = "--" + name.replace("_", "-")
                raise CommandError(f"{flag} must be between {low:,} and {high:,}; got {value:,}.")
        real = real_release_count()
        if real and not options["force"]:
            raise CommandError(
                f"This newsroom has {real:,} release(s) that generate_newsroom did not make; "
                "synthetic releases would be mixed in with them on every page, feed and "
                "search. Point DATABASE_URL at a throwaway database, or pass --force to add "
                "them anyway."
            )
        if options["clear"]:
            cleared = synthetic_newsroom_clear()
            self.stdout.write(f"Cleared the synthetic newsroom ({cleared:,} releases).")
        elif synthetic_newsroom_size():
            raise CommandError(
                "This database already has a synthetic newsroom. Pass --clear to replace it."
            )
        seed = options["seed"] if options["seed"] is not None else random.randrange(10**6)
        verbose = options["verbosity"] > 0
        started = time.monotonic()

        def progress(message):
            self.stdout.write(f"[{time.monotonic() - started:7.1f} s] {message}")

        counts = synthetic_newsroom_generate(
            releases=options["releases"], senators=options["senators"],
            topics=options["topics"], bills=options["bills"],
            organizations=options["organizations"], seed=seed,
            batch_size=options["batch_size"],
            progress=progress if verbose else None,
            index=not options["no_search_index"],
        )  # fmt: skip
        if options["no_search_index"]:
            timing = "not indexed for search: run rebuild_modelsearch_index"
        else:
            timing = f"{counts['seconds_generating']} s writing, the rest indexing for search"
        self.stdout.write(self.style.SUCCESS(
            f"Generated a synthetic newsroom (seed {seed}) in {counts['seconds']} s "
            f"({timing}): {counts['releases']:,} releases ({counts['joint']:,} joint, "
            f"{counts['drafts']:,} drafts, {counts['embargoed']:,} embargoed), "
            f"{counts['quotes']:,} quotes, {counts['senators']:,} senators, "
            f"{counts['topics']:,} topics, {counts['bills']:,} bills, "
            f"{counts['organizations']:,} organizations."
        ))  # fmt: skip
