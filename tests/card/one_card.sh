# Sourced: one simulated card, live, for tests and benches that talk to it
# only through libnicsec (its ports idle on veths to empty namespaces):
#
#   lanp == lan0 [nicsec-sim run, ns $CARD_NS] wan0 == wanp
#
#   . tests/card/one_card.sh; card_up LANES LOG   -> $CARD_SPEC (sim:PATH)
#
# card_down (also run on exit) ends the simulator and removes the namespaces.
CARD_T=$(mktemp -d /tmp/nicsec-card.XXXXXX)
CARD_P=nc$$
CARD_NS=${CARD_P}s
CARD_SIM_PID=
CARD_SPEC=

card_down() {
	local ns pid
	[ -n "$CARD_SIM_PID" ] && kill -9 "$CARD_SIM_PID" 2>/dev/null
	for ns in $CARD_NS ${CARD_P}l ${CARD_P}w; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$CARD_T"
	CARD_SIM_PID=
}
trap card_down EXIT

card_up() {  # LANES LOG
	local lanes=$1 log=$2 sim=$PWD/${BUILD:-build}/nicsec-sim ns
	for ns in $CARD_NS ${CARD_P}l ${CARD_P}w; do
		ip netns add "$ns" || return 1
		ip netns exec "$ns" ip link set lo up
	done
	ip link add lan0 netns $CARD_NS type veth peer name lanp netns ${CARD_P}l || return 1
	ip link add wan0 netns $CARD_NS type veth peer name wanp netns ${CARD_P}w || return 1
	ip netns exec $CARD_NS ip link set lan0 up
	ip netns exec $CARD_NS ip link set wan0 up
	ip netns exec ${CARD_P}l ip link set lanp up
	ip netns exec ${CARD_P}w ip link set wanp up
	# ip netns exec execs the simulator: $! is its pid
	ip netns exec $CARD_NS "$sim" run --lanes "$lanes" --lan lan0 --wan wan0 \
		--pcie "$CARD_T/card.sock" >"$log" 2>&1 &
	CARD_SIM_PID=$!
	for _ in $(seq 100); do
		if grep -q "served at" "$log" 2>/dev/null && [ -S "$CARD_T/card.sock" ]; then
			CARD_SPEC=sim:$CARD_T/card.sock
			return 0
		fi
		kill -0 "$CARD_SIM_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "nicsec-sim run did not start:" >&2
	cat "$log" >&2
	return 1
}
