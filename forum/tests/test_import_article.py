"""Importing an article from a saved news page (manage.py import_article, the admin's form):
the article without the page's chrome, as a draft only staff see until an editor publishes it."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from forum.models import Article
from testkit.saved_pages import SHARE_LABELS, france24_page

pytestmark = pytest.mark.django_db

URL = "https://www.france24.com/en/20171211-putin-orders-partial-withdrawal-russian-troops-syria"


@pytest.fixture
def page(tmp_path):
    saved = france24_page()
    path = tmp_path / "france24.html"
    path.write_text(saved["html"], encoding="utf-8")
    saved["path"] = path
    return saved


def import_article(path, url=URL):
    out = io.StringIO()
    call_command("import_article", str(path), "--url", url, stdout=out)
    return Article.objects.get(link=url), out.getvalue()


def test_the_article_comes_out_whole_and_the_chrome_is_dropped(page):
    article, out = import_article(page["path"])
    assert article.title == page["title"] == "Putin orders partial withdrawal of Russian troops in Syria"
    assert str(article.published_on) == page["date"] == "2017-12-11"
    assert article.source == "France 24"
    for paragraph in page["body"]:
        words = paragraph.split()
        assert " ".join(words[:6]) in " ".join(article.body.split()), paragraph
    for subhead in page["subheads"]:
        assert f"<h2>{subhead}</h2>" in article.body_html
    text = article.body
    # The chrome: the teasers and related links with their "Read more", the strip, share buttons.
    assert page["teasers"] and all(teaser not in text for teaser in page["teasers"])
    for chrome in ["Read more", "Don't miss", "#THE 51%", "Latest update", "Date created", *SHARE_LABELS]:
        assert chrome not in text, chrome
    assert "as a draft" in out


def test_an_imported_article_is_a_draft_hidden_from_readers(page, client, make_user):
    article, _ = import_article(page["path"])
    assert article.draft
    assert page["title"] not in client.get(reverse("forum:home")).content.decode()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(reverse("forum:thread_json", args=[article.slug])).status_code == 404
    client.force_login(make_user())
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.post(reverse("forum:reply_top", args=[article.slug]), {"body": "First!"}).status_code == 404
    assert article.replies.count() == 0


def test_staff_review_the_draft_then_publish_it_from_the_admin(page, client, django_user_model):
    article, _ = import_article(page["path"])
    editor = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw-for-tests-1")
    client.force_login(editor)
    assert client.get(article.get_absolute_url()).status_code == 200  # staff read the draft
    response = client.post(
        reverse("admin:forum_article_changelist"), {"action": "publish", "_selected_action": [article.pk]}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert not article.draft
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 200
    assert page["title"] in client.get(reverse("forum:home")).content.decode()


def test_the_admin_form_imports_a_page(page, client, django_user_model):
    editor = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw-for-tests-1")
    client.force_login(editor)
    url = reverse("admin:forum_import_article")
    assert client.get(url).status_code == 200
    with open(page["path"], "rb") as saved:
        response = client.post(url, {"page": saved, "url": URL})
    article = Article.objects.get(link=URL)
    assert response.status_code == 302 and response["Location"] == reverse("admin:forum_article_change", args=[article.pk])
    assert article.draft and article.title == page["title"]


BAD = {
    "not a page": (b"\x00\x01\x02 binary", URL, "not a web page"),
    "empty": (b"", URL, "The file is empty."),
    "no article": (b"<html><head><title>Index</title></head><body><nav><a href='/'>Home</a></nav></body></html>", URL,
                   "No article text was found"),
    "no title": (b"<html><body><article>" + b"<p>Words enough to be an article, but no title.</p>" * 10
                 + b"</article></body></html>", URL, "no title"),
    "bad address": (None, "javascript:alert(1)", "is not the address of a web page"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_page_or_address_is_refused_and_nothing_written(case, page, tmp_path):
    content, url, reason = BAD[case]
    path = page["path"]
    if content is not None:
        path = tmp_path / "bad.html"
        path.write_bytes(content)
    with pytest.raises(CommandError, match=reason):
        import_article(path, url=url)
    assert Article.objects.count() == 0


def test_importing_the_same_address_twice_is_refused(page):
    import_article(page["path"])
    with pytest.raises(CommandError, match="exists already"):
        import_article(page["path"])
    assert Article.objects.count() == 1


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        import_article(tmp_path / "nope.html")


@pytest.mark.parametrize("case", ["no article", "bad address"])
def test_the_admin_form_refuses_with_400_and_writes_nothing(case, page, client, django_user_model, tmp_path):
    content, url, reason = BAD[case]
    editor = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw-for-tests-1")
    client.force_login(editor)
    path = page["path"]
    if content is not None:
        path = tmp_path / "bad.html"
        path.write_bytes(content)
    with open(path, "rb") as saved:
        response = client.post(reverse("admin:forum_import_article"), {"page": saved, "url": url})
    assert response.status_code == 400
    assert Article.objects.count() == 0
    if case == "no article":
        assert reason in response.content.decode()


def test_only_staff_reach_the_form(client, make_user):
    client.force_login(make_user())
    assert client.get(reverse("admin:forum_import_article")).status_code == 302
