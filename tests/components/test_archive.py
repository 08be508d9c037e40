"""A folder of modules shipped as one zip: the same bytes for the same files, every module
in it by its path, nothing else."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from synapse_dl.archive import folder_zip, shipped
from tests.conftest import JOBS_ROOT


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "common"
    (folder / "pkg").mkdir(parents=True)
    (folder / "b.py").write_text("B = 1\n")
    (folder / "a.py").write_text("A = 1\n")
    (folder / "pkg" / "__init__.py").write_text("")
    (folder / "notes.txt").write_text("not a module")
    (folder / "__pycache__").mkdir()
    (folder / "__pycache__" / "a.cpython-311.py").write_text("cache")
    return folder


def test_the_zip_holds_each_module_by_its_path_and_nothing_else(tmp_path):
    archive = zipfile.ZipFile(io.BytesIO(folder_zip(_folder(tmp_path))))
    assert archive.namelist() == ["a.py", "b.py", "pkg/__init__.py"]
    assert archive.read("b.py") == b"B = 1\n"


def test_the_same_files_make_the_same_bytes_and_a_change_another_file(tmp_path):
    folder = _folder(tmp_path)
    first = shipped(folder)
    (folder / "a.py").touch()  # a new time, the same content
    assert shipped(folder) == first and first.name == "common.zip"
    assert first.read_bytes() == folder_zip(folder)
    (folder / "a.py").write_text("A = 2\n")
    assert shipped(folder) != first and shipped(folder).name == "common.zip"


def test_a_file_ships_as_itself_and_the_jobs_common_code_imports_from_its_zip(tmp_path):
    script = tmp_path / "train.py"
    script.write_text("")
    assert shipped(script) == script
    archive = zipfile.ZipFile(shipped(JOBS_ROOT / "common"))
    assert {"launcher.py", "job_arguments.py", "checkpoints.py"} <= set(archive.namelist())
