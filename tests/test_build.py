"""Bad input gets file:line:rule and a non-zero exit; the published site is untouched."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from conftest import copy_edition, run_edition


def site_digest(site: Path) -> str:
    """A digest of every file of a published site (through its release link)."""
    digest = hashlib.sha256()
    real = site.resolve()
    for path in sorted(p for p in real.rglob("*") if p.is_file()):
        digest.update(path.relative_to(real).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def good_copy(tmp_path_factory) -> Path:
    root = copy_edition(tmp_path_factory.mktemp("badinput"))
    proc = run_edition("build", "-q", root=root)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert (root / "_build" / "html" / "index.html").exists()
    assert proc.stdout.strip().endswith("index.html")
    return root


def _break(root: Path, old: str, new: str) -> tuple[Path, str]:
    path = root / "tei" / "bakulin.xml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path, text


CASES = {
    # a closing tag removed: not well-formed
    "malformed": ("</head>", "</hed>", r"bakulin\.xml:\d+:\d+: \[xml-wellformed\]"),
    # an element the schema does not allow there
    "invalid": ("</head>", "<sp/></head>", r"bakulin\.xml:\d+:\d+: \[rng\]"),
    # a pointer to nothing
    "dangling": ('xml:lang="en">', 'xml:lang="en" corresp="#no-such-id">', r"bakulin\.xml:\d+:\d+: \[[a-z-]+\].*no-such-id"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_and_site_untouched(good_copy: Path, case: str):
    old, new, pattern = CASES[case]
    site = good_copy / "_build" / "html"
    before = site_digest(site)
    path, original = _break(good_copy, old, new)
    try:
        proc = run_edition("build", "-q", root=good_copy)
        assert proc.returncode == 1, proc.stderr
        assert "Traceback" not in proc.stderr
        assert re.search(pattern, proc.stderr), proc.stderr[-2000:]
        assert site_digest(site) == before
        check = run_edition("validate", str(path), root=good_copy)
        assert check.returncode == 1
        assert re.search(pattern, check.stdout), check.stdout[-2000:]
    finally:
        path.write_text(original, encoding="utf-8")


def test_valid_edition_validates(good_copy: Path):
    proc = run_edition("validate", root=good_copy)
    assert proc.returncode == 0, proc.stdout[-3000:]
