"""Only regular files inside the project are read, with a size cap; a published copy whose
source is gone goes too (issue #24)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import copy_edition, run_edition
from edition.projectfiles import MAX_BYTES, UnreadableFile, check_project, read_regular


def test_check_project_names_links_special_and_huge_files(tmp_path: Path):
    (tmp_path / "tei" / "schema").mkdir(parents=True)
    (tmp_path / "xslt").mkdir()
    (tmp_path / "tei" / "fine.xml").write_text("<TEI/>")
    (tmp_path / "tei" / "schema" / "passwd.txt").symlink_to("/etc/passwd")
    (tmp_path / "tei" / "zero.xml").symlink_to("/dev/zero")
    (tmp_path / "xslt" / "elsewhere").symlink_to(tmp_path / "tei")
    os.mkfifo(tmp_path / "tei" / "pipe.xml")
    with (tmp_path / "tei" / "huge.xml").open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: takes no room
    (tmp_path / "tei" / "drafts").mkdir()
    (tmp_path / "tei" / "drafts" / "ignored.xml").symlink_to("/etc/passwd")
    found = check_project(tmp_path)
    assert sorted(line.split(":")[0] for line in found) == [
        "tei/huge.xml", "tei/pipe.xml", "tei/schema/passwd.txt", "tei/zero.xml", "xslt/elsewhere"]
    assert any(line.startswith("tei/schema/passwd.txt: [symlink] a symbolic link (to /etc/passwd)") for line in found)
    assert any(line.startswith("tei/pipe.xml: [special-file]") for line in found)
    assert any(line.startswith("tei/huge.xml: [file-size]") for line in found)
    assert not check_project(tmp_path / "nothing-here")


def test_read_regular_is_bounded_and_never_waits(tmp_path: Path):
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(UnreadableFile, match="special-file"):
        read_regular(tmp_path / "pipe")  # a FIFO without a writer: refused at once, not waited on
    with pytest.raises(UnreadableFile, match="special-file"):
        read_regular("/dev/zero")
    (tmp_path / "big").write_bytes(b"x" * 101)
    with pytest.raises(UnreadableFile, match="file-size"):
        read_regular(tmp_path / "big", limit=100)
    assert read_regular(tmp_path / "big", limit=101) == b"x" * 101


def test_validate_refuses_links_and_special_files(tmp_path: Path):
    root = copy_edition(tmp_path / "edition")
    (root / "tei" / "zero.xml").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "pipe.xml")
    proc = run_edition("validate", "tei/zero.xml", str(tmp_path / "pipe.xml"), root=root, timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1 and "Traceback" not in out, out[-2000:]
    assert "tei/zero.xml:1:1: [symlink] a symbolic link (to /dev/zero)" in out
    assert "pipe.xml:1:1: [special-file]" in out


def test_build_refuses_links_and_publishes_nothing(tmp_path: Path):
    root = copy_edition(tmp_path / "edition")
    (root / "tei" / "schema" / "passwd.txt").symlink_to("/etc/passwd")
    (root / "tei" / "zero.xml").symlink_to("/dev/zero")
    (root / "tei" / "sources" / "other.txt").symlink_to(root / "tei" / "bakulin.xml")
    proc = run_edition("build", "-q", root=root, timeout=300)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    for rel in ("tei/schema/passwd.txt", "tei/zero.xml", "tei/sources/other.txt"):
        assert f"{rel}: [symlink]" in proc.stderr
    assert "build refused: only regular files inside the project are read" in proc.stderr
    assert not (root / "_build" / "html").exists()


def test_a_copy_whose_source_is_gone_is_removed(tmp_path: Path):
    root = copy_edition(tmp_path / "edition")
    extra = root / "tei" / "schema" / "extra-notes.txt"
    extra.write_text("published while it is here\n")
    proc = run_edition("build", "-q", root=root)
    assert proc.returncode == 0, proc.stderr[-3000:]
    site = root / "_build" / "html"
    assert (site / "tei" / "schema" / "extra-notes.txt").is_file()
    extra.unlink()
    proc = run_edition("build", "-q", "--force", root=root)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not (site / "tei" / "schema" / "extra-notes.txt").exists()
    assert (site / "tei" / "schema" / "edition.rng").is_file()
