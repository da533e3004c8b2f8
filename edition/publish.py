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

Making a release of every file costs one link per file, and removing the old release one
unlink per file: seconds for a one-word edit of a large edition. So the release that is
replaced is not removed but kept, hidden, as the *spare* (:func:`spare_path`), and the
next release is made from it: the files whose bytes differ (by the manifests) are
unlinked and put anew, and the rest stay. Nobody reads the spare, and a file is never
written in place, so the releases that share its files keep their bytes.
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


Stamp = list[int]


def _scan(root: Path) -> tuple[dict[str, Stamp], list[str]]:
    """Every file under ``root`` with its stamp (inode, size, mtime, ctime), in the order of
    their path parts, and every folder; paths relative and ``/``-separated."""
    stamps: dict[str, Stamp] = {}
    folders: list[str] = []

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(prefix + entry.name)
                    walk(entry.path, prefix + entry.name + "/")
                elif entry.is_file() and entry.name not in UNRELEASED:
                    stat = entry.stat()
                    stamps[prefix + entry.name] = [stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns]

    walk(str(root), "")
    return {rel: stamps[rel] for rel in sorted(stamps, key=lambda rel: rel.split("/"))}, folders


def _stamp(path: str) -> Stamp:
    stat = os.stat(path)
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


def _file_digests(root: Path, found: dict[str, Stamp], recorded: dict[str, list] | None = None) -> tuple[dict[str, str], dict[str, list]]:
    """SHA-256 of each file ``found`` under ``root``, and the stamps to record for them. A
    file whose stamp is the one ``recorded`` (by an earlier build) is not read again: a
    write changes its ctime."""
    recorded = recorded or {}
    digests, stamps = {}, {}
    base = str(root) + "/"
    for rel, stamp in found.items():
        entry = recorded.get(rel)
        if entry is not None and entry[0] == stamp:
            digests[rel] = entry[1]
        else:
            with open(base + rel, "rb") as handle:
                digests[rel] = hashlib.file_digest(handle, "sha256").hexdigest()
        stamps[rel] = [stamp, digests[rel]]
    return digests, stamps


def _tree_digest(digests: dict[str, str]) -> str:
    """A digest of a tree's names and contents (``digests``, in order), to name a release."""
    digest = hashlib.sha256()
    for rel, file_digest in digests.items():
        digest.update(rel.encode())
        digest.update(b"\0")
        digest.update(file_digest.encode())
    return digest.hexdigest()[:16]


def manifest_path(release_dir: Path) -> Path:
    """Where the digests of a release's files are kept: beside it, not in it."""
    return release_dir.with_name(f".{release_dir.name}.files")


def spare_path(public: Path) -> Path:
    """Where the release before the published one is kept, to be made into the next one."""
    return public.parent / "releases" / f".{public.name}.spare"


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


class _Filler:
    """Puts files of staging into a new release: a hard link to the published release's
    file where that has the same bytes, else a hard link to staging's file in
    :data:`SHARED_FOLDERS`, else a copy. Remembers the files it linked to staging's."""

    def __init__(self, staging: Path, target: Path, previous: Path | None) -> None:
        self.staging, self.target = str(staging) + "/", str(target) + "/"
        self.previous = str(previous) + "/" if previous is not None else None
        self.known = _read_manifest(previous) if previous is not None else {}
        self.linking = True
        self.shared: list[str] = []

    def put(self, rel: str, file_digest: str) -> None:
        source, destination = self.staging + rel, self.target + rel
        if self.previous is not None and self.known.get(rel) == file_digest:
            origin: str | None = self.previous + rel
        elif rel.startswith(SHARED_FOLDERS):
            origin = source
        else:
            origin = None
        if self.linking and origin is not None:
            try:
                os.link(origin, destination)
                if origin == source:
                    self.shared.append(rel)
                return
            except FileNotFoundError:
                pass
            except OSError as exc:
                if exc.errno not in _NO_LINKS:
                    raise
                self.linking = False  # another file system, or no hard links there: copy from now on
        shutil.copy2(source, destination)


def _assemble(filler: _Filler, folders: list[str], digests: dict[str, str]) -> None:
    """Fill the new directory of ``filler`` with every file of staging."""
    os.makedirs(filler.target, exist_ok=True)
    for rel in folders:  # parents first, the empty ones too
        os.makedirs(filler.target + rel, exist_ok=True)
    for rel, file_digest in digests.items():
        filler.put(rel, file_digest)


def _renew(filler: _Filler, held: dict[str, str], folders: list[str], digests: dict[str, str]) -> bool:
    """Make the directory of ``filler``, which holds the files ``held`` (path → digest: an
    older release), into a copy of staging by changing only what differs. No file of it
    is written: a changed file is unlinked and put anew, so the releases that share it
    keep their bytes. False if the directory did not hold what ``held`` says (it is then
    left half made)."""
    target = filler.target
    for rel, file_digest in held.items():
        if digests.get(rel) != file_digest:
            try:
                os.unlink(target + rel)
            except FileNotFoundError:
                return False
    for rel in folders:
        os.makedirs(target + rel, exist_ok=True)
    for rel, file_digest in digests.items():
        if held.get(rel) != file_digest:
            filler.put(rel, file_digest)
    wanted, present = set(folders), 0
    for top, _, names in os.walk(target, topdown=False):
        rel = top[len(target):]
        if rel and rel not in wanted:
            if names:
                return False
            os.rmdir(top)  # its folders were removed before it
        present += len(names)
    return present == len(digests)


def _take_spare(public: Path, into: Path) -> dict[str, str] | None:
    """Move the spare release (:func:`spare_path`) to ``into`` and return its manifest, or
    None (and remove it) if there is none or it is incomplete."""
    spare = spare_path(public)
    held = _read_manifest(spare) if manifest_path(spare).exists() else None
    manifest_path(spare).unlink(missing_ok=True)
    if held is None or not spare.is_dir():
        if spare.exists():
            shutil.rmtree(spare, ignore_errors=True)
        return None
    os.rename(spare, into)
    return held


def _keep_spare(public: Path, old: Path) -> None:
    """Keep the release ``old``, no longer published, as the spare (its manifest last: a
    spare without one is never used)."""
    spare = spare_path(public)
    manifest_path(spare).unlink(missing_ok=True)
    if spare.exists():
        shutil.rmtree(spare, ignore_errors=True)
    os.rename(old, spare)
    os.rename(manifest_path(old), manifest_path(spare))


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
    release ``public`` points at (see the module's docstring). The release before it
    is kept as the spare, and the next release is made from the spare by changing only
    the files that differ, so that publishing a small change costs a walk of staging
    and a few links, not one link per file. A reader who opened a page of the old
    release while the link was switched finishes reading it from the file it opened.
    """
    releases = public.parent / "releases"
    known = staging.with_name(f".{staging.name}.digests")
    try:
        found, folders = _scan(staging)
        digests, stamps = _file_digests(staging, found, _read_stamps(known))
    except OSError as exc:
        raise PublishError(f"{exc.filename or staging}: cannot read the build: {exc.strerror}; the previous output is unchanged") from None
    name = f"{public.name}-{_tree_digest(digests)}"
    target = releases / name
    previous = public.resolve() if public.is_symlink() and public.exists() else None
    try:
        releases.mkdir(parents=True, exist_ok=True)
        if not target.exists():
            tmp = releases / f".{name}.tmp-{os.getpid()}"
            if tmp.exists():
                shutil.rmtree(tmp)
            filler = _Filler(staging, tmp, previous)
            held = _take_spare(public, tmp)
            if held is None or not _renew(filler, held, folders, digests):
                if held is not None:  # the spare was not what its manifest says: start afresh
                    shutil.rmtree(tmp)
                    filler = _Filler(staging, tmp, previous)
                _assemble(filler, folders, digests)
            base = str(staging) + "/"
            for rel in filler.shared:
                stamps[rel][0] = _stamp(base + rel)  # a new link changed its ctime, not its bytes
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
        if previous is not None and previous != target and previous.parent == releases and manifest_path(previous).exists():
            _keep_spare(public, previous)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise PublishError(f"{public}: the disk is full; the previous output is unchanged") from None
        raise PublishError(f"{exc.filename or public}: cannot publish: {exc.strerror}; the previous output is unchanged") from None
    _clean_stale(releases, public, target)
    return target
