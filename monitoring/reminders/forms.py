from __future__ import annotations

from django import forms

from monitoring.models import NotificationSettings


class NotificationSettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = ["weekly_digest"]
        widgets = {
            "weekly_digest": forms.CheckboxInput(attrs={"class": "form-check-input", "role": "switch"})
        }
