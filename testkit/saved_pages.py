"""A saved news page for the article importer's tests, built from the FRANCE 24 seed.

The seed is the page's text as a reader copied it; a page saved from a browser carries the same
text in HTML, with the chrome (the "Don't miss" teasers each with "Read more", the "#THE 51%"
strip, the related articles) in navigation and asides around the article, and share buttons.
This lays the seed's own lines out that way, so the test can say which of the seed's lines must
survive extraction and which must not. Only the share buttons' labels are not from the seed:
the seed's copy lost them, and every news page has them.
"""

from __future__ import annotations

import html
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "seeds" / "004_ca5eaac15393f73a.txt"
SHARE_LABELS = ["Share on Facebook", "Share on Twitter", "Share by email"]


def _blocks(lines: list[str]) -> list[str]:
    blocks, current = [], []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(" ".join(current))
            current = []
    if current:
        blocks.append(" ".join(current))
    return blocks


def france24_page() -> dict:
    """{"html": the page, "title", "teasers": the chrome's headlines, "body": the article's
    paragraphs, "subheads", "date"} from the seed."""
    lines = SEED.read_text(encoding="utf-8").replace("\u00a0", " ").splitlines()
    updated = next(n for n, line in enumerate(lines) if line.startswith("Latest update"))
    created = next(n for n, line in enumerate(lines) if line.startswith("Date created"))
    head = _blocks(lines[:updated])
    caption = head.pop()  # "© Khaled Desouki , AFP | ..."
    title = head.pop()
    section = head.pop()
    teasers = [block for block in head if block not in ("Don't miss", "Read more", "#THE 51%")]
    related = [block for block in _blocks(lines[created + 1 :]) if block != "Read more"]
    body = _blocks(lines[updated + 1 : created])
    subheads = [block for block in body if len(block.split()) <= 6 and block[-1] not in '.,:;"”\'']
    date = lines[created].split(":", 1)[1].strip()
    e = html.escape

    def teaser_list(items):
        return "".join(f'<li><a href="/en/{n}"><h3>{e(t)}</h3></a><a class="more" href="/en/{n}">Read more</a></li>'
                       for n, t in enumerate(items))

    paragraphs = "".join(f"<h2>{e(b)}</h2>" if b in subheads else f"<p>{e(b)}</p>" for b in body)
    shares = "".join(f'<li><a href="#share">{e(label)}</a></li>' for label in SHARE_LABELS)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{e(title)} - France 24</title>
<meta property="og:title" content="{e(title)}">
<meta property="og:site_name" content="France 24">
<meta property="article:published_time" content="{date}T10:00:00+00:00">
<meta name="author" content="FRANCE 24">
</head><body>
<header><nav><ul><li><a href="/en/">News</a></li><li><a href="/en/europe/">Europe</a></li></ul></nav></header>
<aside class="dont-miss"><h2>Don't miss</h2><ul>{teaser_list(teasers[:4])}</ul>
<h2>#THE 51%</h2><ul>{teaser_list(teasers[4:])}</ul></aside>
<main><article>
<p class="section"><a href="/en/middle-east/">{e(section)}</a></p>
<h1>{e(title)}</h1>
<figure><img src="/photo.jpg" alt=""><figcaption>{e(caption)}</figcaption></figure>
<p class="date">Latest update : <time datetime="{date}">{date}</time></p>
<div class="share"><ul>{shares}</ul></div>
<div class="article-body">{paragraphs}</div>
<p class="date">Date created : <time datetime="{date}">{date}</time></p>
<div class="share"><ul>{shares}</ul></div>
</article>
<aside class="related"><h2>Related</h2><ul>{teaser_list(related)}</ul></aside>
</main>
<footer><p>© 2017 France 24</p></footer>
</body></html>
"""
    return {"html": page, "title": title, "teasers": teasers + related, "body": body, "subheads": subheads,
            "date": date, "caption": caption}
