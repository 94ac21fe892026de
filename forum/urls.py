from django.urls import path

from . import views

app_name = "forum"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("articles/<slug:slug>/thread.json", views.thread_json, name="thread_json"),
    path("articles/<slug:slug>/replies/<int:pk>/", views.reply_page, name="reply"),
]
