from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from schools.invitations.mail import disabled_account
from schools.models import Membership, Organisation
from schools.permissions import roles_grantable


class BootstrapForm(forms.Form):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


def invitable(email: str) -> str:
    """The address an invitation may go to, in lower case: not one whose account is switched
    off (a second account cannot take the address; the old one, with its marks, comes back)."""
    email = email.strip().lower()
    if disabled_account(email) is not None:
        raise ValidationError(
            "У этого адреса есть отключённая учётная запись. Верните ей доступ кнопкой «Вернуть "
            "доступ» в списке учётных записей: отметки и файлы этого человека останутся с ним."
        )
    return email


class InvitationForm(BootstrapForm):
    """Whom to invite, with which role, where: the organisations are those the inviter runs
    (the caller passes them), the role must be one the inviter gives there."""

    email = forms.EmailField(label="Электронная почта", help_text="Она же будет логином.")
    full_name = forms.CharField(label="ФИО", max_length=200, help_text="Например: Иванова Анна Петровна")
    role = forms.ChoiceField(label="Роль")
    organisation = forms.ModelChoiceField(
        label="Организация", queryset=Organisation.objects.none(), empty_label="— выберите —"
    )

    def __init__(self, *args, user, organisations, roles, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["organisation"].queryset = organisations
        self.fields["role"].choices = [(r.value, r.label) for r in Membership.Role if r in roles]

    def clean_email(self) -> str:
        return invitable(self.cleaned_data["email"])

    def clean(self):
        data = super().clean()
        role, organisation = data.get("role"), data.get("organisation")
        if role and organisation and role not in roles_grantable(self.user, organisation):
            label = Membership.Role(role).label
            self.add_error(
                "role", f"Роль «{label}» не выдаётся в организации «{organisation}»: выберите другую роль."
            )
        return data


class DirectorForm(BootstrapForm):
    full_name = forms.CharField(label="ФИО нового директора", max_length=200)
    email = forms.EmailField(
        label="Электронная почта", help_text="На неё придёт приглашение; она же будет логином."
    )

    def clean_email(self) -> str:
        return invitable(self.cleaned_data["email"])


class AcceptForm(BootstrapForm):
    """The password of a new account, twice, checked by Django's validators."""

    password1 = forms.CharField(
        label="Пароль",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="Не короче 8 символов, не только цифры, не похож на ваше имя и адрес почты.",
    )
    password2 = forms.CharField(
        label="Пароль ещё раз",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, account=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.account = account

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "Пароли не совпадают.")
        elif first:
            try:
                validate_password(first, user=self.account)
            except ValidationError as error:
                self.add_error("password1", error)
        return data
