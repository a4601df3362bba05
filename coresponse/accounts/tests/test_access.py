from coresponse.accounts.access import View, access_for, compute_access


def test_clinician_scope_is_the_departments_of_her_program(world):
    access = compute_access(world.clinician)
    assert access.clinical_department_ids == {world.ashford.pk}
    assert access.clinical_program_ids == {world.ashford_program.pk}
    assert access.police_department_ids == frozenset()


def test_regional_clinician_sees_both_towns(world):
    access = compute_access(world.regional_clinician)
    assert access.clinical_department_ids == {world.dover.pk, world.easton.pk}


def test_officer_gets_police_view_of_his_department_only(world):
    access = compute_access(world.officer)
    assert access.view_for_department(world.ashford.pk) == View.POLICE
    assert access.view_for_department(world.dover.pk) is None
    assert not access.is_clinical


def test_analyst_has_aggregate_scope_and_no_person_access(world):
    access = compute_access(world.analyst)
    assert access.aggregate_department_ids == {world.ashford.pk, world.dover.pk, world.easton.pk}
    assert not access.has_person_access


def test_administrator_and_ttac_have_no_person_access(world):
    assert not compute_access(world.administrator).has_person_access
    assert not compute_access(world.ttac).has_person_access


def test_inactive_membership_grants_nothing(world):
    world.clinician.memberships.update(is_active=False)
    assert compute_access(world.clinician).clinical_department_ids == frozenset()


def test_disabled_user_has_anonymous_access(world):
    world.clinician.is_active = False
    assert access_for(world.clinician).user_id is None
