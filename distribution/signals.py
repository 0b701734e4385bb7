"""What release data sets off in the press lists:

- a correction added to a release sent to the press: a note to those it was sent to, by
  the sends that chose corrections (`correction_notes_make`);
- a release saved with a new publication time (rescheduled, published now, scheduled again
  after a return to draft): the "now public" follow-ups planned for the old time are
  planned for the new one (`follow_ups_replan`); the task planned for the old time finds the
  time moved and does nothing.

Connected by DistributionConfig.ready().
"""

from django.db.models.signals import post_save

from distribution.services import correction_notes_make, follow_ups_replan
from releases.models import Correction, Release


def correction_saved(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        correction_notes_make(correction=instance)


def release_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        follow_ups_replan(release=instance)


def connect():
    post_save.connect(correction_saved, sender=Correction, dispatch_uid="press_correction")
    post_save.connect(release_saved, sender=Release, dispatch_uid="press_release_saved")
