"""capaian: performance levels (levelisasi) of Indonesia's civil-registration offices (Disdukcapil)."""

__version__ = "0.1.0"
