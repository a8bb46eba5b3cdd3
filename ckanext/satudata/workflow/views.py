"""The sysadmin page that manages portal roles."""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk

from ckanext.satudata.workflow import roles
from ckanext.satudata.workflow import access

satudata_admin = Blueprint("satudata_admin", __name__, url_prefix="/ckan-admin/satudata")


@satudata_admin.route("/roles", methods=["GET", "POST"])
def manage_roles():
    context = access.page_context()
    try:
        tk.check_access("satudata_role_grant", context, {})
    except tk.NotAuthorized:
        return tk.abort(403, tk._("Only sysadmins can manage portal roles"))

    errors = {}
    if tk.request.method == "POST":
        form = tk.request.form
        data = {"user": form.get("user", "").strip(), "role": form.get("role", "")}
        action = "satudata_role_revoke" if form.get("op") == "revoke" else "satudata_role_grant"
        try:
            tk.get_action(action)(context, data)
            tk.h.flash_success(tk._("Portal roles updated"))
            return tk.redirect_to("satudata_admin.manage_roles")
        except tk.ValidationError as e:
            errors = e.error_dict

    return tk.render("satudata/admin/roles.html", {
        "assignments": tk.get_action("satudata_role_list")(context, {}),
        "roles": roles.GRANTABLE_ROLES,
        "errors": errors,
    })
