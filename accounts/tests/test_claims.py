"""Claiming imported accounts: a person who verifies the address a Disqus commenter used takes
that commenter's replies over. Nobody can sign in as an unclaimed account."""

import io
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import imported_account_get_or_create, imported_accounts_claim
from forum.models import Reply

pytestmark = pytest.mark.django_db

EXPORT = settings.BASE_DIR / "forum" / "tests" / "data" / "disqus-edge-cases.xml"
PASSWORD = "a-long-enough-passphrase"


@pytest.fixture
def imported():
    call_command("import_disqus", str(EXPORT), stdout=io.StringIO(), stderr=io.StringIO())


def sign_up_and_verify(client, email, username="newcomer"):
    response = client.post(
        reverse("account_signup"),
        {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    link = re.search(r"https?://[^/]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    assert client.post(link).status_code == 302
    return User.objects.get(username=username)


def test_verifying_the_same_address_takes_the_imported_replies_over(client, imported):
    imported_alice = User.objects.get(import_key="disqus:alicesmith")
    replies = set(imported_alice.replies.values_list("pk", flat=True))
    assert len(replies) == 3
    person = sign_up_and_verify(client, "Alice@Example.org")  # the case of an address does not matter
    assert set(person.replies.values_list("pk", flat=True)) == replies
    imported_alice.refresh_from_db()
    assert imported_alice.claimed_by == person and not imported_alice.is_active
    assert imported_alice.replies.count() == 0
    # The thread now names the person who claimed them.
    page = client.get(Reply.objects.get(disqus_id="1001").get_absolute_url()).content.decode()
    assert "newcomer" in page


def test_signing_up_with_another_address_claims_nothing(client, imported):
    person = sign_up_and_verify(client, "someone.else@example.org")
    assert person.replies.count() == 0
    assert User.objects.get(import_key="disqus:alicesmith").claimed_by is None


def test_an_unverified_address_claims_nothing(client, imported):
    client.post(
        reverse("account_signup"),
        {"username": "newcomer", "email": "alice@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert User.objects.get(username="newcomer").replies.count() == 0
    assert User.objects.get(import_key="disqus:alicesmith").replies.count() == 3


def test_anonymous_commenters_cannot_be_claimed(make_user, imported):
    guest = User.objects.get(import_key="disqus-anonymous:passing guest")
    assert guest.claim_email == ""
    person = make_user()
    assert imported_accounts_claim(user=person, email="", now=timezone.now()) == []
    assert guest.replies.count() == 2


def test_an_account_is_claimed_once(make_user, imported):
    first, second = make_user(), make_user()
    assert len(imported_accounts_claim(user=first, email="bob@example.org", now=timezone.now())) == 1
    assert imported_accounts_claim(user=second, email="bob@example.org", now=timezone.now()) == []
    assert first.replies.count() == 2 and second.replies.count() == 0


def test_an_imported_account_cannot_claim_another():
    one, _ = imported_account_get_or_create(key="disqus:one", name="One", username="one", email="x@example.org")
    imported_account_get_or_create(key="disqus:two", name="Two", username="two", email="x@example.org")
    assert imported_accounts_claim(user=one, email="x@example.org", now=timezone.now()) == []


def test_nobody_can_sign_in_as_or_reset_the_password_of_an_unclaimed_account(client, imported):
    assert not client.login(username="alicesmith", password="")
    client.post(reverse("account_reset_password"), {"email": "alice@example.org"})
    assert not any("password/reset/key" in message.body for message in mail.outbox)


def test_adding_and_verifying_the_address_later_claims_too(client, imported):
    person = sign_up_and_verify(client, "bob.new@example.org")
    response = client.post(reverse("account_email"), {"action_add": "", "email": "bob@example.org"})
    assert response.status_code == 302
    link = re.search(r"https?://[^/]+(/accounts/confirm-email/[^/\s]+/)", mail.outbox[-1].body).group(1)
    assert client.post(link).status_code == 302
    assert set(person.replies.values_list("disqus_id", flat=True)) == {"1002", "1006"}
