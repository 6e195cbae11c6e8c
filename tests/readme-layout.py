#!/usr/bin/env python3
"""Checks that README.md's Layout tables list every file of the tree, and no file that is not there.

Usage (tests/unit/test-readme-layout.c runs it): tests/readme-layout.py [ROOT]
The files are git's (tracked, and untracked ones it does not ignore), or, outside a
checkout, every file below ROOT but build*/ and .git/. A row's first cell names files in
backquotes: a name with a "/" is taken from the table's folder (the heading's `daemon/`)
or the top, and the names after it in the cell are beside it; a name ending in "/" is a
folder and covers all below it; "*" is a wildcard. Prints what is missing or stale and
exits 0 when the tables and the tree agree, 1 when not, 2 on misuse.
"""
import fnmatch
import os
import re
import subprocess
import sys

NAME = re.compile(r'`([^`]+)`')
HEADING_DIR = re.compile(r'^###.*?\(`([^`]+/)`')


def tree(root):
    """The tree's files, relative to root."""
    try:
        out = subprocess.run(['git', '-C', root, 'ls-files', '--cached', '--others',
                              '--exclude-standard'], capture_output=True, text=True,
                             check=True).stdout
        return {f for f in out.splitlines() if os.path.isfile(os.path.join(root, f))}
    except (OSError, subprocess.CalledProcessError):
        files = set()
        for d, subdirs, names in os.walk(root):
            subdirs[:] = [s for s in subdirs if s != '.git' and not s.startswith('build')]
            files.update(os.path.relpath(os.path.join(d, n), root) for n in names)
        return files


def layout_rows(readme):
    """Yields (table folder, [names of the first cell]) for each row of the Layout section."""
    section, folder = False, ''
    for line in readme.splitlines():
        if line.startswith('## '):
            section = line.strip() == '## Layout'
            continue
        if not section:
            continue
        m = HEADING_DIR.match(line)
        if line.startswith('### '):
            folder = m.group(1) if m else ''
        elif line.startswith('|') and not line.startswith('|---'):
            cell = line.split('|')[1]
            names = NAME.findall(cell)
            if names:
                yield folder, names


def patterns(folder, names):
    """The cell's names as paths (or patterns) from the top."""
    here = folder
    for name in names:
        if '/' in name.rstrip('/'):
            path = os.path.normpath(folder + name) + ('/' if name.endswith('/') else '')
            here = os.path.dirname(path.rstrip('/')) + '/'
        else:
            path = here + name
        yield path


def covers(pattern, path):
    """True if pattern (a file, a folder/ or a wildcard) covers path."""
    if pattern.endswith('/'):
        return path.startswith(pattern)
    return fnmatch.fnmatchcase(path, pattern) if '*' in pattern else path == pattern


def main(argv):
    if len(argv) > 1:
        print(__doc__, file=sys.stderr)
        return 2
    root = argv[0] if argv else '.'
    with open(os.path.join(root, 'README.md'), encoding='utf-8') as fp:
        rows = list(layout_rows(fp.read()))
    if not rows:
        print('README.md: no Layout section with tables')
        return 1
    files = tree(root)
    listed = [p for folder, names in rows for p in patterns(folder, names)]
    missing = sorted(f for f in files if not any(covers(p, f) for p in listed))
    stale = sorted(p for p in listed if not any(covers(p, f) for f in files))
    for f in missing:
        print('not in README.md\'s Layout: ' + f)
    for p in stale:
        print('in README.md\'s Layout but not in the tree: ' + p)
    print('%d files, %d names in Layout: %d missing, %d stale'
          % (len(files), len(listed), len(missing), len(stale)))
    return 1 if missing or stale else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
