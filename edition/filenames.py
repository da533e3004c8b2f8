"""Names of published files: which identifiers may become one, and where a file may be written.

Document keys and canonical references become file names (``cite/{key}.bib``,
``api/dts/navigation/{key}/{ref}.json`` …). A name is accepted only if it is a safe
slug (:func:`name_problem`): a checked character set and length, never ``/``, ``\\``,
``..``, a NUL byte or a name that Windows reserves. A document key must also not be
one of the edition's own files (:data:`EDITION_NAMES`). ``edition validate`` refuses
a document whose key or references break these rules (:mod:`edition.citeref`), so a
build never meets one; ``edition render`` leaves such a document's citation files out.

Whatever the name, a file is written into the output only through :func:`output_path`,
which refuses a path that would end up outside the output directory (``..``, an
absolute path, a symbolic link in the output that leads out of it).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

#: Longest name, in characters (a suffix such as ``.json`` is added; Linux allows 255 bytes).
MAX_NAME = 100

#: Letters and digits of any script, and ``.`` ``:`` ``-`` ``_`` inside; starts with a letter or digit.
_SLUG = re.compile(r"[^\W_][\w.:\-]*")

#: Device names Windows reserves, with or without an extension (an archive may be unpacked there).
_WINDOWS_RESERVED = re.compile(r"(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?", re.I)

#: Names the edition's own files take beside a document's files (``cite/index.html``, the
#: resolver; ``cite/refs.json``; ``api/dts/index.json``) or that Sphinx gives its pages and
#: folders (``search``, ``genindex`` …): a document key must not take one.
EDITION_NAMES = frozenset({
    "index", "refs", "search", "genindex", "searchindex", "objects", "py-modindex",
    "_static", "_sources", "_images", "_downloads", "_id",
})


class UnsafePath(ValueError):
    """A file name or output path that is refused."""


def name_problem(name: str, max_length: int = MAX_NAME) -> str | None:
    """Why ``name`` cannot be a file name of the edition; None if it can."""
    if not name:
        return "it is empty"
    if "\x00" in name or "/" in name or "\\" in name or ".." in name:
        return "it contains '/', '\\', '..' or a NUL byte"
    if len(name) > max_length:
        return f"it is {len(name)} characters long (at most {max_length})"
    if not _SLUG.fullmatch(name):
        bad = sorted({c for c in name if not (c.isalnum() or c in ".:-_")})
        shown = " ".join(repr(c) for c in bad[:5]) or "its first character"
        return f"it has characters other than letters, digits, '.', ':', '-' and '_' ({shown})"
    if _WINDOWS_RESERVED.fullmatch(name):
        return "it is a device name that Windows reserves"
    return None


def key_problem(key: str) -> str | None:
    """Why ``key`` cannot be a document key (a file name beside the edition's own); None if it can."""
    problem = name_problem(key)
    if problem is None and key.lower() in EDITION_NAMES:
        return f"it is the name of one of the edition's own files or folders ({', '.join(sorted(EDITION_NAMES))})"
    return problem


def output_path(outdir: Path | str, rel: str) -> Path:
    """``outdir / rel``, refused (:class:`UnsafePath`) unless it stays inside ``outdir``.

    ``rel`` must be relative, with no empty, ``.`` or ``..`` part and no NUL byte; the
    resolved path (symbolic links followed) must lie inside the resolved ``outdir``.
    """
    parts = rel.split("/")
    if (not rel or rel.startswith("/") or "\\" in rel or "\x00" in rel
            or any(p in ("", ".", "..") for p in parts)):
        raise UnsafePath(f"refused to write {rel!r}: not a plain path inside the output")
    base = os.path.realpath(outdir)
    target = os.path.realpath(os.path.join(base, *parts))
    if os.path.commonpath([base, target]) != base:
        raise UnsafePath(f"refused to write {rel!r}: it leads outside the output {outdir}")
    return Path(outdir, *parts)
