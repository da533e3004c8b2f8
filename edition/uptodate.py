"""Is the published output up to date? The fingerprint of everything a build reads.

A build's output is a function of its inputs: the project's files (TEI, pages,
registers, stylesheets, templates, configuration), the code that builds it (the
``edition`` package, wherever it is installed), the Python and library versions, the
builder, and what the build reads from the environment (``SOURCE_DATE_EPOCH``, which
comes from the last commit, and the ``EDITION_*`` and ``SPHINX*`` variables).

After a release, ``edition build`` records the fingerprint of those inputs and the
release it produced. The next build computes the fingerprint again (it reads every
input file, ~0.1 s for 56 MB of TEI) and, when nothing changed and the same release
is still published, says so and stops: no validation, no Sphinx, nothing written.
Any change, even to a file Sphinx would not read, makes it build as usual, which
decides in its own way what must be done again. ``edition build --force`` always builds.

Files are compared by content, never by modification time, so a checkout or a copy
that changes times but not contents is still up to date, and an edit that keeps the
time (``touch -r``) is still seen.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from importlib import metadata
from pathlib import Path

import edition
from edition.projectfiles import read_regular

#: Folders of a project that no build reads: its outputs, caches, version control.
SKIPPED_DIRS = frozenset({"_build", "__pycache__", "node_modules"})
#: The record beside the staging directories: ``{builder: {"inputs": …, "release": …}}``.
RECORD = "inputs.json"


def project_files(top: Path) -> list[Path]:
    """Every file under ``top`` a build could read, in a fixed order."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith(".")
                         and not d.endswith(".egg-info"))
        found.extend(Path(folder, name) for name in sorted(files) if not name.startswith(".")
                     and not name.endswith((".pyc", "~")))
    return found


def _environment() -> list[tuple[str, str]]:
    return sorted((k, v) for k, v in os.environ.items()
                  if k.startswith(("EDITION_", "SPHINX")) or k == "SOURCE_DATE_EPOCH")


def libraries() -> list[tuple[str, str]]:
    """Every installed distribution and its version (a library upgrade changes the output)."""
    return sorted({(dist.metadata["Name"] or "", dist.version) for dist in metadata.distributions()})


def fingerprint(root: Path, builder: str) -> str:
    """The digest of every input of building ``root`` with ``builder``."""
    digest = hashlib.sha256()
    digest.update(json.dumps([builder, sys.version, sys.executable, _environment(), libraries()]).encode())
    package = Path(edition.__file__).resolve().parent
    tops = [root.resolve()]
    if not package.is_relative_to(tops[0]):
        tops.append(package)
    for top in tops:
        for path in project_files(top):
            digest.update(f"\0{path.relative_to(top.parent)}\0".encode())
            try:  # bounded, regular files only (a link to /dev/zero is refused by the build)
                digest.update(hashlib.sha256(read_regular(path)).digest())
            except OSError as exc:  # unreadable now: not up to date; the build will say why
                digest.update(f"unreadable {exc.errno}".encode())
    return digest.hexdigest()


def _record_path(build_dir: Path) -> Path:
    return build_dir / ".staging" / RECORD


def _load(build_dir: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads(_record_path(build_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _published(public: Path) -> str | None:
    """The release ``public`` points at, if it is there and complete."""
    from edition.publish import manifest_path

    if not public.is_symlink():
        return None
    target = public.resolve()
    return target.name if target.is_dir() and manifest_path(target).exists() else None


def up_to_date(build_dir: Path, builder: str, inputs: str) -> str | None:
    """The published release of ``builder`` if it was built from ``inputs`` and is intact."""
    recorded = _load(build_dir).get(builder, {})
    release = _published(build_dir / builder)
    if release and recorded.get("inputs") == inputs and recorded.get("release") == release:
        return release
    return None


def record(build_dir: Path, builder: str, inputs: str) -> None:
    """After a release: remember which inputs the published output was built from."""
    release = _published(build_dir / builder)
    data = _load(build_dir)
    data.pop(builder, None)
    if release is not None:
        data[builder] = {"inputs": inputs, "release": release}
    _save(build_dir, data)


def forget(build_dir: Path, builder: str) -> None:
    """Before a build changes anything: the recorded inputs no longer vouch for the output."""
    data = _load(build_dir)
    if data.pop(builder, None) is not None:
        _save(build_dir, data)


def _save(build_dir: Path, data: dict[str, dict[str, str]]) -> None:
    path = _record_path(build_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{RECORD}.tmp-{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)
