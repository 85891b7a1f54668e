"""Library sources: where exams come from, each a small reader with one job.

A source lists :class:`~recorder.catalog.Exam` entries (and, for our own index, whole tests).
Three kinds exist, and a fourth is one more class here:

- :class:`IndexSource`: our ``exams/index.json``.
- :class:`FolderSource`: a folder of practice pages, one exam per HTML file.
- :class:`ManifestSource`: another app's reading library, as it stores it (facts from its
  published layout): a ``manifest.js`` that assigns an object keyed by exam id to a global
  (``window.__READING_EXAM_MANIFEST__ = {"p1-high-01": {examId, dataKey, script:
  "./p1-high-01.js", title, category: "P1", frequency, ...}}``), one data file per exam that
  calls ``window.__READING_EXAM_DATA__.register(dataKey, {examId, meta, questionOrder,
  questionDisplayMap, answerKey, ...})``, and one page that renders an exam from
  ``?examId=``. Both files are read as data (:mod:`recorder.jsdata`), never run.

:func:`open_library` picks the kind for a path the user gives.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import CatalogError
from .exam import Exam, Suite, adhoc_exam, is_fragment, readable
from .jsdata import NotData, literal_at

#: How far up from a manifest (and how deep below a library folder) pages and manifests are
#: looked for: the app keeps its page a few folders above its data.
SEARCH_UP = 4
SEARCH_DOWN = 4


class LibrarySource(Protocol):
    """Where some exams come from."""

    @property
    def name(self) -> str: ...

    def exams(self) -> Sequence[Exam]: ...
    def suites(self) -> Sequence[Suite]: ...


class _Index(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    version: Literal[1]
    exams: list[Exam]
    tests: list[Suite] = []


def load_index(exams_dir: Path) -> tuple[list[Exam], list[Suite]]:
    """The exams and whole tests of our ``index.json``, checked; raises :class:`CatalogError`."""
    index_path = exams_dir / "index.json"
    try:
        raw = json.loads(index_path.read_text(encoding="utf-8"))
        index = _Index.model_validate(raw)
    except FileNotFoundError as exc:
        raise CatalogError(f"no exam index at {index_path}") from exc
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{index_path} is not valid JSON: {exc}") from exc
    except ValidationError as exc:
        raise CatalogError(f"{index_path} is invalid:\n{readable(exc)}") from exc
    seen: set[str] = set()
    for exam in index.exams:
        if exam.id in seen:
            raise CatalogError(f"{index_path}: exam id {exam.id!r} appears twice")
        seen.add(exam.id)
        if exam.questions is None:
            raise CatalogError(f"{index_path}: exam {exam.id!r} must declare its questions")
        if exam.file and not (exams_dir / exam.file).is_file():
            raise CatalogError(f"{index_path}: exam {exam.id!r} names missing file {exam.file}")
    ids = {exam.id for exam in index.exams}
    for suite in index.tests:
        if suite.id in seen:
            raise CatalogError(f"{index_path}: id {suite.id!r} appears twice")
        seen.add(suite.id)
        for part in suite.parts:
            if part not in ids:
                raise CatalogError(f"{index_path}: test {suite.id!r} names unknown exam {part}")
    return list(index.exams), list(index.tests)


@dataclass
class IndexSource:
    """Our own library: ``index.json`` in an exams folder (read once)."""

    root: Path

    def __post_init__(self) -> None:
        self._exams, self._suites = load_index(self.root)

    @property
    def name(self) -> str:
        return str(self.root / "index.json")

    def exams(self) -> Sequence[Exam]:
        return self._exams

    def suites(self) -> Sequence[Suite]:
        return self._suites


@dataclass
class FolderSource:
    """A folder of practice pages: every ``.html`` file that is a whole page is an exam."""

    root: Path

    @property
    def name(self) -> str:
        return str(self.root)

    def exams(self) -> Sequence[Exam]:
        pages = sorted(
            p for p in self.root.rglob("*.htm*") if p.suffix.lower() in (".html", ".htm")
        )
        return [adhoc_exam(page.resolve().as_uri()) for page in pages if not is_fragment(page)]

    def suites(self) -> Sequence[Suite]:
        return []


_GLOBAL_ASSIGN = re.compile(
    r"window\s*\.\s*([A-Za-z_$][\w$]*)\s*=\s*|\b(?:var|let|const)\s+([A-Za-z_$][\w$]*)\s*=\s*"
)
_QUESTION_ORDER = re.compile(r"""["']?questionOrder["']?\s*:\s*""")
_DISPLAY_MAP = re.compile(r"""["']?questionDisplayMap["']?\s*:\s*""")
_ANSWER_KEY = re.compile(r"""["']?answerKey["']?\s*:\s*""")
_CATEGORY_PART = re.compile(r"^P([123])$", re.I)


def read_manifest(path: Path) -> dict[str, dict[str, Any]]:
    """The exams of a manifest file: the first global it assigns an object of entries to,
    entries being objects that name a data script. Raises :class:`CatalogError`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise CatalogError(f"cannot read the manifest {path}: {exc}") from None
    for match in _GLOBAL_ASSIGN.finditer(text):
        try:
            value = literal_at(text, match.end())
        except NotData:
            continue
        if isinstance(value, dict) and value and all(_is_entry(v) for v in value.values()):
            return {str(k): v for k, v in value.items()}
    raise CatalogError(
        f"{path} assigns no manifest of exams (an object of entries, each naming its data "
        "script) to a global"
    )


def _is_entry(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("script") or value.get("file"), str)


def is_manifest(path: Path) -> bool:
    """Whether a ``.js`` file is a library manifest (read as data, never run)."""
    try:
        read_manifest(path)
    except CatalogError:
        return False
    return True


def _count(text: str) -> tuple[int | None, int | None]:
    """(questions, first printed number) from an exam's data file, read as data."""
    questions: int | None = None
    first: int | None = None
    for pattern in (_QUESTION_ORDER, _ANSWER_KEY):
        match = pattern.search(text)
        if not match:
            continue
        try:
            value = literal_at(text, match.end())
        except NotData:
            continue
        if isinstance(value, (list, dict)) and value:
            questions = len(value)
            break
    match = _DISPLAY_MAP.search(text)
    if match:
        try:
            shown = literal_at(text, match.end())
        except NotData:
            shown = None
        numbers = [int(v) for v in (shown or {}).values() if str(v).strip().isdigit()]
        if numbers and questions == len(numbers):
            first = min(numbers)
    return questions, first


@dataclass
class ManifestSource:
    """Another app's reading library: a manifest, its data files and the page that renders."""

    manifest: Path
    page: Path
    _exams: list[Exam] | None = field(default=None, init=False, repr=False)

    @property
    def name(self) -> str:
        return str(self.manifest)

    def exams(self) -> Sequence[Exam]:
        """The manifest's exams; every data file is read once per source, not per call."""
        if self._exams is None:
            self._exams = self._read()
        return self._exams

    def _read(self) -> list[Exam]:
        out = []
        base = self.manifest.parent
        for key, entry in read_manifest(self.manifest).items():
            exam_id = str(entry.get("examId") or key)
            script = base / str(entry.get("script") or entry.get("file"))
            try:
                text = script.read_text(encoding="utf-8-sig")
            except OSError:
                text = ""
            questions, first = _count(text)
            category = str(entry.get("category") or "")
            part = _CATEGORY_PART.match(category)
            try:
                out.append(
                    Exam(
                        id=exam_id,
                        title=str(entry.get("title") or exam_id),
                        type="reading",
                        module="academic",
                        part=f"Passage {part.group(1)}" if part else category,
                        questions=questions,
                        firstQuestion=first,
                        timeLimit=20,
                        url=f"{self.page.resolve().as_uri()}?examId={quote(exam_id)}",
                        frequency=str(entry.get("frequency") or ""),
                        scripts=(script.resolve().as_uri(),) if text else (),
                        library=self.name,
                    )
                )
            except ValidationError as exc:
                raise CatalogError(f"{self.manifest}: exam {exam_id!r}:\n{readable(exc)}") from None
        return out

    def suites(self) -> Sequence[Suite]:
        return []


def _near(start: Path) -> list[Path]:
    """``start`` and the folders above it, nearest first."""
    return [start, *list(start.parents)[:SEARCH_UP]]


def find_page(manifest: Path) -> Path:
    """The page that renders the manifest's exams: an HTML file near it that loads the
    manifest's script (or names its global) and reads ``examId`` from its address."""
    name = manifest.name
    for folder in _near(manifest.parent):
        for page in sorted(folder.glob("*.htm*")):
            try:
                text = page.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if name in text and "examId" in text:
                return page
    raise CatalogError(
        f"found the manifest {manifest}, but no page near it that renders its exams "
        f"(an .html file up to {SEARCH_UP} folders above that loads {name} and reads examId)"
    )


def open_library(path: Path) -> LibrarySource:
    """The library at ``path``: a manifest file, a folder holding one (at most a few levels
    down), our index, or a folder of pages. Raises :class:`CatalogError` saying what is there."""
    path = path.expanduser().resolve()
    if not path.exists():
        raise CatalogError(f"no library at {path}: it does not exist")
    if path.is_file():
        if path.suffix == ".js":
            read_manifest(path)
            return ManifestSource(path, find_page(path))
        if path.name == "index.json":
            return IndexSource(path.parent)
        raise CatalogError(f"{path} is neither a manifest (.js), an index.json nor a folder")
    if (path / "index.json").is_file() and _is_our_index(path / "index.json"):
        return IndexSource(path)
    manifests = [p for p in _js_files(path) if is_manifest(p)]
    if manifests:
        return ManifestSource(manifests[0], find_page(manifests[0]))
    if any(path.rglob("*.htm*")):
        return FolderSource(path)
    raise CatalogError(
        f"{path} holds no library: no index.json, no manifest of exams (.js), no .html pages"
    )


def _is_our_index(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and isinstance(data.get("exams"), list)


def _js_files(root: Path) -> list[Path]:
    """Small .js files under ``root`` whose name or start suggests a manifest, nearest first."""
    found = []
    for depth in range(SEARCH_DOWN + 1):
        for path in sorted(root.glob("/".join(["*"] * depth + ["*.js"]))):
            if "manifest" in path.name.lower():
                found.append(path)
        if found:
            return found
    return found
