"""Banyuwangi demo data: real OPD and kecamatan names, SAMPLE figures.

Names of agencies and districts are real; contacts, addresses and every figure
are demo values (see `SAMPLE_NOTICE`), never official statistics.
"""
from __future__ import annotations

PASSWORD_FILE_ENV = "SATUDATA_DEMO_PASSWORD_FILE"
DEFAULT_PASSWORD = "demo-satudata-2026"
EMAIL_DOMAIN = "demo.satudata.invalid"

WALIDATA = "diskominfo"

SAMPLE_NOTICE = ("**Data contoh (sample data)** — angka bukan statistik resmi / "
                 "figures are not official statistics.")
SAMPLE_RESOURCE_NOTICE = (
    "Data contoh (sample data) untuk demo portal: angka dibangkitkan, bukan statistik "
    "resmi. / Generated sample figures for the portal demo, not official statistics.")
DEMO_CONTACT_NOTICE = ("_Kontak dan alamat pada portal demo ini adalah contoh. / "
                       "Contact details on this demo portal are examples._")

# The 25 kecamatan of Kabupaten Banyuwangi, south to north.
KECAMATAN = (
    "Pesanggaran", "Siliragung", "Bangorejo", "Purwoharjo", "Tegaldlimo",
    "Muncar", "Cluring", "Gambiran", "Tegalsari", "Glenmore",
    "Kalibaru", "Genteng", "Srono", "Rogojampi", "Blimbingsari",
    "Kabat", "Singojuruh", "Sempu", "Songgon", "Glagah",
    "Licin", "Banyuwangi", "Giri", "Kalipuro", "Wongsorejo",
)

BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli",
         "Agustus", "September", "Oktober", "November", "Desember")


def _opd(name, title, short_name, description, address):
    return {
        "name": name,
        "title": title,
        "short_name": short_name,
        "description": "%s\n\n%s" % (description, DEMO_CONTACT_NOTICE),
        "contact_email": "%s@banyuwangikab.go.id" % name.replace("-", ""),
        "address": "%s, Kabupaten Banyuwangi, Jawa Timur" % address,
    }


ORGANIZATIONS = [
    _opd("diskominfo",
         "Dinas Komunikasi, Informatika dan Persandian Kabupaten Banyuwangi", "Diskominfo",
         "Walidata Kabupaten Banyuwangi: Bidang Statistik mengelola Portal Satu Data, "
         "memeriksa dan menerbitkan data sektoral dari seluruh OPD.",
         "Jl. Ahmad Yani No. 100, Banyuwangi"),
    _opd("dinkes", "Dinas Kesehatan Kabupaten Banyuwangi", "Dinkes",
         "Produsen data kesehatan: puskesmas, tenaga kesehatan, penyakit menular, "
         "gizi dan imunisasi.",
         "Jl. Letkol Istiqlah No. 42, Banyuwangi"),
    _opd("dispendik", "Dinas Pendidikan Kabupaten Banyuwangi", "Dispendik",
         "Produsen data pendidikan: satuan pendidikan, peserta didik dan pendidik "
         "jenjang PAUD, SD dan SMP.",
         "Jl. KH. Agus Salim, Banyuwangi"),
    _opd("bappeda", "Badan Perencanaan Pembangunan Daerah Kabupaten Banyuwangi", "Bappeda",
         "Perencanaan pembangunan daerah: RPJMD, RKPD, Musrenbang dan evaluasi "
         "pembangunan.",
         "Jl. Ahmad Yani No. 100, Banyuwangi"),
    _opd("dispendukcapil",
         "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Banyuwangi", "Dispendukcapil",
         "Produsen data kependudukan (Data Kependudukan Bersih) dan pencatatan sipil.",
         "Jl. Ahmad Yani, Banyuwangi"),
    _opd("dispertapangan", "Dinas Pertanian dan Pangan Kabupaten Banyuwangi",
         "Dispertapangan",
         "Produsen data tanaman pangan, hortikultura, perkebunan, peternakan dan "
         "ketahanan pangan.",
         "Jl. Dr. Wahidin Sudirohusodo, Banyuwangi"),
    _opd("disbudpar", "Dinas Kebudayaan dan Pariwisata Kabupaten Banyuwangi", "Disbudpar",
         "Produsen data kunjungan wisata, destinasi, seni dan budaya (Using, "
         "Banyuwangi Festival).",
         "Jl. Ahmad Yani, Banyuwangi"),
    _opd("dinsos-ppkb",
         "Dinas Sosial, Pemberdayaan Perempuan dan Keluarga Berencana Kabupaten Banyuwangi",
         "Dinsos PPKB",
         "Produsen data perlindungan dan jaminan sosial, pemberdayaan perempuan, "
         "perlindungan anak dan keluarga berencana.",
         "Jl. Adi Sucipto, Banyuwangi"),
    _opd("dpu-pengairan", "Dinas Pekerjaan Umum Pengairan Kabupaten Banyuwangi",
         "DPU Pengairan",
         "Produsen data sumber daya air: daerah irigasi, bendung dan jaringan irigasi.",
         "Jl. Jaksa Agung Suprapto, Banyuwangi"),
    _opd("diskan", "Dinas Perikanan Kabupaten Banyuwangi", "Diskan",
         "Produsen data perikanan tangkap, perikanan budidaya dan pengolahan hasil "
         "perikanan.",
         "Jl. Gajah Mada, Banyuwangi"),
    _opd("diskopumdag",
         "Dinas Koperasi, Usaha Mikro dan Perdagangan Kabupaten Banyuwangi", "Diskopumdag",
         "Produsen data koperasi, usaha mikro, pasar dan perdagangan.",
         "Jl. Jaksa Agung Suprapto, Banyuwangi"),
    _opd("dlh", "Dinas Lingkungan Hidup Kabupaten Banyuwangi", "DLH",
         "Produsen data pengelolaan sampah, kualitas lingkungan dan ruang terbuka hijau.",
         "Jl. Kepiting, Banyuwangi"),
    _opd("dishub", "Dinas Perhubungan Kabupaten Banyuwangi", "Dishub",
         "Produsen data angkutan, terminal, pelabuhan penyeberangan dan keselamatan "
         "lalu lintas.",
         "Jl. Basuki Rahmat, Banyuwangi"),
    _opd("bpbd", "Badan Penanggulangan Bencana Daerah Kabupaten Banyuwangi", "BPBD",
         "Produsen data kejadian bencana, kesiapsiagaan dan penanganan darurat.",
         "Jl. Letkol Istiqlah, Banyuwangi"),
]


def _person(name, fullname):
    return {"name": name, "fullname": fullname,
            "email": "%s@%s" % (name, EMAIL_DOMAIN)}


# One user per role (SPEC "Running it"). `roles`: portal roles;
# `member_of`: {organization: capacity}.
USERS = [
    dict(_person("admin", "Administrator Portal (demo)"), sysadmin=True),
    dict(_person("staf", "Staf Statistik (demo)"),
         roles=["staf"], member_of={WALIDATA: "editor"}),
    dict(_person("subkoord", "Subkoordinator Statistik (demo)"),
         roles=["subkoord"], member_of={WALIDATA: "editor"}),
    dict(_person("kabid", "Kepala Bidang Statistik (demo)"),
         roles=["kabid"], member_of={WALIDATA: "editor"}),
    dict(_person("opd-dinkes", "Operator Data Dinas Kesehatan (demo)"),
         member_of={"dinkes": "editor"}),
]


DATASET_DEFAULTS = {"classification": "terbuka", "license_id": "cc-by"}

# Datasets. `sample` describes how the CSV figures are generated:
# per kecamatan and year (`per: kecamatan`) or per month for the whole
# regency (`per: bulan`, with a monthly `season` factor); a base value drawn
# in `range`, a yearly `growth`, relative `noise` (default 0.07); `decimals`
# of the figures.
DATASETS = [
    {
        "name": "jumlah-penduduk-per-kecamatan",
        "title": "Jumlah Penduduk per Kecamatan",
        "owner_org": "dispendukcapil",
        "topic": "pemerintahan_umum",
        "update_frequency": "tahunan",
        "period_start": "2021", "period_end": "2024",
        "presentation_level": "kecamatan",
        "unit": "jiwa",
        "measurement": "Jumlah (cacah) penduduk",
        "concept": "Penduduk adalah WNI dan orang asing yang bertempat tinggal di wilayah "
                   "Kabupaten Banyuwangi dan terdaftar dalam administrasi kependudukan.",
        "definition": "Jumlah penduduk terdaftar per kecamatan berdasarkan Data Kependudukan "
                      "Bersih (DKB) semester II tiap tahun.",
        "narrative": "Jumlah penduduk menjadi dasar perencanaan layanan publik di setiap "
                     "kecamatan, dari kebutuhan sekolah hingga puskesmas.",
        "tag_string": "kependudukan,penduduk,kecamatan,dukcapil",
        "sample": {"per": "kecamatan", "range": (45000, 135000), "growth": 0.008},
    },
    {
        "name": "jumlah-kasus-demam-berdarah-dengue-per-kecamatan",
        "title": "Jumlah Kasus Demam Berdarah Dengue (DBD) per Kecamatan",
        "owner_org": "dinkes",
        "topic": "perlindungan_sosial_kesehatan",
        "update_frequency": "tahunan",
        "period_start": "2021", "period_end": "2024",
        "presentation_level": "kecamatan",
        "unit": "kasus",
        "measurement": "Jumlah kasus",
        "concept": "Demam Berdarah Dengue adalah penyakit akibat infeksi virus dengue yang "
                   "ditularkan nyamuk Aedes aegypti.",
        "definition": "Jumlah kasus DBD yang dilaporkan puskesmas dan rumah sakit menurut "
                      "kecamatan tempat tinggal penderita dalam satu tahun.",
        "narrative": "Sebaran kasus DBD per kecamatan membantu menentukan prioritas "
                     "pemberantasan sarang nyamuk dan fogging fokus.",
        "tag_string": "kesehatan,dbd,penyakit menular,kecamatan",
        "sample": {"per": "kecamatan", "range": (4, 70), "growth": -0.05},
    },
    {
        "name": "jumlah-tenaga-kesehatan-puskesmas-per-kecamatan",
        "title": "Jumlah Tenaga Kesehatan di Puskesmas per Kecamatan",
        "owner_org": "dinkes",
        "topic": "perlindungan_sosial_kesehatan",
        "update_frequency": "tahunan",
        "period_start": "2022", "period_end": "2024",
        "presentation_level": "kecamatan",
        "unit": "orang",
        "measurement": "Jumlah orang",
        "concept": "Tenaga kesehatan meliputi dokter, dokter gigi, bidan, perawat, tenaga "
                   "kefarmasian, gizi, kesehatan lingkungan dan laboratorium.",
        "definition": "Jumlah tenaga kesehatan yang bertugas di puskesmas (termasuk jaringannya) "
                      "di kecamatan tersebut per 31 Desember.",
        "narrative": "Rasio tenaga kesehatan terhadap penduduk menunjukkan pemerataan "
                     "layanan kesehatan dasar antarkecamatan.",
        "tag_string": "kesehatan,puskesmas,tenaga kesehatan,kecamatan",
        "sample": {"per": "kecamatan", "range": (35, 140), "growth": 0.03},
    },
    {
        "name": "jumlah-sekolah-dasar-per-kecamatan",
        "title": "Jumlah Sekolah Dasar (SD/MI) per Kecamatan",
        "owner_org": "dispendik",
        "topic": "pendidikan_tenaga_kerja",
        "update_frequency": "tahunan",
        "period_start": "2022", "period_end": "2024",
        "presentation_level": "kecamatan",
        "unit": "unit sekolah",
        "measurement": "Jumlah satuan pendidikan",
        "concept": "Sekolah dasar adalah satuan pendidikan formal jenjang pendidikan dasar "
                   "(SD dan MI, negeri dan swasta).",
        "definition": "Jumlah SD/MI yang aktif menurut Data Pokok Pendidikan pada tahun ajaran "
                      "yang dimulai pada tahun tersebut.",
        "narrative": "Ketersediaan sekolah dasar per kecamatan dipakai untuk zonasi penerimaan "
                     "peserta didik baru.",
        "tag_string": "pendidikan,sekolah dasar,dapodik,kecamatan",
        "sample": {"per": "kecamatan", "range": (22, 65), "growth": 0.0, "noise": 0.02},
    },
    {
        "name": "produksi-padi-per-kecamatan",
        "title": "Produksi Padi per Kecamatan",
        "owner_org": "dispertapangan",
        "topic": "ekonomi_industri",
        "update_frequency": "tahunan",
        "period_start": "2021", "period_end": "2024",
        "presentation_level": "kecamatan",
        "unit": "ton GKG",
        "measurement": "Berat gabah kering giling",
        "concept": "Produksi padi adalah hasil panen padi sawah dan padi ladang dalam bentuk "
                   "gabah kering giling (GKG).",
        "definition": "Jumlah produksi padi dalam ton GKG menurut kecamatan lokasi panen dalam "
                      "satu tahun.",
        "narrative": "Banyuwangi termasuk lumbung padi Jawa Timur; data ini memperlihatkan "
                     "sentra produksi di tiap kecamatan.",
        "tag_string": "pertanian,padi,pangan,kecamatan",
        "sample": {"per": "kecamatan", "range": (9000, 62000), "growth": 0.01, "decimals": 1},
    },
    {
        "name": "jumlah-kunjungan-wisatawan-nusantara-per-bulan",
        "title": "Jumlah Kunjungan Wisatawan Nusantara per Bulan",
        "owner_org": "disbudpar",
        "topic": "ekonomi_industri",
        "update_frequency": "bulanan",
        "period_start": "2023", "period_end": "2024",
        "presentation_level": "kabupaten",
        "unit": "kunjungan",
        "measurement": "Jumlah kunjungan",
        "concept": "Wisatawan nusantara adalah penduduk Indonesia yang melakukan perjalanan "
                   "wisata di wilayah Indonesia.",
        "definition": "Jumlah kunjungan wisatawan nusantara ke destinasi wisata di Kabupaten "
                      "Banyuwangi yang tercatat dalam satu bulan.",
        "narrative": "Puncak kunjungan bertepatan dengan libur sekolah dan agenda Banyuwangi "
                     "Festival.",
        "tag_string": "pariwisata,wisatawan,kunjungan,bulanan",
        # holiday peaks: school holidays (Jun-Jul) and year end
        "sample": {"per": "bulan", "range": (280000, 420000), "growth": 0.06,
                   "season": (0.9, 0.8, 0.85, 0.95, 1.0, 1.2, 1.25, 1.05, 0.95, 1.0,
                              1.0, 1.3)},
    },
    {
        "name": "jumlah-sanggar-seni-per-kecamatan",
        "title": "Jumlah Sanggar Seni per Kecamatan",
        "owner_org": "disbudpar",
        "topic": "budaya_agama",
        "update_frequency": "tahunan",
        "period_start": "2023", "period_end": "2024",
        "presentation_level": "kecamatan",
        "unit": "sanggar",
        "measurement": "Jumlah lembaga",
        "concept": "Sanggar seni adalah kelompok atau lembaga yang membina seni pertunjukan "
                   "dan seni tradisi, seperti gandrung, barong dan angklung paglak.",
        "definition": "Jumlah sanggar seni yang terdaftar di dinas menurut kecamatan "
                      "kedudukannya.",
        "narrative": "Kecamatan Glagah dan sekitarnya dikenal sebagai pusat budaya Using.",
        "tag_string": "budaya,seni,sanggar,using",
        "sample": {"per": "kecamatan", "range": (3, 38), "growth": 0.04},
    },
    {
        "name": "jumlah-keluarga-penerima-pkh-per-kecamatan",
        "title": "Jumlah Keluarga Penerima Manfaat PKH per Kecamatan",
        "owner_org": "dinsos-ppkb",
        "topic": "perlindungan_sosial_kesehatan",
        "update_frequency": "tahunan",
        "period_start": "2021", "period_end": "2024",
        "presentation_level": "kecamatan",
        "unit": "keluarga",
        "measurement": "Jumlah keluarga",
        "concept": "Program Keluarga Harapan (PKH) adalah bantuan sosial bersyarat bagi "
                   "keluarga miskin dan rentan.",
        "definition": "Jumlah keluarga penerima manfaat (KPM) PKH yang menerima bantuan pada "
                      "tahap terakhir tahun berjalan.",
        "narrative": "Jumlah KPM PKH per kecamatan menggambarkan sebaran keluarga rentan yang "
                     "dilayani program perlindungan sosial.",
        "tag_string": "sosial,pkh,bantuan sosial,kecamatan",
        "sample": {"per": "kecamatan", "range": (1400, 6200), "growth": -0.02},
    },
    {
        "name": "luas-daerah-irigasi-per-kecamatan",
        "title": "Luas Daerah Irigasi Kewenangan Kabupaten per Kecamatan",
        "owner_org": "dpu-pengairan",
        "topic": "pembangunan_daerah",
        "update_frequency": "tahunan",
        "period_start": "2022", "period_end": "2024",
        "presentation_level": "kecamatan",
        "unit": "hektare",
        "measurement": "Luas",
        "concept": "Daerah irigasi adalah kesatuan lahan yang mendapat air dari satu jaringan "
                   "irigasi.",
        "definition": "Luas baku daerah irigasi kewenangan Pemerintah Kabupaten Banyuwangi "
                      "menurut kecamatan.",
        "narrative": "Luas daerah irigasi menentukan kebutuhan pemeliharaan jaringan dan "
                     "dukungan terhadap produksi pangan.",
        "tag_string": "irigasi,pengairan,infrastruktur,kecamatan",
        "sample": {"per": "kecamatan", "range": (400, 5200), "growth": 0.0,
                   "noise": 0.01, "decimals": 2},
    },
    {
        "name": "jumlah-rumah-tangga-perikanan-budidaya-per-kecamatan",
        "title": "Jumlah Rumah Tangga Perikanan Budidaya per Kecamatan",
        "owner_org": "diskan",
        "topic": "lingkungan_sda",
        "update_frequency": "tahunan",
        "period_start": "2022", "period_end": "2024",
        "presentation_level": "kecamatan",
        "unit": "rumah tangga",
        "measurement": "Jumlah rumah tangga",
        "concept": "Rumah tangga perikanan budidaya adalah rumah tangga yang melakukan usaha "
                   "pembesaran atau pembenihan ikan.",
        "definition": "Jumlah rumah tangga perikanan budidaya (kolam, tambak, keramba) menurut "
                      "kecamatan pada akhir tahun.",
        "narrative": "Usaha budidaya tersebar dari tambak pesisir hingga kolam di dataran "
                     "tinggi.",
        "tag_string": "perikanan,budidaya,tambak,kecamatan",
        "sample": {"per": "kecamatan", "range": (40, 780), "growth": 0.03},
    },
    {
        "name": "timbulan-sampah-per-kecamatan",
        "title": "Timbulan Sampah per Kecamatan",
        "owner_org": "dlh",
        "topic": "lingkungan_sda",
        "update_frequency": "tahunan",
        "period_start": "2022", "period_end": "2024",
        "presentation_level": "kecamatan",
        "unit": "ton/tahun",
        "measurement": "Berat sampah",
        "concept": "Timbulan sampah adalah jumlah sampah rumah tangga dan sejenis sampah rumah "
                   "tangga yang dihasilkan.",
        "definition": "Perkiraan timbulan sampah dalam ton per tahun menurut kecamatan, "
                      "dihitung dari jumlah penduduk dan laju timbulan per kapita.",
        "narrative": "Data timbulan sampah menjadi dasar penentuan TPS3R dan kapasitas TPA.",
        "tag_string": "lingkungan,sampah,persampahan,kecamatan",
        "sample": {"per": "kecamatan", "range": (6000, 26000), "growth": 0.015, "decimals": 1},
    },
    {
        "name": "jumlah-kejadian-bencana-per-kecamatan",
        "title": "Jumlah Kejadian Bencana per Kecamatan",
        "owner_org": "bpbd",
        "topic": "ketertiban_umum_keselamatan",
        "update_frequency": "tahunan",
        "period_start": "2021", "period_end": "2024",
        "presentation_level": "kecamatan",
        "unit": "kejadian",
        "measurement": "Jumlah kejadian",
        "concept": "Bencana adalah peristiwa yang mengancam dan mengganggu kehidupan "
                   "masyarakat, seperti banjir, tanah longsor, angin kencang dan kebakaran.",
        "definition": "Jumlah kejadian bencana yang ditangani BPBD menurut kecamatan lokasi "
                      "kejadian dalam satu tahun.",
        "narrative": "Sebaran kejadian bencana membantu perencanaan kesiapsiagaan di tingkat "
                     "kecamatan dan desa.",
        "tag_string": "bencana,kebencanaan,keselamatan,kecamatan",
        "sample": {"per": "kecamatan", "range": (1, 24), "growth": 0.0},
    },
]


# Where each demo dataset stands in the Diseminasi chain (SOP workflow 1), so a
# newcomer can click through every step with the demo users. Unlisted: terbit.
WORKFLOW_STATES = {
    "produksi-padi-per-kecamatan": "konsep",
    "jumlah-sanggar-seni-per-kecamatan": "penyusunan",
    "jumlah-keluarga-penerima-pkh-per-kecamatan": "diajukan",
    "luas-daerah-irigasi-per-kecamatan": "disetujui_subkoord",
    "timbulan-sampah-per-kecamatan": "disetujui_kabid",
    "jumlah-kejadian-bencana-per-kecamatan": "dikembalikan",
}
RETURN_NOTE = ("Mohon lengkapi definisi operasional dan sumber data per kecamatan. "
               "(contoh catatan paraf / sample review note)")


# Sample data requests (Layanan Permintaan Data Sektoral) and how far the demo
# staff take each one, so the tracking page and the OPD branch can be seen.
REQUESTER = {"name": "Pemohon Contoh (demo)", "email": "pemohon@" + EMAIL_DOMAIN,
             "institution": "Contoh Universitas (demo)"}
REQUESTS = [
    {"title": "Jumlah balita stunting per desa di Kecamatan Glagah",
     "description": "Jumlah balita stunting per desa, Kecamatan Glagah, 2024–2025.",
     "purpose": "Penelitian tugas akhir (contoh permintaan / sample request)",
     "format": "CSV", "until": "selesai"},
    {"title": "Jumlah homestay per desa wisata",
     "description": "Daftar dan jumlah homestay per desa wisata di Kabupaten Banyuwangi.",
     "purpose": "Perencanaan usaha (contoh permintaan / sample request)",
     "format": "XLSX", "until": "di_opd"},
    {"title": "Curah hujan bulanan per kecamatan",
     "description": "Curah hujan bulanan per kecamatan tahun 2025.",
     "purpose": "Kajian pertanian (contoh permintaan / sample request)",
     "format": "CSV", "until": "baru"},
]
