from django import forms
from django.utils.translation import gettext_lazy as _


class FeedbackForm(forms.Form):
    message = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}),
        help_text=_(
            "What worked, what did not, what is missing. Please do not include health data."
        ),
    )
    email = forms.EmailField(
        label=_("Your e-mail (optional, if you want a reply)"),
        required=False,
        widget=forms.EmailInput(attrs={"class": "form-control"}),
    )
    page = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
