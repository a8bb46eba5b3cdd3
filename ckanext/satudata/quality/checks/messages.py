"""What the review panel says of each finding, in the page's language
(catalogue msgids; `{row}`, `{column}`, `{value}`… filled from the finding)."""
from __future__ import annotations

from typing import Any

from ckanext.satudata.i18n import N_

VALIDATION = {
    "blank-label": N_('Column {column_number} has no header'),
    "duplicate-label": N_('Header "{column}" appears more than once'),
    "missing-label": N_('Column "{column}" of the schema is missing from the file'),
    "extra-label": N_('Column "{column}" is not in the schema'),
    "incorrect-label": N_('Header "{column}" does not match the schema'),
    "missing-cell": N_('Row {row}, column "{column}": the cell is missing'),
    "extra-cell": N_('Row {row}: more cells than columns'),
    "blank-row": N_('Row {row} is blank'),
    "type-error": N_('Row {row}, column "{column}": "{value}" is not of the column\'s type'),
    "constraint-error": N_('Row {row}, column "{column}": "{value}" breaks the column\'s constraint'),
    "primary-key": N_('Row {row}: the row key repeats an earlier row'),
    "unique-error": N_('Row {row}, column "{column}": "{value}" repeats an earlier row'),
    "duplicate-row": N_('Row {row} repeats an earlier row'),
    # a table without a declared primary key: the inferred key (validation.inferred_key)
    "duplicate-key": N_('Row {row}: the key {column} = "{value}" repeats row {repeats_row} with other figures'),
    "source-error": N_('The file cannot be read as a table'),
    "format-error": N_('The file cannot be read as a table'),
    "encoding-error": N_('The file cannot be read as a table'),
    "scheme-error": N_('The file cannot be read as a table'),
    "resource-error": N_('The file cannot be read as a table'),
}
OTHER_VALIDATION = N_('Row {row}, column "{column}": {type}')

REFERENCE = {
    "unknown_name": N_('Row {row}, column "{column}": "{value}" is not a {level} of Banyuwangi'),
    "spelling_variant": N_('Row {row}, column "{column}": "{value}" — official form "{suggestion}" ({code})'),
    "unknown_code": N_('Row {row}, column "{column}": code {value} is not in the Kemendagri reference'),
    "code_name_mismatch": N_('Row {row}, column "{column}": code {value} is {code_name}, not {name} (its code is {suggestion})'),
    "year_outside_period": N_('Row {row}, column "{column}": year {value} is outside the dataset\'s period ({period})'),
}
# a BPS code (finding["scheme"] == "bps"): the same findings, naming BPS
REFERENCE_BPS = {
    "unknown_code": N_('Row {row}, column "{column}": code {value} is not in the BPS reference'),
    "code_name_mismatch": N_('Row {row}, column "{column}": BPS code {value} is {code_name}, not {name} (its BPS code is {suggestion})'),
}

PERSONAL = {
    "nik": N_('NIK (identity number)'),
    "nip": N_('NIP (civil servant number)'),
    "phone": N_('Phone number'),
    "email": N_('E-mail address'),
    "name": N_('Name of a person'),
}
PERSONAL_FINDING = N_('Row {row}, column "{column}": {kind_label} {value}')

LEVELS = {"kecamatan": N_('kecamatan'), "desa": N_('desa/kelurahan')}


def _fill(msgid: str, finding: dict[str, Any], gettext) -> str:
    values = {k: ("" if v is None else v) for k, v in finding.items()}
    try:
        return gettext(msgid).format(**values)
    except (KeyError, IndexError, ValueError):
        return gettext(msgid)


def describe(section: str, finding: dict[str, Any], gettext=None) -> str:
    """One finding as a sentence (`gettext`: the page's, by default)."""
    if gettext is None:
        import ckan.plugins.toolkit as tk
        gettext = tk._
    if section == "validation":
        msgid = VALIDATION.get(finding.get("type"), OTHER_VALIDATION)
        return _fill(msgid, finding, gettext)
    if section == "reference":
        finding = dict(finding, level=gettext(LEVELS.get(finding.get("level"), "kecamatan")))
        own = REFERENCE_BPS if finding.get("scheme") == "bps" else {}
        msgid = own.get(finding.get("kind")) or REFERENCE.get(finding.get("kind"), OTHER_VALIDATION)
        return _fill(msgid, finding, gettext)
    kind = gettext(PERSONAL.get(finding.get("kind"), finding.get("kind", "")))
    return _fill(PERSONAL_FINDING, dict(finding, kind_label=kind), gettext)
