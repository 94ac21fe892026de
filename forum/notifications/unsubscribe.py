"""One-click unsubscribe: a signed token in every email's link and List-Unsubscribe header
(RFC 8058), good without signing in.

A token names one person and one kind of email: "follow:<article id>" stops the emails of
that discussion (it unfollows it), "replies" stops the emails about replies and mentions
(User.email_on_reply). It is signed with SECRET_KEY and this salt, so it cannot be forged or
turned into another person's; it does not expire, since an unsubscribe link in an old email
must still work. Moderation decisions and report outcomes have no such link: they are notices
the law asks for, not mail one subscribes to.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from forum.errors import NotFound, Refused
from forum.threads.models import Article
from forum.web import absolute_url

from .models import ArticleFollow

SALT = "forum.notifications.unsubscribe"
REPLIES = "replies"


def token_for(user, scope: str) -> str:
    return signing.dumps({"u": user.pk, "s": scope}, salt=SALT, compress=True)


def link_for(user, scope: str) -> str:
    return absolute_url(reverse("forum:unsubscribe", args=[token_for(user, scope)]))


def headers_for(user, scope: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{link_for(user, scope)}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


@dataclass(frozen=True)
class Unsubscription:
    user: object
    scope: str
    article: Article | None  # for a "follow:<id>" scope

    def describe(self) -> str:
        if self.article is not None:
            return _("emails about new replies in “%(title)s” (and following it)") % {"title": self.article.title}
        return _("emails about replies to you and mentions of you")


def read(token: str) -> Unsubscription:
    """What the token unsubscribes from; a tampered token is a 400, a vanished account or
    article a 404."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise Refused(_("This unsubscribe link is not valid: it may have been cut short or changed.")) from None
    user = get_user_model().objects.filter(pk=data.get("u")).first()
    scope = str(data.get("s", ""))
    if user is None:
        raise NotFound(_("The account this link was for no longer exists."))
    if scope == REPLIES:
        return Unsubscription(user=user, scope=scope, article=None)
    if scope.startswith("follow:") and scope[7:].isdigit():
        article = Article.objects.filter(pk=int(scope[7:])).first()
        if article is None:
            raise NotFound(_("The discussion this link was for no longer exists."))
        return Unsubscription(user=user, scope=scope, article=article)
    raise Refused(_("This unsubscribe link is not valid."))


def apply(unsubscription: Unsubscription) -> None:
    """Stop those emails. Running it twice changes nothing."""
    user = unsubscription.user
    if unsubscription.article is not None:
        ArticleFollow.objects.filter(user=user, article=unsubscription.article).delete()
    elif user.email_on_reply:
        user.email_on_reply = False
        user.save(update_fields=["email_on_reply"])
