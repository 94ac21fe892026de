from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from .names import canonical_name


class User(AbstractUser):
    display_name = models.CharField(
        max_length=150, blank=True, help_text="Shown on replies instead of the username when set."
    )
    # Null for accounts made from the seed thread's commenters: the seed says nothing of when
    # they joined, and a made-up date would show on their profile as fact.
    date_joined = models.DateTimeField(default=timezone.now, null=True, blank=True)
    # Filled from the username on every save; the unique constraint is what stops look-alikes.
    name_canonical = models.CharField(max_length=150, unique=True, editable=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.username

    def save(self, *args, **kwargs):
        # Here and not in a service: createsuperuser, the admin and allauth each create users
        # through their own code, and every one of them ends in save().
        self.name_canonical = canonical_name(self.username)
        super().save(*args, **kwargs)
