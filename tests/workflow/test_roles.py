"""Portal roles: actions, auth, CLI and the sysadmin page."""
import pytest

import ckan.authz as authz
import ckan.plugins.toolkit as tk
from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import factories, helpers

pytestmark = pytest.mark.usefixtures("satudata_db")


def as_user(user):
    return {"user": user["name"], "ignore_auth": False}


class TestRoleActions:
    def test_grant_list_revoke(self, sysadmin):
        user = factories.User()
        result = helpers.call_action("satudata_role_grant", context=as_user(sysadmin),
                                     user=user["name"], role="subkoord")
        assert result["created"] is True
        assert result["granted_at"].endswith("+07:00")
        helpers.call_action("satudata_role_grant", context=as_user(sysadmin),
                            user=user["id"], role="kabid")
        again = helpers.call_action("satudata_role_grant", context=as_user(sysadmin),
                                    user=user["name"], role="kabid")
        assert again["created"] is False

        listed = helpers.call_action("satudata_role_list", context=as_user(sysadmin),
                                     user=user["name"])
        assert sorted(r["role"] for r in listed) == ["kabid", "subkoord"]

        revoked = helpers.call_action("satudata_role_revoke", context=as_user(sysadmin),
                                      user=user["name"], role="kabid")
        assert revoked["revoked"] is True
        listed = helpers.call_action("satudata_role_list", context=as_user(sysadmin),
                                     user=user["name"])
        assert [r["role"] for r in listed] == ["subkoord"]

    @pytest.mark.parametrize("data, field", [
        ({"user": "nobody-here", "role": "staf"}, "user"),
        ({"role": "staf"}, "user"),
        ({"user": "SELF", "role": "admin"}, "role"),
        ({"user": "SELF"}, "role"),
    ])
    def test_bad_input_is_a_bilingual_validation_error(self, sysadmin, data, field):
        data = {k: (sysadmin["name"] if v == "SELF" else v) for k, v in data.items()}
        with pytest.raises(tk.ValidationError) as e:
            helpers.call_action("satudata_role_grant", context=as_user(sysadmin), **data)
        message = " ".join(e.value.error_dict[field])
        assert " / " in message  # Bahasa Indonesia / English

    @pytest.mark.parametrize("action", ["satudata_role_grant", "satudata_role_revoke"])
    def test_changes_refused_for_non_sysadmins(self, action):
        member = factories.User()
        target = factories.User()
        org = factories.Organization(users=[{"name": member["name"], "capacity": "admin"}])
        # an OPD's admin, the strongest role short of sysadmin, is still refused
        assert authz.users_role_for_group_or_org(org["id"], member["name"]) == "admin"
        for context in (as_user(member), {"user": "", "ignore_auth": False}):
            with pytest.raises(tk.NotAuthorized):
                helpers.call_action(action, context=context, user=target["name"], role="staf")

    def test_holding_a_role_does_not_let_you_grant_roles(self, sysadmin):
        kabid = factories.User()
        helpers.call_action("satudata_role_grant", context=as_user(sysadmin),
                            user=kabid["name"], role="kabid")
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("satudata_role_grant", context=as_user(kabid),
                                user=kabid["name"], role="subkoord")

    def test_list_own_roles_only(self, sysadmin):
        staf, other = factories.User(), factories.User()
        helpers.call_action("satudata_role_grant", context=as_user(sysadmin),
                            user=staf["name"], role="staf")
        helpers.call_action("satudata_role_grant", context=as_user(sysadmin),
                            user=other["name"], role="kabid")
        mine = helpers.call_action("satudata_role_list", context=as_user(staf), user=staf["name"])
        assert [r["role"] for r in mine] == ["staf"]
        default = helpers.call_action("satudata_role_list", context=as_user(staf))
        assert [(r["user"], r["role"]) for r in default] == [(staf["name"], "staf")]
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("satudata_role_list", context=as_user(staf), user=other["name"])
        with pytest.raises(tk.NotAuthorized):
            helpers.call_action("satudata_role_list", context={"user": "", "ignore_auth": False})

    def test_api_refuses_anonymous(self, app):
        user = factories.User()
        resp = app.post("/api/3/action/satudata_role_grant",
                        json={"user": user["name"], "role": "staf"}, status=403)
        assert resp.json["success"] is False
        app.get("/api/3/action/satudata_role_list", status=403)


class TestRoleCli:
    def test_grant_list_revoke(self, cli):
        user = factories.User(name="siti-staf")
        result = cli.invoke(ckan_cli, ["satudata", "role", "grant", "siti-staf", "staf"])
        assert result.exit_code == 0, result.output
        assert "granted siti-staf: staf" in result.output
        result = cli.invoke(ckan_cli, ["satudata", "role", "list"])
        assert "siti-staf" in result.output and "staf" in result.output
        result = cli.invoke(ckan_cli, ["satudata", "role", "revoke", "siti-staf", "staf"])
        assert result.exit_code == 0 and "revoked siti-staf: staf" in result.output
        assert helpers.call_action("satudata_role_list", user=user["name"]) == []

    def test_bad_role_fails_with_message(self, cli):
        factories.User(name="budi")
        result = cli.invoke(ckan_cli, ["satudata", "role", "grant", "budi", "bupati"])
        assert result.exit_code != 0
        assert "Peran tidak valid" in result.output and "Invalid role" in result.output


class TestRolePage:
    def test_sysadmin_grants_through_the_page(self, app, sysadmin):
        user = factories.User()
        headers = {"Authorization": factories.APIToken(user=sysadmin["name"])["token"]}
        app.get("/ckan-admin/satudata/roles", headers=headers, status=200)
        app.post("/ckan-admin/satudata/roles", headers=headers,
                 data={"op": "grant", "user": user["name"], "role": "kabid"}, status=200)
        page = app.get("/ckan-admin/satudata/roles", headers=headers)
        assert user["name"] in page.body
        assert helpers.call_action("satudata_role_list", user=user["name"])[0]["role"] == "kabid"

    def test_page_refused_to_others(self, app):
        user = factories.User()
        headers = {"Authorization": factories.APIToken(user=user["name"])["token"]}
        app.get("/ckan-admin/satudata/roles", headers=headers, status=403)
        app.post("/ckan-admin/satudata/roles", headers=headers,
                 data={"op": "grant", "user": user["name"], "role": "kabid"}, status=403)
        app.get("/ckan-admin/satudata/roles", status=403)
        assert helpers.call_action("satudata_role_list", user=user["name"]) == []
