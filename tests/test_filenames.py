"""Identifiers never become paths: document keys and references are safe slugs, and every
file the build writes from them stays inside the output (issue #24)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO, built_copy, run_edition, site_files
from edition.filenames import EDITION_NAMES, UnsafePath, key_problem, name_problem, output_path
from edition.products import FileSet

TRAVERSAL = "x/../../../../../../../../{victim}"


@pytest.mark.parametrize("name", [
    "", "a" * 101, "a/b", "..", "a..b", "../x", "a\\b", "a\x00b", ".hidden", "-x", "a b", "a<b",
    "CON", "nul", "Lpt1.txt", "com9", "a;b", "a%2fb",
])
def test_unsafe_names_are_refused(name: str):
    assert name_problem(name), name


@pytest.mark.parametrize("name", ["dikova:4.3.12", "bakulin:1", "slides:12", "front.1", "a" * 100, "Παῦλος", "amp-transcript__0053.xml"])
def test_safe_names_pass(name: str):
    assert name_problem(name) is None


@pytest.mark.parametrize("key", ["index", "refs", "search", "genindex", "Index", "_static"])
def test_keys_of_the_editions_own_files_are_refused(key: str):
    assert key.lower() in EDITION_NAMES and key_problem(key)


def test_output_path_stays_inside(tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    assert output_path(out, "cite/dikova/4.html") == out / "cite" / "dikova" / "4.html"
    for rel in ("../x", "a/../../x", "/etc/passwd", "a//b", "./a", "a/./b", "a\\..\\b", "a\x00", "", "a/.."):
        with pytest.raises(UnsafePath):
            output_path(out, rel)
    # A symbolic link inside the output that leads out of it is not followed for a write.
    (tmp_path / "elsewhere").mkdir()
    (out / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UnsafePath):
        output_path(out, "link/victim.json")


def test_file_set_refuses_to_write_or_remove_outside(tmp_path: Path):
    out = tmp_path / "out"
    victim = tmp_path / "victim.json"
    victim.write_text("kept")
    files = FileSet(out)
    with pytest.raises(UnsafePath):
        files.write({"../victim.json": b"overwritten"})
    with pytest.raises(UnsafePath):
        files.write({}, {"../victim.json": 4})
    assert victim.read_text() == "kept"


# --- through edition validate and edition build ----------------------------------------------

DIV = 'type="abstractSection" n="2"'
ROOT = 'xml:id="bakulin" n="bakulin"'

#: case -> (text of tei/bakulin.xml, its replacement, line of the message, words in it)
CASES = {
    "traversal-n": (DIV, f'type="abstractSection" n="{TRAVERSAL}"', 115, "'/', '\\', '..'"),
    "long-n": (DIV, f'type="abstractSection" n="{"x" * 300}"', 115, "characters long"),
    "empty-n": (DIV, 'type="abstractSection" n=""', 115, "empty reference segment"),
    "duplicate-n": (DIV, 'type="abstractSection" n="1"', 115, "given to two units"),
    "markup-n": (DIV, 'type="abstractSection" n="2&lt;script&gt;"', 115, "characters other than"),
    "traversal-root-n": (ROOT, f'n="{TRAVERSAL}"', 4, "'/', '\\', '..'"),
    "long-root-id": (ROOT, f'xml:id="b{"x" * 300}" n="bakulin"', 4, "characters long"),
    **{f"key-{name}": (ROOT, f'xml:id="{name}" n="bakulin"', 4, "the edition's own files")
       for name in ("index", "refs", "search", "genindex")},
}


def _case_copy(dest: Path, case: str) -> Path:
    """Only what validation reads: the TEI and the schema."""
    old, new, _, _ = CASES[case]
    shutil.copytree(REPO / "tei", dest / "tei", ignore=shutil.ignore_patterns("drafts"))
    path = dest / "tei" / "bakulin.xml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new.format(victim=str(dest / "victim")), 1), encoding="utf-8")
    return dest


@pytest.mark.parametrize("case", CASES)
def test_validate_refuses_a_reference_that_cannot_be_a_file_name(tmp_path: Path, case: str):
    root = _case_copy(tmp_path, case)
    proc = run_edition("validate", "tei/bakulin.xml", root=root, timeout=120)
    out = proc.stdout + proc.stderr
    _, _, line, words = CASES[case]
    assert proc.returncode == 1, out[-2000:]
    assert "Traceback" not in out
    assert re.search(rf"tei/bakulin\.xml:{line}:1: \[cite-structure\] .*{re.escape(words)}", out), out[-2000:]


def test_build_refuses_traversal_and_writes_nothing_outside(tmp_path: Path):
    root, published, before = built_copy(tmp_path / "edition")
    path = root / "tei" / "bakulin.xml"
    # Aimed at the live release, and at a folder beside the project.
    victim = os.path.relpath(published / "victim", published / "api" / "dts" / "navigation" / "bakulin")
    path.write_text(path.read_text(encoding="utf-8").replace(DIV, f'type="abstractSection" n="x/../{victim}"', 1),
                    encoding="utf-8")
    proc = run_edition("build", "-q", root=root)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert "[cite-structure]" in proc.stderr
    assert not list(tmp_path.rglob("victim*")), "a file was written from the reference"
    assert site_files(published) == before
