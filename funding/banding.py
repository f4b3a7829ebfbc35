"""Banding rules: weighted scores to an indicative band and tariff; a decided band that differs needs
a recorded reason. Reads and writes kept together: one small concern."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.scoping import Scope, access
from audit.services import audit_record
from funding.banding_models import Band, BandingDomain, BandingLevel, RequestScore
from funding.models import FundingRequest, RequestStatus
from pupils.models import EvidenceItem


def band_for_score(*, local_authority_id: int, score: Decimal) -> Band | None:
    return (
        Band.objects.filter(local_authority_id=local_authority_id, min_score__lte=score).order_by("-min_score").first()
    )


def matrix(*, local_authority_id: int) -> list[BandingDomain]:
    """The tenant's domains with their levels (two queries)."""
    return list(BandingDomain.objects.filter(local_authority_id=local_authority_id).prefetch_related("levels"))


def uses_banding(*, local_authority_id: int) -> bool:
    return Band.objects.filter(local_authority_id=local_authority_id).exists()


@dataclass(frozen=True)
class BandingSummary:
    rows: list[tuple[BandingDomain, RequestScore | None, str]]  # domain, score, descriptor of the level
    score: Decimal
    indicative: Band | None
    decided: Band | None
    override_reason: str

    @property
    def complete(self) -> bool:
        return all(score is not None for _, score, _ in self.rows)

    @property
    def not_scored(self) -> list[str]:
        return [domain.name for domain, score, _ in self.rows if score is None]


def scores_complete_check(*, funding_request: FundingRequest) -> None:
    """Where the council uses banding, a pupil's request is submitted only with every need domain scored,
    so the indicative band the decision-maker sees is the whole picture. Refused in plain words."""
    if funding_request.pupil_id is None or not uses_banding(local_authority_id=funding_request.local_authority_id):
        return
    missing = banding_summary(funding_request=funding_request).not_scored
    if missing:
        domains = ", ".join(missing[:-1]) + (" and " if len(missing) > 1 else "") + missing[-1]
        raise ValidationError(
            {
                "__all__": f"Score the pupil's needs in every domain of {funding_request.local_authority.name}'s "
                f"banding before you submit: {domains} {'is' if len(missing) == 1 else 'are'} not scored yet."
            }
        )


def banding_summary(*, funding_request: FundingRequest) -> BandingSummary:
    domains = matrix(local_authority_id=funding_request.local_authority_id)
    scores = {s.domain_id: s for s in funding_request.scores.select_related("evidence")}
    rows = []
    total = Decimal("0")
    for domain in domains:
        score = scores.get(domain.pk)
        descriptor = ""
        if score is not None:
            total += domain.weight * score.level
            descriptor = next((lv.descriptor for lv in domain.levels.all() if lv.level == score.level), "")
        rows.append((domain, score, descriptor))
    return BandingSummary(
        rows=rows,
        score=total,
        indicative=funding_request.indicative_band,
        decided=funding_request.decided_band,
        override_reason=funding_request.band_override_reason,
    )


def request_scores_save(
    *, actor: Any, scope: Scope, request_id: int, levels: dict[int, tuple[int, int | None, str]]
) -> FundingRequest:
    """The SENCO scores each domain (level, supporting evidence, why) on a draft; the indicative band
    follows from the weighted total."""
    with transaction.atomic():
        funding_request = access(FundingRequest, scope, request_id, for_edit=True, lock=True)
        if funding_request.status != RequestStatus.DRAFT:
            raise ValidationError("Scores can only be changed while the request is a draft")
        domains = matrix(local_authority_id=funding_request.local_authority_id)
        errors: dict[str, str] = {}
        evidence_ids = (
            set(EvidenceItem.objects.filter(cycle__pupil=funding_request.pupil).values_list("pk", flat=True))
            if funding_request.pupil is not None
            else set()
        )
        for domain in domains:
            level, evidence_id, _ = levels.get(domain.pk) or (None, None, "")
            if level is None or level not in {lv.level for lv in domain.levels.all()}:
                errors[f"level_{domain.pk}"] = f"Select a level for {domain.name.lower()}"
            if evidence_id is not None and evidence_id not in evidence_ids:
                errors[f"evidence_{domain.pk}"] = "Select evidence recorded for this pupil"
        if errors:
            raise ValidationError(errors)
        total = Decimal("0")
        for domain in domains:
            level, evidence_id, rationale = levels[domain.pk]
            RequestScore.objects.update_or_create(
                funding_request=funding_request,
                domain=domain,
                defaults={
                    "local_authority_id": funding_request.local_authority_id,
                    "level": level,
                    "evidence_id": evidence_id,
                    "rationale": rationale.strip(),
                },
            )
            total += domain.weight * level
        funding_request.indicative_band = band_for_score(
            local_authority_id=funding_request.local_authority_id, score=total
        )
        funding_request.save(update_fields=["indicative_band", "updated_at"])
        audit_record(
            actor=actor,
            local_authority_id=funding_request.local_authority_id,
            action="request_scored",
            obj=funding_request,
            summary=f"Banding scores saved: total {total}, indicative band {funding_request.indicative_band or 'none'}",
        )
    return funding_request


def band_decision_check(*, funding_request: FundingRequest, band_id: int | None, reason: str) -> Band | None:
    """Validate the decided band: the tenant's own; a reason when it differs from the indicative one."""
    if band_id is None:
        return funding_request.indicative_band
    band = Band.objects.filter(pk=band_id, local_authority_id=funding_request.local_authority_id).first()
    if band is None:
        raise ValidationError({"band": "Select one of the council's bands"})
    if band != funding_request.indicative_band and not reason.strip():
        raise ValidationError({"band_reason": "Enter why you set a different band from the indicative one"})
    return band


def level_choices(domain: BandingDomain) -> list[BandingLevel]:
    return list(domain.levels.all())


def banding_domain_add(*, actor: Any, scope: Scope, name: str, weight: Decimal, levels: list[str]) -> BandingDomain:
    """An LA officer adds a need domain with its level descriptors (level 0 first)."""
    from accounts.models import Role

    if not scope.has_role(Role.LA_OFFICER):
        raise ValidationError("Only LA officers configure banding")
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter the name of the need domain"
    elif BandingDomain.objects.filter(local_authority_id=scope.local_authority_id, name__iexact=name.strip()).exists():
        errors["name"] = "There is already a domain with this name"
    if weight <= 0:
        errors["weight"] = "Weight must be more than 0"
    descriptors = [text.strip() for text in levels if text.strip()]
    if len(descriptors) < 2:
        errors["levels"] = "Describe at least two levels, one a line, starting with level 0"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        order = BandingDomain.objects.filter(local_authority_id=scope.local_authority_id).count()
        domain = BandingDomain.objects.create(
            local_authority_id=scope.local_authority_id, name=name.strip(), weight=weight, sort_order=order
        )
        BandingLevel.objects.bulk_create(
            BandingLevel(domain=domain, level=index, descriptor=text) for index, text in enumerate(descriptors)
        )
        audit_record(
            actor=actor,
            local_authority_id=scope.local_authority_id,
            action="banding_domain_added",
            obj=domain,
            summary=f"Banding domain {domain.pk} added with {len(descriptors)} levels",
        )
    return domain


def band_add(*, actor: Any, scope: Scope, name: str, min_score: Decimal, annual_tariff: Decimal) -> Band:
    from accounts.models import Role

    if not scope.has_role(Role.LA_OFFICER):
        raise ValidationError("Only LA officers configure banding")
    errors: dict[str, str] = {}
    bands = Band.objects.filter(local_authority_id=scope.local_authority_id)
    if not name.strip():
        errors["name"] = "Enter the name of the band"
    elif bands.filter(name__iexact=name.strip()).exists():
        errors["name"] = "There is already a band with this name"
    if min_score < 0:
        errors["min_score"] = "The lowest score cannot be negative"
    elif bands.filter(min_score=min_score).exists():
        errors["min_score"] = "Another band already starts at this score"
    if annual_tariff < 0:
        errors["annual_tariff"] = "The tariff cannot be negative"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        band = Band.objects.create(
            local_authority_id=scope.local_authority_id,
            name=name.strip(),
            min_score=min_score,
            annual_tariff=annual_tariff,
        )
        audit_record(
            actor=actor,
            local_authority_id=scope.local_authority_id,
            action="band_added",
            obj=band,
            summary=f"Band {band.pk} added from score {min_score}",
        )
    return band
