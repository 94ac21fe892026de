from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from . import services
from .forms import SettingsForm


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
                messages.success(request, "Your settings are saved.")
                return redirect("accounts:settings")
        return render(request, "accounts/settings.html", {"form": form}, status=400)
    form = SettingsForm(initial={"display_name": user.display_name, "email_on_reply": user.email_on_reply})
    return render(request, "accounts/settings.html", {"form": form})
