"""A news site for the embed's tests: a real HTTP server on 127.0.0.1 (an ephemeral port), in a
thread, that serves the pages it is given and counts every request, so a test can say a page was
fetched once, or never. The browser tests serve the host page with the snippet from it too."""

from __future__ import annotations

import http.server
import threading
import time
from dataclasses import dataclass, field


@dataclass
class Page:
    body: bytes | str = b""
    status: int = 200
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    content_type: str = "text/html; charset=utf-8"


def article_html(*, title: str, canonical: str = "", author: str = "Jane Reporter", date: str = "2026-11-20",
                 script: str = "", extra_body: str = "") -> str:
    """A news article page trafilatura reads: title, canonical, byline, date and enough words."""
    words = " ".join(["The council met on Tuesday to discuss the new budget for the city's schools and parks."] * 6)
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{link}
<meta name="author" content="{author}"><meta property="article:published_time" content="{date}T08:00:00Z">
<meta property="og:title" content="{title}"></head>
<body><header><nav><a href="/">Home</a></nav></header>
<article><h1>{title}</h1><p class="byline">By {author}</p><p>{words}</p><p>{words}</p></article>
{extra_body}{script}</body></html>"""


class NewsSite:
    def __init__(self):
        self.pages: dict[str, Page] = {}
        self.hits: list[str] = []  # every request's path
        self.fetches: list[str] = []  # the forum's own requests (forum.embed.fetch's User-Agent)
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                site.hits.append(self.path)
                if self.headers.get("User-Agent", "").startswith("ForumEmbed/"):
                    site.fetches.append(self.path)
                page = site.pages.get(self.path) or site.pages.get(self.path.split("?")[0])
                if page is None:
                    page = Page("not found", status=404)
                if page.delay:
                    time.sleep(page.delay)
                body = page.body.encode() if isinstance(page.body, str) else page.body
                try:
                    self.send_response(page.status)
                    self.send_header("Content-Type", page.content_type)
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in page.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.origin + path

    def hits_of(self, path: str) -> int:
        return sum(1 for hit in self.hits if hit.split("?")[0] == path)

    def close(self):
        self.server.shutdown()
        self.server.server_close()
