"""``edition package``: the edition as a BagIt bag (RFC 8493) for libraries and archives.

The bag (``_build/bag/``) holds, under ``data/``::

    html/          the published site (``_build/html``, the release it points at)
    epub/          ``_build/epub/*.epub``, if built
    pdf/           ``_build/latex/*.pdf``, if built
    tei/           documents, registers, ``anchors.tsv``, ``ENCODING.md``,
                   ``corpus.xml`` (generated: a teiCorpus that xi:includes them all),
                   ``schema/`` and ``sources/`` (the source texts the fidelity rule checks against)
    xslt/          the stylesheets

and as tag files, besides ``bagit.txt``, ``bag-info.txt`` and the SHA-512
manifests: ``dc.xml``, ``datacite.xml`` and ``mets.xml``, made from the
teiHeaders by the XSLT 3.0 modules in ``xslt/metadata/``, and ``PROVENANCE``.

The package is reproducible: every date in it is ``SOURCE_DATE_EPOCH``
(:mod:`edition.provenance`), every list is sorted, nothing names the machine or
the directory it was made in, and every file's mtime is set to that date. It is
made in a temporary directory beside the target and swapped in only when
complete, so a failed run leaves the previous bag as it was.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import quoteattr

import bagit
from lxml import etree

from edition.documents import ROOT, TEI_DIR, XSLT_DIR, edition_files
from edition.provenance import iso_date, provenance_record, source_date_epoch
from edition.publish import COMPLETE_MARKER, PublishError, build_lock

TEI_NS = "http://www.tei-c.org/ns/1.0"
BUILD_COMMAND = "edition package"
#: The generated teiCorpus, under data/tei/.
CORPUS = "corpus.xml"
#: The stylesheets that make the package's metadata.
METADATA_XSLT = XSLT_DIR / "metadata"
#: Tag files made by XSLT: file name -> stylesheet.
METADATA_FILES: tuple[tuple[str, str], ...] = (("dc.xml", "dc.xsl"), ("datacite.xml", "datacite.xsl"), ("mets.xml", "mets.xsl"))
#: Build machinery that is not part of any output (Sphinx's caches, our markers).
IGNORED = shutil.ignore_patterns(".*", "__pycache__", COMPLETE_MARKER, "*.pyc")


class PackageError(Exception):
    """The package could not be made; the message says why. The previous bag is unchanged."""


@dataclass
class Payload:
    """What goes into ``data/``: (source, destination under data/, kind) and what was missing."""

    copies: list[tuple[Path, str, str]] = field(default_factory=list)
    members: list[str] = field(default_factory=list)  #: TEI files (names under tei/) the corpus includes
    notes: list[str] = field(default_factory=list)  #: for PROVENANCE: what is missing or left out

    def add(self, source: Path, dest: str, kind: str) -> None:
        self.copies.append((source, dest, kind))


def _is_tei(path: Path) -> bool:
    """Whether a file's root element is ``tei:TEI`` (only those can be corpus members)."""
    from edition.xmlsafe import parse_file

    return parse_file(path).getroot().tag == f"{{{TEI_NS}}}TEI"


def plan_payload(build_dir: Path) -> Payload:
    """Decide what the bag's payload holds; raise :class:`PackageError` without a site."""
    html = build_dir / "html"
    if not (html / "index.html").is_file():
        raise PackageError(f"{html}: no built site to package; run 'edition build' first")
    payload = Payload()
    payload.add(html.resolve(), "html", "site")

    epubs = sorted((build_dir / "epub").glob("*.epub"))
    for epub in epubs:
        payload.add(epub, f"epub/{epub.name}", "epub")
    if not epubs:
        payload.notes.append("no EPUB: _build/epub/*.epub was not built")
    pdfs = sorted((build_dir / "latex").glob("*.pdf"))
    for pdf in pdfs:
        payload.add(pdf, f"pdf/{pdf.name}", "pdf")
    if not pdfs:
        payload.notes.append("no PDF: _build/latex/*.pdf was not built")

    for path in edition_files():
        if path.name == CORPUS:
            payload.notes.append(f"tei/{CORPUS} of the sources is left out: the package generates its own")
            continue
        payload.add(path, f"tei/{path.name}", "tei")
        if _is_tei(path):
            payload.members.append(path.name)
        else:
            payload.notes.append(f"tei/{path.name} is not in tei/{CORPUS}: its root is not TEI")
    for name in ("anchors.tsv", "ENCODING.md"):
        if (TEI_DIR / name).is_file():
            payload.add(TEI_DIR / name, f"tei/{name}", "tei")
    for sub in ("schema", "sources"):
        if (TEI_DIR / sub).is_dir():
            payload.add(TEI_DIR / sub, f"tei/{sub}", sub)
    payload.add(XSLT_DIR, "xslt", "xslt")
    if not payload.members:
        raise PackageError(f"{TEI_DIR}: no TEI document to package")
    return payload


def copy_payload(payload: Payload, data: Path) -> None:
    """Copy the payload into ``data`` (symbolic links followed, build machinery left out)."""
    for source, dest, _kind in payload.copies:
        target = data / dest
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=IGNORED, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, target)


def kind_of(path: str, payload: Payload) -> str:
    """The kind (METS fileGrp USE) of a payload path such as ``data/tei/schema/x.rng``."""
    best = ("", "tei")
    for _source, dest, kind in payload.copies:
        prefix = f"data/{dest}"
        if (path == prefix or path.startswith(prefix + "/")) and len(prefix) > len(best[0]):
            best = (prefix, kind)
    return best[1]


def read_manifest(bag_dir: Path) -> list[tuple[str, str]]:
    """(path, sha512) pairs of the payload manifest, in its order."""
    entries = []
    for line in (bag_dir / "manifest-sha512.txt").read_text(encoding="utf-8").splitlines():
        digest, _, path = line.partition("  ")
        # RFC 8493 §2.1.3: CR, LF and % are percent-encoded in manifests
        path = path.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
        entries.append((path, digest))
    return entries


def inventory_xml(bag_dir: Path, payload: Payload) -> str:
    """The payload inventory the metadata stylesheets read: path, kind, size and SHA-512 of each file."""
    rows = [
        f"  <file path={quoteattr(path)} use={quoteattr(kind_of(path, payload))} "
        f"size=\"{(bag_dir / path).stat().st_size}\" sha512=\"{digest}\"/>"
        for path, digest in read_manifest(bag_dir)
    ]
    return "<inventory>\n" + "\n".join(rows) + "\n</inventory>\n"


class Stylesheets:
    """The metadata stylesheets, compiled with one Saxon processor."""

    def __init__(self, xslt_dir: Path) -> None:
        from saxonche import PySaxonProcessor

        self.dir = xslt_dir
        self.proc = PySaxonProcessor(license=False)
        self.compiler = self.proc.new_xslt30_processor()

    def run(self, name: str, out: Path, *, context: Path | None = None, **params: object) -> None:
        """Run ``name`` (on ``context``, or from its initial template) into ``out``."""
        from saxonche import PySaxonApiError

        try:
            exe = self.compiler.compile_stylesheet(stylesheet_file=str(self.dir / name))
            for key, value in params.items():
                exe.set_parameter(key, self._value(value))
            if context is None:
                exe.call_template_returning_file(None, output_file=str(out))
            else:
                exe.transform_to_file(source_file=str(context), output_file=str(out))
        except PySaxonApiError as exc:
            raise PackageError(f"{self.dir / name}: {exc}") from None
        if not out.is_file():
            raise PackageError(f"{self.dir / name}: wrote no {out.name}")

    def _value(self, value: object):  # noqa: ANN202 - a saxonche XdmValue
        if isinstance(value, bool):
            return self.proc.make_boolean_value(value)
        if isinstance(value, int):
            return self.proc.make_integer_value(value)
        if isinstance(value, etree._Element):
            return self.proc.parse_xml(xml_text=etree.tostring(value, encoding="unicode"))
        return self.proc.make_string_value(str(value))


def write_headers(members: Sequence[Path], target: Path) -> None:
    """Write into ``target``, for each TEI file of ``members``, a file of the same name holding
    its ``TEI`` element with nothing but its ``teiHeader``.

    The corpus stylesheet reads only the members' headers. Given the whole files, Saxon
    holds every member's tree until it ends (about 270 MB more at 100x, measured) and
    takes five times as long; a header is read here without parsing the text after it.
    """
    from edition.xmlsafe import XMLInputError

    header = f"{{{TEI_NS}}}teiHeader"
    for path in members:
        root = wrapper = None
        try:
            for event, element in etree.iterparse(str(path), events=("start", "end"), resolve_entities=False,
                                                  no_network=True, load_dtd=False, huge_tree=True):
                if root is None:  # the first event: the root starts; the copy keeps its prefixes
                    root, wrapper = element, etree.Element(f"{{{TEI_NS}}}TEI", nsmap=element.nsmap)
                elif event == "end" and element.tag == header and element.getparent() is root:
                    wrapper.append(element)
                    break
        except etree.XMLSyntaxError as exc:
            line, column = exc.position if exc.position else (0, 0)
            raise XMLInputError(path, line, column, "xml-wellformed", exc.msg) from None
        (target / path.name).write_bytes(etree.tostring(wrapper))


def write_corpus(xslt: Stylesheets, members: Sequence[Path], out: Path, epoch: int) -> None:
    """Write to ``out`` the ``teiCorpus`` that xi:includes ``members`` (TEI files in one
    directory, by name, in this order), made by ``corpus.xsl`` from their headers."""
    from edition import __version__

    with tempfile.TemporaryDirectory() as tmp:
        headers = Path(tmp)
        write_headers(members, headers)
        xslt.run("corpus.xsl", out, members=" ".join(p.name for p in members),
                 base=headers.resolve().as_uri() + "/", epoch=epoch, version=__version__)


def bag_info(dc_path: Path, epoch: int, version: str) -> dict[str, str | list[str]]:
    """bag-info.txt, from the Dublin Core record (itself made from the teiHeaders)."""
    dc = etree.parse(str(dc_path))
    ns = {"dc": "http://purl.org/dc/elements/1.1/"}

    def values(name: str) -> list[str]:
        return [v.text or "" for v in dc.iterfind(f"dc:{name}", ns)]

    rights = values("rights")
    return {
        "Source-Organization": values("publisher")[0],
        "External-Identifier": values("identifier")[0],
        "External-Description": " ".join([values("title")[0] + "."] + values("description")),
        "Version": version,
        "Bagging-Date": iso_date(epoch),
        "License": rights[0] if rights else "",
        "Rights": rights[1:] or rights,
    }


def normalise_tagmanifest(bag_dir: Path) -> None:
    """Sort the tag manifest by file name: bagit writes it in directory order, which varies."""
    path = bag_dir / "tagmanifest-sha512.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("".join(f"{line}\n" for line in sorted(lines, key=lambda s: s.split(" ", 1)[1])), encoding="utf-8")


def set_mtimes(top: Path, epoch: int) -> None:
    """Give every file and directory in ``top`` the build date as mtime (for archivers)."""
    for dirpath, dirnames, filenames in os.walk(top):
        for name in filenames + dirnames:
            os.utime(Path(dirpath) / name, (epoch, epoch), follow_symlinks=False)
    os.utime(top, (epoch, epoch))


def make_bag(staging: Path, build_dir: Path, epoch: int) -> None:
    """Make the complete bag in ``staging`` (an empty directory)."""
    from edition import __version__

    payload = plan_payload(build_dir)
    copy_payload(payload, staging)
    xslt = Stylesheets(METADATA_XSLT)
    tei = staging / "tei"
    write_corpus(xslt, [tei / name for name in payload.members], tei / CORPUS, epoch)
    payload.add(tei / CORPUS, f"tei/{CORPUS}", "tei")
    # bagit moves everything into data/ and writes the payload manifest; the
    # date is given, else it would write today's.
    bagit.make_bag(str(staging), {"Bagging-Date": iso_date(epoch)}, processes=1, checksums=["sha512"])
    # RFC 8493 is BagIt 1.0; bagit-python still writes 0.97 by default.
    (staging / "bagit.txt").write_text("BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8")

    inventory = etree.fromstring(inventory_xml(staging, payload).encode())
    corpus = staging / "data" / "tei" / CORPUS
    for filename, stylesheet in METADATA_FILES:
        xslt.run(stylesheet, staging / filename, context=corpus, inventory=inventory, epoch=epoch, version=__version__)
    (staging / "PROVENANCE").write_text(
        provenance_record(root=ROOT, command=BUILD_COMMAND, epoch=epoch, notes=payload.notes), encoding="utf-8"
    )
    bag = bagit.Bag(str(staging))
    bag.info.update(bag_info(staging / "dc.xml", epoch, __version__))
    bag.save(processes=1)
    normalise_tagmanifest(staging)
    set_mtimes(staging, epoch)


def _swap(staging: Path, out: Path) -> None:
    """Put ``staging`` in the place of ``out``; the old bag is removed only once the new one is there."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        os.rename(out, old)
    try:
        os.rename(staging, out)
    except OSError:
        if old.exists():
            os.rename(old, out)
        raise
    if old.exists():
        shutil.rmtree(old)


def package(build_dir: Path, out: Path | None = None) -> Path:
    """Package ``build_dir``'s outputs and the edition's TEI, schema and XSLT as a bag at ``out``.

    ``out`` defaults to ``build_dir / "bag"``. Returns ``out``. Raises
    :class:`PackageError` (with the previous bag untouched) when there is no
    site, when the headers disagree, or when anything fails on the way.
    """
    build_dir = Path(build_dir).absolute()
    out = Path(out).absolute() if out is not None else build_dir / "bag"
    plan_payload(build_dir)  # fail early, before taking the lock
    epoch = source_date_epoch(ROOT)
    try:
        with build_lock(build_dir):
            if out.exists() and not (out / "bagit.txt").is_file():
                raise PackageError(f"{out}: exists and is not a bag; not replacing it")
            out.parent.mkdir(parents=True, exist_ok=True)
            # leftovers of a run that was killed (we hold the lock: no other run is using them):
            # a bag moved aside but not replaced goes back; half-made bags go
            for old in sorted(out.parent.glob(f".{out.name}.old-*")):
                if out.exists():
                    shutil.rmtree(old, ignore_errors=True)
                else:
                    os.rename(old, out)
            for stale in out.parent.glob(f".{out.name}.tmp-*"):
                shutil.rmtree(stale, ignore_errors=True)
            staging = out.parent / f".{out.name}.tmp-{os.getpid()}"
            staging.mkdir()
            try:
                make_bag(staging, build_dir, epoch)
                _swap(staging, out)
            except PackageError as exc:
                raise PackageError(f"{exc}\nedition package: failed; {out} is unchanged") from None
            except (OSError, bagit.BagError) as exc:
                raise PackageError(f"{out}: packaging failed ({exc}); {out} is unchanged") from None
            finally:
                if staging.exists():
                    shutil.rmtree(staging, ignore_errors=True)
    except PublishError as exc:
        raise PackageError(str(exc)) from None
    return out


def summarise(bag_dir: Path) -> str:
    """One line: number of payload files and bytes, and the tag files."""
    oxum = bagit.Bag(str(bag_dir)).info.get("Payload-Oxum", "0.0")
    size, _, count = str(oxum).partition(".")
    tags = sorted(p.name for p in bag_dir.iterdir() if p.is_file())
    return f"{bag_dir}: {count} payload files, {size} bytes; tag files: {', '.join(tags)}"


def main(argv: Sequence[str] | None = None) -> int:
    """``edition package [--build-dir _build] [--out _build/bag]``; exit 1 with a message on failure."""
    parser = argparse.ArgumentParser(prog="edition package", description=__doc__.splitlines()[0])
    parser.add_argument("--build-dir", type=Path, default=ROOT / "_build")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    return run(args.build_dir, args.out)


def run(build_dir: Path, out: Path | None = None) -> int:
    """Package and report on stdout/stderr; the exit status for the CLI."""
    from edition.provenance import ProvenanceError
    from edition.xmlsafe import XMLInputError

    try:
        bag_dir = package(build_dir, out)
    except (PackageError, XMLInputError, ProvenanceError) as exc:
        print(f"edition package: {exc}", file=sys.stderr)
        return 1
    print(summarise(bag_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
