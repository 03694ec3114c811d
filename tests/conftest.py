import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def seeds_dir(tmp_path):
    d = tmp_path / "seeds"
    shutil.copytree(SEEDS, d)
    return d


def shared_path(*parts) -> Path:
    """A path under ../shared/, or skip: a user's clone has no ../shared/."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"{p} not present (benchmark data lives in ../shared/, beside the repo)")
    return p


@pytest.fixture(scope="session")
def redis_url():
    """A real redis-server on loopback for the session, or skip with the reason."""
    from .redis_server import spawn_redis_server

    try:
        proc, port = spawn_redis_server()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    try:
        yield f"redis://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)
