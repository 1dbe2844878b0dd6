"""The published corpus (issue 24), fetched at test time, never committed.

Model code that other people published cannot live in this repository (code brought in from
public repositories is never committed here), so tests/code_corpus/published/SOURCES.json
names it instead: per file, the PyPI distribution and its exact version, the file's path
inside it, its sha256, its license (MIT, Apache-2.0 or BSD, from the package metadata), where
it lives upstream and the line or two our harness appends to make the file build one model.

This module gets each distribution with pip (`pip download --no-deps`: nothing is installed,
no dependency is fetched), unpacks it under .cache/published/, checks every file's sha256 and
writes the file plus our appended lines to .cache/published/corpus/NAME.py. A distribution
named in "installed" (keras) is read from the installed package when its version is the
pinned one, and downloaded otherwise.

    python tests/code_corpus/fetch_published.py      # fetch what is missing; one line per problem
"""

from __future__ import annotations

import email.parser
import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = Path(__file__).resolve().parent / "published" / "SOURCES.json"
CACHE = Path(os.environ.get("KGS_PUBLISHED_CACHE", ROOT / ".cache" / "published"))
CORPUS = CACHE / "corpus"
LICENSES = ("MIT", "Apache-2.0", "BSD")


class FetchFailed(Exception):
    """One line: which distribution or file could not be had, and why."""


@dataclass(frozen=True)
class Entry:
    name: str  # the corpus file's name, e.g. "keras_vgg16.py"
    distribution: str
    version: str
    path: str  # inside the distribution, e.g. "keras/src/applications/vgg16.py"
    sha256: str
    license: str
    url: str
    append: str  # our lines, appended after a blank line
    model: str | None  # the variable or model name the harness compares, when not the last model
    script: bool = False  # a standalone script (an sdist's examples/): run as it is, its sdist downloaded

    @property
    def package(self) -> str:
        """The dotted package the file belongs to (for its relative imports)."""
        return ".".join(Path(self.path).parent.parts)


def manifest() -> dict:
    return json.loads(SOURCES.read_text(encoding="utf-8"))


def entries() -> list[Entry]:
    found = manifest()["files"]
    return [Entry(name=name, model=e.get("model"), script=e.get("script", False), **{k: e[k] for k in
                  ("distribution", "version", "path", "sha256", "license", "url", "append")})
            for name, e in sorted(found.items())]


def _installed_root(distribution: str, version: str) -> Path | None:
    """The site-packages folder holding `distribution` when its installed version is `version`."""
    if distribution not in manifest().get("installed", []):
        return None
    try:
        dist = importlib.metadata.distribution(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None
    if dist.version != version:
        return None
    return Path(dist.locate_file(""))


def unpacked(distribution: str, version: str) -> Path:
    return CACHE / f"{distribution}-{version}"


def root_of(entry: Entry) -> tuple[Path, bool]:
    """(the folder the entry's path is relative to, whether it is a download the runner must
    put on sys.path: an installed package is imported as it is)."""
    installed = _installed_root(entry.distribution, entry.version)
    if installed is not None:
        return installed, False
    return unpacked(entry.distribution, entry.version), True


def _download(distribution: str, version: str, sdist: bool) -> None:
    """pip download --no-deps DIST==VERSION (its sdist when `sdist`: a wheel has no
    examples/), unpacked to .cache/published/DIST-VERSION."""
    target = unpacked(distribution, version)
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet",
                               "--disable-pip-version-check", *(["--no-binary", ":all:"] if sdist else []),
                               f"{distribution}=={version}", "-d", tmp],
                              capture_output=True, text=True, timeout=300)
        archives = [p for p in Path(tmp).iterdir() if p.is_file()]
        if done.returncode != 0 or len(archives) != 1:
            last = (done.stderr.strip().splitlines() or ["no archive"])[-1]
            raise FetchFailed(f"could not fetch {distribution}=={version} from PyPI: {last}")
        staging = Path(tmp) / "unpacked"
        _unpack(archives[0], staging)
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)


def _unpack(archive: Path, into: Path) -> None:
    """A wheel as it is; an sdist without its top folder. Members leaving the folder refuse."""
    if archive.suffix == ".whl" or archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as z:
            names = z.namelist()
            if any(n.startswith("/") or ".." in Path(n).parts for n in names):
                raise FetchFailed(f"{archive.name} has a member outside its folder")
            z.extractall(into)
    else:
        with tarfile.open(archive) as t:
            t.extractall(into, filter="data")
    if archive.suffix != ".whl":
        tops = list(into.iterdir())
        if len(tops) == 1 and tops[0].is_dir():
            inner = tops[0]
            for child in inner.iterdir():
                child.rename(into / child.name)
            inner.rmdir()


def declared_license(distribution: str, version: str) -> str:
    """What the distribution's own metadata declares: License-Expression, License and the
    license classifiers, joined with " | "."""
    root, downloaded = root_of(Entry("", distribution, version, "", "", "", "", "", None))
    if downloaded:
        metas = sorted(root.glob("*.dist-info/METADATA")) + sorted(root.glob("PKG-INFO"))
        fields = email.parser.Parser().parsestr(metas[0].read_text(encoding="utf-8", errors="replace"), headersonly=True)
    else:
        fields = importlib.metadata.metadata(distribution)
    found = [fields.get("License-Expression"), fields.get("License")]
    found += [c for c in fields.get_all("Classifier") or [] if c.startswith("License ::")]
    return " | ".join(f.strip().splitlines()[0] for f in found if f and f.strip() and f.strip() != "UNKNOWN")


def spdx(declared: str) -> str:
    """MIT, Apache-2.0 or BSD, as the first field of a declaration names it; "" for any other."""
    for field in declared.split(" | "):
        words = field.replace("-", " ").lower()
        for name, marks in (("MIT", ("mit",)), ("Apache-2.0", ("apache",)), ("BSD", ("bsd",))):
            if any(re.search(rf"\b{m}\b", words) for m in marks):
                return name
    return ""


def corpus_file(entry: Entry) -> Path:
    return CORPUS / entry.name


def write_checked(entry: Entry) -> None:
    """The entry's file, its sha256 checked, with our lines appended, into the corpus folder."""
    root, _ = root_of(entry)
    original = root / entry.path
    if not original.is_file():
        raise FetchFailed(f"{entry.distribution}=={entry.version} has no {entry.path}")
    data = original.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != entry.sha256:
        raise FetchFailed(f"{entry.name}: {entry.distribution}=={entry.version} {entry.path} has sha256 "
                          f"{digest[:12]}..., not the pinned {entry.sha256[:12]}...")
    CORPUS.mkdir(parents=True, exist_ok=True)
    text = data.decode("utf-8")
    corpus_file(entry).write_text(text.rstrip("\n") + "\n\n" + entry.append.rstrip("\n") + "\n", encoding="utf-8")


def text_of(entry: Entry) -> str:
    """The file as the harness reads and runs it: theirs, untouched, then our lines."""
    return corpus_file(entry).read_text(encoding="utf-8")


def ensure() -> list[Entry]:
    """Every entry fetched, checked and written; FetchFailed (one line) at the first problem."""
    todo = entries()
    for dist, version in dict.fromkeys((e.distribution, e.version) for e in todo):
        root, downloaded = root_of(Entry("", dist, version, "", "", "", "", "", None))
        if downloaded and not (root / ".complete").exists():
            _download(dist, version, any(e.script for e in todo if (e.distribution, e.version) == (dist, version)))
            (root / ".complete").write_text("")
    for entry in todo:
        if entry.license not in LICENSES:
            raise FetchFailed(f"{entry.name}: license {entry.license!r} is not MIT, Apache-2.0 or BSD")
        declared = declared_license(entry.distribution, entry.version)
        if spdx(declared) != entry.license:
            raise FetchFailed(f"{entry.name}: {entry.distribution}=={entry.version} declares {declared!r}, "
                              f"not {entry.license}")
        write_checked(entry)
    return todo


def main() -> int:
    try:
        done = ensure()
    except FetchFailed as err:
        print(f"published corpus: {err}", file=sys.stderr)
        return 1
    print(f"published corpus: {len(done)} files in {CORPUS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
