"""A small portal for the DCAT / harvest tests (sdi/test_dcat_*.py): OPDs with
their contact details, the Walidata, published datasets with every SDI field,
and one dataset in each state that must never be harvested."""
from ckan.tests import factories, helpers

from tests.helpers import as_user, site_context, transition, walk

NOT_PUBLISHED = ["konsep", "penyusunan", "diajukan", "disetujui_subkoord",
                 "disetujui_kabid", "dikembalikan"]

FULL = {
    "notes": "Data contoh (sample data).", "topic": "perlindungan_sosial_kesehatan",
    "update_frequency": "semesteran", "period_start": "2021", "period_end": "2024",
    "presentation_level": "kecamatan", "unit": "per 100.000 kelahiran hidup",
    "measurement": "Rasio", "concept": "Kematian ibu selama kehamilan.",
    "definition": "Jumlah kematian ibu per 100.000 kelahiran hidup.",
    "narrative": "AKI turun selama 2021–2024.", "classification": "terbuka",
    "maintainer": "Seksi Kesehatan Keluarga", "maintainer_email": "kesga@example.go.id",
    "tag_string": "kesehatan,ibu",
}
MINIMAL = {
    "notes": "Data contoh (sample data).", "topic": "pendidikan_tenaga_kerja",
    "update_frequency": "tahunan", "period_start": "2025", "presentation_level": "kabupaten",
    "unit": "sekolah", "classification": "terbuka",
}


def _org(name, **fields):
    return helpers.call_action("organization_create", context=site_context(), name=name,
                               **fields)


def build(team):
    """Create the portal; returns {"published": {name: id}, "hidden": {name: id},
    "revised": name, "orgs": {...}, "users": {...}}."""
    orgs = {
        "diskominfo": _org("diskominfo", title="Dinas Komunikasi, Informatika dan Persandian",
                           contact_email="diskominfo@example.go.id",
                           address="Jl. Ahmad Yani 100, Banyuwangi"),
        "dinkes": _org("dinkes", title="Dinas Kesehatan", short_name="Dinkes",
                       contact_email="dinkes@example.go.id", contact_phone="(0333) 424 000",
                       address="Jl. Letkol Istiqlah 42, Banyuwangi",
                       website="https://dinkes.example.go.id"),
        "dispendik": _org("dispendik", title="Dinas Pendidikan"),
    }
    opd = factories.User(name="opd-dcat")
    for org in ("dinkes", "dispendik"):
        helpers.call_action("organization_member_create", context=site_context(),
                            id=orgs[org]["id"], username=opd["name"], role="editor")

    def create(name, org, fields, resources=1):
        res = [{"url": "http://example.com/%s.csv" % name, "name": "Tabel %s" % name,
                "format": "CSV", "size": 1326},
               {"url": "http://example.com/%s.xlsx" % name, "name": "Lembar %s" % name,
                "format": "XLSX"}][:resources]
        return helpers.call_action("package_create", context=as_user(opd), name=name,
                                   title=name.replace("-", " ").title(),
                                   owner_org=orgs[org]["id"], resources=res, **fields)["id"]

    published, hidden = {}, {}
    published["angka-kematian-ibu"] = create("angka-kematian-ibu", "dinkes", FULL, 2)
    published["jumlah-sekolah"] = create("jumlah-sekolah", "dispendik", MINIMAL)
    published["jumlah-puskesmas"] = create("jumlah-puskesmas", "dinkes", dict(
        MINIMAL, topic="perlindungan_sosial_kesehatan", unit="unit"))
    for name in published.values():
        walk(name, team)

    # a published dataset with a pending revision: harvested as the live version
    helpers.call_action("package_patch", context=as_user(opd), id=published["jumlah-puskesmas"],
                        title="Jumlah Puskesmas (revisi belum terbit)", unit="gedung")

    for state in NOT_PUBLISHED:
        name = "status-" + state.replace("_", "-")
        hidden[name] = create(name, "dinkes", MINIMAL)
        if state == "dikembalikan":
            walk(hidden[name], team, until="diajukan")
            transition(team["subkoord"], hidden[name], "return", comment="lengkapi")
        elif state != "konsep":
            walk(hidden[name], team, until=state)

    # Terbatas: signed off by Kabid but never publishable
    hidden["data-terbatas"] = create("data-terbatas", "dinkes", dict(MINIMAL, classification="terbatas"))
    walk(hidden["data-terbatas"], team, until="disetujui_kabid")

    # published, then deleted by a sysadmin
    hidden["data-dihapus"] = create("data-dihapus", "dispendik", MINIMAL)
    walk(hidden["data-dihapus"], team)
    helpers.call_action("package_delete", context={"user": factories.Sysadmin()["name"]},
                        id=hidden["data-dihapus"])
    return {"published": published, "hidden": hidden, "revised": "jumlah-puskesmas",
            "orgs": orgs, "opd": opd}
