#!/usr/bin/env python3
"""Checks hotline's layering: no #include cycles, and no core object using a shell symbol.

Usage (tests/unit/test-layering.c runs it):
  tests/layering.py includes DIR...           the "..." includes of DIR/*.c and DIR/*.h form no
                                        cycle (resolved beside the file, then in each DIR
                                        in order, as the Makefile's -I flags do)
  tests/layering.py symbols CORE.a SHELL.a    no object of CORE.a imports a symbol that SHELL.a
                                        defines and CORE.a does not, or one of libevent,
                                        hiredis or libpq
Prints what it found and exits 0 when the rule holds, 1 when it is broken, 2 on misuse.
"""
import os
import re
import subprocess
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
# Libraries the core must not need: the loop, Redis, PostgreSQL.
SHELL_LIBS = re.compile(r'^(event_|evbuffer_|bufferevent_|evhttp_|evtimer_|evconnlistener_|'
                        r'redis|PQ)')


def include_graph(dirs):
    """Maps each file of dirs to the files of dirs it includes."""
    files = [os.path.join(d, f) for d in dirs for f in sorted(os.listdir(d))
             if f.endswith(('.c', '.h'))]
    graph = {}
    for path in files:
        with open(path, encoding='utf-8', errors='replace') as fp:
            names = INCLUDE.findall(fp.read())
        edges = []
        for name in names:
            for d in [os.path.dirname(path)] + list(dirs):
                cand = os.path.normpath(os.path.join(d, name))
                if os.path.isfile(cand):
                    edges.append(cand)
                    break
        graph[os.path.normpath(path)] = edges
    return graph


def find_cycle(graph):
    """Returns one cycle as a list of files, or None."""
    state = {}
    stack = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    sys.setrecursionlimit(10000)
    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def nm(args):
    """Runs nm with args and returns its output lines."""
    out = subprocess.run(['nm'] + args, check=True, capture_output=True, text=True)
    return out.stdout.splitlines()


def defined(archive):
    """The global symbols an archive defines."""
    return {ln.split()[2] for ln in nm(['-g', '--defined-only', archive])
            if len(ln.split()) == 3}


def imports(archive):
    """(object, symbol) for every symbol an object of archive leaves undefined."""
    obj = '?'
    for ln in nm(['-u', archive]):
        if ln.endswith(':') and ' ' not in ln:
            obj = ln[:-1]
        elif ln.strip():
            yield obj, ln.split()[-1]


def check_includes(dirs):
    graph = include_graph(dirs)
    cycle = find_cycle(graph)
    if cycle:
        print('include cycle: ' + ' -> '.join(cycle))
        return 1
    print('include graph of %s: %d files, %d edges, no cycle'
          % (' '.join(dirs), len(graph), sum(len(e) for e in graph.values())))
    return 0


def check_symbols(core, shell):
    core_defs = defined(core)
    shell_only = defined(shell) - core_defs
    bad = sorted({(o, s) for o, s in imports(core)
                  if s in shell_only or SHELL_LIBS.match(s)})
    for o, s in bad:
        print('core object %s uses shell symbol %s' % (o, s))
    if bad:
        return 1
    print('%s: %d symbols, none of the %d defined only in %s, no libevent/hiredis/libpq'
          % (core, len(core_defs), len(shell_only), shell))
    return 0


def main(argv):
    if len(argv) >= 2 and argv[0] == 'includes':
        return check_includes(argv[1:])
    if len(argv) == 3 and argv[0] == 'symbols':
        return check_symbols(argv[1], argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
