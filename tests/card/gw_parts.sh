# gw_parts.sh: the pieces the card suites build their gateways from, sourced
# (after tests/ike/lib.sh and ike_init; card_gw.sh sources it): namespaces,
# LAN hosts on a veth, and a gateway's simulated card with its exception
# path.  Needs SIM, CTL and LANES set.
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# gw_ns NS...: namespaces (deleted at cleanup) with IPv6 off, so that only
# the test's frames are on the wires
gw_ns() {
	local ns
	for ns in "$@"; do
		ike_ns "$ns" || return 1
		nsx "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	done
}

# lan_host NS CIDR ROUTER PEER_NS PEER_IF: a host: a0 in NS (CIDR, MTU 1400:
# room for ESP in a 1500-byte WAN frame, default route via ROUTER) on a veth
# whose other end is PEER_IF in PEER_NS (a card's LAN port, or charon's LAN)
lan_host() {
	ip link add a0 netns "$1" type veth peer name "$5" netns "$4" || return 1
	nsx "$1" ip link set a0 mtu 1400 up
	nsx "$4" ip link set "$5" up
	# a veth leaves checksums to its peer; a card is a wire and does not
	nsx "$1" ethtool -K a0 tx off tso off gso off >/dev/null 2>&1 || true
	nsx "$1" ip addr add "$2" dev a0 && nsx "$1" ip route add default via "$3"
}

# gw_card NS DIR LAN_CIDR WAN_CIDR: a gateway's card in NS on its ports'
# veths l1 (LAN) and w1 (WAN), served at DIR/card.sock (its log DIR/sim.log),
# and its exception path on the TAPs tl and tw (nicsecctl tap, DIR/tap.log),
# which carry the gateway's own addresses; both processes ended at cleanup.
# With GW_SIM_STATS set (seconds), the simulator logs a stats line that often
# (its cycles and frames so far: tests/card/e2e_measure.sh reads them)
gw_card() {
	local ns=$1 dir=$2
	nsx "$ns" "$SIM" run --lanes "$LANES" --lan l1 --wan w1 --pcie "$dir/card.sock" \
		${GW_SIM_STATS:+--stats-interval "$GW_SIM_STATS"} >"$dir/sim.log" 2>&1 &
	ike_track_pid $!
	for _ in $(seq 100); do
		[ -S "$dir/card.sock" ] && grep -q "served at" "$dir/sim.log" && break
		sleep 0.1
	done
	[ -S "$dir/card.sock" ] || { echo "nicsec-sim run did not start: $(tail -3 "$dir/sim.log")" >&2; return 1; }
	nsx "$ns" "$CTL" --card "sim:$dir/card.sock" tap --lan tl --wan tw >"$dir/tap.log" 2>&1 &
	ike_track_pid $!
	for _ in $(seq 100); do nsx "$ns" ip link show tw >/dev/null 2>&1 && break; sleep 0.1; done
	nsx "$ns" ip addr add "$3" dev tl && nsx "$ns" ip addr add "$4" dev tw
}

# gw_daemon [LINE...]: the nicsecd { } section of a gateway's config: test
# timings, and the card's Ethernet addresses: from the TAPs' MACs to the
# next hops' (the WAN peer; on the LAN GW_LAN_HOP, default host A's
# 10.1.0.2), from the neighbour table; then each LINE ("retransmit_tries = 3")
gw_daemon() {
	printf 'nicsecd {\n\tretransmit_timeout = 0.5\n\tretransmit_base = 1.4\n'
	printf '\twan_interface = tw\n\tlan_interface = tl\n\tlan_next_hop = %s\n' "${GW_LAN_HOP:-10.1.0.2}"
	[ $# = 0 ] || printf '\t%s\n' "$@"
	printf '}\n'
}
