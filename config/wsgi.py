import os

from django.core.wsgi import get_wsgi_application

# Production by default: a server started without DJANGO_SETTINGS_MODULE must not run with DEBUG on.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

application = get_wsgi_application()
