"""A user's permission labels decide which datasets every search shows them.
The portal's are CKAN's own plus the Walidata team's label; CKAN's part is
asked for by the user's name so authz recognises the logged-in user (core
asks by id and reads the user four more times per request). Same labels as
core's for every kind of user, fewer queries."""
import pytest
import sqlalchemy as sa

import ckan.lib.plugins as lib_plugins
import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultPermissionLabels
from ckan.tests import factories, helpers

from ckanext.satudata.dissemination.permission_labels import WALIDATA_LABEL
from tests.helpers import SdiDataset, site_context

pytestmark = pytest.mark.usefixtures("satudata_db")


@pytest.fixture
def people(walidata):
    """Members of OPDs in every role, a left member, a sysadmin, a stranger,
    a dataset collaborator, and an OPD that was deleted."""
    dinkes = factories.Organization(name="dinkes")
    dinsos = factories.Organization(name="dinsos")
    closed = factories.Organization(name="dinas-lama")
    people = {role: factories.User(name="opd-" + role) for role in ("admin", "editor", "member")}
    for role, user in people.items():
        helpers.call_action("organization_member_create", context=site_context(),
                            id=dinkes["id"], username=user["name"], role=role)
    helpers.call_action("organization_member_create", context=site_context(),
                        id=dinsos["id"], username=people["member"]["name"], role="editor")
    people["left"] = factories.User(name="pindah-tugas")
    helpers.call_action("organization_member_create", context=site_context(),
                        id=dinsos["id"], username="pindah-tugas", role="editor")
    helpers.call_action("organization_member_delete", context=site_context(),
                        id=dinsos["id"], username="pindah-tugas")
    people["closed"] = factories.User(name="dinas-lama-staf")
    helpers.call_action("organization_member_create", context=site_context(),
                        id=closed["id"], username="dinas-lama-staf", role="admin")
    helpers.call_action("organization_delete", context=site_context(), id=closed["id"])
    people["sysadmin"] = factories.Sysadmin()
    people["stranger"] = factories.User()
    people["collaborator"] = factories.User(name="kolaborator")
    people.update(walidata)
    model.repo.commit()
    return people


@pytest.fixture
def labels(app):
    """(the portal's labels, core's) of a user, in a request of theirs (the
    user logged in, as CKAN identifies a cookie or an API token) and outside
    any request; both must agree."""
    import flask_login

    def labels_of(user_name):
        user = user_name if isinstance(user_name, model.User) else \
            model.User.get(user_name) if user_name else None
        plugin = lib_plugins.get_permission_labels()
        outside = plugin.get_user_dataset_labels(user)
        with app.flask_app.test_request_context():
            if user:
                flask_login.login_user(user)
            ours = plugin.get_user_dataset_labels(user)
            core = DefaultPermissionLabels().get_user_dataset_labels(user)
        assert outside == ours, user_name
        return ours, core
    return labels_of


def test_the_labels_are_cores_and_the_team_label(people, labels):
    for who, user in list(people.items()) + [("anonymous", None)]:
        ours, core = labels(user["name"] if user else None)
        expected = core + ([WALIDATA_LABEL] if who in ("staf", "subkoord", "kabid") else [])
        assert ours == expected, who
    # and they say what they should: the editor reads dinkes, the left member
    # and the deleted OPD's admin read nothing of theirs, the sysadmin all OPDs
    dinkes = model.Group.get("dinkes").id
    assert "member-%s" % dinkes in labels("opd-editor")[0]
    assert labels("pindah-tugas")[0] == ["public", "creator-%s" % people["left"]["id"]]
    assert labels("dinas-lama-staf")[0] == ["public", "creator-%s" % people["closed"]["id"]]
    assert len([label for label in labels(people["sysadmin"]["name"])[0]
                if label.startswith("member-")]) == 2


@pytest.mark.ckan_config("ckan.auth.allow_dataset_collaborators", "true")
def test_a_collaborator_label_as_core_gives_it(people, labels):
    dataset = SdiDataset(owner_org=model.Group.get("dinkes").id)
    helpers.call_action("package_collaborator_create", context=site_context(),
                        id=dataset["id"], user_id=people["collaborator"]["id"],
                        capacity="editor")
    ours, core = labels("kolaborator")
    assert ours == core
    assert "collaborator-%s" % dataset["id"] in ours


def test_a_logged_in_users_labels_read_the_user_no_more(app, people):
    """In a request the user is known (flask-login's `current_user`): the
    labels read the memberships, not the user again."""
    import flask_login
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)
    user = model.User.get("opd-editor")
    with app.flask_app.test_request_context():
        flask_login.login_user(user)
        sa.event.listen(sa.engine.Engine, "before_cursor_execute", record)
        try:
            lib_plugins.get_permission_labels().get_user_dataset_labels(user)
        finally:
            sa.event.remove(sa.engine.Engine, "before_cursor_execute", record)
    user_reads = [s for s in statements if "FROM \"user\"" in s]
    assert user_reads == []
    assert [s for s in statements if "FROM member" in s]


def test_a_user_named_after_a_sysadmins_id_gets_their_own_labels(people, labels):
    """CKAN finds a user by `name = X OR id = X`. Its validators refuse a
    name that is another user's id, but an account made before, or in the
    database, can carry one: the labels never look a user up by name, so the
    namesake of a sysadmin's id reads what is theirs, not every OPD's."""
    sysadmin = people["sysadmin"]
    with pytest.raises(tk.ValidationError):
        factories.User(name=sysadmin["id"])
    namesake = model.User(name=sysadmin["id"], email="namesake@example.org")
    model.Session.add(namesake)
    model.repo.commit()
    ours, core = labels(namesake)
    assert ours == ["public", "creator-%s" % namesake.id]
