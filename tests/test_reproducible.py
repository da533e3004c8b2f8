"""Two builds of the same sources, in different directories at different times, give identical bytes.

The session's build (``library_build``: site, EPUB, PDF) is compared with a
second ``edition build all`` of another copy, made later, whose files carry
other mtimes. Every published file of every format must be byte-identical:
no clock, no build path, no random id, no unordered listing may leak into an
output. Slow (a second XeLaTeX run): the one test that must pay for it.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from conftest import copy_edition, run_edition

FORMATS = ("html", "epub", "latex")

#: The search index: checked by name below (it must exist in both builds to be compared).
SEARCH_INDEX = "html/searchindex/"


def digests(build_dir: Path) -> dict[str, str]:
    """``format/relative/path`` → SHA-256 of every published file."""
    found = {}
    for fmt in FORMATS:
        top = (build_dir / fmt).resolve()
        for path in sorted(p for p in top.rglob("*") if p.is_file()):
            found[f"{fmt}/{path.relative_to(top).as_posix()}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def test_two_builds_are_byte_identical(library_build: Path, tmp_path: Path) -> None:
    first = digests(library_build)
    assert any(name.endswith(".pdf") for name in first) and any(name.endswith(".epub") for name in first)
    time.sleep(1.1)
    root = copy_edition(tmp_path / "elsewhere" / "edition-copy")
    later = time.time() + 86_400 * 3
    for path in root.rglob("*"):
        os.utime(path, (later, later), follow_symlinks=False)
    proc = run_edition("build", "-q", "all", root=root, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-4000:]
    second = digests(root / "_build")
    assert any(k.startswith(SEARCH_INDEX) for k in first) and any(k.startswith(SEARCH_INDEX) for k in second)
    assert sorted(first) == sorted(second), set(first) ^ set(second)
    differing = sorted(name for name in first if first[name] != second[name])
    assert not differing, f"{len(differing)} files differ, e.g. {differing[:20]}"
