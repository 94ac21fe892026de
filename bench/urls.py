"""The site's URLs plus the benchmark's ceiling. Used only through bench.settings."""

from django.http import HttpResponse
from django.urls import path

from config.urls import handler500  # noqa: F401 - the same error pages as the site
from config.urls import urlpatterns as site_urlpatterns


def trivial(request):
    """The least a Django page can do on this server: the same middleware, no query, no template."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), *site_urlpatterns]
