from django.core.management.base import BaseCommand, CommandError

from handoff.services import OfficeExportRefused, office_export
from people.models import Senator


class Command(BaseCommand):
    help = (
        "Write a senator's newsroom as a BagIt bag (RFC 8493) in OUT, a new or empty "
        "folder: their public releases as pages that browse offline, an index, their feeds, "
        "the API's records and the media. Check it with `bagit.py --validate OUT`."
    )

    def add_arguments(self, parser):
        parser.add_argument("bioguide_id", help="The senator's Bioguide ID, e.g. K000367.")
        parser.add_argument("out", help="The bag's folder: must not exist, or be empty.")

    def handle(self, *args, bioguide_id, out, **options):
        senator = Senator.objects.filter(bioguide_id=bioguide_id.upper()).first()
        if senator is None:
            raise CommandError(f"No senator has the Bioguide ID {bioguide_id!r}.")
        try:
            bag = office_export(senator=senator, out=out)
        except OfficeExportRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            f"Wrote the bag of {senator} to {bag.path}: {bag.info['Payload-Oxum']} "
            "(bytes.files); check it with `bagit.py --validate` on that folder."
        )
