"""Permission labels: the Walidata team sees every dataset in every search
backend, on top of CKAN's defaults (public / member of the owning OPD / creator)."""
from __future__ import annotations

from ckan.lib.plugins import DefaultPermissionLabels

from ckanext.satudata.workflow import roles

WALIDATA_LABEL = "satudata-walidata"


class SatudataPermissionLabels(DefaultPermissionLabels):

    def get_dataset_labels(self, dataset_obj):
        return super().get_dataset_labels(dataset_obj) + [WALIDATA_LABEL]

    def get_user_dataset_labels(self, user_obj):
        labels = super().get_user_dataset_labels(user_obj)
        if user_obj is not None and getattr(user_obj, "id", None) \
                and roles.is_walidata_team(user_obj.id):
            labels.append(WALIDATA_LABEL)
        return labels
