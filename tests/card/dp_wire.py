"""One end of a wire to the simulated card, in its network namespace, for
tests/card/dataplane.py: sends frames into the card's port and catches what
the card sends out of it, with scapy. Commands on stdin, one JSON object a
line; one JSON answer a line on stdout.

  {"op": "sniff", "mode": "esp"|"inner", "count": N}  start catching
  {"op": "collect", "timeout": S}    the frames caught: {"frames": [hex]}
  {"op": "send", "frames": [hex]}    out of this end, into the card

  dp_wire.py IFACE
"""
import json
import sys
import threading

from scapy.all import ESP, IP, UDP, AsyncSniffer, Ether, conf, raw, sendp


def is_esp(p):
    """ESP, plain or in UDP 4500 (not IKE's zero marker)."""
    if IP not in p:
        return False
    if p[IP].proto == 50:
        return True
    return (UDP in p and 4500 in (p[UDP].sport, p[UDP].dport)
            and raw(p[UDP].payload)[:4] != b"\0\0\0\0")


def is_inner(p):
    """A decapsulated packet: between the test's 10/8 networks."""
    return IP in p and p[IP].src.startswith("10.") and p[IP].dst.startswith("10.")


def main():
    iface = sys.argv[1]
    conf.verb = 0
    sniffer = None
    for line in sys.stdin:
        cmd = json.loads(line)
        out = {"ok": True}
        if cmd["op"] == "sniff":
            ready = threading.Event()
            sniffer = AsyncSniffer(iface=iface, count=cmd.get("count", 1),
                                   lfilter=is_esp if cmd["mode"] == "esp" else is_inner,
                                   started_callback=ready.set, store=True)
            sniffer.start()
            ready.wait(5)
        elif cmd["op"] == "collect":
            sniffer.join(cmd.get("timeout", 10))
            if sniffer.running:
                sniffer.stop()
            out["frames"] = [raw(p).hex() for p in (sniffer.results or [])]
            sniffer = None
        elif cmd["op"] == "send":
            for f in cmd["frames"]:
                sendp(Ether(bytes.fromhex(f)), iface=iface)
        else:
            out = {"ok": False, "err": f"unknown op {cmd['op']}"}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
