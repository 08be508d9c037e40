"""A package index's project page (PEP 503's HTML), read as pip reads it: each anchor a file,
its URL absolute and without the hash fragment, its name unquoted, its Requires-Python kept."""

from __future__ import annotations

from pathlib import Path

from synapse_dl.cli.preflight.index import IndexFile, project_files
from tests.fakes.package_index import file_url

PAGE = """<!DOCTYPE html><html><body>
<a href="../../packages/ab/cd/my_pkg-1.0-py3-none-any.whl#sha256=0a1b2c"
   data-requires-python="&gt;=3.8">my_pkg-1.0-py3-none-any.whl</a><br>
<a href="https://files.example/my%2Bpkg-1.0.tar.gz#sha256=3d4e">my+pkg-1.0.tar.gz</a><br>
<a name="no-link">a heading, not a file</a>
</body></html>
"""


def test_each_linked_file_is_read_with_its_url_name_and_python(tmp_path: Path):
    page = tmp_path / "simple" / "my-pkg" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(PAGE)
    index = f"file://{tmp_path}/simple"

    files = project_files(index, "My_Pkg")

    assert files == [
        IndexFile(
            "my_pkg-1.0-py3-none-any.whl",
            f"file://{tmp_path}/packages/ab/cd/my_pkg-1.0-py3-none-any.whl",
            ">=3.8",
        ),
        IndexFile("my+pkg-1.0.tar.gz", "https://files.example/my%2Bpkg-1.0.tar.gz", None),
    ]


def test_a_page_with_a_byte_that_is_not_utf_8_is_still_read(tmp_path: Path):
    # A stray Latin-1 byte in the page's text (a maintainer's name): its links still count.
    page = tmp_path / "simple" / "my-pkg" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_bytes(PAGE.replace("a heading", "Ren\xe9's heading").encode("latin-1"))

    files = project_files(f"file://{tmp_path}/simple", "my-pkg")

    assert [f.filename for f in files] == ["my_pkg-1.0-py3-none-any.whl", "my+pkg-1.0.tar.gz"]


def test_a_project_the_index_lacks_is_none(tmp_path: Path):
    (tmp_path / "simple").mkdir()

    assert project_files(f"file://{tmp_path}/simple", "absent") is None


def test_the_page_is_asked_for_at_the_projects_normalized_path_with_one_slash(index):
    # An index URL is often written with its trailing slash (https://pypi.org/simple/).
    index.add_wheel("my-pkg", "1.0")

    with index.serve() as url:
        files = project_files(url + "/", "My_Pkg")

    assert [f.filename for f in files or ()] == ["my_pkg-1.0-py3-none-any.whl"]
    assert index.requests == [("GET", "/simple/my-pkg/")]


def test_an_index_that_serves_pep_691_json_is_read_as_from_its_html(index):
    # PyPI answers JSON to a client that asks for it (Accept), HTML to any other.
    wheel = index.add_wheel("my-pkg", "1.0", requires_python=">=3.8")
    sdist = index.add_sdist("my-pkg", "1.0")

    with index.serve() as url:
        from_html = project_files(url, "my-pkg")
    with index.serve(json_pages=True) as url:
        from_json = project_files(url, "my-pkg")

    assert index.json_served == ["/simple/my-pkg/"]
    assert from_json == [
        IndexFile(wheel.name, file_url(url, wheel), ">=3.8"),
        IndexFile(sdist.name, file_url(url, sdist), None),
    ]
    assert [(f.filename, f.requires_python) for f in from_html or ()] == [
        (f.filename, f.requires_python) for f in from_json
    ]
