"""Every knob of capaian, declared once: name, environment variable, default, type and help.

    from capaian.settings import value
    value("CAPAIAN_UPLOAD_MAX_MB")   # 20, or the environment's value, checked and converted

Nothing else in `capaian` reads `os.environ` (a test enforces it). `capaian settings` lists the
knobs with their current values, and `docs/settings.md` is generated from this list
(`capaian settings --markdown > docs/settings.md`; a test keeps the two equal).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from capaian.errors import CapaianError


@dataclass(frozen=True)
class Setting:
    env: str  # the environment variable, e.g. CAPAIAN_DB
    default: object  # None: unset (the code then decides, as the help says)
    type: type  # str, int or float
    help_id: str
    help_en: str
    group: str  # where it applies: store, web, reports, quality, facts
    secret: bool = False  # never shown

    def help(self, lang: str = "id") -> str:
        return self.help_en if lang == "en" else self.help_id


SETTINGS: tuple[Setting, ...] = (
    Setting("CAPAIAN_DB", "capaian.duckdb", str,
            "Basis data: berkas DuckDB atau URL `postgresql://` (sama dengan `--db`).",
            "The store: a DuckDB file or a `postgresql://` URL (same as `--db`).", "store"),
    Setting("CAPAIAN_PG_POOL_SIZE", 8, int,
            "Koneksi PostgreSQL paling banyak per proses server web (kumpulan koneksi).",
            "Most PostgreSQL connections per web server process (the connection pool).", "store"),
    Setting("CAPAIAN_PG_POOL_TIMEOUT", 10.0, float,
            "Detik sebuah permintaan menunggu koneksi PostgreSQL yang bebas sebelum dijawab 503.",
            "Seconds a request waits for a free PostgreSQL connection before it is answered 503.", "store"),
    Setting("CAPAIAN_SECRET", None, str,
            "Kunci penanda tangan cookie sesi; bila kosong, satu kunci acak disimpan di basis data.",
            "Secret that signs session cookies; when unset, a random one is kept in the store.",
            "web", secret=True),
    Setting("CAPAIAN_SECRET_GRACE_HOURS", 8.0, float,
            "Jam kunci sesi lama masih diterima setelah `capaian secret rotate` (sesi yang sedang berjalan tetap sah).",
            "Hours the previous session secret is still accepted after `capaian secret rotate` (current "
            "logins stay valid).", "web"),
    Setting("CAPAIAN_METRICS_TOKEN", None, str,
            "Token untuk `GET /metrics` (header `Authorization: Bearer ...`); bila kosong, hanya dari host ini "
            "tanpa proksi.",
            "Token for `GET /metrics` (header `Authorization: Bearer ...`); when unset, only from this host, "
            "not through a proxy.", "web", secret=True),
    Setting("PROMETHEUS_MULTIPROC_DIR", None, str,
            "Folder angka `/metrics` bersama para pekerja `serve --workers` (mode multiproses prometheus-client; "
            "dikosongkan setiap mulai); bila kosong, folder sementara.",
            "Folder where `serve --workers` processes share their `/metrics` figures (prometheus-client's "
            "multiprocess mode; emptied at each start); when unset, a temporary folder.", "web"),
    Setting("CAPAIAN_SESSION_MAX_AGE", 8 * 3600, int,
            "Umur sesi masuk, dalam detik.",
            "Lifetime of a login session, in seconds.", "web"),
    Setting("CAPAIAN_SESSION_IDLE_MINUTES", 30.0, float,
            "Menit tanpa permintaan sebelum sesi masuk berakhir (1 sampai 1440).",
            "Minutes without a request after which a login session ends (1 to 1440).", "web"),
    Setting("CAPAIAN_LOGIN_LIMIT", 5, int,
            "Jumlah gagal masuk per nama dan alamat sebelum diblokir sementara.",
            "Failed logins per name and client address before logins are refused for a while.", "web"),
    Setting("CAPAIAN_LOGIN_WINDOW", 300.0, float,
            "Jendela waktu hitungan gagal masuk, dalam detik.",
            "Window in which failed logins are counted, in seconds.", "web"),
    Setting("CAPAIAN_UPLOAD_MAX_MB", 20, int,
            "Ukuran terbesar berkas pengiriman (impor CLI, halaman unggah dan API), dalam MB.",
            "Largest submission file (CLI import, upload page and API), in MB.", "web"),
    Setting("CAPAIAN_CATALOG_TTL", 2.0, float,
            "Berapa detik daftar run di-cache server web sebelum dibaca ulang.",
            "Seconds the web server caches the list of runs before re-reading it.", "web"),
    Setting("CAPAIAN_STAMP_SECONDS", 2.0, float,
            "Server bersama (PostgreSQL): paling sering berapa detik sekali sebuah proses memeriksa apakah "
            "proses lain menerbitkan atau menambah run.",
            "Shared store (PostgreSQL): at most how often, in seconds, a process checks whether another "
            "process published or added runs.", "web"),
    Setting("CAPAIAN_CACHE_RUNS", 6, int,
            "Jumlah run yang disimpan di memori server web.",
            "Evaluation runs kept in the web server's memory.", "web"),
    Setting("CAPAIAN_CACHE_MODELS", 256, int,
            "Jumlah model halaman (data per halaman) di cache server web.",
            "Page models (per-page data) in the web server's cache.", "web"),
    Setting("CAPAIAN_CACHE_FRAGMENTS", 512, int,
            "Jumlah potongan HTML jadi di cache server web.",
            "Rendered HTML fragments in the web server's cache.", "web"),
    Setting("CAPAIAN_CACHE_OPENED", 6, int,
            "Jumlah run terbuka (run pilihan beserta run sebelumnya) di cache server web.",
            "Opened runs (a chosen run with its previous run attached) in the web server's cache.", "web"),
    Setting("CAPAIAN_CACHE_TWINS", 256, int,
            "Jumlah jawaban JSON jadi (kembaran `.json` halaman) di cache server web.",
            "Serialised JSON answers (the pages' `.json` twins) in the web server's cache.", "web"),
    Setting("CAPAIAN_CACHE_MB", 10, int,
            "Batas ukuran, dalam MB, masing-masing cache model halaman, potongan HTML dan JSON server web.",
            "Size limit, in MB, of each of the web server's page model, HTML fragment and JSON caches.", "web"),
    Setting("CAPAIAN_USER_TTL", 5.0, float,
            "Berapa detik data akun pengguna di-cache server web.",
            "Seconds the web server caches a user account.", "web"),
    Setting("CAPAIAN_DATA_DIR", None, str,
            "Folder data server (cache laporan); bila kosong: folder berkas DuckDB, atau "
            "`~/.local/share/capaian` dengan PostgreSQL.",
            "The server's data folder (report cache); when unset: the DuckDB file's folder, or "
            "`~/.local/share/capaian` with PostgreSQL.", "store"),
    Setting("CAPAIAN_REPORT_CACHE", None, str,
            "Folder laporan jadi dari run terbit; bila kosong, `<berkas basis data>.reports` di sebelah berkas "
            "DuckDB, atau `reports/<id basis data>` di folder data (CAPAIAN_DATA_DIR).",
            "Folder of built reports of published runs; when unset, `<store file>.reports` beside a DuckDB "
            "file, or `reports/<store id>` in the data folder (CAPAIAN_DATA_DIR).",
            "reports"),
    Setting("CAPAIAN_REPORT_WORKERS", 1, int,
            "Jumlah proses pembuat laporan untuk server web (0: dibuat di thread server).",
            "Processes building reports for the web server (0: built in a thread of the server).", "reports"),
    Setting("CAPAIAN_TIMEOUT_KEEP_ALIVE", 5, int,
            "Detik koneksi HTTP yang menganggur tetap dibuka server (uvicorn `timeout_keep_alive`).",
            "Seconds the server keeps an idle HTTP connection open (uvicorn `timeout_keep_alive`).", "web"),
    Setting("CAPAIAN_TIMEOUT_WORKER_HEALTHCHECK", 60, int,
            "Detik `serve --workers` menunggu jawaban proses pekerja sebelum menggantinya (uvicorn "
            "`timeout_worker_healthcheck`; jangan terlalu kecil pada host 2 inti yang sibuk).",
            "Seconds `serve --workers` waits for a worker process to answer before replacing it (uvicorn "
            "`timeout_worker_healthcheck`; keep it generous on a busy 2-core host).", "web"),
    Setting("CAPAIAN_TIMEOUT_GRACEFUL_SHUTDOWN", 30, int,
            "Detik server menunggu permintaan yang sedang berjalan saat dihentikan.",
            "Seconds a stopping server waits for requests under way.", "web"),
    Setting("CAPAIAN_GEOJSON", None, str,
            "Berkas batas provinsi (GeoJSON) pengganti peta petak (sama dengan `serve --geojson`).",
            "Province boundary file (GeoJSON) replacing the tile map (same as `serve --geojson`).", "web"),
    Setting("CAPAIAN_DEADLINE_DAYS", 5, int,
            "Batas waktu laporan kantor: jumlah hari setelah tanggal cut-off (0 sampai 366).",
            "Reporting deadline of an office: days after the as-of date (0 to 366).", "quality"),
    Setting("CAPAIAN_QUALITY_K", 5.0, float,
            "Tanda lonjakan: perubahan lebih dari k kali MAD (lebih dari 0 sampai 100).",
            "Jump flag: a change larger than k times the MAD (above 0 up to 100).", "quality"),
    Setting("CAPAIAN_SPARK_MASTER", "local[2]", str,
            "Spark master untuk `capaian facts --engine spark` (sama dengan `--spark-master`).",
            "Spark master of `capaian facts --engine spark` (same as `--spark-master`).", "facts"),
    Setting("CAPAIAN_SPARK_LOG_LEVEL", "ERROR", str,
            "Tingkat log Spark.",
            "Spark's log level.", "facts"),
)

BY_ENV = {s.env: s for s in SETTINGS}


def setting(env: str) -> Setting:
    try:
        return BY_ENV[env]
    except KeyError:
        raise KeyError(f"{env} is not declared in capaian.settings.SETTINGS") from None


def raw(env: str) -> str | None:
    """The environment's text for a declared setting (None when unset or empty)."""
    setting(env)
    text = os.environ.get(env)
    return text if text else None


def hand_down(env: str, text: str) -> None:
    """Set a declared setting for the processes this one starts (`capaian serve --workers`)."""
    setting(env)
    os.environ.update({env: str(text)})


def value(env: str):
    """The current value of a setting: the environment's (converted to its type) or the default."""
    spec = setting(env)
    text = raw(env)
    if text is None:
        return spec.default
    try:
        converted = spec.type(text)
    except ValueError:
        kind = {int: "bilangan bulat / a whole number", float: "angka / a number"}.get(spec.type, "teks / text")
        raise CapaianError(
            f"{env}={text!r} tidak valid: harus {kind.split(' / ')[0]}.",
            f"{env}={text!r} is not valid: expected {kind.split(' / ')[1]}.",
        ) from None
    if spec.type in (int, float) and converted < 0:
        raise CapaianError(f"{env}={text!r} tidak boleh negatif.", f"{env}={text!r} must not be negative.")
    return converted


def masked(text: str) -> str:
    """`text` with any password in it replaced by *** (a URL's `user:password@`, a `password=`)."""
    import re

    text = re.sub(r"(://[^:/@\s]+):[^@\s]*@", r"\1:***@", text)
    return re.sub(r"(password\s*=\s*)('[^']*'|\S+)", r"\1***", text, flags=re.I)


def shown(spec: Setting, current: object) -> str:
    """A value as `capaian settings` shows it (secrets hidden, passwords masked)."""
    if current is None:
        return "-"
    if spec.secret:
        return "(diset / set)"
    return masked(str(current))


def listing(lang: str = "id") -> list[dict]:
    """Every setting with its current value, for `capaian settings`."""
    return [
        {"env": s.env, "value": shown(s, value(s.env)), "default": shown(s, s.default) if not s.secret else "-",
         "from_env": raw(s.env) is not None, "type": s.type.__name__, "group": s.group, "help": s.help(lang)}
        for s in SETTINGS
    ]


def markdown() -> str:
    """docs/settings.md: the table of every setting (defaults, not the current environment)."""
    lines = [
        "# Settings / Pengaturan",
        "",
        "Every knob of capaian is an environment variable, declared once in `src/capaian/settings.py`.",
        "`capaian settings` lists them with their current values. This page is generated:",
        "`capaian settings --markdown > docs/settings.md` (a test keeps it equal to the code).",
        "",
        "Semua pengaturan capaian adalah variabel lingkungan, dideklarasikan sekali di",
        "`src/capaian/settings.py`; `capaian settings` menampilkan nilainya saat ini.",
        "",
        "| Variable | Default | Type | Applies to | Keterangan | Description |",
        "|---|---|---|---|---|---|",
    ]
    for s in SETTINGS:
        default = "(random, kept in the store)" if s.secret else ("-" if s.default is None else f"`{s.default}`")
        lines.append(f"| `{s.env}` | {default} | {s.type.__name__} | {s.group} | {s.help_id} | {s.help_en} |")
    return "\n".join(lines) + "\n"
