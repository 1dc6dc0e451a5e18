"""Plain-language names and help for the ILO 11 indicators, as shown to intake officers.

The indicator ids and English names come from the shipped CSV; this adds the Indonesian wording and what to
look for, so the person nearest to the case knows what each one means.
"""

from django.utils.translation import gettext_lazy as _

ILO_HELP = {
    "1": (_("Penyalahgunaan kerentanan"),
          _("Pelaku memanfaatkan kemiskinan, utang keluarga, status tanpa dokumen, usia muda atau ketidaktahuan bahasa.")),
    "2": (_("Penipuan"),
          _("Dijanjikan pekerjaan, gaji, tempat atau syarat yang berbeda dari kenyataan (mis. 'customer service' ternyata penipuan daring).")),
    "3": (_("Pembatasan gerak"),
          _("Tidak boleh keluar dari tempat kerja/asrama, dikunci, dijaga, atau hanya boleh keluar dengan pengawal.")),
    "4": (_("Isolasi"),
          _("Dijauhkan dari keluarga dan masyarakat, ponsel disita, tidak tahu alamat tempatnya berada.")),
    "5": (_("Kekerasan fisik dan seksual"),
          _("Dipukul, disetrum, diperkosa, atau dipaksa melakukan tindakan seksual.")),
    "6": (_("Intimidasi dan ancaman"),
          _("Diancam akan dilaporkan ke polisi/imigrasi, dijual ke tempat lain, atau keluarganya dicelakai.")),
    "7": (_("Penahanan dokumen identitas"),
          _("Paspor, KTP atau dokumen lain diambil dan tidak dikembalikan saat diminta.")),
    "8": (_("Penahanan upah"),
          _("Gaji tidak dibayar, ditunda, atau dipotong sepihak untuk 'denda' atau 'biaya'.")),
    "9": (_("Jeratan utang"),
          _("Utang biaya perekrutan, perjalanan atau 'tebusan' yang terus bertambah sehingga tidak bisa berhenti bekerja.")),
    "10": (_("Kondisi kerja dan hidup yang tidak layak"),
           _("Tempat tinggal sesak dan kotor, makanan kurang, pekerjaan berbahaya tanpa pelindung.")),
    "11": (_("Lembur berlebihan"),
           _("Dipaksa bekerja sangat lama (mis. 15-18 jam sehari) tanpa hari libur, dengan target dan hukuman.")),
}

DIMENSION_LABELS = {
    "deceptive_recruitment": _("Perekrutan dengan penipuan"),
    "coercive_recruitment": _("Perekrutan dengan paksaan"),
    "recruitment_abuse_of_vulnerability": _("Perekrutan dengan memanfaatkan kerentanan"),
    "exploitative_conditions": _("Kondisi kerja eksploitatif"),
    "coercion_at_destination": _("Paksaan di tempat tujuan"),
    "destination_abuse_of_vulnerability": _("Pemanfaatan kerentanan di tempat tujuan"),
}

STRENGTH_LABELS = {"strong": _("kuat"), "medium": _("sedang"), "weak": _("lemah")}
