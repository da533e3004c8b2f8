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

from edition.anchors import AnchorCheck, check, collect_edition, load
from edition.documents import ROOT
from edition.provenance import source_date_epoch
from edition.publish import PublishError, build_lock, mark_complete, prepare_staging, release


@dataclass
class BuildResult:
    """What a build did; ``ok`` is False when nothing was published."""

    ok: bool
    output: Path | None = None
    messages: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def run_sphinx(builder: str, srcdir: Path, outdir: Path, doctreedir: Path, *, jobs: int = 1, quiet: bool = False) -> int:
    """Run Sphinx in this process with warnings as errors; return its status."""
    from sphinx.application import Sphinx
    from sphinx.util.docutils import docutils_namespace, patch_docutils

    status = io.StringIO() if quiet else sys.stdout
    with patch_docutils(srcdir), docutils_namespace():
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
        app.build()
        return app.statuscode


def check_anchors() -> AnchorCheck:
    """Check the TEI's anchors against the committed registry."""
    return check(load(), collect_edition())


def build(
    builder: str = "html",
    *,
    root: Path = ROOT,
    build_dir: Path | None = None,
    jobs: int = 1,
    quiet: bool = False,
) -> BuildResult:
    """Validate the edition and build one output format into ``_build/<builder>``."""
    from edition.validate import validate

    build_dir = build_dir or root / "_build"
    result = BuildResult(ok=False)
    # Dates that Sphinx writes (copyright, last-updated) come from the last commit, not the clock.
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(source_date_epoch(root)))
    started = time.perf_counter()
    report = validate(None)
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
    try:
        with build_lock(build_dir):
            staging = build_dir / ".staging" / builder
            doctrees = build_dir / ".staging" / f"doctrees-{builder}"
            prepare_staging(staging)
            t0 = time.perf_counter()
            status = run_sphinx(builder, root, staging, doctrees, jobs=jobs, quiet=quiet)
            result.timings["sphinx"] = time.perf_counter() - t0
            if status != 0:
                result.messages.append(f"build failed in Sphinx (status {status}); {build_dir / builder} is unchanged")
                return result
            mark_complete(staging)
            t0 = time.perf_counter()
            release(staging, build_dir / builder)
            result.timings["publish"] = time.perf_counter() - t0
    except PublishError as exc:
        result.messages.append(str(exc))
        return result
    result.ok = True
    result.output = build_dir / builder
    result.timings["total"] = time.perf_counter() - started
    return result
