from django.urls import path
from django.views.generic import RedirectView

from config.replicas import replica_reads

from .embed import views as embed
from .moderation import views as moderation
from .notifications import views as notifications
from .posting import views as posting
from .reactions import views as reactions
from .search import views as search
from .syndication import feeds, sitemaps
from .syndication import views as crawlers
from .threads import live
from .threads import views as threads

app_name = "forum"

urlpatterns = [
    # Reading. The feeds, the sitemap and search read the replica when there is one
    # (config/replicas.py); so do the reading views, through their own decorators.
    path("", threads.home, name="home"),
    path("articles/<slug:slug>/", threads.article, name="article"),
    path("articles/<slug:slug>/thread.json", threads.thread_json, name="thread_json"),
    # Live (issue 10): what an open article page polls for "N new replies"
    path("articles/<slug:slug>/activity.json", live.activity, name="activity"),
    path("articles/<slug:slug>/replies/<int:pk>/in-thread/", live.reply_in_thread, name="reply_in_thread"),
    path("articles/<slug:slug>/replies/<int:pk>/", threads.reply_page, name="reply"),
    path("u/<str:username>/", threads.profile, name="profile"),
    # Where profiles were before /u/ (issue 10): old links keep working.
    path("users/<str:username>/", RedirectView.as_view(pattern_name="forum:profile", permanent=True)),
    path("articles/<slug:slug>/feed/", replica_reads(feeds.ArticleRepliesFeed(), signed_in=True), name="article_feed"),
    path("users/<str:username>/feed/", replica_reads(feeds.UserRepliesFeed(), signed_in=True), name="profile_feed"),
    # Search
    path("search/", search.search, name="search"),
    # Feeds and crawlers
    path("feeds/articles/", replica_reads(feeds.ArticlesFeed(), signed_in=True), name="articles_feed"),
    path("sitemap.xml", replica_reads(crawlers.sitemap, signed_in=True), {"sitemaps": sitemaps.SITEMAPS}, name="sitemap"),
    path("robots.txt", crawlers.robots_txt, name="robots_txt"),
    # Posting
    path("articles/<slug:slug>/reply/", posting.reply, name="reply_top"),
    path("articles/<slug:slug>/replies/<int:parent_pk>/reply/", posting.reply, name="reply_to"),
    path("replies/<int:pk>/edit/", posting.edit, name="edit"),
    path("replies/<int:pk>/remove/", posting.remove, name="remove"),
    path("replies/<int:pk>/history/", posting.history, name="history"),
    path("preview/", posting.preview, name="preview"),
    path("replies/<int:pk>/recommend/", reactions.recommend, name="recommend"),
    # Notifications
    path("notifications/", notifications.notifications, name="notifications"),
    path("articles/<slug:slug>/follow/", notifications.follow, name="follow"),
    path("unsubscribe/<str:token>/", notifications.unsubscribe_view, name="unsubscribe"),
    path("notifications/<int:pk>/", notifications.notification_open, name="notification"),
    # Embedding (issue 16, docs/embed.md): the thread in a news site's frame, counts, oEmbed.
    # /embed.js and /embed/count.js are files (static/root/, served by WhiteNoise).
    path("embed/thread/", embed.thread, name="embed_thread"),
    path("embed/open/", embed.open_thread, name="embed_open"),
    path("embed/counts.json", embed.counts_json, name="embed_counts"),
    path("embed/reply/<int:pk>/", embed.reply, name="embed_reply"),
    path("oembed", embed.oembed, name="oembed"),
    # Moderation
    path("replies/<int:pk>/flag/", moderation.flag, name="flag"),
    path("moderation/", moderation.queue, name="moderation_queue"),
    path("moderation/log/", moderation.log, name="moderation_log"),
    path("moderation/search/", search.moderator_search, name="moderation_search"),
    path("moderation/replies/<int:pk>/", moderation.reply_page, name="moderation_reply"),
    path("moderation/replies/<int:pk>/<slug:action>/", moderation.reply_action, name="moderation_action"),
    path("moderation/articles/<slug:slug>/lock/", moderation.article_lock, {"lock": True}, name="moderation_lock_article"),
    path("moderation/articles/<slug:slug>/unlock/", moderation.article_lock, {"lock": False}, name="moderation_unlock_article"),
    path("moderation/articles/<slug:slug>/rules/", moderation.article_rules, name="moderation_article_rules"),
    path("moderation/users/<str:username>/", moderation.user_page, name="moderation_user"),
    path("moderation/users/<str:username>/notes/", moderation.user_note, name="moderation_user_note"),
    path("moderation/users/<str:username>/ban/", moderation.user_ban, name="moderation_ban"),
    path("moderation/users/<str:username>/unban/", moderation.user_unban, name="moderation_unban"),
]
