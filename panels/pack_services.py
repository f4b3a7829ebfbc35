"""Panel packs: asking for them when the papers are issued (and again for a member who declares a conflict),
and building one version (claiming it, marking its progress, storing the PDF). panels.tasks only calls these;
the PDF itself is panels.documents.pack_pdf."""

from __future__ import annotations

import functools
import logging
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from audit.services import audit_record
from panels.models import PACK_BUILD_TIME_LIMIT, PackStatus, PanelMeeting, PanelPack
from send_portal.builds import build_claim, build_fail, build_progress

logger = logging.getLogger(__name__)

FAILED_MESSAGE = "The papers could not be built. An LA officer can build them again from the meeting page."
TOO_LONG_MESSAGE = "The papers took too long to build. An LA officer can build them again from the meeting page."


def _enqueue(pack_id: int) -> None:
    from panels.tasks import build_panel_pack

    build_panel_pack.delay(pack_id)


def _version(*, actor: Any, meeting: PanelMeeting, excluded: list[int]) -> PanelPack:
    """The current version of the papers that leaves out `excluded`, asked for once (inside the caller's
    transaction, with the meeting row locked); built by Celery after commit."""
    excluded = sorted(set(excluded))
    existing = meeting.packs.filter(superseded=False, excluded_items=excluded).first()
    if existing is not None and existing.status != PackStatus.FAILED:
        return existing
    pack = PanelPack.objects.create(
        local_authority_id=meeting.local_authority_id,
        meeting=meeting,
        excluded_items=excluded,
        pseudonymised=meeting.local_authority.panel_packs_pseudonymised,
        requested_by=actor,
    )
    audit_record(
        actor=actor,
        local_authority_id=meeting.local_authority_id,
        action="pack_requested",
        obj=pack,
        summary=f"Panel pack {pack.pk} for meeting {meeting.pk} asked for, leaving out {len(excluded)} cases",
    )
    # robust: a pack that cannot be queued (or, in-process, fails) must not stop the other after-commit work.
    transaction.on_commit(functools.partial(_enqueue, pack.pk), robust=True)
    return pack


def packs_request(*, actor: Any, meeting: PanelMeeting) -> list[PanelPack]:
    """The full pack, and one version for each different set of conflicts members have declared."""
    from panels.services import member_ids

    wanted: dict[tuple[int, ...], None] = {(): None}
    for user_id in member_ids(panel_id=meeting.panel_id):
        wanted[tuple(member_excluded_items(user_id=user_id, meeting=meeting))] = None
    return [_version(actor=actor, meeting=meeting, excluded=list(excluded)) for excluded in wanted]


def packs_rebuild(*, actor: Any, meeting: PanelMeeting) -> list[PanelPack]:
    """Build every version again (after a failure, or to pick up casework that changed)."""
    meeting.packs.filter(superseded=False).update(superseded=True)
    return packs_request(actor=actor, meeting=meeting)


def member_excluded_items(*, user_id: int, meeting: PanelMeeting) -> list[int]:
    from panels.services import conflicted_item_ids

    return conflicted_item_ids(user_id=user_id, meeting_id=meeting.pk)


def pack_for_member_ensure(*, actor: Any, meeting: PanelMeeting, user_id: int) -> PanelPack:
    return _version(actor=actor, meeting=meeting, excluded=member_excluded_items(user_id=user_id, meeting=meeting))


def pack_for_reader(*, meeting: PanelMeeting, user_id: int, full: bool) -> PanelPack | None:
    """The version this person reads: the full pack for an LA officer, otherwise the one without the cases
    they declared a conflict on. None until it has been asked for."""
    excluded = [] if full else member_excluded_items(user_id=user_id, meeting=meeting)
    return meeting.packs.filter(superseded=False, excluded_items=sorted(excluded)).order_by("-created_at").first()


# Building ---------------------------------------------------------------------------------------------


def pack_claim(*, pack_id: int, task_id: str) -> PanelPack | None:
    """Take the pack for this task (see send_portal.builds); a superseded version is never built."""
    return build_claim(
        PanelPack, pk=pack_id, task_id=task_id, time_limit=PACK_BUILD_TIME_LIMIT, skip=lambda pack: pack.superseded
    )


def pack_progress(*, pack_id: int, progress: int) -> None:
    build_progress(PanelPack, pk=pack_id, progress=progress)


def pack_build(*, pack_id: int, task_id: str) -> str:
    pack = pack_claim(pack_id=pack_id, task_id=task_id)
    if pack is None:
        return "skipped"
    try:
        from panels.documents import pack_pdf

        pdf, pages = pack_pdf(
            meeting_id=pack.meeting_id,
            excluded_item_ids=list(pack.excluded_items),
            pseudonymised=pack.pseudonymised,
            progress=functools.partial(_progress, pack.pk),
        )
        with transaction.atomic():
            locked = PanelPack.objects.select_for_update().get(pk=pack.pk)
            stale = locked.pdf_file.name if locked.pdf_file else ""
            locked.pdf_file.save("pack.pdf", ContentFile(pdf), save=False)
            locked.pages, locked.status, locked.progress, locked.finished_at = (
                pages,
                PackStatus.DONE,
                100,
                timezone.now(),
            )
            locked.save()
            if stale:
                storage = locked.pdf_file.storage
                transaction.on_commit(lambda: storage.delete(stale))
    except SoftTimeLimitExceeded:
        logger.error("Panel pack %s took too long to build", pack_id)
        _fail(pack_id, TOO_LONG_MESSAGE)
        return "failed"
    except Exception:
        logger.exception("Panel pack %s failed", pack_id)
        _fail(pack_id, FAILED_MESSAGE)
        return "failed"
    return "done"


def _progress(pack_id: int, percent: int) -> None:
    pack_progress(pack_id=pack_id, progress=percent)


def _fail(pack_id: int, message: str) -> None:
    build_fail(PanelPack, pk=pack_id, message=message)


def pack_downloaded(*, actor: Any, pack: PanelPack) -> None:
    audit_record(
        actor=actor,
        local_authority_id=pack.local_authority_id,
        action="pack_downloaded",
        obj=pack,
        summary=f"Panel pack {pack.pk} of meeting {pack.meeting_id} downloaded",
    )
