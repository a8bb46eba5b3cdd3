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
