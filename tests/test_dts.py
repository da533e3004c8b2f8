"""The static DTS 1.0 API generated for the real edition."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import etree

from edition.citeref import XML_ID, citable_units
from edition.documents import DOCUMENTS, document_paths
from edition.dts import DTS_CONTEXT, DTS_NS, write_api
from edition.xmlsafe import parse_file

BASE = "https://kirov-edition.example.org/"
ROOT = f"{BASE}api/dts/"
TEI = "http://www.tei-c.org/ns/1.0"


@pytest.fixture(scope="module")
def api(tmp_path_factory) -> Path:
    paths = document_paths()
    if len(paths) < len(DOCUMENTS):
        pytest.skip("the five TEI documents are not all there yet")
    out = tmp_path_factory.mktemp("site") / "api" / "dts"
    report = write_api(out, paths, BASE)
    assert set(report.units) == {d.key for d in DOCUMENTS}
    return out


def load(api: Path, url: str) -> dict:
    """Read the file a URL of the API names (as a web server would, percent-decoded)."""
    assert url.startswith(ROOT), url
    return json.loads((api / unquote(url[len(ROOT) :])).read_text(encoding="utf-8"))


def expand(template: str, **values: str) -> str:
    """RFC 6570 expansion of the two forms the API uses: ``{name}`` and ``{/name}``."""
    from urllib.parse import quote

    for name, value in values.items():
        template = template.replace(f"{{/{name}}}", "/" + quote(value, safe="")).replace(f"{{{name}}}", quote(value, safe=""))
    for optional in ("{/ref}", "{/id}"):
        template = template.replace(optional, "")
    return template


def test_entry_point(api):
    entry = json.loads((api / "index.json").read_text(encoding="utf-8"))
    assert entry["@context"] == DTS_CONTEXT and entry["dtsVersion"] == "1.0" and entry["@type"] == "EntryPoint"
    for name in ("@id", "collection", "navigation", "document"):
        assert entry[name].startswith(ROOT), name
    root = load(api, expand(entry["collection"]))
    assert root["@type"] == "Collection" and root["dtsVersion"] == "1.0"
    assert root["totalParents"] == 0 and root["totalChildren"] == len(DOCUMENTS) == len(root["member"])
    assert [m["@id"] for m in root["member"]] == [d.key for d in DOCUMENTS]


def test_resources(api):
    entry = json.loads((api / "index.json").read_text(encoding="utf-8"))
    for doc in DOCUMENTS:
        res = load(api, expand(entry["collection"], id=doc.key))
        for name in ("@id", "@type", "dtsVersion", "title", "totalParents", "totalChildren", "collection", "navigation", "document", "citationTrees"):
            assert name in res, (doc.key, name)
        assert res["@type"] == "Resource" and res["title"]
        tree = res["citationTrees"][0]
        assert tree["@type"] == "CitationTree" and "identifier" not in tree
        assert all("citeType" in s for s in tree["citeStructure"])
        whole = api / unquote(expand(entry["document"], resource=doc.key)[len(ROOT) :])
        assert etree.parse(str(whole)).getroot().tag == f"{{{TEI}}}TEI"


def test_navigation_members_have_their_passage(api):
    entry = json.loads((api / "index.json").read_text(encoding="utf-8"))
    for doc in DOCUMENTS:
        nav = load(api, expand(entry["navigation"], resource=doc.key))
        assert nav["@type"] == "Navigation" and nav["dtsVersion"] == "1.0" and nav["resource"]["@id"] == doc.key
        units = {u.ref: u for u in citable_units(parse_file(doc.tei_path))}
        assert [m["identifier"] for m in nav["member"]] == list(units)
        for member in nav["member"]:
            assert member["@type"] == "CitableUnit" and member["level"] >= 1 and "parent" in member
            assert member["citeType"]
            assert (member["parent"] is None) == (member["level"] == 1)
            unit = units[member["identifier"]]
            url = expand(nav["resource"]["document"], ref=member["identifier"])
            root = etree.parse(str(api / unquote(url[len(ROOT) :]))).getroot()
            assert root.tag == f"{{{TEI}}}TEI"
            wrapper = root[0]
            assert wrapper.tag == f"{{{DTS_NS}}}wrapper"
            assert wrapper[0].get(XML_ID) == unit.xml_id
            assert wrapper[0].tag == unit.element.tag
            one = load(api, expand(nav["resource"]["navigation"], ref=member["identifier"]))
            assert one["ref"]["identifier"] == member["identifier"]
            assert all(m["parent"] == member["identifier"] for m in one["member"])
