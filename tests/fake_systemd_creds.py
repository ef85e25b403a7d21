"""A stand-in for ``systemd-creds`` (systemd 256+), for the tests of the sealed answers key.

It behaves as systemd-creds(1) describes ``encrypt`` and ``decrypt``
(https://www.freedesktop.org/software/systemd/man/latest/systemd-creds.html, and
man/systemd-creds.xml in systemd's repository):

* ``encrypt INPUT|- OUTPUT|-`` reads plaintext and writes the credential, always Base64.
  The file name part of OUTPUT is embedded as the credential's name unless ``--name=``
  overrides it (an empty ``--name=`` embeds none).
* ``decrypt INPUT|- [OUTPUT|-]`` checks the embedded name against ``--name=`` or the file
  name part of INPUT and fails on a mismatch; with one path, or ``-``, the plaintext goes to
  standard output, with no newline added unless that is a TTY (``--newline=auto``).
* ``--user`` (``--uid=self`` implied) binds the credential to the calling user: another user
  cannot decrypt it.
* Exit status 0 on success; a failure says why on standard error and exits non-zero.

Where the real tool derives its key from the TPM2 chip and ``/var/lib/systemd/
credential.secret``, this one reads the file named by ``FAKE_SYSTEMD_CREDS_HOST_SECRET``:
remove it and nothing decrypts, as on another machine. The sealing itself is AES-256-GCM,
as the real tool's, in a layout of its own (the real format is not needed by the kiosk,
which only ever hands credentials back to the tool).

``install(folder)`` writes an executable ``systemd-creds`` into ``folder`` that runs this
module with the test's Python.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sys
from pathlib import Path

SECRET_ENV = "FAKE_SYSTEMD_CREDS_HOST_SECRET"
CALLS_ENV = "FAKE_SYSTEMD_CREDS_CALLS"


def install(folder: Path, host_secret: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    host_secret.write_bytes(os.urandom(32))
    script = folder / "systemd-creds"
    script.write_text(
        f"#!{sys.executable}\n"
        "import sys\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})\n"
        "from tests.fake_systemd_creds import main\n"
        "sys.exit(main(sys.argv[1:]))\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return script


def _fail(message: str) -> int:
    sys.stderr.write(message + "\n")
    return 1


def _key(uid: int | None) -> bytes:
    secret_path = os.environ.get(SECRET_ENV, "")
    try:
        secret = Path(secret_path).read_bytes()
    except OSError:
        raise LookupError("Failed to determine local credential key: No such file") from None
    scope = b"" if uid is None else f"uid={uid}".encode()
    return hashlib.sha256(secret + b"\0" + scope).digest()


def _read(path: str) -> bytes:
    return sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()


def _write(path: str, data: bytes) -> None:
    if path == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        Path(path).write_bytes(data)


def main(argv: list[str]) -> int:
    from Crypto.Cipher import AES

    options: dict[str, str] = {}
    words: list[str] = []
    for arg in argv:
        if arg.startswith("--"):
            name, _, value = arg[2:].partition("=")
            options[name] = value
        else:
            words.append(arg)
    if calls := os.environ.get(CALLS_ENV):
        with open(calls, "a", encoding="utf-8") as log:
            log.write(" ".join(argv) + "\n")
    if not words:
        return _fail("Command verb required.")
    verb, paths = words[0], words[1:]
    user = "user" in options or "uid" in options
    uid = os.getuid() if user else None
    try:
        if verb == "encrypt":
            if len(paths) != 2:
                return _fail("encrypt takes an input and an output path")
            source, target = paths
            if "name" in options:
                name = options["name"]
            else:
                name = "" if target == "-" else Path(target).name
            nonce = os.urandom(12)
            sealed, tag = AES.new(_key(uid), AES.MODE_GCM, nonce=nonce).encrypt_and_digest(
                _read(source)
            )
            header = json.dumps({"name": name, "uid": uid}).encode()
            blob = len(header).to_bytes(2, "big") + header + nonce + tag + sealed
            _write(target, base64.b64encode(blob))
            return 0
        if verb == "decrypt":
            if len(paths) not in (1, 2):
                return _fail("decrypt takes an input path and an optional output path")
            source = paths[0]
            target = paths[1] if len(paths) == 2 else "-"
            blob = base64.b64decode(_read(source), validate=True)
            size = int.from_bytes(blob[:2], "big")
            header = json.loads(blob[2 : 2 + size])
            rest = blob[2 + size :]
            nonce, tag, sealed = rest[:12], rest[12:28], rest[28:]
            expected = options.get("name", None if source == "-" else Path(source).name)
            if header["name"] and expected is not None and header["name"] != expected:
                return _fail(
                    f"Embedded credential name '{header['name']}' does not match filename "
                    f"'{expected}', refusing."
                )
            if header["uid"] is not None and header["uid"] != os.getuid():
                return _fail("Credential is bound to another user, refusing.")
            try:
                plain = AES.new(_key(header["uid"]), AES.MODE_GCM, nonce=nonce).decrypt_and_verify(
                    sealed, tag
                )
            except ValueError:
                return _fail("Failed to decrypt credential: Bad message")
            _write(target, plain)
            return 0
    except LookupError as exc:
        return _fail(str(exc))
    except (OSError, ValueError) as exc:
        return _fail(f"Failed to {verb} credential: {exc}")
    return _fail(f"Unknown command verb '{verb}'.")
