"""A dataset published at a given moment, for the score and schedule tests."""
import datetime as dt

import sqlalchemy as sa

import ckan.model as model
from ckan.lib.search import rebuild

from ckanext.satudata.model import dataset_transition_log, dataset_workflow
from ckanext.satudata.workflow import clock


def mark_published(package_id, at=None, assignee_id=None):
    at = at or clock.now()
    pkg = model.Package.get(package_id)
    model.Session.execute(sa.update(dataset_workflow).where(
        dataset_workflow.c.package_id == pkg.id).values(
        state="terbit", published=True, entered_at=at,
        **({"assignee_id": assignee_id} if assignee_id else {})))
    model.Session.execute(sa.insert(dataset_transition_log).values(
        package_id=pkg.id, package_name=pkg.name, owner_org=pkg.owner_org,
        transition="publish", from_state="disetujui_kabid", to_state="terbit", at=at))
    pkg.private = False
    model.Session.commit()
    rebuild(pkg.id)
    return pkg.id


def wib(*args):
    return dt.datetime(*args, tzinfo=clock.WIB)
