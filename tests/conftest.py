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


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory):
    """Random-weight OPUS-MT / NLLB-200 / M2M-100 style folders (tests/tiny_mt.py), built once per session."""
    import toolkit.engines.ct2  # noqa: F401  (sets OMP_WAIT_POLICY before CTranslate2 starts its threads)

    for module in ("torch", "transformers", "sentencepiece", "ctranslate2"):
        pytest.importorskip(module, reason="the neural MT engines need `pip install -e .[mt]`")
    import torch
    from tiny_mt import build_all

    torch.set_num_threads(1)  # tiny matrices: thread hand-offs cost more than the maths on a busy machine

    return build_all(tmp_path_factory.mktemp("tiny-models"))
