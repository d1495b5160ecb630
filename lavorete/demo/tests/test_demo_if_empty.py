import pytest
from django.core.management import call_command

from lavorete.network.models import Programme

pytestmark = pytest.mark.django_db


def test_demo_if_empty_leaves_an_existing_database_alone(organisation):
    call_command("demo", "--if-empty", verbosity=0)
    assert Programme.objects.count() == 0
