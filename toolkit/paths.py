"""Where the toolkit keeps what it can rebuild: rendered sentences, converted models, parsed dictionaries.

One root for all of them, so a user clears or moves one folder: platformdirs' user cache folder for
"toolkit", which on Linux is $XDG_CACHE_HOME/toolkit, else ~/.cache/toolkit (where every cache has always
been). Each cache keeps its own finer override ($TOOLKIT_CACHE, $TOOLKIT_MODELS, ...) in its own module.
"""

from __future__ import annotations

from pathlib import Path


def cache_root() -> Path:
    """The toolkit's cache folder (not created here: each cache makes its own subfolder when it writes)."""
    from platformdirs import user_cache_dir  # small, but only the code that writes a cache needs it

    return Path(user_cache_dir("toolkit", appauthor=False))
