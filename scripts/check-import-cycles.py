#!/usr/bin/env python3
"""Part of `make lint`: no import circle between the source files of a crate.

For every crate of the workspace (the root package's `src/` and each `crates/*/src/`), every crate
root (`lib.rs`, `main.rs`, `bin/*.rs`, `bin/*/main.rs`) is walked through its `mod` declarations
(`foo.rs` + `foo/`, `foo/mod.rs`, inline `mod foo { ... }`), which maps each `.rs` file to its module
path. Then each file's references to other modules of the same crate are read:

- `use crate::…`, `use super::…`, `use self::…`, and `use child::…` where `child` is a module
  declared in that scope (Rust 2018 relative paths), with `{…}` groups, `as` and `*`;
- the same paths written inline in code (`crate::a::b(…)`, `super::X`, `child::f(…)`).

Comments, string and char literals are skipped. A path resolves to the longest module prefix that
exists; when the next segment is a name that module only imports (`use`, `pub use`), the path is
followed to where the name comes from, so a facade such as `lib.rs` re-exporting items is not taken
for their home. A re-export (`pub use`, `pub(crate) use`, ...) is therefore no edge of its own: a
parent that re-exports its child's items does not depend on the child, whoever names the items
through it does (a private `use` is an edge: the file uses what it imports). Names from other crates give no edge. A `mod child;` declaration is containment, not
an import: a parent and its child are joined only by the paths they write. Test modules
(`#[cfg(test)] mod tests;` and inline `mod tests { … }`) are included: a cycle through a test file
is still a cycle, and their usual `use super::*` never makes one on its own.

Every strongly connected component of more than one file is reported, as cycles covering its files
(`a.rs -> b.rs -> a.rs`), and the exit status is 1; otherwise one summary line and status 0.
A file naming itself is not a cycle.

Usage: check-import-cycles.py [ROOT]   (default: the repository holding this script)
       check-import-cycles.py --self-test
"""

from __future__ import annotations

import collections
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

# ---------------------------------------------------------------------------------------------
# Tokens: identifiers, `::`, and single punctuation characters; comments and literals dropped.


def tokenize(src: str) -> list[str]:
    toks: list[str] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c.isspace():
            i += 1
        elif src.startswith("//", i):
            j = src.find("\n", i)
            i = n if j < 0 else j
        elif src.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if src.startswith("/*", i):
                    depth, i = depth + 1, i + 2
                elif src.startswith("*/", i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c in "rb" and _raw_string_at(src, i):
            i = _skip_raw_string(src, i)
        elif c == '"' or (c == "b" and src.startswith('b"', i)):
            i = src.index('"', i) + 1
            while i < n and src[i] != '"':
                i += 2 if src[i] == "\\" else 1
            i += 1
        elif c == "'" or (c == "b" and src.startswith("b'", i)):
            i = _skip_char_or_lifetime(src, i, toks)
        elif c.isalnum() or c == "_":
            j = i
            while j < n and (src[j].isalnum() or src[j] == "_"):
                j += 1
            toks.append(src[i:j])
            i = j
        elif src.startswith("::", i):
            toks.append("::")
            i += 2
        else:
            toks.append(c)
            i += 1
    return toks


def _raw_string_at(src: str, i: int) -> bool:
    j = i + (2 if src.startswith("br", i) else 1 if src[i] == "r" else 0)
    if j == i or (i > 0 and (src[i - 1].isalnum() or src[i - 1] == "_")):
        return False
    while j < len(src) and src[j] == "#":
        j += 1
    return j < len(src) and src[j] == '"' and (src[j - 1] == "#" or src[j - 1] in "rb")


def _skip_raw_string(src: str, i: int) -> int:
    j = i + (2 if src.startswith("br", i) else 1)
    hashes = 0
    while src[j] == "#":
        hashes, j = hashes + 1, j + 1
    end = src.find('"' + "#" * hashes, j + 1)
    return len(src) if end < 0 else end + 1 + hashes


def _skip_char_or_lifetime(src: str, i: int, toks: list[str]) -> int:
    if src[i] == "b":
        i += 1
    # A char literal: 'x', '\n', '\u{..}'; otherwise a lifetime or label ('a), kept as `'`.
    if i + 1 < len(src) and src[i + 1] == "\\":
        end = src.find("'", i + 3)
        return len(src) if end < 0 else end + 1
    if i + 2 < len(src) and src[i + 2] == "'":
        return i + 3
    toks.append("'")
    return i + 1


# ---------------------------------------------------------------------------------------------
# The module tree.


@dataclass
class Module:
    path: tuple[str, ...]
    file: Path
    children: dict[str, "Module"] = field(default_factory=dict)
    # Names a `use` binds in this module: name -> (anchor module path, raw segments).
    bindings: dict[str, tuple[tuple[str, ...], list[str]]] = field(default_factory=dict)


@dataclass
class Crate:
    name: str
    modules: dict[tuple[str, ...], Module] = field(default_factory=dict)
    # Per file: (module path in which the reference is written, raw path segments).
    refs: dict[Path, list[tuple[tuple[str, ...], list[str]]]] = field(
        default_factory=lambda: collections.defaultdict(list)
    )


def crate_roots(src: Path) -> list[Path]:
    roots = [src / f for f in ("lib.rs", "main.rs") if (src / f).is_file()]
    bins = src / "bin"
    if bins.is_dir():
        roots += sorted(bins.glob("*.rs")) + sorted(bins.glob("*/main.rs"))
    return roots


def load_crate(name: str, root_file: Path) -> Crate:
    crate = Crate(name)
    root = Module((), root_file)
    crate.modules[()] = root
    _load_file(crate, root, root_file.parent)
    return crate


def _load_file(crate: Crate, module: Module, dir_: Path) -> None:
    """Reads `module.file`, whose child modules' files live in `dir_`."""
    toks = tokenize(module.file.read_text(encoding="utf-8"))
    # Inline modules: (module, brace depth at which it closes, dir of its children).
    stack: list[tuple[Module, int, Path]] = [(module, -1, dir_)]
    depth = 0
    i = 0
    pending_mod: tuple[str, Path] | None = None
    while i < len(toks):
        t = toks[i]
        cur, _, cur_dir = stack[-1]
        if t == "{":
            depth += 1
            if pending_mod is not None:
                name, d = pending_mod
                child = _child(crate, cur, name, cur.file)
                stack.append((child, depth, d))
                pending_mod = None
        elif t == "}":
            if len(stack) > 1 and stack[-1][1] == depth:
                stack.pop()
            depth -= 1
        elif t == "mod" and i + 1 < len(toks) and _is_ident(toks[i + 1]) and i + 2 < len(toks):
            name = toks[i + 1]
            if toks[i + 2] == ";":
                file = _child_file(cur_dir, name)
                if file is not None:
                    child = _child(crate, cur, name, file)
                    _load_file(crate, child, _children_dir(file))
                i += 3
                continue
            if toks[i + 2] == "{":
                pending_mod = (name, cur_dir / name)
                i += 2
                continue
        elif t == "use" and (i == 0 or toks[i - 1] != "::"):
            j = i + 1
            end = j
            while end < len(toks) and toks[end] != ";":
                end += 1
            # `pub use` / `pub(…) use` re-exports: no edge of its own (see the module doc).
            reexport = i > 0 and (toks[i - 1] == "pub" or (toks[i - 1] == ")" and "pub" in toks[i - 5 : i - 1]))
            for segs, bound in _use_tree(toks[j:end], []):
                if not reexport:
                    crate.refs[module.file].append((cur.path, segs))
                if bound is not None:
                    cur.bindings[bound] = (cur.path, segs)
            i = end + 1
            continue
        elif _is_ident(t) and i + 1 < len(toks) and toks[i + 1] == "::" and (
            i == 0 or toks[i - 1] not in ("::", "$")
        ):
            segs = [t]
            j = i + 1
            while j + 1 < len(toks) and toks[j] == "::" and _is_ident(toks[j + 1]):
                segs.append(toks[j + 1])
                j += 2
            crate.refs[module.file].append((cur.path, segs))
            i = j
            continue
        elif t == "$" and i + 1 < len(toks) and toks[i + 1] == "crate":
            i += 1
            continue
        i += 1


def _is_ident(t: str) -> bool:
    return t[0].isalpha() or t[0] == "_"


def _child(crate: Crate, parent: Module, name: str, file: Path) -> Module:
    child = Module(parent.path + (name,), file)
    parent.children[name] = child
    crate.modules[child.path] = child
    return child


def _child_file(dir_: Path, name: str) -> Path | None:
    for f in (dir_ / f"{name}.rs", dir_ / name / "mod.rs"):
        if f.is_file():
            return f
    return None


def _children_dir(file: Path) -> Path:
    return file.parent if file.name == "mod.rs" else file.parent / file.stem


def _use_tree(toks: list[str], prefix: list[str]) -> list[tuple[list[str], str | None]]:
    """The paths of a use tree, each with the name it binds (None for a glob or `_`)."""
    out: list[tuple[list[str], str | None]] = []
    for part in _split_top(toks):
        segs = list(prefix)
        k = 0
        while k < len(part):
            t = part[k]
            if t == "::":
                k += 1
            elif t == "{":
                out += _use_tree(part[k + 1 : _matching(part, k)], segs)
                break
            elif t == "*":
                out.append((segs, None))
                break
            elif t == "as":
                alias = part[k + 1] if k + 1 < len(part) else "_"
                out.append((segs, None if alias == "_" else alias))
                break
            elif _is_ident(t):
                segs.append(t)
                k += 1
                if k == len(part):
                    name = segs[-2] if segs[-1] == "self" and len(segs) > 1 else segs[-1]
                    if segs[-1] == "self":
                        segs = segs[:-1]
                    out.append((segs, name))
            else:
                k += 1
    return out


def _split_top(toks: list[str]) -> list[list[str]]:
    parts, cur, depth = [], [], 0
    for t in toks:
        if t == "{":
            depth += 1
        elif t == "}":
            depth -= 1
        if t == "," and depth == 0:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    if cur:
        parts.append(cur)
    return parts


def _matching(toks: list[str], k: int) -> int:
    depth = 0
    for j in range(k, len(toks)):
        depth += {"{": 1, "}": -1}.get(toks[j], 0)
        if depth == 0:
            return j
    return len(toks)


# ---------------------------------------------------------------------------------------------
# Resolution and the graph.


def absolute(crate: Crate, at: tuple[str, ...], segs: list[str]) -> tuple[str, ...] | None:
    """The crate-absolute path of `segs` written in module `at`; None when it leaves the crate."""
    if not segs:
        return None
    here = list(at)
    first, rest = segs[0], segs[1:]
    if first == "crate":
        base: list[str] = []
    elif first == "self":
        base = here
    elif first == "super":
        base = here[:-1]
        while rest and rest[0] == "super":
            base, rest = base[:-1], rest[1:]
    else:
        module = crate.modules.get(at)
        if module is None or first not in module.children:
            return None
        base, rest = here + [first], rest
    return tuple(base + rest)


def target_file(crate: Crate, path: tuple[str, ...], seen: set | None = None) -> Path | None:
    """The file defining what `path` names: its longest module prefix, through re-exports."""
    seen = set() if seen is None else seen
    k = len(path)
    while k and path[:k] not in crate.modules:
        k -= 1
    module = crate.modules[path[:k]]
    if k < len(path):
        name = path[k]
        binding = module.bindings.get(name)
        if binding is not None and (module.path, name) not in seen:
            seen.add((module.path, name))
            at, segs = binding
            full = absolute(crate, at, segs)
            if full is None:
                return None  # another crate's item
            return target_file(crate, full + path[k + 1 :], seen)
    return module.file


def graph(crate: Crate) -> dict[Path, set[Path]]:
    edges: dict[Path, set[Path]] = {m.file: set() for m in crate.modules.values()}
    for file, refs in crate.refs.items():
        for at, segs in refs:
            full = absolute(crate, at, segs)
            if full is None:
                continue
            dest = target_file(crate, full)
            if dest is not None and dest != file:
                edges[file].add(dest)
    return edges


def sccs(edges: dict[Path, set[Path]]) -> list[list[Path]]:
    index: dict[Path, int] = {}
    low: dict[Path, int] = {}
    stack: list[Path] = []
    on: set[Path] = set()
    out: list[list[Path]] = []

    def visit(v: Path) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return [c for c in out if len(c) > 1]


def cycles_through(edges: dict[Path, set[Path]], comp: list[Path]) -> list[list[Path]]:
    """Shortest cycles, one through each file of `comp` not yet shown in an earlier one."""
    inside = set(comp)
    shown: set[Path] = set()
    out = []
    for start in comp:
        if start in shown:
            continue
        prev: dict[Path, Path] = {}
        queue = collections.deque([start])
        found = None
        while queue and found is None:
            v = queue.popleft()
            for w in sorted(edges[v] & inside):
                if w == start:
                    found = v
                    break
                if w not in prev:
                    prev[w] = v
                    queue.append(w)
        if found is None:
            continue
        path = [found]
        while path[-1] != start:
            path.append(prev[path[-1]])
        cycle = list(reversed(path)) + [start]
        shown.update(cycle)
        out.append(cycle)
    return out


def check(root: Path) -> tuple[list[str], int, int]:
    """The cycle lines found under `root`, the number of crates and the number of files."""
    srcs = [root / "src"] + sorted(p / "src" for p in (root / "crates").glob("*"))
    lines: list[str] = []
    n_crates = n_files = 0
    files_seen: set[Path] = set()
    for src in srcs:
        if not src.is_dir():
            continue
        for root_file in crate_roots(src):
            crate = load_crate(str(root_file.relative_to(root)), root_file)
            n_crates += 1
            edges = graph(crate)
            files_seen.update(edges)
            for comp in sccs(edges):
                lines.append(f"{crate.name}: import cycle among {len(comp)} files")
                for cycle in cycles_through(edges, comp):
                    shown = " -> ".join(str(p.relative_to(root)) for p in cycle)
                    lines.append(f"  {shown}")
    n_files = len(files_seen)
    return lines, n_crates, n_files


# ---------------------------------------------------------------------------------------------
# Self-test: a crate with a cycle and one without; exactly the first is reported.

SELF_TEST_FILES = {
    # crate `a`: x.rs <-> y/mod.rs through `use` and an inline `crate::` path.
    "crates/a/src/lib.rs": "pub mod x;\npub mod y;\npub use x::X;\n",
    "crates/a/src/x.rs": "use crate::y::Y;\npub struct X(Y);\n",
    "crates/a/src/y/mod.rs": "pub struct Y;\nfn f() -> usize { std::mem::size_of::<crate::x::X>() }\n",
    # crate `b`: a DAG with every shape that must not count as an edge back.
    "crates/b/src/lib.rs": (
        "//! Uses crate::z in a comment only.\n"
        "pub mod p;\nmod q;\npub mod r;\n"
        "pub use p::{P, inner::I};\n"
        "#[cfg(test)]\nmod tests;\n"
    ),
    # p: parent of p/inner; names nothing of its own child in return.
    "crates/b/src/p.rs": (
        "pub mod inner;\n"
        "pub struct P;\n"
        "const S: &str = \"crate::r::R\"; // a string, not a path\n"
        "const RAW: &str = r#\"use crate::r;\"#;\n"
        "fn life<'a>(x: &'a str) -> char { let _ = x; 'q' }\n"
        "mod tests { use super::*; fn t() -> P { P } }\n"
    ),
    "crates/b/src/p/inner.rs": "use super::super::q::Q;\npub struct I(pub Q);\n",
    "crates/b/src/q.rs": "pub struct Q;\n",
    # r reaches P through the root's re-export: the edge goes to p.rs, not lib.rs.
    "crates/b/src/r.rs": "use crate::P;\npub struct R(P);\nfn g() -> crate::q::Q { crate::q::Q }\n",
    "crates/b/src/tests.rs": "use super::*;\n#[test]\nfn t() { let _ = P; }\n",
}


def self_test() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rel, text in SELF_TEST_FILES.items():
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
        lines, n_crates, _ = check(root)
    expected = [
        "crates/a/src/lib.rs: import cycle among 2 files",
        "  crates/a/src/x.rs -> crates/a/src/y/mod.rs -> crates/a/src/x.rs",
    ]
    ok = lines == expected and n_crates == 2
    print("check-import-cycles self-test:", "ok" if ok else "FAILED")
    if not ok:
        print("expected:", *expected, "got:", *lines, sep="\n  ")
    # Tokenizer details the crates above rely on.
    assert tokenize('a::b "crate::x" r#"crate::y"# \'c\' \'l /* crate::z */') == [
        "a", "::", "b", "'", "l",
    ], tokenize('a::b "crate::x" r#"crate::y"# \'c\' \'l /* crate::z */')
    return 0 if ok else 1


def main(argv: list[str]) -> int:
    if argv[1:] == ["--self-test"]:
        return self_test()
    root = Path(argv[1]).resolve() if len(argv) > 1 else Path(__file__).resolve().parent.parent
    lines, n_crates, n_files = check(root)
    if lines:
        print("check-import-cycles: modules that import each other (move what they share into a "
              "module of its own):")
        print("\n".join(lines))
        return 1
    print(f"check-import-cycles: no import cycle in {n_crates} crates ({n_files} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
