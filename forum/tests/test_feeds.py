"""Feeds and crawlers: the Atom feeds and the pages that point at them, sitemap.xml, robots.txt,
the favicon, and the canonical and link-preview tags of article and reply pages."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from forum.moderation import actions
from forum.posting import services as posting
from testkit.forest import build_forest

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def atom_entries(response) -> list[dict]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return [
        {
            "title": entry.findtext(f"{ATOM}title"),
            "link": entry.find(f"{ATOM}link").get("href"),
            "summary": entry.findtext(f"{ATOM}summary") or "",
        }
        for entry in feed.findall(f"{ATOM}entry")
    ]


def alternates(response) -> list[str]:
    return re.findall(r'<link rel="alternate" type="application/atom\+xml" title="[^"]*" href="([^"]+)">', response.content.decode())


@pytest.fixture
def article(make_article):
    return make_article(title="Putin orders a withdrawal", slug="withdrawal", standfirst="Troops go home.")



@pytest.fixture
def thread(article, make_user, moderator):
    """A published reply, a held one and a removed one, by one person."""
    author = make_user("writer")
    shown = posting.reply_create(article=article, author=author, body="Published words about *Latakia*.")
    held = posting.reply_create(article=article, author=author, body="Held words about Tartus.")
    actions.reply_hold(reply=held, moderator=moderator, reason="check")
    removed = posting.reply_create(article=article, author=author, body="Removed words about Homs.")
    actions.reply_remove_by_moderator(reply=removed, moderator=moderator, reason="spam")
    return {"shown": shown, "held": held, "removed": removed, "author": author}


def test_the_articles_feed_lists_the_sites_articles_newest_first(client, article, make_article):
    import datetime

    newer = make_article(title="Later news", slug="later", published_on=datetime.date(2018, 1, 2))
    entries = atom_entries(client.get(reverse("forum:articles_feed")))
    assert [entry["title"] for entry in entries] == [newer.title, article.title]
    assert entries[1]["link"].endswith("/articles/withdrawal/") and entries[1]["summary"] == "Troops go home."


def test_an_articles_feed_has_its_published_replies_only(client, thread):
    entries = atom_entries(client.get(reverse("forum:article_feed", args=["withdrawal"])))
    assert [entry["link"] for entry in entries] == [
        f"http://testserver/articles/withdrawal/replies/{thread['shown'].pk}/#r{thread['shown'].pk}"
    ]
    assert "<em>Latakia</em>" in entries[0]["summary"]  # the stored HTML, escaped by Atom
    body = client.get(reverse("forum:article_feed", args=["withdrawal"])).content.decode()
    assert "Tartus" not in body and "Homs" not in body


def test_a_persons_feed_has_their_published_replies_only(client, thread):
    response = client.get(reverse("forum:profile_feed", args=["writer"]))
    assert [entry["title"] for entry in atom_entries(response)] == ["writer on “Putin orders a withdrawal”"]
    assert "Tartus" not in response.content.decode() and "Homs" not in response.content.decode()


def test_a_feed_of_nothing_is_a_404(client):
    assert client.get(reverse("forum:article_feed", args=["nothing"])).status_code == 404
    assert client.get(reverse("forum:profile_feed", args=["nobody"])).status_code == 404


def test_seed_replies_without_times_are_in_the_feed_without_a_made_up_date(client, seeded):
    slug = "putins-syrian-withdrawal-announcement-neither-a-full-russian-withdrawal-nor-victory-in-syria"
    response = client.get(reverse("forum:article_feed", args=[slug]))
    assert len(atom_entries(response)) == 50
    feed = ET.fromstring(response.content)
    assert all(entry.find(f"{ATOM}published") is None for entry in feed.findall(f"{ATOM}entry"))


def test_the_pages_link_to_the_feeds_they_follow(client, thread):
    assert alternates(client.get(reverse("forum:home"))) == ["/feeds/articles/"]
    assert alternates(client.get(reverse("forum:article", args=["withdrawal"]))) == [
        "/articles/withdrawal/feed/", "/feeds/articles/"
    ]
    assert alternates(client.get(reverse("forum:profile", args=["writer"]))) == ["/users/writer/feed/"]
    reply_page = client.get(thread["shown"].get_absolute_url())
    assert alternates(reply_page) == ["/articles/withdrawal/feed/"]


# Crawlers -------------------------------------------------------------------------------------


def test_the_sitemap_lists_every_article_and_each_later_page_of_its_discussion(client, settings, article, make_article, make_user):
    settings.FORUM_PAGE_SIZE = 2
    build_forest(article, make_user(), 12, parents=[None, 0, None, None, 2, None, None, None, 7, None, None, 10])
    quiet = make_article(slug="quiet")

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    urls = [loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]
    base = "http://testserver/articles"
    # 8 top-level replies at 2 a page: pages 2, 3 and 4 besides the article's own URL.
    assert sorted(urls) == sorted(
        [f"{base}/withdrawal/", f"{base}/quiet/", *(f"{base}/withdrawal/?page={n}" for n in (2, 3, 4))]
    )
    assert quiet.get_absolute_url() in response.content.decode()
    for url in urls:
        assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_robots_txt_keeps_crawlers_out_of_accounts_moderation_and_search_but_lets_in_sign_in_and_sign_up(
    client, django_assert_num_queries, settings
):
    settings.FORUM_SITE_URL = "https://forum.example.org"
    with django_assert_num_queries(0):
        response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    rules = response.content.decode().splitlines()
    for path in ("/accounts/", "/moderation/", "/search/", "/replies/", "/admin/"):
        assert f"Disallow: {path}" in rules
    assert "Sitemap: https://forum.example.org/sitemap.xml" in rules  # the site's address, not the Host header
    # Issue 17: sign-in, sign-up and the reply boxes are indexable (Lighthouse's is-crawlable);
    # the rest of /accounts/ (password reset, email confirmation keys) stays out.
    for name in ("account_login", "account_signup"):
        assert f"Allow: {reverse(name)}" in rules
    assert not any(rule.startswith("Disallow: /articles/") for rule in rules)  # articles, replies, reply boxes


def test_the_favicon_is_served_without_a_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_every_page_names_its_icon(client, article):
    assert re.search(r'<link rel="icon" href="/static/favicon\.svg"', client.get("/").content.decode())


# Canonical and link previews ------------------------------------------------------------------


def meta(response, name) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', response.content.decode())
    return found.group(1) if found else None


def canonical(response) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)">', response.content.decode()).group(1)


def test_an_article_page_has_its_canonical_address_and_preview_tags(client, settings, article, make_user):
    settings.FORUM_SITE_URL = "https://forum.example.org"
    settings.FORUM_PAGE_SIZE = 1
    build_forest(article, make_user(), 2, parents=[None, None])

    first = client.get("/articles/withdrawal/?sort=newest")
    assert canonical(first) == "https://forum.example.org/articles/withdrawal/"
    assert meta(first, "og:title") == "Putin orders a withdrawal"
    assert meta(first, "og:description") == "Troops go home."
    assert meta(first, "og:type") == "article" and meta(first, "twitter:card") == "summary"
    assert canonical(client.get("/articles/withdrawal/?page=2")) == "https://forum.example.org/articles/withdrawal/?page=2"


def test_a_reply_page_previews_its_text_but_a_held_reply_never(client, settings, thread):
    settings.FORUM_SITE_URL = "https://forum.example.org"
    shown = client.get(thread["shown"].get_absolute_url())
    assert canonical(shown) == f"https://forum.example.org/articles/withdrawal/replies/{thread['shown'].pk}/"
    assert meta(shown, "og:title") == "writer on “Putin orders a withdrawal”"
    assert meta(shown, "og:description") == "Published words about *Latakia*."

    held = client.get(thread["held"].get_absolute_url()).content.decode()
    assert "Tartus" not in held
    assert 'content="[awaiting moderation]"' in held
