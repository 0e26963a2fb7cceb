from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ImportForm

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
from schools.resources import MembershipResource, OrganisationResource, PersonResource, UserResource
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


class ImportExportAdmin(ImportExportModelAdmin):
    """Import and export as CSV or XLSX, with errors shown row by row."""

    formats = [TextCSV, TextXLSX]
    import_form_class = CheckedImportForm

    def import_action(self, request, **kwargs):
        """django-import-export keeps every file it reads in its temporary folder for the
        confirm step, also one whose dry run failed and will never be confirmed: that one goes."""
        response = super().import_action(request, **kwargs)
        name = getattr(request.FILES.get("import_file"), "tmp_storage_name", None)
        if name and "confirm_form" not in response.context_data:
            self.get_tmp_storage_class()(name=name, **self.get_tmp_storage_class_kwargs()).remove()
        return response


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name"]
    inlines = [MunicipalityInline]


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
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


@admin.register(Organisation)
class OrganisationAdmin(ImportExportAdmin):
    resource_classes = [OrganisationResource]
    list_display = ["name", "short_name", "kind", "municipality", "region"]
    list_filter = ["kind", "region", "municipality"]
    search_fields = ["name", "short_name"]
    list_select_related = ["municipality", "region"]
    inlines = [PersonInline, SchoolStatusInline, MembershipInline]


@admin.register(Person)
class PersonAdmin(ImportExportAdmin):
    resource_classes = [PersonResource]
    list_display = ["full_name", "position", "organisation", "is_head", "user"]
    list_filter = ["is_head", "organisation__kind", "organisation__municipality"]
    search_fields = ["full_name", "position", "email", "organisation__name"]
    list_select_related = ["organisation", "user"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["user"]


@admin.register(SchoolStatus)
class SchoolStatusAdmin(admin.ModelAdmin):
    list_display = ["school", "kind", "academic_year"]
    list_filter = ["kind", "academic_year", "school__municipality"]
    search_fields = ["school__name"]
    autocomplete_fields = ["school"]


@admin.register(MentorPair)
class MentorPairAdmin(admin.ModelAdmin):
    list_display = ["mentor", "mentee", "academic_year"]
    list_filter = ["academic_year", "mentor__municipality"]
    search_fields = ["mentor__name", "mentee__name"]
    autocomplete_fields = ["mentor", "mentee"]


@admin.register(Membership)
class MembershipAdmin(ImportExportAdmin):
    resource_classes = [MembershipResource]
    list_display = ["user", "role", "organisation"]
    list_filter = ["role", "organisation__municipality"]
    search_fields = ["user__username", "user__last_name", "organisation__name"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["user"]


@admin.register(CoordinatorAssignment)
class CoordinatorAssignmentAdmin(admin.ModelAdmin):
    list_display = ["coordinator", "school", "academic_year"]
    list_filter = ["academic_year", "school__municipality"]
    search_fields = ["coordinator__full_name", "school__name"]
    autocomplete_fields = ["coordinator", "school"]


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class UserAdmin(ImportExportAdmin, BaseUserAdmin):
    resource_classes = [UserResource]


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """The access log, read by the superuser only; nobody edits or deletes an event by hand."""

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
