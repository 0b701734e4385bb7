"""A release pulled under traffic is gone for every reader the moment the pull commits.

Against a real gunicorn with the production settings and the page cache on: six anonymous
readers poll a public release's page while a press secretary, logged in to the admin of the
same server, sets it back to Draft and uploads a large lead image in the same save (the
renditions keep the transaction open for a while: the gap in which a reader renders the old
page). Every request that starts after the admin's answer (the commit) must be a 404; a kept
page from before the commit must never be served after it. Runs on the database of the run
(CI runs SQLite and PostgreSQL).
"""

import io
import re
import threading
import time

import pytest
import requests
from PIL import Image

from releases.models import Release
from tests.support.admin_forms import quotes_formset, release_form, senators_formset
from tests.support.factories import ReleaseFactory, SenatorFactory
from tests.support.servers import (
    PLAIN_STATIC_STORAGE,
    database_url_for_server,
    free_port,
    production_env,
    staff_for_server,
    start_gunicorn,
)

pytestmark = pytest.mark.django_db(transaction=True)  # committed: the server must see it

READERS = 6
PASSWORD = "a-long-secretary-password-1"


@pytest.fixture
def release():
    senator = SenatorFactory(first_name="Amy", last_name="Klobuchar", slug="amy-klobuchar")
    staff_for_server("secretary", PASSWORD)
    return ReleaseFactory(title="Klobuchar backs rural broadband", senators=[senator])


@pytest.fixture
def server(release, tmp_path):
    env = production_env(
        database_url_for_server(tmp_path),
        free_port(),
        DJANGO_PAGE_CACHE_SECONDS="300",
        PAGE_CACHE_STAMP_FILE=str(tmp_path / "page-cache-stamp"),
        DJANGO_SECURE_COOKIES="0",  # plain HTTP on 127.0.0.1: the session cookie must travel
        DJANGO_STATICFILES_STORAGE=PLAIN_STATIC_STORAGE,
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    server = start_gunicorn(env, tmp_path / "gunicorn.log")
    yield server
    server.stop()


def large_jpeg():
    """A photo big enough that making its renditions keeps the save's transaction open."""
    image = Image.effect_noise((3200, 2400), 90).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


class Readers:
    """Anonymous readers polling one address; each result is (started, finished, status)."""

    def __init__(self, url):
        self.url, self.results, self.stop = url, [], threading.Event()
        self.threads = [threading.Thread(target=self.read, daemon=True) for _ in range(READERS)]

    def read(self):
        session = requests.Session()
        while not self.stop.is_set():
            started = time.monotonic()
            status = session.get(self.url, timeout=10, allow_redirects=False).status_code
            self.results.append((started, time.monotonic(), status))

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=15)


def admin_session(base):
    session = requests.Session()
    login = f"{base}/admin/login/"
    token = session.get(login, timeout=10).cookies["csrftoken"]
    answer = session.post(
        login,
        data={"username": "secretary", "password": PASSWORD, "csrfmiddlewaretoken": token,
              "next": "/admin/"},
        timeout=10,
    )  # fmt: skip
    assert answer.url.endswith("/admin/"), answer.text[:500]
    return session


def set_to_draft_with_a_lead_image(session, base, release):
    change = f"{base}/admin/releases/release/{release.pk}/change/"
    page = session.get(change, timeout=10).text
    opened = re.search(r'name="opened_version" value="([^"]+)"', page)[1]
    lead = release.releasesenator_set.get()
    data = {
        **release_form(title=release.title, slug=release.slug, status=Release.Status.DRAFT,
                       opened_version=opened, lead_image_alt="Broadband towers at dusk"),
        **senators_formset([{"id": lead.pk, "release": release.pk, "senator": lead.senator_id,
                             "role": "lead", "order": "0"}], initial=1),
        **quotes_formset([]),
        "csrfmiddlewaretoken": session.cookies["csrftoken"],
    }  # fmt: skip
    files = {"lead_image": ("towers.jpg", large_jpeg(), "image/jpeg")}
    answer = session.post(change, data=data, files=files, timeout=60, allow_redirects=False)
    assert answer.status_code == 302, answer.text[-3000:]


def test_a_release_set_to_draft_under_traffic_is_gone_once_the_save_commits(server, release):
    url = f"{server.url}{release.get_absolute_url()}"
    assert requests.get(url, timeout=10).status_code == 200  # public, and kept from here on
    session = admin_session(server.url)

    with Readers(url) as readers:
        time.sleep(0.5)  # readers are hitting the kept page
        set_to_draft_with_a_lead_image(session, server.url, release)
        committed = time.monotonic()  # the admin answers after the commit
        time.sleep(1.5)

    before = [r for r in readers.results if r[1] < committed]
    after = [r for r in readers.results if r[0] > committed]
    assert before and after, (len(before), len(after))
    assert {status for _, _, status in before} <= {200, 404}
    assert {status for _, _, status in after} == {404}, server.log_text()[-2000:]
    assert requests.get(url, timeout=10).status_code == 404
