"""Banding (a tenant setting, optional): a matrix of need domains, each scored at a level with
descriptors, weighted and summed into a band with an annual tariff above the notional threshold.
Councils publish theirs (Islington, Southend, Essex, Hounslow, Birmingham); all of it is data."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Q

from localities.models import TenantOwned, TenantQuerySet

if TYPE_CHECKING:
    from accounts.scoping import Scope


class TenantWideQuerySet(TenantQuerySet):
    """Scheme configuration: everyone in the tenant may read it (it is how decisions are made)."""

    def visible_to(self, scope: Scope) -> Self:
        return self.in_tenant(scope.local_authority_id)


class BandingDomain(TenantOwned):
    name = models.CharField(max_length=120)
    weight = models.DecimalField(max_digits=5, decimal_places=2, default=1)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "name"], name="banding_domain_unique"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="banding_domain_weight_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class BandingLevel(models.Model):
    domain = models.ForeignKey(BandingDomain, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField()
    descriptor = models.TextField()

    class Meta:
        ordering = ["domain", "level"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "level"], name="banding_level_unique"),
            models.CheckConstraint(condition=Q(level__lte=10), name="banding_level_at_most_10"),
        ]

    def __str__(self) -> str:
        return f"{self.domain.name} level {self.level}"


class Band(TenantOwned):
    """Scores from min_score upwards fall in this band (up to the next band's minimum)."""

    objects = TenantWideQuerySet.as_manager()

    name = models.CharField(max_length=60)
    min_score = models.DecimalField(max_digits=7, decimal_places=2)
    annual_tariff = models.DecimalField("annual amount above the notional threshold", max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["min_score"]
        constraints = [
            models.UniqueConstraint(fields=["local_authority", "name"], name="band_name_unique"),
            models.UniqueConstraint(fields=["local_authority", "min_score"], name="band_min_score_unique"),
            models.CheckConstraint(condition=Q(annual_tariff__gte=0), name="band_tariff_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class RequestScore(TenantOwned):
    """The SENCO's score for one domain on one request, linked to the evidence that supports it."""

    funding_request = models.ForeignKey("funding.FundingRequest", on_delete=models.CASCADE, related_name="scores")
    domain = models.ForeignKey(BandingDomain, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField()
    evidence = models.ForeignKey(
        "pupils.EvidenceItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rationale = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["funding_request", "domain"], name="request_score_one_per_domain")
        ]
