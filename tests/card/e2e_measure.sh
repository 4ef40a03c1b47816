# e2e_measure.sh: what tests/card/e2e_gateway.sh measures for make bench
# (scripts/bench_e2e.sh, docs/bench.md), sourced after tests/checks.sh and
# gw_parts.sh (nsx).  Each figure is a RESULT line, KEY=VALUE after the value.
#
#   rtt_check WHAT NS ADDR COUNT LOG NAME
#       COUNT pings from NS to ADDR, 0.1 s apart: ok if every one came back,
#       and `RESULT NAME MEDIAN_MS min=.. max=.. sent=.. received=..`
#   rtt_bg_start NS ADDR LOG / rtt_bg_stop NAME
#       pings 0.2 s apart in the background until stopped (under load), then
#       the same RESULT line; no check
#   card_mark NAME NS DIR
#       where the card's log DIR/sim.log is (its line count) and its ports'
#       veth counters (l1, w1 in NS), in DIR/mark.NAME
#   card_window FROM TO DIR
#       the card between two marks, from the stats lines the simulator logged
#       between them (gw_card with GW_SIM_STATS): its cycles and the frames it
#       moved, the mean frame from the veths' byte counts; cycles a packet,
#       bits a cycle and what that is at 250 MHz: `RESULT
#       e2e.projected_gbit_s_250mhz GBIT_S cycles=.. ...`.  The simulator
#       steps the card while it has work and 4,096 cycles after, whether a
#       frame is in it or not, so these cycles include ones the card sat
#       idle waiting for the next frame: the rate is a lower bound.

# the RESULT line of a ping log: median, min, max (ms), sent, received
rtt_result() {
	python3 -I -S - "$1" "$2" <<-'PY'
	import re, statistics, sys
	log, name = sys.argv[1:3]
	text = open(log).read()
	t = [float(x) for x in re.findall(r"time=([0-9.]+) ms", text)]
	m = re.search(r"(\d+) packets transmitted, (\d+) received", text)
	sent, got = (int(m[1]), int(m[2])) if m else (0, len(t))
	if not t:
	    print(f"RESULT {name} none sent={sent} received=0")
	else:
	    print(f"RESULT {name} {statistics.median(t):.2f} min={min(t):.2f} max={max(t):.2f} "
	          f"sent={sent} received={got}")
	PY
}
rtt_check() {
	local what=$1 ns=$2 addr=$3 n=$4 log=$5 r
	nsx "$ns" ping -c "$n" -i 0.1 -W 3 "$addr" >"$log" 2>&1
	r=($(rtt_result "$log" "$6"))
	echo "${r[*]}"
	if grep -q "$n packets transmitted, $n received" "$log"; then
		ok "$what: $n pings, none lost; round trip median ${r[2]} ms (${r[3]#min=} to ${r[4]#max=})"
	else
		not_ok "$what: $(grep loss "$log")"
	fi
}
RTT_BG= RTT_BG_LOG=
rtt_bg_start() {
	RTT_BG_LOG=$3
	ip netns exec "$1" ping -i 0.2 -W 5 "$2" >"$RTT_BG_LOG" 2>&1 &
	RTT_BG=$!
	ike_track_pid $RTT_BG
}
rtt_bg_stop() {
	local r
	[ -n "$RTT_BG" ] || return 0
	kill -INT "$RTT_BG" 2>/dev/null
	wait "$RTT_BG" 2>/dev/null
	RTT_BG=
	r=($(rtt_result "$RTT_BG_LOG" "$1"))
	echo "${r[*]}"
	echo "pings host A -> host B during the transfers: ${r[5]#sent=} sent, ${r[6]#received=} back, round trip median ${r[2]} ms (${r[3]#min=} to ${r[4]#max=})"
}

card_mark() {
	local i k
	{ wc -l <"$3/sim.log"
	  for i in l1 w1; do
		for k in rx_packets rx_bytes tx_packets tx_bytes; do
			nsx "$2" cat "/sys/class/net/$i/statistics/$k"
		done
	  done; } | tr '\n' ' ' >"$3/mark.$1"
}

card_window() {
	python3 -I -S - "$3/sim.log" "$3/mark.$1" "$3/mark.$2" "$LANES" <<-'PY'
	import re, sys
	log, lanes = sys.argv[1], int(sys.argv[4])
	a, b = ([int(x) for x in open(f).read().split()] for f in sys.argv[2:4])
	pat = re.compile(r"nicsec-sim run: (\d+) s: (\d+) cycles, \d+ cycles/s busy; "
	                 r"LAN (\d+) in (\d+) out, WAN (\d+) in (\d+) out;")
	lines = open(log).read().splitlines()[a[0]:b[0]]
	st = [[int(x) for x in m.groups()] for m in map(pat.match, lines) if m]
	if len(st) < 2:
	    print(f"RESULT e2e.projected_gbit_s_250mhz none stats_lines={len(st)}")
	    sys.exit(0)
	# cycles, then LAN in, LAN out, WAN in, WAN out, between the first
	# stats line of the window and the last (one instant each)
	d = [y - x for x, y in zip(st[0], st[-1])]
	secs, cycles, lan_in, lan_out, wan_in, wan_out = d
	# the veths at the marks: l1 rx = frames into the LAN port, tx = out of
	# it; w1 the same for the WAN port (no FCS)
	v = [y - x for x, y in zip(a[1:], b[1:])]
	lrx_p, lrx_b, ltx_p, ltx_b, wrx_p, wrx_b, wtx_p, wtx_b = v
	size = lambda n, p: n / p if p else 0
	wan_bpc = (wan_in * size(wrx_b, wrx_p) + wan_out * size(wtx_b, wtx_p)) * 8 / cycles
	# the packets: each frame through the card counted once, at its LAN
	# side (cleartext): out = LAN in, in = LAN out
	out_b, in_b = size(lrx_b, lrx_p), size(ltx_b, ltx_p)
	pkts = lan_in + lan_out
	bits_out, bits_in = lan_in * out_b * 8, lan_out * in_b * 8
	bpc = (bits_out + bits_in) / cycles
	cpp = cycles / pkts
	mean = (bits_out + bits_in) / 8 / pkts
	print(f"the card during the TCP transfers: {cycles} cycles simulated in {secs} s "
	      f"({cycles / max(secs, 1):.0f} cycles/s); LAN {lan_in} frames in, {lan_out} out "
	      f"(mean {out_b:.0f} and {in_b:.0f} bytes), WAN {wan_in} in, {wan_out} out "
	      f"(mean {size(wrx_b, wrx_p):.0f} and {size(wtx_b, wtx_p):.0f} bytes); "
	      f"{cpp:.2f} cycles a packet, {bpc:.1f} bits a cycle on the LAN side, both ways "
	      f"(out {bits_out / cycles:.1f}, in {bits_in / cycles:.1f}): "
	      f"{bpc * 0.25:.2f} Gb/s at 250 MHz, a lower bound (the cycles include idle ones)")
	print(f"RESULT e2e.projected_gbit_s_250mhz {bpc * 0.25:.3f} cycles={cycles} seconds={secs} "
	      f"packets={pkts} lan_in={lan_in} lan_out={lan_out} wan_in={wan_in} wan_out={wan_out} "
	      f"cycles_per_packet={cpp:.3f} mean_frame_bytes={mean:.1f} "
	      f"mean_out_bytes={out_b:.1f} mean_in_bytes={in_b:.1f} "
	      f"wan_mean_in_bytes={size(wrx_b, wrx_p):.1f} wan_mean_out_bytes={size(wtx_b, wtx_p):.1f} "
	      f"bits_per_cycle={bpc:.2f} out_bits_per_cycle={bits_out / cycles:.2f} "
	      f"in_bits_per_cycle={bits_in / cycles:.2f} wan_bits_per_cycle={wan_bpc:.2f} lanes={lanes}")
	PY
}
