"""Evidence attached to an answer: a note, a date (when an activity was done), a document
reference, or an uploaded file.

Uploaded files are stored **outside the web root**, under ``CEM_DATA_DIR/uploads/assessments/
<assessment id>/<evidence id><ext>`` — the stored name never comes from the user — and are
served only through ``evidence_file`` (which checks the reader may see the assessment).

Limits: at most ``max_bytes`` (the web app passes ``CEM_UPLOAD_MAX_BYTES``; default 10 MiB), non-empty,
and one of PDF, PNG, JPEG, Word (.docx) or Excel (.xlsx) — checked by extension *and* by the
file's content (magic bytes; Office files must be the matching OOXML package).  Anything else
raises ``EvidenceRejected`` and nothing is stored.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from assessments.errors import N_, AnswerInvalid, EvidenceRejected, InvalidState, Message, NotAllowed, NotFound
from assessments.scoring import NOTE_MAX, check_date
from assessments.workflow import (
    EDITABLE,
    Actor,
    AssessmentRecord,
    _clean,
    _wrong_state,
    can_edit,
    can_view,
    get_assessment,
    load_view,
    now_iso,
)
from kg.store.base import ID_RE, GraphStore

#: Simplified Chinese labels (msgids: pages show them translated).
KINDS = {"note": N_("说明"), "date": N_("日期记录"), "document": N_("文件索引"), "file": N_("上传文件")}
MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # the default; the web app passes its setting
REFERENCE_MAX = 300
#: extension -> (MIME type, description)
ALLOWED_TYPES = {
    ".pdf": ("application/pdf", "PDF"),
    ".png": ("image/png", "PNG 图片"),
    ".jpg": ("image/jpeg", "JPEG 图片"),
    ".jpeg": ("image/jpeg", "JPEG 图片"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格"),
}
ALLOWED_DESCRIPTION = Message(N_("PDF、PNG、JPEG、Word（.docx）、Excel（.xlsx）"))


@dataclass(frozen=True)
class Upload:
    """A file as received: its name as the user's computer called it, and its bytes (or stream)."""

    filename: str
    data: bytes | IO[bytes]

    def read(self, limit: int) -> bytes:
        if isinstance(self.data, (bytes, bytearray)):
            return bytes(self.data)
        return self.data.read(limit + 1)


def upload_root(data_dir: str | Path | None = None) -> Path:
    """The data folder uploads live under (the ``CEM_DATA_DIR`` setting unless given)."""
    if data_dir:
        return Path(data_dir)
    from kg.settings import get_settings

    return get_settings().data_dir


def _folder(root: Path, assessment_id: str) -> Path:
    if not ID_RE.match(assessment_id) or "/" in assessment_id or assessment_id.startswith("."):
        raise NotFound(N_("无效的自评编号"))
    base = (root / "uploads" / "assessments").resolve()
    folder = (base / assessment_id).resolve()
    if base not in folder.parents:
        raise NotFound(N_("无效的自评编号"))
    return folder


def safe_display_name(filename: str) -> str:
    """The user's file name, reduced to something safe to show and to offer as a download name:
    no folders, no control or format characters (bidi overrides such as U+202E would show
    ``evil\u202egpj.pdf`` as "evilfdp.jpg"), none of ``"<>|:*?``, at most 120 characters."""
    name = unicodedata.normalize("NFKC", str(filename or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    name = re.sub(r"[\"<>|:*?]", "", name).strip().strip(".") or "file"
    stem, dot, ext = name.rpartition(".")
    if dot and len(name) > 120:
        name = stem[: 120 - len(ext) - 1] + "." + ext
    return name[:120]


def sniff(data: bytes, ext: str) -> bool:
    """Does the content match the extension?"""
    if ext == ".pdf":
        return data.startswith(b"%PDF-")
    if ext == ".png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in (".jpg", ".jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if ext in (".docx", ".xlsx"):
        if not data.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return False
        part = "word/document.xml" if ext == ".docx" else "xl/workbook.xml"
        return "[Content_Types].xml" in names and part in names
    return False


def size_text(n: int) -> str:
    """A size as people read it: 10 MB, 512 KB (1 MB = 1024 × 1024 bytes)."""
    return f"{n / (1024 * 1024):.3g} MB" if n >= 1024 * 1024 else f"{n / 1024:.3g} KB"


def check_upload(upload: Upload, *, max_bytes: int = MAX_UPLOAD_BYTES) -> tuple[bytes, str, str, str]:
    """(bytes, extension, MIME type, display name) of an acceptable upload, else EvidenceRejected."""
    display = safe_display_name(upload.filename)
    ext = ("." + display.rsplit(".", 1)[-1].lower()) if "." in display else ""
    if ext not in ALLOWED_TYPES:
        if not ext:
            raise EvidenceRejected(N_("不支持没有扩展名的文件：只接受 %(allowed)s"), status=415, allowed=ALLOWED_DESCRIPTION)
        raise EvidenceRejected(N_("不支持的文件类型 %(ext)s：只接受 %(allowed)s"), status=415, ext=ext,
                               allowed=ALLOWED_DESCRIPTION)
    data = upload.read(max_bytes)
    if len(data) > max_bytes:
        raise EvidenceRejected(N_("文件过大：上限为 %(limit)s"), status=413, limit=size_text(max_bytes))
    if not data:
        raise EvidenceRejected(N_("文件是空的"))
    if not sniff(data, ext):
        raise EvidenceRejected(N_("文件内容与扩展名 %(ext)s 不符：只接受真正的 %(allowed)s 文件"), status=415, ext=ext,
                               allowed=ALLOWED_DESCRIPTION)
    return data, ext, ALLOWED_TYPES[ext][0], display


def add_evidence(store: GraphStore, actor: Actor, assessment_id: str, criterion_id: str, *, kind: str,
                 text: str | None = None, date_done: Any = None, reference: str | None = None,
                 upload: Upload | None = None, data_dir: str | Path | None = None,
                 max_bytes: int = MAX_UPLOAD_BYTES, now: datetime | None = None,
                 today: date | None = None) -> dict:
    """Attach evidence to one criterion of an editable assessment (community members only).

    kinds: ``note`` (text), ``date`` (the date an activity was done, with a note — recurring
    requirements take their last date from these), ``document`` (a reference: title, number or
    where it is kept), ``file`` (an upload).  Returns the stored Evidence properties."""
    view = get_assessment(store, actor, assessment_id)
    if not can_edit(actor, view.record):
        raise NotAllowed(N_("只有本社区的用户可以添加佐证材料"))
    c = view.checklist.criterion(criterion_id)
    if view.record.status not in EDITABLE:
        raise _wrong_state(view.record)
    if kind not in KINDS:
        raise AnswerInvalid(N_("未知的材料类型 %(kind)s"), kind=repr(str(kind)[:20]))
    text = (text or "").strip() if isinstance(text, str) or text is None else str(text)
    if len(text) > NOTE_MAX:
        raise AnswerInvalid(N_("说明不能超过 %(max)s 字"), max=NOTE_MAX)
    reference = (reference or "").strip() if isinstance(reference, str) or reference is None else str(reference)
    if len(reference) > REFERENCE_MAX:
        raise AnswerInvalid(N_("文件索引不能超过 %(max)s 字"), max=REFERENCE_MAX)
    when = check_date(date_done, Message(N_("日期")), today=today)
    evidence_id = f"evidence.{secrets.token_hex(8)}"
    props: dict[str, Any] = {"assessment": assessment_id, "criterion": c.id, "kind": kind,
                             "created_by": actor.id, "created_at": now_iso(now)}
    if kind == "note" and not text:
        raise AnswerInvalid(N_("请填写说明内容"))
    if kind == "date" and not when:
        raise AnswerInvalid(N_("请填写日期"))
    if kind == "document" and not reference:
        raise AnswerInvalid(N_("请填写文件名称、文号或存放位置"))
    if kind != "file" and upload is not None:
        raise AnswerInvalid(N_("只有“上传文件”类型可以附带文件"))
    for key, value in (("text", text), ("date", when), ("reference", reference)):
        if value:
            props[key] = value
    path: Path | None = None
    if kind == "file":
        if upload is None:
            raise EvidenceRejected(N_("请选择要上传的文件"))
        data, ext, mime, display = check_upload(upload, max_bytes=max_bytes)
        root = upload_root(data_dir)
        folder = _folder(root, assessment_id)
        for part in (root / "uploads", root / "uploads" / "assessments", folder):
            part.mkdir(mode=0o700, exist_ok=True, parents=True)  # readable by the app's user only
        stored = evidence_id + ext
        path = folder / stored
        tmp = folder / f".{stored}.{secrets.token_hex(4)}.part"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise EvidenceRejected(N_("文件无法保存（%(reason)s），未作任何更改；请联系管理员检查存储空间和权限"),
                                   status=507, reason=exc.strerror or type(exc).__name__) from None
        props.update({"filename": display, "stored": stored, "content_type": mime, "size": len(data),
                      "sha256": hashlib.sha256(data).hexdigest()})
    try:
        rows = store.run_write("assessment_add_evidence", assessment=assessment_id, criterion=c.id, id=evidence_id,
                               props=props, statuses=list(EDITABLE))
    except Exception:
        if path is not None:
            path.unlink(missing_ok=True)
        raise
    if not rows:
        if path is not None:
            path.unlink(missing_ok=True)
        raise _wrong_state(load_view(store, assessment_id, view.checklist).record)
    return dict(props, id=evidence_id)


def _evidence(store: GraphStore, evidence_id: str) -> tuple[dict, AssessmentRecord]:
    if not isinstance(evidence_id, str) or not ID_RE.match(evidence_id):
        raise NotAllowed(N_("没有这份材料，或你无权查看"))
    rows = store.run_read("assessment_evidence_get", id=evidence_id)
    if not rows:
        raise NotAllowed(N_("没有这份材料，或你无权查看"))
    return dict(_clean(rows[0]["evidence"])), AssessmentRecord.from_props(rows[0]["assessment"])


def delete_evidence(store: GraphStore, actor: Actor, evidence_id: str, *, data_dir: str | Path | None = None) -> dict:
    """Remove evidence (and its file) from an editable assessment (community members only)."""
    evidence, record = _evidence(store, evidence_id)
    if not can_edit(actor, record):
        raise NotAllowed(N_("只有本社区的用户可以删除佐证材料"))
    if record.status not in EDITABLE:
        raise _wrong_state(record)
    rows = store.run_write("assessment_delete_evidence", assessment=record.id, id=evidence_id,
                           statuses=list(EDITABLE))
    if not rows or not rows[0].get("deleted"):
        raise InvalidState(N_("材料没有删除：自评状态已改变，请刷新页面"))
    if evidence.get("stored"):
        (_folder(upload_root(data_dir), record.id) / evidence["stored"]).unlink(missing_ok=True)
    return evidence


def evidence_file(store: GraphStore, actor: Actor, evidence_id: str, *,
                  data_dir: str | Path | None = None) -> tuple[Path, str, str]:
    """(path, MIME type, download name) of an uploaded file, for users who may see its assessment."""
    evidence, record = _evidence(store, evidence_id)
    community = store.get_node(record.community)
    if not can_view(store, actor, record, community["properties"] if community else None):
        raise NotAllowed(N_("没有这份材料，或你无权查看"))
    stored = evidence.get("stored")
    if evidence.get("kind") != "file" or not stored or not re.fullmatch(r"evidence\.[0-9a-f]{16}\.[a-z]{3,4}", stored):
        raise NotFound(N_("这份材料没有附件"))
    path = _folder(upload_root(data_dir), record.id) / stored
    if not path.is_file():
        raise NotFound(N_("附件文件已不存在"))
    return path, evidence.get("content_type") or "application/octet-stream", evidence.get("filename") or stored


__all__ = [
    "ALLOWED_TYPES",
    "KINDS",
    "MAX_UPLOAD_BYTES",
    "Upload",
    "add_evidence",
    "check_upload",
    "delete_evidence",
    "evidence_file",
    "safe_display_name",
]
