"""Contacts PUT and POST as Xero answers them, over raw HTTP with spec validation."""

from xero_sandbox.accounting.models import Contact


def _put(sandbox, *contacts, **params):
    return sandbox.call("PUT", "/Contacts", json={"Contacts": list(contacts)}, params=params or None)


def test_put_creates_a_contact_that_is_neither_supplier_nor_customer_yet(sandbox):
    response = _put(sandbox, {"Name": "Kestrel Print Works Ltd", "TaxNumber": "GB123456789",
                              "EmailAddress": "accounts@kestrel.example", "IsSupplier": True})
    assert response.status_code == 200, response.content
    contact = response.json()["Contacts"][0]
    assert contact["Name"] == "Kestrel Print Works Ltd" and contact["TaxNumber"] == "GB123456789"
    assert contact["EmailAddress"] == "accounts@kestrel.example"
    # IsSupplier/IsCustomer are Xero's own, from transactions: not settable.
    assert contact["IsSupplier"] is False and contact["IsCustomer"] is False
    assert Contact.objects.filter(organisation=sandbox.organisation, name="Kestrel Print Works Ltd").count() == 1


def test_put_ignores_a_contact_id_and_makes_a_new_contact(sandbox):
    existing = Contact.objects.get(organisation=sandbox.organisation, name="Office Depot Ltd")
    response = _put(sandbox, {"ContactID": str(existing.pk), "Name": "Office Depot Stores"})
    assert response.status_code == 200
    assert response.json()["Contacts"][0]["ContactID"] != str(existing.pk)
    existing.refresh_from_db()
    assert existing.name == "Office Depot Ltd"


def test_a_name_another_active_contact_has_is_refused_with_xeros_words(sandbox):
    response = _put(sandbox, {"Name": "office depot ltd"})
    assert response.status_code == 400
    error = response.json()
    assert error["Type"] == "ValidationException"
    assert error["Elements"][0]["ValidationErrors"][0]["Message"] == (
        "The contact name office depot ltd is already assigned to another contact. "
        "The contact name must be unique across all active contacts."
    )
    assert Contact.objects.filter(organisation=sandbox.organisation, name__iexact="office depot ltd").count() == 1


def test_an_archived_contacts_name_may_be_used_again(sandbox):
    response = _put(sandbox, {"Name": "Old Mill Flour (archived)"})
    assert response.status_code == 200, response.content


def test_summarize_errors_false_answers_each_contact(sandbox):
    response = _put(sandbox, {"Name": "Brand New Co"}, {"Name": "Office Depot Ltd"}, summarizeErrors="false")
    assert response.status_code == 200
    first, second = response.json()["Contacts"]
    assert first["StatusAttributeString"] == "OK"
    assert second["StatusAttributeString"] == "ERROR" and second["HasValidationErrors"] is True


def test_post_with_a_contact_id_updates_and_without_one_creates(sandbox):
    existing = Contact.objects.get(organisation=sandbox.organisation, name="Office Depot Ltd")
    response = sandbox.call("POST", "/Contacts", json={"Contacts": [
        {"ContactID": str(existing.pk), "EmailAddress": "ap@officedepot.example"}, {"Name": "Second New Co"}]})
    assert response.status_code == 200, response.content
    updated, created = response.json()["Contacts"]
    assert updated["ContactID"] == str(existing.pk) and updated["EmailAddress"] == "ap@officedepot.example"
    assert updated["Name"] == "Office Depot Ltd"
    assert created["Name"] == "Second New Co"
    renamed = sandbox.call("POST", "/Contacts", json={"Contacts": [
        {"ContactID": str(existing.pk), "Name": "City Power & Light"}]})
    assert renamed.status_code == 400
    assert "is already assigned to another contact" in renamed.json()["Elements"][0]["ValidationErrors"][0]["Message"]


def test_a_contact_without_a_name_is_refused(sandbox):
    response = _put(sandbox, {"EmailAddress": "nobody@example.com"})
    assert response.status_code == 400
    assert response.json()["Elements"][0]["ValidationErrors"][0]["Message"] == "The contact name must be specified."
