"""One canonical form per name, so that names that look alike to a reader collide.

Two accounts called "Alex" and "alex", "Atle_Rørdam" and "atle.rordam", or "Аlex" (with a
Cyrillic А) and "Alex" would let one person pass for another in a thread. Every user row stores
this canonical form and its skeleton under unique constraints, so the database refuses a
look-alike whatever path created the row (signup, admin, createsuperuser, the seed importer).
"""

import re
import unicodedata

from django.utils.translation import gettext_lazy

# Letters that NFKD does not decompose but that readers take for Latin ones.
_HOMOGLYPHS = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j",
        "ѕ": "s", "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
        "ρ": "p", "τ": "t", "υ": "u", "χ": "x",
        # Latin letters without a decomposition
        "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ł": "l", "ŀ": "l", "æ": "ae",
        "œ": "oe", "þ": "th",
        # Digits read as letters
        "0": "o", "1": "l",
    }
)


# Capitals that read as a lowercase l in most sans-serif fonts ("christianbIood" for
# "christianblood"): Latin I, Cyrillic І and Ӏ, Greek Ι. Case folding turns them into an i, which
# would hide the look-alike, and folding every i into an l would make "Neil" and "Nell" one name.
# So a name has a second form, its skeleton, where these capitals become l before case is folded;
# two names collide when either form is the same.
_CAPITAL_L_LOOKALIKES = str.maketrans({"I": "l", "І": "l", "Ӏ": "l", "Ι": "l"})


def skeleton_name(name: str) -> str:
    """The canonical form of the name as it reads: "christianbIood" -> "christianblood"."""
    return canonical_name(unicodedata.normalize("NFKC", name).translate(_CAPITAL_L_LOOKALIKES))


def canonical_name(name: str) -> str:
    """Fold case, accents, homoglyphs and separators: "Atle_Rørdam" -> "atlerordam"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().translate(_HOMOGLYPHS)
    text = "".join(ch for ch in text if ch.isalnum())
    # "rn" reads as "m" in most fonts; "vv" as "w".
    return text.replace("rn", "m").replace("vv", "w")


# --- Characters a name may not hold, and names nobody may take --------------------------------------

# Format characters (bidi overrides and isolates, zero-width joiners and spaces, the BOM), control
# characters (a newline breaks the email headers a display name goes into) and line and paragraph
# separators: each makes a name display as something else than it is ("\u202emitcivx" reads
# "xvictim"), or not at all.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"}

INVISIBLE_CHARACTERS = gettext_lazy(
    "A name cannot contain invisible, direction-changing or control characters (such as a line break)."
)


def has_invisible_characters(name: str) -> bool:
    return any(unicodedata.category(ch) in _INVISIBLE_CATEGORIES for ch in name)


# Names that speak for the site: nobody may take them, nor a look-alike ("M0derator", "ѕupport").
# accounts/services.py adds the names of the people the forum publishes (the article bylines),
# through settings.ACCOUNTS_RESERVED_NAME_SOURCES.
ROLE_NAMES = [
    "admin", "admins", "administrator", "administrators", "administration", "moderator", "moderators",
    "mod", "mods", "modteam", "staff", "support", "help", "helpdesk", "official", "root", "system",
    "sysadmin", "sysop", "forum", "editor", "editors", "newsroom", "webmaster", "postmaster",
    "hostmaster", "abuse", "security", "noreply", "superuser", "owner", "team",
]


def reserved_forms(name: str) -> set[str]:
    """The forms of `name` compared with the reserved names: canonical and skeleton, also without
    trailing digits and separators or a leading "the" ("admin_1", "The Editor")."""
    bare = _TRAILING_DIGITS.sub("", name)
    forms = set()
    for variant in {name, bare}:
        for form in (canonical_name(variant), skeleton_name(variant)):
            forms.update({form, form.removeprefix("the")})
    forms.discard("")
    return forms


_TRAILING_DIGITS = re.compile(r"[\W_\d]+$")


# --- The names of deleted accounts ----------------------------------------------------------------

# A deleted account is renamed "deleted-<its id>" (forum.privacy.deletion). Nobody may take a name
# that reads like one, or plain "deleted": it would pass for a deleted account, or a deleted
# account for them. canonical_name folds 0 and 1 into o and l, hence those letters.
DELETED_PREFIX = "deleted-"
_DELETED_FORM = re.compile(r"^deleted[0-9lo]*$")


def deleted_name(user_id: int) -> str:
    return f"{DELETED_PREFIX}{user_id}"


def reads_as_deleted(name: str) -> bool:
    return any(_DELETED_FORM.match(form) for form in (canonical_name(name), skeleton_name(name)))
