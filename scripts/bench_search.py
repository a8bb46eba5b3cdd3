#!/usr/bin/env python
"""Search benchmark driver (run it through ``scripts/bench_search``).

Loads the real CKAN app (``ckan.cli.load_config`` + ``make_app``) on the bench
ini, seeds 10,000 SDI datasets across 20 OPDs when the database holds fewer,
then measures through CKAN's own actions (the real ``package_search`` with
auth, permission labels and plugins):

* index rebuild throughput of ``ckan search-index rebuild`` as an
  administrator runs it: core's one-by-one rebuild (the baseline, batch size
  0) and the backend's batched one in the same run, then ``rebuild-fast``,
* ``package_search`` latency of free text, the /dataset facet page, an ``fq``
  date range and a deep page, as anonymous and as a logged-in OPD member,
* harvest paging (``rows=1000``, ``sort=id asc``, as ckanext-harvest's CKAN
  harvester pages), checking that the pages neither skip nor repeat datasets.

Prints a Markdown table and writes JSON (``--json``). Exits non-zero when
harvest paging loses or repeats datasets. Timings are reported, never
asserted: the targets of the issue are shown next to the numbers.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import logging
import os
import platform
import random
import re
import sys
import time
import unicodedata
from typing import Any, Callable, Optional

SEED_USER = "bench-dinkes"          # the logged-in OPD member (editor of dinkes)
MEMBER_ORG = "dinkes"
FACET_FIELDS = ["organization", "tags", "res_format", "topic"]
# issue 11: free text p95 <= 15 ms; the anonymous /dataset facet page p95
# <= 20 ms and <= 10x package_show's p95 measured in the same run
TARGET_FREE_TEXT_P95_MS = 15.0
TARGET_FACET_PAGE_P95_MS = 20.0
TARGET_RATIO_TO_PACKAGE_SHOW = 10.0
TARGET_P95_MS = TARGET_FACET_PAGE_P95_MS
TARGET_REBUILD_RATE = 250.0

log = logging.getLogger("bench_search")


# --------------------------------------------------------------------------
# Realistic Banyuwangi catalogue: OPDs, their indicators, Indonesian text
# --------------------------------------------------------------------------

EXTRA_ORGANIZATIONS = [
    ("dpupr-cktr", "Dinas Pekerjaan Umum, Cipta Karya dan Tata Ruang Kabupaten Banyuwangi",
     "DPU CKTR", "Produsen data jalan, jembatan, air minum, perumahan dan tata ruang."),
    ("disnakertransperin",
     "Dinas Tenaga Kerja, Transmigrasi dan Perindustrian Kabupaten Banyuwangi",
     "Disnakertransperin", "Produsen data ketenagakerjaan, transmigrasi dan industri."),
    ("bapenda", "Badan Pendapatan Daerah Kabupaten Banyuwangi", "Bapenda",
     "Produsen data pajak daerah, retribusi dan pendapatan asli daerah."),
    ("satpol-pp", "Satuan Polisi Pamong Praja Kabupaten Banyuwangi", "Satpol PP",
     "Produsen data penegakan perda, ketenteraman, linmas dan pemadam kebakaran."),
    ("dpmd", "Dinas Pemberdayaan Masyarakat dan Desa Kabupaten Banyuwangi", "DPMD",
     "Produsen data pemerintahan desa, dana desa dan BUMDes."),
    ("dispora", "Dinas Pemuda dan Olahraga Kabupaten Banyuwangi", "Dispora",
     "Produsen data kepemudaan, keolahragaan dan fasilitas olahraga."),
]

# OPD -> (topic, [(indicator title, unit, [tags])])
INDICATORS: dict[str, tuple[str, list[tuple[str, str, list[str]]]]] = {
    "diskominfo": ("pemerintahan_umum", [
        ("Jumlah Menara Telekomunikasi", "unit", ["telekomunikasi", "menara bts"]),
        ("Jumlah Titik Wi-Fi Publik", "titik", ["internet", "wifi publik"]),
        ("Jumlah Desa dengan Akses Internet", "desa", ["internet", "desa digital"]),
        ("Jumlah Pengaduan Masyarakat melalui Layanan Aduan", "aduan",
         ["pengaduan", "layanan publik"]),
        ("Jumlah Media Informasi Publik", "unit", ["informasi publik", "media"]),
    ]),
    "dinkes": ("perlindungan_sosial_kesehatan", [
        ("Jumlah Kasus Demam Berdarah Dengue", "kasus", ["kesehatan", "dbd", "penyakit menular"]),
        ("Jumlah Balita Gizi Buruk", "balita", ["kesehatan", "gizi", "stunting"]),
        ("Cakupan Imunisasi Dasar Lengkap", "persen", ["kesehatan", "imunisasi", "bayi"]),
        ("Jumlah Tenaga Kesehatan di Puskesmas", "orang",
         ["kesehatan", "puskesmas", "tenaga kesehatan"]),
        ("Jumlah Kematian Ibu Melahirkan", "kasus", ["kesehatan", "kematian ibu", "bidan"]),
        ("Jumlah Kasus Tuberkulosis", "kasus", ["kesehatan", "tbc", "penyakit menular"]),
    ]),
    "dispendik": ("pendidikan_tenaga_kerja", [
        ("Jumlah Sekolah Dasar", "sekolah", ["pendidikan", "sekolah dasar", "dapodik"]),
        ("Jumlah Peserta Didik SMP", "siswa", ["pendidikan", "smp", "peserta didik"]),
        ("Jumlah Guru PAUD", "orang", ["pendidikan", "paud", "guru"]),
        ("Angka Partisipasi Murni Sekolah Dasar", "persen", ["pendidikan", "apm", "sekolah dasar"]),
        ("Rasio Murid terhadap Guru Sekolah Dasar", "rasio", ["pendidikan", "guru", "rasio"]),
    ]),
    "bappeda": ("pembangunan_daerah", [
        ("Jumlah Usulan Musrenbang", "usulan", ["perencanaan", "musrenbang"]),
        ("Capaian Indikator Kinerja Utama", "persen", ["perencanaan", "kinerja", "rpjmd"]),
        ("Jumlah Penduduk Miskin", "jiwa", ["kemiskinan", "sosial ekonomi"]),
        ("Indeks Pembangunan Manusia", "indeks", ["ipm", "pembangunan manusia"]),
        ("Realisasi Program Prioritas Daerah", "persen", ["perencanaan", "rkpd"]),
    ]),
    "dispendukcapil": ("pemerintahan_umum", [
        ("Jumlah Penduduk", "jiwa", ["kependudukan", "penduduk", "dukcapil"]),
        ("Jumlah Kepala Keluarga", "kk", ["kependudukan", "kartu keluarga"]),
        ("Kepemilikan Akta Kelahiran Anak", "persen", ["kependudukan", "akta kelahiran", "anak"]),
        ("Perekaman KTP Elektronik", "jiwa", ["kependudukan", "ktp elektronik"]),
        ("Jumlah Penduduk menurut Kelompok Umur", "jiwa", ["kependudukan", "kelompok umur"]),
    ]),
    "dispertapangan": ("ekonomi_industri", [
        ("Produksi Padi", "ton", ["pertanian", "padi", "pangan"]),
        ("Luas Panen Jagung", "hektare", ["pertanian", "jagung", "pangan"]),
        ("Produksi Buah Naga", "ton", ["hortikultura", "buah naga"]),
        ("Populasi Sapi Potong", "ekor", ["peternakan", "sapi"]),
        ("Produksi Kopi Robusta", "ton", ["perkebunan", "kopi"]),
    ]),
    "disbudpar": ("budaya_agama", [
        ("Jumlah Kunjungan Wisatawan Nusantara", "kunjungan", ["pariwisata", "wisatawan"]),
        ("Jumlah Kunjungan Wisatawan Mancanegara", "kunjungan", ["pariwisata", "wisman"]),
        ("Jumlah Sanggar Seni", "sanggar", ["budaya", "seni", "using"]),
        ("Jumlah Destinasi Wisata", "destinasi", ["pariwisata", "destinasi"]),
        ("Jumlah Homestay", "unit", ["pariwisata", "homestay", "akomodasi"]),
    ]),
    "dinsos-ppkb": ("perlindungan_sosial_kesehatan", [
        ("Jumlah Keluarga Penerima Manfaat PKH", "keluarga", ["sosial", "pkh", "bantuan sosial"]),
        ("Jumlah Penyandang Disabilitas", "jiwa", ["sosial", "disabilitas"]),
        ("Jumlah Peserta KB Aktif", "orang", ["keluarga berencana", "kb"]),
        ("Jumlah Kasus Kekerasan terhadap Perempuan dan Anak", "kasus",
         ["perlindungan anak", "perempuan"]),
        ("Jumlah Penerima Bantuan Pangan Non Tunai", "keluarga", ["sosial", "bpnt"]),
    ]),
    "dpu-pengairan": ("lingkungan_sda", [
        ("Luas Daerah Irigasi", "hektare", ["irigasi", "pengairan"]),
        ("Jumlah Bendung", "unit", ["irigasi", "bendung"]),
        ("Panjang Saluran Irigasi", "km", ["irigasi", "saluran"]),
        ("Kondisi Jaringan Irigasi Baik", "persen", ["irigasi", "infrastruktur"]),
        ("Jumlah Embung", "unit", ["embung", "sumber daya air"]),
    ]),
    "diskan": ("ekonomi_industri", [
        ("Produksi Perikanan Tangkap", "ton", ["perikanan", "perikanan tangkap", "nelayan"]),
        ("Jumlah Rumah Tangga Perikanan Budidaya", "rumah tangga", ["perikanan", "budidaya", "tambak"]),
        ("Produksi Ikan Lemuru", "ton", ["perikanan", "lemuru", "muncar"]),
        ("Jumlah Kapal Perikanan", "unit", ["perikanan", "kapal"]),
        ("Jumlah Nelayan", "orang", ["perikanan", "nelayan"]),
    ]),
    "diskopumdag": ("ekonomi_industri", [
        ("Jumlah Koperasi Aktif", "unit", ["koperasi", "ekonomi"]),
        ("Jumlah Usaha Mikro", "unit", ["umkm", "usaha mikro"]),
        ("Jumlah Pasar Rakyat", "pasar", ["pasar", "perdagangan"]),
        ("Harga Rata-rata Beras Medium", "rupiah/kg", ["harga", "beras", "pangan"]),
        ("Jumlah Pedagang Pasar", "orang", ["pasar", "pedagang"]),
    ]),
    "dlh": ("lingkungan_sda", [
        ("Timbulan Sampah", "ton/hari", ["lingkungan", "sampah"]),
        ("Jumlah Bank Sampah", "unit", ["lingkungan", "bank sampah"]),
        ("Luas Ruang Terbuka Hijau", "hektare", ["lingkungan", "rth"]),
        ("Indeks Kualitas Air Sungai", "indeks", ["lingkungan", "kualitas air", "sungai"]),
        ("Jumlah TPS3R", "unit", ["lingkungan", "tps3r", "sampah"]),
    ]),
    "dishub": ("ketertiban_umum_keselamatan", [
        ("Jumlah Kecelakaan Lalu Lintas", "kejadian", ["lalu lintas", "kecelakaan", "keselamatan"]),
        ("Jumlah Penumpang Pelabuhan Ketapang", "orang", ["pelabuhan", "penyeberangan", "ketapang"]),
        ("Jumlah Angkutan Umum", "unit", ["angkutan umum", "transportasi"]),
        ("Jumlah Rambu Lalu Lintas", "unit", ["lalu lintas", "rambu"]),
        ("Jumlah Kendaraan Wajib Uji", "unit", ["transportasi", "uji kir"]),
    ]),
    "bpbd": ("ketertiban_umum_keselamatan", [
        ("Jumlah Kejadian Bencana", "kejadian", ["bencana", "kebencanaan"]),
        ("Jumlah Desa Tangguh Bencana", "desa", ["bencana", "destana"]),
        ("Jumlah Kejadian Banjir", "kejadian", ["bencana", "banjir"]),
        ("Jumlah Kejadian Tanah Longsor", "kejadian", ["bencana", "longsor"]),
        ("Jumlah Relawan Penanggulangan Bencana", "orang", ["bencana", "relawan"]),
    ]),
    "dpupr-cktr": ("pembangunan_daerah", [
        ("Panjang Jalan Kabupaten Kondisi Baik", "km", ["jalan", "infrastruktur"]),
        ("Jumlah Rumah Tidak Layak Huni", "unit", ["perumahan", "rtlh"]),
        ("Cakupan Air Minum Layak", "persen", ["air minum", "sanitasi"]),
        ("Jumlah Jembatan", "unit", ["jembatan", "infrastruktur"]),
        ("Luas Kawasan Kumuh", "hektare", ["permukiman", "kawasan kumuh"]),
    ]),
    "disnakertransperin": ("pendidikan_tenaga_kerja", [
        ("Jumlah Pencari Kerja Terdaftar", "orang", ["ketenagakerjaan", "pencari kerja"]),
        ("Tingkat Pengangguran Terbuka", "persen", ["ketenagakerjaan", "pengangguran"]),
        ("Jumlah Industri Kecil Menengah", "unit", ["industri", "ikm"]),
        ("Jumlah Penempatan Tenaga Kerja", "orang", ["ketenagakerjaan", "penempatan"]),
        ("Jumlah Peserta Pelatihan Kerja", "orang", ["pelatihan", "blk"]),
    ]),
    "bapenda": ("ekonomi_industri", [
        ("Realisasi Pajak Bumi dan Bangunan", "rupiah", ["pajak", "pbb"]),
        ("Realisasi Pajak Hotel dan Restoran", "rupiah", ["pajak", "hotel", "restoran"]),
        ("Jumlah Wajib Pajak Daerah", "wajib pajak", ["pajak", "wajib pajak"]),
        ("Realisasi Pendapatan Asli Daerah", "rupiah", ["pad", "pendapatan daerah"]),
        ("Realisasi BPHTB", "rupiah", ["pajak", "bphtb"]),
    ]),
    "satpol-pp": ("ketertiban_umum_keselamatan", [
        ("Jumlah Pelanggaran Peraturan Daerah", "kasus", ["perda", "ketertiban"]),
        ("Jumlah Anggota Linmas", "orang", ["linmas", "ketertiban"]),
        ("Jumlah Penertiban Pedagang Kaki Lima", "kegiatan", ["pkl", "ketertiban"]),
        ("Jumlah Kejadian Kebakaran", "kejadian", ["kebakaran", "damkar"]),
        ("Jumlah Pos Pemadam Kebakaran", "unit", ["damkar", "pemadam kebakaran"]),
    ]),
    "dpmd": ("pembangunan_daerah", [
        ("Jumlah Desa Mandiri", "desa", ["desa", "idm"]),
        ("Realisasi Dana Desa", "rupiah", ["dana desa", "keuangan desa"]),
        ("Jumlah BUMDes Aktif", "unit", ["bumdes", "ekonomi desa"]),
        ("Indeks Desa Membangun", "indeks", ["idm", "desa"]),
        ("Jumlah Perangkat Desa", "orang", ["perangkat desa", "pemerintahan desa"]),
    ]),
    "dispora": ("pendukung_umum", [
        ("Jumlah Organisasi Kepemudaan", "organisasi", ["kepemudaan", "organisasi"]),
        ("Jumlah Atlet Berprestasi", "orang", ["olahraga", "atlet"]),
        ("Jumlah Fasilitas Olahraga", "unit", ["olahraga", "gor"]),
        ("Jumlah Klub Olahraga", "klub", ["olahraga", "klub"]),
        ("Jumlah Wirausaha Muda Pemula", "orang", ["kepemudaan", "wirausaha"]),
    ]),
}

GENERIC_TAGS = [
    "statistik sektoral", "satu data", "data terbuka", "sdgs", "spm", "rpjmd", "rkpd",
    "data tahunan", "data bulanan", "banyuwangi", "jawa timur", "smart kampung",
    "layanan dasar", "pelayanan publik", "indikator makro", "profil daerah",
    "data prioritas", "kabupaten", "kecamatan", "desa", "kelurahan", "anggaran",
    "apbd", "sektoral", "rekapitulasi", "evaluasi", "monitoring", "capaian",
    "target", "realisasi", "wilayah", "infografis", "open data", "geospasial",
    "tabel", "series", "tren", "perbandingan", "survei", "sensus", "registrasi",
    "administrasi", "laporan tahunan", "lakip", "renstra", "renja",
]

SENTENCES = [
    "Data dihimpun dari laporan rutin unit pelaksana teknis di tingkat kecamatan.",
    "Angka merupakan hasil rekapitulasi per 31 Desember tahun berjalan.",
    "Data telah diverifikasi oleh Walidata Diskominfo sebelum diterbitkan.",
    "Pemutakhiran dilakukan setelah rapat koordinasi Forum Satu Data Banyuwangi.",
    "Angka sementara dapat berubah setelah verifikasi lapangan.",
    "Data digunakan sebagai dasar penyusunan RKPD dan evaluasi RPJMD.",
    "Perhitungan mengikuti pedoman kementerian teknis terkait.",
    "Sumber data berasal dari aplikasi pelaporan berbasis desa (Smart Kampung).",
    "Data mendukung pemantauan capaian Standar Pelayanan Minimal (SPM).",
    "Cakupan wilayah meliputi seluruh desa dan kelurahan di kecamatan tersebut.",
    "Metadata disusun sesuai Perpres 39 Tahun 2019 tentang Satu Data Indonesia.",
    "Tabel disajikan dalam format terbuka agar mudah diolah kembali.",
    "Nilai nol berarti tidak ada kejadian yang dilaporkan pada periode tersebut.",
    "Data dapat dibandingkan antartahun untuk melihat tren pembangunan daerah.",
    "Penjelasan konsep dan definisi tersedia pada bagian metadata.",
]

SUB_PERIODS = ["Semester I", "Semester II", "Triwulan I", "Triwulan II", "Triwulan III",
               "Triwulan IV"]
FREQUENCIES = ["tahunan", "tahunan", "tahunan", "semesteran", "triwulanan", "bulanan"]
YEARS = list(range(2014, 2026))
FORMATS = ["CSV", "XLSX", "JSON", "PDF"]

# Free-text words people type in the portal's search box.
QUERY_WORDS = [
    "penduduk", "puskesmas", "padi", "sekolah", "wisatawan", "irigasi", "sampah",
    "bencana", "koperasi", "pajak", "desa", "jalan", "miskin", "gizi", "nelayan",
    "kopi", "banjir", "imunisasi", "pengangguran", "guru", "pasar", "sapi",
    "kecelakaan", "kebakaran", "olahraga", "kesehatan", "pendidikan", "perikanan",
    "lemuru", "homestay", "jembatan", "bumdes", "disabilitas", "ktp", "beras",
]


def kecamatan_names() -> tuple[str, ...]:
    from ckanext.satudata.demo import data
    return data.KECAMATAN


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def organizations() -> list[dict[str, Any]]:
    from ckanext.satudata.demo import data
    orgs = [dict(o) for o in data.ORGANIZATIONS]
    for name, title, short, description in EXTRA_ORGANIZATIONS:
        orgs.append({"name": name, "title": title, "short_name": short,
                     "description": description,
                     "contact_email": "%s@banyuwangikab.go.id" % name.replace("-", "")})
    assert len(orgs) == 20 and set(INDICATORS) == {o["name"] for o in orgs}, \
        "every OPD needs indicators"
    return orgs


def tag_vocabulary() -> list[str]:
    vocab = set(GENERIC_TAGS)
    for _topic, indicators in INDICATORS.values():
        for _title, _unit, tags in indicators:
            vocab.update(tags)
    vocab.update(k.lower() for k in kecamatan_names())
    return sorted(vocab)


class Catalogue:
    """Deterministic generator of the n datasets (same seed, same catalogue)."""

    def __init__(self, n: int, seed: int):
        self.kecamatan = kecamatan_names()
        self.orgs = {o["name"]: o for o in organizations()}
        self.indicators = [(org, topic, ind) for org, (topic, inds) in INDICATORS.items()
                           for ind in inds]
        self.vocab = tag_vocabulary()
        places = list(self.kecamatan) + [None]  # None: the whole regency
        combos = len(self.indicators) * len(places) * len(YEARS)
        # Beyond one dataset per indicator, place and year (31,200), the
        # sub-annual releases (semester, quarter) make the 100,000 catalogue;
        # up to 31,200 the catalogue is the one it always was.
        self.periods: list[Optional[str]] = [None] + (SUB_PERIODS if n > combos else [])
        combos *= len(self.periods)
        if n > combos:
            raise SystemExit("at most %d distinct datasets can be generated" % combos)
        rng = random.Random(seed)
        self.combos = rng.sample(range(combos), n)
        self.places = places
        self.seed = seed

    def dataset(self, i: int) -> dict[str, Any]:
        rng = random.Random("%d-%d" % (self.seed, i))
        combo, period = divmod(self.combos[i], len(self.periods))
        period_name = self.periods[period]
        n_years, n_places = len(YEARS), len(self.places)
        year = YEARS[combo % n_years]
        place = self.places[(combo // n_years) % n_places]
        org, topic, (indicator, unit, ind_tags) = self.indicators[combo // (n_years * n_places)]
        org_title = self.orgs[org]["title"]
        if place is None:
            level = "kabupaten"
            title = "%s Kabupaten Banyuwangi Tahun %d" % (indicator, year)
            where = "Kabupaten Banyuwangi"
        elif rng.random() < 0.3:
            level = "desa"
            title = "%s per Desa/Kelurahan di Kecamatan %s Tahun %d" % (indicator, place, year)
            where = "desa/kelurahan di Kecamatan %s" % place
        else:
            level = "kecamatan"
            title = "%s di Kecamatan %s Tahun %d" % (indicator, place, year)
            where = "Kecamatan %s" % place
        if period_name:
            title = "%s %s" % (title, period_name)
        name = slugify(title)
        if len(name) > 100:
            name = "%s-%d" % (name[:90].rstrip("-"), i)
        private = rng.random() < 0.10
        frequency = rng.choice(FREQUENCIES)
        if period_name:
            frequency = "semesteran" if period_name.startswith("Semester") else "triwulanan"
        notes = "%s di %s, Kabupaten Banyuwangi, tahun %d (satuan: %s). %s\n\n%s" % (
            indicator, where, year, unit,
            " ".join(rng.sample(SENTENCES, rng.randint(1, 3))),
            "Produsen data: %s." % org_title)
        n_tags = rng.randint(1, 5)
        tags = list(ind_tags[:min(n_tags, rng.randint(1, 2))])
        if place and len(tags) < n_tags and rng.random() < 0.5:
            tags.append(place.lower())
        while len(tags) < n_tags:
            tag = rng.choice(self.vocab)
            if tag not in tags:
                tags.append(tag)
        resources = []
        for fmt in rng.sample(FORMATS, rng.randint(1, 2)):
            resources.append({
                "name": "%s (%s)" % (title, fmt),
                "description": "Tabel %s %d dalam format %s." % (indicator.lower(), year, fmt),
                "format": fmt,
                "resource_type": "dokumen" if fmt == "PDF" else "data",
                "url": "https://satudata.banyuwangikab.go.id/unduh/%s.%s" % (name, fmt.lower()),
            })
        return {
            "name": name,
            "title": title,
            "notes": notes,
            "owner_org": org,
            "private": private,
            "topic": topic,
            "update_frequency": frequency,
            "period_start": str(year),
            "period_end": str(year),
            "presentation_level": level,
            "unit": unit,
            "measurement": "Jumlah" if indicator.startswith("Jumlah") else indicator.split()[0],
            "classification": "terbatas" if private else "terbuka",
            "license_id": "cc-by",
            "maintainer": "Walidata Pendukung %s" % self.orgs[org].get("short_name", org),
            "maintainer_email": "%s@banyuwangikab.go.id" % org.replace("-", ""),
            "tags": [{"name": t} for t in tags],
            "resources": resources,
        }


# --------------------------------------------------------------------------
# CKAN helpers
# --------------------------------------------------------------------------

def site_user() -> str:
    import ckan.plugins.toolkit as tk
    return tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]


def admin_context() -> dict[str, Any]:
    return {"user": site_user(), "ignore_auth": True}


def dataset_count() -> int:
    import ckan.model as model
    return model.Session.query(model.Package).filter(
        model.Package.type == "dataset", model.Package.state == "active").count()


def ensure_organizations_and_member() -> None:
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    for org in organizations():
        if model.Group.get(org["name"]) is None:
            tk.get_action("organization_create")(admin_context(), dict(org))
    if model.User.get(SEED_USER) is None:
        tk.get_action("user_create")(admin_context(), {
            "name": SEED_USER, "fullname": "Operator Data Dinkes (bench)",
            "email": "%s@bench.satudata.invalid" % SEED_USER,
            "password": "bench-%s" % random.Random(SEED_USER).getrandbits(64)})
    tk.get_action("organization_member_create")(admin_context(), {
        "id": MEMBER_ORG, "username": SEED_USER, "role": "editor"})
    model.repo.commit()


def has_workflow() -> bool:
    from ckanext.satudata.model import table_exists
    return table_exists("satudata_dataset_workflow")


def seed(n: int, seed_value: int, commit_every: int, base: int = 0) -> dict[str, Any]:
    """package_create for every missing dataset, indexing deferred; then
    publish the ~90% meant to be public. With `base`, only the first `base`
    datasets go through package_create and the rest are copies written in
    SQL (`multiply`); the index must then be rebuilt and `finish_copies` run."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    t0 = time.perf_counter()
    ensure_organizations_and_member()
    catalogue = Catalogue(n, seed_value)
    existing = {r[0] for r in model.Session.query(model.Package.name)}
    org_ids = {o.name: o.id for o in model.Session.query(model.Group).filter(
        model.Group.is_organization == True)}  # noqa: E712
    workflow = has_workflow()
    user = site_user()
    create = tk.get_action("package_create")
    created = 0
    t_create = time.perf_counter()
    for i in range(base or n):
        data = catalogue.dataset(i)
        if data["name"] in existing:
            continue
        data["owner_org"] = org_ids[data["owner_org"]]
        if workflow:
            data.pop("private")  # the workflow decides: private until published
        else:
            data["private"] = True
        # defer_commit: CKAN 2.12 then neither indexes nor commits;
        # return_id_only skips the final package_show.
        create({"user": user, "ignore_auth": True, "defer_commit": True,
                "return_id_only": True}, data)
        created += 1
        if created % commit_every == 0:
            model.repo.commit()
            model.Session.remove()
            rate = created / (time.perf_counter() - t_create)
            print("  seeded %d datasets (%.0f/s)" % (created, rate), file=sys.stderr, flush=True)
    model.repo.commit()
    create_seconds = time.perf_counter() - t_create
    t_pub = time.perf_counter()
    published = publish(catalogue, workflow)
    publish_seconds = time.perf_counter() - t_pub
    copied: dict[str, Any] = {}
    if base and n > base:
        if not workflow:
            raise SystemExit("copies are made of the portal's datasets: the satudata "
                             "plugin's workflow table is missing")
        copied = multiply(catalogue, base, n)
    seconds = time.perf_counter() - t0
    return {"created": created, "seconds": round(seconds, 1),
            "create_seconds": round(create_seconds, 1),
            "publish_seconds": round(publish_seconds, 1),
            "published": published, "base": base or n, "copied": copied,
            "datasets_per_s": round(created / create_seconds, 1) if created else None,
            "commit_every": commit_every, "workflow": workflow}


# --------------------------------------------------------------------------
# Large catalogues (30,000, 100,000): a base through package_create, the
# rest copied inside PostgreSQL
# --------------------------------------------------------------------------

FAST_SEED_ABOVE = 10000     # larger catalogues are seeded through `multiply`
FAST_SEED_BASE = 1000       # ... from a base of this many real package_creates
# the SDI fields the catalogue varies; the rest of a copy's extras are its template's
COPIED_EXTRAS = ("topic", "update_frequency", "period_start", "period_end",
                 "presentation_level", "unit", "measurement", "classification")


def _json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, default=str)


def multiply(catalogue: "Catalogue", base: int, n: int, chunk: int = 5000) -> dict[str, Any]:
    """Datasets `base`..`n-1` of the catalogue written as copies of the base.

    package_create at ≈13 datasets/s on this machine would take two hours
    for 100,000, so each further dataset of the catalogue (its own name,
    title, notes, OPD, tags, SDI fields, resources, dates) is written with
    set-based SQL, taking everything the catalogue does not vary from a base
    dataset of the same visibility: the rows package_create and `publish`
    leave (package with its extras, member of the OPD, package_tag, resource,
    satudata_dataset_workflow). What is derived from the dataset as
    package_show shows it (the workflow's content hash, the transition log's
    `create` entry, the `new package` activity) is written by
    `finish_copies` once the index holds the copies, from the index's own
    validated dict. Idempotent: names present are skipped."""
    import uuid
    import ckan.model as model
    import sqlalchemy as sa
    t0 = time.perf_counter()
    session = model.Session
    existing = {r[0] for r in session.execute(sa.text("SELECT name FROM package"))}
    base_names = [catalogue.dataset(i)["name"] for i in range(base)]
    templates: dict[bool, list[str]] = {True: [], False: []}
    first_resource: dict[str, str] = {}
    for pid, private, resource_id in session.execute(sa.text("""
            SELECT p.id, p.private, (SELECT r.id FROM resource r WHERE r.package_id = p.id
                                     AND r.state = 'active' ORDER BY r.position LIMIT 1)
            FROM package p JOIN satudata_dataset_workflow w ON w.package_id = p.id
            WHERE p.name = ANY(:names) AND p.state = 'active' ORDER BY p.name"""),
            {"names": base_names}):
        templates[bool(private)].append(pid)
        first_resource[pid] = resource_id
    if not templates[True] or not templates[False]:
        raise SystemExit("the base holds no public or no private dataset to copy")
    org_ids = {o.name: o.id for o in session.query(model.Group).filter(
        model.Group.is_organization == True)}  # noqa: E712
    session.execute(sa.text("""
        INSERT INTO tag (id, name)
        SELECT gen_random_uuid()::text, t FROM unnest(CAST(:names AS text[])) t
        WHERE NOT EXISTS (SELECT 1 FROM tag WHERE name = t AND vocabulary_id IS NULL)"""),
        {"names": catalogue.vocab})
    session.commit()
    workflow_columns = [r[0] for r in session.execute(sa.text(
        "SELECT column_name FROM information_schema.columns WHERE table_name = "
        "'satudata_dataset_workflow' AND column_name NOT IN ('package_id', 'content_hash', "
        "'entered_at', 'updated_at') ORDER BY ordinal_position"))]
    now = dt.datetime.utcnow()
    copied, skipped = 0, 0
    packages: list[dict[str, Any]] = []
    tags: list[dict[str, Any]] = []
    resources: list[dict[str, Any]] = []

    def flush() -> None:
        if not packages:
            return
        session.execute(sa.text("""
            INSERT INTO package (id, name, title, version, url, notes, author, author_email,
                maintainer, maintainer_email, state, license_id, type, owner_org, private,
                metadata_modified, creator_user_id, metadata_created, plugin_data, extras)
            SELECT c.id, c.name, c.title, t.version, t.url, c.notes, t.author, t.author_email,
                c.maintainer, c.maintainer_email, t.state, t.license_id, t.type, c.owner_org,
                t.private, c.modified, t.creator_user_id, c.created, t.plugin_data,
                t.extras || c.extras
            FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS c(id text, template text,
                name text, title text, notes text, maintainer text, maintainer_email text,
                owner_org text, created timestamp, modified timestamp, extras jsonb)
            JOIN package t ON t.id = c.template"""), {"rows": _json(packages)})
        session.execute(sa.text("""
            INSERT INTO member (id, group_id, table_id, state, table_name, capacity)
            SELECT gen_random_uuid()::text, c.owner_org, c.id, m.state, m.table_name, m.capacity
            FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS c(id text, template text,
                owner_org text)
            JOIN member m ON m.table_id = c.template AND m.table_name = 'package'
                AND m.state = 'active'"""), {"rows": _json(packages)})
        session.execute(sa.text("""
            INSERT INTO satudata_dataset_workflow (package_id, entered_at, updated_at, {cols})
            SELECT c.id, c.modified AT TIME ZONE 'UTC', c.modified AT TIME ZONE 'UTC', {wcols}
            FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS c(id text, template text,
                modified timestamp)
            JOIN satudata_dataset_workflow w ON w.package_id = c.template""".format(
                cols=", ".join(workflow_columns),
                wcols=", ".join("w.%s" % c for c in workflow_columns))),
            {"rows": _json(packages)})
        session.execute(sa.text("""
            INSERT INTO package_tag (id, state, package_id, tag_id)
            SELECT gen_random_uuid()::text, 'active', x.package_id, tag.id
            FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS x(package_id text, tag text)
            JOIN tag ON tag.name = x.tag AND tag.vocabulary_id IS NULL"""),
            {"rows": _json(tags)})
        session.execute(sa.text("""
            INSERT INTO resource (id, url, format, description, position, hash, state, extras,
                name, resource_type, mimetype, mimetype_inner, size, last_modified, cache_url,
                cache_last_updated, created, url_type, package_id, metadata_modified)
            SELECT c.id, c.url, c.format, c.description, c.position, r.hash, r.state, r.extras,
                c.name, c.resource_type, r.mimetype, r.mimetype_inner, r.size, r.last_modified,
                r.cache_url, r.cache_last_updated, c.created, r.url_type, c.package_id,
                c.created
            FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS c(id text, template text,
                package_id text, url text, format text, description text, position int,
                name text, resource_type text, created timestamp)
            JOIN resource r ON r.id = c.template"""), {"rows": _json(resources)})
        session.commit()
        packages.clear()
        tags.clear()
        resources.clear()

    for i in range(base, n):
        data = catalogue.dataset(i)
        if data["name"] in existing:
            skipped += 1
            continue
        rng = random.Random("copy-%d-%d" % (catalogue.seed, i))
        pool = templates[bool(data["private"])]
        template = pool[i % len(pool)]
        package_id = str(uuid.uuid4())
        # spread over the three years before the seeding, as a catalogue grows
        created = now - dt.timedelta(seconds=rng.random() * 3 * 365 * 86400)
        modified = min(now, created + dt.timedelta(seconds=rng.random() * 180 * 86400))
        packages.append({
            "id": package_id, "template": template, "name": data["name"],
            "title": data["title"], "notes": data["notes"],
            "maintainer": data["maintainer"], "maintainer_email": data["maintainer_email"],
            "owner_org": org_ids[data["owner_org"]], "created": created.isoformat(),
            "modified": modified.isoformat(),
            "extras": {k: str(data[k]) for k in COPIED_EXTRAS}})
        tags += [{"package_id": package_id, "tag": t["name"]} for t in data["tags"]]
        for position, resource in enumerate(data["resources"]):
            resources.append(dict(resource, id=str(uuid.uuid4()), package_id=package_id,
                                  template=first_resource[template], position=position,
                                  created=created.isoformat()))
        copied += 1
        if len(packages) >= chunk:
            flush()
            print("  copied %d datasets (%.0f/s)" % (
                copied, copied / (time.perf_counter() - t0)), file=sys.stderr, flush=True)
    flush()
    seconds = time.perf_counter() - t0
    return {"copied": copied, "skipped": skipped, "seconds": round(seconds, 1),
            "datasets_per_s": round(copied / seconds, 1) if copied else None}


def _shape(value: Any) -> Any:
    """The keys of a dict, recursively (lists by their first item): what a
    copy must share with an original, whatever the values."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__ if value not in (None, "") else "empty"


def verify_copies(original_name: str, sample: int = 5) -> dict[str, Any]:
    """The copies are datasets like the others: package_show of a few (live,
    not from the index) validates and has an original's shape, their content
    hash is package_show's, the search finds each public one by name, the
    OPD facet adds up to the search's count and to the public datasets in
    the database, and the workflow's audit chain is intact. Problems are
    listed; the bench refuses to measure when there are any."""
    import ckan.model as model
    import sqlalchemy as sa
    from ckanext.satudata.dissemination.service import content_hash, show_fresh
    from ckanext.satudata.operations import audit
    problems: list[str] = []
    session = model.Session
    # originals have a transition log older than the workflow's; a copy is the
    # newest rows: pick by the log's ids (copies' entries were written last)
    copies = [r[0] for r in session.execute(sa.text("""
        SELECT l.package_id FROM satudata_dataset_transition_log l
        JOIN package p ON p.id = l.package_id AND p.state = 'active'
        WHERE l.transition = 'create' ORDER BY l.id DESC LIMIT :n"""), {"n": sample * 20})]
    # the catalogue's first dataset, always one of the base made by package_create
    original = session.execute(sa.text("SELECT id FROM package WHERE name = :name"),
                               {"name": original_name}).scalar()
    rng = random.Random(len(copies))
    picked = rng.sample(copies, min(sample, len(copies)))
    session.remove()
    reference = show_fresh(original)
    checked = []
    for package_id in picked:
        shown = show_fresh(package_id)   # package_show, validated, not from the index
        stored = session.execute(sa.text(
            "SELECT content_hash FROM satudata_dataset_workflow WHERE package_id = :id"),
            {"id": package_id}).scalar()
        if content_hash(shown) != stored:
            problems.append("%s: content hash differs from package_show's" % shown["name"])
        ref = dict(reference, private=shown["private"])
        for part in ("resources", "tags", "organization"):
            if _shape(shown[part][:1] if part != "organization" else shown[part]) != \
                    _shape(ref[part][:1] if part != "organization" else ref[part]):
                problems.append("%s: %s shaped unlike an original's" % (shown["name"], part))
        missing = set(reference) - set(shown)
        if missing:
            problems.append("%s lacks %s" % (shown["name"], sorted(missing)))
        if not shown["private"]:
            _ms, found = search("", {"q": "", "fq": 'name:"%s"' % shown["name"], "rows": 1})
            if [r["id"] for r in found["results"]] != [package_id]:
                problems.append("the search does not find %s by name" % shown["name"])
        checked.append(shown["name"])
        session.remove()
    _ms, page = search("", {"q": "", "rows": 0, "facet.field": ["organization"],
                            "facet.limit": -1})
    public = session.execute(sa.text(
        "SELECT count(*) FROM package WHERE state = 'active' AND NOT private AND "
        "type = 'dataset'")).scalar()
    by_org = sum(page["facets"]["organization"].values())
    if not page["count"] == by_org == public:
        problems.append("anonymous search counts %d, its OPD facet adds up to %d, the database "
                        "holds %d public datasets" % (page["count"], by_org, public))
    chain = audit.verify(["workflow"])[0]
    session.rollback()
    session.remove()
    if chain["broken"]:
        problems.append("the workflow audit chain is broken: %s" % chain["broken"])
    return {"checked": checked, "public_count": page["count"], "facet_sum": by_org,
            "public_in_db": public, "audit_entries": chain["entries"], "problems": problems}


# copies not yet finished: no content hash and no transition log entry (every
# dataset package_create made has both)
COPIES_PENDING = """
    SELECT %s FROM satudata_dataset_workflow w WHERE w.content_hash IS NULL
    AND NOT EXISTS (SELECT 1 FROM satudata_dataset_transition_log l
                    WHERE l.package_id = w.package_id)"""


def finish_copies(batch: int = 2000) -> dict[str, Any]:
    """What the copies still lack once the index holds them, from the index's
    validated dict (package_show's output): the workflow's content hash,
    the transition log's `create` entry (its audit chain extended by the
    table's own trigger, in creation order) and the `new package` activity,
    each shaped as the base's are."""
    import ckan.model as model
    import sqlalchemy as sa
    from ckanext.satudata.dissemination.service import WORKFLOW_PREFIX, content_hash
    t0 = time.perf_counter()
    session = model.Session
    ids = [r[0] for r in session.execute(sa.text(
        COPIES_PENDING % "w.package_id" + " ORDER BY w.package_id"))]
    if not ids:
        return {"finished": 0, "seconds": 0.0}
    log_row = session.execute(sa.text(
        "SELECT transition, from_state, to_state, actor_id, actor_name FROM "
        "satudata_dataset_transition_log WHERE transition = 'create' ORDER BY id LIMIT 1")).one()
    activity = session.execute(sa.text(
        "SELECT user_id, data FROM activity WHERE activity_type = 'new package' "
        "ORDER BY timestamp LIMIT 1")).one()
    actor = json.loads(activity.data).get("actor")
    done = 0
    for start in range(0, len(ids), batch):
        rows = []
        for pid, validated in session.execute(sa.text(
                "SELECT package_id, validated_data_dict FROM satudata_search_index "
                "WHERE package_id = ANY(:ids)"), {"ids": ids[start:start + batch]}):
            pkg = json.loads(validated)
            shown = {k: v for k, v in pkg.items() if not k.startswith(WORKFLOW_PREFIX)}
            rows.append({"id": pid, "name": pkg["name"], "owner_org": pkg["owner_org"],
                         "created": pkg["metadata_created"], "hash": content_hash(pkg),
                         "data": json.dumps({"package": dict(shown, private=True),
                                             "actor": actor}, ensure_ascii=False)})
        missing = batch if start + batch <= len(ids) else len(ids) - start
        if len(rows) != missing:
            raise SystemExit("finish_copies: %d of %d copies are not in the index: rebuild "
                             "it first" % (missing - len(rows), missing))
        rows.sort(key=lambda r: r["created"])
        params = {"rows": _json(rows), "transition": log_row.transition,
                  "from_state": log_row.from_state, "to_state": log_row.to_state,
                  "actor_id": log_row.actor_id, "actor_name": log_row.actor_name,
                  "user_id": activity.user_id}
        session.execute(sa.text("""
            UPDATE satudata_dataset_workflow w SET content_hash = x.hash
            FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS x(id text, hash text)
            WHERE w.package_id = x.id"""), params)
        session.execute(sa.text("""
            INSERT INTO satudata_dataset_transition_log (package_id, package_name, owner_org,
                transition, from_state, to_state, actor_id, actor_name, at, content_hash)
            SELECT x.id, x.name, x.owner_org, :transition, :from_state, :to_state, :actor_id,
                :actor_name, x.created AT TIME ZONE 'UTC', x.hash
            FROM jsonb_to_recordset(CAST(:rows AS jsonb))
                AS x(id text, name text, owner_org text, created timestamp, hash text)
            ORDER BY x.created, x.id"""), params)
        session.execute(sa.text("""
            INSERT INTO activity (id, timestamp, user_id, object_id, activity_type, data,
                permission_labels)
            SELECT gen_random_uuid()::text, x.created, :user_id, x.id, 'new package', x.data,
                ARRAY['member-' || x.owner_org, 'satudata-walidata']
            FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS x(id text, owner_org text,
                created timestamp, data text)"""), params)
        session.commit()
        done += len(rows)
    return {"finished": done, "seconds": round(time.perf_counter() - t0, 1)}


def publish(catalogue: "Catalogue", workflow: bool) -> int:
    """Mark the datasets meant to be public as published, in one statement.

    Walking 9,000 datasets through the five workflow transitions (assign,
    submit, approve, approve, publish) would take longer than everything
    else; the search benchmark only needs the end state publishing leaves:
    workflow row `terbit`/published and the dataset public. Idempotent. The
    index is rebuilt afterwards, so it reflects this state."""
    import ckan.model as model
    import sqlalchemy as sa
    names = [d["name"] for d in map(catalogue.dataset, range(len(catalogue.combos)))
             if not d["private"]]
    ids = [r[0] for r in model.Session.execute(sa.text(
        "SELECT id FROM package WHERE name = ANY(:names) AND private"), {"names": names})]
    if workflow and ids:
        model.Session.execute(sa.text("""
            UPDATE satudata_dataset_workflow
            SET state = 'terbit', published = true, approvals = '[]', preparer_ids = '{}',
                assignee_id = NULL, entered_at = now(), updated_at = now()
            WHERE package_id = ANY(:ids)"""), {"ids": ids})
    if ids:
        model.Session.execute(sa.text("UPDATE package SET private = false WHERE id = ANY(:ids)"),
                              {"ids": ids})
    model.repo.commit()
    return len(ids)


def wipe_index() -> None:
    import ckan.lib.search as search
    search.index_for("Package").clear()


def cli_rebuild(config_path: str, command: str) -> dict[str, Any]:
    """`ckan -c INI search-index COMMAND` as an administrator runs it, timed from
    outside; every active dataset must then have been reindexed."""
    import subprocess
    import ckan.model as model
    import sqlalchemy as sa
    rows_before = model.Session.execute(sa.text(
        "SELECT count(*) FROM satudata_search_index")).scalar()
    model.Session.remove()
    ckan_bin = os.path.join(os.path.dirname(sys.executable), "ckan")
    t0 = time.perf_counter()
    proc = subprocess.run([ckan_bin, "-c", config_path, "search-index"] + command.split(),
                          capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if proc.returncode:
        raise SystemExit("search-index %s failed (exit %d): %s" % (
            command, proc.returncode, proc.stderr[-2000:]))
    active = model.Session.execute(sa.text(
        "SELECT count(*) FROM package WHERE state = 'active'")).scalar()
    indexed = model.Session.execute(sa.text(
        "SELECT count(*) FROM satudata_search_index i JOIN package p ON p.id = i.package_id "
        "WHERE p.state = 'active' AND i.indexed_at >= now() - make_interval(secs => :s)"),
        {"s": seconds + 5}).scalar()
    model.Session.remove()
    if indexed != active:
        raise SystemExit("search-index %s reindexed %d of %d active datasets" % (
            command, indexed, active))
    return {"command": command, "processes": os.cpu_count() if command == "rebuild-fast" else 1,
            "datasets": active, "seconds": round(seconds, 2),
            "datasets_per_s": round(active / seconds, 1), "reindexed": indexed,
            "mode": "update (upsert over existing rows)" if rows_before else "insert (empty index)"}


def rebuild_phases(n: int) -> dict[str, Any]:
    """Where a batched rebuild's time goes, per dataset, over the first `n`
    active datasets: the steps of core's ``package_show_default_and_custom_schemas``
    (dictize, then validation against the default and the plugin's show
    schema, then ``after_dataset_show``) timed one by one, inside the batch
    the rebuild opens (rows prefetched, names checked per batch), then the
    backend's index row (plugins' ``before_dataset_index`` included). Nothing
    is written. The sum of core's steps bounds a single process's rate."""
    import ckan.logic as logic
    import ckan.model as model
    from ckan.lib.plugins import lookup_package_plugin, plugin_validate
    from ckan.logic.schema import default_show_package_schema
    from ckanext.satudata.search import rebuild
    from ckanext.satudata.search.index import PostgresPackageSearchIndex
    ids = [r[0] for r in model.Session.query(model.Package.id).filter(
        model.Package.state == "active").order_by(model.Package.name).limit(n)]
    index = PostgresPackageSearchIndex()
    spent = dict.fromkeys(("dictize", "validate_default", "validate_custom",
                           "after_dataset_show", "index_row"), 0.0)
    rows = []
    clock = time.perf_counter
    started = clock()
    for batch in rebuild._batches(ids, rebuild.batch_size()):
        with rebuild.batch_opened(batch):
            for package_id in batch:
                t0 = clock()
                context = logic.fresh_context({"ignore_auth": True}, ignore_auth=True,
                                              use_cache=False, validate=False)
                dictized = logic.get_action("package_show")(context, {"id": package_id})
                t1 = clock()
                default, _ = plugin_validate(object(), context, dictized,
                                             default_show_package_schema(), "package_show")
                t2 = clock()
                plugin = lookup_package_plugin(dictized["type"])
                custom, _ = plugin_validate(plugin, context, dictized,
                                            plugin.show_package_schema(), "package_show")
                t3 = clock()
                logic.apply_after_dataset_show_plugins(context, custom)
                t4 = clock()
                rows.append(index.row_for(dict(default, with_custom_schema=custom)))
                t5 = clock()
                for step, seconds in zip(spent, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
                    spent[step] += seconds
        model.Session.rollback()
    total = clock() - started
    model.Session.remove()
    per = {step: round(seconds / len(ids) * 1000, 3) for step, seconds in spent.items()}
    core_ms = per["dictize"] + per["validate_default"] + per["validate_custom"] \
        + per["after_dataset_show"]
    return {"datasets": len(ids), "ms_per_dataset": per,
            "total_ms_per_dataset": round(total / len(ids) * 1000, 3),
            "core_ms_per_dataset": round(core_ms, 3),
            "core_only_ceiling_per_s": round(1000 / core_ms, 1),
            "writing_ms_per_row": writing_times(rows)}


def writing_times(rows: list[dict[str, Any]]) -> dict[str, float]:
    """The rebuild's writer thread writing these rows (a batch at a time, on
    its own connection), ms per row: alone, and beside a thread busy in
    Python as the rebuild's builder is, as one statement per batch (the
    backend's write) and as psycopg2's executemany (a round trip per row,
    each followed by a wait for the GIL)."""
    import threading
    import ckan.model as model
    from ckanext.satudata.search import index, rebuild
    rows = [row for row in rows if row]
    engine = model.Session.get_bind()
    size = rebuild.batch_size()

    def write(many: bool) -> float:
        t0 = time.perf_counter()
        for start in range(0, len(rows), size):
            batch = rows[start:start + size]
            with engine.begin() as connection:
                if many:
                    connection.execute(index._UPSERT, batch)
                else:
                    index.PostgresPackageSearchIndex().write_rows(batch, connection)
        return round((time.perf_counter() - t0) * 1000 / len(rows), 2)

    def in_writer_thread(many: bool, busy: bool) -> float:
        result: list[float] = []
        done = threading.Event()
        writer = threading.Thread(target=lambda: (result.append(write(many)), done.set()))
        writer.start()
        while busy and not done.is_set():
            sum(range(1000))   # the builder: pure Python, holding the GIL
        writer.join()
        return result[0]
    write(False)   # warm-up: statements compiled, pages in cache
    return {"one_statement_alone": in_writer_thread(False, busy=False),
            "one_statement_beside_busy_thread": in_writer_thread(False, busy=True),
            "executemany_alone": in_writer_thread(True, busy=False),
            "executemany_beside_busy_thread": in_writer_thread(True, busy=True)}


def core_rebuild_config(config_path: str) -> str:
    """The bench ini with batching off: core's one-by-one rebuild, the baseline."""
    path = os.path.join(os.path.dirname(os.path.abspath(config_path)), "bench-core-rebuild.ini")
    with open(path, "w") as f:
        f.write("[app:main]\nuse = config:%s\n"
                "ckanext.satudata.search.rebuild_batch_size = 0\n" % os.path.abspath(config_path))
    return path


# --------------------------------------------------------------------------
# Queries
# --------------------------------------------------------------------------


def package_show_times(user: str, iterations: int, warmup: int,
                       seed_value: int) -> dict[str, Any]:
    """package_show of datasets the user may see, through the action layer,
    as the yardstick of the search timings (same run, same load)."""
    import ckan.model as model
    import ckan.plugins.toolkit as tk
    import sqlalchemy as sa
    names = [r[0] for r in model.Session.execute(sa.text(
        "SELECT name FROM package WHERE state = 'active' AND NOT private ORDER BY name"))]
    model.Session.remove()
    rng = random.Random("package_show-%s-%d" % (user, seed_value))
    times = []
    for i in range(warmup + iterations):
        t0 = time.perf_counter()
        with request_as(user) as context:
            tk.get_action("package_show")(context, {"id": rng.choice(names)})
        ms = (time.perf_counter() - t0) * 1000.0
        if i >= warmup:
            times.append(ms)
    return {"n": iterations, "min_ms": round(min(times), 1),
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1), "max_ms": round(max(times), 1),
            "mean_ms": round(sum(times) / len(times), 1),
            "hits_min": 1, "hits_max": 1, "hits_mean": 1, "rows_returned_mean": 1}


def dataset_page_times(iterations: int, warmup: int, seed_value: int) -> dict[str, Any]:
    """`/dataset/<name>` rendered through CKAN's app for a visitor, the page
    cache off (a miss, as scripts/bench_pages measures it): wall time per
    page, random public datasets with a resource."""
    import ckan.model as model
    import sqlalchemy as sa
    names = [r[0] for r in model.Session.execute(sa.text(
        "SELECT name FROM package p WHERE state = 'active' AND NOT private AND EXISTS "
        "(SELECT 1 FROM resource r WHERE r.package_id = p.id AND r.state = 'active') "
        "ORDER BY name"))]
    model.Session.remove()
    rng = random.Random("dataset_page-%d" % seed_value)
    client = _APP.test_client()
    times = []
    for i in range(warmup + iterations):
        name = rng.choice(names)
        t0 = time.perf_counter()
        response = client.get("/dataset/%s" % name)
        ms = (time.perf_counter() - t0) * 1000.0
        model.Session.remove()
        if response.status_code != 200:
            raise SystemExit("/dataset/%s answered %d" % (name, response.status_code))
        if i >= warmup:
            times.append(ms)
    return {"n": iterations, "min_ms": round(min(times), 1),
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1), "max_ms": round(max(times), 1),
            "mean_ms": round(sum(times) / len(times), 1),
            "hits_min": 1, "hits_max": 1, "hits_mean": 1, "rows_returned_mean": 1}


def database_sizes() -> dict[str, int]:
    """Bytes: the whole database, and the search tables with their indexes."""
    import ckan.model as model
    import sqlalchemy as sa
    row = model.Session.execute(sa.text("""
        SELECT pg_database_size(current_database()),
               pg_total_relation_size('satudata_search_index'),
               pg_total_relation_size('satudata_search_facet_count'),
               pg_total_relation_size('package'), pg_total_relation_size('activity')""")).one()
    model.Session.remove()
    return dict(zip(("database", "search_index", "search_facet_count", "package", "activity"),
                    row))


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


_APP: Any = None  # CKAN's Flask app, set by main()


@contextlib.contextmanager
def request_as(user: str):
    """A request of its own, with the caller identified as CKAN does for a
    session cookie or an API token (the user read from the database once, then
    `current_user`), and the action context CKAN's views and API build; a fresh
    database session afterwards, as each web request gets."""
    import ckan.model as model
    import flask_login
    with _APP.test_request_context():
        context: dict[str, Any] = {"user": user, "ignore_auth": False}
        if user:
            user_obj = model.User.get(user)
            flask_login.login_user(user_obj)
            context["auth_user_obj"] = user_obj
        yield context
    model.Session.remove()


def search(user: str, params: dict[str, Any]) -> tuple[float, dict[str, Any]]:
    """One package_search through the action layer as one request, timed
    (the identification of the caller included)."""
    import ckan.plugins.toolkit as tk
    t0 = time.perf_counter()
    with request_as(user) as context:
        result = tk.get_action("package_search")(context, dict(params))
    ms = (time.perf_counter() - t0) * 1000.0
    return ms, result


def measure(name: str, user: str, make_params: Callable[[random.Random, int], dict[str, Any]],
            iterations: int, warmup: int, seed_value: int) -> dict[str, Any]:
    rng = random.Random("%s-%s-%d" % (name, user, seed_value))
    for i in range(warmup):
        search(user, make_params(rng, i))
    times, hits, returned = [], [], []
    for i in range(iterations):
        ms, result = search(user, make_params(rng, i))
        times.append(ms)
        hits.append(result["count"])
        returned.append(len(result["results"]))
    return {"n": iterations, "min_ms": round(min(times), 1),
            "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1), "max_ms": round(max(times), 1),
            "mean_ms": round(sum(times) / len(times), 1),
            "hits_min": min(hits), "hits_max": max(hits),
            "hits_mean": round(sum(hits) / len(hits)),
            "rows_returned_mean": round(sum(returned) / len(returned), 1)}


def free_text_q(rng: random.Random) -> str:
    kind = rng.random()
    word = rng.choice(QUERY_WORDS)
    if kind < 0.4:
        return word
    if kind < 0.7:
        return "%s %s" % (word, rng.choice(kecamatan_names()))
    if kind < 0.85:
        return "%s %d" % (word, rng.choice(YEARS))
    return "%s %s" % (word, rng.choice([w for w in QUERY_WORDS if w != word]))


def scenarios(visible: dict[str, int], date_bounds: tuple[dt.datetime, dt.datetime],
              vocab: list[str]) -> list[tuple[str, str, Callable]]:
    lo, hi = date_bounds
    span = (hi - lo).total_seconds()

    def free_text(rng, i):
        return {"q": free_text_q(rng), "rows": 20}

    def facet_page(rng, i):
        # /dataset as it first opens: no q, include_private like the web UI,
        # facets of the SDI portal; varying page and sort per iteration.
        sort = rng.choice(["score desc, metadata_modified desc", "title_string asc",
                           "metadata_modified desc"])
        return {"q": "", "rows": 20, "start": 20 * rng.randint(0, 10), "sort": sort,
                "include_private": True, "facet.field": FACET_FIELDS}

    def facet_page_q(rng, i):
        # /dataset?q=...: free text with the same facets
        return {"q": free_text_q(rng), "rows": 20, "include_private": True,
                "facet.field": FACET_FIELDS}

    def facet_page_filtered(rng, i):
        # /dataset?tags=...: a facet clicked
        return {"q": "", "rows": 20, "include_private": True, "facet.field": FACET_FIELDS,
                "fq": 'tags:"%s"' % rng.choice(vocab)}

    def date_range(rng, i):
        when = lo + dt.timedelta(seconds=rng.random() * span)
        return {"q": "", "rows": 20,
                "fq": "metadata_modified:[%s TO NOW]" % when.strftime("%Y-%m-%dT%H:%M:%SZ")}

    def deep_page(who):
        def make(rng, i):
            # start=9000; anonymous sees fewer than 9,020 public datasets, so
            # it reads its last full page instead (the page must not be empty).
            start = min(9000, visible[who] - 20) - 20 * rng.randint(0, 4)
            return {"q": "", "rows": 20, "start": max(start, 0),
                    "sort": "metadata_modified desc", "include_private": True}
        return make

    out = []
    for label, user in (("anonymous", ""), ("member", SEED_USER)):
        out += [
            ("free_text", label, user, free_text),
            ("facet_page", label, user, facet_page),
            ("free_text_with_facets", label, user, facet_page_q),
            ("facet_page_tag_filter", label, user, facet_page_filtered),
            ("fq_date_range", label, user, date_range),
            ("deep_page", label, user, deep_page(label)),
        ]
    return out


def harvest_paging(rows: int) -> dict[str, Any]:
    """Every public dataset, rows=1000 per page, sort=id asc (ckanext-harvest)."""
    import ckan.model as model
    expected = model.Session.query(model.Package).filter(
        model.Package.type == "dataset", model.Package.state == "active",
        model.Package.private == False).count()  # noqa: E712
    model.Session.remove()
    ids: list[str] = []
    pages, start, count = 0, 0, None
    page_ms: list[float] = []
    t0 = time.perf_counter()
    while True:
        ms, result = search("", {"q": "*:*", "rows": rows, "start": start, "sort": "id asc"})
        page_ms.append(ms)
        pages += 1
        count = result["count"]
        ids.extend(r["id"] for r in result["results"])
        start += rows
        if not result["results"] or start >= count:
            break
    seconds = time.perf_counter() - t0
    unique = set(ids)
    problems = []
    if len(unique) != len(ids):
        problems.append("%d duplicate ids across pages" % (len(ids) - len(unique)))
    if len(unique) != count:
        problems.append("%d distinct ids but count=%d" % (len(unique), count))
    if count != expected:
        problems.append("count=%d but the database holds %d public active datasets"
                        % (count, expected))
    if ids != sorted(ids):
        problems.append("ids are not in ascending order")
    return {"rows": rows, "pages": pages, "count": count, "ids": len(ids),
            "unique_ids": len(unique), "expected_public": expected,
            "seconds": round(seconds, 2), "datasets_per_s": round(len(ids) / seconds, 1),
            "page_p50_ms": round(percentile(page_ms, 50), 1),
            "page_max_ms": round(max(page_ms), 1), "problems": problems}


def visible_counts() -> dict[str, int]:
    out = {}
    for label, user in (("anonymous", ""), ("member", SEED_USER)):
        _ms, result = search(user, {"q": "", "rows": 0, "include_private": True})
        out[label] = result["count"]
    return out


def date_bounds() -> tuple[dt.datetime, dt.datetime]:
    import ckan.model as model
    import sqlalchemy as sa
    lo, hi = model.Session.execute(sa.text(
        "SELECT min(metadata_modified), max(metadata_modified) FROM package "
        "WHERE type = 'dataset' AND state = 'active'")).one()
    model.Session.remove()
    return lo, hi


# --------------------------------------------------------------------------
# EXPLAIN ANALYZE of the SQL a scenario runs (--explain)
# --------------------------------------------------------------------------

class SqlRecorder:
    def __init__(self):
        self.active = False
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if self.active and "satudata_search_index" in statement:
            self.statements.append((statement, parameters))


def explain(name: str, user: str, params: dict[str, Any], recorder: SqlRecorder) -> None:
    import ckan.model as model
    recorder.statements.clear()
    recorder.active = True
    try:
        search(user, params)
    finally:
        recorder.active = False
    print("\n### EXPLAIN ANALYZE: %s (%s) %s" % (name, user or "anonymous",
                                                json.dumps(params, default=str)))
    for statement, parameters in recorder.statements:
        raw = model.Session.connection().connection.dbapi_connection
        with raw.cursor() as cur:
            cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            plan = "\n".join(r[0] for r in cur.fetchall())
        print("```sql\n%s\n-- params: %s\n```\n```\n%s\n```" % (
            statement.strip(), parameters, plan))
        model.Session.rollback()
    model.Session.remove()


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------

def machine_info(pg_port: Optional[int]) -> dict[str, Any]:
    import ckan
    import ckan.model as model
    import sqlalchemy as sa
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f
                       if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem_gb = None
    try:
        with open("/proc/meminfo") as f:
            mem_gb = round(int(f.readline().split()[1]) / 1024 / 1024, 1)
    except (OSError, ValueError, IndexError):
        pass
    session = model.Session
    settings = {k: session.execute(sa.text("SHOW %s" % k)).scalar()
                for k in ("shared_buffers", "work_mem", "fsync", "jit",
                          "effective_cache_size", "max_parallel_workers_per_gather")}
    info = {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu, "memory_gb": mem_gb, "python": platform.python_version(),
        "ckan": ckan.__version__,
        "postgresql": session.execute(sa.text("SHOW server_version")).scalar(),
        "postgresql_settings": settings,
        "when": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
    }
    session.remove()
    return info


def markdown(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        "## Search benchmark (PostgreSQL backend)", "",
        "Machine: %s CPU (%s), %s GB RAM; PostgreSQL %s (shared_buffers %s, work_mem %s, "
        "fsync %s, jit %s); CKAN %s, Python %s; %s." % (
            m["nproc"], m["cpu"], m["memory_gb"], m["postgresql"],
            m["postgresql_settings"]["shared_buffers"], m["postgresql_settings"]["work_mem"],
            m["postgresql_settings"]["fsync"], m["postgresql_settings"]["jit"],
            m["ckan"], m["python"], m["when"]),
        "Load average (1/5/15 min) at start %s, at end %s: other work on the machine "
        "inflates the timings." % (" ".join(map(str, m["loadavg_start"])),
                                   " ".join(map(str, m.get("loadavg_end", [])))),
        "",
        "Catalogue: %(datasets)d datasets (%(public)d public, %(private)d private) in "
        "%(organizations)d OPDs, %(tags)d distinct tags, %(resources)d resources; "
        "anonymous sees %(visible_anonymous)d, the member (editor of dinkes) sees "
        "%(visible_member)d." % report["catalogue"],
        "",
    ]
    s = report["seeding"]
    if s.get("created"):
        lines.append("Seeding: %d datasets via package_create (defer_commit, commit every %d) "
                     "in %.1f s, then %d published in %.1f s (SQL: workflow row `terbit`, "
                     "dataset public); %.1f s in all, %.1f datasets/s%s." % (
                         s["created"], s["commit_every"], s.get("create_seconds", s["seconds"]),
                         s.get("published", 0), s.get("publish_seconds", 0), s["seconds"],
                         s["datasets_per_s"],
                         " (from the run that seeded)" if s.get("previous_run") else ""))
    else:
        lines.append("Seeding: skipped (database already seeded).")
    if s.get("copied"):
        c = s["copied"]
        lines.append("Of those, %d were made as copies of the first %d (set-based SQL, "
                     "%.1f s, %.0f datasets/s), indexed by the batched rebuild and "
                     "finished from the index in %.1f s." % (
                         c.get("copied", 0), s.get("base", 0), c.get("seconds", 0),
                         c.get("datasets_per_s") or 0,
                         s.get("finished", {}).get("seconds", 0)))
    z = report.get("sizes_bytes")
    if z:
        lines.append("Sizes: database %.0f MB; satudata_search_index %.0f MB, "
                     "satudata_search_facet_count %.1f MB (with their indexes); package "
                     "%.0f MB, activity %.0f MB." % tuple(
                         z[k] / 1e6 for k in ("database", "search_index",
                                              "search_facet_count", "package", "activity")))
    lines += ["", "| Measurement | User | min ms | p50 ms | p95 ms | max ms | hits (min–max) | Target | |",
              "|---|---|---:|---:|---:|---:|---|---|---|"]
    targets = {"free_text": TARGET_FREE_TEXT_P95_MS, "facet_page": TARGET_FACET_PAGE_P95_MS}
    shows = report["queries"].get("package_show", {})
    for name, by_user in report["queries"].items():
        for user, r in by_user.items():
            target = targets.get(name)
            show = shows.get(user)
            ratio = ""
            if show and name != "package_show" and show["p95_ms"]:
                ratio = " (%.1f× package_show)" % (r["p95_ms"] / show["p95_ms"])
            ok = target is None or r["p95_ms"] <= target
            if name == "facet_page" and user == "anonymous" and show:
                ok = ok and r["p95_ms"] <= TARGET_RATIO_TO_PACKAGE_SHOW * show["p95_ms"]
                target_text = "p95 ≤ %d ms and ≤ %d× package_show" % (
                    target, TARGET_RATIO_TO_PACKAGE_SHOW)
            else:
                target_text = "p95 ≤ %d ms" % target if target else ""
            verdict = "" if target is None else ("ok" if ok else "MISSED")
            lines.append("| %s | %s | %.1f | %.1f | %.1f%s | %.1f | %d–%d | %s | %s |" % (
                name, user, r["min_ms"], r["p50_ms"], r["p95_ms"], ratio, r["max_ms"],
                r["hits_min"], r["hits_max"], target_text, verdict))
    rb, core = report["rebuild"], report.get("rebuild_core")
    if rb and core:
        lines.append("| `ckan search-index rebuild`, core's one by one (baseline: batch size 0) "
                     "| — | | %.1f s total | | | %d datasets | | %.0f datasets/s |" % (
                         core["seconds"], core["datasets"], core["datasets_per_s"]))
        lines.append("| `ckan search-index rebuild`, batched (%s) | — | | %.1f s total | | | "
                     "%d datasets | ≥ %d datasets/s | %s (%.0f/s, %.2f× core) |" % (
                         rb["mode"], rb["seconds"], rb["datasets"], TARGET_REBUILD_RATE,
                         "ok" if rb["datasets_per_s"] >= TARGET_REBUILD_RATE else "MISSED",
                         rb["datasets_per_s"], core["seconds"] / rb["seconds"]))
    elif rb:
        lines.append("| `ckan search-index rebuild`, batched (%s) | — | | %.1f s total | | | "
                     "%d datasets | | %.0f datasets/s |" % (
                         rb["mode"], rb["seconds"], rb["datasets"], rb["datasets_per_s"]))
    else:
        lines.append("| index rebuild | — | | not run (--no-rebuild) | | | | | |")
    pr = report.get("rebuild_parallel")
    if pr:
        lines.append("| `ckan search-index rebuild-fast` (%d processes, update) | — | | %.1f s "
                     "total | | | %d datasets | works, all reindexed | ok (%.0f/s) |" % (
                         pr["processes"], pr["seconds"], pr["datasets"],
                         pr["datasets_per_s"]))
    hv = report["harvest"]
    lines.append("| harvest paging rows=%d sort=id asc | anonymous | | %.1f /page | | %.1f /page "
                 "| %d datasets, %d pages | — | %s |" % (
                     hv["rows"], hv["page_p50_ms"], hv["page_max_ms"], hv["ids"], hv["pages"],
                     "%.2f s, %.0f datasets/s%s" % (hv["seconds"], hv["datasets_per_s"],
                                                   "" if not hv["problems"] else
                                                   "; ERROR: " + "; ".join(hv["problems"]))))
    lines += ["", "Each query row: %d timed package_search calls after %d warm-up calls, "
              "varied inputs; each call is a request of its own, the member identified "
              "as CKAN does for a cookie or API token (read once per request); time is "
              "the identification and the action call (auth, permission labels, SQL, JSON "
              "decoding of results, facet titles), not HTTP." % (
                  report["iterations"], report["warmup"])]
    ph = report.get("rebuild_phases")
    if ph:
        steps = ph["ms_per_dataset"]
        lines += ["", "Batched rebuild, time per dataset by step (%d datasets, in process, "
                  "nothing written):" % ph["datasets"], "",
                  "| step | whose code | ms per dataset | share |", "|---|---|---:|---:|"]
        whose = {"dictize": "core `package_show` / `package_dictize` (rows prefetched)",
                 "validate_default": "core: validation, default show schema",
                 "validate_custom": "core + scheming: validation, the dataset type's show schema",
                 "after_dataset_show": "plugins' `after_dataset_show`",
                 "index_row": "this backend's document and row, plugins' `before_dataset_index`"}
        for step, ms in steps.items():
            lines.append("| %s | %s | %.2f | %.0f %% |" % (
                step, whose[step], ms, 100 * ms / ph["total_ms_per_dataset"]))
        lines += ["| total | | %.2f | %.0f datasets/s |" % (
            ph["total_ms_per_dataset"], 1000 / ph["total_ms_per_dataset"]),
            "", "Core's steps alone (dictize, both validations, `after_dataset_show`): "
            "%.2f ms per dataset, a ceiling of %.0f datasets/s for one process even "
            "with the index row free." % (ph["core_ms_per_dataset"],
                                           ph["core_only_ceiling_per_s"])]
        w = ph.get("writing_ms_per_row")
        if w:
            lines += ["", "The rebuild's writer thread writing those rows, ms per row: one "
                      "statement per batch %.2f alone, %.2f beside a busy Python thread; "
                      "psycopg2's executemany (the write before 2026-11-26) %.2f alone, "
                      "%.2f beside a busy thread (%.1f×)." % (
                          w["one_statement_alone"], w["one_statement_beside_busy_thread"],
                          w["executemany_alone"], w["executemany_beside_busy_thread"],
                          w["executemany_beside_busy_thread"]
                          / w["one_statement_beside_busy_thread"])]
    return "\n".join(lines)


def catalogue_stats(visible: dict[str, int]) -> dict[str, Any]:
    import ckan.model as model
    import sqlalchemy as sa
    row = model.Session.execute(sa.text("""
        SELECT count(*) FILTER (WHERE NOT private), count(*) FILTER (WHERE private), count(*)
        FROM package WHERE type = 'dataset' AND state = 'active'""")).one()
    orgs = model.Session.execute(sa.text(
        "SELECT count(*) FROM \"group\" WHERE is_organization AND state = 'active'")).scalar()
    tags = model.Session.execute(sa.text(
        "SELECT count(DISTINCT tag_id) FROM package_tag WHERE state = 'active'")).scalar()
    resources = model.Session.execute(sa.text(
        "SELECT count(*) FROM resource WHERE state = 'active'")).scalar()
    model.Session.remove()
    return {"public": row[0], "private": row[1], "datasets": row[2], "organizations": orgs,
            "tags": tags, "resources": resources,
            "visible_anonymous": visible["anonymous"], "visible_member": visible["member"]}


def run(args: argparse.Namespace) -> int:
    import ckan.model as model
    import sqlalchemy as sa

    machine = machine_info(args.pg_port)
    seed_file = os.path.splitext(args.json)[0] + ".seed.json"
    have = dataset_count()
    if have >= args.datasets:
        print("bench database holds %d datasets: seeding skipped" % have, file=sys.stderr)
        seeding: dict[str, Any] = {"created": 0}
        if publish(Catalogue(args.datasets, args.seed), has_workflow()):
            print("published datasets left private by an interrupted seeding",
                  file=sys.stderr)
        if os.path.exists(seed_file):
            with open(seed_file) as f:
                seeding = dict(json.load(f), previous_run=True)
    else:
        print("seeding %d datasets (%d present)..." % (args.datasets, have), file=sys.stderr)
        seeding = seed(args.datasets, args.seed, args.commit_every, base=args.fast_seed_base)
        with open(seed_file, "w") as f:
            json.dump(seeding, f, indent=2)
        print("seeded %d in %.1f s" % (seeding["created"], seeding["seconds"]), file=sys.stderr)
    copies_pending = has_workflow() and model.Session.execute(sa.text(
        COPIES_PENDING % "count(*)")).scalar()
    model.Session.remove()
    rebuild_result: Optional[dict[str, Any]] = None
    if copies_pending:
        # the copies are indexed by the batched rebuild (the rebuild time of
        # the large catalogues), then given what is derived from package_show
        print("ckan search-index rebuild (batched) of %d datasets, %d of them copies..." % (
            dataset_count(), copies_pending), file=sys.stderr)
        rebuild_result = cli_rebuild(args.config, "rebuild -q")
        print("rebuild: %.1f s (%.0f datasets/s)" % (rebuild_result["seconds"],
              rebuild_result["datasets_per_s"]), file=sys.stderr)
        finished = finish_copies()
        print("copies finished (content hash, transition log, activity) in %.1f s"
              % finished["seconds"], file=sys.stderr)
        seeding["finished"] = finished
        seeding["rebuild"] = rebuild_result
        with open(seed_file, "w") as f:
            json.dump(seeding, f, indent=2)
    if args.seed_only:
        if copies_pending:
            check = verify_copies(Catalogue(args.datasets, args.seed).dataset(0)["name"])
            print("copies checked: %s" % json.dumps(check), file=sys.stderr)
            if check["problems"]:
                print("ERROR: the copies are not datasets like the others", file=sys.stderr)
                return 1
        return 0
    large = args.fast_seed_base > 0
    copies_check = None
    if large:
        copies_check = verify_copies(Catalogue(args.datasets, args.seed).dataset(0)["name"])
        print("copies checked: %s" % json.dumps(copies_check), file=sys.stderr)
        if copies_check["problems"]:
            print("ERROR: the copies are not datasets like the others: NOT A RESULT",
                  file=sys.stderr)
            return 1

    if args.clear_index:
        wipe_index()
    core_result: Optional[dict[str, Any]] = None
    parallel: Optional[dict[str, Any]] = None
    phases: Optional[dict[str, Any]] = None
    if large:
        # core's one-by-one baseline would take 16 minutes at 100,000: the
        # large catalogues time the batched rebuild only, the seeding's when
        # it just ran (`--no-rebuild` reports the one the seeding timed)
        if rebuild_result is None and not args.no_rebuild:
            print("ckan search-index rebuild (batched)...", file=sys.stderr)
            rebuild_result = cli_rebuild(args.config, "rebuild -q")
            print("rebuild: %.1f s (%.0f datasets/s)" % (rebuild_result["seconds"],
                  rebuild_result["datasets_per_s"]), file=sys.stderr)
        elif rebuild_result is None:
            rebuild_result = seeding.get("rebuild")
    elif not args.no_rebuild:
        model.Session.remove()
        print("ckan search-index rebuild, core's one by one (baseline)...", file=sys.stderr)
        core_result = cli_rebuild(core_rebuild_config(args.config), "rebuild -q")
        print("ckan search-index rebuild (batched)...", file=sys.stderr)
        rebuild_result = cli_rebuild(args.config, "rebuild -q")
        for label, r in (("core", core_result), ("batched", rebuild_result)):
            print("rebuild %s: %.1f s (%.0f datasets/s)" % (label, r["seconds"],
                                                          r["datasets_per_s"]), file=sys.stderr)
        if args.rebuild_workers > 1:
            print("ckan search-index rebuild-fast...", file=sys.stderr)
            parallel = cli_rebuild(args.config, "rebuild-fast")
            print("rebuild-fast: %.1f s (%.0f datasets/s)" % (
                parallel["seconds"], parallel["datasets_per_s"]), file=sys.stderr)
        if args.rebuild_phases > 0:
            print("rebuild, time per step...", file=sys.stderr)
            phases = rebuild_phases(args.rebuild_phases)
    # Fresh statistics after a bulk load, as autovacuum would do shortly.
    with model.meta.engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(
            sa.text("VACUUM ANALYZE satudata_search_index"))

    visible = visible_counts()
    bounds = date_bounds()
    vocab = tag_vocabulary()
    wanted = set(args.only.split(",")) if args.only else None
    queries: dict[str, dict[str, Any]] = {}
    recorder = SqlRecorder()
    if args.explain:
        sa.event.listen(model.meta.engine, "before_cursor_execute", recorder)
    for label, user in (("anonymous", ""), ("member", SEED_USER)):
        if wanted and "package_show" not in wanted and "facet_page" not in wanted:
            break
        print("measuring package_show (%s)..." % label, file=sys.stderr)
        queries.setdefault("package_show", {})[label] = package_show_times(
            user, args.iterations, args.warmup, args.seed)
    for name, label, user, make in scenarios(visible, bounds, vocab):
        if wanted and name not in wanted:
            continue
        print("measuring %s (%s)..." % (name, label), file=sys.stderr)
        if args.explain:
            explain(name, user, make(random.Random(args.seed), 0), recorder)
        queries.setdefault(name, {})[label] = measure(
            name, user, make, args.iterations, args.warmup, args.seed)

    if args.dataset_pages > 0 and not wanted or (wanted and "dataset_page" in wanted):
        print("measuring /dataset/<name> (anonymous, page cache off)...", file=sys.stderr)
        queries["dataset_page"] = {"anonymous": dataset_page_times(
            args.dataset_pages, args.warmup, args.seed)}
    print("harvest paging...", file=sys.stderr)
    harvest = harvest_paging(args.harvest_rows)

    machine["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    report = {
        "machine": machine, "catalogue": catalogue_stats(visible), "seeding": seeding,
        "sizes_bytes": database_sizes(), "copies_check": copies_check,
        "rebuild": rebuild_result, "rebuild_core": core_result,
        "rebuild_parallel": parallel,
        "rebuild_phases": phases,
        "queries": queries, "harvest": harvest,
        "iterations": args.iterations, "warmup": args.warmup,
        "targets": {"p95_ms_free_text": TARGET_FREE_TEXT_P95_MS,
                    "p95_ms_facet_page_anonymous": TARGET_FACET_PAGE_P95_MS,
                    "facet_page_over_package_show_p95": TARGET_RATIO_TO_PACKAGE_SHOW,
                    "rebuild_datasets_per_s": TARGET_REBUILD_RATE},
    }
    with open(args.json, "w") as f:
        json.dump(report, f, indent=2, default=str)
    print(markdown(report))
    print("\nJSON: %s" % args.json)
    if harvest["problems"]:
        print("ERROR: harvest paging: %s" % "; ".join(harvest["problems"]), file=sys.stderr)
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--config", required=True, help="CKAN ini of the bench database")
    parser.add_argument("--json", required=True, help="where to write the JSON results")
    parser.add_argument("--datasets", type=int, default=10000)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--harvest-rows", type=int, default=1000)
    parser.add_argument("--commit-every", type=int, default=250)
    parser.add_argument("--fast-seed-base", type=int,
                        help="create only this many datasets through package_create and "
                        "copy the rest in SQL (default: %d above %d datasets, else all "
                        "through package_create)" % (FAST_SEED_BASE, FAST_SEED_ABOVE))
    parser.add_argument("--dataset-pages", type=int, default=100,
                        help="renders of /dataset/<name> timed in process (0: skip)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed of the catalogue")
    parser.add_argument("--only", help="comma-separated query scenarios to run")
    parser.add_argument("--seed-only", action="store_true",
                        help="seed the catalogue and stop (scripts/bench_load uses it)")
    parser.add_argument("--clear-index", action="store_true",
                        help="empty the search index before timing the rebuild")
    parser.add_argument("--no-rebuild", action="store_true",
                        help="do not time an index rebuild (the index must be complete)")
    parser.add_argument("--explain", action="store_true",
                        help="print EXPLAIN (ANALYZE, BUFFERS) of each scenario's SQL")
    parser.add_argument("--rebuild-phases", type=int, default=2000,
                        help="datasets whose rebuild is timed step by step (0: skip)")
    parser.add_argument("--rebuild-workers", type=int, default=2,
                        help="1: do not also time CKAN's `search-index rebuild-fast`")
    parser.add_argument("--pg-port", type=int)
    args = parser.parse_args()
    if args.fast_seed_base is None:
        args.fast_seed_base = FAST_SEED_BASE if args.datasets > FAST_SEED_ABOVE else 0
    if args.fast_seed_base >= args.datasets:
        args.fast_seed_base = 0

    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    global _APP
    conf = load_config(args.config)
    # the dataset page as a cache miss costs it (as scripts/bench_pages)
    conf["ckanext.satudata.page_cache"] = "false"
    app = make_app(conf)
    _APP = app._wsgi_app
    logging.getLogger("ckan").setLevel(logging.WARNING)
    logging.getLogger("ckanext").setLevel(logging.WARNING)
    # one line per created resource: test.ini enables no view plugins
    logging.getLogger("ckan.lib.datapreview").setLevel(logging.ERROR)
    with app._wsgi_app.test_request_context():
        return run(args)


if __name__ == "__main__":
    sys.exit(main())
