"""Where an output came from: the reproducible build date and the provenance record.

Every output the edition ships (the site, the library package) must be the same
bytes when it is made again from the same commit, on another machine, in
another directory, on another day. The one date such an output may carry is
therefore ``SOURCE_DATE_EPOCH`` (https://reproducible-builds.org/specs/source-date-epoch/):
taken from the environment when the caller set it, else the date of the last
commit, else a fixed date. :func:`provenance_record` writes down everything
else a reader needs to make the output again.
"""

from __future__ import annotations

import os
import platform
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from edition.documents import ROOT
from edition.importer.header import EDITION_DATE

#: Used when neither the environment nor git gives a date: the edition's own date.
FALLBACK_EPOCH = int(datetime.fromisoformat(EDITION_DATE).replace(tzinfo=UTC).timestamp())

#: The Python distributions whose versions decide the bytes of an output.
TOOLS: tuple[str, ...] = ("saxonche", "Sphinx", "docutils", "lxml", "bagit")


class ProvenanceError(ValueError):
    """``SOURCE_DATE_EPOCH`` is set to something that is not a date."""


def _git(root: Path, *args: str) -> str | None:
    """Run git in ``root`` if ``root`` is the top of a work tree; None otherwise.

    A copy of the edition inside some other repository (or in /tmp) must not
    borrow that repository's commit, hence the check of the top level.
    """
    try:
        top = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--show-toplevel"],
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout.strip()
        if Path(top).resolve() != root.resolve():
            return None
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def source_date_epoch(root: Path = ROOT) -> int:
    """The build date as seconds since 1970: the environment's, the last commit's, or the fallback."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if value:
        if not value.isdigit():
            raise ProvenanceError(f"SOURCE_DATE_EPOCH={value!r} is not a non-negative integer number of seconds")
        return int(value)
    committed = _git(root, "log", "-1", "--format=%ct")
    if committed and committed.isdigit():
        return int(committed)
    return FALLBACK_EPOCH


def iso_date(epoch: int) -> str:
    """``YYYY-MM-DD`` (UTC) of an epoch."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d")


def iso_datetime(epoch: int) -> str:
    """``YYYY-MM-DDThh:mm:ssZ`` (UTC) of an epoch."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def git_commit(root: Path = ROOT) -> str:
    """The commit checked out in ``root``, or ``unknown`` outside git."""
    return _git(root, "rev-parse", "HEAD") or "unknown"


def git_tree_state(root: Path = ROOT) -> str:
    """``clean``, ``modified`` (tracked files differ from the commit) or ``unknown``."""
    status = _git(root, "status", "--porcelain", "--untracked-files=no")
    if status is None:
        return "unknown"
    return "modified" if status else "clean"


def tool_versions() -> dict[str, str]:
    """Python's version and those of the tools in :data:`TOOLS` (``not installed`` if absent)."""
    versions = {"Python": platform.python_version()}
    for name in TOOLS:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def provenance_record(
    *,
    root: Path = ROOT,
    command: str = "edition package",
    epoch: int | None = None,
    notes: Sequence[str] = (),
) -> str:
    """The provenance of an output as ``Label: value`` lines (the bag-info.txt syntax).

    ``notes`` are added as ``Note:`` lines, e.g. which outputs were missing.
    Nothing machine- or directory-specific is written (no paths, no host, no
    clock), so two runs on the same commit give the same record.
    """
    from edition import __version__

    epoch = source_date_epoch(root) if epoch is None else epoch
    lines = [
        f"Edition-Version: {__version__}",
        f"Git-Commit: {git_commit(root)}",
        f"Git-Tree: {git_tree_state(root)}",
        f"Build-Command: {command}",
        f"SOURCE_DATE_EPOCH: {epoch} ({iso_datetime(epoch)})",
    ]
    lines += [f"{name}: {ver}" for name, ver in tool_versions().items()]
    lines += [f"Note: {note}" for note in notes]
    return "\n".join(lines) + "\n"
