"""Email through the queue: the request renders the message, the worker sends it.

A message is stored as plain JSON in the task row (subject, body, HTML part, addresses), so the
worker needs neither the request nor the template that made it. Sending raises on failure
(never fail_silently), so a mail server that is down makes the task retry with backoff.
"""

from __future__ import annotations

from django.core.mail import EmailMessage, EmailMultiAlternatives

from . import durable_task


def message_data(message: EmailMessage) -> dict:
    html = [content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"]
    return {
        "subject": message.subject,
        "body": message.body,
        "html": html[0] if html else None,
        "from_email": message.from_email,
        "to": list(message.to),
        "headers": dict(message.extra_headers),
    }


def queue_message(message: EmailMessage) -> None:
    """Send `message` from the worker once the caller's transaction commits (the database
    backend), or now (the immediate backend). Unlike an announcement this mail does not wait for
    the commit there: allauth sends it in the middle of its own flow, as it always did."""
    send_message.enqueue(message_data(message))


@durable_task
def send_message(data: dict) -> str:
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        headers=data.get("headers") or {},
    )
    if data.get("html"):
        message.attach_alternative(data["html"], "text/html")
    message.send(fail_silently=False)
    return f"sent to {len(data['to'])}"
