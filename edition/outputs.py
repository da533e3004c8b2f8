"""The steps after Sphinx that make and check the library formats: EPUB check, PDF typesetting.

``edition build`` runs Sphinx into a staging directory; for two formats the
output is not finished there:

* ``epub``: the EPUB must pass ``epubcheck`` (Debian ``epubcheck``) with no
  error, else it is not published;
* ``latex`` (also called ``pdf``): the LaTeX sources are typeset by XeLaTeX
  through ``latexmk`` (Debian ``texlive-xetex``, ``latexmk``); a LaTeX error, or
  a character missing from the fonts, stops the release. The auxiliary files
  (which name the build directory) are removed afterwards, so that only
  reproducible files are published.

A tool that is not installed is reported by :func:`missing_tools` before
anything is built, naming the Debian package that provides it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

#: ``edition build all`` builds these, in this order.
ALL_FORMATS: tuple[str, ...] = ("html", "epub", "latex")
#: Other names a user may give a format (``edition build pdf``).
ALIASES: dict[str, str] = {"pdf": "latex", "epub3": "epub"}

#: Seconds a tool may run before the build gives up on it.
TIMEOUT = 900


@dataclass(frozen=True)
class Tool:
    """An external command and the Debian package that installs it."""

    command: str
    package: str


EPUBCHECK = Tool("epubcheck", "epubcheck")
JAVA = Tool("java", "default-jre-headless")
XELATEX = Tool("xelatex", "texlive-xetex")
LATEXMK = Tool("latexmk", "latexmk")
#: The tools each format needs after Sphinx.
TOOLS: dict[str, tuple[Tool, ...]] = {"epub": (EPUBCHECK, JAVA), "latex": (XELATEX, LATEXMK)}

#: What xelatex writes to its log when a font lacks a character.
MISSING_CHARACTER = re.compile(r"^Missing character: There is no (.+?) in font (.+?)!$", re.M)
#: What latexmk leaves beside the PDF that is not an output (and names the build's directory).
AUXILIARY = (".aux", ".fdb_latexmk", ".fls", ".log", ".out", ".toc", ".xdv", ".ilg", ".ind", ".idx", ".synctex.gz")


def canonical(fmt: str) -> str:
    """The Sphinx builder (and output directory) of a format name."""
    return ALIASES.get(fmt, fmt)


def expand(formats: Sequence[str]) -> list[str]:
    """Format names as the user gave them → builders, ``all`` expanded, duplicates dropped."""
    result: list[str] = []
    for fmt in formats:
        for name in ALL_FORMATS if fmt == "all" else (canonical(fmt),):
            if name not in result:
                result.append(name)
    return result


def missing_tools(builder: str) -> list[str]:
    """One message per tool that ``builder`` needs and that is not on PATH."""
    return [
        f"{tool.command} is not installed: install the Debian package {tool.package} "
        f"(apt-get install {tool.package}, or 'make test-deps'); the {builder} output was not built"
        for tool in TOOLS.get(builder, ())
        if shutil.which(tool.command) is None
    ]


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT,
                          errors="replace", check=False)


def epubcheck_command(epub: Path) -> list[str]:
    """How to run epubcheck: Debian installs it as an executable jar, which needs binfmt support;
    run it with ``java -jar`` so that it works where that is missing (containers)."""
    program = shutil.which(EPUBCHECK.command) or EPUBCHECK.command
    with open(program, "rb") as handle:
        is_jar = handle.read(2) == b"PK"
    return [shutil.which(JAVA.command) or JAVA.command, "-jar", program, str(epub)] if is_jar else [program, str(epub)]


def check_epub(outdir: Path) -> list[str]:
    """Run epubcheck on the EPUB in ``outdir``; the errors (empty when it passes)."""
    epubs = sorted(outdir.glob("*.epub"))
    if not epubs:
        return [f"{outdir}: Sphinx wrote no .epub"]
    problems = []
    for epub in epubs:
        proc = _run(epubcheck_command(epub), outdir)
        if proc.returncode != 0:
            lines = [line for line in (proc.stdout + proc.stderr).splitlines()
                     if line.startswith(("ERROR", "FATAL", "Messages:"))]
            problems += [f"epubcheck: {epub.name}: {line}" for line in lines[:50]] or [
                f"epubcheck: {epub.name}: failed with status {proc.returncode}"]
    return problems


def make_pdf(outdir: Path) -> list[str]:
    """Typeset the LaTeX sources in ``outdir`` with XeLaTeX; the problems (empty on success)."""
    sources = sorted(p for p in outdir.glob("*.tex") if p.name != "sphinxmessages.tex")
    if not sources:
        return [f"{outdir}: Sphinx wrote no .tex"]
    env = dict(os.environ)
    # xetex and xdvipdfmx take \today, the PDF dates and the creation time from here.
    env["FORCE_SOURCE_DATE"] = "1"
    env.setdefault("SOURCE_DATE_EPOCH", "0")
    problems = []
    for tex in sources:
        proc = _run(["latexmk", "-xelatex", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
                     tex.name], outdir, env)
        log = tex.with_suffix(".log")
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else proc.stdout
        if proc.returncode != 0 or not tex.with_suffix(".pdf").is_file():
            errors = [line for line in text.splitlines() if line.startswith("!") or ":" in line and " error" in line.lower()]
            problems += [f"xelatex: {tex.name}: {line}" for line in errors[:20]] or [
                f"xelatex: {tex.name}: latexmk failed with status {proc.returncode}; see {log}"]
            continue
        missing = sorted(set(MISSING_CHARACTER.findall(text)))
        problems += [f"xelatex: {tex.name}: the font {font} has no {char}" for char, font in missing]
        clean_auxiliary(outdir, tex.stem)
    return problems


def clean_auxiliary(outdir: Path, stem: str) -> None:
    """Remove latexmk's and xelatex's working files of ``stem``."""
    for suffix in AUXILIARY:
        path = outdir / f"{stem}{suffix}"
        if path.exists():
            path.unlink()


#: The step after Sphinx, per builder.
FINISH = {"epub": check_epub, "latex": make_pdf}


def finish(builder: str, outdir: Path) -> list[str]:
    """Complete and check ``builder``'s output in ``outdir``; the problems that forbid publishing it."""
    step = FINISH.get(builder)
    return step(outdir) if step else []
