"""Schools, people and users in and out of the admin as CSV or XLSX (django-import-export).

Columns are named in Russian, as a department keeps its lists. A row that cannot be
read (unknown region, municipality or organisation, a bad choice, a missing name) is
reported with its number and the reason; nothing is saved until every row is good.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from import_export import fields, resources, widgets

from schools.models import AccessEvent, Membership, Municipality, Organisation, Person, Region


def _text(attribute: str, column: str) -> fields.Field:
    """A text column: an empty cell is the empty text the portal stores for it. Without this an
    empty XLSX cell reads as None, and the admin could not import its own export of a school
    with no short name («NOT NULL constraint failed»)."""
    return fields.Field(attribute, column, widget=widgets.CharWidget(allow_blank=True))


class _LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key by name, with a Russian message when nothing (or too much) matches."""

    not_found = "не найдено: «{value}»"

    def clean(self, value, row=None, **kwargs):
        if not value:
            return None
        matches = list(self.get_queryset(value, row or {}).filter(**{self.field: str(value).strip()})[:2])
        if not matches:
            raise ValueError(self.not_found.format(value=value, **_row(row)))
        if len(matches) > 1:
            raise ValueError(f"несколько совпадений для «{value}»: укажите муниципалитет")
        return matches[0]


def _row(row) -> dict[str, str]:
    row = row or {}
    return {"region": row.get("Регион", ""), "municipality": row.get("Муниципалитет", "")}


class RegionWidget(_LookupWidget):
    not_found = "регион не найден: «{value}»"

    def __init__(self) -> None:
        super().__init__(Region, "name")


class MunicipalityWidget(_LookupWidget):
    not_found = "муниципалитет «{value}» не найден в регионе «{region}»"

    def __init__(self) -> None:
        super().__init__(Municipality, "name")

    def get_queryset(self, value, row, *args, **kwargs):
        return Municipality.objects.filter(region__name=row.get("Регион", ""))


class OrganisationWidget(_LookupWidget):
    not_found = "организация не найдена: «{value}»"

    def __init__(self) -> None:
        super().__init__(Organisation, "name")

    def get_queryset(self, value, row, *args, **kwargs):
        organisations = Organisation.objects.all()
        if row.get("Муниципалитет"):
            organisations = organisations.filter(municipality__name=row["Муниципалитет"])
        return organisations


class OrganisationResource(resources.ModelResource):
    region = fields.Field("region", "Регион", widget=RegionWidget())
    municipality = fields.Field("municipality", "Муниципалитет", widget=MunicipalityWidget())
    name = _text("name", "Полное название")
    short_name = _text("short_name", "Краткое название")
    kind = fields.Field("kind", "Тип")
    email = _text("email", "Электронная почта")
    website = _text("website", "Сайт")

    class Meta:
        model = Organisation
        fields = ["region", "municipality", "name", "short_name", "kind", "email", "website"]
        import_id_fields = ["region", "municipality", "name"]
        clean_model_instances = True
        skip_unchanged = True


class PersonResource(resources.ModelResource):
    full_name = _text("full_name", "ФИО")
    position = _text("position", "Должность")
    municipality = fields.Field("organisation__municipality__name", "Муниципалитет", readonly=True)
    organisation = fields.Field("organisation", "Организация", widget=OrganisationWidget())
    is_head = fields.Field("is_head", "Руководитель", widget=widgets.BooleanWidget())
    email = _text("email", "Электронная почта")

    class Meta:
        model = Person
        fields = ["full_name", "position", "municipality", "organisation", "is_head", "email"]
        import_id_fields = ["organisation", "full_name"]
        clean_model_instances = True
        skip_unchanged = True


class UserResource(resources.ModelResource):
    """Accounts without passwords or admin rights: people set their password by reset."""

    username = _text("username", "Логин")
    last_name = _text("last_name", "Фамилия")
    first_name = _text("first_name", "Имя")
    email = _text("email", "Электронная почта")
    is_active = fields.Field("is_active", "Активен", widget=widgets.BooleanWidget())

    class Meta:
        model = get_user_model()
        fields = ["username", "last_name", "first_name", "email", "is_active"]
        import_id_fields = ["username"]
        clean_model_instances = True
        skip_unchanged = True

    def init_instance(self, row=None):
        user = super().init_instance(row)
        user.set_unusable_password()
        return user


class MembershipResource(resources.ModelResource):
    user = fields.Field("user", "Логин", widget=widgets.ForeignKeyWidget(get_user_model(), "username"))
    municipality = fields.Field("organisation__municipality__name", "Муниципалитет", readonly=True)
    organisation = fields.Field("organisation", "Организация", widget=OrganisationWidget())
    role = fields.Field("role", "Роль")

    class Meta:
        model = Membership
        fields = ["user", "municipality", "organisation", "role"]
        import_id_fields = ["user", "organisation", "role"]
        clean_model_instances = True
        skip_unchanged = True


class AccessEventResource(resources.ModelResource):
    """The access log for an inspection: export only (the admin has no import for it)."""

    at = fields.Field("at", "Когда", widget=widgets.DateTimeWidget("%d.%m.%Y %H:%M:%S"))
    kind = fields.Field("get_kind_display", "Событие", readonly=True)
    username = _text("username", "Логин")
    address = fields.Field("address", "IP-адрес")
    object_type = fields.Field("object_type", "Тип объекта")
    object_pk = fields.Field("object_pk", "Номер объекта")
    detail = fields.Field("detail", "Описание")

    class Meta:
        model = AccessEvent
        fields = ["at", "kind", "username", "address", "object_type", "object_pk", "detail"]
