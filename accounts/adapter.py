from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from jobs.mail import queue_message

from .services import check_name_available


class AccountAdapter(DefaultAccountAdapter):
    def clean_username(self, username, shallow=False):
        username = super().clean_username(username, shallow=shallow)
        check_name_available(username)
        return username

    def send_mail(self, template_prefix, email, context):
        # Verification and password-reset mail goes through the queue: a slow or absent mail
        # server neither slows nor fails the sign-up, and a failed send is retried.
        request = allauth_context.request
        context = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        queue_message(self.render_mail(template_prefix, email, context))
