"""Extension pages made in other processes while Sphinx writes the documents.

Pages the extension adds (``html-collect-pages``) are written after every document,
one after another in the main process. Those whose body is not in the product store
(:mod:`edition.products`) can be made earlier: when writing starts (``write-started``:
every document read, the domains merged), in forked processes (Sphinx's own
``ParallelTasks``, as for ``-j``), while Sphinx writes the documents. The processes
store what they make (or hand it back, when it is small); the pages are then written
from the store. A build that
fails before the pages are written stops the processes (``build-finished``).

The files the extension writes at ``build-finished`` (the citation files, the DTS API)
do not depend on any page, so they are made in another process from the moment the
generated pages start (:func:`start_one`), while this one renders those pages: until
then every document is written by ``-j``'s processes, and after it this process works
alone. ``build-finished`` waits for them (:func:`wait_or_run`).

Modules that use this one load it as an extension of their own (``setup_extension``).
A process's loop over its pages goes through :func:`edition.collector.one_by_one`.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from sphinx.application import Sphinx
from sphinx.util.parallel import ParallelTasks, parallel_available

from edition.collector import one_by_one

_PENDING: "weakref.WeakKeyDictionary[Sphinx, dict[str, ParallelTasks]]" = weakref.WeakKeyDictionary()


def runs_parallel(app: Sphinx) -> bool:
    """Was this build asked for more than one process (``-j``), where processes can fork?"""
    return parallel_available and getattr(app, "parallel", 1) > 1


def can_start(app: Sphinx) -> bool:
    """Does this build write in parallel (``-j`` and every extension parallel-safe)?"""
    return runs_parallel(app) and getattr(app.builder, "parallel_ok", False)


def start(app: Sphinx, name: str, shares: list[list[str]], make: Callable[[list[str]], Any],
          keep: Callable[[Any], None]) -> None:
    """Run ``make(share)`` for each share in its own process; ``keep(result)`` runs in this
    process when :func:`finish` collects it."""
    shares = [share for share in shares if share]
    if not shares:
        return
    tasks = ParallelTasks(len(shares))
    for share in shares:
        tasks.add_task(make, share, lambda _share, result: keep(result))
    _PENDING.setdefault(app, {})[name] = tasks


def finish(app: Sphinx, name: str) -> None:
    """Wait for what :func:`start` began under ``name`` (nothing if it began nothing)."""
    tasks = _PENDING.get(app, {}).pop(name, None)
    if tasks is not None:
        tasks.join()


def start_one(app: Sphinx, name: str, function: Callable[[], Any]) -> None:
    """Run ``function()`` in another process now, if this build can (see :func:`can_start`);
    :func:`wait_or_run` waits for it. What it logs is logged here when it is collected."""
    if can_start(app):
        start(app, name, [[name]], lambda _share: function(), lambda _result: None)


def wait_or_run(app: Sphinx, name: str, function: Callable[[], Any]) -> None:
    """Wait for what :func:`start_one` began under ``name``, or run ``function()`` here if it began nothing."""
    if name in _PENDING.get(app, {}):
        finish(app, name)
    else:
        function()


def files_beside_pages(app: Sphinx, name: str, write: Callable[[Sphinx], None],
                       applies: Callable[[Sphinx], bool]) -> None:
    """Have ``write(app)`` make, in builds where ``applies(app)``, files that no page depends
    on: in another process from the moment the generated pages start, else at
    ``build-finished``, which waits for it either way."""

    def begin(app: Sphinx) -> list[tuple[str, dict[str, Any], str]]:
        if applies(app):
            start_one(app, name, lambda: write(app))
        return []  # no pages of its own

    def end(app: Sphinx, exception: Exception | None) -> None:
        if exception is None and applies(app):
            wait_or_run(app, name, lambda: write(app))

    app.connect("html-collect-pages", begin, priority=100)
    app.connect("build-finished", end)


def shares(names: list[str], weight: Callable[[str], int], n: int) -> list[list[str]]:
    """``names`` in at most ``n`` groups of about the same weight (heaviest first)."""
    groups: list[list[Any]] = [[0, []] for _ in range(max(1, n))]
    for name in sorted(names, key=lambda x: -weight(x)):
        lightest = min(groups, key=lambda g: g[0])
        lightest[0] += weight(name)
        lightest[1].append(name)
    return [names_ for _, names_ in groups if names_]


def make_each(app: Sphinx, name: str, names: list[str], weight: Callable[[str], int],
              make: Callable[[str], None]) -> None:
    """Run ``make(n)`` for each of ``names`` in other processes (as many as ``-j``, each
    with a share of about the same ``weight``); ``make`` stores what it makes, and
    :func:`finish` under ``name`` waits for them all."""

    def make_share(share: list[str]) -> None:
        for one in one_by_one(share):
            make(one)

    start(app, name, shares(names, weight, app.parallel), make_share, lambda _result: None)


def abandon(app: Sphinx, exception: Exception | None) -> None:
    """At the end of a build: stop what nobody collected (the build failed on the way)."""
    for tasks in _PENDING.pop(app, {}).values():
        tasks.terminate()


def setup(app: Sphinx) -> dict[str, Any]:
    # After every handler that waits for its process at ``build-finished``.
    app.connect("build-finished", abandon, priority=999)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
