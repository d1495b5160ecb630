"""The languages a person can list, by ISO 639 code: those most spoken in Italy's job market.

Codes are ISO 639-1 where one exists, ISO 639-3 otherwise (LIS, the Italian
sign language, is "ise").
"""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LANGUAGES: dict[str, str | Promise] = {
    "it": _("Italian"),
    "en": _("English"),
    "fr": _("French"),
    "de": _("German"),
    "es": _("Spanish"),
    "pt": _("Portuguese"),
    "ro": _("Romanian"),
    "sq": _("Albanian"),
    "ar": _("Arabic"),
    "zh": _("Chinese"),
    "uk": _("Ukrainian"),
    "ru": _("Russian"),
    "pl": _("Polish"),
    "hi": _("Hindi"),
    "bn": _("Bengali"),
    "ur": _("Urdu"),
    "pa": _("Punjabi"),
    "tl": _("Tagalog"),
    "si": _("Sinhala"),
    "ta": _("Tamil"),
    "wo": _("Wolof"),
    "ff": _("Fula"),
    "bm": _("Bambara"),
    "ha": _("Hausa"),
    "yo": _("Yoruba"),
    "ig": _("Igbo"),
    "ti": _("Tigrinya"),
    "am": _("Amharic"),
    "so": _("Somali"),
    "fa": _("Persian"),
    "ps": _("Pashto"),
    "ku": _("Kurdish"),
    "tr": _("Turkish"),
    "el": _("Greek"),
    "sr": _("Serbian"),
    "hr": _("Croatian"),
    "bs": _("Bosnian"),
    "mk": _("Macedonian"),
    "bg": _("Bulgarian"),
    "nl": _("Dutch"),
    "sv": _("Swedish"),
    "ja": _("Japanese"),
    "ko": _("Korean"),
    "vi": _("Vietnamese"),
    "ne": _("Nepali"),
    "sw": _("Swahili"),
    "ise": _("Italian Sign Language (LIS)"),
}


def language_name(code: str) -> str:
    """The language's name in the user's language, or its code when unknown."""
    return str(LANGUAGES.get(code, code))


def language_choices() -> list[tuple[str, str]]:
    """Every language as (code, name), sorted by name in the user's language."""
    return sorted(((code, str(name)) for code, name in LANGUAGES.items()), key=lambda c: c[1])
