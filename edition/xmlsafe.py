"""Safe XML parsing: no network, no external entities, no DTD loading.

Every stage of the pipeline parses TEI through this module, so that a hostile
file (XXE, entity bombs, external DTDs) is refused the same way everywhere.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from lxml import etree

from edition.projectfiles import UnreadableFile, read_regular


class XMLInputError(Exception):
    """A file that cannot be parsed; carries file, line, column and rule."""

    def __init__(self, path: Path | str, line: int, column: int, rule: str, message: str) -> None:
        super().__init__(f"{path}:{line}:{column}: [{rule}] {message}")
        self.path = str(path)
        self.line = line
        self.column = column
        self.rule = rule
        self.message = message


#: The most nodes (elements, comments, processing instructions) a file may have: every one
#: becomes several objects in Sphinx's doctree, about 2.5 KB in all (a million siblings took
#: 2.5 GB). The largest file of the edition has 5,000, of the corpora tested 30,000.
MAX_NODES = 200_000


def safe_parser(*, huge: bool = False) -> etree.XMLParser:
    """Return a parser that resolves nothing and reads nothing from outside."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=huge,
        remove_blank_text=False,
    )


def parse_file(path: Path | str) -> etree._ElementTree:
    """Parse a file safely, raising :class:`XMLInputError` with its position."""
    path = Path(path)
    try:
        data = read_regular(path)
    except UnreadableFile as exc:
        raise XMLInputError(path, 1, 1, exc.rule, exc.message) from None
    except OSError as exc:
        raise XMLInputError(path, 0, 0, "io", f"cannot read file: {exc.strerror}") from None
    if not data.strip():
        raise XMLInputError(path, 1, 1, "xml-empty", "the file is empty")
    try:
        root = etree.fromstring(data, safe_parser(), base_url=str(path.resolve()))
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (0, 0)
        raise XMLInputError(path, line, col, "xml-wellformed", exc.msg) from None
    tree = root.getroottree()
    check_doctype(tree, path)
    count = sum(1 for _ in root.iter())
    if count > MAX_NODES:
        raise XMLInputError(path, 1, 1, "xml-limit",
                            f"{count} elements, comments and instructions: more than the {MAX_NODES} a file may have "
                            "(a page of the site is built from each in memory); split the file")
    return tree


def check_doctype(tree: etree._ElementTree, path: Path | str) -> None:
    """Refuse entity declarations and external DTDs: TEI needs neither.

    The parser already resolves nothing; refusing the declarations as well
    turns a silent loss of text (an unexpanded entity) into a clear error.
    """
    info = tree.docinfo
    if info.system_url or info.public_id:
        raise XMLInputError(path, 1, 1, "xml-dtd", f"external DTD {info.system_url or info.public_id!r} is not allowed; remove the DOCTYPE")
    dtd = info.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise XMLInputError(path, 1, 1, "xml-entity", "entity declarations are not allowed; write the characters themselves")


_ROOT_START = re.compile(r"<(?![?!])")


def write_tree(path: Path, tree: etree._ElementTree) -> None:
    """Write ``tree`` back to ``path``, keeping the file's prolog byte for byte.

    lxml would rewrite the XML declaration and join the ``xml-model`` lines;
    editors' diffs should show only what a tool really changed.
    """
    original = path.read_text(encoding="utf-8")
    match = _ROOT_START.search(original)
    prolog = original[: match.start()] if match else ""
    path.write_text(prolog + etree.tostring(tree.getroot(), encoding="unicode") + "\n", encoding="utf-8")


# --- encodings -------------------------------------------------------------------------------

#: Byte order marks, longest first (UTF-32's little-endian mark begins with UTF-16's).
_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"), (codecs.BOM_UTF8, "UTF-8"),
         (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))
_DECLARED = re.compile(r"""^(<\?xml[^>]*?\sencoding\s*=\s*)(["'])[^"']*\2""")
_UTF8_NAMES = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})


def file_encoding(data: bytes, tree: etree._ElementTree) -> str:
    """The encoding the XML parser read ``data`` (parsed as ``tree``) in: its byte order
    mark's, else its declaration's (lxml's ``docinfo`` names the declared one, and UTF-8
    for a file with a byte order mark but no declaration)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    return tree.docinfo.encoding or "UTF-8"


def is_utf8(encoding: str) -> bool:
    return encoding.lower() in _UTF8_NAMES


def utf8_bytes(path: Path | str, data: bytes, tree: etree._ElementTree) -> bytes:
    """``data`` (the file at ``path``, parsed as ``tree``) in UTF-8, its declaration saying so:
    decoded in the encoding the parser read it in, so that the text and its lines are the same.
    Raises :class:`XMLInputError` (``encoding``) if Python cannot decode it so."""
    encoding = file_encoding(data, tree)
    if is_utf8(encoding):
        return data.removeprefix(codecs.BOM_UTF8)
    codec = {"UTF-16": "utf-16", "UTF-32": "utf-32"}.get(encoding, encoding)
    try:
        text = data.decode(codec)
    except (LookupError, UnicodeDecodeError) as exc:
        raise XMLInputError(path, 1, 1, "encoding", f"cannot read the file as {encoding}: {exc}") from None
    return _DECLARED.sub(r"\1\2UTF-8\2", text.lstrip("\ufeff"), count=1).encode("utf-8")
