"""Trust and durability (issue #13): storage faults, each a case that failed before its fix.

The store's promise is that nothing given is lost and no damage passes unnoticed: an id with a
newline, a torn or garbage index line, an emptied or deleted segment, a crash inside doctor, a
deleted lock file while two recorders write, records or sessions of the wrong shape, a data
directory that cannot be written."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from recorder import doctor as doctor_module
from recorder.cli import run
from recorder.errors import CorruptDatabase
from recorder.exports import FORMAT
from recorder.record import PracticeRecord
from recorder.store import Store

from .test_faults import save_in_processes
from .test_store import record

SEGMENT = Path("records") / "seg-000001.json"
INDEX = Path("records") / "index.log"


def _three(root: Path) -> Store:
    store = Store(root)
    for sid in ("a", "b", "c"):
        store.save_record(record(sid))
    store.backup()
    return store


# ---------------------------------------------------------------- 1. ids that break the index
@pytest.mark.parametrize(
    "bad", ["a\nb", "a\tb", "a b", "", "../x", "a\x1b[31m", "é" * 3, "x" * 200]
)
def test_an_id_that_could_break_the_index_is_refused_at_the_model(bad: str) -> None:
    doc = record("ok").model_dump(mode="json")
    with pytest.raises(ValueError, match="sessionId"):
        PracticeRecord.model_validate({**doc, "sessionId": bad})
    with pytest.raises(ValueError, match="id"):
        PracticeRecord.model_validate({**doc, "id": bad})


def test_importing_a_record_with_a_newline_in_its_id_is_refused_and_harms_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    _three(data)
    doc = record("x").model_dump(mode="json")
    hostile = tmp_path / "hostile.json"
    bad = {**doc, "sessionId": "evil\n7", "id": "record_evil\n7"}
    hostile.write_text(json.dumps({"format": FORMAT, "version": 1, "records": [bad]}))
    run(["import", str(hostile), "--data-dir", str(data)])
    assert "sessionId" in capsys.readouterr().err
    for command in (["history"], ["doctor"], ["show", "record_a"]):
        assert run([*command, "--data-dir", str(data)]) == 0, command
    Store(data).save_record(record("d"))
    assert sorted(r.sessionId for r in Store(data).records()) == ["a", "b", "c", "d"]


@pytest.mark.parametrize(
    "garbage",
    [
        b"evil\n7\t1\n",
        b"no-tab-here\n",
        b"a\tnotanumber\n",
        b"\xff\xfe\t1\n",
        b"\t\t\n",
        b"x\t-1\n",
    ],
)
def test_any_bytes_in_the_index_are_skipped_and_doctor_rebuilds_it(
    tmp_path: Path, garbage: bytes
) -> None:
    _three(tmp_path)
    with (tmp_path / INDEX).open("ab") as handle:
        handle.write(garbage)
    store = Store(tmp_path)
    assert sorted(r.sessionId for r in store.records()) == ["a", "b", "c"]
    store.save_record(record("d"))
    assert [len(store.copies(s)) for s in "abcd"] == [1, 1, 1, 1]
    findings = {f.path.name: f for f in Store(tmp_path).doctor()}
    assert findings["index.log"].status in ("ok", "repaired")
    assert Store(tmp_path).count_records() == 4


# ------------------------------------------------------ 2. an emptied or deleted segment
@pytest.mark.parametrize("damage", ["empty", "deleted", "cut", "a folder"])
def test_a_segment_emptied_or_deleted_is_said_and_restored_from_backup(
    tmp_path: Path, damage: str
) -> None:
    _three(tmp_path)
    segment = tmp_path / SEGMENT
    if damage == "empty":
        segment.write_bytes(b"")
    elif damage == "deleted":
        segment.unlink()
    elif damage == "a folder":  # a folder where the file was: a raw IsADirectoryError before
        segment.unlink()
        segment.mkdir()
    else:  # valid JSON that lost two of its records
        data = json.loads(segment.read_text())
        data["records"] = {"1": data["records"]["1"]}
        segment.write_text(json.dumps(data))
    with pytest.raises(CorruptDatabase, match="doctor"):
        list(Store(tmp_path).records())
    assert run(["history", "--data-dir", str(tmp_path)]) == 1  # said, never an empty history
    findings = {f.path.name: f for f in Store(tmp_path).doctor()}
    assert findings["seg-000001.json"].status == "repaired"
    assert sorted(r.sessionId for r in Store(tmp_path).records()) == ["a", "b", "c"]


def test_a_folder_where_active_json_should_be_is_said_and_set_aside(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every command died with a raw IsADirectoryError and doctor said "ok" (stop 8's probe)."""
    _three(tmp_path)
    (tmp_path / "active.json").unlink(missing_ok=True)
    (tmp_path / "active.json").mkdir()
    # history still lists the records (and says it); sessions cannot, and says why.
    for command, code in ((["history"], 0), (["sessions"], 1)):
        assert run([*command, "--data-dir", str(tmp_path)]) == code, command
        err = capsys.readouterr().err
        assert "active.json" in err and "ielts doctor" in err and "Traceback" not in err
    findings = {f.path.name: f for f in Store(tmp_path).doctor()}
    assert findings["active.json"].status == "repaired"
    assert "a folder stood where the file should be" in findings["active.json"].detail
    assert [p.name for p in tmp_path.glob("active.json.corrupt-*")] != []
    for command in (["history"], ["sessions"], ["doctor"]):
        assert run([*command, "--data-dir", str(tmp_path)]) == 0, command
    assert sorted(r.sessionId for r in Store(tmp_path).records()) == ["a", "b", "c"]


def test_a_file_where_the_records_folder_should_be_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "records").write_text("x")
    assert run(["history", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'records'} is a file where a folder should be" in err, err


def test_a_backup_holding_records_the_files_lack_is_never_rotated_out(tmp_path: Path) -> None:
    store = _three(tmp_path)
    good = sorted((tmp_path / "backups").glob("seg-000001.json.*.bak"))
    (tmp_path / SEGMENT).write_bytes(b"")  # emptied; then many runs make backups
    for n in range(doctor_module.BACKUPS_KEPT + 3):
        store.save_active(_active(f"s{n}"))
        store.backup()
    assert all(path.exists() for path in good)
    assert [f.status for f in store.doctor() if f.path.name == "seg-000001.json"] == ["repaired"]
    assert sorted(r.sessionId for r in store.records()) == ["a", "b", "c"]


def _active(sid: str):  # type: ignore[no-untyped-def]
    from recorder.session import Session

    return Session(sid, exam_id="e", title="t", url="file:///e.html").snapshot()


# ------------------------------------------------------------- 3. a crash inside doctor
def test_a_crash_inside_doctor_leaves_the_damaged_file_for_the_next_doctor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _three(tmp_path)
    segment = tmp_path / SEGMENT
    segment.write_bytes(b"{torn")
    real = doctor_module.atomic_write

    def crash_on_the_segment(path: Path, data: bytes) -> None:
        if path == segment:
            raise KeyboardInterrupt  # the process dies as the repaired file is written
        real(path, data)

    monkeypatch.setattr(doctor_module, "atomic_write", crash_on_the_segment)
    with pytest.raises(KeyboardInterrupt):
        Store(tmp_path).doctor()
    monkeypatch.setattr(doctor_module, "atomic_write", real)
    assert segment.read_bytes() == b"{torn"  # still there: never moved away before the repair
    assert {f.status for f in Store(tmp_path).doctor()} <= {"ok", "repaired"}
    assert sorted(r.sessionId for r in Store(tmp_path).records()) == ["a", "b", "c"]


# --------------------------------------------- 6. the lock file deleted while two recorders write
def test_deleting_the_lock_file_while_two_recorders_write_loses_nothing(tmp_path: Path) -> None:
    Store(tmp_path)
    stop = threading.Event()

    def unlink_locks() -> None:
        while not stop.is_set():
            for path in tmp_path.glob("*.lock"):
                path.unlink(missing_ok=True)

    vandal = threading.Thread(target=unlink_locks, daemon=True)
    vandal.start()
    codes = save_in_processes(tmp_path, 2, 250)
    stop.set()
    assert codes == [0, 0]
    assert Store(tmp_path).count_records() == 500
    assert len({r.sessionId for r in Store(tmp_path).records()}) == 500


# ------------------------------------------------------------------ 9. torn and malformed files
def test_a_torn_last_index_line_does_not_store_the_record_twice(tmp_path: Path) -> None:
    store = _three(tmp_path)
    index = tmp_path / INDEX
    index.write_bytes(index.read_bytes()[:-2])  # a crash tore the line naming "c"
    again = Store(tmp_path)
    again.save_record(record("c", 9))
    again.save_record(record("e"))
    assert [len(again.copies(s)) for s in ("a", "b", "c", "e")] == [1, 1, 1, 1]
    assert again.get_record("c").score == 9  # type: ignore[union-attr]
    del store


def test_an_interrupted_import_leaves_nothing_doctor_cannot_clean(tmp_path: Path) -> None:
    _three(tmp_path)
    (tmp_path / INDEX).unlink()  # killed after the segment was written, before the index
    stray = [tmp_path / "records" / ".seg-000001.json.k1.tmp", tmp_path / ".active.json.k2.tmp"]
    for path in stray:
        path.write_bytes(b"half")
    findings = Store(tmp_path).doctor()
    assert not any(path.exists() for path in stray)
    assert any("removed 2 unfinished write" in f.detail for f in findings)
    assert Store(tmp_path).count_records() == 3


def test_records_of_the_wrong_shape_are_repaired_not_a_crash(tmp_path: Path) -> None:
    _three(tmp_path)
    segment = tmp_path / SEGMENT
    data = json.loads(segment.read_text())
    data["records"]["2"] = {"no": "sessionId"}
    segment.write_text(json.dumps(data))
    findings = {f.path.name: f for f in Store(tmp_path).doctor()}
    assert findings["seg-000001.json"].status == "repaired"
    assert "wrong shape" in findings["seg-000001.json"].detail
    assert sorted(r.sessionId for r in Store(tmp_path).records()) == ["a", "b", "c"]
    assert list((tmp_path / "records").glob("seg-000001.json.corrupt-*"))  # the odd one kept


def test_invalid_sessions_in_active_json_never_stop_a_command(tmp_path: Path) -> None:
    store = _three(tmp_path)
    store.save_active(_active("fine"))
    data = json.loads((tmp_path / "active.json").read_text())
    data["active_sessions"]["99"] = {"sessionId": "broken", "state": "flying"}
    (tmp_path / "active.json").write_text(json.dumps(data))
    for command in (["history"], ["sessions"], ["stats"]):
        assert run([*command, "--data-dir", str(tmp_path)]) == 0, command
    findings = {f.path.name: f for f in Store(tmp_path).doctor()}
    assert findings["active.json"].status == "repaired"
    assert "1 invalid session" in findings["active.json"].detail
    kept = json.loads((tmp_path / "active.json").read_text())["unreadable"]
    assert [d["sessionId"] for d in kept.values()] == ["broken"]


# ------------------------------------------------------------- 9. a data dir that is read-only
@contextlib.contextmanager
def _read_only(directory: Path) -> Iterator[None]:
    """The directory and everything in it made unwritable, for root too (an immutable flag;
    as another user, the permission bits)."""
    paths = [directory, *sorted(directory.rglob("*"))]
    if os.geteuid() == 0:
        if shutil.which("chattr") is None:
            pytest.skip("chattr is needed to make a directory read-only for root")
        flagged = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True)
        if flagged.returncode:
            pytest.skip(f"this file system has no immutable flag: {flagged.stderr!r}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", *map(str, paths)], check=True)
    else:
        for path in paths:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield
        finally:
            for path in paths:
                path.chmod(0o755 if path.is_dir() else 0o644)


def test_a_read_only_data_dir_reads_and_says_why_it_cannot_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    _three(data)
    other, export = tmp_path / "other", tmp_path / "new.json"
    Store(other).save_record(record("e"))  # a record the read-only store lacks
    assert run(["export", "-o", str(export), "--data-dir", str(other)]) == 0
    Store(data).save_record(record("d"))
    with _read_only(data):
        capsys.readouterr()
        for command in (["history", "--json"], ["show", "record_a"], ["stats"], ["mistakes"]):
            assert run([*command, "--data-dir", str(data)]) == 0, command
        assert run(["history", "--json", "--data-dir", str(data)]) == 0
        shown = capsys.readouterr().out
        assert all(f'"record_{sid}"' in shown for sid in "abcd")
        code = run(["import", str(export), "--data-dir", str(data)])
        err = capsys.readouterr().err
        assert code == 1 and "Traceback" not in err
        assert "cannot be written" in err and "--data-dir" in err
    assert sorted(r.sessionId for r in Store(data).records()) == ["a", "b", "c", "d"]
