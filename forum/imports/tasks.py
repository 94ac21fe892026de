"""A Disqus export uploaded in the admin is imported by the task queue's worker, not in the
request: a big export takes minutes (bench/README.md), longer than a web request may last.

The admin checks the whole file first, in the request (the first pass: a malformed file is
answered there with file:line and nothing is queued), then stores it in the default storage
(MEDIA_ROOT, which every worker must share: a network volume, or object storage) and queues
this task. Running it twice imports nothing twice: posts are keyed by their Disqus ids.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage

from jobs import durable_task

from .plan import plan_import
from .report import report_lines
from .services import disqus_import


@durable_task
def disqus_import_stored(name: str, original_name: str) -> dict:
    """Import the stored export `name` (the upload's name was `original_name`); the report
    lines are the task's result, which staff read in the admin's task results."""
    with default_storage.open(name, "rb") as stored, tempfile.NamedTemporaryFile(suffix=".xml") as spool:
        shutil.copyfileobj(stored, spool)  # the import reads the file twice, from a local path
        spool.flush()
        report = disqus_import(plan=plan_import(Path(spool.name), path=original_name), source=Path(spool.name))
    default_storage.delete(name)
    return {"file": original_name, "report": report_lines(report)}
