"""The export answers a part at a time, and EXPORTS_AT_ONCE exports at a time per server."""

import json
from datetime import timedelta

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.utils import timezone

from api import export
from tests.support.factories import ReleaseFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/releases/export.json"


@pytest.fixture
def five(monkeypatch, settings, tmp_path):
    monkeypatch.setattr(export, "EXPORT_SIZE", 2)
    settings.EXPORTS_AT_ONCE = 1  # whatever the machine's cores
    settings.EXPORT_PLACES_DIR = str(tmp_path / "export-places")
    now = timezone.now()
    return [
        ReleaseFactory(title=f"Release {n}", published_at=now - timedelta(hours=n))
        for n in range(5)
    ]


def read(response):
    return json.loads(b"".join(response.streaming_content))


def went_away(response):
    """Close a response unread, as the server does when its client hangs up. Like Django's
    test client, keep `request_finished` from closing the database connection, which on
    PostgreSQL would end the test's transaction."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_the_parts_follow_one_another_to_the_last_with_nothing_twice(client, five):
    titles, url, parts = [], URL, 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        titles += [record["title"] for record in read(response)]
        link = response.headers.get("Link", "")
        url = link[1 : link.index(">")] if link else None
        parts += 1

    assert titles == [f"Release {n}" for n in range(5)]
    assert parts == 3


def test_the_next_part_keeps_the_filters(client, five, klobuchar):
    for release in five:
        release.senators.add(klobuchar)

    response = client.get(f"{URL}?senator=amy-klobuchar")
    read(response)

    assert "senator=amy-klobuchar" in response["Link"]
    assert "cursor=" in response["Link"]


@pytest.mark.parametrize("cursor", ["nonsense", "1-", "99999999999999999999-1"])
def test_a_bad_cursor_is_a_400_naming_it(client, five, cursor):
    response = client.get(URL, {"cursor": cursor})

    assert response.status_code == 400
    assert response.json()["errors"][0]["parameter"] == "cursor"


def test_a_second_export_while_one_runs_is_a_429_with_retry_after(client, five):
    running = client.get(URL)  # started, not yet sent
    busy = client.get(URL)
    read(running)  # sent: its place is free again
    after = client.get(URL)

    assert busy.status_code == 429
    assert busy["Retry-After"] == "5"
    assert "Other exports are running" in busy.json()["detail"]
    assert after.status_code == 200
    read(after)


def test_an_export_closed_unsent_frees_its_place(client, five):
    went_away(client.get(URL))

    response = client.get(URL)
    assert response.status_code == 200
    read(response)
