from __future__ import annotations

from django import forms


class ConsentForm(forms.Form):
    # The version the user read: if a newer one is published meanwhile, they read that first.
    text = forms.IntegerField(widget=forms.HiddenInput)
    agree = forms.BooleanField(
        label="Я даю согласие на обработку моих персональных данных",
        error_messages={"required": "Отметьте, что вы даёте согласие, или нажмите «Не согласен»."},
    )
