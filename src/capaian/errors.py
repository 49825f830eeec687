"""Base error of capaian: every user-facing error carries an Indonesian and an English message."""

from __future__ import annotations


class CapaianError(Exception):
    """An error a user can act on. `str()` gives Indonesian then English, on one line."""

    def __init__(self, id_message: str, en_message: str | None = None):
        self.id_message = id_message
        self.en_message = en_message or id_message
        super().__init__(self.text())

    def text(self, lang: str | None = None) -> str:
        if lang == "id":
            return self.id_message
        if lang == "en":
            return self.en_message
        if self.en_message == self.id_message:
            return self.id_message
        return f"{self.id_message} / {self.en_message}"


def output_error(path, exc: OSError) -> CapaianError:
    """A file that cannot be written, in both languages (e.g. its folder does not exist)."""
    reason = exc.strerror or str(exc)
    return CapaianError(
        f"Tidak bisa menulis berkas {path}: {reason}.",
        f"Cannot write file {path}: {reason}.",
    )
