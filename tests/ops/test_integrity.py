"""The start-up check finds (and, for files, repairs) what a killed server can leave behind."""

from __future__ import annotations

from pathlib import Path

from kg.ops.integrity import check
from tests.ops.world import build_world


def test_orphans_are_reported_and_orphan_files_moved_aside(store, tmp_path):
    from assessments import workflow as wf
    from assessments.evidence import Upload, add_evidence
    from kg import accounts

    data = tmp_path / "data"
    world = build_world(store, tmp_path, editors=1)
    assert check(store, data).clean
    actor = wf.Actor.of(accounts.get_user(store, world.editors[0]))
    kept = add_evidence(store, actor, world.assessment, world.criteria[0], kind="file",
                        upload=Upload("a.png", b"\x89PNG\r\n\x1a\n" + b"1" * 50), data_dir=data)
    lost = add_evidence(store, actor, world.assessment, world.criteria[1], kind="file",
                        upload=Upload("b.png", b"\x89PNG\r\n\x1a\n" + b"2" * 50), data_dir=data)
    folder = data / "uploads" / "assessments" / world.assessment
    (folder / lost["stored"]).unlink()  # a node without its file
    stray = folder / "evidence.00000000000000aa.png"
    stray.write_bytes(b"written, then the server died")  # a file without its node
    part = folder / ".evidence.00000000000000bb.png.1234.part"
    part.write_bytes(b"half")
    store.upsert_nodes("QuizAnswer", [{"id": "attempt.gone:question.x", "properties": {
        "attempt": "attempt.gone", "question": "question.x", "user": "user.x", "answered_at": "2026-01-01T00:00:00Z"}}])
    store.upsert_nodes("LessonLearned", [{"id": "lesson.ws-half", "properties": {
        "name": "半条记录", "origin": "workspace", "observation": "o", "lesson": "l", "recommendation": "r"}}])
    report = check(store, data, repair=False)
    assert report.nodes_without_file == [lost["id"]]
    assert report.files_without_node == [f"assessments/{world.assessment}/{stray.name}"]
    assert report.partial_files_removed == [f"assessments/{world.assessment}/{part.name}"]
    assert report.answers_without_attempt == ["attempt.gone:question.x"]
    assert report.lessons_without_links == ["lesson.ws-half"]
    assert stray.exists() and part.exists()  # nothing changed without repair
    repaired = check(store, data, repair=True)
    assert not stray.exists() and not part.exists()
    moved = data / "uploads" / "orphans" / world.assessment / stray.name
    assert moved.read_bytes() == b"written, then the server died"
    assert (folder / kept["stored"]).is_file()  # a good file stays
    assert any("evidence files without a node" in line for line in repaired.lines())
    after = check(store, data, repair=False)
    assert after.files_without_node == [] and after.partial_files_removed == []
    assert after.nodes_without_file == [lost["id"]]  # reported, never deleted by the check
    assert Path(data / "uploads" / "orphans").is_dir()
