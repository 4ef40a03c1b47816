#!/usr/bin/env python3
"""Turns `swanctl --list-sas --pretty` on stdin into one JSON object a line.

Used by lib.sh (sa_json, sa_field, wait_sa); the fields are documented at
sa_json there. Modes:
  sa_parse.py                        every SA, one JSON object a line
  sa_parse.py --field CONN CHILD F   field F of CONN's IKE SA (CHILD -) or
                                     of each CHILD_SA named CHILD
                                     (INSTALLED first), one a line
  sa_parse.py --up CONN CHILD        exit 0 if CONN's IKE SA is ESTABLISHED
                                     and (unless CHILD is -) a CHILD_SA
                                     CHILD is INSTALLED, else 1
swanctl's pretty
form is one item a line: `key = value`, `name {` ... `}` for a section,
`key = [` ... `]` for a list; each IKE SA comes as one `list-sa event`
message whose only section is named after the connection.
"""
import json
import sys


def parse(lines):
    """The messages in lines, as (name, dict) pairs, sections nested."""
    msgs = []
    stack = []
    cur_list = None
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if cur_list is not None:
            if line == "]":
                cur_list = None
            else:
                cur_list.append(line)
            continue
        if line.endswith("{"):
            name = line[:-1].strip()
            sect = {}
            if stack:
                stack[-1][name] = sect
            else:
                msgs.append((name, sect))
            stack.append(sect)
        elif line == "}":
            if stack:
                stack.pop()
        elif " = " in line:
            key, val = line.split(" = ", 1)
            if val == "[":
                cur_list = []
                stack[-1][key] = cur_list
            else:
                stack[-1][key] = val
        elif line.endswith(" ="):
            stack[-1][line[:-2]] = ""
    return msgs


def nat(sa):
    local = sa.get("nat-local") == "yes"
    remote = sa.get("nat-remote") == "yes"
    return {(True, True): "both", (True, False): "local",
            (False, True): "remote", (False, False): "none"}[(local, remote)]


def rows(msgs):
    for name, body in msgs:
        if name != "list-sa event":
            continue
        for conn, sa in body.items():
            yield {
                "type": "ike",
                "conn": conn,
                "uniqueid": sa.get("uniqueid", ""),
                "state": sa.get("state", ""),
                "spi_i": sa.get("initiator-spi", ""),
                "spi_r": sa.get("responder-spi", ""),
                "initiator": sa.get("initiator", "no"),
                "local": "%s[%s]" % (sa.get("local-host", ""),
                                     sa.get("local-port", "")),
                "remote": "%s[%s]" % (sa.get("remote-host", ""),
                                      sa.get("remote-port", "")),
                "local_id": sa.get("local-id", ""),
                "remote_id": sa.get("remote-id", ""),
                "nat": nat(sa),
                "nat_fake": sa.get("nat-fake", "no"),
                "encr": sa.get("encr-alg", ""),
                "keysize": sa.get("encr-keysize", ""),
                "integ": sa.get("integ-alg", ""),
                "prf": sa.get("prf-alg", ""),
                "dh": sa.get("dh-group", ""),
            }
            for child in sa.get("child-sas", {}).values():
                yield {
                    "type": "child",
                    "conn": conn,
                    "child": child.get("name", ""),
                    "uniqueid": child.get("uniqueid", ""),
                    "reqid": child.get("reqid", ""),
                    "state": child.get("state", ""),
                    "mode": child.get("mode", ""),
                    "protocol": child.get("protocol", ""),
                    "encap": child.get("encap", "no"),
                    "spi_in": child.get("spi-in", ""),
                    "spi_out": child.get("spi-out", ""),
                    "encr": child.get("encr-alg", ""),
                    "keysize": child.get("encr-keysize", ""),
                    "integ": child.get("integ-alg", ""),
                    "dh": child.get("dh-group", ""),
                    "esn": child.get("esn", "0"),
                    "local_ts": " ".join(child.get("local-ts", [])),
                    "remote_ts": " ".join(child.get("remote-ts", [])),
                    "bytes_in": child.get("bytes-in", ""),
                    "bytes_out": child.get("bytes-out", ""),
                    "packets_in": child.get("packets-in", ""),
                    "packets_out": child.get("packets-out", ""),
                }


def select(all_rows, conn, child):
    if child == "-":
        return [r for r in all_rows if r["type"] == "ike" and r["conn"] == conn]
    sel = [r for r in all_rows if r["type"] == "child" and r["conn"] == conn
           and r["child"] == child]
    sel.sort(key=lambda r: r["state"] != "INSTALLED")
    return sel


def main(argv):
    all_rows = list(rows(parse(sys.stdin)))
    if len(argv) == 4 and argv[0] == "--field":
        for r in select(all_rows, argv[1], argv[2]):
            print(r.get(argv[3], ""))
        return 0
    if len(argv) == 3 and argv[0] == "--up":
        ike = any(r["state"] == "ESTABLISHED"
                  for r in select(all_rows, argv[1], "-"))
        child = argv[2] == "-" or any(
            r["state"] == "INSTALLED"
            for r in select(all_rows, argv[1], argv[2]))
        return 0 if ike and child else 1
    if argv:
        print("usage: sa_parse.py [--field CONN CHILD FIELD | --up CONN CHILD]",
              file=sys.stderr)
        return 2
    for row in all_rows:
        print(json.dumps(row, sort_keys=True))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BrokenPipeError:
        sys.exit(0)
