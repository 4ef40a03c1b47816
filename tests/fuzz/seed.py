#!/usr/bin/env python3
"""A seed corpus for fuzz_ike_msg: IKEv2 messages made by scapy with
tests/unit/ike_msg_scapy.py's generator (every payload kind nicsecd reads),
each as a file.

  seed.py DIR COUNT SEED
"""
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "unit"))
import ike_msg_scapy  # noqa: E402

out, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(out, exist_ok=True)
r = random.Random(seed)
for i in range(count):
    raw, _ = ike_msg_scapy.gen_message(r)
    with open(os.path.join(out, "scapy%04d" % i), "wb") as f:
        f.write(raw)
