"""ckanext-dcat's RDF profiles are found once per process (dcat/lookups.py),
not among every installed distribution for each serializer a page makes."""
import pytest

from ckanext.dcat import processors
from ckanext.dcat.processors import RDFProfileException, RDFSerializer

from ckanext.satudata.dcat import lookups


def test_a_serializer_finds_its_profiles_without_reading_the_distributions(monkeypatch):
    lookups.read_profiles_once()

    def no_more(**params):
        raise AssertionError("the installed distributions were read again: %r" % (params,))
    monkeypatch.setattr(lookups, "entry_points", no_more)
    serializer = RDFSerializer(profiles=["euro_dcat_ap_3", "satudata"])
    assert [p.name for p in serializer._profiles] == ["euro_dcat_ap_3", "satudata"]
    assert serializer._profiles[1].__module__ == "ckanext.satudata.dcat.profile"
    # a name nobody registered is refused as before
    with pytest.raises(RDFProfileException, match="Unknown RDF profiles: no_such"):
        RDFSerializer(profiles=["no_such"])
    # another group is still asked of the distributions
    with pytest.raises(AssertionError, match="read again"):
        processors.entry_points(group="ckan.plugins", name="satudata")
