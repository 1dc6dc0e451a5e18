"""Indonesian personal names by region for the demo data: common given names and family names (or, where
there are no family names, the usual second names) of Javanese, Sundanese, Batak, NTT (Timor, Flores, Sumba),
Sasak and Bugis people. Spelling variants appear on purpose, so that search tolerance can be shown.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sinergi.people.enums import Sex


@dataclass(frozen=True)
class NameGroup:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...] = ()              # inherited family names (marga, fam), any sex
    second_male: tuple[str, ...] = ()         # second given names where there is no family name
    second_female: tuple[str, ...] = ()
    single_share: float = 0.0                 # share of people known by one name only
    male_title: tuple[str, ...] = ()          # Lalu (Sasak), Andi (Bugis): noble titles used as first names
    female_title: tuple[str, ...] = ()
    title_share: float = 0.0


def _t(text: str) -> tuple[str, ...]:
    return tuple(text.split())


JAWA = NameGroup(
    male=_t("Agus Budi Slamet Sugeng Joko Eko Bambang Heru Wahyu Teguh Purwanto Suparno Sutrisno Sukardi Darmaji "
            "Gunawan Rudi Yanto Sigit Bayu Dimas Aris Dwi Tri Imam Ahmad Muhammad Rizki Fajar Wawan Susilo Puji "
            "Suyono Sumarno Widodo Supriyadi Hartono Warsito Kusnadi Mulyadi Setyo Adi Nur Bagus Yoga"),
    female=_t("Sri Siti Wahyuni Lestari Sulastri Suparmi Sumiati Tutik Endang Rini Yuni Dwi Tri Ani Dewi Puji Ratna "
              "Sari Fitri Nur Wulan Ayu Indah Kartini Sumarni Partini Tumini Mulyani Setyowati Rahayu Eni Yanti "
              "Suryani Winarti Sutinah Tukini Painem Wartini Kasmini"),
    second_male=_t("Prasetyo Santoso Wibowo Setiawan Nugroho Susanto Hidayat Kurniawan Saputra Pratama Wijaya "
                   "Purnomo Sulistyo Utomo Haryanto Cahyono Wahyudi Suryadi Riyadi Permadi Firmansyah Hariyanto"),
    second_female=_t("Wahyuni Lestari Rahayu Handayani Astuti Purwanti Susanti Kusumawati Setyaningsih Ningsih "
                     "Rahmawati Puspitasari Wulandari Safitri Yuliani Pertiwi Anggraini Maryani Sulistyowati"),
    single_share=0.25,
)

SUNDA = NameGroup(
    male=_t("Asep Dede Ujang Cecep Dadang Yayan Ade Iwan Deden Nana Ajat Aep Jajang Wawan Yusuf Rahmat Acep Ilham "
            "Dikdik Encep Agus Hendra Dadan Endang Yana Ridwan Ahmad Muhammad Mochamad Rizky"),
    female=_t("Euis Neneng Iis Yuyun Cucu Entin Ai Enok Imas Nining Rina Siti Nurlela Eneng Popon Lilis Titin Tati "
              "Rika Yeni Ela Nia Wiwin Nenden Santi Desi Yanti Nurhasanah"),
    second_male=_t("Saepudin Suryana Hidayat Sopian Kurnia Sutisna Permana Gunawan Ruhiyat Mulyana Supriatna Sumarna "
                   "Hermawan Sobari Somantri Rahmat Hidayatullah Saputra Firmansyah Nurdin"),
    second_female=_t("Rohaeti Kurniasih Nurhayati Komariah Rohmah Maryati Suryani Sukaesih Hartini Julaeha Hasanah "
                     "Rosita Aisyah Nurjanah Sumiati Marlina Sulastri Herawati"),
    single_share=0.15,
)

BATAK = NameGroup(
    male=_t("Rudy Hendra Jhonson Parlindungan Togar Binsar Roy Daniel Samuel Yosua Freddy Martin Benny Robert "
            "Hotman Sahat Ruslan Ahmad Syahrul Irfan Rizal Poltak Marulak Bonar Lamhot Tigor Jonatan Andreas"),
    female=_t("Maria Rina Tiur Romauli Lamria Dameria Nurhayati Rosmawati Lenny Sarah Yohana Ester Debora Sri "
              "Lusiana Melati Rosdiana Mariani Hotnida Juliana Friska Novita Rut Kristina"),
    family=_t("Simanjuntak Sitompul Siregar Nainggolan Hutapea Situmorang Sinaga Pardede Manurung Panjaitan Tambunan "
              "Harahap Nasution Lubis Simatupang Sihombing Silalahi Sitorus Hutagalung Pasaribu Gultom Purba "
              "Saragih Damanik Ginting Tarigan Sembiring Sitepu Napitupulu Marpaung Hutabarat Simbolon"),
)

NTT = NameGroup(
    male=_t("Yohanes Yakobus Petrus Paulus Markus Stefanus Fransiskus Agustinus Yosef Mikael Dominggus Yeremias "
            "Adrianus Marthen Obed Yulius Nikolaus Kornelis Arnoldus Alfonsus Melkianus Aleksander Semuel Yunus "
            "Ferdinandus Gabriel Krisantus Benediktus Rikardus Mateus"),
    female=_t("Maria Yuliana Adriana Marselina Florentina Theresia Agustina Yosefina Margaretha Martha Elisabeth "
              "Dorkas Yuliani Mersi Sarlota Delfiana Ermelinda Oktaviana Selfina Novita Yasinta Paulina Fransiska "
              "Imelda Kristina Veronika Anjelina Wilhelmina Dominika Yohana"),
    family=_t("Tefa Benu Nenobais Bana Tanesib Seran Manu Pah Liu Lake Tualaka Kase Ndun Riwu Bire Kana Lede Dima "
              "Bria Nahak Mau Klau Bano Selan Nubatonis Taneo Boimau Nope Sae Tlonaen Mella Fallo Missa Nomleni "
              "Tamelab Neonbasu Ratu Kolo Wadu Lobo Lende Dapa Kaka Bili Malo Beda Kleden Lewar Making Ola Hurint "
              "Lamak Sogen Koten Nggadas Sanam Haumeni Atimeta Kolloh Lopo"),
    single_share=0.05,
)

SASAK = NameGroup(
    male=_t("Muhammad Ahmad Zainal Sahnan Hamdan Supardi Mahsun Saharudin Abdul Muhlis Hasanudin Jumaidi Kamarudin "
            "Rusdi Sahril Ilham Zulkifli Khairul Hairul Junaidi Marzuki Fauzan Habibi Sukri Najamudin Mahnan Amir"),
    female=_t("Siti Nurul Nurhayati Rohani Sumiati Hajrah Mariani Rabiah Zaenab Zainab Aisyah Fatimah Fatima "
              "Rukmini Saadah Husnul Sapinah Rahmi Hulaimi Marni Sahriah Nurmala"),
    second_male=_t("Hidayat Maulana Rahman Hamdi Azhar Ihsan Ikhsan Anwar Wathoni Hadi Saleh Yusuf Effendi Sahid "
                   "Hakim Jayadi Rosidi Ardiansyah Hasbi Munawir"),
    second_female=_t("Aini Fitriani Hasanah Rohmah Wahyuni Rahmawati Hidayati Sulastri Jannah Amalia Nurhidayah "
                     "Maulida Sarah Apriani Yuliana"),
    single_share=0.35,
    male_title=("Lalu",), female_title=("Baiq",), title_share=0.12,
)

BUGIS = NameGroup(
    male=_t("Muhammad Abdul Syamsul Baharuddin Ilham Arifin Hasanuddin Sudirman Irwan Haerul Ambo Rusli Jamaluddin "
            "Syahrir Amiruddin Rahmat Muhammad Norhadi Ahmad Fahrul Taufik Gusti Rahmadi Yohanes Darius"),
    female=_t("Sitti Siti Hasnah Nurhayati Hasmawati Besse Rahmawati Sukmawati Nurlina Hamsinah Jumriah Norhayati "
              "Masitah Salmah Rusmini Hadijah Khadijah Normah Lusia Kartini"),
    second_male=_t("Baso Rahman Tang Lamba Sakka Mappa Husain Sennang Hamzah Latif Sulaiman Haris Said Arsyad "
                   "Rasyid Effendi Noor Mahmud Ramli"),
    second_female=_t("Rahmah Hasanah Sari Aminah Jamilah Nurjannah Fitriani Wahidah Asmawati Rosmini Ernawati"),
    single_share=0.2,
    male_title=("Andi",), female_title=("Andi",), title_share=0.1,
)

GROUPS = {"jawa": JAWA, "sunda": SUNDA, "batak": BATAK, "ntt": NTT, "sasak": SASAK, "bugis": BUGIS}

# Spellings of the same name that are all in common use: search must find each from any other.
VARIANTS = {
    "Muhammad": ("Muhamad", "Mochamad", "Mohammad", "Muhammad"),
    "Ahmad": ("Achmad", "Ahmad", "Akhmad"),
    "Rizki": ("Rizky", "Rezky", "Riski", "Rizki"),
    "Yusuf": ("Yusup", "Yusuf"),
    "Suyono": ("Soeyono", "Suyono"),
    "Sukardi": ("Soekardi", "Sukardi"),
    "Joko": ("Djoko", "Joko"),
    "Cahyono": ("Tjahjono", "Cahyono"),
    "Wahyudi": ("Wahjudi", "Wahyudi"),
    "Fatimah": ("Fatima", "Fatimah"),
    "Khairul": ("Hairul", "Khairul"),
    "Ikhsan": ("Ihsan", "Ikhsan"),
}


def _maybe_variant(rng: random.Random, name: str) -> str:
    choices = VARIANTS.get(name)
    if choices and rng.random() < 0.3:
        return rng.choice(choices)
    return name


def person_name(rng: random.Random, group: str, sex: str) -> str:
    """A plausible full name for a person of ``group`` and ``sex`` (HTCDS value)."""
    g = GROUPS[group]
    male = sex == Sex.MASCULINE
    given = _maybe_variant(rng, rng.choice(g.male if male else g.female))
    parts: list[str] = []
    titles = g.male_title if male else g.female_title
    if titles and rng.random() < g.title_share:
        parts.append(rng.choice(titles))
    parts.append(given)
    if g.family:
        if rng.random() < 0.25:  # a second given name before the family name
            second = rng.choice(g.male if male else g.female)
            if second != given:
                parts.append(second)
        parts.append(rng.choice(g.family))
    elif rng.random() >= g.single_share or parts[0] in titles:
        seconds = g.second_male if male else g.second_female
        second = _maybe_variant(rng, rng.choice(seconds))
        if second != given:
            parts.append(second)
    return " ".join(parts)


def nickname(full_name: str) -> str:
    """A short everyday name, as family members often report it (Yanti for Suryanti)."""
    words = full_name.split()
    first = words[1] if len(words) > 1 and words[0] in ("Lalu", "Baiq", "Andi") else words[0]
    return first[-4:].capitalize() if len(first) > 6 else first
