from __future__ import annotations

import datetime
from typing import Any

from django import forms

from send_portal.forms import GovukDateField, GovukForm


class MeetingForm(GovukForm):
    meets_on = GovukDateField(label="Date", error_messages={"required": "Enter the date of the meeting"})
    starts_at = forms.TimeField(
        label="Start time",
        help_text="Use the 24-hour clock, for example 14:30",
        input_formats=["%H:%M", "%H.%M"],
        error_messages={"required": "Enter the start time", "invalid": "Enter a time like 14:30"},
    )
    venue = forms.CharField(label="Venue", max_length=200, required=False)
    online_link = forms.CharField(label="Or a link to join online", max_length=200, required=False)

    def meets_at(self) -> datetime.datetime:
        from django.utils import timezone

        day: datetime.date = self.cleaned_data["meets_on"]
        time: datetime.time = self.cleaned_data["starts_at"]
        return timezone.make_aware(datetime.datetime.combine(day, time))

    def service_kwargs(self) -> dict[str, Any]:
        return {
            "meets_at": self.meets_at(),
            "venue": self.cleaned_data["venue"],
            "online_link": self.cleaned_data["online_link"],
        }
