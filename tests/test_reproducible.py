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

import pytest

from conftest import copy_edition, run_edition

FORMATS = ("html", "epub", "latex")

#: The one known exception: Pagefind's indexer iterates Rust hash maps in random order,
#: so its filter and metadata files (and their hashed names) differ from run to run even
#: for identical input. It is checked apart, and marked as a known defect below.
SEARCH_BUNDLE = "html/pagefind/"


def digests(build_dir: Path) -> dict[str, str]:
    """``format/relative/path`` → SHA-256 of every published file."""
    found = {}
    for fmt in FORMATS:
        top = (build_dir / fmt).resolve()
        for path in sorted(p for p in top.rglob("*") if p.is_file()):
            found[f"{fmt}/{path.relative_to(top).as_posix()}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def _split(found: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(everything but the search bundle, the search bundle)."""
    rest = {k: v for k, v in found.items() if not k.startswith(SEARCH_BUNDLE)}
    return rest, {k: v for k, v in found.items() if k.startswith(SEARCH_BUNDLE)}


_SECOND: dict[str, dict[str, str]] = {}


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
    _SECOND["first"], _SECOND["second"] = first, digests(root / "_build")
    (first, first_search), (second, second_search) = _split(first), _split(_SECOND["second"])
    assert first_search and second_search, "both builds have a search bundle"
    assert sorted(first) == sorted(second), set(first) ^ set(second)
    differing = sorted(name for name in first if first[name] != second[name])
    assert not differing, f"{len(differing)} files differ, e.g. {differing[:20]}"


@pytest.mark.xfail(strict=True, reason="known defect: Pagefind writes its index in hash-map order (see SEARCH_BUNDLE)")
def test_search_bundle_is_byte_identical() -> None:
    if not _SECOND:
        pytest.skip("needs test_two_builds_are_byte_identical to have run")
    assert _split(_SECOND["first"])[1] == _split(_SECOND["second"])[1]
