from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction
from import_export.admin import ExportMixin, ImportExportMixin
from import_export.forms import ImportForm
from import_export.results import RowResult
from simple_history.admin import SimpleHistoryAdmin

from schools import audit
from schools.models import (
    AccessEvent,
    CoordinatorAssignment,
    Membership,
    MentorPair,
    Municipality,
    Organisation,
    Person,
    Region,
    SchoolStatus,
)
from schools.resources import (
    AccessEventResource,
    MembershipResource,
    OrganisationResource,
    PersonResource,
    UserResource,
)
from schools.spreadsheets import TextCSV, TextXLSX
from schools.uploads import KIND_NAMES, Kind, UnsafeFile, check_size, check_upload


class CheckedImportForm(ImportForm):
    """The file passes the portal's upload check before django-import-export writes it to its
    temporary folder (where a refused file stayed) or hands it to openpyxl (which unpacks a
    part that lies about its size whole, and any bomb in the parts it reads)."""

    def __init__(self, formats, resources, **kwargs) -> None:
        super().__init__(formats, resources, **kwargs)
        self.formats = formats

    def clean(self):
        cleaned = super().clean()
        upload, chosen = cleaned.get("import_file"), cleaned.get("format")
        if upload is None or not chosen:
            return cleaned
        try:
            check_size(upload.size)  # before a byte of it is read
            content = upload.read()
            upload.seek(0)
            if self.formats[int(chosen)]().is_binary():
                kind = check_upload(content)
                if kind != Kind.XLSX:
                    raise UnsafeFile(f"Это {KIND_NAMES[kind]}, а нужна таблица Excel (.xlsx).")
            elif b"\0" in content:
                raise UnsafeFile("Это не текст CSV: в файле есть двоичные данные.")
            else:
                try:
                    content.decode("utf-8-sig")
                except UnicodeDecodeError as exc:
                    raise UnsafeFile("Файл CSV не в кодировке UTF-8: сохраните его как «CSV UTF-8».") from exc
        except UnsafeFile as exc:
            self.add_error("import_file", str(exc))
        return cleaned


class AccessRecordedAdmin(admin.ModelAdmin):
    """An admin that records in the access log every role it gives, changes or takes away
    (``schools.audit``): on the role's own page, in an inline, in a bulk delete, and along with
    a deleted user, organisation or person. The records are written in the admin's own
    transaction (Django saves and deletes in ``transaction.atomic``)."""

    def save_model(self, request, obj, form, change) -> None:
        before = audit.role_saved_text(obj) if change and audit.is_role(type(obj)) else None
        linked = audit.person_user_id(obj) if isinstance(obj, Person) else None
        super().save_model(request, obj, form, change)
        if audit.is_role(type(obj)):
            audit.role_saved(request, obj, before)
        if isinstance(obj, Person):
            audit.person_link_saved(request, obj, linked)

    def delete_model(self, request, obj) -> None:
        audit.roles_deleted(request, type(obj), [obj.pk])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        # The bulk delete action runs outside the delete page's transaction.
        with transaction.atomic():
            audit.roles_deleted(request, queryset.model, queryset.values_list("pk", flat=True))
            super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is Person:
            linked = {f.instance.pk: audit.person_user_id(f.instance) for f in formset.initial_forms}
            super().save_formset(request, form, formset, change)
            for person in [*formset.new_objects, *(obj for obj, _fields in formset.changed_objects)]:
                audit.person_link_saved(request, person, linked.get(person.pk))
            return None
        if not audit.is_role(formset.model):
            return super().save_formset(request, form, formset, change)
        deleted = {f.instance.pk for f in formset.deleted_forms if f.instance.pk}
        before = {
            f.instance.pk: audit.role_saved_text(f.instance)
            for f in formset.initial_forms
            if f.instance.pk not in deleted and f.has_changed()
        }
        audit.roles_deleted(request, formset.model, deleted)
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit.role_saved(request, obj, None)
        for obj, _fields in formset.changed_objects:
            audit.role_saved(request, obj, before.get(obj.pk))


class RecordedExportMixin(ExportMixin):
    """Export as CSV or XLSX with text cells (``schools.spreadsheets``), for whoever may view
    the list, and recorded in the access log. django-import-export lets any staff user export
    unless IMPORT_EXPORT_EXPORT_PERMISSION_CODE is set: here the rule is the list's own."""

    formats = [TextCSV, TextXLSX]

    def has_export_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        audit.export_record(
            request,
            detail=f"Админка: {self.opts.verbose_name_plural}, {file_format.get_title()}, "
            f"строк: {queryset.count()}",
        )
        return data


class ImportExportAdmin(RecordedExportMixin, ImportExportMixin, AccessRecordedAdmin):
    """Import and export as CSV or XLSX, with errors shown row by row. Importing needs the
    right to add and change the rows (django-import-export alone lets any staff user import:
    roles included). Roles and rights that an import gives are recorded like the admin's."""

    import_form_class = CheckedImportForm

    def import_action(self, request, **kwargs):
        """django-import-export keeps every file it reads in its temporary folder for the
        confirm step, also one whose dry run failed and will never be confirmed: that one goes."""
        response = super().import_action(request, **kwargs)
        name = getattr(request.FILES.get("import_file"), "tmp_storage_name", None)
        if name and "confirm_form" not in response.context_data:
            self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs()).remove()
        return response

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def process_import(self, request, **kwargs):
        # The import commits in its own transaction: its records belong in the same one.
        with transaction.atomic():
            return super().process_import(request, **kwargs)

    def process_result(self, result, request):
        for row in result.valid_rows():
            if row.instance is None:
                continue
            new = row.import_type == RowResult.IMPORT_TYPE_NEW
            if audit.is_role(self.model) and row.import_type == RowResult.IMPORT_TYPE_DELETE:
                audit.access_record(
                    request=request,
                    kind=AccessEvent.Kind.MEMBERSHIP_DELETED,
                    obj=row.instance,
                    detail=audit.role_text(row.instance),
                )
            elif audit.is_role(self.model) and (new or row.original is not None):
                audit.role_saved(request, row.instance, None if new else audit.role_text(row.original))
            elif self.model is get_user_model() and new:
                audit.account_record(request, row.instance, "учётная запись создана импортом")
            elif self.model is get_user_model() and row.original is not None:
                audit.rights_record(request, row.instance, _rights(row.original), _rights(row.instance))
        return super().process_result(result, request)


def _rights(account) -> dict:
    """The flags of an account (an import changes no groups or permissions)."""
    return {name: getattr(account, name) for name in audit.RIGHTS_FLAGS}


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    extra = 0


@admin.register(Region)
class RegionAdmin(AccessRecordedAdmin):
    list_display = ["name", "code"]
    search_fields = ["name"]
    inlines = [MunicipalityInline]


@admin.register(Municipality)
class MunicipalityAdmin(AccessRecordedAdmin):
    list_display = ["name", "region", "timezone"]
    list_filter = ["region", "timezone"]
    search_fields = ["name", "region__name"]


class PersonInline(admin.TabularInline):
    model = Person
    extra = 0
    fields = ["full_name", "position", "is_head", "email", "user"]
    raw_id_fields = ["user"]


class SchoolStatusInline(admin.TabularInline):
    model = SchoolStatus
    extra = 0


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


class UserMembershipInline(admin.TabularInline):
    """A user's roles on the user's own page."""

    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin, ImportExportAdmin):
    resource_classes = [OrganisationResource]
    list_display = ["name", "short_name", "kind", "municipality", "region"]
    list_filter = ["kind", "region", "municipality"]
    search_fields = ["name", "short_name"]
    list_select_related = ["municipality", "region"]
    inlines = [PersonInline, SchoolStatusInline, MembershipInline]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin, ImportExportAdmin):
    resource_classes = [PersonResource]
    list_display = ["full_name", "position", "organisation", "is_head", "user"]
    list_filter = ["is_head", "organisation__kind", "organisation__municipality"]
    search_fields = ["full_name", "position", "email", "organisation__name"]
    list_select_related = ["organisation", "user"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["user"]


@admin.register(SchoolStatus)
class SchoolStatusAdmin(SimpleHistoryAdmin, AccessRecordedAdmin):
    list_display = ["school", "kind", "academic_year"]
    list_filter = ["kind", "academic_year", "school__municipality"]
    search_fields = ["school__name"]
    autocomplete_fields = ["school"]


@admin.register(MentorPair)
class MentorPairAdmin(SimpleHistoryAdmin, AccessRecordedAdmin):
    list_display = ["mentor", "mentee", "academic_year"]
    list_filter = ["academic_year", "mentor__municipality"]
    search_fields = ["mentor__name", "mentee__name"]
    autocomplete_fields = ["mentor", "mentee"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin, ImportExportAdmin):
    resource_classes = [MembershipResource]
    list_display = ["user", "role", "organisation"]
    list_filter = ["role", "organisation__municipality"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["user"]


@admin.register(CoordinatorAssignment)
class CoordinatorAssignmentAdmin(SimpleHistoryAdmin, AccessRecordedAdmin):
    list_display = ["coordinator", "school", "academic_year"]
    list_filter = ["academic_year", "school__municipality"]
    search_fields = ["coordinator__full_name", "school__name"]
    autocomplete_fields = ["coordinator", "school"]


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class UserAdmin(ImportExportAdmin, BaseUserAdmin):
    """Users, their roles (inline) and their rights, each change recorded in the access log."""

    resource_classes = [UserResource]
    inlines = [UserMembershipInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        account = form.instance
        if not change:
            audit.account_record(request, account, "учётная запись создана")
            return
        # The form's initial values are the account as it was read for this request.
        changed = [name for name in [*audit.RIGHTS_FLAGS, *audit.RIGHTS_SETS] if name in form.changed_data]
        before = {name: _names(form.initial.get(name)) for name in changed}
        after = {name: _names(form.cleaned_data.get(name)) for name in changed}
        audit.rights_record(request, account, before, after)

    def delete_model(self, request, obj) -> None:
        audit.account_record(request, obj, "учётная запись удалена")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            for account in queryset:
                audit.account_record(request, account, "учётная запись удалена")
            super().delete_queryset(request, queryset)


def _names(value):
    """A flag as it is; groups or permissions as the set of their names."""
    if isinstance(value, bool) or value is None:
        return value
    return {str(item) for item in value}


@admin.register(AccessEvent)
class AccessEventAdmin(RecordedExportMixin, admin.ModelAdmin):
    """The access log, read (and exported, for an inspection) by the superuser only; nobody
    adds, edits or deletes an event by hand: only the nightly purge forgets old ones."""

    resource_classes = [AccessEventResource]

    list_display = ["at", "kind", "username", "address", "detail", "object_type", "object_pk"]
    list_filter = ["kind", ("at", admin.DateFieldListFilter), ("user", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["username", "detail", "address", "object_pk"]
    date_hierarchy = "at"
    list_select_related = ["user"]

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- consent ---
# The personal-data consent texts and acceptances: their admin lives in its slice.
from schools.consent import admin as consent_admin  # noqa: E402, F401

# --- invitations ---
from schools.invitations import admin as invitations_admin  # noqa: E402, F401
