import os

from django.core.wsgi import get_wsgi_application

# Production by default: a server started without DJANGO_SETTINGS_MODULE gets DEBUG off and
# the HTTPS, HSTS and cookie settings it needs behind the load balancer.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.prod")

application = get_wsgi_application()
