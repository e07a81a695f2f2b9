"""Evidence: notes, dates, document references and uploads (type and size limits, stored
outside the web root, served only to those who may see the assessment)."""

from __future__ import annotations

import io
import zipfile

import pytest

from assessments import workflow as wf
from assessments.errors import AnswerInvalid, EvidenceRejected, InvalidState, NotAllowed
from assessments.evidence import Upload, add_evidence, delete_evidence, evidence_file

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def docx_bytes() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


@pytest.fixture
def draft(world):
    return wf.open_assessment(world.store, world.alice, "community.a")


def uploads(tmp_path):
    return sorted(p.name for p in (tmp_path / "uploads").rglob("*") if p.is_file()) if (tmp_path / "uploads").exists() else []


def test_notes_dates_and_references(world, draft, tmp_path):
    s = world.store
    add_evidence(s, world.alice, draft.id, "crit.dc2020.1-1", kind="note", text="领导小组名单已公示")
    add_evidence(s, world.alice, draft.id, "crit.dc2020.1-1", kind="date", date_done="2025-03-02", text="年度会议")
    add_evidence(s, world.alice, draft.id, "crit.dc2020.3-1", kind="document", reference="社区综合应急预案（2025版）")
    view = wf.get_assessment(s, world.bob, draft.id)
    assert [e["kind"] for e in view.evidence_for("crit.dc2020.1-1")] == ["note", "date"]
    assert view.evidence_for("crit.dc2020.3-1")[0]["reference"] == "社区综合应急预案（2025版）"
    assert view.record.version == 1  # evidence is added, nothing is overwritten: no version bump
    for kwargs in ({"kind": "note", "text": ""}, {"kind": "date", "date_done": "2025-13-01"},
                   {"kind": "document"}, {"kind": "video"}, {"kind": "note", "text": "x" * 2001}):
        with pytest.raises(AnswerInvalid):
            add_evidence(s, world.alice, draft.id, "crit.dc2020.1-1", **kwargs)
    with pytest.raises(AnswerInvalid):
        add_evidence(s, world.alice, draft.id, "crit.tampered", kind="note", text="x")
    assert len(wf.get_assessment(s, world.alice, draft.id).evidence) == 3


def test_upload_is_stored_outside_the_web_root_and_served_to_authorised_users(world, draft, tmp_path):
    s = world.store
    ev = add_evidence(s, world.alice, draft.id, "crit.dc2020.3-1", kind="file",
                      upload=Upload("../../预案 扫描件.pdf", PDF), text="预案扫描件", data_dir=tmp_path)
    assert ev["filename"] == "预案 扫描件.pdf" and ev["size"] == len(PDF) and ev["content_type"] == "application/pdf"
    path, mime, name = evidence_file(s, world.bob, ev["id"], data_dir=tmp_path)
    assert path.read_bytes() == PDF and mime == "application/pdf" and name == "预案 扫描件.pdf"
    assert path.parent == (tmp_path / "uploads" / "assessments" / draft.id).resolve()
    assert path.name == ev["id"] + ".pdf"          # the stored name never comes from the user
    with pytest.raises(NotAllowed):
        evidence_file(s, world.carol, ev["id"], data_dir=tmp_path)   # another community
    with pytest.raises(NotAllowed):
        evidence_file(s, world.rita, ev["id"], data_dir=tmp_path)    # a draft: not for reviewers yet
    docx = add_evidence(s, world.alice, draft.id, "crit.dc2020.3-1", kind="file",
                        upload=Upload("预案.docx", docx_bytes()), data_dir=tmp_path)
    assert docx["content_type"].endswith("wordprocessingml.document")


@pytest.mark.parametrize("name, data, fragment", [
    ("big.pdf", PDF + b"0" * 2048, "过大"),
    ("script.html", b"<script>alert(1)</script>", "不支持"),
    ("evil.exe", b"MZ\x90\x00", "不支持"),
    ("noext", PDF, "不支持"),
    ("fake.pdf", b"<html>not a pdf</html>", "不符"),
    ("fake.png", PDF, "不符"),
    ("fake.docx", b"PK\x03\x04garbage", "不符"),
    ("empty.pdf", b"", "空"),
])
def test_bad_uploads_are_refused_and_nothing_is_stored(world, draft, tmp_path, name, data, fragment):
    with pytest.raises(EvidenceRejected) as err:
        add_evidence(world.store, world.alice, draft.id, "crit.dc2020.3-1", kind="file", upload=Upload(name, data),
                     data_dir=tmp_path, max_bytes=1024)
    assert fragment in str(err.value)
    assert uploads(tmp_path) == []
    assert wf.get_assessment(world.store, world.alice, draft.id).evidence == []


def test_only_members_add_or_delete_and_only_while_editable(world, draft, tmp_path):
    s = world.store
    with pytest.raises(NotAllowed):
        add_evidence(s, world.carol, draft.id, "crit.dc2020.1-1", kind="note", text="x")
    ev = add_evidence(s, world.alice, draft.id, "crit.dc2020.3-1", kind="file", upload=Upload("a.png", PNG),
                      data_dir=tmp_path)
    with pytest.raises(NotAllowed):
        delete_evidence(s, world.carol, ev["id"], data_dir=tmp_path)
    delete_evidence(s, world.bob, ev["id"], data_dir=tmp_path)
    assert uploads(tmp_path) == [] and wf.get_assessment(s, world.alice, draft.id).evidence == []
    # After submission nothing can be added or removed.
    from assessments.checklist import load_checklist
    from tests.assessment.test_workflow import full_answers

    kept = add_evidence(s, world.alice, draft.id, "crit.dc2020.1-1", kind="note", text="保留")
    wf.save_answers(s, world.alice, draft.id, full_answers(load_checklist(s)), expected_version=1)
    wf.submit(s, world.alice, draft.id, expected_version=2)
    with pytest.raises(InvalidState):
        add_evidence(s, world.alice, draft.id, "crit.dc2020.1-1", kind="note", text="迟到")
    with pytest.raises(InvalidState):
        delete_evidence(s, world.alice, kept["id"], data_dir=tmp_path)
    assert [e["text"] for e in wf.get_assessment(s, world.rita, draft.id).evidence] == ["保留"]
