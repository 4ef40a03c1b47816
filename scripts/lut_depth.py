#!/usr/bin/env python3
"""Longest combinational path, in LUT levels, of a flattened Yosys netlist.

Reads the JSON that `write_json` writes after `synth_xilinx -flatten` and walks the
netlist bit by bit:

  * LUT1..LUT6 (and LUT6_2, CFGLUT5, ROM*X1, INV) count 1 level each;
  * MUXF7/MUXF8/MUXF9 count 0 levels (they sit beside the LUTs in the slice) but
    are on the path;
  * CARRY4/CARRY8 count 0 levels but are on the path, with their real per-bit
    arcs (S[i] only reaches O[j>=i] and CO[j>=i]); the number of carry cells on
    the worst path is reported, and breaks ties between paths of equal levels;
  * flip-flops and latches (FD*, LD*), block RAM (RAMB*, FIFO*, URAM*) and DSP
    slices (DSP48*) are start and end points: every output starts a path, every
    input but the clock ends one;
  * distributed RAM (RAM32M, RAM64M, RAM*X1D, ...) and SRLs (SRL16E, SRLC32E) are
    both: the write side (data, write enable, write address) ends paths and the
    output starts one, but the *read* address reaches the output through the LUT
    itself, so that arc counts 1 level (a LUTRAM read is a LUT read);
  * buffers (IBUF, OBUF, BUFG, ...) count 0; GND/VCC are constants;
  * cell types it does not know count 1 level, every input to every output, and
    are reported with a warning.

Module inputs start paths and module outputs end them, so the result is broken
down into reg2reg, in2reg, reg2out and in2out.  Combinational loops are found
(strongly connected components), reported, and cut so the walk ends.

Output: the depth, the breakdown, the cell type counts and the worst path
(start point, every cell with its type and output net, end point).  --json prints
all of it as one JSON object on stdout.  Python 3 standard library only.
"""

import argparse
import json
import re
import sys
from collections import Counter, defaultdict, deque

# --------------------------------------------------------------------------- cells

LUT_TYPES = {"LUT1", "LUT2", "LUT3", "LUT4", "LUT5", "LUT6", "LUT6_2", "$lut", "INV",
             "ROM16X1", "ROM32X1", "ROM64X1", "ROM128X1", "ROM256X1",
             "AND2B1L", "OR2L"}
MUX_TYPES = {"MUXF5", "MUXF6", "MUXF7", "MUXF8", "MUXF9"}
CARRY_TYPES = {"CARRY4", "CARRY8", "MUXCY", "XORCY", "ORCY", "MULT_AND"}
BUF_TYPES = {"IBUF", "IBUFG", "OBUF", "OBUFT", "BUFG", "BUFGCE", "BUFGCTRL", "BUFHCE",
             "BUFG_GT", "BUFCE_LEAF", "BUFCE_ROW", "IBUF_ANALOG", "IBUFDS", "$_BUF_"}
CONST_TYPES = {"GND", "VCC"}
SRL_RE = re.compile(r"^SRL(C)?(16|32)E?(_1)?$")
LUTRAM_RE = re.compile(r"^RAM(\d+)X(\d+)(S|D|SW|DR8)(_1)?$|^RAM(32|64)M(16|8)?$")
FF_RE = re.compile(r"^(FD[A-Z]*|LD[A-Z]*)(_1)?$")
BOUNDARY_RE = re.compile(r"^(RAMB\d+\w*|FIFO\d+\w*|URAM\d+\w*|DSP48\w*|DSP58\w*|MULT18X18\w*)$")
# Yosys' own flip-flop and latch cells, should any survive mapping
YOSYS_SEQ_RE = re.compile(r"^\$(_(S?DFF|ALDFF|DLATCH|SR_|FF_)|(a|s|al)?dff|dffsr|dlatch|sr$|ff$)")
YOSYS_MEM_RE = re.compile(r"^\$mem")

def classify(ctype):
    """Kind of a cell type: lut mux carry buf const ff boundary lutram srl cfglut unknown."""
    if ctype in LUT_TYPES:
        return "lut"
    if ctype in MUX_TYPES:
        return "mux"
    if ctype in CARRY_TYPES:
        return "carry"
    if ctype in BUF_TYPES:
        return "buf"
    if ctype in CONST_TYPES:
        return "const"
    if ctype == "CFGLUT5":
        return "cfglut"
    if FF_RE.match(ctype) and not ctype.startswith("FIFO"):
        return "ff"
    if SRL_RE.match(ctype):
        return "srl"
    if LUTRAM_RE.match(ctype):
        return "lutram"
    if BOUNDARY_RE.match(ctype):
        return "boundary"
    if YOSYS_SEQ_RE.match(ctype):
        return "ff"
    if YOSYS_MEM_RE.match(ctype):
        return "boundary"
    return "unknown"


def is_clock_pin(kind, ctype, port):
    if kind == "ff":
        return port in ("C", "G", "CLK")
    return "CLK" in port.upper() and port.upper() not in ("CLKINV",)


def read_arcs(ctype, kind, ins, outs):
    """Combinational (input port, output port) pairs through a LUTRAM/SRL/CFGLUT (1 level)."""
    arcs = []
    if kind == "srl":
        for p in ins:
            if re.fullmatch(r"A\d*", p):
                arcs.append((p, "Q"))
    elif kind == "cfglut":
        for p in ins:
            if re.fullmatch(r"I\d", p):
                arcs += [(p, o) for o in ("O5", "O6") if o in outs]
    elif kind == "lutram":
        m = re.match(r"^RAM\d+X\d+D", ctype)
        if m:                                         # RAMnX1D: A -> SPO, DPRA -> DPO
            for p in ins:
                if re.fullmatch(r"A\d*", p):
                    arcs.append((p, "SPO"))
                elif re.fullmatch(r"DPRA\d*", p):
                    arcs.append((p, "DPO"))
        elif re.match(r"^RAM(32|64)M|^RAM32X16DR8", ctype):   # ADDRx -> DOx
            for p in ins:
                m = re.fullmatch(r"ADDR([A-H])", p)
                if m and ("DO" + m.group(1)) in outs:
                    arcs.append((p, "DO" + m.group(1)))
        else:                                         # single port: A -> O
            for p in ins:
                if re.fullmatch(r"A\d*", p):
                    arcs += [(p, o) for o in outs if re.fullmatch(r"O\d*", o)]
    return [(i, o) for i, o in arcs if o in outs]


def carry_arcs(ctype, conn):
    """Bit-level arcs of CARRY4/CARRY8: list of (input bit, output bit)."""
    n = 4 if ctype == "CARRY4" else 8
    S, DI, CO, O = (conn.get(p, []) for p in ("S", "DI", "CO", "O"))
    ci = list(conn.get("CI", [])) + list(conn.get("CYINIT", []))
    ci_top = list(conn.get("CI_TOP", []))
    arcs = []
    for j in range(n):
        srcs = list(ci)
        if j >= 4:
            srcs += ci_top
        for i in range(j + 1):
            if i < len(S):
                srcs.append(S[i])
            if i < len(DI) and i < j:
                srcs.append(DI[i])         # DI[j] reaches CO[j] but not O[j]
        if j < len(O):
            arcs += [(s, O[j]) for s in srcs]
        if j < len(CO):
            arcs += [(s, CO[j]) for s in srcs]
            if j < len(DI):
                arcs.append((DI[j], CO[j]))
    return arcs


# --------------------------------------------------------------------------- graph


def pick_top(modules, want):
    if want:
        if want not in modules:
            sys.exit("lut_depth: module %r not in the netlist (have: %s)" % (want, ", ".join(sorted(modules))))
        return want
    tops = [m for m, d in modules.items() if str(d.get("attributes", {}).get("top", "0")).strip("0") != ""]
    if len(tops) == 1:
        return tops[0]
    real = [m for m, d in modules.items()
            if not str(d.get("attributes", {}).get("blackbox", "0")).strip("0")
            and d.get("cells") is not None and not m.startswith("$")]
    if len(real) == 1:
        return real[0]
    sys.exit("lut_depth: cannot tell the top module (%s); use --top" % ", ".join(sorted(modules)))


def analyse(netlist, top=None, max_path=20, to=None, list_n=0, kinds=None, count_all=False):
    modules = netlist.get("modules", {})
    top = pick_top(modules, top)
    mod = modules[top]
    cells = mod.get("cells", {})
    ports = mod.get("ports", {})

    warnings = []
    type_count = Counter()
    unknown = Counter()
    sub_modules = set(m for m in modules if m != top
                      and not str(modules[m].get("attributes", {}).get("blackbox", "0")).strip("0"))

    cell_names = []          # index -> name
    cell_types = []          # index -> type
    cell_src = []
    # comb fan-in of each net bit: bit -> list of (cell idx, [in bits], levels, carries)
    fanin = defaultdict(list)
    driver = {}              # bit -> (cell idx or None, port)
    start_bits = {}          # bit -> "reg" | "in"
    endpoints = []           # (bit, "reg"|"out", cell idx or None, port name)
    multi_driven = 0

    def add_driver(bit, who):
        nonlocal multi_driven
        if isinstance(bit, str):
            return
        if bit in driver:
            multi_driven += 1
        else:
            driver[bit] = who

    for pname, p in ports.items():
        d = p.get("direction")
        bits = p.get("bits", [])
        for k, b in enumerate(bits):
            if isinstance(b, str):
                continue
            label = pname if len(bits) == 1 else "%s[%d]" % (pname, k)
            if d in ("input", "inout"):
                start_bits[b] = "in"
                add_driver(b, (None, label))
            if d in ("output", "inout"):
                endpoints.append((b, "out", None, label))

    for cname, c in cells.items():
        ctype = c.get("type", "?")
        idx = len(cell_names)
        cell_names.append(cname)
        cell_types.append(ctype)
        cell_src.append(clean_src(c.get("attributes", {}).get("src", "")))
        type_count[ctype] += 1
        kind = classify(ctype)
        conn = c.get("connections", {})
        pdir = c.get("port_directions", {})
        if not pdir:
            warnings.append("cell %s (%s) has no port_directions; skipped" % (cname, ctype))
            continue
        ins = [p for p, d in pdir.items() if d in ("input", "inout")]
        outs = [p for p, d in pdir.items() if d in ("output", "inout")]
        for p in outs:
            for k, b in enumerate(conn.get(p, [])):
                add_driver(b, (idx, p if len(conn.get(p, [])) == 1 else "%s[%d]" % (p, k)))

        if kind == "const":
            continue
        if kind in ("lut", "mux", "buf", "unknown") or (kind == "carry" and ctype not in ("CARRY4", "CARRY8")):
            if kind == "unknown":
                unknown[ctype] += 1
            lev = 1 if kind in ("lut", "unknown") or count_all else 0
            car = 1 if kind == "carry" else 0
            in_bits = [b for p in ins for b in conn.get(p, []) if not isinstance(b, str)]
            for p in outs:
                for b in conn.get(p, []):
                    if not isinstance(b, str):
                        fanin[b].append((idx, in_bits, lev, car))
            continue
        if kind == "carry":
            per_out = defaultdict(list)
            for s, o in carry_arcs(ctype, conn):
                if not isinstance(s, str) and not isinstance(o, str):
                    per_out[o].append(s)
            for o, srcs in per_out.items():
                fanin[o].append((idx, srcs, 1 if count_all else 0, 1))
            continue
        # sequential-ish: ff, boundary, lutram, srl, cfglut
        for p in ins:
            if is_clock_pin(kind, ctype, p):
                continue
            bits = conn.get(p, [])
            for k, b in enumerate(bits):
                if not isinstance(b, str):
                    endpoints.append((b, "reg", idx, p if len(bits) == 1 else "%s[%d]" % (p, k)))
        for p in outs:
            for b in conn.get(p, []):
                if not isinstance(b, str):
                    start_bits[b] = "reg"
        if kind in ("lutram", "srl", "cfglut"):
            per_out = defaultdict(list)
            for pi, po in read_arcs(ctype, kind, ins, outs):
                for o in conn.get(po, []):
                    per_out[o] += [b for b in conn.get(pi, []) if not isinstance(b, str)]
            for o, srcs in per_out.items():
                if not isinstance(o, str):
                    fanin[o].append((idx, srcs, 1, 0))

    if multi_driven:
        warnings.append("%d net bits have more than one driver" % multi_driven)
    for t, n in sorted(unknown.items()):
        warnings.append("unknown cell type %s (%d cells): counted as 1 LUT level, every input to every output" % (t, n))
    if sub_modules:
        warnings.append("netlist is not flat: %s defined besides %s" % (", ".join(sorted(sub_modules)), top))

    # ---- topological order (Kahn); loops are found with Tarjan and cut
    succ = defaultdict(list)
    indeg = Counter()
    nodes = set(fanin)
    for o, groups in fanin.items():
        for _, srcs, _, _ in groups:
            for s in srcs:
                succ[s].append(o)
                indeg[o] += 1
                nodes.add(s)

    def kahn(skip):
        deg = Counter()
        for o, groups in fanin.items():
            for _, srcs, _, _ in groups:
                for s in srcs:
                    if (s, o) not in skip:
                        deg[o] += 1
        q = deque(n for n in nodes if deg[n] == 0)
        order = []
        while q:
            n = q.popleft()
            order.append(n)
            for o in succ.get(n, ()):
                if (n, o) in skip:
                    continue
                deg[o] -= 1
                if deg[o] == 0:
                    q.append(o)
        return order

    skip = set()
    order = kahn(skip)
    loops = []
    if len(order) < len(nodes):
        done = set(order)
        rest = [n for n in nodes if n not in done]
        sccs = tarjan(rest, succ, set(rest))
        comp = {}
        for i, scc in enumerate(sccs):
            for n in scc:
                comp[n] = i
        for scc in sccs:
            sset = set(scc)
            if len(scc) == 1 and scc[0] not in succ.get(scc[0], ()):
                continue
            lcells = set()
            for o in scc:
                for cidx, srcs, _, _ in fanin.get(o, ()):
                    if any(s in sset for s in srcs):
                        lcells.add(cidx)
            loops.append(sorted(lcells))
            skip |= back_edges(scc, sset, succ, fanin)
        order = kahn(skip)
        if len(order) < len(nodes):       # should not happen
            warnings.append("could not order %d net bits after cutting loops" % (len(nodes) - len(order)))
        warnings.append("%d combinational loop(s) found and cut (%d cells); depths through them are lower bounds"
                        % (len(loops), sum(len(l) for l in loops)))

    # ---- longest path per start class; value = (levels, carries); pred = (bit, cell idx)
    best = {"reg": {}, "in": {}}
    pred = {"reg": {}, "in": {}}
    for b, cls in start_bits.items():
        best[cls][b] = (0, 0)
    for n in order:
        for cls in ("reg", "in"):
            bcls = best[cls]
            cur = bcls.get(n)
            cp = None
            for cidx, srcs, lev, car in fanin.get(n, ()):
                for s in srcs:
                    if (s, n) in skip:
                        continue
                    v = bcls.get(s)
                    if v is None:
                        continue
                    cand = (v[0] + lev, v[1] + car)
                    if cur is None or cand > cur:
                        cur, cp = cand, (s, cidx)
            if cur is not None:
                bcls[n] = cur
                if cp is not None:
                    pred[cls][n] = cp

    names = net_names(mod.get("netnames", {}))

    def net(b):
        return names.get(b, "$bit%d" % b)

    def cell_desc(cidx):
        d = {"cell": cell_names[cidx], "type": cell_types[cidx]}
        if cell_src[cidx]:
            d["src"] = cell_src[cidx]
        return d

    def end_desc(ecidx, eport):
        if ecidx is None:
            return {"output": eport}
        end = dict(cell_desc(ecidx), port=eport)
        if classify(cell_types[ecidx]) not in ("ff", "srl"):
            return end
        c = cells[cell_names[ecidx]]        # name the register by its output net
        for p, dd in c.get("port_directions", {}).items():
            if dd == "output" and c["connections"].get(p):
                b0 = c["connections"][p][0]
                if not isinstance(b0, str):
                    end["q_net"] = net(b0)
                break
        return end

    def end_name(e):
        return e["output"] if "output" in e else "%s.%s" % (e.get("q_net", e["cell"]), e["port"])

    to_re = re.compile(to) if to else None
    prio = {"reg2reg": 3, "in2reg": 2, "reg2out": 1, "in2out": 0}
    worst = {}
    ranked = []          # ((levels, carries), prio, cat, bit, cidx, port)
    for bit, ekind, cidx, port in endpoints:
        if to_re:
            e = end_desc(cidx, port)
            if not (to_re.search(end_name(e)) or to_re.search(e.get("cell", ""))):
                continue
        for cls in ("reg", "in"):
            v = best[cls].get(bit)
            if v is None:
                continue
            cat = "%s2%s" % (cls, ekind)
            if kinds and cat not in kinds:
                continue
            if cat not in worst or v > worst[cat][0]:
                worst[cat] = (v, bit, cidx, port)
            if list_n:
                ranked.append((v, prio[cat], cat, bit, cidx, port))

    def walk(cat, bit):
        cls = cat.split("2")[0]
        steps = []
        b = bit
        seen = set()
        while b in pred[cls] and b not in seen:
            seen.add(b)
            s, cidx = pred[cls][b]
            steps.append((cidx, b))
            b = s
        steps.reverse()
        sdrv = driver.get(b)
        if sdrv is None:
            start = {"net": net(b)}
        elif sdrv[0] is None:
            start = {"input": sdrv[1], "net": net(b)}
        else:
            start = dict(cell_desc(sdrv[0]), port=sdrv[1], net=net(b))
        path = []
        levels = 0
        for cidx, ob in steps:
            if count_all or classify(cell_types[cidx]) in ("lut", "unknown", "lutram", "srl", "cfglut"):
                levels += 1
            d = cell_desc(cidx)
            d["net"] = net(ob)
            d["hint"] = rtl_hint(d["net"])
            d["level"] = levels
            path.append(d)
        return start, path

    result = {
        "top": top,
        "lut_levels": 0,
        "carry_cells": 0,
        "path_kind": None,
        "by_kind": {k: (worst[k][0][0] if k in worst else None)
                    for k in ("reg2reg", "in2reg", "reg2out", "in2out")},
        "cell_types": dict(sorted(type_count.items())),
        "unknown_types": dict(unknown),
        "loops": [[cell_desc(c) for c in l[:20]] for l in loops[:10]],
        "loop_count": len(loops),
        "warnings": warnings,
        "path": [],
        "path_cells": 0,
    }
    if to:
        result["to"] = to
    if list_n:
        ranked.sort(key=lambda r: (r[0], r[1]), reverse=True)
        lst = []
        for (lev, car), _, cat, bit, cidx, port in ranked[:list_n]:
            start, path = walk(cat, bit)
            sname = start.get("input") or start.get("net")
            lst.append({"levels": lev, "carry_cells": car, "kind": cat, "from": sname,
                        "to": end_name(end_desc(cidx, port)), "cells": len(path)})
        result["worst_endpoints"] = lst
    if not worst:
        return result
    cat = max(worst, key=lambda k: (worst[k][0], prio[k]))
    (lev, car), bit, ecidx, eport = worst[cat]
    start, path = walk(cat, bit)
    result.update({
        "lut_levels": lev,
        "carry_cells": car,
        "path_kind": cat,
        "start": start,
        "end": end_desc(ecidx, eport),
        "path_cells": len(path),
        "path": path[:max_path],
        "path_truncated": len(path) > max_path,
    })
    return result


def back_edges(scc, sset, succ, fanin):
    """Edges to cut so the SCC becomes acyclic: the back edges of a DFS inside it,
    started where the loop is entered from outside, so paths through it survive."""
    entries = [n for n in scc if any(s not in sset for g in fanin.get(n, ()) for s in g[1])]
    state = {}          # 1 on stack, 2 done
    cut = set()
    for root in entries + scc:
        if root in state:
            continue
        state[root] = 1
        work = [(root, iter(succ.get(root, ())))]
        while work:
            v, it = work[-1]
            for w in it:
                if w not in sset:
                    continue
                st = state.get(w)
                if st is None:
                    state[w] = 1
                    work.append((w, iter(succ.get(w, ()))))
                    break
                if st == 1:
                    cut.add((v, w))
            else:
                state[v] = 2
                work.pop()
    return cut


def tarjan(nodes, succ, allowed):
    """Iterative Tarjan SCC over `nodes` restricted to `allowed`."""
    index = {}
    low = {}
    onstack = set()
    stack = []
    out = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(succ.get(root, ())))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        onstack.add(root)
        while work:
            v, it = work[-1]
            advanced = False
            for w in it:
                if w not in allowed:
                    continue
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    onstack.add(w)
                    work.append((w, iter(succ.get(w, ()))))
                    advanced = True
                    break
                if w in onstack:
                    low[v] = min(low[v], index[w])
            if advanced:
                continue
            work.pop()
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
            if low[v] == index[v]:
                scc = []
                while True:
                    w = stack.pop()
                    onstack.discard(w)
                    scc.append(w)
                    if w == v:
                        break
                out.append(scc)
    return out


def clean_src(src):
    """src attribute without the entries that point into Yosys' own techmap files."""
    return "|".join(p for p in str(src).split("|") if p and "share/yosys" not in p)


SRC_IN_NAME = re.compile(r"([\w.+-]+\.s?v):(\d+)")


def rtl_hint(name):
    """What a reader can use of a net name: itself if public, else the file:line
    Yosys embeds in names of generated nets ($xor$ghash_acc.v:97$123_Y), else ''."""
    if not name.startswith("$"):
        return name
    m = SRC_IN_NAME.findall(name)
    return ("%s:%s" % m[-1]) if m else ""


def net_names(netnames):
    """bit -> best readable name (public names first, then the shortest)."""
    best = {}
    for name, n in netnames.items():
        bits = n.get("bits", [])
        hidden = int(n.get("hide_name", 1 if name.startswith("$") else 0))
        off = int(n.get("offset", 0))
        upto = int(n.get("upto", 0))
        w = len(bits)
        for k, b in enumerate(bits):
            if isinstance(b, str):
                continue
            score = (hidden, 0 if SRC_IN_NAME.search(name) else 1, len(name))
            cur = best.get(b)
            if cur is None or score < cur[0]:
                if w == 1:
                    label = name
                else:
                    label = "%s[%d]" % (name, off + (w - 1 - k if upto else k))
                best[b] = (score, label)
    return {b: v[1] for b, v in best.items()}


# --------------------------------------------------------------------------- main


def fmt_text(r):
    lines = []
    bk = r["by_kind"]
    lines.append("LUT depth: %d level(s)  (worst path %s, %d carry cell(s), %d cell(s) on it)"
                 % (r["lut_levels"], r["path_kind"], r["carry_cells"], r["path_cells"]))
    lines.append("  by kind: " + ", ".join("%s %s" % (k, "-" if v is None else v) for k, v in bk.items()))
    if r.get("start"):
        s = r["start"]
        if "input" in s:
            lines.append("  start  input %s" % s["input"])
        elif "cell" in s:
            lines.append("  start  %-8s %s  (%s.%s)%s" % (s["type"], s["net"], s["cell"], s["port"],
                                                          "  " + s["src"] if s.get("src") else ""))
        for d in r["path"]:
            lines.append("  %5s  %-8s %s" % ("L%d" % d["level"], d["type"], d["hint"] or "-"))
        if r.get("path_truncated"):
            lines.append("    ...  %d more cell(s)" % (r["path_cells"] - len(r["path"])))
        e = r["end"]
        if "output" in e:
            lines.append("  end    output %s" % e["output"])
        else:
            lines.append("  end    %-8s %s.%s%s%s" % (e["type"], e.get("q_net", e["cell"]), e["port"],
                                                    "  (%s)" % e["cell"] if e.get("q_net") else "",
                                                    "  " + e["src"] if e.get("src") else ""))
    if r.get("worst_endpoints"):
        lines.append("  worst end points:")
        for w in r["worst_endpoints"]:
            lines.append("    %3d lv %2d cy  %-7s %s -> %s" % (w["levels"], w["carry_cells"], w["kind"], w["from"], w["to"]))
    if r["loop_count"]:
        lines.append("  %d combinational loop(s):" % r["loop_count"])
        for l in r["loops"][:5]:
            lines.append("    " + " -> ".join("%s(%s)" % (c["cell"], c["type"]) for c in l[:8])
                         + (" ..." if len(l) > 8 else ""))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("netlist", help="Yosys JSON netlist (write_json, flattened)")
    ap.add_argument("--top", help="module to analyse (default: the one marked top)")
    ap.add_argument("--json", action="store_true", help="print the result as JSON")
    ap.add_argument("--max-path", type=int, default=20, help="cells of the worst path to list (default 20)")
    ap.add_argument("--to", metavar="REGEX",
                    help="only paths ending at a register (named by its output net) or output port matching REGEX")
    ap.add_argument("--kind", action="append", choices=("reg2reg", "in2reg", "reg2out", "in2out"),
                    help="only paths of this kind (repeatable); default all")
    ap.add_argument("--count-all", action="store_true",
                    help="count every combinational cell (MUXF, CARRY, buffers too) as a level; "
                         "to compare with Yosys' ltp")
    ap.add_argument("--worst", type=int, default=0, metavar="N",
                    help="also list the N worst end points (one line each)")
    a = ap.parse_args()
    try:
        with open(a.netlist) as f:
            netlist = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit("lut_depth: cannot read %s: %s" % (a.netlist, e))
    r = analyse(netlist, a.top, a.max_path, a.to, a.worst, a.kind, a.count_all)
    for w in r["warnings"]:
        print("lut_depth: warning: " + w, file=sys.stderr)
    if a.json:
        json.dump(r, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print(fmt_text(r))


if __name__ == "__main__":
    main()
