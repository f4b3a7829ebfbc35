"""Benchmark figures for SEND Portal. Run through scripts/bench (it prepares the database)."""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_portal.settings.test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Membership, Role, RoleAssignment, User  # noqa: E402
from localities.models import LocalAuthority, Locality, School  # noqa: E402
from pupils.models import NeedType, Pupil, SenStatus  # noqa: E402
from pupils.upn import check_letter  # noqa: E402

BENCH_LA = "941"


def build(pupil_count: int) -> LocalAuthority:
    authority, _created = LocalAuthority.objects.get_or_create(la_code=BENCH_LA, defaults={"name": "Bench Council"})
    if Pupil.objects.filter(local_authority=authority).count() >= pupil_count:
        return authority
    started = time.perf_counter()
    localities = [Locality.objects.get_or_create(local_authority=authority, name=f"Area {i}")[0] for i in range(8)]
    schools = []
    for i in range(200):
        school, _ = School.objects.get_or_create(
            urn=f"8{i:05d}",
            defaults={"local_authority": authority, "establishment_number": f"{2000 + i}", "name": f"School {i:03d}",
                      "phase": "primary", "locality": localities[i % 8]},
        )  # fmt: skip
        schools.append(school)
    needs = list(NeedType.objects.exclude(code="NSA"))
    Pupil.objects.filter(local_authority=authority).delete()
    batch = []
    for n in range(pupil_count):
        school = schools[n % len(schools)]
        batch.append(Pupil(
            local_authority=authority, school=school, upn=_unique_upn(n, school),
            first_name=f"First{n}", last_name=f"Last{n % 997:03d}", date_of_birth=datetime.date(2014, 1, 1),
            nc_year=n % 7, sen_status=SenStatus.SEN_SUPPORT, primary_need=needs[n % len(needs)],
        ))  # fmt: skip
        if len(batch) == 5000:
            Pupil.objects.bulk_create(batch)
            batch = []
    Pupil.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE pupils_pupil")
    print(f"built {pupil_count:,} pupils in 200 schools, 8 localities in {time.perf_counter() - started:.1f} s")
    return authority


def _unique_upn(n: int, school: School) -> str:
    # Serial and year digits vary with n so that every UPN in the tenant is distinct.
    body = f"{BENCH_LA}{school.establishment_number}{n // 200 // 1000 % 100:02d}{n // 200 % 1000:03d}"
    return check_letter(body) + body


def user_with(authority: LocalAuthority, email: str, role: str, **scope: object) -> User:
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email, "bench-password-123", full_name=email
    )
    membership, _ = Membership.objects.get_or_create(user=user, local_authority=authority)
    RoleAssignment.objects.get_or_create(membership=membership, role=role, **scope)  # type: ignore[misc]
    return user


def measure(client: Client, url: str, runs: int = 15) -> tuple[float, float, int]:
    client.get(url)  # warm
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            if response.streaming:  # a streamed export is only built as it is read
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    timings.sort()
    return statistics.median(timings), timings[int(len(timings) * 0.9) - 1], len(queries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pupils", type=int, default=40_000)
    args = parser.parse_args()
    authority = build(args.pupils)
    school = School.objects.filter(local_authority=authority).order_by("name").first()
    locality = Locality.objects.filter(local_authority=authority).order_by("name").first()
    users = {
        "LA officer": user_with(authority, "bench-la@example.org", Role.LA_OFFICER),
        "Area SEND Lead": user_with(authority, "bench-lead@example.org", Role.AREA_SEND_LEAD, locality=locality),
        "SENCO": user_with(authority, "bench-senco@example.org", Role.SENCO, school=school),
    }
    pages = [
        ("home", "/"),
        ("pupil list", "/pupils/"),
        ("pupil list, need filter, by school", "/pupils/?need=ASD&sort=school"),
        ("pupil list, page 50", "/pupils/?page=50"),
        ("pupil list, by next review date", "/pupils/?sort=review"),
        ("register CSV export", "/pupils/export/"),
        ("API pupil list", "/api/v1/pupils/"),
        ("school list", "/schools/"),
    ]
    print(f"\n{'role':<15} {'page':<36} {'median ms':>9} {'p90 ms':>7} {'queries':>7}")
    for role, user in users.items():
        client = Client()
        client.force_login(user)
        for label, url in pages:
            median, p90, queries = measure(client, url)
            print(f"{role:<15} {label:<36} {median:9.1f} {p90:7.1f} {queries:7d}")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN ANALYZE SELECT * FROM pupils_pupil WHERE local_authority_id = %s "
            "ORDER BY last_name, first_name, id LIMIT 25",
            [authority.pk],
        )
        plan = [row[0] for row in cursor.fetchall()]
    print(
        "\nLA-wide pupil list plan: "
        + " | ".join(line.strip() for line in plan if "Scan" in line or "Execution" in line)
    )


if __name__ == "__main__":
    main()
