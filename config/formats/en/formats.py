"""English dates as the forum has always written and read them: Django's en_GB formats (31/12/2026,
"31 December 2026") for the language code "en" (settings.LANGUAGES), not its American defaults."""

from django.conf.locale.en_GB.formats import *  # noqa: F403
