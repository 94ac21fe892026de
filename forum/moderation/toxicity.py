"""An optional moderation hook that scores a reply's wording with a model that runs here, offline.

Off by default. To turn it on:

    .venv/bin/pip install -r requirements-toxicity.txt
    FORUM_MODERATION_HOOKS = [..., "forum.moderation.toxicity.toxicity"]   # in the settings

The model is alt-profanity-check's: a linear SVM over word and character n-grams, trained on
profane and offensive texts, shipped inside the package's wheel (nothing downloads at run time).
It scores how offensive the wording is, not the opinion: see docs/moderation.md for its cost
and its verdicts on the 54 seed replies before relying on it.

Above FORUM_TOXICITY_THRESHOLD the writer is warned once ("nudge"): the form comes back with
their text and a box to post it anyway. Posted anyway, the reply is held, its score in the hold
reason the moderators read. Outside the web (an importer) there is nobody to warn: held.
"""

from __future__ import annotations

from functools import lru_cache

from django.utils.translation import gettext

from forum.conf import forum_settings

from .hooks import ALLOW, Decision, hold, nudge

# The form's "post it anyway" box (templates/forum/includes/_reply_form.html).
POST_ANYWAY = "post_anyway"


@lru_cache(maxsize=1)
def _model():
    # Imported on first use: the package is optional, and loading it costs ~0.3 s and ~60 MB.
    from profanity_check import predict_prob

    return predict_prob


def available() -> bool:
    try:
        _model()
    except ImportError:
        return False
    return True


def score(text: str) -> float:
    """How offensive the wording reads, from 0 to 1."""
    return float(_model()([text])[0])


def toxicity(*, body, request=None, **_) -> Decision:
    value = score(body)
    threshold = forum_settings.TOXICITY_THRESHOLD
    if value < threshold:
        return ALLOW
    if request is not None and request.POST.get(POST_ANYWAY) != "on":
        return nudge(
            gettext(
                "This reply may read as abusive to others. Reconsider your words; or tick "
                "“Post it anyway” and a moderator will read it before it appears."
            )
        )
    scores = {"score": f"{value:.2f}", "threshold": f"{threshold:.2f}"}
    if request is not None:
        return hold(gettext("Toxicity score %(score)s (threshold %(threshold)s); the writer was warned and posted anyway.") % scores)
    return hold(gettext("Toxicity score %(score)s (threshold %(threshold)s).") % scores)
