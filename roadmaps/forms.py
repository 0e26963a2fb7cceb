from __future__ import annotations

from django import forms
from django.core.validators import URLValidator

from roadmaps.models import (
    Activity,
    Comment,
    CompletionMark,
    Roadmap,
    RoadmapSchool,
    Section,
    TargetIndicator,
)
from schools.models import Organisation
from schools.uploads import EVIDENCE_ALLOWED, EVIDENCE_TYPES, MAX_UPLOAD, MB

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BootstrapMixin:
    """Bootstrap classes on every widget, so errors show beside the field."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            base = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                base = "form-check-input"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {base}".strip()

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid"
        return valid


class RoadmapForm(BootstrapMixin, forms.ModelForm):
    supervised_schools = forms.ModelMultipleChoiceField(
        label="Курируемые школы (ШНОР/ШНСУ)",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    mentor_schools = forms.ModelMultipleChoiceField(
        label="Школы-наставники",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Roadmap
        fields = [
            "owner",
            "level",
            "title",
            "period_start",
            "period_end",
            "approval_kind",
            "approval_number",
            "approval_date",
            "approved_by",
            "approval_text",
            "goal",
            "tasks",
        ]
        widgets = {
            "period_start": DATE_INPUT,
            "period_end": DATE_INPUT,
            "approval_date": DATE_INPUT,
            "title": forms.Textarea(attrs={"rows": 2}),
            "goal": forms.Textarea(attrs={"rows": 3}),
            "tasks": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, owners, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        if self.instance.pk:
            # Saving the header never moves the roadmap to another owner (a department's staff
            # editing a school's roadmap would otherwise take it from the school).
            self.fields["owner"].disabled = True
            self.fields["owner"].queryset = Organisation.objects.filter(pk=self.instance.owner_id)
        owner = self.instance.owner if self.instance.pk else owners.first()
        schools = Organisation.objects.schools()
        if owner is not None and owner.municipality_id:
            schools = schools.filter(municipality_id=owner.municipality_id)
        self.fields["supervised_schools"].queryset = schools
        self.fields["mentor_schools"].queryset = schools
        if self.instance.pk:
            links = list(self.instance.school_links.all())
            self.initial["supervised_schools"] = [
                link.school_id for link in links if link.role == RoadmapSchool.Role.SUPERVISED
            ]
            self.initial["mentor_schools"] = [
                link.school_id for link in links if link.role == RoadmapSchool.Role.MENTOR
            ]

    def clean(self):
        cleaned = super().clean()
        # The period itself is checked by the model (Roadmap.clean: check_period).
        both = set(cleaned.get("supervised_schools") or []) & set(cleaned.get("mentor_schools") or [])
        if both:
            self.add_error(
                "mentor_schools",
                "Школа не может быть одновременно курируемой и наставником: " + ", ".join(map(str, both)),
            )
        return cleaned


IndicatorFormSet = forms.inlineformset_factory(
    Roadmap,
    TargetIndicator,
    fields=["name", "unit", "baseline", "target", "target_date"],
    widgets={"name": forms.Textarea(attrs={"rows": 2, "class": "form-control"}), "target_date": DATE_INPUT},
    extra=1,
    can_delete=True,
)


class RoadmapFilterForm(forms.Form):
    q = forms.CharField(label="Поиск", required=False)
    year = forms.TypedChoiceField(label="Учебный год", required=False, coerce=int, empty_value=None)
    level = forms.ChoiceField(
        label="Уровень", required=False, choices=[("", "Все уровни"), *Roadmap.Level.choices]
    )
    status = forms.ChoiceField(
        label="Статус", required=False, choices=[("", "Все статусы"), *Roadmap.Status.choices]
    )
    school = forms.ModelChoiceField(
        label="Школа", required=False, queryset=Organisation.objects.none(), empty_label="Все школы"
    )
    school_name = forms.CharField(label="Школа", required=False, max_length=200)

    # Above this many schools (a region, the whole country) a list would be thousands of
    # options long: the school is found by its name instead.
    SCHOOL_LIST_LIMIT = 300

    def __init__(self, *args, years: list[int], schools, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "Все годы"), *((y, f"{y}/{y + 1}") for y in years)]
        self.fields["school"].queryset = schools
        self.schools_by_name = schools[: self.SCHOOL_LIST_LIMIT + 1].count() > self.SCHOOL_LIST_LIMIT
        if self.schools_by_name:
            self.fields["school"].widget = forms.HiddenInput()
            self.fields["school_name"].widget.attrs["placeholder"] = "название или номер"
        else:
            del self.fields["school_name"]
        for f in self.fields.values():
            f.widget.attrs["class"] = (
                "form-select form-select-sm"
                if isinstance(f.widget, forms.Select)
                else "form-control form-control-sm"
            )


class ActivityForm(BootstrapMixin, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Shown under the deadline when the text gives no date («По отдельному графику»).
    manual_start = forms.DateField(label="С", required=False, widget=DATE_INPUT)
    manual_end = forms.DateField(label="Срок", required=False, widget=DATE_INPUT)

    def __init__(self, *args, roadmap: Roadmap, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.roadmap = roadmap

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("manual_start"), cleaned.get("manual_end")
        if start and not end:
            self.add_error("manual_end", "Укажите срок.")
        if end and not (self.roadmap.period_start <= end <= self.roadmap.period_end):
            self.add_error(
                "manual_end",
                f"Срок должен быть в периоде дорожной карты: "
                f"{self.roadmap.period_start:%d.%m.%Y} – {self.roadmap.period_end:%d.%m.%Y}.",
            )
        if start and end and start > end:
            self.add_error("manual_start", "Начало позже срока.")
        return cleaned

    class Meta:
        model = Activity
        fields = ["number", "content", "deadline_text", "responsible_text", "expected_result"]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 4}),
            "deadline_text": forms.Textarea(attrs={"rows": 2}),
            "responsible_text": forms.Textarea(attrs={"rows": 2}),
            "expected_result": forms.Textarea(attrs={"rows": 2}),
        }


class SectionForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Section
        fields = ["kind", "number", "title"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}


class ManualDateForm(BootstrapMixin, forms.Form):
    start = forms.DateField(label="С", required=False, widget=DATE_INPUT)
    end = forms.DateField(label="Срок", widget=DATE_INPUT)

    def __init__(self, *args, roadmap: Roadmap, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.roadmap = roadmap

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if end and not (self.roadmap.period_start <= end <= self.roadmap.period_end):
            self.add_error(
                "end",
                f"Срок должен быть в периоде дорожной карты: "
                f"{self.roadmap.period_start:%d.%m.%Y} – {self.roadmap.period_end:%d.%m.%Y}.",
            )
        if start and end and start > end:
            self.add_error("start", "Начало позже срока.")
        return cleaned


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class MarkForm(BootstrapMixin, forms.Form):
    executor = forms.IntegerField(widget=forms.HiddenInput)
    window = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    status = forms.ChoiceField(label="Отметка", choices=CompletionMark.Status.choices)
    completed_on = forms.DateField(label="Дата выполнения", required=False, widget=DATE_INPUT)
    comment = forms.CharField(
        label="Комментарий",
        required=False,
        max_length=CompletionMark._meta.get_field("comment").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    files = MultipleFileField(
        label="Подтверждающие файлы",
        required=False,
        help_text=f"{EVIDENCE_ALLOWED} — до {MAX_UPLOAD // MB} МБ каждый.",
        widget=MultipleFileInput(attrs={"accept": ",".join(EVIDENCE_TYPES)}),
    )
    link = forms.CharField(
        label="Ссылка на сайт школы",
        required=False,
        max_length=1000,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    def clean_link(self) -> str:
        link = self.cleaned_data["link"].strip()
        if link:
            URLValidator(schemes=["http", "https"], message="Введите адрес страницы, начиная с https://")(
                link
            )
        return link

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == CompletionMark.Status.DONE and not cleaned.get("completed_on"):
            self.add_error("completed_on", "Укажите, когда мероприятие выполнено.")
        return cleaned


class ReviewForm(BootstrapMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[("accept", "Принять"), ("return", "Вернуть")], widget=forms.HiddenInput
    )
    comment = forms.CharField(
        label="Комментарий",
        required=False,
        max_length=CompletionMark._meta.get_field("review_comment").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CommentForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label="Комментарий",
        max_length=Comment._meta.get_field("text").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class OrderDocumentForm(BootstrapMixin, forms.Form):
    """The document of an approval or a revision: «Приказ от 16.02.2023 № 206»."""

    kind = forms.ChoiceField(
        label="Вид документа", choices=Roadmap.ApprovalKind.choices, initial=Roadmap.ApprovalKind.ORDER
    )
    number = forms.CharField(label="Номер", max_length=50)
    date = forms.DateField(label="Дата", widget=DATE_INPUT)
    approved_by = forms.CharField(
        label="Кем подписан",
        max_length=300,
        required=False,
        help_text="Должность и фамилия, как в документе.",
    )
    confirm = forms.BooleanField(label="Документ подписан, данные сверены с ним")

    def __init__(self, *args, today, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_number(self) -> str:
        return " ".join(self.cleaned_data["number"].split())

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > self.today:
            raise forms.ValidationError("Дата документа ещё не наступила: укажите дату подписания.")
        if day.year < 2000:
            raise forms.ValidationError("Проверьте год документа.")
        return day


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label="Причина", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(label="Подтверждаю")


class ConfirmForm(BootstrapMixin, forms.Form):
    confirm = forms.BooleanField(label="Подтверждаю")
