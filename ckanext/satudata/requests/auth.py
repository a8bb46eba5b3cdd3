"""Auth of Workflow 2 (Layanan Permintaan Data Sektoral): anyone may file, follow
and (with the token) act on a request; the actions decide how much each caller
sees and the rules who may move it, the atasan PPID included (keberatan)."""
from __future__ import annotations

from ckanext.satudata.i18n import bilingual
from ckanext.satudata.workflow import access

satudata_request_create = access.open_to_everyone("satudata_request_create")
satudata_request_show = access.open_to_everyone("satudata_request_show")
satudata_request_list = access.open_to_everyone("satudata_request_list")
satudata_request_transition = access.open_to_everyone("satudata_request_transition")
satudata_objection_file = access.open_to_everyone("satudata_objection_file")
satudata_objection_decide = access.open_to_everyone("satudata_objection_decide", anonymous=False)
satudata_request_dataset_create = access.walidata_only(
    "satudata_request_dataset_create",
    bilingual('Only the Walidata team can make a dataset from a request'))
