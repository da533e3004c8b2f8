"""``edition build``: validate the TEI, run Sphinx, publish atomically.

Nothing is published from a failed build: invalid TEI stops the build before
Sphinx starts, a Sphinx warning (``-W``) stops it before the release, and the
release itself is one atomic switch (:mod:`edition.publish`).
"""

from __future__ import annotations

import io
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from edition import collector, stagetimes, uptodate
from edition.anchors import AnchorCheck, check, collect_edition, load
from edition.documents import ROOT
from edition.projectfiles import check_project
from edition.provenance import source_date_epoch
from edition.publish import FAULT_ENV, PublishError, build_lock, fault_point, mark_complete, prepare_staging, release


@dataclass
class BuildResult:
    """What a build did; ``ok`` is False when nothing was published."""

    ok: bool
    output: Path | None = None
    messages: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    #: True when nothing had changed since the published output was built (nothing was done).
    up_to_date: bool = False


def _time_phases(app: object, timings: dict[str, float]) -> None:
    """Record how long Sphinx reads (parse, XSLT, doctrees) and writes (HTML, finish)."""
    marks: dict[str, float] = {}

    def mark(name: str) -> None:
        marks[name] = time.perf_counter()
        if name == "read-end":
            timings["sphinx-read"] = marks[name] - marks.get("read-start", marks[name])
        elif name == "end":
            timings["sphinx-write"] = marks[name] - marks.get("read-end", marks[name])

    app.connect("env-before-read-docs", lambda *a: mark("read-start"))  # type: ignore[attr-defined]
    app.connect("env-updated", lambda *a: mark("read-end"))  # type: ignore[attr-defined]
    app.connect("build-finished", lambda *a: mark("end"))  # type: ignore[attr-defined]


def run_sphinx(
    builder: str, srcdir: Path, outdir: Path, doctreedir: Path, *, jobs: int = 1, quiet: bool = False,
    timings: dict[str, float] | None = None,
) -> int:
    """Run Sphinx in this process with warnings as errors; return its status.

    ``timings`` (if given) receives ``sphinx-read`` and ``sphinx-write`` in seconds.
    """
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    status = io.StringIO() if quiet else sys.stdout
    with patch_docutils(srcdir), docutils_namespace():
        try:
            # Loading the pickled environment makes millions of objects and no garbage: at
            # 100x the collector going over them while they were made took 1.0 s, not 0.4 s.
            with collector.paused():
                app = Sphinx(
                    srcdir=str(srcdir),
                    confdir=str(srcdir),
                    outdir=str(outdir),
                    doctreedir=str(doctreedir),
                    buildername=builder,
                    status=status,
                    warning=sys.stderr,
                    warningiserror=True,
                    parallel=jobs,
                )
            if timings is not None:
                _time_phases(app, timings)
            if os.environ.get(FAULT_ENV):  # tests of interrupted builds: die while reading or writing
                app.connect("source-read", lambda *a: fault_point("read"))
                app.connect("html-page-context", lambda *a: fault_point("write"))
            app.build()
        finally:
            collector.thaw()  # what the build froze (edition.sphinxext.writing), even if it failed
        return app.statuscode


def check_anchors() -> AnchorCheck:
    """Check the TEI's anchors against the committed registry."""
    return check(load(), collect_edition())


def _nothing_to_do(result: BuildResult, output: Path, started: float) -> BuildResult:
    """The result of a build that found its output built from its very inputs."""
    result.ok = result.up_to_date = True
    result.output = output
    result.timings["total"] = time.perf_counter() - started
    return result


def build(
    builder: str = "html",
    *,
    root: Path = ROOT,
    build_dir: Path | None = None,
    jobs: int = 1,
    quiet: bool = False,
    force: bool = False,
) -> BuildResult:
    """Validate the edition and build one output format into ``_build/<builder>``.

    ``builder`` is a Sphinx builder or a format: ``pdf`` (= ``latex``, typeset
    to ``_build/latex/kirov-edition.pdf``), ``epub`` (checked by epubcheck), or
    ``all`` (html, epub and pdf, each published only if it succeeded). When no input
    changed since the published output was built (:mod:`edition.uptodate`), nothing
    is done, unless ``force``.
    """
    from edition.outputs import ALL_FORMATS, canonical, finish, missing_tools
    from edition.validate import validate

    if builder == "all":
        return build_all(ALL_FORMATS, root=root, build_dir=build_dir, jobs=jobs, quiet=quiet, force=force)
    builder = canonical(builder)
    build_dir = build_dir or root / "_build"
    result = BuildResult(ok=False)
    # A tool the format needs after Sphinx is checked first: no point in building without it.
    result.messages.extend(missing_tools(builder))
    if result.messages:
        return result
    # Dates that Sphinx writes (copyright, last-updated) come from the last commit, not the clock.
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(source_date_epoch(root)))
    started = time.perf_counter()
    # Only regular files inside the project are read: a link to /etc/passwd is never published.
    unreadable = check_project(root)
    if unreadable:
        result.messages.extend(unreadable)
        result.messages.append(f"build refused: only regular files inside the project are read; {build_dir / builder} is unchanged")
        return result
    inputs = uptodate.fingerprint(root, builder)
    if not force and uptodate.up_to_date(build_dir, builder, inputs):
        return _nothing_to_do(result, build_dir / builder, started)
    # What each file said last time is kept beside the doctrees: only changed files are checked again.
    report = validate(None, cache=build_dir / ".staging" / "validation")
    result.timings["validate"] = time.perf_counter() - started
    if not report.ok:
        result.messages.extend(report.format_text().splitlines())
        result.messages.append(f"build refused: the TEI is not valid; {build_dir / builder} is unchanged")
        return result
    anchors = check_anchors()
    result.messages.extend(anchors.messages())
    if not anchors.ok:
        result.messages.append(f"build refused: published anchors would break; {build_dir / builder} is unchanged")
        return result
    fault_point("validated")
    try:
        with build_lock(build_dir):
            if not force and uptodate.up_to_date(build_dir, builder, inputs):
                # A build this one waited for has just published these very inputs.
                return _nothing_to_do(result, build_dir / builder, started)
            staging = build_dir / ".staging" / builder
            doctrees = build_dir / ".staging" / f"doctrees-{builder}"
            uptodate.forget(build_dir, builder)
            prepare_staging(staging)
            stagetimes.begin(doctrees)
            t0 = time.perf_counter()
            status = run_sphinx(builder, root, staging, doctrees, jobs=jobs, quiet=quiet, timings=result.timings)
            result.timings["sphinx"] = time.perf_counter() - t0
            if status != 0:
                result.messages.append(f"build failed in Sphinx (status {status}); {build_dir / builder} is unchanged")
                return result
            # Stages inside Sphinx, summed over the processes that ran them (edition.stagetimes);
            # the search index, part of the release, is built beside the generated pages.
            spent = stagetimes.totals(doctrees)
            stages = ("xslt", "registers", "search") if builder == "html" else ("xslt", "registers")
            result.timings.update({name: spent.get(name, 0.0) for name in stages})
            t0 = time.perf_counter()
            problems = finish(builder, staging)  # epubcheck; XeLaTeX for the PDF
            if builder in ("epub", "latex"):
                result.timings["epubcheck" if builder == "epub" else "xelatex"] = time.perf_counter() - t0
            if problems:
                result.messages.extend(problems)
                result.messages.append(f"build failed after Sphinx; {build_dir / builder} is unchanged")
                return result
            mark_complete(staging)
            t0 = time.perf_counter()
            # Publishing makes a record per file (not cycles): the collector would go over the
            # build's garbage (Sphinx's environment) in it again and again (at 10x, 0.3 s of 0.8 s).
            with collector.paused():
                release(staging, build_dir / builder)
            result.timings["publish"] = time.perf_counter() - t0
            uptodate.record(build_dir, builder, inputs)
    except PublishError as exc:
        result.messages.append(str(exc))
        return result
    result.ok = True
    result.output = build_dir / builder
    result.timings["total"] = time.perf_counter() - started
    return result


def build_all(
    builders: tuple[str, ...], *, root: Path = ROOT, build_dir: Path | None = None, jobs: int = 1, quiet: bool = False,
    force: bool = False,
) -> BuildResult:
    """Build several formats in turn; stop at the first that fails (the others stay as they were)."""
    combined = BuildResult(ok=True, output=build_dir or root / "_build")
    for builder in builders:
        result = build(builder, root=root, build_dir=build_dir, jobs=jobs, quiet=quiet, force=force)
        combined.messages.extend(result.messages)
        combined.timings.update({f"{builder}:{k}": v for k, v in result.timings.items()})
        if not result.ok:
            combined.ok = False
            break
    return combined
