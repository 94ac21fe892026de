import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from forum import selectors, services

from .models import User


class BanActionForm(ActionForm):
    reason = forms.CharField(required=False, max_length=1000, widget=forms.TextInput(attrs={"placeholder": "Reason"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), help_text="empty: for good")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "email", "is_active", "is_staff", "banned_until", "date_joined"]
    search_fields = ["username", "display_name", "email"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Forum", {"fields": ["display_name", "email_on_reply", "banned_at", "banned_until", "ban_reason"]}),
    )
    readonly_fields = ["banned_at", "banned_until", "ban_reason"]  # suspensions are logged actions
    action_form = BanActionForm
    actions = ["ban", "unban"]

    def has_moderate_permission(self, request):
        return selectors.is_moderator(request.user)

    @admin.action(description="Suspend from posting (reason; until a date, or for good)", permissions=["moderate"])
    def ban(self, request, queryset):
        day = request.POST.get("until")
        until = datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time.max, tzinfo=datetime.UTC) if day else None
        for user in queryset:
            try:
                services.user_ban(user=user, moderator=request.user, reason=request.POST.get("reason", ""), until=until)
            except services.PostingError as error:
                self.message_user(request, f"{user}: {error.message}", messages.WARNING)

    @admin.action(description="Lift the suspension", permissions=["moderate"])
    def unban(self, request, queryset):
        for user in queryset:
            try:
                services.user_unban(user=user, moderator=request.user, reason=request.POST.get("reason", ""))
            except services.PostingError as error:
                self.message_user(request, f"{user}: {error.message}", messages.WARNING)
