def test_a_null_character_in_a_programme_address_is_not_found(client, db):
    assert client.get("/api/v1/programmes/abc%00def").status_code == 404
