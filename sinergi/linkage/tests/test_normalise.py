"""Indonesian name, date and identifier normalisation for linkage: every variant the issue names, and no
over-matching of common names."""

from __future__ import annotations

import datetime as dt

import pytest

from sinergi.linkage.normalise import (
    birth_year_range,
    canonical_token,
    day_month_swapped,
    normalise_name,
    normalise_passport,
    normalise_phone,
    normalise_sex,
    normalise_village,
    parse_age,
    parse_birth_date,
    split_run_together,
)


def same(a: str, b: str) -> bool:
    return normalise_name(a).key == normalise_name(b).key


@pytest.mark.parametrize("old,new", [
    ("Djoko", "Joko"), ("Tjahjono", "Cahyono"), ("Soekarno", "Sukarno"), ("Sjarifuddin", "Syarifuddin"),
    ("Soeharto", "Suharto"), ("Djajadi", "Jayadi"), ("Soejono", "Suyono"), ("Wahjudi", "Wahyudi"),
    ("Njoman", "Nyoman"), ("Pandjaitan", "Panjaitan"), ("Tandjung", "Tanjung"), ("Chairul", "Khairul"),
    ("Chairul", "Hairul"), ("Jusuf", "Yusuf"), ("Juliani", "Yuliani"), ("Rijadi", "Riyadi"),
    ("Abdoel", "Abdul"), ("Moehammad", "Muhammad"),
])
def test_old_and_new_spelling_meet(old, new):
    assert same(old, new)


@pytest.mark.parametrize("modern", ["Joko", "Jaya", "Juwita", "Jumadi", "Junaidi", "Jajang", "Panjaitan",
                                    "Tanjung", "Jamaluddin"])
def test_a_modern_j_is_kept(modern):
    assert "j" in normalise_name(modern).key


@pytest.mark.parametrize("variant", ["Mohammad", "Muhamad", "Mochamad", "Mohamad", "Moh.", "M.", "Muhammed",
                                     "Mochammad", "Mohamed", "Muhamed", "Mohd", "Muh.", "Mhd."])
def test_muhammad_written_many_ways(variant):
    assert same(f"{variant} Rizki", "Muhammad Rizki")


@pytest.mark.parametrize("written,plain", [
    ("Bapak Budi Santoso", "Budi Santoso"), ("Ibu Sri Wahyuni", "Sri Wahyuni"), ("Hj. Siti Aminah", "Siti Aminah"),
    ("H. Ahmad Yani", "Ahmad Yani"), ("Haji Ahmad Yani", "Ahmad Yani"), ("Dr. Ratna Sari", "Ratna Sari"),
    ("Dewi Lestari, S.Pd.", "Dewi Lestari"), ("Ir. H. Joko Widodo", "Joko Widodo"),
    ("Dra. Hj. Sri Mulyani, M.Si.", "Sri Mulyani"), ("Budi Santoso S.Pd", "Budi Santoso"),
    ("Budi Santoso S.E. M.M.", "Budi Santoso"), ("Sdr. Agus", "Agus"),
])
def test_honorifics_and_titles_are_dropped(written, plain):
    assert same(written, plain)


def test_bin_and_binti_are_dropped_the_fathers_name_kept():
    assert normalise_name("Ahmad bin Yusuf").tokens == ("ahmad", "yusuf")
    assert normalise_name("Siti binti Abdullah").tokens == ("siti", canonical_token("Abdullah"))
    assert same("Ahmad bin Yusuf", "Ahmad Yusuf")
    assert normalise_name("Bin").tokens == ("bin",)  # a name that is only the word stays


@pytest.mark.parametrize("written,plain", [
    ("Ma'ruf Amin", "Maruf Amin"), ("Nur-Hayati", "Nur Hayati"), ("  SRI   wahyuni. ", "Sri Wahyuni"),
    ("Élisabeth", "Elisabeth"), ("Fatimah", "Fatima"), ("Sitti Aminah", "Siti Aminah"), ("Rizky", "Rizki"),
    ("Achmad", "Ahmad"), ("Akhmad", "Ahmad"), ("Stephanus", "Stefanus"), ("Theresia", "Teresia"),
    ("Ramadhan", "Ramadan"), ("Taufiq", "Taufik"), ("Noor", "Nur"), ("Hasanuddin", "Hasanudin"),
])
def test_punctuation_accents_and_letter_variants(written, plain):
    assert same(written, plain)


def test_given_and_family_name_swapped_give_one_token_set():
    assert same("Simanjuntak Maria", "Maria Simanjuntak")
    assert same("Wahyuni Sri", "Sri Wahyuni")
    assert normalise_name("Maria Simanjuntak").tokens == ("maria", "simanjuntak")  # written order kept too


def test_mononyms():
    name = normalise_name("Sutrisno")
    assert name.tokens == ("sutrisno",) and name.key == "sutrisno"
    assert normalise_name("").key == "" and normalise_name(None).tokens == ()


@pytest.mark.parametrize("glued,plain", [
    ("SITINURHAYATI", "Siti Nurhayati"), ("DJOKOWIDODO", "Joko Widodo"), ("MUHAMMADRIZKI", "Muhammad Rizki"),
    ("SRIWAHYUNI", "Sri Wahyuni"), ("YOHANESSERAN", "Yohanes Seran"), ("MARIASIMANJUNTAK", "Maria Simanjuntak"),
])
def test_capitals_without_spaces_are_split_into_known_names(glued, plain):
    assert same(glued, plain)


def test_known_long_names_and_unknown_runs_are_not_split():
    assert split_run_together("nurhayati") == ("nurhayati",)
    assert split_run_together("setyaningsih") == ("setyaningsih",)
    assert split_run_together("xqzwvrtplk") == ("xqzwvrtplk",)


@pytest.mark.parametrize("a,b", [("Siti", "Sigit"), ("Siti", "Setyo"), ("Sigit", "Setyo"), ("Sri", "Siti"),
                                 ("Nur", "Nuri"), ("Joko", "Yoko"), ("Jaya", "Yaya"), ("Agus", "Agung"),
                                 ("Dewi", "Dwi"), ("Ani", "Ana")])
def test_common_names_do_not_over_match(a, b):
    assert canonical_token(a) != canonical_token(b)
    assert not same(a, b)


def test_dates_in_several_forms():
    expected = dt.date(1990, 3, 25)
    for text in ["1990-03-25", "25/03/1990", "25-03-1990", "25.03.1990", "19900325", "25 Maret 1990",
                 "25 Mar 1990", "25 March 1990", "03/25/1990"]:
        assert parse_birth_date(text).date == expected, text
    assert parse_birth_date("1990").date is None and parse_birth_date("1990").year == 1990
    assert parse_birth_date("") is None and parse_birth_date(None) is None
    for bad in ["31/02/1990", "1990-13-45", "kemarin", "12/12/12", "1850-01-01"]:
        with pytest.raises(ValueError):
            parse_birth_date(bad)


def test_day_and_month_swapped():
    assert day_month_swapped(dt.date(1990, 3, 4)) == dt.date(1990, 4, 3)
    assert day_month_swapped(dt.date(1990, 3, 25)) is None  # 25 is no month
    assert day_month_swapped(dt.date(1990, 5, 5)) is None
    assert day_month_swapped(None) is None


def test_ages_estimated_instead_of_dates():
    assert parse_age("25") == (25, 25)
    assert parse_age("sekitar 25 tahun") == (25, 25)
    assert parse_age("25-30") == (25, 30)
    assert parse_age("20an") == (20, 29)
    assert parse_age("± 30 th") == (30, 30)
    assert parse_age("") is None
    for bad in ["tua", "200", "dua puluh"]:
        with pytest.raises(ValueError):
            parse_age(bad)
    # 25 in 2026: born 2000 or 2001, widened by the tolerance; a date gives its own year only.
    assert birth_year_range(None, (25, 25), 2026) == (1995, 2003)
    assert birth_year_range(parse_birth_date("2001-02-03"), (25, 25), 2026) == (2001, 2001)
    assert birth_year_range(None, None, 2026) == (None, None)


def test_sex_passport_phone_village():
    assert normalise_sex("Perempuan") == normalise_sex("F") == normalise_sex("Feminine") == "f"
    assert normalise_sex("Laki-laki") == normalise_sex("L") == normalise_sex("male") == "m"
    assert normalise_sex("") is None and normalise_sex("tidak tahu") is None
    assert normalise_passport(" c 123-4567 ") == "C1234567"
    assert normalise_phone("0812-3456-7890") == normalise_phone("+62 812 3456 7890") == "6281234567890"
    assert normalise_phone("0062 812 3456 7890") == "6281234567890"
    assert normalise_phone("123") is None
    place = normalise_village("33.74.10.1001")
    assert (place.code, place.district, place.regency) == ("3374101001", "337410", "3374")
    assert normalise_village("3374").regency == "3374" and normalise_village("3374").district is None
    assert normalise_village("Desa  Sukamaju").code == "n:desa sukamaju"
    assert normalise_village("").code is None


def test_a_very_long_run_of_letters_is_left_whole():
    # A run far longer than any names written together (140,000 letters) is not split: splitting costs the square
    # of its length (minutes for this one).
    from sinergi.linkage.normalise import MAX_RUN_TO_SPLIT, normalise_name, split_run_together

    long_run = "siti" * 35_000
    assert split_run_together(long_run) == (long_run,)
    assert normalise_name(long_run).tokens == (long_run,)
    assert split_run_together("a" * (MAX_RUN_TO_SPLIT + 1)) == ("a" * (MAX_RUN_TO_SPLIT + 1),)
    assert split_run_together("SITINURHAYATI") == ("siti", "nurhayati")
