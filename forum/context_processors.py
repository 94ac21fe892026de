from django.conf import settings


def site(request):
    return {"site_name": settings.FORUM_SITE_NAME}
