from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from forum import selectors

from . import services
from .forms import SettingsForm
from .models import User

REPLIES_PER_PAGE = 50


def profile(request, username):
    person = get_object_or_404(User, username=username)
    replies = Paginator(selectors.replies_by(person, viewer=request.user), REPLIES_PER_PAGE)
    page = replies.get_page(request.GET.get("page"))
    return render(request, "accounts/profile.html", {"person": person, "page": page})


@login_required
def settings_view(request):
    user = request.user
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.user_settings_save(user=user, **form.cleaned_data)
            except services.NameTaken as error:
                form.add_error("display_name", str(error))
            else:
                messages.success(request, "Your settings are saved.")
                return redirect("accounts:settings")
        return render(request, "accounts/settings.html", {"form": form}, status=400)
    form = SettingsForm(initial={"display_name": user.display_name, "email_on_reply": user.email_on_reply})
    return render(request, "accounts/settings.html", {"form": form})
