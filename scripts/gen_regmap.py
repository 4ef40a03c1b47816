#!/usr/bin/env python3
"""Generates the Verilog, C and Markdown views of the card's layouts.

    gen_regmap.py DEF OUTDIR

A DEF is one of two kinds (regmap/*.def):

A record layout, a field table (name, bits, comment). Writes OUTDIR/<stem>.vh,
with `<PREFIX>_<FIELD>` as a Verilog part-select range (`hi:lo`) and
`<PREFIX>_W` the record's width, and OUTDIR/<stem>.h, with
<PREFIX>_<FIELD>_LSB / _BITS and <PREFIX>_BITS / _WORDS (32-bit words).
The prefix is the stem in capitals: sa_record.def -> SA_RECORD... shortened
to SA_REC for sa_record.

A register map, whose first line is `map PREFIX SIZE` (the format is in
regmap/bar0.def's header). Writes OUTDIR/<stem>.vh (offsets; fields as
`hi:lo`, _LSB and _MASK; register masks, reset values, constants; and
`<PREFIX>_IS_MAPPED(a)` and `_IS_WRITABLE(a)` over a byte offset),
OUTDIR/<stem>.h (the same for C, and <PREFIX>_REGS(X): every register as
X(NAME, OFFSET, COUNT, ACCESS, MASK, RESET)) and OUTDIR/<stem>.md (the map
as tables, for docs/).

A malformed line is an error naming it.
"""
import os
import re
import sys

PREFIXES = {"sa_record": "SA_REC"}


def parse(path):
    fields, lsb = [], 0
    with open(path) as fh:
        for n, line in enumerate(fh, 1):
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            parts = text.split(None, 2)
            if len(parts) < 2 or not re.fullmatch(r"[a-z][a-z0-9_]*", parts[0]) \
                    or not parts[1].isdigit() or int(parts[1]) == 0:
                sys.exit(f"{path}:{n}: expected 'name bits [meaning]', got: {text}")
            name, bits = parts[0], int(parts[1])
            if any(f[0] == name for f in fields):
                sys.exit(f"{path}:{n}: field {name} given twice")
            fields.append((name, lsb, bits, parts[2] if len(parts) > 2 else ""))
            lsb += bits
    return fields, lsb


ACCESS = ("ro", "rw", "wo", "w1c", "cmd", "rsvd")
WRITABLE = ("rw", "wo", "w1c", "cmd")


def num(text):
    try:
        return int(text, 0)
    except ValueError:
        return None


def parse_map(path):
    """A register map: (prefix, size, consts, sections, regs), or exit naming the line."""
    def bad(n, msg):
        sys.exit(f"{path}:{n}: {msg}")

    prefix = size = None
    consts, sections, regs = [], [["", []]], []
    names = {}
    with open(path) as fh:
        lines = list(enumerate(fh, 1))
    for n, line in lines:
        raw = line.strip()
        if raw.startswith(">"):
            sections[-1][1].append(raw[1:].strip())
            continue
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        if prefix is None:
            m = re.fullmatch(r"map\s+([A-Z][A-Z0-9_]*)\s+(\S+)", text)
            if not m or num(m.group(2)) is None or num(m.group(2)) < 8 \
                    or num(m.group(2)) & (num(m.group(2)) - 1):
                bad(n, f"expected 'map PREFIX SIZE' (SIZE a power of 2) first, got: {text}")
            prefix, size = m.group(1), num(m.group(2))
            continue
        m = re.fullmatch(r"==\s+(.+)", text)
        if m:
            sections.append([m.group(1), []])
            continue
        m = re.fullmatch(r"const\s+([A-Z][A-Z0-9_]*)\s+(\S+)\s*(.*)", text)
        if m:
            if num(m.group(2)) is None:
                bad(n, f"constant {m.group(1)}: {m.group(2)} is not a number")
            consts.append((m.group(1), num(m.group(2)), m.group(3)))
            names.setdefault(m.group(1), n)
            continue
        m = re.fullmatch(r"\.([a-z][a-z0-9_]*)\s+(\d+)(?::(\d+))?\s*(.*)", text)
        if m:
            if not regs:
                bad(n, "a field before any register")
            reg = regs[-1]
            hi = int(m.group(2))
            lo = int(m.group(3)) if m.group(3) is not None else hi
            if lo > hi or hi >= reg["bits"]:
                bad(n, f"field {m.group(1)} [{hi}:{lo}] is not inside the register's {reg['bits']} bits")
            fmask = ((1 << (hi - lo + 1)) - 1) << lo
            if any(f[0] == m.group(1) for f in reg["fields"]):
                bad(n, f"field {m.group(1)} given twice in {reg['name']}")
            if any(fmask & (((1 << (f[1] - f[2] + 1)) - 1) << f[2]) for f in reg["fields"]):
                bad(n, f"field {m.group(1)} overlaps another field of {reg['name']}")
            reg["fields"].append((m.group(1), hi, lo, m.group(4)))
            continue
        m = re.fullmatch(r"(0x[0-9a-fA-F]+)\s+([A-Z][A-Z0-9_]*)(?:\[(\d+|@[a-z][a-z0-9_]*)\])?"
                         r"\s+(\S+)\s+(\d+)\s+(\S+)\s*(.*)", text)
        if not m:
            bad(n, f"expected 'OFFSET NAME ACCESS BITS RESET MEANING', '.field HI:LO MEANING', "
                   f"'const NAME VALUE', '== SECTION' or '> note', got: {text}")
        off, name, count, access, bits, reset, meaning = m.groups()
        off, bits = int(off, 16), int(bits)
        if count is None:
            count = 1
        elif count.startswith("@"):
            rec = os.path.join(os.path.dirname(path), count[1:] + ".def")
            if not os.path.exists(rec):
                bad(n, f"{name}: no record {rec} for {count}")
            count = (parse(rec)[1] + 31) // 32
        else:
            count = int(count)
        if count < 1:
            bad(n, f"{name}: an array of no registers")
        if access not in ACCESS:
            bad(n, f"{name}: access {access} is not one of {', '.join(ACCESS)}")
        if not 1 <= bits <= 32:
            bad(n, f"{name}: {bits} bits (a register holds 1 to 32)")
        if off % 4:
            bad(n, f"{name}: offset {off:#x} is not a multiple of 4")
        if off + 4 * count > size:
            bad(n, f"{name}: offset {off:#x} ({count} registers) is past the map's {size:#x} bytes")
        if reset != "-" and num(reset) is None:
            bad(n, f"{name}: reset value {reset} is neither a number nor '-'")
        if name in names:
            bad(n, f"{name} is also on line {names[name]}")
        names[name] = n
        regs.append(dict(off=off, name=name, count=count, access=access, bits=bits,
                         reset=reset, meaning=meaning, fields=[], line=n,
                         section=len(sections) - 1))
    if prefix is None:
        sys.exit(f"{path}: empty")
    spans = sorted(((r["off"], r["off"] + 4 * r["count"], r) for r in regs), key=lambda x: x[:2])
    for (a0, a1, ra), (b0, _, rb) in zip(spans, spans[1:]):
        if b0 < a1:
            sys.exit(f"{path}:{rb['line']}: {rb['name']} at {b0:#x} overlaps "
                     f"{ra['name']} ({a0:#x} .. {a1 - 1:#x}, line {ra['line']})")
    for r in regs:
        r["mask"] = mask_of(r)
        if r["reset"] != "-" and num(r["reset"]) & ~r["mask"]:
            sys.exit(f"{path}:{r['line']}: {r['name']}: reset value {r['reset']} has bits "
                     f"the register does not hold (mask {r['mask']:#010x})")
    # the generated names must not collide either
    made = {}
    for c in consts:
        made[c[0]] = c[0]
    for r in regs:
        extra = [""] + (["_N", "_AT"] if r["count"] > 1 else []) + ["_RESET", "_MASK"] + \
            [f"_{f[0].upper()}" + s for f in r["fields"] for s in ("", "_LSB", "_SHIFT", "_MASK")]
        for e in extra:
            key = r["name"] + e
            if key in made and made[key] != r["name"]:
                sys.exit(f"{path}:{r['line']}: {prefix}_{key} would name two things "
                         f"({r['name']} and {made[key]})")
            made[key] = r["name"]
    return prefix, size, consts, sections, regs


def mask_of(r):
    if not r["fields"]:
        return (1 << r["bits"]) - 1
    m = 0
    for _, hi, lo, _ in r["fields"]:
        m |= ((1 << (hi - lo + 1)) - 1) << lo
    return m


def paragraphs(lines):
    out, cur = [], []
    for ln in lines:
        if ln:
            cur.append(ln)
        elif cur:
            out.append(" ".join(cur))
            cur = []
    if cur:
        out.append(" ".join(cur))
    return out


def gen_map(src, outdir, stem):
    prefix, size, consts, sections, regs = parse_map(src)
    aw = size.bit_length() - 1
    live = [r for r in regs if r["access"] != "rsvd"]
    note = f"generated from {src} by scripts/gen_regmap.py; do not edit"
    guard = f"NICSEC_{prefix}_H"
    P = prefix

    def vh_off(o):
        return f"{aw}'h{o:0{(aw + 3) // 4}x}"

    def span(r, a="(a)"):
        if r["count"] == 1:
            return f"{a} == {vh_off(r['off'])}"
        last = r["off"] + 4 * (r["count"] - 1)
        lo = f"{a} >= {vh_off(r['off'])} && " if r["off"] else ""
        return f"({lo}{a} <= {vh_off(last)})"

    with open(os.path.join(outdir, stem + ".vh"), "w") as v:
        v.write(f"// {note}\n`ifndef {guard}\n`define {guard}\n")
        v.write(f"`define {P}_AW {aw}\n`define {P}_SIZE {size}\n")
        for name, val, _ in consts:
            v.write(f"`define {P}_{name} 32'h{val:08x}\n")
        for r in regs:
            n = f"{P}_{r['name']}"
            v.write(f"`define {n} {vh_off(r['off'])}\n")
            if r["count"] > 1:
                v.write(f"`define {n}_N {r['count']}\n")
            if r["access"] == "rsvd":
                continue
            v.write(f"`define {n}_MASK 32'h{r['mask']:08x}\n")
            if r["reset"] != "-":
                v.write(f"`define {n}_RESET 32'h{num(r['reset']):08x}\n")
            for f, hi, lo, _ in r["fields"]:
                fm = ((1 << (hi - lo + 1)) - 1) << lo
                v.write(f"`define {n}_{f.upper()} {hi}:{lo}\n`define {n}_{f.upper()}_LSB {lo}\n"
                        f"`define {n}_{f.upper()}_MASK 32'h{fm:08x}\n")
        for what, sel in (("MAPPED", live),
                          ("WRITABLE", [r for r in live if r["access"] in WRITABLE])):
            v.write(f"`define {P}_IS_{what}(a) (" + " || ".join(f"({span(r)})" for r in sel) + ")\n")
        v.write("`endif\n")

    def cmt(text):
        return text.replace("*/", "* /")

    with open(os.path.join(outdir, stem + ".h"), "w") as c:
        c.write(f"/* {note} */\n#ifndef {guard}\n#define {guard}\n\n")
        c.write(f"#define {P}_SIZE {size:#x}\n\n")
        c.write("/* access kinds, as " + P + "_REGS gives them */\n")
        for i, a in enumerate(ACCESS):
            c.write(f"#define {P}_ACC_{a.upper()} {i}\n")
        c.write("\n")
        for name, val, meaning in consts:
            c.write(f"#define {P}_{name} {val:#010x}u\t/* {cmt(meaning)} */\n")
        for si, (title, _) in enumerate(sections):
            rs = [r for r in regs if r["section"] == si]
            if not rs:
                continue
            c.write(f"\n/* {cmt(title)} */\n")
            for r in rs:
                n = f"{P}_{r['name']}"
                c.write(f"#define {n} {r['off']:#05x}\t/* {r['access']}: {cmt(r['meaning'])} */\n")
                if r["count"] > 1:
                    c.write(f"#define {n}_N {r['count']}\n#define {n}_AT(i) ({n} + 4 * (i))\n")
                if r["access"] == "rsvd":
                    continue
                c.write(f"#define {n}_MASK {r['mask']:#010x}u\n")
                if r["reset"] != "-":
                    c.write(f"#define {n}_RESET {num(r['reset']):#010x}u\n")
                for f, hi, lo, _ in r["fields"]:
                    fm = ((1 << (hi - lo + 1)) - 1) << lo
                    c.write(f"#define {n}_{f.upper()}_SHIFT {lo}\n#define {n}_{f.upper()}_MASK {fm:#010x}u\n")
        c.write(f"\n/* every register: X(NAME, OFFSET, COUNT, ACCESS, MASK, RESET); MASK the bits it\n"
                f" * holds (0 for rsvd), RESET its value after reset (0 where the map gives none) */\n"
                f"#define {P}_REGS(X) \\\n")
        for r in regs:
            mask = 0 if r["access"] == "rsvd" else r["mask"]
            reset = 0 if r["reset"] == "-" else num(r["reset"])
            c.write(f"\tX({r['name']}, {r['off']:#05x}, {r['count']}, {P}_ACC_{r['access'].upper()}, "
                    f"{mask:#010x}u, {reset:#010x}u) \\\n")
        c.write("\n#endif\n")

    def cell(text):
        return text.replace("|", "\\|")

    with open(os.path.join(outdir, stem + ".md"), "w") as d:
        d.write(f"# {P} register map\n\n<!-- {note} -->\n\n")
        for p in paragraphs(sections[0][1]):
            d.write(p + "\n\n")
        d.write("| constant | value | meaning |\n|---|---|---|\n")
        for name, val, meaning in consts:
            d.write(f"| `{name}` | `{val:#010x}` | {cell(meaning)} |\n")
        for si, (title, notes) in enumerate(sections[1:], 1):
            d.write(f"\n## {title}\n\n")
            for p in paragraphs(notes):
                d.write(p + "\n\n")
            d.write("| offset | register | access | bits | reset | meaning |\n|---|---|---|---|---|---|\n")
            for r in regs:
                if r["section"] != si:
                    continue
                off = f"`{r['off']:#05x}`"
                name = r["name"]
                if r["count"] > 1:
                    off = f"`{r['off']:#05x}` .. `{r['off'] + 4 * r['count'] - 1:#05x}`"
                    name = f"{name}[0..{r['count'] - 1}]"
                text = cell(r["meaning"])
                for f, hi, lo, fm in r["fields"]:
                    bits = f"{hi}:{lo}" if hi != lo else f"{hi}"
                    text += f"<br>`[{bits}]` {f}: {cell(fm)}"
                reset = "" if r["reset"] == "-" else f"`{r['reset']}`"
                d.write(f"| {off} | `{name}` | {r['access']} | {r['bits']} | {reset} | {text} |\n")


def gen_record(src, outdir, stem):
    prefix = PREFIXES.get(stem, stem.upper())
    fields, width = parse(src)
    note = f"generated from {src} by scripts/gen_regmap.py; do not edit"
    guard = f"NICSEC_{prefix}_H"
    with open(os.path.join(outdir, stem + ".vh"), "w") as v:
        v.write(f"// {note}\n`ifndef {guard}\n`define {guard}\n")
        v.write(f"`define {prefix}_W {width}\n")
        for name, lsb, bits, _ in fields:
            v.write(f"`define {prefix}_{name.upper()} {lsb + bits - 1}:{lsb}\n")
        v.write("`endif\n")
    with open(os.path.join(outdir, stem + ".h"), "w") as c:
        c.write(f"/* {note} */\n#ifndef {guard}\n#define {guard}\n\n")
        c.write(f"#define {prefix}_BITS {width}\n")
        c.write(f"#define {prefix}_WORDS {(width + 31) // 32}\n\n")
        for name, lsb, bits, meaning in fields:
            up = name.upper()
            c.write(f"#define {prefix}_{up}_LSB {lsb}\n#define {prefix}_{up}_BITS {bits}")
            c.write(f"\t/* {meaning} */\n" if meaning else "\n")
        c.write("\n#endif\n")


def is_map(path):
    with open(path) as fh:
        for line in fh:
            text = line.split("#", 1)[0].strip()
            if text and not text.startswith(">"):
                return text.split()[0] == "map"
    return False


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_regmap.py DEF OUTDIR")
    src, outdir = sys.argv[1], sys.argv[2]
    stem = os.path.splitext(os.path.basename(src))[0]
    os.makedirs(outdir, exist_ok=True)
    if is_map(src):
        gen_map(src, outdir, stem)
    else:
        gen_record(src, outdir, stem)


if __name__ == "__main__":
    main()
