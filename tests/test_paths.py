import sys

import pytest

from toolkit.paths import cache_root

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG layout is Linux's")


@linux
def test_the_cache_root_stays_where_the_caches_have_always_been(monkeypatch, tmp_path):
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache_root() == tmp_path / ".cache" / "toolkit"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_root() == tmp_path / "xdg" / "toolkit"


@linux
def test_every_cache_lives_under_the_one_root(monkeypatch, tmp_path):
    from toolkit import cache
    from toolkit.signals import dictionary

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("TOOLKIT_CACHE", raising=False)
    assert cache.default_path() == tmp_path / "toolkit" / "renderings.sqlite"
    source = tmp_path / "de-en"
    source.write_text("Haus :: house\n", encoding="utf-8")
    assert dictionary._cache_file(source).parent == tmp_path / "toolkit" / "dictionary"
    monkeypatch.setenv("TOOLKIT_CACHE", str(tmp_path / "elsewhere.sqlite"))  # the finer override still wins
    assert cache.default_path() == tmp_path / "elsewhere.sqlite"
