"""What a build makes per document, kept between builds: the product store.

Sphinx reads and writes again only the documents that changed. The pages and files
the Sphinx extension adds (the two readings side by side, the citation files, the DTS
API, the synopsis) are made at ``html-collect-pages`` and ``build-finished``, where
Sphinx offers no such bookkeeping, and validation checks every file: without this
module each of them would be made again, for every document, in every build. Each of
them is a pure function of a few inputs (the TEI file, the stylesheets or schemas, the
registers, the code that makes it), so it is stored under a digest of those inputs (its
*key*) and made again only when the key changes.

A store is a directory (for the Sphinx extension, ``edition-products/`` in the doctree
directory): one file per kind of product and document, replaced atomically, each
holding the key it was made from. A build killed at any point leaves the old product
or the new one, never a mix; a clean build (no doctree directory) starts with an empty
store. Keys include the code that makes a product (:func:`code_version`: the whole
package and the installed libraries), so changed code never reuses what older code made.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

#: Directory of the store inside the doctree directory.
PRODUCTS_DIR = "edition-products"

#: Bump to drop every stored product (a change of the stored format).
STORE_VERSION = "2"

#: What reading a damaged, truncated or outdated store file can raise: no product, then.
_UNREADABLE = (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError, ImportError)

#: Longest file name made from a product's name; a longer name is shortened and hashed.
MAX_NAME = 160


def digest(*parts: object) -> str:
    """A key made of ``parts`` (strings, bytes or anything with a stable ``repr``)."""
    h = hashlib.sha256(STORE_VERSION.encode())
    for part in parts:
        data = part if isinstance(part, bytes) else (part if isinstance(part, str) else repr(part)).encode()
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


@lru_cache(maxsize=4096)
def _file_digest(path: str, stamp: tuple[int, int, int, int]) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def file_digest(path: Path | str) -> str:
    """SHA-256 of a file's bytes ("" for a missing file), read once per process and version
    of the file (its inode, size, mtime and ctime: a write changes the ctime)."""
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        return ""
    return _file_digest(str(path), (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns))


def inputs_digest(paths: Iterable[Path | str]) -> str:
    """One digest of the files a product read, by path and content (a missing file counts too)."""
    return digest(*(f"{p}:{file_digest(p)}" for p in paths))


def document_inputs(env: Any, docname: str, source: Path | str | None = None) -> str:
    """The digest of the files Sphinx read for ``docname``: its source (``source``, by default
    the document's file) and every dependency noted while reading it (``note_dependency``)."""
    paths = {str(source if source is not None else env.doc2path(docname))}
    paths.update(str(p) for p in env.dependencies.get(docname, ()))
    return inputs_digest(sorted(paths))


def stylesheet_digest(stylesheet: Path | None = None) -> str:
    """The digest of a stylesheet as Saxon compiles it: the driver and every module it reaches
    (:func:`edition.transform.stylesheet_closure`); by default the edition stylesheet."""
    from edition.transform import STYLESHEET, stylesheet_closure

    return inputs_digest(stylesheet_closure(stylesheet or STYLESHEET))


@lru_cache(maxsize=1)
def code_version() -> str:
    """The digest of the code that makes every product: each Python module of the ``edition``
    package (wherever it is installed) and the version of every installed distribution. Found,
    not listed: any change of the code remakes every product. (The package's static files are
    no code: Sphinx copies them, and the pages that link them follow their digests.)"""
    from edition.uptodate import libraries, project_files

    package = Path(__file__).resolve().parent
    return digest(sys.version, libraries(), *(f"{p.relative_to(package)}:{file_digest(p)}"
                                              for p in project_files(package) if p.suffix == ".py"))


def config_digest(app: Any) -> str:
    """The digest of the configuration values a page depends on (Sphinx's own rebuild categories).

    Made once per application (Sphinx hashes every configuration value: 5 ms), as the
    configuration does not change once the build has begun.
    """
    made: str | None = getattr(app, "_edition_config_digest", None)
    if made is None:
        from sphinx.builders.html._build_info import BuildInfo

        info = BuildInfo(app.config, app.builder.tags, frozenset({"env", "html"}))
        made = app._edition_config_digest = digest(info.config_hash, info.tags_hash)
    return made


class ProductStore:
    """Products by kind and name (a docname), each with the key it was made from.

    ``directory`` holds the store (``PRODUCTS_DIR`` in it); for the Sphinx extension,
    the doctree directory.
    """

    def __init__(self, directory: Path | str) -> None:
        self.root = Path(directory) / PRODUCTS_DIR

    def _path(self, kind: str, name: str) -> Path:
        stem = quote(name, safe="")
        if len(stem) > MAX_NAME:  # an absolute path, say: the file name must stay short
            stem = f"{stem[-MAX_NAME // 2:]}-{hashlib.sha256(name.encode()).hexdigest()[:16]}"
        return self.root / kind / (stem + ".pickle")

    def stored(self, kind: str, name: str) -> tuple[str, Any] | None:
        """``(key, product)`` as stored for ``name``, whatever its key; None if there is none."""
        return self._read(kind, name, None)

    def _read(self, kind: str, name: str, key: str | None) -> tuple[str, Any] | None:
        """``(key, product)`` if stored for ``name`` (with ``key``, unless it is None).

        A file holds two pickles, the key and then the product, so a product made from
        another key is never unpickled (at 100x the two readings' products are 280 MB).
        """
        try:
            with self._path(kind, name).open("rb") as handle:
                stored_key = pickle.load(handle)
                if not isinstance(stored_key, str) or key is not None and stored_key != key:
                    return None
                return stored_key, pickle.load(handle)
        except _UNREADABLE:
            return None

    def exists(self, kind: str, name: str, key: str) -> bool:
        """Is there a product for ``name`` made from ``key``? (Reads the key, not the product.)"""
        try:
            with self._path(kind, name).open("rb") as handle:
                return bool(pickle.load(handle) == key)
        except _UNREADABLE:
            return False

    def load(self, kind: str, name: str, key: str) -> Any | None:
        """The product stored for ``name`` if it was made from ``key``, else None."""
        found = self._read(kind, name, key)
        return found[1] if found is not None else None

    def save(self, kind: str, name: str, key: str, value: Any) -> None:
        """Store ``value`` under ``key``, replacing the file atomically.

        A store that cannot be written (a full disk, a file where its directory should
        be) stores nothing: the product is made again next time, and whatever else
        the build writes there reports the problem.
        """
        path = self._path(kind, name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(key, handle, pickle.HIGHEST_PROTOCOL)
                pickle.dump(value, handle, pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def names(self, kind: str) -> list[str]:
        """The names that have a stored product of ``kind`` (names up to ``MAX_NAME`` long)."""
        folder = self.root / kind
        if not folder.is_dir():
            return []
        return sorted(unquote(p.name.removesuffix(".pickle")) for p in folder.glob("*.pickle"))

    def forget(self, kind: str, name: str) -> None:
        self._path(kind, name).unlink(missing_ok=True)


def store(app: Any) -> ProductStore:
    """The store of the build that ``app`` (or an environment) runs."""
    return ProductStore(app.doctreedir)


# --- files written into the output ----------------------------------------------------------


def write_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` in the build's output as a new file: an old file of that
    name is unlinked first, never rewritten. A published release may share the old file
    (a hard link: :data:`edition.publish.SHARED_FOLDERS`), and it must not change."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    try:
        path.write_bytes(data)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def update_file(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` (:func:`write_file`) unless the file already holds exactly
    these bytes; True if it was written."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_file(path, data)
    return True


class FileSet:
    """Files of the output that one product owns: rewritten only when the product changed.

    ``sizes`` (path relative to the output → size) is what the product wrote last time.
    The files are trusted as long as each of them is still there: nothing else writes
    them but later passes over the whole output (the Content-Security-Policy of HTML
    pages), and an output directory whose build did not finish is deleted before the
    next build (:func:`edition.publish.prepare_staging`).
    """

    def __init__(self, outdir: Path) -> None:
        self.outdir = Path(outdir)

    def intact(self, sizes: dict[str, int]) -> bool:
        """Are all the files of a stored product still in the output?"""
        return all(os.path.isfile(self.outdir / rel) for rel in sizes)

    def write(self, files: dict[str, bytes], previous: dict[str, int] | None = None) -> dict[str, int]:
        """Write ``files`` (relative path → bytes) that differ from the output; remove the files
        only ``previous`` had. Returns the sizes to store with the product."""
        from edition.filenames import output_path  # refuses a path outside the output

        for rel, data in files.items():
            update_file(output_path(self.outdir, rel), data)
        for rel in set(previous or ()) - set(files):
            output_path(self.outdir, rel).unlink(missing_ok=True)
        return {rel: len(data) for rel, data in files.items()}
