"""scripts/move_definitions.py: definitions move verbatim, with their decorators, comments and `|=` lines."""

import sys

import pytest

from app import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from move_definitions import move  # noqa: E402

SOURCE = '''"""Doc."""

import re

A = 1


# Why f exists.
@staticmethod
def f():
    return """

three blank lines above stay in the string
"""


WORDS = {"a"}
WORDS |= {"b"}


class C:
    pass
'''


def test_named_definitions_move_verbatim_and_leave_the_rest(tmp_path):
    source, target = tmp_path / "big.py", tmp_path / "small.py"
    source.write_text(SOURCE)
    move(source, target, ["WORDS", "f"])
    assert target.read_text() == SOURCE[SOURCE.index("# Why") : SOURCE.index("\n\n\nclass C")] + "\n"
    assert source.read_text() == '"""Doc."""\n\nimport re\n\nA = 1\n\n\nclass C:\n    pass\n'
    move(source, target, ["C"])  # appended after what the target holds
    assert target.read_text().endswith('WORDS |= {"b"}\n\n\nclass C:\n    pass\n')


def test_a_name_not_defined_at_the_top_level_is_refused(tmp_path):
    source = tmp_path / "big.py"
    source.write_text(SOURCE)
    with pytest.raises(SystemExit, match="re_compile"):
        move(source, tmp_path / "small.py", ["A", "re_compile"])
    assert source.read_text() == SOURCE and not (tmp_path / "small.py").exists()


def test_an_unpacked_assignment_moves_by_any_of_its_names(tmp_path):
    source, target = tmp_path / "big.py", tmp_path / "small.py"
    source.write_text('A = 1\n\n# The two kinds.\nKAB, KOTA = "Kabupaten", "Kota"\nB = 2\n')
    move(source, target, ["KOTA"])
    assert target.read_text() == '# The two kinds.\nKAB, KOTA = "Kabupaten", "Kota"\n'
    assert source.read_text() == "A = 1\n\nB = 2\n"
