"""Faults: killed builds, concurrent builds, a full disk, an unwritable output, a stale environment.

Whatever happens to a build, the published ``_build/html`` stays byte for byte
what it was until a build has succeeded. The kill points are reached through
the test hook ``EDITION_FAULT`` (:func:`edition.publish.fault_point`), which
kills the build with SIGKILL: no clean-up code runs, as after a power cut.
"""

from __future__ import annotations

import errno
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import copy_edition, run_edition
from edition import publish
from test_build import site_digest

KILL_POINTS = ("validated", "read", "write", "publish-copy", "publish-switch")


def _env(root: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, EDITION_ROOT=str(root))
    env.update(extra)
    return env


def _build(root: Path, *, quiet: bool = True, force: bool = False, **extra: str) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "edition.cli", "build"] + (["-q"] if quiet else []) + (["--force"] if force else [])
    return subprocess.run(args, cwd=root, env=_env(root, **extra), capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def edition_copy(tmp_path_factory) -> Path:
    """A copy of the edition, built once."""
    root = copy_edition(tmp_path_factory.mktemp("faults"))
    proc = _build(root)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return root


def _change_text(root: Path) -> None:
    """Change a word of a document, so that a finished build would publish something new."""
    path = root / "tei" / "onthisday.xml"
    text = path.read_text(encoding="utf-8")
    marker = "FAULT-TEST"
    if marker not in text:
        text = re.sub(r'(<p xml:id="onthisday-p[^>]*>)', r"\1" + marker + " ", text, count=1)
        path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("point", KILL_POINTS)
def test_killed_build_leaves_published_site_intact(edition_copy: Path, point: str):
    site = edition_copy / "_build" / "html"
    before = site_digest(site)
    link = os.readlink(site)
    _change_text(edition_copy)
    proc = _build(edition_copy, EDITION_FAULT=point)
    assert proc.returncode == -signal.SIGKILL, f"{point}: the build was not killed: {proc.stderr[-2000:]}"
    assert os.readlink(site) == link
    assert site_digest(site) == before, f"killed at {point}, the published site changed"


def test_build_after_kills_publishes_the_change(edition_copy: Path):
    """After any number of killed builds, the next one completes and publishes the change."""
    _change_text(edition_copy)
    proc = _build(edition_copy)
    assert proc.returncode == 0, proc.stderr[-4000:]
    page = (edition_copy / "_build" / "html" / "tei" / "onthisday.html").read_text(encoding="utf-8")
    assert "FAULT-TEST" in page
    releases = [p for p in (edition_copy / "_build" / "releases").iterdir() if p.is_dir() and not p.name.startswith(".")]
    assert len(releases) == 1, "older releases are cleaned up"


def test_two_builds_at_once_do_not_corrupt_each_other(edition_copy: Path):
    env = _env(edition_copy)
    # --force: the copy is up to date, and the lock is what is tested
    args = [sys.executable, "-m", "edition.cli", "build", "-q", "--force"]
    first = subprocess.Popen(args, cwd=edition_copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(args, cwd=edition_copy, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out1, err1 = first.communicate(timeout=900)
    out2, err2 = second.communicate(timeout=900)
    assert first.returncode == 0, err1[-3000:]
    assert second.returncode == 0, err2[-3000:]
    assert "waiting for it to finish" in err1 + err2, "the second build did not wait for the lock"
    site = (edition_copy / "_build" / "html").resolve()
    assert (site / "index.html").exists() and (site / "tei" / "dikova.html").exists()
    assert not (site / publish.COMPLETE_MARKER).exists()


def _plain(output: str) -> str:
    """Sphinx's output without its colour codes."""
    return re.sub(r"\x1b\[[0-9;]*m", "", output)


def test_environment_of_another_extension_version_is_rebuilt(edition_copy: Path):
    """A pickled environment recorded with another ``env_version`` is never trusted."""
    from edition.sphinxext import ENV_VERSION

    pickled = edition_copy / "_build" / ".staging" / "doctrees-html" / "environment.pickle"
    assert pickled.exists()
    # --force: Sphinx runs although no input changed (the pickle is not an input)
    unchanged = _build(edition_copy, quiet=False, force=True)
    assert unchanged.returncode == 0, unchanged.stderr[-3000:]
    assert re.search(r"\b0 added, 0 changed, 0 removed", _plain(unchanged.stdout)), unchanged.stdout[-3000:]

    with pickled.open("rb") as handle:
        env = pickle.load(handle)
    assert env.version["edition.sphinxext"] == ENV_VERSION
    env.version = {**env.version, "edition.sphinxext": ENV_VERSION - 1}
    with pickled.open("wb") as handle:
        pickle.dump(env, handle, pickle.HIGHEST_PROTOCOL)

    rebuilt = _build(edition_copy, quiet=False, force=True)
    assert rebuilt.returncode == 0, rebuilt.stderr[-3000:]
    assert "build environment version not current" in _plain(rebuilt.stdout)
    # Everything is read afresh ("added"); hooks may also list documents as changed.
    added = re.search(r"(\d+) added, \d+ changed, 0 removed", _plain(rebuilt.stdout))
    tei_docs = len(list((edition_copy / "_build" / "html" / "tei").glob("*.html")))
    assert added and int(added.group(1)) >= tei_docs >= 5, rebuilt.stdout[-3000:]


# --- Disk full, output unwritable ------------------------------------------------------------

def _staging(tmp_path: Path) -> Path:
    staging = tmp_path / "_build" / ".staging" / "html"
    staging.mkdir(parents=True)
    (staging / "index.html").write_text("<p>new</p>", encoding="utf-8")
    return staging


def _published(tmp_path: Path) -> Path:
    old = _staging(tmp_path / "old")
    (old / "index.html").write_text("<p>old</p>", encoding="utf-8")
    public = tmp_path / "_build" / "html"
    publish.release(old, public)
    return public


def test_full_disk_while_publishing_is_a_clear_error(tmp_path: Path, monkeypatch):
    public = _published(tmp_path)
    before = site_digest(public)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(args[1]))

    # A release copies the files that changed and links the others: both can fail.
    monkeypatch.setattr(shutil, "copy2", full)
    monkeypatch.setattr(os, "link", full)
    with pytest.raises(publish.PublishError, match="the disk is full; the previous output is unchanged"):
        publish.release(_staging(tmp_path / "new"), public)
    assert site_digest(public) == before


def test_full_disk_while_switching_the_link(tmp_path: Path, monkeypatch):
    public = _published(tmp_path)
    before = site_digest(public)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "symlink", full)
    with pytest.raises(publish.PublishError, match="disk is full"):
        publish.release(_staging(tmp_path / "new"), public)
    assert site_digest(public) == before


def test_output_directory_that_cannot_be_created(tmp_path: Path):
    """A file where the build directory should be: a clear error, not a traceback."""
    blocker = tmp_path / "_build"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(publish.PublishError, match="cannot create the output directory"):
        with publish.build_lock(blocker / "sub"):
            pass


def test_cli_build_into_unwritable_place(tmp_path: Path):
    root = copy_edition(tmp_path / "edition")
    (root / "_build").write_text("a file where the output directory should be", encoding="utf-8")
    proc = run_edition("build", "-q", root=root)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "_build" in proc.stderr and "cannot create the output directory" in proc.stderr, proc.stderr[-2000:]
