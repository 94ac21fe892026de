"""What crawlers ask the site root for: robots.txt and sitemap.xml. (The favicon is a static
file WhiteNoise serves from static/root/, WHITENOISE_ROOT.)"""

from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control

from forum.web import absolute_url

# Kept out of crawlers: what is per person (accounts, settings, notifications), what is for
# moderators, every URL that writes (edit, remove, flag, recommend...), search results (endless
# near-duplicate pages), and the admin.
DISALLOWED = [
    "/accounts/",
    "/settings/",
    "/notifications/",
    "/moderation/",
    "/admin/",
    "/search/",
    "/preview/",
    "/replies/",  # edit, remove, flag, history: the reader-facing reply pages are under /articles/
]
# Let in under /accounts/ (the longer rule wins): the sign-in and sign-up pages. They, and the
# reply pages under /articles/ (the reply box), are pages a reader opens from search as from
# anywhere, and a page kept out of crawlers is one Lighthouse's SEO audit fails (is-crawlable,
# issue 17). Each names its canonical address (forum/syndication/meta.py): sign-in and sign-up
# without ?next=, a reply box the reply it answers, so the variants are not indexed apart.
ALLOWED = [f"/accounts/{page}/" for page in ("login", "signup")]


@cache_control(max_age=3600, public=True)
def robots_txt(request):
    """No query: the rules are fixed, and the sitemap's address is the site's own (FORUM_SITE_URL),
    not whatever Host the request came with."""
    lines = ["User-agent: *", *(f"Allow: {path}" for path in ALLOWED), *(f"Disallow: {path}" for path in DISALLOWED)]
    lines.append(f"Sitemap: {absolute_url(reverse('forum:sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def sitemap(request, sitemaps):
    return django_sitemap(request, sitemaps=sitemaps)
