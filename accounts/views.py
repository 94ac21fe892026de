from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import SettingsForm
from .models import User


@login_required
def settings_view(request):
    user = request.user
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.user_settings_save(user=user, **form.cleaned_data)
            except services.NameRefused as error:
                form.add_error("display_name", error)
            else:
                messages.success(request, _("Your settings are saved."))
                return redirect("accounts:settings")
        return render(request, "accounts/settings.html", _context(user, form), status=400)
    form = SettingsForm(initial={
        "display_name": user.display_name, "email_on_reply": user.email_on_reply,
        "follow_email": user.follow_email, "follow_on_reply": user.follow_on_reply,
    })
    return render(request, "accounts/settings.html", _context(user, form))


def _context(user, form) -> dict:
    return {"form": form, "ignoring": selectors.ignoring(user)}


@require_POST
@login_required
def ignore(request):
    """Ignore someone (from their profile), or stop ignoring them (from the settings page)."""
    person = User.objects.filter(username=request.POST.get("username", "")).first()
    if person is None:
        return render(request, "accounts/ignore_refused.html", {"message": _("There is no such person to ignore.")},
                      status=404)
    if request.POST.get("ignore") == "0":
        services.ignore_remove(user=request.user, ignored=person)
        messages.success(request, _("You no longer ignore %(name)s.") % {"name": person.public_name})
        return redirect("accounts:settings")
    try:
        services.ignore_add(user=request.user, ignored=person, now=timezone.now())
    except services.IgnoreRefused as error:
        return render(request, "accounts/ignore_refused.html", {"message": error.message}, status=400)
    messages.success(request, _("You ignore %(name)s: their replies fold away for you and they cannot notify you. Undo it in your settings.") % {"name": person.public_name})
    return redirect("accounts:settings")
