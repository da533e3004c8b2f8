"""Publish a build atomically: the last good output is never touched by a failed build.

Sphinx builds incrementally into a private staging directory. Only when the
build has succeeded is a copy of it released under ``_build/releases/`` and the
public name (``_build/html``) switched to it with one atomic ``rename`` of a
symbolic link. A build killed at any point therefore leaves the published
output exactly as it was, and two builds started at once are serialised by a
lock file.

A release shares the files that did not change with the release before it: such a
file is a hard link to the previous release's file. Files of a release are never
written again, by anyone, and a release is made in a new directory, so a file shared
by two releases cannot change under the published one.

A changed file comes from staging. Where the build only ever *replaces* files (a new
file under the old name, never the old one opened for writing: the folders of
:data:`SHARED_FOLDERS`), the release links staging's file too; anywhere else it copies
it, because Sphinx and its asset copying rewrite files there in place. Those folders
hold nearly all of the files (a citation, a DTS and an index file per passage), and on a
clean build copying them was a fifth of the build. Across file systems (or where links
are refused) files are copied.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
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


#: Files of staging that are not part of a release.
UNRELEASED = frozenset({COMPLETE_MARKER, ".buildinfo.bak"})

#: Folders of the output whose files the build replaces and never rewrites in place, so
#: that a release may share them with staging. Their writers: the citation files and
#: the DTS API (:func:`edition.products.write_file`), the search index
#: (:func:`edition.searchindex.write_index`), the builder's pages
#: (``EditionHTMLBuilder.handle_page``) and their Content-Security-Policy
#: (:func:`edition.sphinxext.security.write_policies`).
SHARED_FOLDERS = ("api/", "cite/", "searchindex/")


def _files(root: Path) -> list[str]:
    """Every file under ``root``, relative and ``/``-separated, in the order of their path parts."""
    found: list[str] = []

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    walk(entry.path, prefix + entry.name + "/")
                elif entry.is_file():
                    found.append(prefix + entry.name)

    walk(str(root), "")
    return sorted(found, key=lambda rel: rel.split("/"))


def _stamp(path: Path) -> list[int]:
    stat = path.stat()
    return [stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]


def _read_stamps(known: Path) -> dict[str, list]:
    try:
        return json.loads(known.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _save_stamps(known: Path, stamps: dict[str, list]) -> None:
    try:
        known.write_text(json.dumps(stamps), encoding="utf-8")
    except OSError:
        pass  # only a cache: next time the files are read again


def _file_digests(root: Path, files: list[str], recorded: dict[str, list] | None = None) -> tuple[dict[str, str], dict[str, list]]:
    """SHA-256 of each file, and the stamps to record for them. A file whose inode, size,
    mtime and ctime are those ``recorded`` (the stamps of an earlier build) is not read
    again: a write changes its ctime."""
    recorded = recorded or {}
    digests, stamps = {}, {}
    for rel in files:
        path = root / rel
        stamp = _stamp(path)
        entry = recorded.get(rel)
        if entry is not None and entry[0] == stamp:
            digests[rel] = entry[1]
        else:
            with open(path, "rb") as handle:
                digests[rel] = hashlib.file_digest(handle, "sha256").hexdigest()
        stamps[rel] = [stamp, digests[rel]]
    return digests, stamps


def _tree_digest(root: Path, digests: dict[str, str] | None = None) -> str:
    """A digest of a directory's names and contents, to name a release."""
    if digests is None:
        files = [f for f in _files(root) if f.rsplit("/", 1)[-1] != COMPLETE_MARKER]
        digests, _ = _file_digests(root, files)
    digest = hashlib.sha256()
    for rel, file_digest in digests.items():
        digest.update(rel.encode())
        digest.update(b"\0")
        digest.update(file_digest.encode())
    return digest.hexdigest()[:16]


def manifest_path(release_dir: Path) -> Path:
    """Where the digests of a release's files are kept: beside it, not in it."""
    return release_dir.with_name(f".{release_dir.name}.files")


def _read_manifest(release_dir: Path) -> dict[str, str]:
    try:
        lines = manifest_path(release_dir).read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    return dict(line.split(" ", 1)[::-1] for line in lines if " " in line)


def _write_manifest(release_dir: Path, digests: dict[str, str]) -> None:
    path = manifest_path(release_dir)
    tmp = path.with_name(path.name + f".tmp-{os.getpid()}")
    tmp.write_text("".join(f"{d} {rel}\n" for rel, d in digests.items()), encoding="utf-8")
    os.replace(tmp, path)


#: What ``os.link`` answers where a file system has no (more) hard links to give.
_NO_LINKS = (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP)


def _assemble(staging: Path, target: Path, digests: dict[str, str], previous: Path | None) -> list[str]:
    """Fill the new directory ``target`` with the files of ``staging``: a hard link to the
    previous release's file where that has the same bytes, else a hard link to staging's
    file in :data:`SHARED_FOLDERS`, else a copy. Returns the files linked to staging's."""
    known = _read_manifest(previous) if previous is not None else {}
    linking = True
    shared: list[str] = []
    for top, _, _ in os.walk(staging):  # directories first, the empty ones too
        rel = os.path.relpath(top, staging)
        os.makedirs(target if rel == "." else target / rel, exist_ok=True)
    for rel, file_digest in digests.items():
        source, destination = staging / rel, target / rel
        if previous is not None and known.get(rel) == file_digest:
            origin: Path | None = previous / rel
        elif rel.startswith(SHARED_FOLDERS):
            origin = source
        else:
            origin = None
        if linking and origin is not None:
            try:
                os.link(origin, destination)
                if origin == source:
                    shared.append(rel)
                continue
            except FileNotFoundError:
                pass
            except OSError as exc:
                if exc.errno not in _NO_LINKS:
                    raise
                linking = False  # another file system, or no hard links there: copy from now on
        shutil.copy2(source, destination)
    return shared


def _clean_stale(releases: Path, public: Path, keep: Path) -> None:
    """Remove older releases, their manifests and what killed builds left behind."""
    for old in releases.glob(f"{public.name}-*"):
        if old != keep and old.is_dir():
            shutil.rmtree(old, ignore_errors=True)
            manifest_path(old).unlink(missing_ok=True)
    for leftover in releases.glob(f".{public.name}-*"):
        if leftover == manifest_path(keep):
            continue
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        elif leftover.name.endswith(".files") or ".tmp-" in leftover.name:
            leftover.unlink(missing_ok=True)


def release(staging: Path, public: Path) -> Path:
    """Release ``staging`` as a new directory and point ``public`` at it atomically.

    Returns the release directory. Unchanged files are hard links to the files of the
    release ``public`` points at (see the module's docstring). Older releases are
    removed afterwards; a reader who opened a page of the old release while the link
    was switched finishes reading it from the directory it resolved.
    """
    releases = public.parent / "releases"
    files = [f for f in _files(staging) if f.rsplit("/", 1)[-1] not in UNRELEASED]
    known = staging.with_name(f".{staging.name}.digests")
    try:
        digests, stamps = _file_digests(staging, files, _read_stamps(known))
    except OSError as exc:
        raise PublishError(f"{exc.filename or staging}: cannot read the build: {exc.strerror}; the previous output is unchanged") from None
    name = f"{public.name}-{_tree_digest(staging, digests)}"
    target = releases / name
    try:
        releases.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            tmp = releases / f".{name}.tmp-{os.getpid()}"
            if tmp.exists():
                shutil.rmtree(tmp)
            previous = public.resolve() if public.is_symlink() and public.exists() else None
            for rel in _assemble(staging, tmp, digests, previous):
                stamps[rel][0] = _stamp(staging / rel)  # a new link changed its ctime, not its bytes
            _write_manifest(target, digests)
            fault_point("publish-copy")
            os.rename(tmp, target)
        elif not manifest_path(target).exists():
            _write_manifest(target, digests)
        _save_stamps(known, stamps)
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
    _clean_stale(releases, public, target)
    return target
