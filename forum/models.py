"""The forum app's models, gathered where Django looks for them. Each is defined in its domain."""

from forum.moderation.models import Flag, ModerationLog, ModeratorNote
from forum.notifications.models import ArticleFollow, Notification
from forum.privacy.models import DataExport
from forum.reactions.models import Recommendation
from forum.threads.models import Article, ArticleVisit, Reply, ReplyRevision

__all__ = [
    "Article", "ArticleFollow", "DataExport", "ArticleVisit", "Flag", "ModerationLog", "ModeratorNote", "Notification", "Recommendation", "Reply", "ReplyRevision",
]
