"""Loading the installation's secret keys.

Keys come from the environment or from files (a mounted secret), never from ``SECRET_KEY``.
Three independent keys exist: the key-encryption key that wraps per-case data keys, the key
for blind indexes, and Django's signing key. The embedded profile may generate missing keys
into its data folder on first start; the production profile never generates anything.

Previous key-encryption keys (``KETENREGIE_FIELD_KEK_PREVIOUS_KEYS``) exist only during a
rotation: they unwrap data keys that ``manage.py rotate_kek`` has not re-wrapped yet. They are
never generated, in any profile.
"""

from __future__ import annotations

import base64
import logging
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger("ketenregie.keys")

KEY_NAMES = ("field_kek", "blind_index", "signing")
PREVIOUS_KEKS_ENV = "KETENREGIE_FIELD_KEK_PREVIOUS_KEYS"


class MissingKeyError(RuntimeError):
    """A key is neither in the environment nor in a readable file."""


@dataclass(frozen=True)
class InstallationKeys:
    # repr=False on every key: settings dumps (diffsettings, error pages) must not show them.
    field_kek: bytes = field(repr=False)
    blind_index: bytes = field(repr=False)
    signing: str = field(repr=False)
    # Only while a rotation is under way.
    previous_field_keks: tuple[bytes, ...] = field(default=(), repr=False)


def _env_name(name: str) -> str:
    return f"KETENREGIE_{name.upper()}_KEY"


def _decode(name: str, text: str, *, label: str | None = None) -> bytes:
    label = label or _env_name(name)
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise MissingKeyError(f"{label} is not valid urlsafe base64") from exc
    if len(raw) != 32:
        raise MissingKeyError(f"{label} must decode to 32 bytes, got {len(raw)}")
    return raw


def _read_previous_keks(current: bytes) -> tuple[bytes, ...]:
    """Previous key-encryption keys: comma-separated in the environment or one per line in a file.

    Blank lines and lines starting with ``#`` in the file are skipped; the current key and
    repeated keys are dropped.
    """
    text = os.environ.get(PREVIOUS_KEKS_ENV)
    if text:
        items, source = text.split(","), PREVIOUS_KEKS_ENV
    else:
        file_var = os.environ.get(f"{PREVIOUS_KEKS_ENV}_FILE")
        if not file_var:
            return ()
        try:
            items = Path(file_var).read_text(encoding="ascii").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise MissingKeyError(f"{PREVIOUS_KEKS_ENV}_FILE={file_var} is unreadable") from exc
        source = f"{PREVIOUS_KEKS_ENV}_FILE"
    keys: list[bytes] = []
    for position, item in enumerate(items, start=1):
        if not item.strip() or item.lstrip().startswith("#"):
            continue
        key = _decode("field_kek", item, label=f"{source} (entry {position})")
        if key != current and key not in keys:
            keys.append(key)
    return tuple(keys)


def _read(name: str, key_dir: Path | None) -> str | None:
    value = os.environ.get(_env_name(name))
    if value:
        return value
    file_var = os.environ.get(f"{_env_name(name)}_FILE")
    if file_var:
        try:
            return Path(file_var).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as exc:
            raise MissingKeyError(f"{_env_name(name)}_FILE={file_var} is unreadable") from exc
    if key_dir is not None and (key_dir / name).exists():
        return (key_dir / name).read_text(encoding="ascii")
    return None


# Django's signing key must be long (its deploy check wants 50+ characters); the AES and HMAC
# keys are exactly 32 bytes.
SIGNING_KEY_BYTES = 64
MIN_SIGNING_KEY_CHARS = 50


def new_key_text(nbytes: int = 32) -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(nbytes)).decode("ascii")


def load_keys(*, key_dir: Path | None = None, generate: bool = False) -> InstallationKeys:
    """Return the installation keys, generating missing ones into ``key_dir`` if allowed.

    Raises MissingKeyError when a key is absent and generation is not allowed.
    """
    texts: dict[str, str] = {}
    for name in KEY_NAMES:
        text = _read(name, key_dir)
        if text is None:
            if not (generate and key_dir is not None):
                size = SIGNING_KEY_BYTES if name == "signing" else 32
                raise MissingKeyError(
                    f"Set {_env_name(name)} (urlsafe base64 of {size} random bytes) or "
                    f"{_env_name(name)}_FILE; generate one with: "
                    'python -c "import base64,secrets;'
                    f'print(base64.urlsafe_b64encode(secrets.token_bytes({size})).decode())"'
                )
            key_dir.mkdir(parents=True, exist_ok=True)
            os.chmod(key_dir, 0o700)
            path = key_dir / name
            text = new_key_text(SIGNING_KEY_BYTES if name == "signing" else 32)
            # O_EXCL: two processes starting at once must not overwrite each other's key.
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                text = path.read_text(encoding="ascii")
            else:
                with os.fdopen(fd, "w", encoding="ascii") as fh:
                    fh.write(text)
                logger.warning("Generated a new %s key in %s", name, path)
        texts[name] = text
    signing = texts["signing"].strip()
    if len(signing) < MIN_SIGNING_KEY_CHARS:
        raise MissingKeyError(
            f"{_env_name('signing')} must be at least {MIN_SIGNING_KEY_CHARS} characters "
            f"(urlsafe base64 of {SIGNING_KEY_BYTES} random bytes)"
        )
    field_kek = _decode("field_kek", texts["field_kek"])
    return InstallationKeys(
        field_kek=field_kek,
        blind_index=_decode("blind_index", texts["blind_index"]),
        signing=signing,
        previous_field_keks=_read_previous_keks(field_kek),
    )
