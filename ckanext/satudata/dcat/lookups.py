"""ckanext-dcat finds each RDF profile by name among the entry points of
every installed distribution, for every serializer it makes
(`RDFProcessor._load_profiles` → `importlib.metadata.entry_points`): ~3.7 ms
a name on this machine, and a dataset page makes two serializers with three
names (its schema.org JSON-LD and the quality score's DCAT graph), ~11 ms of
a ~50 ms render. The installed distributions do not change while a process
runs, so the profiles' group is read once; any other group is asked as
before."""
from __future__ import annotations

from importlib.metadata import entry_points


def read_profiles_once() -> None:
    from ckanext.dcat import processors
    if getattr(processors, "_satudata_profiles_read_once", False):
        return
    group = processors.RDF_PROFILES_ENTRY_POINT_GROUP
    profiles = entry_points(group=group)

    def lookup(**params):
        if params.get("group") != group or set(params) - {"group", "name"}:
            return entry_points(**params)
        return profiles.select(name=params["name"]) if "name" in params else profiles

    processors.entry_points = lookup
    processors._satudata_profiles_read_once = True
