"""The portal people see: Banyuwangi theme, home and about pages, the SDI
metadata block, and data preview (DataStore + ckanext-xloader, only for
published datasets; a chart view on the same Chart.js as the assets)."""
