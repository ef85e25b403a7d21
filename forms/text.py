"""Bilingual text (Bahasa Indonesia first, English second) and the validation messages."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

LANGUAGES = ("id", "en")


class LocalizedText(BaseModel):
    """A user-visible text in Bahasa Indonesia (`id`, the default) and English (`en`)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    en: str

    def get(self, lang: str) -> str:
        """The text in `lang` ("id" or "en"); any other language gets Bahasa Indonesia."""
        return self.en if lang == "en" else self.id

    def format(self, **params: object) -> LocalizedText:
        """Both languages with `{placeholders}` filled in."""
        return LocalizedText(id=self.id.format(**params), en=self.en.format(**params))

    def is_complete(self) -> bool:
        return bool(self.id.strip()) and bool(self.en.strip())


def _t(id_: str, en: str) -> LocalizedText:
    return LocalizedText(id=id_, en=en)


EMPTY = _t("", "")

# One kind, plain sentence per error code. Placeholders: {min}, {max}.
MESSAGES: dict[str, LocalizedText] = {
    "invalid_answers": _t(
        "Jawaban formulir tidak dapat dibaca. Silakan ulangi.",
        "The form answers could not be read. Please try again.",
    ),
    "invalid": _t(
        "Isian ini tidak dapat diproses. Silakan isi ulang.",
        "This answer could not be processed. Please enter it again.",
    ),
    "required": _t("Bagian ini wajib diisi.", "This field is required."),
    "invalid_type": _t(
        "Isian ini tidak dapat dibaca. Silakan isi ulang.",
        "We could not read this answer. Please enter it again.",
    ),
    "too_short": _t(
        "Isian terlalu pendek (minimal {min} karakter).",
        "This is too short (at least {min} characters).",
    ),
    "too_long": _t(
        "Isian terlalu panjang (maksimal {max} karakter).",
        "This is too long (at most {max} characters).",
    ),
    "too_few_choices": _t("Pilih paling sedikit {min}.", "Please choose at least {min}."),
    "too_many_choices": _t("Pilih paling banyak {max}.", "Please choose at most {max}."),
    "not_a_number": _t(
        "Isi dengan angka bulat, tanpa koma.",
        "Please enter a whole number, without a decimal comma.",
    ),
    "too_small": _t("Angka paling kecil {min}.", "The number must be at least {min}."),
    "too_large": _t("Angka paling besar {max}.", "The number must be at most {max}."),
    "pattern_mismatch": _t(
        "Format isian belum sesuai. Lihat contoh di bawah kolom.",
        "This is not in the expected format. See the example below the box.",
    ),
    "invalid_choice": _t(
        "Pilih salah satu pilihan yang tersedia.",
        "Please choose one of the options shown.",
    ),
    "consent_required": _t(
        "Anda perlu menyetujui pernyataan ini untuk melanjutkan.",
        "You need to agree to this statement to continue.",
    ),
    "date_invalid": _t(
        "Tanggal belum benar. Gunakan format HH-BB-TTTT, misalnya 17-08-1990.",
        "This date is not valid. Please use DD-MM-YYYY, for example 17-08-1990.",
    ),
    "date_not_past": _t(
        "Tanggal tidak boleh sesudah hari ini.",
        "The date cannot be later than today.",
    ),
    "date_not_future": _t(
        "Tanggal harus hari ini atau sesudahnya.",
        "The date must be today or later.",
    ),
    "date_out_of_range": _t(
        "Tahun pada tanggal ini tidak mungkin. Periksa kembali tahunnya.",
        "The year of this date is not possible. Please check the year.",
    ),
    "nik_format": _t("NIK hanya boleh berisi angka.", "The NIK may contain digits only."),
    "nik_length": _t("NIK harus 16 angka.", "NIK must be 16 digits."),
    "nik_region": _t(
        "Kode wilayah pada NIK (6 angka pertama) tidak dikenal. Periksa kembali NIK Anda.",
        "The region code in the NIK (its first 6 digits) is not known. Please check your NIK.",
    ),
    "nik_date": _t(
        "Tanggal lahir di dalam NIK (angka ke-7 sampai ke-12) tidak benar. "
        "Periksa kembali NIK Anda.",
        "The date of birth inside the NIK (digits 7 to 12) is not valid. Please check your NIK.",
    ),
    "nik_serial": _t(
        "Nomor urut NIK (4 angka terakhir) tidak boleh 0000.",
        "The serial number of the NIK (its last 4 digits) cannot be 0000.",
    ),
    "nik_birth_date_mismatch": _t(
        "Tanggal lahir tidak sama dengan tanggal lahir di dalam NIK. Periksa kembali keduanya.",
        "The date of birth does not match the one inside the NIK. Please check both.",
    ),
    "nik_sex_mismatch": _t(
        "Jenis kelamin tidak sesuai dengan NIK. Periksa kembali keduanya.",
        "The sex does not match the NIK. Please check both.",
    ),
    "kk_format": _t("Nomor KK hanya boleh berisi angka.", "The KK number may contain digits only."),
    "kk_length": _t("Nomor KK harus 16 angka.", "The KK number must be 16 digits."),
    "kk_region": _t(
        "Kode wilayah pada nomor KK (6 angka pertama) tidak dikenal. Periksa kembali.",
        "The region code in the KK number (its first 6 digits) is not known. Please check it.",
    ),
    "kk_date": _t(
        "Tanggal terbit di dalam nomor KK (angka ke-7 sampai ke-12) tidak benar.",
        "The issue date inside the KK number (digits 7 to 12) is not valid.",
    ),
    "kk_repeated": _t(
        "Nomor KK tidak boleh berisi satu angka yang sama semua.",
        "The KK number cannot be one digit repeated.",
    ),
    "kk_serial": _t(
        "Nomor urut KK (4 angka terakhir) tidak boleh 0000.",
        "The serial number of the KK (its last 4 digits) cannot be 0000.",
    ),
    "phone_invalid": _t(
        "Nomor telepon belum benar. Contoh: 0812 3456 7890 atau (0333) 123456.",
        "This phone number is not valid. Example: 0812 3456 7890 or (0333) 123456.",
    ),
    "phone_not_indonesian": _t(
        "Gunakan nomor telepon Indonesia (+62).",
        "Please use an Indonesian phone number (+62).",
    ),
    "email_invalid": _t(
        "Alamat email belum benar. Contoh: nama@contoh.id",
        "This email address is not valid. Example: name@example.id",
    ),
    "name_invalid": _t(
        "Nama hanya boleh berisi huruf, spasi, titik, tanda petik (') dan tanda hubung (-).",
        "A name may contain letters, spaces, dots, apostrophes (') and hyphens (-) only.",
    ),
    "village_unknown": _t(
        "Pilih desa/kelurahan dari daftar.",
        "Please choose your village from the list.",
    ),
}
