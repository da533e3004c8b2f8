"""Incremental builds: a rebuild redoes only what changed, and gives the bytes a clean build gives.

* publishing links the files that did not change to the previous release, links the
  changed files of the folders the build only replaces, copies the others, and never
  lets a file that the next build rewrites in place into a release (checked on a real
  rebuild: every file of the previous release still has the bytes its manifest records);
* the product store (:mod:`edition.products`) returns a product only for the key it was
  made from, and a validation run from its cache reports what a full run reports;
* after a one-word edit of one document the build remakes that document's products
  only, leaves the register pages alone, and publishes what a clean build publishes;
* a build whose inputs did not change (by content) does nothing (:mod:`edition.uptodate`);
* a reader process of a parallel build sends back the records of the documents it read,
  not the whole edition's (:class:`~edition.sphinxext.domain.DocumentRecords`);
* the register and entry pages' keys digest each record once, by part, so that an edit of
  one mention changes the digests of that mention's entry and register only.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import json
import multiprocessing
import os
import pickle
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import ARTIFACTS, EDITION_PARTS, REPO, copy_edition, run_edition
from edition import products, publish, uptodate
from edition.sphinxext.domain import DocumentRecords, group_of, record_digests

# --- publishing ----------------------------------------------------------------------------


def _staging(root: Path, files: dict[str, str]) -> Path:
    staging = root / "_build" / ".staging" / "html"
    for rel, text in files.items():
        path = staging / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return staging


def test_release_links_unchanged_files_and_copies_changed_ones(tmp_path: Path):
    staging = _staging(tmp_path, {"index.html": "same", "tei/a.html": "old", "_static/x.css": "css"})
    public = tmp_path / "_build" / "html"
    first = publish.release(staging, public)
    inode = {rel: (first / rel).stat().st_ino for rel in ("index.html", "tei/a.html", "_static/x.css")}

    (staging / "tei" / "a.html").write_text("changed", encoding="utf-8")
    (staging / "tei" / "b.html").write_text("new", encoding="utf-8")
    second = publish.release(staging, public)

    assert second != first and not first.exists(), "the previous release is removed"
    assert public.resolve() == second
    assert (second / "index.html").stat().st_ino == inode["index.html"], "an unchanged file is linked"
    assert (second / "_static" / "x.css").stat().st_ino == inode["_static/x.css"]
    assert (second / "tei" / "a.html").read_text(encoding="utf-8") == "changed"
    assert (second / "tei" / "b.html").read_text(encoding="utf-8") == "new"
    staged = {p.stat().st_ino for p in staging.rglob("*") if p.is_file()}
    released = {p.stat().st_ino for p in second.rglob("*") if p.is_file()}
    assert not staged & released, "a release never shares a file with staging"

    # Sphinx rewrites staging in place: the published release must not see it.
    with open(staging / "index.html", "w", encoding="utf-8") as handle:
        handle.write("rewritten in place")
    assert (public / "index.html").read_text(encoding="utf-8") == "same"


def test_release_shares_with_staging_only_the_folders_the_build_replaces(tmp_path: Path):
    staging = _staging(tmp_path, {"index.html": "page", "cite/a.json": "{}", "api/dts/x.json": "[]"})
    public = tmp_path / "_build" / "html"
    release = publish.release(staging, public)
    shared = sorted(p.relative_to(release).as_posix() for p in release.rglob("*")
                    if p.is_file() and p.stat().st_ino == (staging / p.relative_to(release)).stat().st_ino)
    assert shared == ["api/dts/x.json", "cite/a.json"]
    assert all(folder.endswith("/") for folder in publish.SHARED_FOLDERS)
    # Their writer makes a new file: the release keeps the old bytes.
    products.write_file(staging / "cite" / "a.json", b'{"new": 1}')
    assert (release / "cite" / "a.json").read_text(encoding="utf-8") == "{}"
    # The stamps follow the new link: the next release reads none of the shared files again.
    stamps = json.loads(staging.with_name(f".{staging.name}.digests").read_text(encoding="utf-8"))
    assert stamps["api/dts/x.json"][0][3] == (staging / "api" / "dts" / "x.json").stat().st_ctime_ns


def test_release_copies_where_files_cannot_be_linked(tmp_path: Path, monkeypatch):
    staging = _staging(tmp_path, {"index.html": "same", "a.html": "old"})
    public = tmp_path / "_build" / "html"
    publish.release(staging, public)
    (staging / "a.html").write_text("new", encoding="utf-8")

    def other_file_system(*args, **kwargs):
        raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))

    monkeypatch.setattr(os, "link", other_file_system)
    release = publish.release(staging, public)
    assert (release / "index.html").read_text(encoding="utf-8") == "same"
    assert (release / "a.html").read_text(encoding="utf-8") == "new"


def test_release_leaves_nothing_of_killed_builds(tmp_path: Path):
    staging = _staging(tmp_path, {"index.html": "x"})
    public = tmp_path / "_build" / "html"
    releases = public.parent / "releases"
    (releases / ".html-0123456789abcdef.tmp-99999").mkdir(parents=True)
    (releases / ".html-0123456789abcdef.files").write_text("", encoding="utf-8")
    release = publish.release(staging, public)
    assert sorted(p.name for p in releases.iterdir()) == sorted([release.name, f".{release.name}.files"])


def _released(release: Path) -> dict[str, str]:
    return {p.relative_to(release).as_posix(): p.read_text(encoding="utf-8") for p in release.rglob("*") if p.is_file()}


def test_release_is_made_from_the_spare_by_changing_only_what_differs(tmp_path: Path, monkeypatch):
    """The release before the published one is kept as the spare, and the next release is
    made from it with one link per changed file, not one per file; the published release
    and the one made keep their bytes, and a spare that is not what its manifest says is
    not used."""
    files = {f"cite/{n}.json": f"{n}" for n in range(50)}
    staging = _staging(tmp_path, {"index.html": "v1", "old/gone.html": "x", **files})
    public = tmp_path / "_build" / "html"
    first = publish.release(staging, public)
    shutil.rmtree(staging / "old")
    (staging / "index.html").write_text("v2", encoding="utf-8")
    second = publish.release(staging, public)
    spare = publish.spare_path(public)
    assert not first.exists() and spare.is_dir() and publish.manifest_path(spare).exists()
    assert _released(spare)["index.html"] == "v1", "the spare is the release before"

    links: list[str] = []
    real_link = os.link
    monkeypatch.setattr(os, "link", lambda src, dst: (links.append(str(dst)), real_link(src, dst))[1])
    (staging / "index.html").write_text("v3", encoding="utf-8")
    products.write_file(staging / "cite" / "7.json", b"seven")
    (staging / "new").mkdir()
    (staging / "new" / "page.html").write_text("new", encoding="utf-8")
    second_bytes = _released(second)
    third = publish.release(staging, public)
    assert len(links) == 1 and links[0].endswith("cite/7.json"), "only the changed files are put (index.html is copied)"
    expected = {"index.html": "v3", "new/page.html": "new", **files, "cite/7.json": "seven"}
    assert _released(third) == expected
    assert not (third / "old").exists(), "a folder staging no longer has is removed"
    assert not second.exists() and second_bytes["index.html"] == "v2"
    assert _released(spare) == second_bytes, "the published release became the spare, and kept its bytes"

    # A spare with a file missing is not used: the release is made afresh, whole.
    (spare / "cite" / "3.json").unlink()
    (staging / "index.html").write_text("v4", encoding="utf-8")
    fourth = publish.release(staging, public)
    assert _released(fourth) == {**expected, "index.html": "v4"}


# --- the product store and the validation cache ---------------------------------------------


def test_product_store_answers_only_for_its_key(tmp_path: Path):
    store = products.ProductStore(tmp_path)
    assert store.load("kind", "tei/doc", "k1") is None
    store.save("kind", "tei/doc", "k1", {"body": "<p>x</p>"})
    assert store.load("kind", "tei/doc", "k1") == {"body": "<p>x</p>"}
    assert store.load("kind", "tei/doc", "k2") is None
    assert store.names("kind") == ["tei/doc"]
    # A damaged file is no product; an unwritable store stores nothing and says nothing.
    next((tmp_path / products.PRODUCTS_DIR / "kind").glob("*.pickle")).write_bytes(b"\x80garbage")
    assert store.load("kind", "tei/doc", "k1") is None
    blocked = tmp_path / "file"
    blocked.write_text("not a directory", encoding="utf-8")
    products.ProductStore(blocked).save("kind", "x", "k", 1)


class Unpickled:
    """A product that counts how often it is unpickled."""

    count = 0

    def __setstate__(self, state: dict) -> None:
        Unpickled.count += 1
        self.__dict__.update(state)


def test_product_store_reads_a_key_without_its_product(tmp_path: Path):
    store = products.ProductStore(tmp_path)
    value = Unpickled()
    value.body = "<p>x</p>"
    store.save("kind", "tei/doc", "k1", value)
    Unpickled.count = 0
    assert store.exists("kind", "tei/doc", "k1") and not store.exists("kind", "tei/doc", "k2")
    assert store.load("kind", "tei/doc", "k2") is None
    assert Unpickled.count == 0
    assert store.load("kind", "tei/doc", "k1").body == "<p>x</p>"
    assert Unpickled.count == 1


def test_file_digest_follows_the_file(tmp_path: Path):
    path = tmp_path / "a.xml"
    path.write_text("<a/>", encoding="utf-8")
    first = products.file_digest(path)
    path.write_text("<b/>", encoding="utf-8")
    assert products.file_digest(path) != first
    assert products.file_digest(tmp_path / "missing.xml") == ""


def test_stylesheet_closure_is_every_module_reached(tmp_path: Path):
    """The modules a stylesheet reads are found by following xsl:include and xsl:import, not
    listed: the edition's driver reaches params.xsl; a module included from a module is found,
    one that is not included is not, and a missing one is listed (its appearance is a change)."""
    from edition.transform import STYLESHEET, stylesheet_closure

    edition = stylesheet_closure(STYLESHEET)
    assert edition[0] == STYLESHEET.resolve() and STYLESHEET.parent.resolve() / "params.xsl" in edition
    xsl = 'xmlns:xsl="http://www.w3.org/1999/XSL/Transform" version="3.0"'
    (tmp_path / "sub").mkdir()
    (tmp_path / "driver.xsl").write_text(f'<xsl:stylesheet {xsl}><xsl:import href="sub/a.xsl"/></xsl:stylesheet>')
    (tmp_path / "sub" / "a.xsl").write_text(f'<xsl:stylesheet {xsl}><xsl:include href="../b.xsl"/>'
                                            f'<xsl:include href="gone.xsl"/></xsl:stylesheet>')
    (tmp_path / "b.xsl").write_text(f'<xsl:stylesheet {xsl}/>')
    (tmp_path / "unused.xsl").write_text(f'<xsl:stylesheet {xsl}/>')
    found = [p.relative_to(tmp_path.resolve()).as_posix() for p in stylesheet_closure(tmp_path / "driver.xsl")]
    assert found == ["driver.xsl", "sub/a.xsl", "b.xsl", "sub/gone.xsl"]
    before = products.stylesheet_digest(tmp_path / "driver.xsl")
    (tmp_path / "b.xsl").write_text(f'<xsl:stylesheet {xsl}><!-- edited --></xsl:stylesheet>')
    edited = products.stylesheet_digest(tmp_path / "driver.xsl")
    assert edited != before
    (tmp_path / "unused.xsl").write_text(f'<xsl:stylesheet {xsl}><!-- edited --></xsl:stylesheet>')
    assert products.stylesheet_digest(tmp_path / "driver.xsl") == edited, "a module nobody includes is no input"


def test_a_warning_is_placed_in_its_document(tmp_path: Path):
    """Every form of a warning's location names its document; a warning that names none
    makes the next build start clean (edition.sphinxext.warned)."""
    import logging
    from types import SimpleNamespace

    from docutils import nodes
    from edition.sphinxext import warned

    src = tmp_path / "src"
    env = SimpleNamespace(found_docs={"front/principles", "tei/bakulin"},
                          path2doc=lambda p: {str(src / "front" / "principles.rst"): "front/principles",
                                              str(src / "tei" / "bakulin.xml"): "tei/bakulin"}.get(str(p)))
    class App:  # the application as the handler reads it (held by a weak reference)
        config = SimpleNamespace(suppress_warnings=["edition.ignored"])
        doctreedir = str(tmp_path / "doctrees")

    app = App()
    app.env = env
    handler = warned.Warnings(app)
    node = nodes.paragraph()
    node.source, node.line = str(src / "tei" / "bakulin.xml"), 3
    for location in (("front/principles", 5), f"{src / 'front' / 'principles.rst'}:5", "front/principles"):
        assert handler.docname(location) == "front/principles", location
    assert handler.docname(node) == "tei/bakulin" and handler.docname(None) is None
    assert handler.docname("/elsewhere/conf.py:1") is None

    def record(location, kind="edition", subtype="x"):
        made = logging.LogRecord("sphinx.x", logging.WARNING, "", 0, "message", (), None)
        made.location, made.type, made.subtype = location, kind, subtype
        return made

    handler.emit(record(("tei/bakulin", 1)))
    handler.emit(record(("front/principles", 2), subtype="ignored"))  # suppressed: not counted
    assert handler.docnames == {"tei/bakulin"} and handler.unplaced == 0
    doctrees = Path(app.doctreedir)
    (doctrees / products.PRODUCTS_DIR / "xslt-edited").mkdir(parents=True)
    (doctrees / "environment.pickle").write_bytes(b"env")
    warned._HANDLERS[app] = handler
    warned.remember(app, final=True)
    assert warned.warned_before(app, env, set(), set(), set()) == ["tei/bakulin"]
    assert (doctrees / "environment.pickle").exists()
    handler.emit(record(None))
    warned.remember(app, final=True)
    assert not (doctrees / "environment.pickle").exists() and not (doctrees / products.PRODUCTS_DIR).exists()
    warned._HANDLERS.pop(app)


def _pickled_in_a_fork(records: DocumentRecords) -> bytes:
    """The records set one record in a forked process and pickled there (as a reader does)."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()

    def read() -> None:
        records["tei/read"] = {"anchors": ["read-p0001"]}
        child.send_bytes(pickle.dumps(records, pickle.HIGHEST_PROTOCOL))

    process = context.Process(target=read)
    process.start()
    sent = parent.recv_bytes()
    process.join()
    return sent


def test_a_reader_sends_back_only_the_records_it_set():
    records = DocumentRecords({f"tei/doc{n}": {"anchors": [f"doc{n}-p0001"]} for n in range(100)})
    # Forked while Sphinx is not reading (a writer, a worker), a process pickles them whole.
    assert len(pickle.loads(_pickled_in_a_fork(records))) == 101
    records.reading = True  # env-before-read-docs: the processes forked now are readers
    from_reader = pickle.loads(_pickled_in_a_fork(records))
    assert from_reader == {"tei/read": {"anchors": ["read-p0001"]}}
    assert "tei/read" not in records  # the reader's record came back only through the pickle
    records.update(from_reader)
    records["tei/doc0"] = {"anchors": []}
    whole = pickle.loads(pickle.dumps(records, pickle.HIGHEST_PROTOCOL))  # environment.pickle
    assert whole == records and len(whole) == 101 and isinstance(whole, DocumentRecords)
    # unpickled, the records belong to this process: a reader forked from it sends only what it sets
    whole.reading = True
    assert pickle.loads(_pickled_in_a_fork(whole)) == {"tei/read": {"anchors": ["read-p0001"]}}


def _record() -> dict:
    def mention(key: str, text: str) -> dict:
        return {"register": "persons", "key": key, "anchor": "doc-p0001", "text": text,
                "context": f"… {text} …", "editorial": False, "identified": ""}

    return {"anchors": ["doc-p0001"], "registers": [],
            "footnotes": [{"id": "doc-n1", "label": "1", "missing": False}],
            "mentions": [mention("kirov", "Kirov"), mention("stalin", "Stalin")],
            "dates": [{"values": {"when": "1934-12-01"}, "anchor": "doc-p0001", "text": "1 December 1934",
                       "context": "", "editorial": False}]}


def test_record_digests_change_with_the_part_that_changed():
    record = _record()
    first = record_digests(record)
    assert record["digests"] is first and record_digests(record) is first  # made once, kept in the record
    assert group_of(record["mentions"][0]) in first and group_of(record["dates"][0]) in first
    edited = _record()
    edited["mentions"][0]["context"] = "… Kirov was shot …"
    second = record_digests(edited)
    assert sorted(k for k in first if first[k] != second[k]) == ["entry:persons:kirov", "register:persons"]
    edited["dates"][0]["values"] = {"when": "1934-12-02"}
    del edited["digests"]
    third = record_digests(edited)
    assert group_of(edited["dates"][0]) in third and "dates" in {k for k in second if second[k] != third.get(k)}


def test_validation_from_its_cache_reports_what_a_full_run_reports(tmp_path: Path):
    from edition.documents import edition_files
    from edition.validate import validate

    broken = tmp_path / "bakulin.xml"
    text = (REPO / "tei" / "bakulin.xml").read_text(encoding="utf-8")
    # An invalid element (grammar, Schematron) and a registered name left untagged (a warning).
    text = text.replace("</head>", "<sp/></head>", 1)
    text = re.sub(r'<persName ref="#pareto">(V\. Pareto)</persName>', r"\1", text, count=1)
    broken.write_text(text, encoding="utf-8")
    context = [p for p in edition_files() if p.name != "bakulin.xml"]
    cache = tmp_path / "cache"

    full = validate([broken], context=context)
    assert not full.ok and any(p.rule == "untagged-name" for p in full.problems)
    for _ in range(2):  # made, then read from the cache
        cached = validate([broken], context=context, cache=cache)
        assert cached.format_json() == full.format_json()
    broken.write_text((REPO / "tei" / "bakulin.xml").read_text(encoding="utf-8"), encoding="utf-8")
    assert validate([broken], context=context, cache=cache).format_json() == validate([broken], context=context).format_json()


def test_a_cached_validation_parses_only_the_changed_file(tmp_path: Path, monkeypatch):
    """The checks over all files work from each file's stored ids and pointers: an unchanged
    file is not parsed, and a duplicate id or a wrong pointer in the changed one is still found."""
    from edition import validate as validation
    from edition.documents import edition_files

    edited = tmp_path / "bakulin.xml"
    text = (REPO / "tei" / "bakulin.xml").read_text(encoding="utf-8")
    edited.write_text(text, encoding="utf-8")
    context = [p for p in edition_files() if p.name != "bakulin.xml"]
    cache = tmp_path / "cache"
    assert validation.validate([edited], context=context, cache=cache).ok
    parsed: list[str] = []
    parse = validation.parse_file
    monkeypatch.setattr(validation, "parse_file", lambda path, *a, **k: parsed.append(Path(path).name) or parse(path, *a, **k))
    assert validation.validate([edited], context=context, cache=cache).ok and parsed == []
    # An id the dissertation already uses, and a pointer at a person nobody registered.
    edited.write_text(text.replace('xml:id="bakulin-p0002"', 'xml:id="dikova-p0001"', 1)
                      .replace('ref="#mosca"', 'ref="#moska"', 1), encoding="utf-8")
    cached = validation.validate([edited], context=context, cache=cache)
    assert parsed == ["bakulin.xml"]
    assert {p.rule for p in cached.problems} >= {"xmlid-unique", "pointer"}
    monkeypatch.setattr(validation, "parse_file", parse)
    assert cached.format_json() == validation.validate([edited], context=context).format_json()


# --- a one-paragraph edit of a real build ----------------------------------------------------


def _tree(site: Path) -> dict[str, str]:
    real = site.resolve()
    return {p.relative_to(real).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(real.rglob("*")) if p.is_file()}


def _edit(root: Path) -> None:
    path = root / "tei" / "bakulin.xml"
    text = path.read_text(encoding="utf-8")
    changed = re.sub(r'(<p xml:id="bakulin-p0001">The article) examines', r"\1 studies", text, count=1)
    assert changed != text
    path.write_text(changed, encoding="utf-8")


def _keep_release(site: Path, kept: Path) -> None:
    """Hard links to every file of the release ``site`` under ``kept``, and its manifest."""
    for path in site.rglob("*"):
        if path.is_file():
            (kept / path.relative_to(site)).parent.mkdir(parents=True, exist_ok=True)
            os.link(path, kept / path.relative_to(site))
    shutil.copy2(publish.manifest_path(site), kept.with_suffix(".files"))


def _written_since_kept(kept: Path) -> list[str]:
    """The files of a kept release whose bytes are no longer those its manifest records."""
    recorded = dict(line.split(" ", 1)[::-1] for line in kept.with_suffix(".files").read_text(encoding="utf-8").splitlines())
    assert len(recorded) > 1000 and sum(rel.startswith(publish.SHARED_FOLDERS) for rel in recorded) > 1000
    return sorted(rel for rel, digest in recorded.items() if hashlib.sha256((kept / rel).read_bytes()).hexdigest() != digest)


@pytest.fixture(scope="module")
def edited_build(tmp_path_factory) -> tuple[Path, dict[str, float], dict[str, int]]:
    """A copy built (``-j 2``), then edited in one word of one paragraph and built again.

    The first build resolves and writes the documents in the writer processes
    (:meth:`~edition.sphinxext.writing.EditionHTMLBuilder.write_documents`), so that the
    comparison with a clean (serial) build below covers the parallel write.

    Returns the copy, the mtimes of the staged pages and stored products before the
    second build, and the inodes of the first release's files. The first release's
    files are kept (hard links under ``kept-release/`` beside the copy) with its manifest, to show that
    the second build changed none of them.
    """
    root = copy_edition(tmp_path_factory.mktemp("incremental") / "edition")
    proc = run_edition("build", "-j", "2", root=root)
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert re.search(r"writing \d+ documents in \d+ tasks of 2 processes", proc.stdout), proc.stdout[-2000:]
    build = root / "_build"
    watched = [p for p in (build / ".staging").rglob("*") if p.is_file()]
    mtimes = {str(p): p.stat().st_mtime_ns for p in watched}
    site = (build / "html").resolve()
    inodes = {p.relative_to(site).as_posix(): p.stat().st_ino for p in site.rglob("*") if p.is_file()}
    _keep_release(site, root.parent / "kept-release")
    _edit(root)
    proc = run_edition("build", "-q", "-j", "2", root=root)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return root, mtimes, inodes


def test_rebuild_publishes_what_a_clean_build_publishes(edited_build, tmp_path: Path):
    root, _, _ = edited_build
    clean = copy_edition(tmp_path / "clean")
    shutil.copy2(root / "tei" / "bakulin.xml", clean / "tei" / "bakulin.xml")
    proc = run_edition("build", "-q", root=clean)
    assert proc.returncode == 0, proc.stderr[-4000:]
    incremental, fresh = _tree(root / "_build" / "html"), _tree(clean / "_build" / "html")
    assert sorted(incremental) == sorted(fresh)
    differing = sorted(name for name in fresh if incremental[name] != fresh[name])
    assert not differing, f"{len(differing)} files differ, e.g. {differing[:10]}"


def test_rebuild_remakes_only_what_the_edit_touched(edited_build):
    root, mtimes, _ = edited_build
    staging = root / "_build" / ".staging"

    def unchanged(path: Path) -> bool:
        return path.stat().st_mtime_ns == mtimes[str(path)]

    store = staging / "doctrees-html" / products.PRODUCTS_DIR
    for kind in ("parallel", "citation", "cite-files", "dts"):
        kept = [p for p in (store / kind).glob("*.pickle") if "bakulin" not in p.name]
        remade = [p for p in (store / kind).glob("*.pickle") if "bakulin" in p.name]
        assert kept and all(unchanged(p) for p in kept), f"{kind}: another document's product was remade"
        assert remade and not any(unchanged(p) for p in remade), f"{kind}: the edited document's product was kept"
    # The edit changes no mention or date: the registers' pages are not written again.
    for page in ("persons", "places", "orgs", "chronology"):
        assert unchanged(staging / "html" / "registers" / f"{page}.html"), page
    assert unchanged(staging / "html" / "tei" / "dikova.html")
    assert not unchanged(staging / "html" / "tei" / "bakulin.html")
    # Generated pages are rendered again only when what they are made from changed.
    assert unchanged(staging / "html" / "parallel" / "dikova.html")
    assert not unchanged(staging / "html" / "parallel" / "bakulin.html")
    entries = [p for p in (staging / "html" / "registers").glob("*/*.html")]
    assert entries and all(unchanged(p) for p in entries), "an entry page was rendered again"


def test_rebuild_leaves_the_previous_release_as_published(edited_build):
    """No writer of the second build opened a file the first release holds (publishing
    shares staging's files with a release: :data:`edition.publish.SHARED_FOLDERS`)."""
    root, _, _ = edited_build
    changed = _written_since_kept(root.parent / "kept-release")
    assert not changed, f"the rebuild wrote into {len(changed)} published files, e.g. {changed[:5]}"


def test_rebuild_links_what_did_not_change(edited_build):
    root, _, inodes = edited_build
    site = (root / "_build" / "html").resolve()
    assert (site / "tei" / "dikova.html").stat().st_ino == inodes["tei/dikova.html"]
    assert (site / "tei" / "bakulin.html").stat().st_ino != inodes["tei/bakulin.html"]
    linked = sum(1 for rel, inode in inodes.items() if (site / rel).exists() and (site / rel).stat().st_ino == inode)
    assert linked > 0.9 * len(inodes), f"only {linked} of {len(inodes)} files were linked"


def test_a_build_with_no_changed_input_does_nothing(edited_build):
    """After the edited build: building again finds every input as it was and publishes nothing."""
    root, _, _ = edited_build
    build, staging = root / "_build", root / "_build" / ".staging" / "html"
    published = (build / "html").resolve()
    page = staging / "tei" / "bakulin.html"
    before = page.stat().st_mtime_ns
    proc = run_edition("build", "-q", "-j", "2", root=root)
    assert proc.returncode == 0 and "html is up to date" in proc.stderr, proc.stderr[-2000:]
    assert page.stat().st_mtime_ns == before and (build / "html").resolve() == published
    # a new modification time is not a change: inputs are compared by content
    source = root / "tei" / "bakulin.xml"
    os.utime(source, (source.stat().st_atime + 60, source.stat().st_mtime + 60))
    assert "html is up to date" in run_edition("build", "-q", root=root).stderr
    # --force builds; so does a published release that is no longer complete
    proc = run_edition("build", "-q", "--force", root=root)
    assert proc.returncode == 0 and "html done" in proc.stderr, proc.stderr[-2000:]
    publish.manifest_path((build / "html").resolve()).unlink()
    proc = run_edition("build", "-q", root=root)
    assert proc.returncode == 0 and "html done" in proc.stderr, proc.stderr[-2000:]


def _retitle_and_build(root: Path, key: str, old: str, new: str) -> None:
    """Change the main title of a document of the copy ``root``, and build it again."""
    source = root / "tei" / f"{key}.xml"
    text = source.read_text(encoding="utf-8")
    assert f"{old}</title>" in text
    source.write_text(text.replace(f"{old}</title>", f"{new}</title>", 1), encoding="utf-8")
    proc = run_edition("build", "-q", root=root)
    assert proc.returncode == 0, proc.stderr[-4000:]


def test_a_changed_title_reaches_the_generated_pages(tmp_path: Path):
    """A generated page is kept only while its inputs are unchanged: those include the
    titles in every page's navigation, not only the page's own content. Rendering
    them again (the citation pages among them, in a folder a release shares with
    staging) leaves the previous release as it was published."""
    root = copy_edition(tmp_path / "edition")
    assert run_edition("build", "-q", root=root).returncode == 0
    _keep_release((root / "_build" / "html").resolve(), tmp_path / "kept-release")
    page = root / "_build" / ".staging" / "html" / "parallel" / "dikova.html"
    assert "Entering 1937 (abstract)</a>" in page.read_text(encoding="utf-8")
    before = page.stat().st_mtime_ns
    _retitle_and_build(root, "bakulin", "Entering 1937 (abstract)", "Entering 1937 (an abstract)")
    assert page.stat().st_mtime_ns != before
    assert "Entering 1937 (an abstract)</a>" in page.read_text(encoding="utf-8")
    changed = _written_since_kept(tmp_path / "kept-release")
    assert not changed, f"the rebuild wrote into {len(changed)} published files, e.g. {changed[:5]}"


def test_generated_pages_are_made_again_only_from_the_documents_that_changed(tmp_path: Path):
    """An entry page is stored in parts, one per document, and a document's citation page
    whole: when one document changes, what the others gave is taken from the store (here
    marked there, to be seen)."""
    root = copy_edition(tmp_path / "edition")
    assert run_edition("build", "-q", root=root).returncode == 0
    store = products.ProductStore(root / "_build" / ".staging" / "doctrees-html")
    key, parts = store.stored("entry", "registers/persons/stalin")
    (index,) = [i for i, (_, html) in enumerate(parts) if "tei/dikova.html#" in html]
    parts[index] = (parts[index][0], '<div class="kept-from-the-store"></div>')
    store.save("entry", "registers/persons/stalin", key, parts)
    key, cited = store.stored("cite-page", "tei/dikova")
    store.save("cite-page", "tei/dikova", key, dataclasses.replace(cited, body='<div class="kept-from-the-store"></div>'))
    _retitle_and_build(root, "article", "Sergei Kirov (encyclopedia-style article)", "Sergei Kirov (an encyclopedia article)")
    page = (root / "_build" / "html" / "registers" / "persons" / "stalin.html").read_text(encoding="utf-8")
    assert '<div class="kept-from-the-store"></div>' in page and "tei/dikova.html#" not in page
    assert "<strong>Sergei Kirov (an encyclopedia article)</strong>" in page
    assert "(encyclopedia-style article)</strong>" not in page
    cite = root / "_build" / "html" / "cite"
    assert '<div class="kept-from-the-store"></div>' in (cite / "dikova.html").read_text(encoding="utf-8")
    assert "How to cite: Sergei Kirov (an encyclopedia article)" in (cite / "article.html").read_text(encoding="utf-8")


def test_fingerprint_covers_contents_code_and_environment(tmp_path: Path, monkeypatch):
    root = tmp_path / "project"
    (root / "tei").mkdir(parents=True)
    (root / "tei" / "a.xml").write_text("<TEI/>", encoding="utf-8")
    first = uptodate.fingerprint(root, "html")
    assert uptodate.fingerprint(root, "html") == first
    assert uptodate.fingerprint(root, "epub") != first
    (root / "_build" / "html").mkdir(parents=True)  # outputs are not inputs
    (root / "_build" / "html" / "index.html").write_text("x", encoding="utf-8")
    assert uptodate.fingerprint(root, "html") == first
    monkeypatch.setenv("EDITION_FAULT", "write")
    assert uptodate.fingerprint(root, "html") != first
    monkeypatch.delenv("EDITION_FAULT")
    (root / "tei" / "a.xml").write_text("<TEI />", encoding="utf-8")
    assert uptodate.fingerprint(root, "html") != first


# --- the edit matrix: every kind of input, serial and -j 2 ----------------------------------
#
# One base build of a whole copy of the project (the package and pyproject.toml too, run from
# the copy with PYTHONPATH, so that the extension's static files and the version are inputs
# of the copy). Sphinx keeps its environment only for the source directory it was built in,
# so every case is built at the same place: the built base is restored there (a copy, with
# its modification times), edited and built again; the published files are compared with a
# clean build of the same edited sources, one per case, shared by the serial and the
# parallel rebuild. Select it with ``-k matrix``.

MATRIX_PARTS = (*EDITION_PARTS, "edition", "pyproject.toml", "CITATION.cff")


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= 1, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _replacing(rel: str, old: str, new: str):
    """The edit of a copy that replaces ``old`` by ``new`` in its file ``rel``."""
    def edit(root: Path) -> None:
        _replace(root / rel, old, new)
    return edit


_paragraph = _replacing("tei/bakulin.xml", '<p xml:id="bakulin-p0001">The article examines',
                        '<p xml:id="bakulin-p0001">The article studies')
_register_name = _replacing("tei/persons.xml", '<persName type="display">Leonid Nikolaev</persName>',
                            '<persName type="display">Leonid Vasilyevich Nikolaev</persName>')
_front_page = _replacing("front/principles.rst", "the note is shown as", "the note is given as")
_xslt_module = _replacing("xslt/notes.xsl", "then 'ednote-ref' else 'fn-ref'", "then 'ednote-ref' else 'fn-ref fn-mark'")
_odd = _replacing("tei/schema/edition.odd", "the editors have no reasonable doubt", "the editors see no reasonable doubt")
_params = _replacing("xslt/params.xsl", "'[note text not preserved in the source]'", "'[note text lost in the source]'")
_sphinx_template = _replacing("_templates/layout.html", "TEI source of this page", "TEI file of this page")
_synopsis = _replacing("tei/synopsis.xml", "Synopsis: the five sources on the same events",
                       "Synopsis: five sources on the same events")
_conf = _replacing("conf.py", '"page_width": "1240px"', '"page_width": "1200px"')
_break = _replacing("front/principles.rst", "Readings\n--------\n", "Readings\n----\n")
_fix = _replacing("front/principles.rst", "Readings\n----\n", "Readings\n--------\n")


def _static_file(root: Path) -> None:
    with open(root / "edition" / "sphinxext" / "static" / "edition.css", "a", encoding="utf-8") as css:
        css.write("\n.edition-footer { letter-spacing: 0.01em; }\n")


def _new_entry(root: Path) -> None:
    _replace(root / "tei" / "persons.xml", "        </listPerson>", """        <person xml:id="michels">
          <persName type="display">Robert Michels</persName>
          <persName type="variant">R. Michels</persName>
          <birth when="1876" resp="#persons-ed" cert="high"/><death when="1936" resp="#persons-ed" cert="high"/>
          <occupation>German-Italian sociologist, theorist of elites</occupation>
        </person>
        </listPerson>""")
    _replace(root / "tei" / "bakulin.xml", '<persName ref="#mosca">G. Mosca</persName>',
             '<persName ref="#mosca">G. Mosca</persName> and <persName ref="#michels">R. Michels</persName>')


def _retirement(root: Path) -> None:
    registry = root / "tei" / "anchors.tsv"
    lines = registry.read_text(encoding="utf-8").splitlines(keepends=True)
    (index,) = [i for i, line in enumerate(lines) if line.startswith("bakulin-p0002\t")]
    fields = lines[index].rstrip("\n").split("\t")
    fields[4], fields[5], fields[8] = "retired", "withdrawn", "withdrawn in a test of incremental builds"
    lines[index] = "\t".join(fields) + "\n"
    registry.write_text("".join(lines), encoding="utf-8")


def _release(root: Path) -> None:
    _replace(root / "pyproject.toml", 'version = "', 'version = "9')
    text = (root / "pyproject.toml").read_text(encoding="utf-8")
    (root / "pyproject.toml").write_text(re.sub(r'release-date = "[^"]*"', 'release-date = "2027-01-15"', text),
                                         encoding="utf-8")
    text = (root / "CITATION.cff").read_text(encoding="utf-8")
    (root / "CITATION.cff").write_text(re.sub(r"date-released: .*", 'date-released: "2027-01-15"', text),
                                       encoding="utf-8")


def _new_document(root: Path) -> None:
    text = (root / "tei" / "bakulin.xml").read_text(encoding="utf-8")
    pattern = re.compile(r'(?<=["#\s:])bakulin(?=-)|(?<=xml:id=")bakulin(?=")|(?<= n=")bakulin(?=")')
    (root / "tei" / "bakulinxb.xml").write_text(pattern.sub("bakulinxb", text), encoding="utf-8")
    _replace(root / "index.rst", "   tei/bakulin\n", "   tei/bakulin\n   tei/bakulinxb\n")


def _edits(*edits):
    def edit(root: Path) -> None:
        for one in edits:
            one(root)
    return edit


#: The cases: name → edit. Edits share a case (and its clean build) only where neither
#: makes the build redo what the other needs redone.
MATRIX = {
    "paragraph": _paragraph,
    "register-name+static-css": _edits(_register_name, _static_file),
    "new-entry+front-page": _edits(_new_entry, _front_page),
    "xslt-module+odd": _edits(_xslt_module, _odd),
    "params-xsl": _params,
    "sphinx-template+synopsis": _edits(_sphinx_template, _synopsis),
    "conf+retirement": _edits(_conf, _retirement),
    "release": _release,
    "document-added": _new_document,
}


def _published(site: Path) -> dict[str, str]:
    """Every published file but Sphinx's ``.buildinfo``, with the digest of its bytes."""
    return {rel: digest for rel, digest in _tree(site).items() if rel != ".buildinfo"}


def _differences(incremental: dict[str, str], clean: dict[str, str]) -> list[str]:
    return sorted({*incremental, *clean} - {rel for rel in incremental.keys() & clean.keys()
                                             if incremental[rel] == clean[rel]})


class Matrix:
    """The built base, the place where every case is built, and the clean builds made so far."""

    def __init__(self, top: Path) -> None:
        self.top = top
        self.work = top / "work" / "edition"  # where every incremental build runs
        self.base = top / "base"  # the built base, as it was
        self.trash = top / "trash"
        self.clean: dict[str, dict[str, str]] = {}
        self.seconds: dict[str, float] = {}
        self.trash.mkdir(parents=True)
        self.work.mkdir(parents=True)
        for name in MATRIX_PARTS:
            src = REPO / name
            ignore = shutil.ignore_patterns("drafts", "__pycache__", "*.egg-info")
            if src.is_dir():
                shutil.copytree(src, self.work / name, ignore=ignore)
            elif src.exists():
                shutil.copy2(src, self.work / name)
        proc = self.build("-j", "2", label="base: clean build (-j 2)")
        assert proc.returncode == 0, proc.stderr[-4000:]
        subprocess.run(["cp", "-a", str(self.work), str(self.base)], check=True)
        self.published = _published(self.work / "_build" / "html")

    def build(self, *args: str, root: Path | None = None, label: str = "") -> subprocess.CompletedProcess[str]:
        """Build ``root`` (the place of the cases) with ``args``; its seconds are kept under ``label``."""
        root = root or self.work
        started = time.perf_counter()
        proc = run_edition("build", "-q", *args, root=root, env_vars={"PYTHONPATH": str(root)})
        if label:
            self.seconds[label] = self.seconds.get(label, 0.0) + time.perf_counter() - started
        return proc

    def report(self) -> str:
        """The seconds of every build, by case."""
        return "".join(f"{seconds:7.1f} s  {label}\n" for label, seconds in self.seconds.items())

    def restore(self) -> Path:
        """The built base at the place of the builds (the last case's tree is set aside)."""
        started = time.perf_counter()
        if self.work.exists():
            self.work.rename(self.trash / f"{len(list(self.trash.iterdir()))}")
        subprocess.run(["cp", "-a", str(self.base), str(self.work)], check=True)
        self.seconds["restoring the built base (all cases)"] = (
            self.seconds.get("restoring the built base (all cases)", 0.0) + time.perf_counter() - started)
        return self.work

    def clean_build(self, name: str, edit) -> dict[str, str]:
        """The published files of a clean build of the base's sources with ``edit`` (once per case)."""
        if name not in self.clean:
            root = self.top / "clean" / name / "edition"
            shutil.copytree(self.base, root, ignore=shutil.ignore_patterns("_build"), symlinks=True)
            edit(root)
            proc = self.build("-j", "2", root=root, label=f"{name}: clean build (-j 2)")
            assert proc.returncode == 0, proc.stderr[-4000:]
            self.clean[name] = _published(root / "_build" / "html")
        return self.clean[name]


@pytest.fixture(scope="module")
def matrix(tmp_path_factory) -> Iterator[Matrix]:
    """The matrix; when its tests are done, the seconds of each build in
    ``_build/test-artifacts/matrix-times.txt``."""
    made = Matrix(tmp_path_factory.mktemp("matrix"))
    yield made
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "matrix-times.txt").write_text(made.report(), encoding="utf-8")


JOBS = {"serial": (), "j2": ("-j", "2")}


@pytest.mark.parametrize("jobs", list(JOBS))
@pytest.mark.parametrize("case", list(MATRIX))
def test_matrix_rebuild_publishes_what_a_clean_build_publishes(matrix: Matrix, case: str, jobs: str):
    clean = matrix.clean_build(case, MATRIX[case])
    root = matrix.restore()
    MATRIX[case](root)
    proc = matrix.build(*JOBS[jobs], label=f"{case}: rebuild ({jobs})")
    assert proc.returncode == 0, proc.stderr[-4000:]
    differing = _differences(_published(root / "_build" / "html"), clean)
    assert not differing, f"{case} ({jobs}): {len(differing)} files differ from a clean build, e.g. {differing[:10]}"
    if case == "document-added":
        # ... and removed again: the rebuild publishes what the base (a clean build) published.
        (root / "tei" / "bakulinxb.xml").unlink()
        _replace(root / "index.rst", "   tei/bakulinxb\n", "")
        proc = matrix.build(*JOBS[jobs], label=f"document-removed: rebuild ({jobs})")
        assert proc.returncode == 0, proc.stderr[-4000:]
        differing = _differences(_published(root / "_build" / "html"), matrix.published)
        assert not differing, f"document removed ({jobs}): {len(differing)} files differ, e.g. {differing[:10]}"


@pytest.mark.parametrize("jobs", list(JOBS))
def test_matrix_a_stylesheet_edit_reaches_every_page(matrix: Matrix, jobs: str):
    """Regression (issue #23): the label of a lost note changed in xslt/params.xsl reached the
    parallel page only; the document pages kept what the old stylesheet made. Here the
    permalink sign of every paragraph (on the document pages) and the lost note's label (on
    the parallel pages) change in params.xsl; the matrix's params-xsl case compares the rest."""
    root = matrix.restore()
    _params(root)
    _replace(root / "xslt" / "params.xsl", "select=\"'¶'\"", "select=\"'§'\"")
    proc = matrix.build(*JOBS[jobs], label=f"params-xsl, every page: rebuild ({jobs})")
    assert proc.returncode == 0, proc.stderr[-4000:]
    site = (root / "_build" / "html").resolve()
    for key in ("article", "dikova", "slides", "onthisday", "bakulin"):
        page = (site / "tei" / f"{key}.html").read_text(encoding="utf-8")
        old = re.findall(rf'<a class="permalink[^"]*" href="#{key}-p\d+">¶</a>', page)
        new = re.findall(rf'<a class="permalink[^"]*" href="#{key}-p\d+">§</a>', page)
        assert new and not old, f"tei/{key}.html: {len(old)} paragraphs keep the old sign"
    parallel = (site / "parallel" / "dikova.html").read_text(encoding="utf-8")
    assert "note text lost in the source" in parallel and "note text not preserved" not in parallel


@pytest.mark.parametrize("jobs", list(JOBS))
def test_matrix_a_failed_build_stays_failed_until_fixed(matrix: Matrix, jobs: str):
    """Regression (issue #23): break a page, build (it fails), edit something else, build: it
    fails again and names the page, and the published site stays as it was; once the page is
    fixed, the build publishes what a clean build publishes."""
    clean = matrix.clean_build("paragraph", _paragraph)
    root = matrix.restore()
    site = root / "_build" / "html"
    published = site.resolve()
    _break(root)
    for unrelated in (None, _paragraph):  # the broken page alone, then with an edit elsewhere
        if unrelated is not None:
            unrelated(root)
        proc = matrix.build(*JOBS[jobs], label=f"broken page: failing builds ({jobs})")
        assert proc.returncode != 0, "a build with a broken page succeeded"
        assert "principles.rst:5" in proc.stderr and "Title underline too short" in proc.stderr, proc.stderr[-3000:]
        assert site.resolve() == published and _published(site) == matrix.published, "the published site changed"
    _fix(root)
    proc = matrix.build(*JOBS[jobs], label=f"broken page fixed: rebuild ({jobs})")
    assert proc.returncode == 0, proc.stderr[-4000:]
    differing = _differences(_published(site), clean)
    assert not differing, f"{len(differing)} files differ from a clean build, e.g. {differing[:10]}"
