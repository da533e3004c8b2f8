"""A document that warned is read again by the next build, until it no longer warns.

``edition build`` turns every warning into an error (``-W``), but Sphinx has read the
document by then, and records it in its environment as read. The next build, after an
unrelated edit, would not read it again: its warning would not be raised again, and the
build would publish the page that failed the one before. So every warning is placed in
the document it is about (its location: a docname, a node, a ``file:line``), and the
documents that warned are kept in the doctree directory (:data:`WARNED_FILE`), written
when reading ends and when the build ends. At the next build they are outdated
(``env-get-outdated``): read and written again, and each warns again until it is fixed.

A warning that names no document (a configuration problem, a page the extension makes
at the end) cannot be placed: then nothing of the build is kept for the next one (the
environment, the keys of the generated pages, the product store), which starts clean.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import weakref
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.logging import NAMESPACE, get_node_location, is_suppressed_warning

#: The documents that warned in the last build (in the doctree directory).
WARNED_FILE = "edition-warned.json"
#: The environment Sphinx keeps between builds.
ENVIRONMENT_FILE = "environment.pickle"

_LINE = re.compile(r":(\d*)$")


class Warnings(logging.Handler):
    """Places every warning of one build in its document."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__(logging.WARNING)
        self.app = weakref.proxy(app)
        self.docnames: set[str] = set()
        self.unplaced = 0

    def emit(self, record: logging.LogRecord) -> None:
        config = getattr(self.app, "config", None)
        suppressed = getattr(config, "suppress_warnings", []) if config is not None else []
        if is_suppressed_warning(getattr(record, "type", None), getattr(record, "subtype", None), suppressed):
            return
        docname = self.docname(getattr(record, "location", None))
        if docname is None:
            self.unplaced += 1
        else:
            self.docnames.add(docname)

    def docname(self, location: Any) -> str | None:
        """The document a warning's location names, or None."""
        env = getattr(self.app, "env", None)
        if env is None or location is None:
            return None
        if isinstance(location, tuple):
            location = location[0]
        elif isinstance(location, nodes.Node):
            location = get_node_location(location)
        if not isinstance(location, str) or not location:
            return None
        if location in env.found_docs:
            return location
        return env.path2doc(_LINE.sub("", location))


def forget_build(doctreedir: Path) -> None:
    """Drop what the next build would reuse: Sphinx's environment, the generated pages' keys
    and the product store (the next build is a clean one)."""
    from edition.products import PRODUCTS_DIR
    from edition.sphinxext.writing import PAGES_FILE

    for name in (ENVIRONMENT_FILE, PAGES_FILE):
        (doctreedir / name).unlink(missing_ok=True)
    shutil.rmtree(doctreedir / PRODUCTS_DIR, ignore_errors=True)


_HANDLERS: weakref.WeakKeyDictionary[Sphinx, Warnings] = weakref.WeakKeyDictionary()


def listen(app: Sphinx) -> None:
    """From the start of the build (``builder-inited``), place every warning."""
    handler = Warnings(app)
    _HANDLERS[app] = handler
    logging.getLogger(NAMESPACE).addHandler(handler)


def warned_before(app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """``env-get-outdated``: the documents that warned in the last build, to read again."""
    try:
        names = json.loads(Path(app.doctreedir, WARNED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return sorted(set(names) & env.found_docs - added - changed) if isinstance(names, list) else []


def remember(app: Sphinx, *, final: bool) -> None:
    """Keep the documents that warned so far; at the end of the build (``final``), forget those
    of the last build that no longer warn, and drop the environment if a warning had no document."""
    handler = _HANDLERS.get(app)
    if handler is None:
        return
    doctreedir = Path(app.doctreedir)
    path = doctreedir / WARNED_FILE
    if final and handler.unplaced:
        forget_build(doctreedir)
    if not handler.docnames:
        if final:
            path.unlink(missing_ok=True)
        return
    doctreedir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{WARNED_FILE}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(sorted(handler.docnames)), encoding="utf-8")
    os.replace(tmp, path)


def stop(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: keep what warned, and stop listening."""
    remember(app, final=True)
    handler = _HANDLERS.pop(app, None)
    if handler is not None:
        logging.getLogger(NAMESPACE).removeHandler(handler)


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", listen)
    app.connect("env-get-outdated", warned_before)
    # After every other handler of env-updated, which may warn too: a build killed while
    # writing still leaves the documents that warned while being read.
    app.connect("env-updated", lambda app, env: remember(app, final=False) or [], priority=1000)
    app.connect("build-finished", stop, priority=1000)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
