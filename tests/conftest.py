import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpora" / "belarus-army" / "translation.en.txt"


def _apertium_ready() -> bool:
    if not shutil.which("apertium"):
        return False
    modes = subprocess.run(["apertium", "-l"], capture_output=True, text=True).stdout.split()
    return "eng-spa" in modes and "spa-eng" in modes


needs_apertium = pytest.mark.skipif(
    not _apertium_ready(), reason="Apertium with eng-spa is not installed (make deps installs it as root)"
)


@pytest.fixture
def cache(tmp_path):
    from toolkit.cache import RenderingCache

    return RenderingCache(tmp_path / "cache.sqlite")
