"""The erase_person command: asks for --yes, refuses what it can't do, never a traceback."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from lavorete.people.models import Person


def _run(*args):
    out = StringIO()
    call_command("erase_person", *args, stdout=out)
    return out.getvalue()


def test_without_yes_it_only_says_what_it_would_do(registered):
    assert "would be anonymised" in _run(str(registered.pk), "--reason", "request")
    assert Person.objects.get(pk=registered.pk).anonymised_at is None


def test_with_yes_it_anonymises(registered):
    assert "anonymised" in _run(str(registered.pk), "--reason", "request", "--yes")
    assert Person.objects.get(pk=registered.pk).anonymised_at is not None
    with pytest.raises(CommandError, match=r"(already|già)"):
        _run(str(registered.pk), "--reason", "request", "--yes")


@pytest.mark.parametrize(
    "args", [["999999", "--reason", "request"], ["1", "--reason", "retention"]]
)
def test_it_refuses_bad_input(db, args):
    with pytest.raises(CommandError):
        _run(*args)
