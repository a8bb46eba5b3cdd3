"""SOP performance (Kinerja SOP) and public service statistics: pages, charts
(Chart.js served from our own webassets, never a CDN) and CSV/XLSX exports."""
from __future__ import annotations

import os

import ckan.plugins.toolkit as tk

HERE = os.path.dirname(__file__)


def install(config) -> None:
    """IConfigurer: our templates and assets, apart from the theme's."""
    tk.add_template_directory(config, os.path.join(HERE, "templates"))
    tk.add_resource(os.path.join(HERE, "assets"), "satudata_reports")
