from setuptools import find_packages, setup

setup(
    name="ckanext-satudata",
    version="0.1.0",
    description="Portal Satu Data Kabupaten Banyuwangi: SOP-driven publication and data "
                "request workflows, SDI metadata and a PostgreSQL search backend for CKAN 2.12",
    license="AGPL-3.0-or-later",
    packages=find_packages(include=["ckanext", "ckanext.*"]),
    namespace_packages=["ckanext"],
    include_package_data=True,
    zip_safe=False,
    python_requires=">=3.10",
    install_requires=["luqum>=1.0", "holidays>=0.60", "cryptography>=41"],
    entry_points={
        "ckan.plugins": ["satudata = ckanext.satudata.plugin:SatudataPlugin",
                         "satudata_search = ckanext.satudata.search.plugin:SatudataSearchPlugin",
                         "satudata_theme = ckanext.satudata.theme.plugin:SatudataThemePlugin",
                         "satudata_preview = ckanext.satudata.theme.plugin:SatudataPreviewPlugin",
                         "satudata_chart_view = ckanext.satudata.theme.plugin:SatudataChartViewPlugin"],
        "babel.extractors": ["ckan = ckan.lib.extract:extract_ckan"],
        "ckan.rdf.profiles": [
            "satudata = ckanext.satudata.dcat.profile:SatudataDCATAP3Profile",
            "satudata_schemaorg = ckanext.satudata.dcat.profile:SatudataSchemaOrgProfile",
        ],
    },
    message_extractors={
        "ckanext": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("**/templates/**.html", "ckan", None),
        ],
    },
)
