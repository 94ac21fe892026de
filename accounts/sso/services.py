"""The writes of single sign-on: the token's jti recorded, the (kid, sub) link, and the account
made or updated. The only code that writes them; accounts.embed_views calls sign_in().

Check, do: the token was verified before (tokens.verify, nothing written). Here, in one
transaction: the jti, whose unique constraint refuses a replay (two copies at once included:
PostgreSQL makes the second insert wait for the first's commit, then fails it); the link, read
under a row lock; the account. A refusal raised anywhere in it (a replay, a suspended account)
rolls all of it back, so nothing is written.
"""

from __future__ import annotations

import datetime
import secrets

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from ..models import SsoLink, SsoTokenSeen, User
from ..services import NameRefused, NameTaken, check_name_available, free_username, imported_username, normalise_name
from .tokens import LEEWAY_SECONDS, Claims, SsoRefused


def sign_in(*, claims: Claims, now: datetime.datetime) -> User:
    """The account the token's reader signs in as: linked by (kid, sub), made on their first
    token, updated from a newer one. Raises SsoRefused: a replayed token (400), an account that
    may not sign in or is suspended (403)."""
    try:
        return _sign_in(claims, now)
    except IntegrityError:
        # The same reader's first two tokens at once (the link), or two readers taking one name
        # at once: the other request committed first, so a second try finds what it made.
        return _sign_in(claims, now)


@transaction.atomic
def _sign_in(claims: Claims, now: datetime.datetime) -> User:
    # Kept past exp by the leeway, as long as tokens.verify would still take the token.
    SsoTokenSeen.objects.filter(expires__lt=now - datetime.timedelta(seconds=LEEWAY_SECONDS)).delete()
    try:
        with transaction.atomic():
            SsoTokenSeen.objects.create(
                kid=claims.kid, jti=claims.jti, expires=datetime.datetime.fromtimestamp(claims.exp, datetime.UTC)
            )
    except IntegrityError:
        raise SsoRefused(_("This sign-in token was used already: each token signs in once.")) from None
    link = SsoLink.objects.select_for_update().filter(kid=claims.kid, sub=claims.sub).select_related("user").first()
    if link is None:
        user = _link_new(claims, now)
    else:
        user = link.user
        if claims.iat > link.last_iat:
            _update(user, link, claims)
    if not user.is_active:
        raise SsoRefused(_("This forum account is inactive and cannot sign in."), status=403)
    if ban := user.posting_ban(now):
        raise SsoRefused(ban, status=403)
    return user


def _email_owners(email: str):
    """Accounts that hold `email`, as their address or as one of allauth's addresses."""
    return User.objects.filter(
        Q(email__iexact=email) | Q(pk__in=EmailAddress.objects.filter(email__iexact=email).values("user_id"))
    )


def _verified_here(user: User, email: str) -> bool:
    """Whether `user` proved `email` to the forum itself (allauth's link). An account made by a
    token holds its address on a site's word, which does not vouch for another site's reader."""
    return (
        EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()
        and not SsoLink.objects.filter(user=user, made_account=True).exists()
    )


def _link_new(claims: Claims, now) -> User:
    """The reader's first token. An address that is another account's never signs into that
    account, unless the site says it verified the address and the forum verified it too: then
    it is the same person, and the token links to their account."""
    email = claims.email
    if email:
        owners = list(_email_owners(email)[:2])
        if len(owners) == 1 and claims.email_verified and _verified_here(owners[0], email):
            SsoLink.objects.create(user=owners[0], kid=claims.kid, sub=claims.sub, last_iat=claims.iat)
            return owners[0]
        if owners:
            email = ""  # someone else's: the new account goes without it
    user = _account_create(claims, email, now)
    SsoLink.objects.create(user=user, kid=claims.kid, sub=claims.sub, last_iat=claims.iat, made_account=True)
    return user


def _account_create(claims: Claims, email: str, now) -> User:
    username = _username(claims.username or claims.name)
    user = User(username=username, display_name=_display_name(claims.name, None), email=email, date_joined=now)
    user.set_unusable_password()  # they sign in through their site; a password reset can give them one
    user.save()
    if email:
        # The site's word that the address is theirs lets them post (FORUM_REQUIRE_VERIFIED_EMAIL).
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=claims.email_verified)
    return user


def _update(user: User, link: SsoLink, claims: Claims) -> None:
    """A newer token than the last one: its name and address are the reader's now. An older
    token (sent late, or replayed within its hour under a new jti) changes nothing."""
    fields = []
    if claims.name and claims.name != user.display_name:
        display = _display_name(claims.name, user)
        if display:
            user.display_name = display
            fields += ["display_name", "display_canonical", "display_skeleton"]
    # Only the address of an account the tokens made: an account that signed up here keeps the
    # address it verified here.
    if link.made_account and claims.email and claims.email.lower() != user.email.lower():
        if not _email_owners(claims.email).exclude(pk=user.pk).exists():
            user.email = claims.email
            fields.append("email")
            EmailAddress.objects.filter(user=user).delete()
            EmailAddress.objects.create(user=user, email=claims.email, primary=True, verified=claims.email_verified)
    if fields:
        user.save(update_fields=fields)
    link.last_iat = claims.iat
    link.save(update_fields=["last_iat"])


def _username(wanted: str) -> str:
    """A username from the site's: the project's rules (NFKC, no invisible characters, no
    reserved name, no look-alike of another account's); a taken one gets a number, a refused one
    (or none) a generated name."""
    if wanted:
        candidate = imported_username(normalise_name(wanted.split("@")[0]))[:140]
        try:
            check_name_available(candidate)
            return candidate
        except NameTaken:
            numbered = free_username(candidate)
            try:
                check_name_available(numbered)
                return numbered
            except NameRefused:
                pass
        except NameRefused:
            pass
    while True:
        generated = f"reader-{secrets.token_hex(4)}"
        try:
            check_name_available(generated)
            return generated
        except NameRefused:
            continue


def _display_name(name: str, user: User | None) -> str:
    """The site's name for the reader when the forum's rules allow it here, else empty (their
    username shows)."""
    if not name:
        return ""
    try:
        check_name_available(name, user=user)
    except NameRefused:
        return ""
    return normalise_name(name)[:150]
