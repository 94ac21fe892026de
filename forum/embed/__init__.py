"""Embedding (issue 16): the discussion under an article on the news site's own page.

addresses.py  page URLs normalised (one page, one thread) and the listed origins
fetch.py      the guarded fetch of a page on a listed origin
services.py   the article found or created lazily for a page URL (rate-limited per origin)
counts.py     reply counts by page URL, from the cache by the thread's version
frame.py      the thread page inside the frame: headers, and the context the frame adds
views.py      /embed/thread/, /embed/open/, /embed/counts.json, /embed/reply/<pk>/, /oembed
"""
