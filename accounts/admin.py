from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .forms import UserAdminChangeForm, UserAdminCreationForm
from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts in the admin. Suspending one is a logged moderation action: forum.moderation.admin
    adds those actions to this class."""

    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    list_display = ["username", "display_name", "email", "is_active", "is_staff", "banned_until", "date_joined"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Forum"), {"fields": ["display_name", "language", "email_on_reply", "banned_at", "banned_until", "ban_reason"]}),
    )
    readonly_fields = ["banned_at", "banned_until", "ban_reason"]  # suspensions are logged actions
