"""What the browser tests share besides fixtures: sizes, the seeded op-ed, screenshots, mail."""

import re
from pathlib import Path

from django.conf import settings
from django.core import mail

SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots" / "raw"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

OP_ED = "putins-syrian-withdrawal-announcement-neither-a-full-russian-withdrawal-nor-victory-in-syria"


def screenshot(page, name: str) -> Path:
    """What the page shows in its viewport, kept under docs/screenshots/raw/ (git-ignored)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def confirmation_path(address: str) -> str:
    """The path of the email-verification link last sent to `address`."""
    sent = [message for message in mail.outbox if address in message.to]
    assert sent, f"no email was sent to {address}"
    return re.search(r"https?://[^/]+(/accounts/confirm-email/[^/\s]+/)", sent[-1].body).group(1)
