"""The build context tar: `.dockerignore` with docker's semantics, links, Dockerfile rules."""

from __future__ import annotations

import io
import os
import tarfile
from pathlib import Path

import pytest

from dockui.engine.build_context import (
    BuildContextError,
    context_files,
    dockerfile_in_context,
    is_excluded,
    make_context,
    parse_dockerignore,
)
from dockui.engine.errors import EngineError


def tree(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(content)
    return root


def excluded(patterns: str, path: str) -> bool:
    return is_excluded(path, parse_dockerignore(patterns))


@pytest.mark.parametrize(
    ("patterns", "path", "expected"),
    [
        ("*.log", "a.log", True),
        ("*.log", "dir/a.log", False),  # * stays in one component, anchored at the root
        ("**/*.log", "dir/sub/a.log", True),
        ("**/*.log", "a.log", True),  # ** matches zero directories too
        ("node_modules", "node_modules/x/y.js", True),  # parent directory match
        ("/build", "build/out.o", True),  # leading / dropped
        ("docs/**", "docs/a/b.md", True),
        ("docs/**", "docsx/a.md", False),
        ("a?c", "abc", True),
        ("a?c", "a/c", False),
        ("[ab].txt", "b.txt", True),
        ("[!ab].txt", "c.txt", True),
        ("[!ab].txt", "a.txt", False),
        ("\\*.txt", "*.txt", True),
        ("\\*.txt", "a.txt", False),
        ("# comment\n\n  secret.txt  ", "secret.txt", True),
        ("# secret.txt", "secret.txt", False),
        ("*.md\n!README.md", "README.md", False),
        ("*.md\n!README.md", "CHANGES.md", True),
        ("*.md\n!README.md\nREADME.md", "README.md", True),  # the last match wins
        ("./tmp/../cache", "cache/x", True),  # patterns are path-cleaned
        ("dir/*/x", "dir/a/x", True),
        ("dir/*/x", "dir/a/b/x", False),
    ],
)
def test_patterns(patterns: str, path: str, expected: bool) -> None:
    assert excluded(patterns, path) is expected


def test_context_honours_dockerignore(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {
            "Dockerfile": "FROM scratch\n",
            ".dockerignore": "# build junk\n*.log\nnode_modules\nsecrets/\n!secrets/public.pem\n"
            "Dockerfile\n.dockerignore\n**/*.tmp\n",
            "app.py": "print()",
            "debug.log": "x",
            "node_modules/pkg/index.js": "x",
            "secrets/key.pem": "private",
            "secrets/public.pem": "public",
            "src/mod.py": "x",
            "src/deep/cache.tmp": "x",
        },
    )
    names = context_files(root)
    assert names == sorted(
        [
            ".dockerignore",
            "Dockerfile",  # always sent, even when .dockerignore names it
            "app.py",
            "secrets/public.pem",  # re-included inside an excluded directory
            "src",
            "src/deep",
            "src/mod.py",
        ]
    )
    with tarfile.open(fileobj=io.BytesIO(make_context(root))) as tar:
        members = {m.name: m for m in tar.getmembers()}
        assert set(members) == set(names)
        assert tar.extractfile("secrets/public.pem").read() == b"public"  # type: ignore[union-attr]
        assert all(m.uid == 0 and m.gid == 0 for m in members.values())


def test_symlinks_stay_links(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "big").write_text("not to be sent")
    root = tree(tmp_path / "ctx", {"Dockerfile": "FROM scratch\n", "real.txt": "r"})
    os.symlink("real.txt", root / "link.txt")
    os.symlink(str(outside), root / "linkdir")
    with tarfile.open(fileobj=io.BytesIO(make_context(root))) as tar:
        link = tar.getmember("link.txt")
        assert link.issym() and link.linkname == "real.txt"
        d = tar.getmember("linkdir")
        assert d.issym() and d.linkname == str(outside)
        assert not any(n.startswith("linkdir/") for n in tar.getnames())


def test_tar_is_deterministic(tmp_path: Path) -> None:
    root = tree(tmp_path, {"Dockerfile": "FROM scratch\n", "b": "1", "a/c": "2"})
    assert make_context(root) == make_context(root)


def test_custom_dockerfile_path(tmp_path: Path) -> None:
    root = tree(
        tmp_path / "ctx",
        {"docker/prod.Dockerfile": "FROM scratch\n", ".dockerignore": "docker\n", "x": "1"},
    )
    assert dockerfile_in_context(root, "docker/prod.Dockerfile") == "docker/prod.Dockerfile"
    assert dockerfile_in_context(root, str(root / "docker/prod.Dockerfile")) == (
        "docker/prod.Dockerfile"
    )
    names = context_files(root, dockerfile="docker/prod.Dockerfile")
    assert "docker/prod.Dockerfile" in names


def test_dockerfile_outside_context_is_refused(tmp_path: Path) -> None:
    root = tree(tmp_path / "ctx", {"x": "1"})
    tree(tmp_path, {"Dockerfile": "FROM scratch\n"})
    with pytest.raises(BuildContextError, match="outside the build context"):
        make_context(root, dockerfile=str(tmp_path / "Dockerfile"))
    with pytest.raises(BuildContextError, match="outside the build context"):
        make_context(root, dockerfile="../Dockerfile")


def test_missing_dockerfile_and_directory(tmp_path: Path) -> None:
    with pytest.raises(BuildContextError, match="no Dockerfile"):
        make_context(tmp_path)
    with pytest.raises(EngineError, match="not a directory"):
        make_context(tmp_path / "nope")


def test_bad_dockerignore_line(tmp_path: Path) -> None:
    with pytest.raises(BuildContextError, match="only '!'"):
        parse_dockerignore("!\n")
    with pytest.raises(BuildContextError, match="unterminated"):
        parse_dockerignore("[abc\n")


def test_excluded_dir_contents_never_sent(tmp_path: Path) -> None:
    root = tree(
        tmp_path,
        {"Dockerfile": "FROM scratch\n", ".dockerignore": "big\n", "big/a/b": "x", "big/c": "y"},
    )
    assert context_files(root) == [".dockerignore", "Dockerfile"]
    with tarfile.open(fileobj=io.BytesIO(make_context(root))) as tar:
        assert sorted(tar.getnames()) == [".dockerignore", "Dockerfile"]
