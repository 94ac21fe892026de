from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("settings/data/", views.data, name="data"),
    path("settings/data/download/<str:token>/", views.data_download, name="data_download"),
    path("settings/delete/", views.delete, name="delete"),
    path("settings/delete/cancel/", views.delete_cancel, name="delete_cancel"),
    path("moderation/users/<str:username>/delete/", views.moderation_delete, name="moderation_delete"),
]
