from django.urls import path

from . import moderation_views, views

app_name = "forum"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("articles/<slug:slug>/thread.json", views.thread_json, name="thread_json"),
    path("articles/<slug:slug>/replies/<int:pk>/", views.reply_page, name="reply"),
    path("articles/<slug:slug>/reply/", views.reply, name="reply_top"),
    path("articles/<slug:slug>/replies/<int:parent_pk>/reply/", views.reply, name="reply_to"),
    path("replies/<int:pk>/edit/", views.edit, name="edit"),
    path("replies/<int:pk>/remove/", views.remove, name="remove"),
    path("replies/<int:pk>/history/", views.history, name="history"),
    path("preview/", views.preview, name="preview"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification"),
    path("replies/<int:pk>/flag/", moderation_views.flag, name="flag"),
    path("moderation/", moderation_views.queue, name="moderation_queue"),
    path("moderation/log/", moderation_views.log, name="moderation_log"),
    path("moderation/replies/<int:pk>/", moderation_views.reply_page, name="moderation_reply"),
    path("moderation/replies/<int:pk>/<slug:action>/", moderation_views.reply_action, name="moderation_action"),
    path("moderation/articles/<slug:slug>/lock/", moderation_views.article_lock, {"lock": True}, name="moderation_lock_article"),
    path("moderation/articles/<slug:slug>/unlock/", moderation_views.article_lock, {"lock": False}, name="moderation_unlock_article"),
    path("moderation/users/<str:username>/", moderation_views.user_page, name="moderation_user"),
    path("moderation/users/<str:username>/ban/", moderation_views.user_ban, name="moderation_ban"),
    path("moderation/users/<str:username>/unban/", moderation_views.user_unban, name="moderation_unban"),
]
