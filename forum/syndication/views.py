"""What crawlers ask the site root for: robots.txt and sitemap.xml. (The favicon is a static
file WhiteNoise serves from static/root/, WHITENOISE_ROOT.)"""

from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control

from forum.web import absolute_url

# Kept out of crawlers: what is per person (accounts, settings, notifications), what is for
# moderators, every URL that writes or opens a reply box (they lead to sign-in and are
# nofollow anyway), search results (endless near-duplicate pages), and the admin.
DISALLOWED = [
    "/accounts/",
    "/settings/",
    "/notifications/",
    "/moderation/",
    "/admin/",
    "/search/",
    "/preview/",
    "/replies/",  # edit, remove, flag, history: the reader-facing reply pages are under /articles/
    "/articles/*/reply/",  # the reply box, to the article or under any reply
]


@cache_control(max_age=3600, public=True)
def robots_txt(request):
    """No query: the rules are fixed, and the sitemap's address is the site's own (FORUM_SITE_URL),
    not whatever Host the request came with."""
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED)]
    lines.append(f"Sitemap: {absolute_url(reverse('forum:sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def sitemap(request, sitemaps):
    return django_sitemap(request, sitemaps=sitemaps)
