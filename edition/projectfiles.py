"""The files a build reads: regular files inside the project, of bounded size.

A symbolic link under ``tei/`` (to ``/etc/passwd``, or to a file of another project)
would be published with the edition: in the site, beside each page, and in the
archive. A link to ``/dev/zero`` would be read without end. So ``edition build``
first looks at every file and folder under the folders it reads (:data:`READ_FOLDERS`)
and refuses the build, naming each one, if any is a symbolic link, not a regular file
(a device, a FIFO, a socket) or larger than :data:`MAX_BYTES`
(:func:`check_project`). Files are read with :func:`read_regular`, which refuses the
same things for one file wherever it comes from.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

#: Folders of the project that a build reads, and its files at the top.
READ_FOLDERS = ("tei", "xslt", "front", "registers", "synopsis", "parallel", "_templates", "_static")
READ_FILES = ("conf.py", "index.rst")
#: Folders never read (caches; drafts are not part of the edition: ``conf.py`` excludes them).
SKIPPED = frozenset({"__pycache__", ".pytest_cache", "drafts", "node_modules"})
#: The largest file read (a 100x benchmark register is ~4 MB; the dissertation 0.4 MB).
MAX_BYTES = 64 * 1024 * 1024


class UnreadableFile(OSError):
    """A file that is not read: ``rule`` is ``symlink``, ``special-file`` or ``file-size``."""

    def __init__(self, path: Path | str, rule: str, message: str) -> None:
        super().__init__(f"{path}: [{rule}] {message}")
        self.path = str(path)
        self.rule = rule
        self.message = message


def _problem(info: os.stat_result, path: Path) -> tuple[str, str] | None:
    if stat.S_ISLNK(info.st_mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return "symlink", (f"a symbolic link (to {target}): the edition reads only regular files inside the "
                           "project; put the file itself here")
    if stat.S_ISDIR(info.st_mode):
        return None
    if not stat.S_ISREG(info.st_mode):
        return "special-file", "not a regular file (a device, FIFO or socket): the edition reads only regular files"
    if info.st_size > MAX_BYTES:
        return "file-size", f"{info.st_size} bytes, more than the {MAX_BYTES} bytes a file of the edition may have"
    return None


def check_project(root: Path) -> list[str]:
    """``file: [rule] message`` for every symbolic link, special file or oversized file that a
    build of the project at ``root`` would read; empty when there is none."""
    root = Path(root)
    found: list[str] = []

    def look(path: Path) -> None:
        try:
            info = path.lstat()
        except OSError:
            return
        problem = _problem(info, path)
        if problem:
            found.append(f"{path.relative_to(root).as_posix()}: [{problem[0]}] {problem[1]}")

    for name in READ_FILES:
        look(root / name)
    for name in READ_FOLDERS:
        top = root / name
        look(top)
        if top.is_symlink() or not top.is_dir():
            continue
        for folder, dirs, files in os.walk(top):  # links to folders are listed, never entered
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED)
            for entry in [*dirs, *sorted(files)]:
                look(Path(folder, entry))
    return found


def read_regular(path: Path | str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of the regular file at ``path`` (a link to one is followed), refused
    (:class:`UnreadableFile`) if it is anything else or larger than ``limit``: never read without bound."""
    # Non-blocking: opening a FIFO must not wait for a writer (a regular file is unaffected).
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UnreadableFile(path, "special-file", "not a regular file (a device, FIFO or socket)")
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise UnreadableFile(path, "file-size", f"more than the {limit} bytes a file may have")
    return data
