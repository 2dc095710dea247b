"""In-memory keyring backend for tests (PYTHON_KEYRING_BACKEND=tests.memkeyring.MemoryKeyring)."""

import keyring.backend


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self._secrets: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, username: str, password: str) -> None:
        self._secrets[(service, username)] = password

    def get_password(self, service: str, username: str) -> str | None:
        return self._secrets.get((service, username))

    def delete_password(self, service: str, username: str) -> None:
        self._secrets.pop((service, username), None)
