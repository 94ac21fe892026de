"""Reading a Disqus XML export. Pure: no database, so it tests in isolation.

The export is `<disqus xmlns="http://disqus.com">` holding `<category>`, `<thread dsq:id>` and
`<post dsq:id>` elements, the `dsq:` attributes in http://disqus.com/disqus-internals. A post
names its thread and, when it answers another post, its parent, by those ids; posts come in any
order, a reply before the post it answers included.

The file is read with SAX through defusedxml: it streams (no tree of the whole file is ever
built, so a 100k-post export reads in little memory) and it refuses entity declarations, so an
"entity expansion" file (billion laughs) stops at once. SAX also knows the line of every
element, which a file:line message needs and ElementTree's iterparse does not give.

Everything malformed raises DisqusError(path, line, reason).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax import SAXParseException
from xml.sax.expatreader import ExpatLocator
from xml.sax.handler import ContentHandler, feature_external_ges, feature_external_pes, feature_namespaces

import defusedxml.sax
from defusedxml import DefusedXmlException

NS = "http://disqus.com"
DSQ = "http://disqus.com/disqus-internals"
XSI = "http://www.w3.org/2001/XMLSchema-instance"

# The leaf elements kept for each kind of record; anything else (ipAddress, forum...) is skipped.
_THREAD_FIELDS = {"id", "link", "title", "createdAt", "isClosed", "isDeleted"}
_POST_FIELDS = {"id", "message", "createdAt", "isDeleted", "isSpam", "isApproved"}
_AUTHOR_FIELDS = {"name", "username", "email", "isAnonymous"}


class DisqusError(Exception):
    def __init__(self, path, line: int, reason: str):
        self.path, self.line, self.reason = path, line, reason
        super().__init__(f"{path}:{line}: {reason}")


@dataclass(frozen=True)
class DisqusAuthor:
    name: str = ""
    username: str = ""
    email: str = ""
    anonymous: bool = False


@dataclass
class DisqusThread:
    dsq_id: str
    line: int
    ident: str = ""  # the site's own identifier; often empty, then the link is what matches
    link: str = ""
    title: str = ""
    created_at: datetime.datetime | None = None
    closed: bool = False
    deleted: bool = False


@dataclass
class DisqusPost:
    dsq_id: str
    line: int
    thread_id: str = ""
    parent_id: str | None = None
    message: str = ""
    created_at: datetime.datetime | None = None
    deleted: bool = False
    spam: bool = False
    approved: bool = True  # false: waiting for a moderator on Disqus (the forum's export writes it for held replies)
    author: DisqusAuthor = field(default_factory=DisqusAuthor)


def parse_date(path, line: int, text: str) -> datetime.datetime:
    """Disqus writes UTC times as 2017-12-12T10:05:33Z."""
    try:
        value = datetime.datetime.fromisoformat(text.strip())
    except ValueError:
        raise DisqusError(path, line, f"{text.strip()!r} is not a date and time (such as 2017-12-12T10:05:33Z)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value


def _flag(path, line: int, name: str, text: str) -> bool:
    value = text.strip().lower()
    if value in ("true", "1"):
        return True
    if value in ("false", "0", ""):
        return False
    raise DisqusError(path, line, f"<{name}> is {text.strip()!r}, not true or false")


class _Handler(ContentHandler):
    """Builds one record at a time and hands it on: memory stays at one post, whatever the file."""

    def __init__(self, path, on_record: Callable[[object], None]):
        super().__init__()
        self.path, self.on_record = path, on_record
        self.stack: list[str] = []  # local names of the open elements
        self.record: DisqusThread | DisqusPost | None = None
        self.author: dict[str, str] | None = None
        self.text: list[str] | None = None
        self.field_line = 0

    def line(self) -> int:
        return self._locator.getLineNumber() if self._locator else 0

    def startElementNS(self, name, qname, attrs):
        uri, local = name
        depth = len(self.stack)
        self.stack.append(local)
        if depth == 0:
            if (uri, local) != (NS, "disqus"):
                shown = f"{{{uri}}}{local}" if uri else local
                raise DisqusError(self.path, self.line(), f"the root element is <{shown}>, not Disqus's <disqus xmlns=\"{NS}\">")
            return
        if depth == 1:
            if local in ("thread", "post"):
                dsq_id = (attrs.get((DSQ, "id")) or "").strip()
                if not dsq_id and local == "thread":
                    return  # no post can name it, so nothing to import; skipped
                if not dsq_id:
                    raise DisqusError(self.path, self.line(), f"a <{local}> without a dsq:id")
                cls = DisqusThread if local == "thread" else DisqusPost
                self.record = cls(dsq_id=dsq_id, line=self.line())
            return
        if self.record is None:
            return
        parent = self.stack[-2]
        if depth == 2 and isinstance(self.record, DisqusPost) and local in ("thread", "parent"):
            ref = (attrs.get((DSQ, "id")) or "").strip()
            if local == "thread":
                self.record.thread_id = ref
            else:
                self.record.parent_id = ref or None
        elif depth == 2 and local == "author":
            self.author = {}
        elif depth == 3 and parent == "author" and self.author is not None and local in _AUTHOR_FIELDS:
            self.text, self.field_line = [], self.line()
        elif depth == 2 and local in (_THREAD_FIELDS if isinstance(self.record, DisqusThread) else _POST_FIELDS):
            self.text, self.field_line = [], self.line()

    def characters(self, content):
        if self.text is not None:
            self.text.append(content)

    def endElementNS(self, name, qname):
        local = self.stack.pop()
        depth = len(self.stack)
        record = self.record
        if record is None:
            return
        if self.text is not None:
            text, self.text = "".join(self.text), None
            if depth == 3:
                self.author[local] = text
            else:
                self._set(record, local, text)
        elif depth == 2 and local == "author" and self.author is not None:
            record_author = DisqusAuthor(
                name=self.author.get("name", "").strip(),
                username=self.author.get("username", "").strip(),
                email=self.author.get("email", "").strip(),
                anonymous=_flag(self.path, self.line(), "isAnonymous", self.author.get("isAnonymous", "")),
            )
            if isinstance(record, DisqusPost):
                record.author = record_author
            self.author = None
        elif depth == 1:
            if isinstance(record, DisqusPost) and not record.thread_id:
                raise DisqusError(self.path, record.line, f"post {record.dsq_id} names no thread (<thread dsq:id=\"...\"/>)")
            self.record = None
            self.on_record(record)

    def _set(self, record, local: str, text: str) -> None:
        line = self.field_line
        if local == "createdAt":
            # An empty time is "not recorded" (the forum's own export writes it for the seed
            # replies); a time that is there but unreadable stops the import.
            record.created_at = parse_date(self.path, line, text) if text.strip() else None
        elif local == "isApproved":
            record.approved = _flag(self.path, line, local, text) if text.strip() else True
        elif local in ("isClosed", "isDeleted", "isSpam"):
            attribute = {"isClosed": "closed", "isDeleted": "deleted", "isSpam": "spam"}[local]
            setattr(record, attribute, _flag(self.path, line, local, text))
        elif local == "id":
            if isinstance(record, DisqusThread):
                record.ident = text.strip()
        elif local == "message":
            record.message = text
        else:  # link, title
            setattr(record, local, text.strip())


def read_records(source, *, path=None) -> Iterator[DisqusThread | DisqusPost]:
    """Yield the threads and posts of the export `source` (a path or a binary file), in file order.

    Raises DisqusError at the first thing that cannot be read. A generator fed by a SAX parser:
    the records are handed over in batches, so only one batch is ever held.
    """
    path = path if path is not None else source
    batch: list = []
    parser = defusedxml.sax.make_parser()
    parser.forbid_dtd, parser.forbid_entities, parser.forbid_external = False, True, True
    parser.setFeature(feature_namespaces, True)
    parser.setFeature(feature_external_ges, False)
    parser.setFeature(feature_external_pes, False)
    handler = _Handler(path, batch.append)
    parser.setContentHandler(handler)
    # parse() would hand the handler its locator; feeding the parser ourselves, we do.
    handler.setDocumentLocator(ExpatLocator(parser))
    try:
        opened = open(source, "rb") if isinstance(source, (str, Path)) else source  # noqa: SIM115
    except OSError as error:
        raise DisqusError(path, 0, f"cannot read the file: {error.strerror or error}") from None
    fed = 0
    try:
        while chunk := _read(opened, path):
            fed += len(chunk)
            try:
                parser.feed(chunk)
            except SAXParseException as error:
                raise DisqusError(path, error.getLineNumber(), f"not well-formed XML: {error.getMessage()}") from None
            except DefusedXmlException as error:
                raise DisqusError(path, handler.line(), f"refused: {_defused_reason(error)}") from None
            yield from batch
            batch.clear()
        if not fed:
            raise DisqusError(path, 1, "not well-formed XML: the file is empty")
        try:
            parser.close()
        except SAXParseException as error:
            raise DisqusError(path, error.getLineNumber(), f"not well-formed XML: {error.getMessage()}") from None
        yield from batch
    finally:
        if opened is not source:
            opened.close()


def _read(opened, path) -> bytes:
    try:
        return opened.read(1 << 16)
    except OSError as error:
        raise DisqusError(path, 0, f"cannot read the file: {error.strerror or error}") from error


def _defused_reason(error: DefusedXmlException) -> str:
    name = type(error).__name__
    if name == "EntitiesForbidden":
        return "the file declares XML entities (an entity-expansion attack such as 'billion laughs' is refused)"
    if name == "ExternalReferenceForbidden":
        return "the file refers to an external resource"
    return f"unsafe XML ({name})"
