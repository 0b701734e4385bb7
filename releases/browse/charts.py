"""Releases per month as a small server-rendered SVG bar chart, with a text alternative."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.db.models.functions import TruncMonth

from core.eastern import EASTERN, eastern_date

MONTHS = 24  # the last two years: enough to see a rhythm, small enough to read on a phone
WIDTH, HEIGHT, GAP = 480, 90, 2


@dataclass
class Bar:
    month: date
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def label(self):
        return f"{self.month:%B %Y}: {self.count} release{'s' if self.count != 1 else ''}"


def _month_starts(last, n):
    months = []
    year, month = last.year, last.month
    for _ in range(n):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def monthly_activity(releases, months=MONTHS):
    """Bars for the `months` months up to the latest public release in `releases` (one query)."""
    rows = (
        releases.order_by()
        .annotate(month=TruncMonth("published_at", tzinfo=EASTERN))
        .values("month")
        .annotate(n=Count("pk"))
    )
    counts = {eastern_date(r["month"]).replace(day=1): r["n"] for r in rows}
    if not counts:
        return None
    span = _month_starts(max(counts), months)
    tallest = max(counts.get(m, 0) for m in span) or 1
    slot = WIDTH / len(span)
    bars = []
    for i, month in enumerate(span):
        count = counts.get(month, 0)
        height = round(HEIGHT * count / tallest, 1)
        bars.append(Bar(month, count, round(i * slot + GAP / 2, 1), HEIGHT - height,
                        round(slot - GAP, 1), height))  # fmt: skip
    return {
        "bars": bars,
        "tallest": tallest,
        "total": sum(b.count for b in bars),
        "first": span[0],
        "last": span[-1],
        "width": WIDTH,
        "height": HEIGHT,
    }
