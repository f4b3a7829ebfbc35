from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from send_portal.demo import demo_data_load


class Command(BaseCommand):
    help = (
        "Create the five demo councils, their schools, synthetic pupils, one user per role and each panel's "
        "members and meetings (idempotent)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--allow-production", action="store_true", help="Seed even when DEBUG is off")
        parser.add_argument("--quiet-users", action="store_true", help="Do not print the demo users")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError("Refusing to load demo users with a known password while DEBUG is off")
        password = os.environ.get("DEMO_PASSWORD", "send-portal-demo-2026")
        result = demo_data_load(password=password)
        if options["quiet_users"]:
            return
        self.stdout.write(f"Demo users (password for all: {result.password}):")
        for email, authority, role in result.users:
            self.stdout.write(f"  {email:<42} {role:<26} {authority}")
        self.stdout.write("Panel members besides the chair (the Panel member above chairs each council's panel):")
        for authority, panel, emails in result.panels:
            self.stdout.write(f"  {authority} ({panel}): {', '.join(emails)}")
