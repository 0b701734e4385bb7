from django import template

from releases.charts import monthly_activity
from releases.models import Release

register = template.Library()


@register.inclusion_tag("includes/activity_chart.html")
def activity_chart(subject, **filters):
    """Releases per month: `{% activity_chart senator senators=senator %}`."""
    return {
        "chart": monthly_activity(Release.objects.published().filter(**filters)),
        "subject": subject,
    }
