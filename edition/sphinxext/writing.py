"""The edition's HTML builder: Sphinx's own, handed the documents to write in batches.

With ``-j``, Sphinx writes pages in forked processes: the main process loads and
resolves the documents a chunk at a time (for 500 documents, chunks of 70) and queues
each chunk for a writer without waiting for it. Each chunk's resolved doctrees stay
in the main process until its writer has finished, and loading is quicker than
writing, so the queue grows. At 100× the edition holds 100 copies of the
dissertation, whose doctree is 2 MB on disk and about 16 MB once loaded. With most
of the documents queued, the main process reached 2.49 GB and was still rising,
and every writer forked from it started with all of that mapped.

:class:`EditionHTMLBuilder` cuts the documents (in Sphinx's order) into batches whose
doctrees weigh at most :func:`batch_limit` bytes on disk, and has Sphinx write each
batch exactly as it writes a build (:meth:`~sphinx.builders.Builder.write_documents`,
meant to be overridden). Sphinx waits for a batch's writers before it returns, so
no more than one batch is loaded at a time. An edition lighter than one batch (the
real edition: 2.6 MB) is written in one call, as before.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Set
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Default weight of a batch: the doctrees of about eight copies of the dissertation.
BATCH_BYTES = 16 * 2**20
#: Overrides :data:`BATCH_BYTES` (bytes); the tests use it to write the real edition in batches.
BATCH_ENV = "EDITION_WRITE_BATCH_BYTES"


def batch_limit() -> int:
    """The most a batch's doctrees may weigh on disk, in bytes."""
    value = os.environ.get(BATCH_ENV, "")
    return int(value) if value.isdigit() and int(value) > 0 else BATCH_BYTES


def batches(names: Iterable[str], weight: Callable[[str], int], limit: int) -> list[list[str]]:
    """``names`` in their order, cut into runs of total ``weight`` at most ``limit``.

    A name heavier than ``limit`` is a run of its own; no run is empty.
    """
    runs: list[list[str]] = []
    run: list[str] = []
    total = 0
    for name in names:
        size = weight(name)
        if run and total + size > limit:
            runs.append(run)
            run, total = [], 0
        run.append(name)
        total += size
    if run:
        runs.append(run)
    return runs


class EditionHTMLBuilder(StandaloneHTMLBuilder):
    """Sphinx's HTML builder, writing the documents in batches of bounded weight."""

    def doctree_weight(self, docname: str) -> int:
        """Bytes of the document's stored doctree (0 if there is none yet)."""
        try:
            return Path(self.doctreedir, f"{docname}.doctree").stat().st_size
        except OSError:
            return 0

    def write_documents(self, docnames: Set[str]) -> None:
        runs = batches(sorted(docnames), self.doctree_weight, batch_limit())
        if len(runs) > 1:
            logger.info("writing %d documents in %d batches", len(docnames), len(runs))
        for run in runs:
            super().write_documents(set(run))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_builder(EditionHTMLBuilder, override=True)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
