from __future__ import annotations

from django import forms

from schools.imports.reading import read_table
from schools.uploads import MAX_UPLOAD, UnsafeFile, check_size


class RegistryUploadForm(forms.Form):
    file = forms.FileField(
        label="Реестр школ",
        help_text=f"Таблица Excel (.xlsx) или CSV, до {MAX_UPLOAD // 1024 // 1024} МБ. Файлы .xls и .ods "
        "сохраните в Excel или LibreOffice как .xlsx.",
        error_messages={"required": "Выберите файл.", "empty": "Файл пустой."},
    )

    def clean_file(self):
        """The file, read: a draft keeps only a file that is a table of schools (its rows are
        checked by the preview)."""
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)  # before a byte of it is read
            self.content = upload.read()
            read_table(self.content, upload.name or "")
        except UnsafeFile as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload
