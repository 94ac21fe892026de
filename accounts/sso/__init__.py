"""Single sign-on with a news site's own accounts (issue 16).

keys.py      FORUM_SSO_KEYS read and checked (accounts.checks runs it at start-up)
tokens.py    a token verified with PyJWT into its claims, or refused
services.py  the writes: the seen jti, the (kid, sub) link, the account made or updated

The view (accounts.embed_views.sso) only parses the request, calls sign_in() and logs the
account in.
"""

from .tokens import SsoRefused, verify  # noqa: F401
