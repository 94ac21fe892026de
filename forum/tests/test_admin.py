import pytest
from django.urls import reverse

from forum.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw-for-tests-1")
    client.force_login(admin)
    return client


@pytest.mark.parametrize("model", ["forum_article", "forum_reply", "accounts_user"])
def test_articles_replies_and_users_are_in_the_admin(admin_client, seeded, model):
    response = admin_client.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200


def test_replies_show_as_an_indented_tree(admin_client, seeded):
    page = admin_client.get(reverse("admin:forum_reply_changelist") + "?all=").content.decode()
    assert 'style="padding-left:88px"' in page  # depth 4: 8px + 4 levels of 20px


def test_replies_cannot_be_added_or_moved_from_the_admin(admin_client, seeded):
    assert admin_client.get(reverse("admin:forum_reply_add")).status_code == 403


def test_editing_an_article_in_the_admin_renders_its_body_safely(admin_client, seeded):
    article = Article.objects.get(source="FRANCE 24")
    url = reverse("admin:forum_article_change", args=[article.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(body="New *text* <script>x</script>", locked="on")
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    article.refresh_from_db()
    assert not article.locked  # locking is a logged moderation action, not a form field
    assert "<em>text</em>" in article.body_html and "<script" not in article.body_html


def test_an_articles_language_must_be_a_language_code(admin_client, seeded):
    article = Article.objects.get(source="FRANCE 24")
    url = reverse("admin:forum_article_change", args=[article.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(language="French!")
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Give a language code such as en, fr, es or ar." in response.content.decode()
    article.refresh_from_db()
    assert article.language == "en"
    data.update(language="fr")
    assert admin_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.language == "fr"
