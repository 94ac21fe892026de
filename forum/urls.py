from django.urls import path

from . import views

app_name = "forum"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("articles/<slug:slug>/reply/", views.reply, name="reply_top"),
    path("articles/<slug:slug>/replies/<int:parent_pk>/reply/", views.reply, name="reply_to"),
    path("replies/<int:pk>/edit/", views.edit, name="edit"),
    path("replies/<int:pk>/remove/", views.remove, name="remove"),
    path("replies/<int:pk>/history/", views.history, name="history"),
    path("preview/", views.preview, name="preview"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification"),
]
