"""Fill and compile the Bahasa Indonesia catalogue from the .pot.

    .run/venv/bin/pybabel extract -F babel.cfg -k _ -o ckanext/satudata/i18n/ckanext-satudata.pot ckanext/satudata
    .run/venv/bin/python scripts/i18n_id.py

Translations live here so a reviewer reads them side by side with the English.
"""
import pathlib
import sys

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

I18N = pathlib.Path(__file__).resolve().parent.parent / "ckanext" / "satudata" / "i18n"

ID = {
    "Only sysadmins can manage portal roles": "Hanya sysadmin yang dapat mengatur peran portal",
    "Portal roles updated": "Peran portal diperbarui",
    "Workflow updated": "Alur kerja diperbarui",
    "Not authorized": "Tidak berwenang",
    "Dataset not found": "Dataset tidak ditemukan",
    "Review queue": "Antrian Review",
    "Portal roles": "Peran Portal",
    "Dataset": "Dataset",
    "State": "Status",
    "Your action": "Tindakan Anda",
    "Time in step": "Waktu di tahap ini",
    "revision": "revisi",
    "Nothing is waiting for you.": "Tidak ada yang menunggu tindakan Anda.",
    "User (name or id)": "Pengguna (nama atau id)",
    "Role": "Peran",
    "Grant role": "Beri peran",
    "User": "Pengguna",
    "Granted at": "Diberikan pada",
    "Revoke": "Cabut",
    "No portal roles assigned yet.": "Belum ada peran portal yang diberikan.",
    "Also available from the command line: ckan satudata role grant USER ROLE":
        "Juga tersedia di baris perintah: ckan satudata role grant PENGGUNA PERAN",
    "Step {step}: {label}": "Tahap {step}: {label}",
    "{elapsed} of {standard} office minutes": "{elapsed} dari {standard} menit kerja",
    "Overdue": "Melewati waktu baku",
    "Dissemination workflow": "Alur Diseminasi",
    "Published version online; revision under review":
        "Versi terbit tetap daring; revisi sedang direview",
    "Assigned to": "Didisposisi kepada",
    "Signed off (paraf)": "Paraf",
    "Pending revision": "Revisi menunggu persetujuan",
    "Field": "Kolom",
    "Published": "Terbit",
    "Revision": "Revisi",
    "Assign to staff member": "Disposisi kepada Staf",
    "Comment (paraf note; required when returning)":
        "Catatan paraf (wajib saat mengembalikan)",
    "History": "Riwayat",
    "When": "Waktu",
    "Who": "Oleh",
    "Step": "Tahap",
    "Comment": "Catatan",
    "Time taken": "Lama",
    "min": "menit",
    "Staff, sub-coordinator (Subkoord) and head of division (Kabid) of the Walidata "
    "statistics team. One person may hold several roles; the workflows still never "
    "let one person sign off twice.":
        "Staf, Subkoordinator (Subkoord) dan Kepala Bidang (Kabid) tim statistik "
        "Walidata. Satu orang boleh memegang beberapa peran, tetapi alur kerja tidak "
        "pernah mengizinkan satu orang memaraf dua kali.",
    "Datasets waiting for your action in the dissemination workflow, oldest first.":
        "Dataset yang menunggu tindakan Anda dalam alur diseminasi, yang terlama di atas.",
    "Edited by {user} at {at}. The published version stays online until this revision "
    "is published.":
        "Disunting oleh {user} pada {at}. Versi terbit tetap daring sampai revisi ini "
        "diterbitkan.",
    # -- Workflow 2: Layanan Permintaan Data Sektoral (pages) --
    "No request has the number {number}.": "Tidak ada permintaan bernomor {number}.",
    "Request not found": "Permintaan tidak ditemukan",
    "Request updated: {action}": "Permintaan diperbarui: {action}",
    "File not found": "Berkas tidak ditemukan",
    "Only the Walidata team can see the request board":
        "Hanya tim Walidata yang dapat melihat daftar permintaan masuk",
    "Only members of an organization (OPD) have an inbox":
        "Hanya anggota organisasi (OPD) yang memiliki kotak masuk permintaan",
    "Data requests": "Permintaan Data",
    "Request board": "Permintaan Masuk",
    "Requests for your agency": "Permintaan untuk OPD Anda",
    "Data requests of the Layanan Permintaan Data Sektoral, the closest legal deadline "
    "first. Red rows are past the SOP standard time of their step or past the legal "
    "deadline.":
        "Permintaan dalam Layanan Permintaan Data Sektoral, batas waktu terdekat di atas. "
        "Baris merah melewati waktu baku SOP tahapannya atau melewati batas waktu "
        "menurut undang-undang.",
    "All open": "Semua yang berjalan",
    "Show everyone's requests": "Tampilkan permintaan semua petugas",
    "Only requests assigned to me": "Hanya yang didisposisikan kepada saya",
    "Past the legal deadline: {n}": "Melewati batas waktu: {n}",
    "Number": "Nomor",
    "Requested data": "Data yang diminta",
    "Status": "Status",
    "SOP step": "Tahap SOP",
    "Answer due": "Batas waktu jawaban",
    "Agency (OPD)": "OPD",
    "Ended": "Berakhir",
    "suggested": "usulan pemohon",
    "No requests here.": "Tidak ada permintaan di sini.",
    "Request received": "Permintaan diterima",
    "Your request has been received": "Permintaan Anda telah diterima",
    "Registration number": "Nomor registrasi",
    "Answer due by": "Batas waktu jawaban",
    "10 working days, UU 14/2008 art. 22": "10 hari kerja, UU 14/2008 pasal 22",
    "Your access token": "Token akses Anda",
    "Keep this token: it is shown only once. With it you can see your whole request, "
    "answer a question from the Walidata team or withdraw the request, without an "
    "account. We also send it to the email address you gave. Do not share it.":
        "Simpan token ini: token hanya ditampilkan sekali. Dengan token ini Anda dapat "
        "melihat permintaan Anda selengkapnya, menjawab pertanyaan tim Walidata atau "
        "membatalkan permintaan, tanpa akun. Token juga kami kirim ke alamat email yang "
        "Anda isikan. Jangan bagikan kepada orang lain.",
    "Follow my request": "Pantau permintaan saya",
    "Bookmark this private link (it contains your token):":
        "Simpan tautan pribadi ini (berisi token Anda):",
    "Public tracking page (without your contact details):":
        "Halaman pantauan publik (tanpa data kontak Anda):",
    "Past the legal deadline": "Melewati batas waktu",
    "Extended": "Diperpanjang",
    "Clock paused": "Waktu dihentikan sementara",
    "working days left: {n}": "sisa hari kerja: {n}",
    "Request data": "Ajukan Permintaan Data",
    "Requests for sectoral data from the public, and how far each one has come. "
    "Contact details of requesters are never shown.":
        "Permintaan data sektoral dari masyarakat dan sejauh mana prosesnya. Data kontak "
        "pemohon tidak pernah ditampilkan.",
    "Search": "Cari",
    "Title, description or number": "Judul, uraian atau nomor",
    "All": "Semua",
    "Filter": "Saring",
    "{count} requests": "{count} permintaan",
    "Submitted": "Diajukan",
    "Agency": "OPD",
    "No requests found.": "Tidak ada permintaan yang ditemukan.",
    "Track a request": "Lacak permintaan",
    "Track": "Lacak",
    "Use the private link from your confirmation email to see your contact details, "
    "answer a question or withdraw the request.":
        "Gunakan tautan pribadi dari email konfirmasi untuk melihat data kontak Anda, "
        "menjawab pertanyaan atau membatalkan permintaan.",
    "Full name": "Nama lengkap",
    "Email address": "Alamat email",
    "Phone / WhatsApp": "Telepon / WhatsApp",
    "Institution": "Instansi / lembaga",
    "Identity number (NIK)": "Nomor Induk Kependudukan (NIK)",
    "Data you need": "Data yang dibutuhkan",
    "Description": "Uraian",
    "Purpose of use": "Tujuan penggunaan",
    "Preferred format": "Format yang diinginkan",
    "Agency (OPD) that may hold the data": "OPD yang mungkin memiliki data",
    "Cannot find the data you need on the portal? Ask the Walidata team (Diskominfo, "
    "Bidang Statistik). You get a registration number at once and an answer within 10 "
    "working days.":
        "Tidak menemukan data yang Anda butuhkan di portal? Ajukan kepada tim Walidata "
        "(Diskominfo, Bidang Statistik). Anda langsung mendapat nomor registrasi dan "
        "jawaban paling lambat 10 hari kerja.",
    "Please correct the following; everything you typed is kept:":
        "Mohon perbaiki isian berikut; semua yang sudah Anda ketik tetap tersimpan:",
    "About you": "Data pemohon",
    "Your name, email address, phone and NIK are seen only by the Walidata team and the "
    "agency that handles your request; they never appear on the public pages.":
        "Nama, alamat email, telepon dan NIK Anda hanya dilihat oleh tim Walidata dan OPD "
        "yang menangani permintaan Anda; tidak pernah tampil di halaman publik.",
    "University, company, agency, or leave empty":
        "Universitas, perusahaan, instansi, atau kosongkan",
    "Optional: 16 digits.": "Tidak wajib: 16 digit angka.",
    "The data you need": "Data yang Anda butuhkan",
    "e.g. Number of health workers per kecamatan, 2020-2025":
        "mis. Jumlah tenaga kesehatan per kecamatan, 2020-2025",
    "Which figures, which years, which area (kabupaten, kecamatan, desa)?":
        "Angka apa, tahun berapa, wilayah mana (kabupaten, kecamatan, desa)?",
    "e.g. thesis research, planning, news report":
        "mis. penelitian skripsi, perencanaan, pemberitaan",
    "e.g. CSV, Excel, PDF": "mis. CSV, Excel, PDF",
    "I do not know": "Tidak tahu",
    "Leave empty": "Biarkan kosong",
    "Fields marked * are required.": "Kolom bertanda * wajib diisi.",
    "Submit request": "Ajukan permintaan",
    "How it works": "Alur layanan",
    "You receive a registration number and an access token.":
        "Anda menerima nomor registrasi dan token akses.",
    "The Walidata team checks whether the data is already available, or asks the agency "
    "(OPD) that owns it.":
        "Tim Walidata memeriksa apakah data sudah tersedia, atau menanyakannya kepada OPD "
        "pemilik data.",
    "You get the data or an answer within 10 working days (extendable once by 7 working "
    "days, UU 14/2008 art. 22).":
        "Anda menerima data atau jawaban paling lambat 10 hari kerja (dapat diperpanjang "
        "satu kali 7 hari kerja, UU 14/2008 pasal 22).",
    "Data requests the Walidata team sent to your agency (OPD). Confirm whether you hold "
    "the data (SOP step 5, 30 minutes) and send it (step 6, 30 minutes) from the request "
    "page.":
        "Permintaan data yang diteruskan tim Walidata kepada OPD Anda. Konfirmasikan "
        "ketersediaan data (tahap SOP 5, 30 menit) dan kirimkan datanya (tahap 6, "
        "30 menit) dari halaman permintaan.",
    "Waiting for your agency": "Menunggu tindakan OPD Anda",
    "Nothing is waiting for your agency.": "Tidak ada yang menunggu tindakan OPD Anda.",
    "Other requests sent to your agency": "Permintaan lain untuk OPD Anda",
    "None.": "Tidak ada.",
    "Data request": "Permintaan data",
    "The access token in this link does not belong to this request; you see the public "
    "page.":
        "Token akses pada tautan ini bukan milik permintaan ini; Anda melihat halaman "
        "publik.",
    "The Walidata team asked the requester for clarification:":
        "Tim Walidata meminta klarifikasi kepada pemohon:",
    "Write your answer below and press \"{button}\". The 10 working days start again "
    "when it arrives.":
        "Tulis jawaban Anda di bawah lalu tekan \"{button}\". Hitungan 10 hari kerja "
        "dimulai lagi sejak klarifikasi diterima.",
    "Now": "Saat ini",
    "Answer due (legal deadline)": "Batas waktu jawaban (menurut undang-undang)",
    "10 working days (WIB) from submission or from the clarification, extendable once by "
    "7 working days with a written reason (UU 14/2008 art. 22).":
        "10 hari kerja (WIB) sejak permintaan atau klarifikasi diterima, dapat "
        "diperpanjang satu kali 7 hari kerja dengan alasan tertulis (UU 14/2008 pasal 22).",
    "Data delivered": "Data telah dikirim",
    "Resource": "Sumber daya",
    "Download the delivered file": "Unduh berkas yang dikirim",
    "A file was delivered privately to the requester.":
        "Sebuah berkas telah dikirim secara pribadi kepada pemohon.",
    "Requester": "Pemohon",
    "not shown to the public": "tidak ditampilkan kepada publik",
    "Agency suggested by the requester": "OPD usulan pemohon",
    "Data received from the agency": "Data yang diterima dari OPD",
    "File from the agency": "Berkas dari OPD",
    "Actions": "Tindakan",
    "Agency (OPD) to ask for the data": "OPD yang dimintai data",
    "Choose an agency": "Pilih OPD",
    "The data": "Data",
    "Attach a file, or give a published dataset or a link to one of its resources.":
        "Lampirkan berkas, atau sebutkan dataset yang sudah terbit atau tautan ke salah "
        "satu sumber dayanya.",
    "Leave these empty to deliver the data the agency sent, or give other data.":
        "Kosongkan untuk mengirim data dari OPD, atau isi dengan data lain.",
    "Give the published dataset or a link to one of its resources; a file is delivered "
    "privately to the requester.":
        "Sebutkan dataset yang sudah terbit atau tautan ke salah satu sumber dayanya; "
        "berkas dikirim secara pribadi kepada pemohon.",
    "Dataset (name or id of a published dataset)":
        "Dataset (nama atau id dataset yang sudah terbit)",
    "Resource link": "Tautan sumber daya",
    "File": "Berkas",
    "Your clarification": "Klarifikasi Anda",
    "Comment or reason": "Catatan atau alasan",
    "Required to reject, to ask for or give a clarification and to extend the deadline. "
    "Reasons for rejecting, asking for clarification, extending, closing and delivering "
    "are shown on the public page.":
        "Wajib diisi untuk menolak, meminta atau memberi klarifikasi dan memperpanjang "
        "batas waktu. Alasan penolakan, permintaan klarifikasi, perpanjangan, penutupan "
        "dan pengiriman tampil di halaman publik.",
    "Your clarification is shown on the public tracking page: do not write your contact "
    "details in it.":
        "Klarifikasi Anda tampil di halaman pantauan publik: jangan tuliskan data kontak "
        "Anda di dalamnya.",
    "Withdraw this request": "Batalkan permintaan ini",
    "Reason (optional)": "Alasan (tidak wajib)",
    "A withdrawn request is closed for good; you can file a new one at any time.":
        "Permintaan yang dibatalkan ditutup seterusnya; Anda dapat mengajukan permintaan "
        "baru kapan saja.",
    "All requests": "Semua permintaan",
    "Only editors and admins of an organization (OPD) have an inbox":
        "Hanya editor dan admin organisasi (OPD) yang memiliki kotak masuk permintaan",
    "Reason for the rejection": "Alasan penolakan",
    "Only you and the Walidata team read your clarification.":
        "Klarifikasi Anda hanya dibaca oleh Anda dan tim Walidata.",
    "Required to reject, to ask for or give a clarification and to extend the deadline. "
    "The requester reads questions and reasons; the public page shows only the reason for "
    "a rejection.":
        "Wajib diisi untuk menolak, meminta atau memberi klarifikasi dan memperpanjang batas "
        "waktu. Pemohon membaca pertanyaan dan alasan; halaman publik hanya menampilkan "
        "alasan penolakan.",
    "Are you the requester? Open your request with the access token":
        "Anda pemohonnya? Buka permintaan Anda dengan token akses",
    "Access token (from the email we sent you)": "Token akses (dari email yang kami kirim)",
    "Open my request": "Buka permintaan saya",
    # finding work (issue 15): staff dataset lists, request board, dataset page
    "Workflow state": "Status alur kerja",
    "Yes": "Ya",
    "Only overdue datasets": "Hanya dataset yang melewati waktu baku",
    "Past the SOP standard time of their step": "Melewati waktu baku SOP pada tahapnya",
    "close": "tutup",
    "Private": "Privat",
    "Publication date": "Tanggal terbit",
    "Search by number or title": "Cari menurut nomor atau judul",
    "Clear": "Hapus pencarian",
    "{n} requests": "{n} permintaan",
    'Tags': 'Tag',
    'Format': 'Format',
    '(none)': '(tidak ada)',
    '(removed)': '(dihapus)',
    'Tick the confirmation: publishing makes the data public': 'Centang konfirmasi: penerbitan membuat data terbuka untuk publik',
    'Resource not found': 'Sumber data tidak ditemukan',
    "Only sysadmins can read the portal's outgoing mail": 'Hanya sysadmin yang dapat membaca surel keluar portal',
    'Mail not found': 'Surel tidak ditemukan',
    'Invalid mail id': 'Nomor surel tidak valid',
    'The mail is queued again': 'Surel dijadwalkan kirim ulang',
    'That mail was sent already or does not exist': 'Surel itu sudah terkirim atau tidak ada',
    'Outgoing mail': 'Surel keluar',
    'No local mail sink is configured: mail goes to the SMTP server in smtp.server.': 'Penampung surel lokal tidak diatur: surel dikirim ke server SMTP pada smtp.server.',
    'Mail the portal sent to its local SMTP sink (demo setup), newest first.': 'Surel yang dikirim portal ke penampung SMTP lokal (pengaturan demo), terbaru lebih dulu.',
    'To': 'Kepada',
    'From': 'Dari',
    'Date': 'Tanggal',
    'Subject': 'Perihal',
    'No mail yet.': 'Belum ada surel.',
    'Notification outbox': 'Kotak keluar notifikasi',
    'Sent: {sent} · waiting: {waiting} · failed: {failed}': 'Terkirim: {sent} · menunggu: {waiting} · gagal: {failed}',
    'A mail that cannot be delivered is tried again with growing pauses (about 17 hours in all) and then marked failed.': 'Surel yang tidak dapat dikirim dicoba lagi dengan jeda yang makin panjang (sekitar 17 jam seluruhnya), lalu ditandai gagal.',
    'Tries': 'Percobaan',
    'Last error': 'Galat terakhir',
    'Failed': 'Gagal',
    'Next try': 'Percobaan berikutnya',
    'Waiting': 'Menunggu',
    'Resend': 'Kirim ulang',
    'Nothing waiting: every mail has been delivered.': 'Tidak ada yang menunggu: semua surel sudah terkirim.',
    '— choose a staff member —': '— pilih Staf —',
    'Note (paraf; required when returning or withdrawing)': 'Catatan paraf (wajib saat mengembalikan atau menarik)',
    'Note (paraf, optional)': 'Catatan paraf (opsional)',
    'I understand that publishing makes this data public on the portal, the API and the national catalogue': 'Saya paham bahwa penerbitan membuat data ini terbuka di portal, API, dan katalog nasional',
    # theme (restored from the regenerated .po after an accidental overwrite; see report)
    "Chart": "Grafik",
    "Period covered": "Periode data",
    "Next step": "Langkah berikutnya",
    "The Subkoordinator assigns a staff member to prepare the data.": "Subkoordinator menunjuk Staf untuk menyiapkan data.",
    "The assigned staff member prepares the data, its narrative and infographic, then submits them for review.": "Staf yang ditunjuk menyiapkan data, narasi, dan infografis, lalu mengajukannya untuk dikoreksi.",
    "The assigned staff member revises the data following the notes, then submits it again.": "Staf yang ditunjuk memperbaiki data sesuai catatan, lalu mengajukannya kembali.",
    "The Subkoordinator reviews it: approve (paraf) or return with notes.": "Subkoordinator memeriksa: setujui (paraf) atau kembalikan dengan catatan.",
    "The Head of the statistics division reviews it: approve (paraf) or return with notes.": "Kepala Bidang Statistik memeriksa: setujui (paraf) atau kembalikan dengan catatan.",
    "The staff member publishes it on the portal.": "Staf menerbitkannya di portal.",
    "Published. An edit goes through review while this version stays online.": "Sudah terbit. Perubahan akan direview sementara versi ini tetap tayang.",
    "Your turn.": "Giliran Anda.",
    "Waiting for someone else.": "Menunggu pihak lain.",
    "Your work": "Pekerjaan Anda",
    "{num} overdue": "{num} lewat waktu",
    "overdue": "lewat waktu",
    "Open the review queue": "Buka antrian review",
    "Open data requests": "Permintaan data yang masih berjalan",
    "No open requests.": "Tidak ada permintaan yang masih berjalan.",
    "Open the request board": "Buka papan permintaan",
    "waiting for you": "menunggu Anda",
    "What is an OPD?": "Apa itu OPD?",
    "The regency's agencies (OPD) produce the sectoral data on this portal. Each dataset belongs to the OPD that produced it and is published after the Walidata team has checked it.":
        "Perangkat daerah (OPD) menghasilkan data sektoral di portal ini. Setiap dataset dimiliki OPD yang menghasilkannya dan diterbitkan setelah diperiksa tim Walidata.",
    # CKAN 2.12's own Indonesian catalogue leaves these untranslated (theme/core_strings.py)
    "Sysadmin settings": "Pengaturan sysadmin",
    "View profile": "Lihat profil",
    "View dashboard": "Lihat dasbor",
    "Profile settings": "Pengaturan profil",
    "Account": "Akun",
    "Log in": "Masuk",
    "Organizations": "Organisasi",
    "Navigate to Home - {site_title}": "Ke Beranda - {site_title}",
    "Toggle navigation": "Buka/tutup navigasi",
    "Search Datasets...": "Cari dataset...",
    "Search datasets...": "Cari dataset...",
    "Submit": "Kirim",
    "About {0}": "Tentang {0}",
    "CKAN Association": "Asosiasi CKAN",
    "Skip to main content": "Langsung ke konten utama",
    "Breadcrumb": "Jejak navigasi",
    "Draft": "Draf",
    "Deleted": "Dihapus",
    "Manage": "Kelola",
    "Current resource: {name}": "Sumber data saat ini: {name}",
    "Edit resource": "Ubah sumber data",
    "Views": "Tampilan",
    "Go to resource": "Buka sumber data",
    "URL:": "URL:",
    "Resource URL: {url}": "URL sumber data: {url}",
    "Dataset description:": "Deskripsi dataset:",
    "There are no views created for this resource yet.": "Belum ada tampilan untuk sumber data ini.",
    "Not seeing the views you were expecting?": "Tampilan yang Anda harapkan tidak muncul?",
    "Click here for more information.": "Klik di sini untuk informasi lebih lanjut.",
    "Here are some reasons you may not be seeing expected views:": "Beberapa kemungkinan penyebab tampilan tidak muncul:",
    "No view has been created that is suitable for this resource": "Belum ada tampilan yang sesuai untuk sumber data ini",
    "The site administrators may not have enabled the relevant view plugins": "Administrator situs mungkin belum mengaktifkan plugin tampilan yang diperlukan",
    "If a view requires the DataStore, the DataStore plugin may not be enabled, or the data may not have been pushed to the DataStore, or the DataStore hasn't finished processing the data yet": "Jika tampilan memerlukan DataStore, plugin DataStore mungkin belum aktif, data belum dimuat ke DataStore, atau DataStore belum selesai memproses data",
    "Data last updated": "Data terakhir diperbarui",
    "unknown": "tidak diketahui",
    "Metadata last updated": "Metadata terakhir diperbarui",
    "Navigate to resource: {name_or_id}": "Buka sumber data: {name_or_id}",
    "Explore": "Jelajahi",
    "More information": "Informasi lebih lanjut",
    "Data and Resources": "Data dan Sumber Data",
    "This dataset has no data": "Dataset ini belum memiliki data",
    "Additional Info": "Informasi Tambahan",
    "Last Updated": "Terakhir Diperbarui",
    "eg. A descriptive title": "mis. Judul yang deskriptif",
    "eg. my-dataset": "mis. dataset-saya",
    "eg. Some useful notes about the data": "mis. Catatan yang berguna tentang data",
    "eg. economy, mental health, government": "mis. ekonomi, kesehatan jiwa, pemerintahan",
    "Please select the license": "Pilih lisensi",
    "No Organization": "Tanpa Organisasi",
    "Visibility": "Visibilitas",
    "Active": "Aktif",
    "Add Organization": "Tambah Organisasi",
    "Search organizations...": "Cari organisasi...",
    "Name Ascending": "Nama (A–Z)",
    "Name Descending": "Nama (Z–A)",
    "There are currently no organizations for this site": "Belum ada organisasi di situs ini",
    "How about creating one?": "Bagaimana jika membuat satu?",
    "0 Members": "0 Anggota",
    "Open details page for {name}": "Buka halaman rincian {name}",
    "View {organization_name}": "Lihat {organization_name}",
    "read more": "selengkapnya",
    "There is no description for this organization.": "Organisasi ini belum memiliki deskripsi.",
    "Order by": "Urutkan",
    "Go": "Terapkan",
    "Remove applied filter: {value}": "Hapus filter: {value}",
    "Remove": "Hapus",
    "Filter Results": "Saring Hasil",
    "Filter by: {title}": "Saring menurut: {title}",
    "Search datasets by {name}: {label}": "Cari dataset menurut {name}: {label}",
    "Show More {facet_type}": "Tampilkan lebih banyak {facet_type}",
    "Show Only Popular {facet_type}": "Tampilkan {facet_type} populer saja",
    "There are no {facet_type} that match this search": "Tidak ada {facet_type} yang cocok dengan pencarian ini",
    "Navigate to dataset: {title}": "Buka dataset: {title}",
    "There is no description for this dataset.": "Dataset ini belum memiliki deskripsi.",
    "No datasets found for \"{query}\"": "Tidak ada dataset untuk \"{query}\"",
    "No datasets found": "Tidak ada dataset",
    "No groups found for \"{query}\"": "Tidak ada grup untuk \"{query}\"",
    "No groups found": "Tidak ada grup",
    "No organizations found for \"{query}\"": "Tidak ada organisasi untuk \"{query}\"",
    "No organizations found": "Tidak ada organisasi",
    "No License Provided": "Lisensi tidak disebutkan",
    "Social": "Media sosial",
    "Language": "Bahasa",
    "Need an Account?": "Belum punya akun?",
    "Create an Account": "Buat akun",
    "Forgotten your password?": "Lupa kata sandi?",
    "Username or Email": "Nama pengguna atau surel",
    "Remember me": "Ingat saya",
    "Fullscreen": "Layar penuh",
    "This resource view is not available at the moment.": "Tampilan sumber data ini sedang tidak tersedia.",
    "Download resource": "Unduh sumber data",
    "Your browser does not support iframes.": "Peramban Anda tidak mendukung iframe.",
    "Embed resource view": "Sematkan tampilan sumber data",
    "Close modal": "Tutup",
    "You can copy and paste the embed code into a CMS or blog software that supports raw HTML": "Salin dan tempel kode sematan ini ke CMS atau blog yang mendukung HTML mentah",
    "Width": "Lebar",
    "Height": "Tinggi",
    "Search groups...": "Cari grup...",
    "There are currently no groups for this site.": "Belum ada grup di situs ini.",
    "What are Organizations?": "Apa itu Organisasi?",
    "Contact the Walidata team": "Hubungi Walidata",
    "Contact": "Kontak",
    "Data producer": "Produsen data",
    "Kemendagri region code of %(region)s": "Kode wilayah Kemendagri untuk %(region)s",
    "BPS (Statistics Indonesia) region code of %(region)s": "Kode wilayah BPS untuk %(region)s",
    "About": "Tentang",
    "CKAN API": "API CKAN",
    "Diskominfo dan Persandian Kabupaten Banyuwangi":
        "Diskominfo dan Persandian Kabupaten Banyuwangi",
    "Statistics division (Walidata)": "Bidang Statistik (Walidata)",
    "Email": "Surel",
    "Powered by": "Didukung oleh",
    "About the Portal Satu Data": "Tentang Portal Satu Data",
    "The Portal Satu Data of the Banyuwangi Regency publishes the sectoral data of the regency's agencies (OPD) following Presidential Regulation 39/2019 on Satu Data Indonesia. The statistics division of Diskominfo dan Persandian is the Walidata: it checks every dataset before it is published. The portal follows two standard operating procedures (SOP 188/6593/429.116/2022).":
        "Portal Satu Data Kabupaten Banyuwangi menerbitkan data sektoral perangkat daerah (OPD) sesuai Perpres 39/2019 tentang Satu Data Indonesia. Bidang Statistik Diskominfo dan Persandian adalah Walidata: setiap dataset diperiksa sebelum diterbitkan. Portal ini menjalankan dua Standar Operasional Prosedur (SOP 188/6593/429.116/2022).",
    "Dissemination of sectoral data": "Diseminasi data sektoral",
    "The Subkoordinator of statistics makes the dissemination concept and assigns a staff member.":
        "Subkoordinator Statistik membuat konsep diseminasi dan mendisposisikan kepada Staf.",
    "The statistics staff prepare the data, its narrative and an infographic, and submit them for review.":
        "Staf Statistik menyiapkan data, narasi, dan infografis, lalu mengajukannya untuk dikoreksi.",
    "The Subkoordinator reviews and approves, or returns them with notes.":
        "Subkoordinator memeriksa lalu menyetujui, atau mengembalikan dengan catatan.",
    "The Head of the statistics division reviews and approves, or returns them with notes.":
        "Kepala Bidang Statistik memeriksa lalu menyetujui, atau mengembalikan dengan catatan.",
    "Once both have approved the same content, the staff publish it on the portal.":
        "Setelah keduanya menyetujui konten yang sama, Staf menerbitkannya di portal.",
    "Sectoral data requests": "Layanan permintaan data sektoral",
    "Anyone submits a data request on the portal and receives a registration number.":
        "Siapa pun mengajukan permintaan data di portal dan langsung menerima nomor registrasi.",
    "The Subkoordinator assigns a staff member, who checks whether the data is already available.":
        "Subkoordinator menunjuk Staf, yang memeriksa apakah data sudah tersedia.",
    "If it is not, the request goes to the agency (OPD) that owns the data, which sends it or confirms it does not exist.":
        "Jika belum tersedia, permintaan diteruskan ke OPD pemilik data, yang mengirim data atau menyatakan data tidak ada.",
    "The staff deliver the data to the requester, or the request is closed with the reason.":
        "Staf menyerahkan data kepada pemohon, atau permintaan ditutup beserta alasannya.",
    "By law (UU 14/2008) a request is answered within 10 working days, extendable once by 7 working days with a written reason.":
        "Sesuai UU 14/2008, permintaan dijawab paling lambat 10 hari kerja dan dapat diperpanjang satu kali 7 hari kerja dengan alasan tertulis.",
    "Home": "Beranda",
    "Open sectoral data of the Banyuwangi Regency, checked by the statistics team of Diskominfo before it is published.":
        "Data sektoral terbuka Kabupaten Banyuwangi, diperiksa tim statistik Diskominfo sebelum diterbitkan.",
    "Search the data": "Cari data",
    "e.g. jumlah penduduk per kecamatan": "mis. jumlah penduduk per kecamatan",
    "Topics": "Topik",
    "{num} datasets": "{num} dataset",
    "Data producers (OPD)": "Produsen data (OPD)",
    "All data producers": "Semua produsen data",
    "Latest published data": "Data terbaru",
    "No data has been published yet.": "Belum ada data yang diterbitkan.",
    "All data": "Semua data",
    "Latest infographics": "Infografis terbaru",
    "Cannot find the data you need?": "Tidak menemukan data yang Anda cari?",
    "Request it from the Walidata team. You get a registration number at once and can follow your request until the data is delivered.":
        "Ajukan permintaan kepada Walidata. Anda langsung mendapat nomor registrasi dan dapat memantau permintaan hingga data diserahkan.",
    "Infographic": "Infografis",
    "Narrative": "Narasi",
    "Satu Data Indonesia metadata": "Metadata Satu Data Indonesia",
    "Column to chart (empty: every numeric column)":
        "Kolom yang digrafikkan (kosong: semua kolom angka)",
    "Chart of %(name)s": "Grafik %(name)s",
    "The chart could not be drawn from this data.": "Grafik tidak dapat dibuat dari data ini.",
    # Kinerja SOP (ckanext/satudata/reports)
    "SOP performance": "Kinerja SOP",
    "Office time taken in each SOP step against its standard time (Mutu Baku — Waktu), from the transition logs.":
        "Waktu kerja setiap tahap SOP dibandingkan dengan waktu bakunya (Mutu Baku — Waktu), dari log transisi.",
    "OPD": "OPD",
    "Person (username)": "Petugas (nama pengguna)",
    "All tables (XLSX)": "Semua tabel (XLSX)",
    "No data for this period.": "Tidak ada data untuk periode ini.",
    "Dataset publication (workflow 1) per SOP step": "Diseminasi dataset (alur 1) per tahap SOP",
    "Data requests (workflow 2) per SOP step": "Permintaan data (alur 2) per tahap SOP",
    "Standard (office minutes)": "Waktu baku (menit kerja)",
    "Volume": "Jumlah",
    "Median (office minutes)": "Median (menit kerja)",
    "p90 (office minutes)": "p90 (menit kerja)",
    "Share within standard": "Porsi sesuai waktu baku",
    "Over standard": "Melewati waktu baku",
    "Dataset publication per month": "Diseminasi dataset per bulan",
    "Data requests per month": "Permintaan data per bulan",
    "Month": "Bulan",
    "Per person": "Per petugas",
    "Workflow": "Alur",
    "Person": "Petugas",
    "Username": "Nama pengguna",
    "Walidata (no OPD)": "Walidata (tanpa OPD)",
    "Per OPD": "Per OPD",
    "Dataset publication": "Diseminasi dataset",
    "Overdue now": "Terlambat saat ini",
    "Item": "Butir",
    "Title": "Judul",
    "Held by": "Dipegang oleh",
    "Office minutes in step": "Menit kerja di tahap ini",
    "Legal deadline": "Batas waktu UU 14/2008",
    "Link": "Tautan",
    "office minutes": "menit kerja",
    "Median": "Median",
    "Standard": "Waktu baku",
    "Share within standard (%)": "Porsi sesuai waktu baku (%)",
    "transitions": "transisi",
    # Statistik Layanan (public request statistics, issue 13)
    "Received": "Diterima",
    "Answered": "Dijawab",
    "Within 10 working days": "Dalam 10 hari kerja",
    "Within the extension": "Dalam masa perpanjangan",
    "Late": "Terlambat",
    "Open past the deadline": "Belum dijawab, lewat batas waktu",
    "Rejected": "Ditolak",
    "Withdrawn": "Dibatalkan",
    "Average working days to answer": "Rata-rata hari kerja hingga dijawab",
    "Median working days to answer": "Median hari kerja hingga dijawab",
    "Walidata team (from the portal)": "Tim Walidata (dari portal)",
    "Summary %(year)s": "Ringkasan %(year)s",
    "Figure": "Angka",
    "Value": "Nilai",
    "Per month of receipt": "Per bulan penerimaan",
    "Rejections by reason": "Penolakan menurut alasan",
    "Reason": "Alasan",
    "Requests": "Permintaan",
    "requests": "permintaan",
    "Working days to answer": "Hari kerja hingga dijawab",
    "working days": "hari kerja",
    "Average": "Rata-rata",
    "Service statistics": "Statistik Layanan",
    "How the data request service answers: UU 14/2008 gives 10 working days, extendable once by 7 working days with a written reason. Working days exclude weekends, national holidays and cuti bersama (WIB). Counts only; no personal data.":
        "Kinerja layanan permintaan data: UU 14/2008 memberi waktu 10 hari kerja, dapat diperpanjang satu kali 7 hari kerja dengan alasan tertulis. Hari kerja tidak termasuk akhir pekan, hari libur nasional dan cuti bersama (WIB). Hanya jumlah; tanpa data pribadi.",
    "Year": "Tahun",
    "Show": "Tampilkan",
    "Reason category (if rejecting)": "Kategori alasan (jika menolak)",
    # PPID yearly report (issue 13)
    "Requests for information received": "Permohonan informasi yang diterima",
    "Fulfilled in full": "Dipenuhi seluruhnya",
    "Fulfilled in part": "Dipenuhi sebagian",
    "Information not held (closed, data not available)":
        "Informasi tidak dikuasai (ditutup, data tidak tersedia)",
    "Withdrawn by the requester": "Dibatalkan oleh pemohon",
    "Still being processed at the time of the report": "Masih diproses saat laporan dibuat",
    "Answered within 10 working days": "Dijawab dalam 10 hari kerja",
    "Answered within the extension (7 working days)": "Dijawab dalam masa perpanjangan (7 hari kerja)",
    "Answered late": "Dijawab terlambat",
    "Deadline extended": "Batas waktu diperpanjang",
    "Objections filed (keberatan)": "Keberatan yang diajukan",
    "Objections upheld by the atasan PPID": "Keberatan diterima oleh atasan PPID",
    "Objections dismissed by the atasan PPID": "Keberatan ditolak oleh atasan PPID",
    "Objections not yet decided": "Keberatan belum diputus",
    "Objections decided after 30 working days": "Keberatan diputus lewat 30 hari kerja",
    "PPID yearly report %(year)s": "Laporan tahunan PPID %(year)s",
    "No.": "No.",
    "PPID yearly report": "Laporan Tahunan PPID",
    "The figures of the yearly report on information services (UU 14/2008): requests received in the year and how they were answered. Working days exclude weekends, national holidays and cuti bersama.":
        "Angka laporan tahunan layanan informasi publik (UU 14/2008): permohonan yang diterima dalam tahun tersebut dan bagaimana dijawab. Hari kerja tidak termasuk akhir pekan, hari libur nasional dan cuti bersama.",
    "Printable page": "Halaman cetak",
    "Generated": "Dibuat",
    "The data answers the request only in part (say what is missing in the comment)":
        "Data hanya menjawab sebagian permintaan (sebutkan yang belum ada di komentar)",
    # Keberatan (objections, issue 13)
    "Objection saved": "Keberatan disimpan",
    "Objection (keberatan)": "Keberatan",
    "Ground": "Dasar keberatan",
    "Decision due": "Batas putusan",
    "Reasons": "Alasan",
    "Response of the atasan PPID": "Tanggapan atasan PPID",
    "Ground for the objection": "Dasar keberatan",
    "until": "sampai",
    "File an objection": "Ajukan keberatan",
    "Uphold the objection": "Terima keberatan",
    "Dismiss the objection": "Tolak keberatan",
    # forwarding and splitting of data requests (issue 13)
    "from {from_org} to {to_org}; the answer is still due on the same date":
        "dari {from_org} ke {to_org}; batas waktu jawaban tetap sama",
    "Linked requests": "Permintaan terkait",
    "The request was split: each agency answers the part of the data it holds.":
        "Permintaan dipecah: setiap OPD menjawab bagian data yang dipegangnya.",
    "Agency (OPD) that holds the data (to forward to)":
        "OPD yang memegang data (tujuan penerusan)",
    "Split: a second agency that holds part of the data (optional)":
        "Pecah: OPD kedua yang memegang sebagian data (opsional)",
    "No split": "Tidak dipecah",
    # /dashboard: the person's own overdue items first (issue 13)
    "Your overdue items": "Tugas Anda yang terlambat",
    "You hold the current step and its SOP standard time or the legal deadline has passed.":
        "Anda memegang langkah saat ini dan waktu baku SOP atau batas waktu hukumnya "
        "sudah lewat.",
    "legal deadline passed": "batas waktu hukum terlewati",
}


def main():
    with open(I18N / "ckanext-satudata.pot", "rb") as f:
        catalog = read_po(f, locale="id")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        message.string = ID.get(message.id, "")
        if not message.string:
            missing.append(message.id)
    out = I18N / "id" / "LC_MESSAGES"
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "ckanext-satudata.po", "wb") as f:
        write_po(f, catalog, width=80)
    with open(out / "ckanext-satudata.mo", "wb") as f:
        write_mo(f, catalog)
    if missing:
        print("untranslated:", *missing, sep="\n  ")
        sys.exit(1)
    print("id: %d messages" % (len(catalog) - 1))


if __name__ == "__main__":
    main()
