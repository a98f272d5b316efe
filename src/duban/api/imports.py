"""Importing a document: upload, preview with unit matches, confirm or cancel. Only administrators
and plan managers may import; to anyone else these routes do not exist (404), as in the HTML."""

# No `from __future__ import annotations`: django-ninja reads the route signatures at runtime.
from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import File, Form, Router, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile
from pydantic import BeforeValidator

from duban.api.auth import caller
from duban.api.schemas import ConfirmIn, DraftOut, Error, PlanDetailOut, UnitMatchOut
from duban.plans.access import (
    access_draft,  # the plan pages' own check: uploader or administrator
    can_import,
    managed_plans,
)
from duban.plans.actions import (
    ImportRejected,
    all_printed_units,
    do_cancel_import,
    do_confirm_import,
    do_upload_file,
)
from duban.plans.models import ImportDraft, Plan
from duban.units.matching import Matcher

router = Router(tags=["导入"])

# A form field has no null: an empty `revises=` or `revises=null` means "not a revision", as the
# schema's nullable integer says. (Written Annotated[…, Form(None)]: Form[…] would make it required.)
OptionalId = Annotated[int | None, BeforeValidator(lambda v: None if v in ("", "null", None) else v)]

NOT_FOUND = "导入不存在或无权访问"


def draft_out(draft: ImportDraft) -> DraftOut:
    matcher = Matcher()
    return DraftOut(
        id=draft.pk,
        status=draft.status,
        status_label=draft.get_status_display(),
        source_name=draft.source.name,
        created_at=draft.created_at,
        revises_id=draft.revises_id,
        result_id=draft.result_id,
        plan=draft.plan_json,
        units=[
            UnitMatchOut(printed=m.printed, how=m.how, unit_id=m.unit_id, unit_name=m.unit_name)
            for m in map(matcher.match, all_printed_units(draft.plan_json))
        ],
    )


@router.post(
    "/imports",
    response={201: DraftOut, 400: Error, 404: Error},
    summary="上传文档",
    description="上传分解方案文档（txt、html、docx、xlsx、pdf 等），提取为待确认的导入。revises：作为哪个方案的新版本。"
    "文件不能导入时返回 400 并说明原因，不保存任何内容。仅系统管理员和方案管理员可用。",
)
def upload_document(
    request: HttpRequest, file: File[UploadedFile], revises: Annotated[OptionalId, Form(None)] = None
) -> Status[DraftOut]:
    user = caller(request)
    if not can_import(user):
        raise Http404(NOT_FOUND)
    base = None
    if revises is not None:
        # The plans the upload form offers to revise: current ones the caller manages.
        base = managed_plans(user).filter(pk=revises).first()
        if base is None:
            raise Http404("方案不存在或无权访问")
    try:
        draft = do_upload_file(file, revises=base, acting_user=user)
    except ImportRejected as exc:
        raise HttpError(400, str(exc)) from exc
    return Status(201, draft_out(draft))


@router.get(
    "/imports/{int:draft_id}",
    response={200: DraftOut, 404: Error},
    summary="导入预览",
    description="提取结果，以及文档中每个单位与单位目录的匹配（同名、别名、近似建议、目录中没有）。只有上传者和系统管理员可见。",
)
def get_draft(request: HttpRequest, draft_id: int) -> DraftOut:
    return draft_out(access_draft(caller(request), draft_id))


@router.post(
    "/imports/{int:draft_id}/confirm",
    response={201: PlanDetailOut, 400: Error, 404: Error},
    summary="确认导入",
    description="按给定的单位对应关系保存为方案（一个事务）。未列出的单位按原文名称：目录中有同名或别名相同的单位即沿用，"
    "否则新建；近似匹配（how=near）不会自动采用，需要时请传入其单位编号。",
)
def confirm_import(request: HttpRequest, draft_id: int, body: ConfirmIn) -> Status[Plan]:
    user = caller(request)
    draft = access_draft(user, draft_id)
    try:
        plan = do_confirm_import(draft, body.units, acting_user=user)
    except ImportRejected as exc:
        raise HttpError(400, str(exc)) from exc
    return Status(201, plan)


@router.post(
    "/imports/{int:draft_id}/cancel", response={200: DraftOut, 400: Error, 404: Error}, summary="取消导入"
)
def cancel_import(request: HttpRequest, draft_id: int) -> DraftOut:
    user = caller(request)
    draft = access_draft(user, draft_id)
    try:
        do_cancel_import(draft, acting_user=user)
    except ImportRejected as exc:
        raise HttpError(400, str(exc)) from exc
    draft.refresh_from_db()
    return draft_out(draft)
