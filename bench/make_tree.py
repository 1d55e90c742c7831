#!/usr/bin/env python3
"""Deterministic workspace for the scan benchmark.
Usage: make_tree.py OUT FILES [DATABASES]
- FILES ordinary files in nested folders (about 40 per folder, depth <= 4);
- DATABASES real SQLite databases (default 200): half WAL with committed
  frames still in the -wal, spread over .db/.sqlite/.sqlite3/.db3/.s3db/.sl3,
  one found only by magic bytes (state.bin);
- 50 decoys with database extensions that are not SQLite;
- node_modules/ and .git/ folders holding databases that a scan must skip.
Prints a JSON manifest (expected paths) on stdout."""
import json, os, random, sqlite3, sys

out, n_files = sys.argv[1], int(sys.argv[2])
n_dbs = int(sys.argv[3]) if len(sys.argv) > 3 else 200
rng = random.Random(20261125)
os.makedirs(out, exist_ok=True)

dirs = [""]
def folder(i):
    # Folder i: a path of depth 1-4 built from i's digits, so the tree is wide and nested.
    parts, x = [], i
    for _ in range(1 + i % 4):
        parts.append(f"d{x % 23}")
        x //= 23
    return os.path.join(*parts)

per_dir = 40
n_dirs = max(1, n_files // per_dir)
for i in range(n_files):
    d = os.path.join(out, folder(i % n_dirs))
    os.makedirs(d, exist_ok=True)
    ext = ("txt", "py", "js", "json", "md", "png", "ts", "css")[i % 8]
    with open(os.path.join(d, f"f{i}.{ext}"), "wb") as f:
        f.write(rng.randbytes(64 + i % 512))

exts = (".db", ".sqlite", ".sqlite3", ".db3", ".s3db", ".sl3")
expected, magic_only, open_cons = [], None, []
for i in range(n_dbs):
    d = folder((i * 7919) % n_dirs)
    name = "state.bin" if i == 0 else f"app{i}{exts[i % len(exts)]}"
    rel = os.path.join(d, name)
    os.makedirs(os.path.join(out, d), exist_ok=True)
    con = sqlite3.connect(os.path.join(out, rel), isolation_level=None)
    wal = i % 2 == 1
    if wal:
        con.execute("PRAGMA journal_mode=wal")
        con.execute("PRAGMA wal_autocheckpoint=0")
    con.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)")
    con.executemany("INSERT INTO t(v) VALUES (?)", [("x" * 50,) for _ in range(20 + i % 50)])
    if wal:
        open_cons.append(con)  # keep it open: committed frames stay in the -wal
    else:
        con.close()
    if i == 0:
        magic_only = rel
    else:
        expected.append(rel)

for i in range(50):
    d = os.path.join(out, folder((i * 104729) % n_dirs))
    with open(os.path.join(d, f"decoy{i}{exts[i % len(exts)]}"), "wb") as f:
        f.write(b"not a database\n" if i % 2 else rng.randbytes(4096))

for skip in ("node_modules/pkg", ".git/objects"):
    os.makedirs(os.path.join(out, skip), exist_ok=True)
    for i in range(10):
        sqlite3.connect(os.path.join(out, skip, f"skip{i}.db")).execute("CREATE TABLE t(x)").connection.close()

print(json.dumps({"expected": sorted(p.replace(os.sep, "/") for p in expected), "magicOnly": magic_only.replace(os.sep, "/")}))
sys.stdout.flush()
os._exit(0)  # leave the WAL databases' -wal files in place
