"""One canonical form per name, so that names that look alike to a reader collide.

Two accounts called "Alex" and "alex", "Atle_Rørdam" and "atle.rordam", or "Аlex" (with a
Cyrillic А) and "Alex" would let one person pass for another in a thread. Every user row stores
this canonical form under a unique constraint, so the database refuses a look-alike whatever path
created the row (signup, admin, createsuperuser, the seed importer).
"""

import unicodedata

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


def canonical_name(name: str) -> str:
    """Fold case, accents, homoglyphs and separators: "Atle_Rørdam" -> "atlerordam"."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().translate(_HOMOGLYPHS)
    text = "".join(ch for ch in text if ch.isalnum())
    # "rn" reads as "m" in most fonts; "vv" as "w".
    return text.replace("rn", "m").replace("vv", "w")
