from __future__ import annotations

from datetime import date

from django import forms

from roadmaps.models import Activity, check_period
from schools.models import Organisation
from schools.uploads import MAX_ROWS, MAX_UPLOAD, MB, UnsafeFile, check_size

# A browser's date picker speaks ISO dates whatever the page's language.
DATE_WIDGET = {"format": "%Y-%m-%d", "attrs": {"type": "date", "class": "form-control"}}


# What the file picker offers: every kind ``formats.read_sources`` reads.
IMPORT_ACCEPT = ".docx,.xlsx,.doc,.xls,.rtf,.odt,.ods,.pdf"
ROWS = f"{MAX_ROWS:,}".replace(",", " ")  # «5 000», as Russian writes thousands


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Файл дорожной карты",
        help_text=(
            "Word (.docx, .doc), RTF, OpenDocument (.odt, .ods), Excel (.xlsx, .xls) или PDF с текстовым "
            f"слоем, до {MAX_UPLOAD // MB} МБ и {ROWS} строк."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": IMPORT_ACCEPT}),
    )
    owner = forms.ModelChoiceField(label="Чья дорожная карта", queryset=Organisation.objects.none())

    def __init__(self, *args, owners, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        if owners.count() == 1:
            self.fields["owner"].initial = owners.first()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)  # before a byte of it is read
        except UnsafeFile as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


class ImportHeaderForm(forms.Form):
    title = forms.CharField(
        label="Название", max_length=1000, widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"})
    )
    period_start = forms.DateField(label="Начало периода", widget=forms.DateInput(**DATE_WIDGET))
    period_end = forms.DateField(label="Конец периода", widget=forms.DateInput(**DATE_WIDGET))

    def clean(self):
        cleaned = super().clean()
        check_period(cleaned.get("period_start"), cleaned.get("period_end"))
        return cleaned


def _limit(field: str) -> int:
    return Activity._meta.get_field(field).max_length


class RowForm(forms.Form):
    """One row of the preview: an activity (or sub-row), or a section's heading. Only one
    page's rows are posted at a time, so an import of any size stays under Django's limit of
    form fields."""

    # A section's heading is corrected in «content» too: the shorter limit of the two is not
    # imposed here, the import's own check (``services.too_long``) names the row.
    number = forms.CharField(label="№", max_length=20, required=False)
    content = forms.CharField(
        label="Мероприятие", max_length=_limit("content"), widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = forms.CharField(
        label="Сроки",
        required=False,
        max_length=_limit("deadline_text"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    responsible = forms.CharField(
        label="Ответственный",
        required=False,
        max_length=_limit("responsible_text"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


RowFormSet = forms.formset_factory(RowForm, extra=0, can_delete=True)


class ReportForm(forms.Form):
    """The report's date and its signature block; the view fills in who signs and who compiled
    it as far as the data knows them, the user corrects them."""

    on = forms.DateField(label="По состоянию на", initial=date.today, widget=forms.DateInput(**DATE_WIDGET))
    signer_position = forms.CharField(
        label="Должность подписывающего",
        max_length=300,
        required=False,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": "Начальник управления образования"}
        ),
    )
    signer_name = forms.CharField(
        label="Подписывает",
        max_length=200,
        required=False,
        help_text="Печатается как «И.О. Фамилия». Пустое поле — линия для подписи от руки.",
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": "И.О. Фамилия"}),
    )
    compiler = forms.CharField(
        label="Исполнитель (кто составил отчёт)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    phone = forms.CharField(
        label="Телефон исполнителя",
        max_length=50,
        required=False,
        widget=forms.TextInput(
            attrs={"class": "form-control", "type": "tel", "placeholder": "8 (863) 000-00-00"}
        ),
    )
