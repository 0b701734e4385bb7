"""Release bodies are Markdown, rendered and sanitized; the preview endpoints are staff-only."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from releases.markdown import render_markdown
from tests.support.factories import ReleaseFactory, UserFactory

MARKDOWNIFY = "/markdownx/markdownify/"
UPLOAD = "/markdownx/upload/"


def saved_body_html(body):
    release = ReleaseFactory(body=body)
    release.refresh_from_db()
    return release.body_html


# Each hostile input is checked through the renderer and through a saved release.
@pytest.fixture(params=["render_markdown", "release"])
def render(request):
    if request.param == "render_markdown":
        return render_markdown
    request.getfixturevalue("db")
    return saved_body_html


def test_script_tag_and_its_content_are_removed(render):
    html = render("Before.\n\n<script>alert('owned')</script>\n\nAfter.")
    assert "<script" not in html.lower()
    assert "alert" not in html
    assert "Before." in html and "After." in html


def test_script_inline_in_a_paragraph_is_removed(render):
    html = render("Hello <script>document.cookie</script> world")
    assert "<script" not in html.lower()
    assert "document.cookie" not in html
    assert "Hello" in html and "world" in html


@pytest.mark.parametrize(
    "hostile",
    [
        '<img src="https://example.com/a.png" onerror="alert(1)">',
        "<img src=x onerror=alert(1)>",
        '<p onclick="alert(1)">Click</p>',
        '<a href="https://example.com" onmouseover="alert(1)">x</a>',
        "<svg onload=alert(1)>",
        '<div onfocus="alert(1)" tabindex="0">x</div>',
    ],
)
def test_event_handler_attributes_are_removed(render, hostile):
    html = render(hostile).lower()
    for attribute in ("onerror", "onclick", "onmouseover", "onload", "onfocus"):
        assert attribute not in html
    assert "alert" not in html


def test_raw_img_with_onerror_keeps_only_a_harmless_image(render):
    html = render("<img src=x onerror=alert(1)>")
    assert "onerror" not in html
    assert "<img" in html  # an image stays an image, without the handler


@pytest.mark.parametrize(
    "hostile",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x]( javascript:alert(1) )",
        "[x](java&#x09;script:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="&#x6A;&#x61;&#x76;&#x61;script:alert(1)">x</a>',
        '<a href="jav&#x0A;ascript:alert(1)">x</a>',
        "![x](javascript:alert(1))",
        "[x][ref]\n\n[ref]: javascript:alert(1)",
        "<javascript:alert(1)>",
    ],
)
def test_javascript_urls_are_removed(render, hostile):
    html = render(hostile)
    assert "javascript" not in html.lower()
    assert "alert" not in html
    assert "href=" not in html and "src=" not in html


@pytest.mark.parametrize(
    "hostile",
    [
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<a href="data:text/html,<script>alert(1)</script>">x</a>',
        "![x](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)",
        "[x](vbscript:msgbox(1))",
    ],
)
def test_other_dangerous_url_schemes_are_removed(render, hostile):
    html = render(hostile)
    assert "data:" not in html
    assert "vbscript" not in html
    assert "href=" not in html and "src=" not in html


@pytest.mark.parametrize(
    ("hostile", "tag"),
    [
        ('<iframe src="https://example.com"></iframe>', "<iframe"),
        ("<style>body { display: none }</style>", "<style"),
        ('<object data="https://example.com/x.swf"></object>', "<object"),
        ('<embed src="https://example.com/x.swf">', "<embed"),
        ('<form action="https://example.com"><input name="q"></form>', "<form"),
        ('<meta http-equiv="refresh" content="0;url=https://example.com">', "<meta"),
        ('<link rel="stylesheet" href="https://example.com/x.css">', "<link"),
        ('<base href="https://example.com/">', "<base"),
    ],
)
def test_embedding_and_page_altering_tags_are_removed(render, hostile, tag):
    html = render(f"Before.\n\n{hostile}\n\nAfter.")
    assert tag not in html.lower()
    assert "Before." in html and "After." in html


def test_style_content_does_not_leak_as_text(render):
    html = render("<style>body { display: none }</style>\n\nText.")
    assert "display" not in html


def test_style_attributes_are_removed(render):
    html = render('<p style="position:fixed;top:0">Overlay</p>')
    assert "style" not in html
    assert "Overlay" in html


def test_html_comments_are_removed(render):
    html = render("Visible.\n\n<!-- <script>alert(1)</script> -->")
    assert "<!--" not in html
    assert "Visible." in html


def test_emphasis_is_kept(render):
    html = render("The senator *strongly* supports **this** bill.")
    assert "<em>strongly</em>" in html
    assert "<strong>this</strong>" in html


def test_lists_are_kept(render):
    html = render("- first\n- second\n\n1. one\n2. two")
    assert "<ul>" in html and "<li>first</li>" in html and "<li>second</li>" in html
    assert "<ol>" in html and "<li>one</li>" in html


def test_https_and_mailto_links_are_kept(render):
    html = render(
        "[the bill](https://www.congress.gov/bill/113th-congress/senate-bill/1733) "
        "and [press](mailto:press@klobuchar.senate.gov)"
    )
    assert 'href="https://www.congress.gov/bill/113th-congress/senate-bill/1733"' in html
    assert 'href="mailto:press@klobuchar.senate.gov"' in html
    assert 'rel="noopener noreferrer"' in html


def test_images_with_https_are_kept(render):
    html = render("![Senators at a round table](https://example.com/photo.jpg)")
    assert '<img alt="Senators at a round table" src="https://example.com/photo.jpg">' in html


def test_tables_from_the_extra_extension_are_kept(render):
    html = render("| Bill | Congress |\n| --- | --- |\n| S. 1733 | 113th |")
    assert "<table>" in html
    assert "<th>Bill</th>" in html
    assert "<td>S. 1733</td>" in html


def test_headings_blockquotes_and_code_are_kept(render):
    html = render("## Background\n\n> A quoted line\n\n`code`")
    assert "<h2>Background</h2>" in html
    assert "<blockquote>" in html
    assert "<code>code</code>" in html


def test_plain_text_special_characters_are_escaped(render):
    html = render("Tom & Jerry say 1 < 2")
    assert "Tom &amp; Jerry" in html
    assert "1 &lt; 2" in html


def test_empty_body_renders_empty():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


# markdownx's endpoints: staff only


@pytest.fixture
def staff(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def reader(db):
    return UserFactory(is_staff=False)


HOSTILE_PREVIEW = "**bold** <script>alert(1)</script> [x](javascript:alert(2))"


def test_markdownify_is_forbidden_to_anonymous_users(client, db):
    response = client.post(MARKDOWNIFY, {"content": "**bold**"})
    assert response.status_code == 403
    assert b"<strong>" not in response.content


def test_markdownify_is_forbidden_to_logged_in_non_staff(client, reader):
    client.force_login(reader)
    response = client.post(MARKDOWNIFY, {"content": "**bold**"})
    assert response.status_code == 403
    assert b"<strong>" not in response.content


def test_markdownify_is_forbidden_to_inactive_staff(client, db):
    user = UserFactory(is_staff=True, is_active=False)
    client.force_login(user)
    response = client.post(MARKDOWNIFY, {"content": "**bold**"})
    assert response.status_code == 403


def test_markdownify_renders_sanitized_html_for_staff(client, staff):
    client.force_login(staff)
    response = client.post(MARKDOWNIFY, {"content": HOSTILE_PREVIEW})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script" not in html
    assert "alert" not in html
    assert "javascript" not in html.lower()


def test_markdownify_preview_matches_the_saved_release(client, staff):
    client.force_login(staff)
    body = "Intro *here*.\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\n<img src=x onerror=alert(1)>"
    response = client.post(MARKDOWNIFY, {"content": body})
    assert response.content.decode() == saved_body_html(body)


def png_upload(name="photo.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "navy").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def uploaded_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_upload_is_forbidden_to_anonymous_users(client, db, settings):
    response = client.post(
        UPLOAD, {"image": png_upload()}, headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert response.status_code == 403
    assert uploaded_files(settings) == []


def test_upload_is_forbidden_to_logged_in_non_staff(client, reader, settings):
    client.force_login(reader)
    response = client.post(
        UPLOAD, {"image": png_upload()}, headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert response.status_code == 403
    assert uploaded_files(settings) == []


def test_upload_of_a_png_works_for_staff(client, staff, settings):
    client.force_login(staff)
    response = client.post(
        UPLOAD, {"image": png_upload()}, headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert response.status_code == 200
    assert response.json()["image_code"].startswith("![](/media/uploads/")
    assert len(uploaded_files(settings)) == 1


def test_upload_of_svg_is_refused_for_staff(client, staff, settings):
    client.force_login(staff)
    svg = SimpleUploadedFile(
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        content_type="image/svg+xml",
    )
    response = client.post(UPLOAD, {"image": svg}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 400
    assert uploaded_files(settings) == []


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("fake.png", b"<html><script>alert(1)</script></html>", "image/png"),
        ("truncated.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
        ("gif-as-jpeg.jpg", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/jpeg"),
    ],
)
def test_upload_of_a_file_that_is_not_a_real_image_is_a_clear_error(
    client, staff, settings, name, content, content_type
):
    client.force_login(staff)
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    response = client.post(
        UPLOAD, {"image": upload}, headers={"x-requested-with": "XMLHttpRequest"}
    )
    assert response.status_code == 400
    assert "JPEG, PNG or WebP" in response.content.decode()
    assert uploaded_files(settings) == []


def test_markdownify_without_the_text_is_a_400_not_a_500(client, staff):
    client.force_login(staff)

    response = client.post(MARKDOWNIFY, {})

    assert response.status_code == 400
    assert "content" in response.content.decode()
