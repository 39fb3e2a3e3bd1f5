"""The site key is created once even when the sync tab and the first-run dialog race."""

from __future__ import annotations

import threading

from posko_desktop.core.sync import keys


def test_concurrent_creation_gives_one_whole_key(tmp_path):
    keys_dir = tmp_path / "keys"
    results: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def create() -> None:
        start.wait()
        try:
            results.append(keys.ensure_keypair(keys_dir, "33.74").short_fingerprint)
        except BaseException as err:  # noqa: BLE001 - collected for the assertion
            errors.append(err)

    threads = [threading.Thread(target=create) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 1 and len(results) == 8
    assert [p.name for p in keys_dir.iterdir()] == ["site-3374.ed25519"]  # no temp files left
    assert (keys_dir / "site-3374.ed25519").stat().st_mode & 0o077 == 0
