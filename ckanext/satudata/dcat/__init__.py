"""DCAT-AP 3 / schema.org / sitemap for harvesters and search engines (issue 12,
docs/interoperability.md)."""
