"""Realistic answers for real catalogue forms, shared by tests and benchmarks."""

from __future__ import annotations

KTP_BARU = {
    "nik": "3510091203850001",
    "nama": "Budi Santoso",
    "tempat_lahir": "Banyuwangi",
    "tanggal_lahir": "1985-03-12",
    "jenis_kelamin": "L",
    "agama": "islam",
    "status_perkawinan": "kawin",
    "telepon": "0812-3456-7890",
    "desa": "35.10.13.2001",
    "alamat": "Jl. Raya Rogojampi No. 5",
    "rt": "003",
    "rw": "001",
    "persetujuan": True,
}
