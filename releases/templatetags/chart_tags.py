from django import template

from core import caching
from releases.browse.charts import monthly_activity
from releases.models import Release

register = template.Library()


@register.inclusion_tag("includes/activity_chart.html")
def activity_chart(subject, **filters):
    """Releases per month: `{% activity_chart senator senators=senator %}`.

    The monthly counts read all of a busy senator's releases, so the chart is kept between
    changes like the other counts (core/caching.py)."""
    key = ("activity-chart", *sorted((name, getattr(v, "pk", v)) for name, v in filters.items()))
    chart = caching.remember(
        key, lambda: monthly_activity(Release.objects.published().filter(**filters))
    )
    return {"chart": chart, "subject": subject}
