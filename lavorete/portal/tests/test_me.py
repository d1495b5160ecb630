"""The personal area's home: links to the person's own record, or how to get one."""

from django.urls import reverse


def test_a_registered_person_finds_their_profile_pathway_and_data(client, registered):
    client.force_login(registered.user)
    page = client.get(reverse("portal:me")).content.decode()
    for name in ["people_me:profile", "pathways_me:pathway", "pathways_me:plan", "my_data:index"]:
        assert reverse(name) in page


def test_someone_without_a_record_is_told_how_to_get_one(client, person):
    client.force_login(person)
    page = client.get(reverse("portal:me")).content.decode()
    assert reverse("pathways_me:pathway") not in page
    assert reverse("portal:programmes") in page
