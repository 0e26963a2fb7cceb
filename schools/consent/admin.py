"""The consent texts and acceptances in the admin (registered from ``schools/admin.py``).

A published version is never edited: people accepted that very text, and changing it in place
would falsify what they accepted. The superuser adds a new version instead (the form starts from
the text in force), and everyone is asked again. Acceptances are read only."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Count

from schools.consent.queries import current_text
from schools.consent.services import consent_text_publish
from schools.models import ConsentAcceptance, ConsentText

PLACEHOLDER_WARNING = (
    "В действующем тексте согласия остались места для заполнения в квадратных скобках "
    "(наименование, адрес, электронная почта оператора). Впишите их и опубликуйте новую редакцию."
)


class _SuperuserOnly:
    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ConsentTextForm(forms.ModelForm):
    class Meta:
        model = ConsentText
        fields = ["text"]
        help_texts = {
            "text": "Новая редакция заменит действующую: каждый пользователь при следующем запросе "
            "увидит её и даст согласие заново. Слова в квадратных скобках замените сведениями оператора."
        }

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        in_force = current_text()
        if in_force is not None and in_force.text.strip() == text:
            raise forms.ValidationError(
                "Текст не изменился: новая редакция не нужна, и пользователей не придётся спрашивать заново."
            )
        return text


@admin.register(ConsentText)
class ConsentTextAdmin(_SuperuserOnly, admin.ModelAdmin):
    form = ConsentTextForm
    list_display = ["__str__", "published_at", "published_by", "acceptance_count"]
    list_select_related = ["published_by"]
    readonly_fields = ["text", "published_at", "published_by"]

    def has_add_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(acceptances_count=Count("acceptances"))

    @admin.display(description="дали согласие", ordering="acceptances_count")
    def acceptance_count(self, obj) -> int:
        return obj.acceptances_count

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else ["text"]

    def get_changeform_initial_data(self, request) -> dict:
        in_force = current_text()
        return {"text": in_force.text if in_force else ""}

    def save_model(self, request, obj, form, change) -> None:
        consent_text_publish(version=obj, by=request.user)

    def response_add(self, request, obj, post_url_continue=None):
        self.message_user(
            request,
            "Новая редакция согласия опубликована: пользователи дадут согласие заново.",
            messages.SUCCESS,
        )
        return super().response_add(request, obj, post_url_continue)

    def changelist_view(self, request, extra_context=None):
        in_force = current_text()
        if in_force is not None and "[" in in_force.text:
            self.message_user(request, PLACEHOLDER_WARNING, messages.WARNING)
        return super().changelist_view(request, extra_context)


@admin.register(ConsentAcceptance)
class ConsentAcceptanceAdmin(_SuperuserOnly, admin.ModelAdmin):
    list_display = ["user", "text", "accepted_at", "address"]
    list_filter = ["text"]
    search_fields = ["user__username", "user__last_name", "user__first_name", "user__email"]
    list_select_related = ["user", "text"]
    date_hierarchy = "accepted_at"

    def has_add_permission(self, request) -> bool:
        return False
