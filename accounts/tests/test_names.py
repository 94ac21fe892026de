import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from accounts.names import canonical_name


@pytest.mark.parametrize(
    "one, other",
    [
        ("Alex", "alex"),
        ("Atle_Rørdam", "atle.rordam"),
        ("Atle_Rørdam", "ATLE-RORDAM"),
        ("Alex", "Аlex"),  # Cyrillic А
        ("batavian01", "batavianol"),
        ("Solomon", "Sołomon"),
        ("modern", "modem"),
        ("Ｎｅｉｌ", "Neil"),  # full-width letters
    ],
)
def test_look_alike_names_share_one_canonical_form(one, other):
    assert canonical_name(one) == canonical_name(other)


@pytest.mark.parametrize("one, other", [("Alex", "Alexa"), ("Neil", "Nell"), ("Jens", "Jen")])
def test_different_names_stay_different(one, other):
    assert canonical_name(one) != canonical_name(other)


@pytest.mark.django_db
def test_the_database_refuses_a_look_alike_whatever_creates_it(make_user):
    make_user("Alex")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(username="aIex".replace("I", "l").upper(), password="x")
    assert User.objects.count() == 1


def signup(client, username):
    return client.post(
        reverse("account_signup"),
        {"username": username, "email": f"{abs(hash(username))}@example.com",
         "password1": "a-long-enough-passphrase", "password2": "a-long-enough-passphrase"},
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["Atle_Rørdam", "atle_rordam", "Atle.Rordam", "PZIVJ", "pzivj", "batavianOl"])
def test_seed_commenters_names_and_look_alikes_cannot_be_registered(client, seeded, name):
    users = User.objects.count()
    response = signup(client, name)
    assert response.status_code == 200  # the form again, with the error on it
    errors = " ".join(response.context["form"].errors["username"])
    assert "already" in errors or "looks too much like a name that is" in errors
    assert User.objects.count() == users


@pytest.mark.django_db
def test_a_fresh_name_can_be_registered(client, seeded):
    response = signup(client, "newcomer")
    assert response.status_code == 302
    assert User.objects.filter(username="newcomer").exists()
