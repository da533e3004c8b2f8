"""Publish a build atomically: the last good output is never touched by a failed build.

Sphinx builds incrementally into a private staging directory. Only when the
build has succeeded is a copy of it released under ``_build/releases/`` and the
public name (``_build/html``) switched to it with one atomic ``rename`` of a
symbolic link. A build killed at any point therefore leaves the published
output exactly as it was, and two builds started at once are serialised by a
lock file.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

COMPLETE_MARKER = ".build-complete"


class PublishError(Exception):
    """The output could not be written; the message says where and why."""


@contextmanager
def build_lock(build_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``build_dir`` for the duration of a build."""
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        handle = open(build_dir / ".lock", "w")  # noqa: SIM115 - held for the block
    except OSError as exc:
        raise PublishError(f"{build_dir}: cannot create the output directory: {exc.strerror}") from None
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"another build holds {build_dir / '.lock'}; waiting for it to finish", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


#: Test hook: the build kills itself (SIGKILL, like a power cut) at the point this names.
FAULT_ENV = "EDITION_FAULT"


def fault_point(name: str) -> None:
    """Die here at once if ``EDITION_FAULT`` names this point (tests of interrupted builds)."""
    if os.environ.get(FAULT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def prepare_staging(staging: Path) -> None:
    """Make ``staging`` ready for an incremental build.

    A staging directory whose previous build did not complete may hold half
    written pages that look newer than their sources; it is wiped so that
    Sphinx rebuilds everything rather than trusting them.
    """
    marker = staging / COMPLETE_MARKER
    if staging.exists() and not marker.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True, exist_ok=True)
    if marker.exists():
        marker.unlink()


def mark_complete(staging: Path) -> None:
    """Record that the build in ``staging`` finished."""
    (staging / COMPLETE_MARKER).write_text("ok\n", encoding="utf-8")


def _tree_digest(root: Path) -> str:
    """A digest of a directory's names and contents, to name a release."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != COMPLETE_MARKER):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def release(staging: Path, public: Path) -> Path:
    """Copy ``staging`` into a new release and point ``public`` at it atomically.

    Returns the release directory. Older releases are removed afterwards; a
    reader who opened a page of the old release while the link was switched
    finishes reading it from the directory it resolved.
    """
    releases = public.parent / "releases"
    name = f"{public.name}-{_tree_digest(staging)}"
    target = releases / name
    try:
        releases.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            tmp = releases / f".{name}.tmp-{os.getpid()}"
            if tmp.exists():
                shutil.rmtree(tmp)
            shutil.copytree(staging, tmp, ignore=shutil.ignore_patterns(COMPLETE_MARKER, ".buildinfo.bak"))
            fault_point("publish-copy")
            os.rename(tmp, target)
        fault_point("publish-switch")
        link_tmp = public.parent / f".{public.name}.link-{os.getpid()}"
        if link_tmp.is_symlink() or link_tmp.exists():
            link_tmp.unlink()
        os.symlink(os.path.relpath(target, public.parent), link_tmp)
        if public.exists() and not public.is_symlink():
            # An output written by an older version of the tool: move it aside once.
            shutil.rmtree(public)
        os.replace(link_tmp, public)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise PublishError(f"{public}: the disk is full; the previous output is unchanged") from None
        raise PublishError(f"{exc.filename or public}: cannot publish: {exc.strerror}; the previous output is unchanged") from None
    for old in releases.glob(f"{public.name}-*"):
        if old != target and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
    return target
