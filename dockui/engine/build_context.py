"""The build context: a directory as an uncompressed tar, filtered by `.dockerignore`.

`.dockerignore` is the client's job (the engine receives only what we send), so this
follows the docker CLI and moby's patternmatcher:

* one pattern per line; `#` lines are comments; blank lines are ignored; each pattern is
  path-cleaned and a leading `/` dropped (patterns are relative to the context root);
* `*` matches within one path component, `?` one character, `[...]` a class, `\\` escapes,
  `**` any number of components (also none);
* a pattern also excludes everything under a directory it matches;
* `!pattern` re-includes; the last matching pattern wins;
* the Dockerfile and `.dockerignore` are always sent (the CLI adds `!` rules for them).

Symlinks are stored as symlinks (never followed), owners are 0:0 as the CLI sends them,
and entries are sorted so the same tree gives the same tar.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import stat
import tarfile
from dataclasses import dataclass
from pathlib import Path

from dockui.engine.errors import EngineError


class BuildContextError(EngineError):
    """The context cannot be sent as asked (no such directory, Dockerfile outside it, ...)."""


@dataclass(frozen=True, slots=True)
class IgnorePattern:
    text: str
    exclusion: bool
    regex: re.Pattern[str]

    def matches(self, path: str) -> bool:
        """True when `path` or one of its parent directories matches."""
        if self.regex.match(path):
            return True
        parts = path.split("/")[:-1]
        return any(self.regex.match("/".join(parts[: i + 1])) for i in range(len(parts)))


def _compile(pattern: str) -> re.Pattern[str]:
    """patternmatcher's pattern-to-regex translation (on `/`-separated paths)."""
    out = "^"
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "*":
            if i + 1 < n and pattern[i + 1] == "*":
                i += 2
                if i < n and pattern[i] == "/":  # treat `**/` as `**`
                    i += 1
                out += ".*" if i >= n else "(.*/)?"
                continue
            out += "[^/]*"
        elif ch == "?":
            out += "[^/]"
        elif ch == "\\":
            i += 1
            if i < n:
                out += re.escape(pattern[i])
        elif ch == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                raise BuildContextError(f".dockerignore: unterminated [ in {pattern!r}")
            body = pattern[i + 1 : end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out += "[" + body.replace("\\", "\\\\") + "]"
            i = end
        else:
            out += re.escape(ch)
        i += 1
    return re.compile(out + "$", re.DOTALL)


def _clean(pattern: str) -> str:
    cleaned = posixpath.normpath(pattern)
    if len(cleaned) > 1 and cleaned.startswith("/"):
        cleaned = cleaned.lstrip("/")
    return cleaned


def parse_dockerignore(text: str) -> list[IgnorePattern]:
    """The patterns of a `.dockerignore` file, in order."""
    patterns: list[IgnorePattern] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exclusion = line.startswith("!")
        if exclusion:
            line = line[1:].strip()
            if not line:
                raise BuildContextError(".dockerignore: a line holds only '!'")
        cleaned = _clean(line)
        if cleaned == ".":
            continue  # "." would exclude the whole context; the CLI ignores it too
        patterns.append(IgnorePattern(cleaned, exclusion, _compile(cleaned)))
    return patterns


def is_excluded(path: str, patterns: list[IgnorePattern]) -> bool:
    """patternmatcher.MatchesOrParentMatches: the last matching pattern decides."""
    excluded = False
    for p in patterns:
        # An inclusion cannot change an excluded path and vice versa: skip the regex.
        if p.exclusion != excluded:
            continue
        if p.matches(path):
            excluded = not p.exclusion
    return excluded


def dockerfile_in_context(directory: str | os.PathLike[str], dockerfile: str = "Dockerfile") -> str:
    """The Dockerfile's path relative to the context (what `/build?dockerfile=` wants).

    A relative `dockerfile` is taken relative to the context directory.
    """
    root = Path(directory).resolve()
    if not root.is_dir():
        raise BuildContextError(f"the build context {directory} is not a directory")
    given = Path(dockerfile or "Dockerfile")
    full = given if given.is_absolute() else root / given
    # Resolve the parent only: a Dockerfile that is itself a symlink is still "in" the context.
    full = full.parent.resolve() / full.name
    try:
        rel = full.relative_to(root)
    except ValueError:
        raise BuildContextError(
            f"the Dockerfile {dockerfile} is outside the build context {directory}; "
            "move it into the directory or choose a directory that contains it"
        ) from None
    if not full.is_file():
        raise BuildContextError(f"there is no Dockerfile at {full}")
    return rel.as_posix()


def context_files(
    directory: str | os.PathLike[str], *, dockerfile: str = "Dockerfile"
) -> list[str]:
    """The relative paths (files, dirs, links) that go into the context, sorted."""
    root = Path(directory).resolve()
    rel_dockerfile = dockerfile_in_context(root, dockerfile)
    ignore = root / ".dockerignore"
    patterns = parse_dockerignore(ignore.read_text(errors="replace")) if ignore.is_file() else []
    if patterns:
        # The CLI keeps both files whatever the patterns say.
        for keep in (".dockerignore", rel_dockerfile):
            patterns.append(IgnorePattern(keep, True, _compile(keep)))
    has_exclusions = any(p.exclusion for p in patterns)
    out: list[str] = []
    for current, dirs, files in os.walk(root, followlinks=False):
        rel_dir = Path(current).relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        kept_dirs = []
        for d in sorted(dirs):
            rel = prefix + d
            if Path(current, d).is_symlink():
                if not is_excluded(rel, patterns):
                    out.append(rel)
                continue  # os.walk would not follow it; keep the link itself
            if is_excluded(rel, patterns):
                # Walk into an excluded directory only when a `!` rule could re-include
                # something inside it (moby does the same).
                if has_exclusions and _may_reinclude(rel, patterns):
                    kept_dirs.append(d)
                continue
            out.append(rel)
            kept_dirs.append(d)
        dirs[:] = kept_dirs
        for f in sorted(files):
            rel = prefix + f
            if not is_excluded(rel, patterns):
                out.append(rel)
    return sorted(out)


def _may_reinclude(rel_dir: str, patterns: list[IgnorePattern]) -> bool:
    for p in patterns:
        if not p.exclusion:
            continue
        if "*" in p.text or "?" in p.text or "[" in p.text or p.text.startswith(rel_dir + "/"):
            return True
    return False


def make_context(directory: str | os.PathLike[str], *, dockerfile: str = "Dockerfile") -> bytes:
    """The context directory as an uncompressed tar, `.dockerignore` applied."""
    root = Path(directory).resolve()
    names = context_files(root, dockerfile=dockerfile)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for rel in names:
            full = root / rel
            try:
                info = tar.gettarinfo(str(full), arcname=rel)
            except OSError as exc:
                raise BuildContextError(f"cannot read {rel}: {exc.strerror or exc}") from None
            if info is None:  # sockets and other special files: the CLI skips them too
                continue
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if info.isreg():
                try:
                    with open(full, "rb") as fh:
                        tar.addfile(info, fh)
                except OSError as exc:
                    raise BuildContextError(f"cannot read {rel}: {exc.strerror or exc}") from None
            elif info.isdir() or info.issym() or info.islnk():
                tar.addfile(info)
            elif stat.S_ISFIFO(full.lstat().st_mode):
                tar.addfile(info)
    return buf.getvalue()
