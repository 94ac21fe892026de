from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from forum import i18n

# The admin's own login has no rate limit; allauth's wrapper sends it through allauth's login,
# which has (allauth docs: "Admin").
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # The embedded frame's sign-in and single sign-on (issue 16); the frame itself is forum's.
    path("embed/", include("accounts.embed_urls")),
    # Languages (issue 17): the footer's switcher; the page scripts' strings (forum/i18n.py).
    # Django's set_language, which also saves a signed-in reader's choice (forum/i18n.py).
    path("i18n/setlang/", i18n.set_language, name="set_language"),
    path("jsi18n/", i18n.javascript_catalog, name="javascript-catalog"),
    path("", include("accounts.urls")),
    path("", include("forum.privacy.urls")),
    path("", include("forum.urls")),
]

handler500 = "config.views.server_error"
