"""Included from config/urls.py at "embed/", beside the embed frame's own urls (forum.embed)."""

from django.urls import path

from . import embed_views

app_name = "embed_accounts"

urlpatterns = [
    path("signin/", embed_views.signin, name="signin"),
    path("session/", embed_views.session, name="session"),
    path("sso/", embed_views.sso_session, name="sso"),
]
