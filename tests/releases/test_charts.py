"""The activity chart on senator and topic pages: releases per month, as SVG and as text."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from releases.browse.charts import MONTHS, monthly_activity
from releases.models import Release
from tests.support.factories import ReleaseFactory, SenatorFactory, TopicFactory

pytestmark = pytest.mark.django_db


def at(year, month, day, hour=15):
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.fixture
def senator():
    senator = SenatorFactory(first_name="Amy", last_name="Klobuchar", slug="amy-klobuchar")
    for when in [at(2014, 3, 2), at(2014, 3, 20), at(2014, 5, 2), at(2014, 5, 16)]:
        ReleaseFactory(published_at=when, senators=[senator])
    # 02:00 UTC on June 1 is May 31 in Washington.
    ReleaseFactory(published_at=at(2014, 6, 1, hour=2), senators=[senator])
    ReleaseFactory(status=Release.Status.DRAFT, published_at=at(2014, 5, 1), senators=[senator])
    ReleaseFactory(published_at=timezone.now() + timedelta(days=2), senators=[senator])
    return senator


def test_counts_per_month_in_eastern_time_public_releases_only(senator):
    chart = monthly_activity(Release.objects.published().filter(senators=senator))
    counts = {bar.month.strftime("%Y-%m"): bar.count for bar in chart["bars"]}
    assert len(chart["bars"]) == MONTHS
    assert chart["bars"][-1].month.strftime("%Y-%m") == "2014-05"
    assert counts["2014-03"] == 2
    assert counts["2014-05"] == 3  # May 2, May 16, May 31 (June 1 UTC); not the draft
    assert counts["2014-04"] == 0
    assert chart["total"] == 5
    assert chart["tallest"] == 3


def test_the_tallest_bar_fills_the_chart_and_empty_months_have_none(senator):
    chart = monthly_activity(Release.objects.published().filter(senators=senator))
    by_month = {bar.month.strftime("%Y-%m"): bar for bar in chart["bars"]}
    assert by_month["2014-05"].height == chart["height"]
    assert by_month["2014-04"].height == 0
    assert by_month["2014-03"].height == pytest.approx(chart["height"] * 2 / 3, abs=0.1)


def test_senator_page_shows_an_accessible_svg_and_the_numbers(client, senator):
    html = client.get(senator.get_absolute_url()).content.decode()
    svg = re.search(r"<svg class=\"activity__svg\".*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg
    assert '<title id="activity-title">Releases per month, June 2012 to May 2014</title>' in svg
    assert "5 releases from Amy" in svg
    assert svg.count("<rect") == MONTHS
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert re.search(r"<th scope=\"row\">May 2014</th><td class=\"num\">3</td>", html)


def test_topic_page_has_its_own_chart(client, db):
    topic = TopicFactory(name="Agriculture", slug="agriculture")
    ReleaseFactory(published_at=at(2020, 7, 4), topics=[topic])
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "Releases per month, August 2018 to July 2020" in html
    assert re.search(r"<th scope=\"row\">July 2020</th><td class=\"num\">1</td>", html)


def test_no_chart_without_public_releases(client, db):
    senator = SenatorFactory()
    ReleaseFactory(status=Release.Status.DRAFT, senators=[senator])
    html = client.get(senator.get_absolute_url()).content.decode()
    assert "activity__svg" not in html
