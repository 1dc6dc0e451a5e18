"""The default risk rules. Administrators tune or switch them off in the admin; this only seeds them once."""

from django.db import migrations

# Destinations configured as official placement countries by default. Keep this list in step with the
# migrant-worker protection agency's official list; it is data, not code.
OFFICIAL = ["MY", "SG", "BN", "HK", "TW", "MO", "KR", "JP", "SA", "AE", "QA", "KW", "OM", "BH", "TR", "PL", "DE",
            "NL", "IT", "ES", "GB", "AU", "NZ", "US", "CA"]

RULES = [
    ("non-official-destination", "non_official_destination", 3,
     "Negara tujuan bukan negara penempatan resmi",
     "Negara ini bukan tujuan resmi penempatan pekerja migran Indonesia. Perekrutan ke sana berada di luar jalur "
     "resmi satu pintu (LTSA/SISKOP2MI) dan tidak dilindungi negara.",
     "Apakah lowongan ini terdaftar di Disnaker/LTSA? Mengapa negara tujuannya tidak ada di daftar resmi?",
     {"official": OFFICIAL}),
    ("agency-not-licensed", "agency_not_licensed", 3,
     "Perusahaan tidak berizin, dibekukan atau dicabut",
     "Hanya perusahaan penempatan (P3MI) berizin aktif yang boleh merekrut pekerja migran.",
     "Berapa nomor izin (SIP3MI) perusahaan? Cek di Disnaker atau BP3MI sebelum membayar atau menyerahkan dokumen.",
     {"require_agency": True}),
    ("job-order-not-approved", "job_order_not_approved", 3,
     "Job order belum disetujui atau melebihi kuota",
     "Setiap penempatan harus berdasarkan job order yang disetujui dan dalam kuota.", "", {}),
    ("tourist-visa", "tourist_visa", 3,
     "Berangkat dengan visa turis",
     "Bekerja di luar negeri dengan visa turis atau kunjungan itu ilegal; pekerja mudah dijerat dan dokumennya ditahan.",
     "Visa apa yang akan diurus? Minta bukti visa kerja sebelum berangkat.", {}),
    ("pay-above-norm", "pay_above_norm", 2,
     "Gaji terlalu tinggi untuk pekerjaan tanpa keahlian",
     "Tawaran gaji besar untuk pekerjaan tanpa syarat keahlian (mis. 'customer service', 'admin', 'marketing' di "
     "Kamboja atau Myanmar) adalah pola umum penipuan dan perekrutan ke kompleks penipuan daring.",
     "Apa nama dan alamat perusahaan pemberi kerja? Bisakah Anda bicara langsung dengan pekerja di sana?",
     {"max_usd_unskilled": 800, "unskilled_positions": [
         "customer service", "cs", "marketing", "admin", "operator", "call center", "call centre", "telemarketing",
         "data entry", "typist", "it support", "game", "sales online"]}),
    ("social-media-only", "social_media_only", 2,
     "Hanya lewat media sosial atau aplikasi chat",
     "Perekrut resmi punya kantor dan melayani lewat LTSA/Disnaker, bukan hanya lewat Facebook, Telegram atau WhatsApp.",
     "Di mana kantor perekrut? Bisakah Anda datang bersama keluarga?", {}),
    ("fees-charged", "fees_charged", 2,
     "Diminta membayar biaya",
     "Pekerja migran tidak boleh dibebani biaya penempatan yang dilarang. Permintaan uang di muka adalah tanda bahaya.",
     "Untuk apa uang itu? Minta kuitansi resmi dan tanyakan ke Disnaker apakah biaya itu sah.", {"max_idr": 0}),
    ("shared-identifier", "shared_identifier", 3,
     "Nomor, akun atau rekening yang sama muncul di beberapa kasus",
     "Kontak atau rekening perekrut ini pernah tercatat dalam kasus perdagangan orang.", "", {"min_cases": 2}),
]


def seed(apps, schema_editor):
    RiskRule = apps.get_model("recruitment", "RiskRule")
    for code, kind, weight, name, explanation, question, params in RULES:
        RiskRule.objects.get_or_create(code=code, defaults={
            "kind": kind, "weight": weight, "name": name, "explanation": explanation, "question": question,
            "params": params})


class Migration(migrations.Migration):
    dependencies = [("recruitment", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
