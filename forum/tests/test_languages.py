"""Languages (issue 17): who chooses the language, the switcher, the per-language page cache, right
to left, the articles' own language, plurals, and the page scripts' catalog.

The catalogs themselves (complete, and found by makemessages) are checked in test_translations.py.
"""

from __future__ import annotations

import gettext as gnu_gettext
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from forum.threads import presenters

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-1"  # conftest's make_user


def _html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


# --- Who chooses -------------------------------------------------------------------------------


def test_a_reader_whose_browser_asks_for_french_gets_the_page_in_french(client, make_article):
    article = make_article()
    response = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")
    assert _html_tag(response.content.decode()) == '<html lang="fr" dir="ltr">'
    assert response["Content-Language"] == "fr"
    assert "Accept-Language" in response["Vary"]


def test_without_a_choice_or_a_language_the_forum_speaks_the_page_is_in_the_sites_language(
    client, make_article, settings
):
    article = make_article()
    english = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert _html_tag(english.content.decode()) == '<html lang="en" dir="ltr">'
    settings.LANGUAGE_CODE = "es"
    spanish = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert _html_tag(spanish.content.decode()) == '<html lang="es" dir="ltr">'
    assert client.get(article.get_absolute_url()).headers["Content-Language"] == "es"


def test_arabic_pages_read_right_to_left(client, make_article):
    article = make_article()
    page = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert _html_tag(page) == '<html lang="ar" dir="rtl">'
    home = client.get(reverse("forum:home"), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert _html_tag(home) == '<html lang="ar" dir="rtl">'


# --- The switcher --------------------------------------------------------------------------------


def test_the_footer_switcher_posts_to_set_language_naming_each_language_in_its_own(client, make_article):
    article = make_article()
    page = client.get(article.get_absolute_url()).content.decode()
    form = re.search(r'<form method="post" action="([^"]*)" class="language-form">(.*?)</form>', page, re.S)
    assert form.group(1) == "/i18n/setlang/"
    assert f'<input type="hidden" name="next" value="{article.get_absolute_url()}">' in form.group(2)
    options = re.findall(r'<option value="(\w+)" lang="(\w+)"( selected)?>([^<]*)</option>', form.group(2))
    assert [(code, name) for code, lang, _, name in options] == [
        ("en", "English"), ("fr", "Français"), ("es", "Español"), ("ar", "العربية")
    ]
    assert all(code == lang for code, lang, _, _ in options)
    assert [code for code, _, selected, _ in options if selected] == ["en"]
    # Signed out, the page is the same for everyone and cached: no CSRF token in it.
    assert "csrfmiddlewaretoken" not in form.group(2)


def test_switching_keeps_the_choice_across_visits_in_the_language_cookie(make_article):
    article = make_article()
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/i18n/setlang/", {"language": "fr", "next": article.get_absolute_url()})
    assert response.status_code == 302 and response["Location"] == article.get_absolute_url()
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "fr"
    assert int(cookie["max-age"]) >= 365 * 24 * 3600  # kept across visits, not for the session only
    page = browser.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _html_tag(page) == '<html lang="fr" dir="ltr">'
    assert '<option value="fr" lang="fr" selected>Français</option>' in page


def test_a_language_the_forum_does_not_speak_is_refused_and_nothing_is_kept(client, make_article, make_user):
    article = make_article()
    response = client.post("/i18n/setlang/", {"language": "de", "next": article.get_absolute_url()})
    assert response.status_code == 400
    assert "The forum does not speak that language" in response.content.decode()
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    reader = make_user(language="fr")
    client.force_login(reader)
    page = client.get(article.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post("/i18n/setlang/", {"language": "xx", "next": "/", "csrfmiddlewaretoken": token})
    assert response.status_code == 400
    reader.refresh_from_db()
    assert reader.language == "fr"


def test_a_signed_in_readers_choice_is_saved_on_the_account_with_their_csrf_token(make_article, make_user):
    article = make_article()
    reader = make_user()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(reader)
    forged = browser.post("/i18n/setlang/", {"language": "ar", "next": "/"})
    assert forged.status_code == 403
    reader.refresh_from_db()
    assert reader.language == ""

    page = browser.get(article.get_absolute_url()).content.decode()
    form = re.search(r'class="language-form">(.*?)</form>', page, re.S).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    response = browser.post("/i18n/setlang/", {"language": "ar", "next": "/", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.language == "ar"


def test_signing_in_brings_back_the_language_saved_on_the_account(make_article, make_user):
    article = make_article()
    make_user("lectora", language="es")
    browser = Client()  # a new browser: no language cookie
    response = browser.post(reverse("account_login"), {"login": "lectora", "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = browser.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _html_tag(page) == '<html lang="es" dir="ltr">'


def test_the_accounts_language_costs_no_query(client, make_article, make_user):
    """The language is a column of the user row the page reads anyway (accounts/backends.py)."""
    article = make_article()
    plain, chosen = make_user(), make_user(language="ar")
    counts = {}
    for reader in (plain, chosen):
        browser = Client()
        browser.force_login(reader)
        browser.get(article.get_absolute_url())  # the first visit records it; count the second
        with CaptureQueriesContext(connection) as captured:
            page = browser.get(article.get_absolute_url()).content.decode()
        counts[reader.pk] = len(captured.captured_queries)
        if reader is chosen:
            assert _html_tag(page) == '<html lang="ar" dir="rtl">'
    assert counts[plain.pk] == counts[chosen.pk]


# --- Caches ------------------------------------------------------------------------------------


def test_the_signed_out_page_cache_keeps_one_copy_per_language(client, make_article, make_reply, settings,
                                                                django_assert_num_queries):
    settings.FORUM_THREAD_CACHE_SECONDS = 60
    article = make_article()
    make_reply(article=article)
    url = article.get_absolute_url()
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _html_tag(french) == '<html lang="fr" dir="ltr">' and _html_tag(english) == '<html lang="en" dir="ltr">'
    for language in ("fr", "en", "ar"):
        if language == "ar":  # a third language is drawn once, then kept too
            client.get(url, HTTP_ACCEPT_LANGUAGE="ar")
        with django_assert_num_queries(0):
            again = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert _html_tag(again).startswith(f'<html lang="{language}"')


def test_a_shared_page_varies_by_accept_language_and_a_chosen_language_is_private(client, make_article):
    article = make_article()
    shared = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr")
    assert "public" in shared["Cache-Control"]
    assert [value.strip() for value in shared["Vary"].split(",")] == ["Accept-Language"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    chosen = client.get(article.get_absolute_url())
    assert "private" in chosen["Cache-Control"] and "public" not in chosen["Cache-Control"]
    assert _html_tag(chosen.content.decode()) == '<html lang="fr" dir="ltr">'


# --- The article's own language ----------------------------------------------------------------


def test_article_and_reply_text_carry_their_own_language_whatever_the_interface(client, make_article, make_reply):
    article = make_article(language="fr")
    reply = make_reply(article=article, body="مرحبا بكم")
    page = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _html_tag(page) == '<html lang="en" dir="ltr">'
    assert '<h1 lang="fr" dir="ltr">' in page and '<div class="story-body" lang="fr" dir="ltr">' in page
    body = re.search(rf'id="r{reply.pk}".*?<div class="reply-body"([^>]*)>', page, re.S).group(1)
    assert body == ' lang="fr" dir="auto"'
    # The reply's own page and its card too, in Arabic.
    own = client.get(reply.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert _html_tag(own) == '<html lang="ar" dir="rtl">'
    assert '<div class="reply-body" lang="fr" dir="auto">' in own


def test_an_english_article_reads_left_to_right_in_the_arabic_interface_and_the_interface_keeps_its_language(
    client, make_article
):
    """`lang` does not set a direction: without `dir` the English text took the page's rtl, its full
    stops at the start of the lines. The byline's "By" and the date are the interface's words, so
    they sit outside the article's `lang`."""
    article = make_article(language="en", byline="Jane Doe", standfirst="What happened.", source="FRANCE 24")
    page = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert _html_tag(page) == '<html lang="ar" dir="rtl">'
    for part in ("<h1", '<p class="standfirst"', '<div class="story-body"'):
        assert f'{part} lang="en" dir="ltr">' in page
    story = re.search(r'<article class="story"([^>]*)>.*?<p class="meta">(.*?)</p>', page, re.S)
    assert story.group(1) == ""  # the meta line (in Arabic) is not marked as English
    assert "Jane Doe" in story.group(2)
    home = client.get("/", HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert '<h2 lang="en" dir="ltr">' in home
    # The source's name is isolated (dir), so the date's day number beside it stays with the date.
    assert '<span class="source" lang="en" dir="ltr">FRANCE 24</span>' in home


def test_an_arabic_article_reads_right_to_left_in_the_english_interface(client, make_article):
    article = make_article(language="ar", title="انسحاب")
    page = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _html_tag(page) == '<html lang="en" dir="ltr">'
    assert '<h1 lang="ar" dir="rtl">انسحاب</h1>' in page


def test_the_seed_articles_are_english(seeded):
    from forum.threads.models import Article

    assert set(Article.objects.values_list("language", flat=True)) == {"en"}


# --- Plurals, dates ----------------------------------------------------------------------------


def test_english_says_one_reply_and_two_replies(client, make_article, make_reply):
    article = make_article()
    first = make_reply(article=article)
    assert "(1 reply)" in client.get(article.get_absolute_url()).content.decode()
    make_reply(article=article, parent=first)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "(2 replies)" in page and "Hide 1 reply</span>" in page and "Show 1 reply</span>" in page


ARABIC_FORMS = ["0 ردود (صفر)", "ردّ واحد", "ردّان", "%(count)s ردود", "%(count)s ردًّا", "%(count)s ردّ"]


@pytest.fixture
def arabic_catalog(tmp_path, settings):
    """A catalog of one message in six forms under locale/ar's own Plural-Forms header, so the test
    reads Django's choice of form, whatever the translators have written so far."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(settings.BASE_DIR / "locale" / "ar" / "LC_MESSAGES" / "django.po", "rb") as source:
        shipped = read_po(source)
    catalog = Catalog(locale="ar")
    catalog.mime_headers = shipped.mime_headers
    catalog.add(("%(count)s reply", "%(count)s replies"), tuple(ARABIC_FORMS))
    catalog.add(("Hide %(count)s reply", "Hide %(count)s replies"), tuple(f"H {form}" for form in ARABIC_FORMS))  # the presenters'
    catalog.add(("%(counter)s reply", "%(counter)s replies"),  # the templates' {% blocktranslate count %}
                tuple(form.replace("%(count)s", "%(counter)s") for form in ARABIC_FORMS))
    folder = tmp_path / "ar" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with open(folder / "django.mo", "wb") as target:
        write_mo(target, catalog)
    settings.LOCALE_PATHS = [tmp_path]
    return shipped


def test_arabic_has_six_plural_forms_chosen_by_its_rule(arabic_catalog, client, make_article, make_reply):
    assert arabic_catalog.num_plurals == 6
    rule = gnu_gettext.c2py(arabic_catalog.plural_expr)
    assert [rule(n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111)] == [0, 1, 2, 3, 3, 4, 4, 5, 5, 3, 4]
    with translation.override("ar"):
        for count, form in [(0, 0), (1, 1), (2, 2), (7, 3), (11, 4), (100, 5)]:
            item = presenters.ThreadItem(reply=None, closes=[], has_children=True, descendant_total=count,
                                         body_html="", placeholder="")
            assert item.toggle_labels[0] == f"H {ARABIC_FORMS[form]}" % {"count": count}
    article = make_article()
    first = make_reply(article=article)
    for _ in range(2):
        make_reply(article=article, parent=first)
    page = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ar").content.decode()
    assert f"({ARABIC_FORMS[3] % {'count': 3}})" in page
    assert f"H {ARABIC_FORMS[2]}</span>" in page


def test_times_keep_iso_in_the_markup_and_follow_the_language_in_the_text(client, make_article, make_reply):
    article = make_article()
    reply = make_reply(article=article)
    english = client.get(article.get_absolute_url()).content.decode()
    iso = reply.created.isoformat(timespec="seconds")
    assert f'<time datetime="{iso}">' in english
    french = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f'<time datetime="{iso}">' in french  # machine-readable whatever the language
    month = reply.created.month
    with translation.override("fr"):
        from django.utils.dates import MONTHS_3

        french_month = str(MONTHS_3[month]).title()
    assert f"{reply.created.day} {french_month} {reply.created.year}" in french


# --- The page scripts' strings -----------------------------------------------------------------


def test_every_page_loads_the_javascript_catalog_of_its_language_before_its_script(client, make_article):
    article = make_article()
    page = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    scripts = re.findall(r'<script src="([^"]+)" defer></script>', page)
    assert scripts[0].startswith("/jsi18n/?lang=fr&amp;v=") and scripts[1].endswith("js/thread.js")
    catalog = client.get(scripts[0].replace("&amp;", "&"))
    assert catalog.status_code == 200
    assert catalog["Content-Type"].startswith("text/javascript")
    assert catalog["Content-Language"] == "fr"
    assert "public" in catalog["Cache-Control"] and "max-age=86400" in catalog["Cache-Control"]
    body = catalog.content.decode()
    assert "django.gettext" in body and "django.ngettext" in body
    assert "pluralidx" in body


def test_the_catalog_answers_in_the_language_its_address_names_not_the_browsers(client):
    french = client.get("/jsi18n/", {"lang": "fr"}, HTTP_ACCEPT_LANGUAGE="ar")
    assert french["Content-Language"] == "fr"
    arabic = client.get("/jsi18n/", {"lang": "ar"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert arabic["Content-Language"] == "ar"
    assert "n==2" in arabic.content.decode().replace(" ", "")  # Arabic's six forms, in the script too
    unnamed = client.get("/jsi18n/")
    assert "private" in unnamed["Cache-Control"]
