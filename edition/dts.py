"""A static Distributed Text Services (DTS 1.0, Level 0) API for the edition.

Level 0 allows an API made of static files. Every response is a file; the URI
templates of the entry point say how a client builds each file's URL from the
DTS parameters (RFC 6570; ``{/ref}`` is absent or ``/`` + the percent-encoded
reference)::

    api/dts/index.json                              entry point
    api/dts/collection.json                         the edition (a Collection)
    api/dts/collection/{resource}.json              one document (a Resource)
    api/dts/navigation/{resource}.json              its whole citation tree (down=-1)
    api/dts/navigation/{resource}/{ref}.json        one unit and its children (ref=…&down=1)
    api/dts/document/{resource}.xml                 the whole TEI document
    api/dts/document/{resource}/{ref}.xml           one unit, in TEI/dts:wrapper

Resources are identified by their document key (``dikova``), citable units by
their canonical reference (``dikova:4.3.12``). The reference is the file name:
it contains ``:``, which POSIX file systems and web servers accept (a server
decodes ``%3A`` before looking the file up).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from edition import __version__
from edition.citation import DEFAULT_BASE_URL, DocumentMetadata, document_metadata, unit_url
from edition.citeref import NS, TEI, CitableUnit, citable_units, citation_tree
from edition.filenames import output_path
from edition.xmlsafe import parse_file

DTS_CONTEXT = "https://dtsapi.org/context/v1.0.json"
DTS_VERSION = "1.0"
DTS_NS = "https://w3id.org/dts/api#"
COLLECTION_ID = "kirov-edition"
API_DIR = "api/dts"


@dataclass
class ApiReport:
    """What :func:`write_api` wrote."""

    units: dict[str, int] = field(default_factory=dict)  #: citable units per document
    files: list[Path] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(p.stat().st_size for p in self.files)


@dataclass(frozen=True)
class Templates:
    """The URI templates of the static API under ``root`` (an absolute URL ending in ``/``)."""

    root: str

    @property
    def collection(self) -> str:
        return f"{self.root}collection{{/id}}.json"

    @property
    def navigation(self) -> str:
        return f"{self.root}navigation/{{resource}}{{/ref}}.json"

    @property
    def document(self) -> str:
        return f"{self.root}document/{{resource}}{{/ref}}.xml"

    def for_resource(self, key: str) -> dict[str, str]:
        """The templates of one resource, its identifier filled in."""
        return {
            "collection": f"{self.root}collection/{key}.json",
            "navigation": f"{self.root}navigation/{key}{{/ref}}.json",
            "document": f"{self.root}document/{key}{{/ref}}.xml",
        }


def entry_point(t: Templates) -> dict[str, Any]:
    """The entry point (``index.json``)."""
    return {
        "@context": DTS_CONTEXT,
        "@id": f"{t.root}index.json",
        "@type": "EntryPoint",
        "dtsVersion": DTS_VERSION,
        "collection": t.collection,
        "navigation": t.navigation,
        "document": t.document,
    }


def _names(names: tuple[dict[str, str], ...]) -> list[str]:
    return [n.get("literal") or ", ".join(p for p in (n.get("family", ""), n.get("given", "")) if p) for n in names]


def resource(meta: DocumentMetadata, tree: etree._ElementTree, t: Templates, *, full: bool) -> dict[str, Any]:
    """A document as a DTS ``Resource`` (``full`` adds ``@context`` and ``dtsVersion`` for a top-level response)."""
    dc: dict[str, Any] = {"title": [{"lang": meta.language or "en", "value": meta.title}], "publisher": [meta.publisher]}
    if meta.authors:
        dc["creator"] = _names(meta.authors)
    if meta.editors:
        dc["contributor"] = _names(meta.editors)
    if meta.licence:
        dc["license"] = [meta.licence]
    if meta.issued:
        dc["date"] = meta.issued
    if meta.language:
        dc["language"] = [meta.language]
    obj: dict[str, Any] = {
        "@id": meta.key,
        "@type": "Resource",
        "title": meta.title,
        "totalParents": 1,
        "totalChildren": 0,
        **t.for_resource(meta.key),
        "citationTrees": [{"@type": "CitationTree", "citeStructure": citation_tree(tree)}],
        "mediaTypes": ["application/tei+xml"],
        "download": f"{t.root}document/{meta.key}.xml",
        "dublinCore": dc,
    }
    if full:
        obj = {"@context": DTS_CONTEXT, "dtsVersion": DTS_VERSION, **obj}
    return obj


def collection(resources: list[dict[str, Any]], t: Templates, title: str) -> dict[str, Any]:
    """The edition as the root ``Collection`` with its documents as members."""
    return {
        "@context": DTS_CONTEXT,
        "@id": COLLECTION_ID,
        "@type": "Collection",
        "dtsVersion": DTS_VERSION,
        "title": title,
        "totalParents": 0,
        "totalChildren": len(resources),
        "collection": t.collection,
        "member": resources,
    }


def _title(unit: CitableUnit) -> str:
    head = unit.element.find("tei:head", NS)
    return " ".join("".join(head.itertext()).split()) if head is not None else ""


def citable_unit(unit: CitableUnit, base_url: str) -> dict[str, Any]:
    """One ``CitableUnit`` of a navigation response."""
    obj: dict[str, Any] = {
        "identifier": unit.ref,
        "@type": "CitableUnit",
        "level": unit.level,
        "parent": unit.parent,
        "citeType": unit.unit,
        "@id": unit_url(base_url, unit),
    }
    title = _title(unit)
    if title:
        obj["dublinCore"] = {"title": [{"lang": "en", "value": title}]}
    return obj


def navigation(
    meta: DocumentMetadata, tree: etree._ElementTree, units: list[CitableUnit], t: Templates, base_url: str, ref: CitableUnit | None
) -> dict[str, Any]:
    """Navigation of a resource: the whole tree (``ref`` None, down=-1) or ``ref`` and its children (down=1)."""
    key = meta.key
    if ref is None:
        at = f"{t.root}navigation/{key}.json"
        members = units
    else:
        at = f"{t.root}navigation/{key}/{ref.ref}.json"
        members = [u for u in units if u.parent == ref.ref]
    obj: dict[str, Any] = {
        "@context": DTS_CONTEXT,
        "@id": at,
        "@type": "Navigation",
        "dtsVersion": DTS_VERSION,
        "resource": resource(meta, tree, t, full=False),
    }
    if ref is not None:
        obj["ref"] = citable_unit(ref, base_url)
    obj["member"] = [citable_unit(u, base_url) for u in members]
    return obj


def passage(unit: CitableUnit) -> bytes:
    """The TEI of one unit, inside ``TEI/dts:wrapper`` as the Document endpoint specifies."""
    root = etree.Element(f"{{{TEI}}}TEI", nsmap={None: TEI})
    wrapper = etree.SubElement(root, f"{{{DTS_NS}}}wrapper", nsmap={"dts": DTS_NS})
    wrapper.set("ref", unit.element.getroottree().getpath(unit.element))
    piece = copy.deepcopy(unit.element)
    piece.tail = None
    wrapper.append(piece)
    etree.cleanup_namespaces(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") + b"\n"


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


@dataclass
class DocumentApi:
    """The part of the API that one document makes."""

    key: str
    units: int  #: its citable units
    member: dict[str, Any]  #: its entry in ``collection.json``
    files: dict[str, bytes] = field(default_factory=dict)  #: path relative to ``api/dts/`` → bytes


def document_api(path: Path, t: Templates, base_url: str) -> DocumentApi:
    """The files of one TEI document: its resource, navigation and passages."""
    tree = parse_file(path)
    meta = document_metadata(tree)
    units = citable_units(tree, meta.key)
    key = meta.key
    api = DocumentApi(key, len(units), resource(meta, tree, t, full=False))
    api.files[f"collection/{key}.json"] = _dump(resource(meta, tree, t, full=True)).encode()
    api.files[f"navigation/{key}.json"] = _dump(navigation(meta, tree, units, t, base_url, None)).encode()
    api.files[f"document/{key}.xml"] = Path(path).read_bytes()
    for unit in units:
        api.files[f"navigation/{key}/{unit.ref}.json"] = _dump(navigation(meta, tree, units, t, base_url, unit)).encode()
        api.files[f"document/{key}/{unit.ref}.xml"] = passage(unit)
    return api


def edition_files(members: list[dict[str, Any]], t: Templates, title: str) -> dict[str, bytes]:
    """The files of the whole edition: the root collection and the entry point."""
    return {
        "collection.json": _dump(collection(members, t, title)).encode(),
        "index.json": _dump(entry_point(t)).encode(),
    }


def templates(base_url: str) -> Templates:
    """The URI templates of the API of an edition at ``base_url``."""
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    return Templates(f"{base_url}{API_DIR}/")


def write_api(out_dir: Path, paths: list[Path], base_url: str = DEFAULT_BASE_URL, title: str = "The Kirov Edition") -> ApiReport:
    """Write the static DTS API for the TEI documents at ``paths`` into ``out_dir`` (…/api/dts)."""
    base_url = base_url if base_url.endswith("/") else base_url + "/"
    t = templates(base_url)
    report = ApiReport()

    def write(files: dict[str, bytes]) -> None:
        for rel, data in files.items():
            target = output_path(out_dir, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            report.files.append(target)

    members = []
    for path in paths:
        api = document_api(path, t, base_url)
        report.units[api.key] = api.units
        members.append(api.member)
        write(api.files)
    write(edition_files(members, t, title))
    return report


__all__ = ["ApiReport", "Templates", "write_api", "entry_point", "collection", "navigation", "passage", "__version__"]
