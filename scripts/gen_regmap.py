#!/usr/bin/env python3
"""Generates the Verilog and C views of the card's record layouts.

    gen_regmap.py DEF OUTDIR

DEF is a field table (regmap/*.def: name, bits, comment). Writes
OUTDIR/<stem>.vh, with `<PREFIX>_<FIELD>` as a Verilog part-select range
(`hi:lo`) and `<PREFIX>_W` the record's width, and OUTDIR/<stem>.h, with
<PREFIX>_<FIELD>_LSB / _BITS and <PREFIX>_BITS / _WORDS (32-bit words).
The prefix is the stem in capitals: sa_record.def -> SA_RECORD... shortened
to SA_REC for sa_record. A malformed line is an error naming it.
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


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_regmap.py DEF OUTDIR")
    src, outdir = sys.argv[1], sys.argv[2]
    stem = os.path.splitext(os.path.basename(src))[0]
    prefix = PREFIXES.get(stem, stem.upper())
    fields, width = parse(src)
    os.makedirs(outdir, exist_ok=True)
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


if __name__ == "__main__":
    main()
