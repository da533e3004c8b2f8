"""The edition's HTML builder: Sphinx's own, with the documents resolved and written in
the writer processes, and the generated pages rendered only when their inputs changed.

With ``-j N``, Sphinx's own parallel write (``Builder._write_parallel``) loads and
resolves every doctree in the main process and hands the resolved doctrees to
``N - 1`` forked writers. Loading and resolving cost about as much as writing (at
100×: 120 s of the main process's time, the dissertation's doctree 16 MB once
loaded), so the main process was the write phase's bottleneck: a CPU sampler showed
one core idle for most of it, and the queued doctrees were the main process's
memory peak.

:meth:`EditionHTMLBuilder.write_documents` deals the documents, heaviest first by
the size of their stored doctrees, into tasks of about the same weight
(:func:`tasks`), and runs ``N`` of them at once in forked processes (Sphinx's
``ParallelTasks``). Each task loads, resolves and writes its documents one at a
time, as Sphinx's serial write does, and hands back only what the builder keeps
for later (the images to copy). The main process holds no resolved doctree.
Without ``-j`` (or when an extension is not parallel-safe) Sphinx writes as before.

Sphinx renders the pages the extension adds (registers' entries, the two readings,
the synopsis, the citation pages) in every build, though a build after a small edit
changes few of them. :meth:`EditionHTMLBuilder.handle_page` keeps, for
each such page, a key of everything its HTML is made from: its own context, the
site's navigation (titles and tables of contents of every document), the
configuration, the templates and static files, and what this extension's
``html-page-context`` handlers add (:func:`page_inputs`). A page whose key is the one
it was rendered from last time, and whose file is still in the output, is not
rendered again. Sphinx's own pages (documents, the general index) are always rendered.

Every page's sidebar is Sphinx's own table of contents (the ``toctree`` template
function). Assembling it from entries a folder's pages share saved 4 % of the CPU
time of a 10× clean build (97.5 against 101.2 s, serial): too little to keep a copy of
Sphinx's private toctree resolution (``bench/README.md``, issue #25).
"""

from __future__ import annotations

import inspect
import json
import os
import shutil
from collections.abc import Callable, Iterable, Set
from pathlib import Path
from typing import Any

import sphinx
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.util import logging
from sphinx.util.build_phase import BuildPhase
from sphinx.util.display import status_iterator
from sphinx.util.parallel import ParallelTasks

from edition import collector
from edition.products import code_version, config_digest, digest, inputs_digest
from edition.sphinxext.workers import shares

logger = logging.getLogger(__name__)

#: Tasks per writer process: smaller tasks even out the writers' loads at the end.
TASKS_PER_PROCESS = 4


def tasks(names: Iterable[str], weight: Callable[[str], int], processes: int) -> list[list[str]]:
    """``names`` dealt, heaviest first, into at most ``processes`` × :data:`TASKS_PER_PROCESS`
    tasks of about the same total ``weight`` (:func:`.workers.shares`); each task in name
    order, the heaviest task first (it should start first)."""
    groups = shares(list(names), weight, max(1, processes) * TASKS_PER_PROCESS)
    return sorted((sorted(group) for group in groups), key=lambda group: (-sum(map(weight, group)), group))


#: The keys of the generated pages rendered by the last build (in the doctree directory).
PAGES_FILE = "edition-pages.json"

def _plain(value: object) -> bool:
    """Is ``value`` data whose ``repr`` is its content (no functions, no object addresses)?"""
    if isinstance(value, (str, int, float, bool, type(None))):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def navigation_digest(app: Sphinx) -> str:
    """A digest of what the sidebar's table of contents is made from, for every document."""
    env = app.env
    parts: list[object] = []
    for doc in sorted(env.all_docs):
        title = env.titles.get(doc)
        toc = env.tocs.get(doc)
        parts.append((doc, title.astext() if title is not None else "", str(toc) if toc is not None else "",
                      env.toctree_includes.get(doc, []), env.metadata.get(doc, {}).get("tocdepth"),
                      sorted(env.toc_secnumbers.get(doc, {}).items())))
    return digest(*parts)


def page_inputs(app: Sphinx, pagename: str) -> tuple[object, ...]:
    """What this extension's ``html-page-context`` handlers add to the generated page ``pagename``
    depends on, besides the configuration and the code."""
    from edition import __version__
    from edition.sphinxext.permalinks import anchor_state
    from edition.release import release_date

    moved = anchor_state(app).moved.get(pagename)
    return (__version__, release_date(Path(app.srcdir)), repr(moved))


class EditionHTMLBuilder(StandaloneHTMLBuilder):
    """Sphinx's HTML builder, resolving and writing the documents in its writer processes, and
    rendering a generated page only when what it is made from has changed."""

    def __init__(self, app: Sphinx, env: Any) -> None:
        super().__init__(app, env)
        # ``Builder.app`` is deprecated from Sphinx 9 on: the builder keeps its own reference.
        self.sphinx_app = app

    def init(self) -> None:
        super().init()
        self._site_key: str | None = None
        self._page_keys: dict[str, str] = {}
        try:
            self._old_page_keys: dict[str, str] = json.loads(Path(self.doctreedir, PAGES_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._old_page_keys = {}

    def site_key(self) -> str:
        """The digest of what every generated page is made from (computed once per build). The
        static files are in the configuration's digest (``edition_static``: the sources, not
        the output's copies, which a clean build has not made yet when the first page is rendered)."""
        if self._site_key is None:
            context = sorted((k, repr(v)) for k, v in self.globalcontext.items() if _plain(v))
            templates = [Path(self.confdir, t) for t in self.config.templates_path]
            self._site_key = digest(
                sphinx.__version__, config_digest(self.sphinx_app), context, navigation_digest(self.sphinx_app),
                inputs_digest(sorted(p for t in templates if t.is_dir() for p in t.rglob("*") if p.is_file())),
                code_version(),
            )
        return self._site_key

    def handle_page(self, pagename: str, addctx: dict[str, Any], templatename: str = "page.html",
                    *, outfilename: Path | None = None, event_arg: Any = None) -> None:
        generated = (templatename == "page.html" and outfilename is None and event_arg is None
                     and pagename not in self.env.all_docs and _plain(addctx))
        target = Path(outfilename or self.get_outfilename(pagename))
        if generated:
            # Each value a part of its own: a body (megabytes for an entry page at 100×) is
            # hashed as it is, not as the repr of a list of reprs.
            context = (part for k in sorted(addctx) for part in (k, addctx[k] if isinstance(addctx[k], str)
                                                                 else repr(addctx[k])))
            key = digest(self.site_key(), pagename, page_inputs(self.sphinx_app, pagename), *context)
            self._page_keys[pagename] = key
            if self._old_page_keys.get(pagename) == key and target.is_file():
                return
        # Sphinx opens the page for writing: it would rewrite the old file, which a
        # published release may share (edition.publish.SHARED_FOLDERS). A new file it is.
        target.unlink(missing_ok=True)
        super().handle_page(pagename, addctx, templatename, outfilename=outfilename, event_arg=event_arg)

    def finish(self) -> None:
        super().finish()
        path = Path(self.doctreedir, PAGES_FILE)
        tmp = path.with_name(f".{PAGES_FILE}.tmp-{os.getpid()}")
        tmp.write_text(json.dumps(self._page_keys, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)

    def doctree_weight(self, docname: str) -> int:
        """Bytes of the document's stored doctree (0 if there is none yet)."""
        try:
            return Path(self.doctreedir, f"{docname}.doctree").stat().st_size
        except OSError:
            return 0

    def write_documents(self, docnames: Set[str]) -> None:
        processes = self.sphinx_app.parallel
        if not (self.parallel_ok and processes > 1 and len(docnames) > 1):
            super().write_documents(docnames)
            return
        runs = tasks(docnames, self.doctree_weight, processes)
        logger.info("writing %d documents in %d tasks of %d processes", len(docnames), len(runs), processes)
        progress = status_iterator(runs, "writing output... ", "darkgreen", len(runs), self.config.verbosity)
        options = self._resolve_options()  # once, not per document

        def write(names: list[str]) -> dict[str, str]:
            # In the writer: one resolved doctree at a time, as Sphinx's serial write does.
            for docname in collector.one_by_one(names):
                self.phase = BuildPhase.RESOLVING
                doctree = self.env.get_and_resolve_doctree(docname, self, **options)
                self.phase = BuildPhase.WRITING
                self.write_doc_serialized(docname, doctree)
                self.write_doc(docname, doctree)
            return dict(self.images)

        def done(_names: list[str], images: dict[str, str]) -> None:
            self.images.update(images)  # copied at the end of the build, by this process
            next(progress)

        writers = ParallelTasks(processes)
        for run in runs:
            writers.add_task(write, run, done)
        writers.join()
        logger.info("")

    def _resolve_options(self) -> dict[str, Any]:
        """The keyword arguments ``get_and_resolve_doctree`` takes from a builder (Sphinx 9: ``tags``)."""
        parameters = inspect.signature(self.env.get_and_resolve_doctree).parameters
        return {"tags": self.tags} if "tags" in parameters else {}


def static_digest(app: Sphinx, config: Any) -> None:
    """``config-inited`` (after the extension added its static folder): the digest of every
    static file, as the configuration value ``edition_static``. Every page links its style
    sheets and scripts with their checksum (``?v=``), but Sphinx writes again only the
    pages whose source changed: as a configuration value of the ``html`` kind, a changed
    static file makes Sphinx write every page again (its ``.buildinfo`` no longer matches),
    and the generated pages follow the configuration's digest."""
    confdir = Path(app.confdir)
    files: list[Path] = []
    for entry in [*config.html_static_path, *config.html_extra_path]:
        path = confdir / entry
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    config.edition_static = inputs_digest(files)


def navigation_changed(app: Sphinx, env: Any) -> list[str]:
    """``env-get-updated``: every document is written again when the navigation changed (a title,
    a table of contents, a document added or removed). Every page's sidebar lists the whole
    edition, but Sphinx writes again only the documents it read and those whose own tables
    of contents include a changed one."""
    now = navigation_digest(app)
    before = getattr(env, "edition_navigation", None)
    env.edition_navigation = now
    return sorted(env.found_docs) if before is not None and before != now else []


def clean_after_removal(app: Sphinx, env: Any, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """``env-get-outdated``: when a document is gone, the output is emptied and every document
    read again. Sphinx leaves the pages of a removed document in the output, and so would
    every kind of page and file the extension makes for it: a build after a removal is a
    clean one (the product store keeps what is still valid)."""
    if not removed:
        return []
    outdir = Path(app.outdir)
    for child in outdir.iterdir() if outdir.is_dir() else ():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    Path(app.doctreedir, PAGES_FILE).unlink(missing_ok=True)
    return sorted(env.found_docs)


def freeze_loaded(app: Sphinx) -> None:
    """When the builder is set up, the environment of the last build is loaded: it is kept
    for the whole build, so the garbage collector stops looking at it now
    (:func:`edition.collector.keep`). Each full collection while the main process merged
    what the readers read, or made the generated pages, went over all of it again: at
    100×, a one-paragraph rebuild's main process spent 6.6 s collecting, 3.2 s with this."""
    collector.keep()


def freeze_environment(app: Sphinx, env: Any) -> list[str]:
    """Once every document is read: the environment is kept to the end of the build, so the
    garbage collector need not look at it again until then (:func:`edition.collector.freeze`;
    at 100× it is about a gigabyte of objects)."""
    collector.freeze()
    return []


def thaw_environment(app: Sphinx, exception: Exception | None) -> None:
    """At the end of the build: a process that builds again (``edition render``, the tests)
    frees what the build left behind."""
    collector.thaw()


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_builder(EditionHTMLBuilder, override=True)
    app.add_config_value("edition_static", "", "html", types=frozenset({str}))
    app.connect("config-inited", static_digest, priority=800)
    app.connect("env-get-outdated", clean_after_removal)
    app.connect("env-get-updated", navigation_changed)
    app.connect("builder-inited", freeze_loaded)
    app.connect("env-updated", freeze_environment, priority=900)
    app.connect("build-finished", thaw_environment, priority=1000)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
