"""The forum's settings, each with its default, as `settings.FORUM_<NAME>` overrides it.

    from forum.conf import forum_settings
    forum_settings.PAGE_SIZE

Read at the moment of use, not at import, so a test changes one with pytest-django's `settings`
fixture. config/settings/base.py sets only what the environment says (ENV_FORUM_SETTINGS)
and the project's watched words. forum.checks validates every value at start-up.
"""

from __future__ import annotations

from django.conf import settings

DEFAULTS: dict[str, object] = {
    # The site's name and the address it is reached at from outside: every email (allauth's and
    # the notifications) and every absolute link use them, through forum.web.absolute_url.
    # `make run` sets FORUM_SITE_URL to the port it serves on.
    "SITE_NAME": "Syria Withdrawal Forum",
    "SITE_URL": "http://127.0.0.1:8000",
    "REPLY_MAX_LENGTH": 10_000,
    # Editing is open this long after posting.
    "EDIT_WINDOW_SECONDS": 30 * 60,
    # A verified email address is needed before posting (the allauth verification link).
    "REQUIRE_VERIFIED_EMAIL": True,
    # Run in order on every new reply and every edit; see forum/moderation/hooks.py.
    "MODERATION_HOOKS": [
        "forum.moderation.hooks.flood_limit",
        "forum.moderation.hooks.duplicate_text",
        "forum.moderation.hooks.watched_words",
        "forum.moderation.hooks.link_limit",
        "forum.moderation.hooks.first_posts_premoderated",
        "forum.moderation.hooks.article_rules",
        "forum.moderation.hooks.removal_rate",
    ],
    "FLOOD_SECONDS": 10,  # one new reply per this many seconds per account
    "DUPLICATE_WINDOW_SECONDS": 10 * 60,
    # Regular expressions, matched case-insensitively on the NFKC-folded text.
    "WATCHED_WORDS": {"reject": [], "hold": []},
    "NEW_ACCOUNT_DAYS": 3,
    "NEW_ACCOUNT_MIN_REPLIES": 3,
    "NEW_ACCOUNT_MAX_LINKS": 2,
    "PREMODERATE_FIRST_REPLIES": 0,
    # An account whose recent replies were removed this often is pre-moderated automatically
    # (forum.moderation.hooks.removal_rate): at least MIN removed, and THRESHOLD percent of the
    # last WINDOW replies.
    "REMOVAL_RATE_WINDOW": 10,
    # forum.moderation.toxicity (optional, off): a reply scored at or above this is nudged, then held.
    "TOXICITY_THRESHOLD": 0.8,
    "REMOVAL_RATE_MIN": 3,
    "REMOVAL_RATE_THRESHOLD": 40,  # off; e.g. 3 holds every account's first three replies
    # Open flags whose weights add up to this hold a reply until a moderator decides. A flag from
    # an established reader weighs FLAG_WEIGHT, one from a new account (NEW_ACCOUNT_DAYS,
    # NEW_ACCOUNT_MIN_REPLIES) FLAG_WEIGHT_NEW_ACCOUNT: three readers, or six new accounts.
    # @names linked and told in one reply, at most (forum.mentions).
    "MENTIONS_MAX": 10,
    "FLAG_HOLD_THRESHOLD": 6,
    "FLAG_WEIGHT": 2,
    "FLAG_WEIGHT_NEW_ACCOUNT": 1,
    # Whether the public moderation log names the moderator (moderators always see names).
    "MODLOG_SHOW_MODERATORS": False,
    # Recommendations (and withdrawals) one account may make per window, counted in the cache
    # (forum.reactions.services) as allauth counts sign-in attempts: a burst of toggles would
    # otherwise churn every reader's cached page.
    "RECOMMEND_RATE": 30,
    "RECOMMEND_RATE_SECONDS": 60,
    # Top-level replies per page of a thread; each comes with its whole branch.
    "PAGE_SIZE": 50,
    # Levels of a branch drawn on one page; a deeper branch ends in "continue this thread".
    "DISPLAY_DEPTH": 8,
    # Replies drawn on one page at most, whatever the thread's shape (forum.threads.budget); the
    # branches cut end in "N more replies →" links to pages that continue them.
    "PAGE_REPLY_BUDGET": 300,
    # Page views of one article this close together are one visit, so moving from page 1 to
    # page 2 does not unmark the replies that were new when the visit began.
    "VISIT_GAP_MINUTES": 30,
    # Signed-out readers' pages are reused at most this long (forum.threads.cache); 0 is off.
    "THREAD_CACHE_SECONDS": 60,
    # How long a process serves a signed-out page it holds without asking the shared cache for
    # the thread's version: a write on another server shows there this late at most. 0: ask
    # every time. Signed-in pages always ask (forum.threads.cache).
    "THREAD_VERSION_TRUST_SECONDS": 1,
    # Search (forum.search): replies per page of results, and the longest search accepted.
    "SEARCH_PAGE_SIZE": 20,
    "SEARCH_MAX_QUERY_LENGTH": 200,
    # Words, phrases and -exclusions in one search: each is a term of the database's query.
    "SEARCH_MAX_TERMS": 16,
    # Newest replies in an article's and a person's Atom feed; newest articles in the site's.
    "FEED_LENGTH": 50,
    # What a CDN in front may do with a signed-out reader's page (forum.http_cache): keep it this
    # long, then serve it this much longer while it asks again. 0 turns the public header off.
    "SHARED_CACHE_SECONDS": 10,
    "SHARED_CACHE_STALE_SECONDS": 30,
    # Single sign-on's keys (issue 16): JSON text from the environment, or a dict. accounts.sso
    # reads it and accounts.checks validates it; listed here so forum.checks knows the name.
    "SSO_KEYS": "",
    # Embedding (forum.embed, docs/embed.md): the origins ("https://news.example") whose pages may
    # show a discussion in a frame. Empty: nothing may embed the forum.
    "EMBED_ORIGINS": [],
    # Articles created for embedded pages, at most this many per origin per window (counted in the
    # cache): a script on a listed site cannot make the forum fetch and create without end.
    "EMBED_CREATE_RATE": 30,
    "EMBED_CREATE_RATE_SECONDS": 3600,
    # The fetch of a page to create its article: given up after this long, refused past this size.
    "EMBED_FETCH_TIMEOUT_SECONDS": 5,
    "EMBED_FETCH_MAX_BYTES": 2 * 1024 * 1024,
    # Your data (forum.privacy): days between asking to delete an account and its anonymisation,
    # during which signing in offers to cancel; 0 deletes at once.
    "ACCOUNT_DELETION_GRACE_DAYS": 7,
    # An account without a usable password (SSO, claimed imports) proves it is its owner by a
    # sign-in this recent before it may ask for its deletion.
    "ACCOUNT_DELETION_FRESH_SIGNIN_MINUTES": 10,
    # One archive of your data per this many hours; its emailed link works this many days.
    "DATA_EXPORT_INTERVAL_HOURS": 24,
    "DATA_EXPORT_LINK_DAYS": 7,
}

# Settings below 1 would break a page (no page size, no depth) or the rule (a threshold of 0).
# A reply budget under the page size could not draw every top-level reply of a page.
MINIMUMS = {
    "PAGE_REPLY_BUDGET": 1,
    "REMOVAL_RATE_WINDOW": 1,
    "REMOVAL_RATE_MIN": 1,
    "REMOVAL_RATE_THRESHOLD": 1,
    "REPLY_MAX_LENGTH": 1, "PAGE_SIZE": 1, "DISPLAY_DEPTH": 1, "FLAG_HOLD_THRESHOLD": 1, "FLAG_WEIGHT": 1,
    "FLAG_WEIGHT_NEW_ACCOUNT": 1,
    "RECOMMEND_RATE": 1, "RECOMMEND_RATE_SECONDS": 1,
    "EMBED_CREATE_RATE": 1, "EMBED_CREATE_RATE_SECONDS": 1, "EMBED_FETCH_TIMEOUT_SECONDS": 1,
    "EMBED_FETCH_MAX_BYTES": 1024,
    "DATA_EXPORT_INTERVAL_HOURS": 1, "DATA_EXPORT_LINK_DAYS": 1, "ACCOUNT_DELETION_FRESH_SIGNIN_MINUTES": 1,
    "SEARCH_PAGE_SIZE": 1, "SEARCH_MAX_QUERY_LENGTH": 1, "SEARCH_MAX_TERMS": 1, "FEED_LENGTH": 1,
}

# The type each value must have; forum.checks refuses anything else at start-up.
TYPES: dict[str, type | tuple[type, ...]] = {
    name: (list, tuple) if isinstance(value, list) else type(value) for name, value in DEFAULTS.items()
}
TYPES["SSO_KEYS"] = (str, dict)


class ForumSettings:
    def __getattr__(self, name: str):
        if name not in DEFAULTS:
            raise AttributeError(f"no forum setting {name!r}")
        return getattr(settings, f"FORUM_{name}", DEFAULTS[name])


forum_settings = ForumSettings()
