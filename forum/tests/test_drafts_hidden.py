"""A draft article (an import the editor has not reviewed) appears nowhere a reader looks: its
own page, search, the feeds, the sitemap and the public moderation log (review of issue 11/14)."""

import pytest
from django.urls import reverse

from forum.moderation import actions
from forum.posting import services as posting
from forum.threads.models import Article

pytestmark = pytest.mark.django_db

SECRET = "Zanzibarquartz"  # a word nothing else on the site contains


@pytest.fixture
def draft(make_article, make_user, make_moderator):
    article = make_article(title=f"{SECRET} draft", body=f"Body about {SECRET}.")
    reply = posting.reply_create(article=article, author=make_user("writer"), body=f"Reply about {SECRET}")
    actions.reply_hold(reply=reply, moderator=make_moderator("mod"), reason=f"hold {SECRET}")
    actions.reply_approve(reply=reply, moderator=make_moderator("mod2"))
    Article.objects.filter(pk=article.pk).update(draft=True)
    return article


@pytest.mark.parametrize("path", [
    "/search/?q=" + SECRET, "/feeds/articles/", "/sitemap.xml", "/moderation/log/",
])
def test_a_draft_is_in_no_public_list(client, draft, path):
    response = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    if path.startswith("/search/"):  # the page repeats the words searched for; the results must not show
        assert f"{SECRET} draft" not in page and "about" not in page.split("</h1>", 1)[1].split("<footer", 1)[0]
    else:
        assert SECRET not in page


def test_a_drafts_own_feed_and_search_filter_are_404(client, draft):
    assert client.get(reverse("forum:article_feed", args=[draft.slug])).status_code == 404
    assert client.get(f"/search/?q=reply&article={draft.slug}").status_code == 404
    assert client.get(draft.get_absolute_url()).status_code == 404
