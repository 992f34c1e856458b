import pytest

from toolkit.errors import ToolkitError
from toolkit.reading import MAX_LINE_CHARS, read_text


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"  \n\n ", "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "looks binary"),
    ("Grüße aus München".encode("latin-1"), "not valid UTF-8"),
    (b"x" * (MAX_LINE_CHARS + 1), r"characters \(limit"),
])
def test_unusable_files_are_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "doc.txt"
    path.write_bytes(content)
    with pytest.raises(ToolkitError, match=message):
        read_text(path)


def test_missing_file(tmp_path):
    with pytest.raises(ToolkitError, match="does not exist"):
        read_text(tmp_path / "nope.txt")


def test_bom_and_windows_newlines_are_normalised(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes("\ufeffEins.\r\nZwei.\r\n".encode("utf-8"))
    assert read_text(path) == "Eins.\nZwei.\n"
