# tcp_xfer.sh: TCP transfers through a tunnel, checked end to end, sourced
# (after tests/checks.sh; needs gw_parts.sh's nsx).  socat moves random
# bytes; the receiver's SHA-256 must be the sender's.
#
#   xfer_start NAME FROM_NS TO_NS TO_ADDR PORT MB	start, in the background
#   xfer_wait NAME					ok/not_ok, with its rate
#
# Files in $XFER_DIR (NAME.src, NAME.got, NAME.log); the sender's pid in
# XFER_PID[NAME], so a test can see whether it still runs.
declare -A XFER_PID XFER_T0 XFER_DESC XFER_RATE
xfer_start() {
	local name=$1 from=$2 to=$3 addr=$4 port=$5 mb=$6
	head -c $((mb << 20)) /dev/urandom >"$XFER_DIR/$name.src"
	nsx "$to" socat -u TCP-LISTEN:"$port",reuseaddr OPEN:"$XFER_DIR/$name.got",creat,trunc \
		2>"$XFER_DIR/$name.log" &
	XFER_PID[$name.rx]=$!
	for _ in $(seq 50); do
		nsx "$to" ss -Hltn "sport = :$port" | grep -q . && break
		sleep 0.1
	done
	XFER_T0[$name]=$(date +%s.%N)
	XFER_DESC[$name]="$name, $mb MB to $addr"
	nsx "$from" timeout 600 socat -u OPEN:"$XFER_DIR/$name.src" TCP:"$addr":"$port" \
		2>>"$XFER_DIR/$name.log" &
	XFER_PID[$name]=$!
}
# the receiver's end: its bytes and their hash against the sender's, and
# the rate from the sender's start to the receiver's end (bytes/s)
xfer_wait() {
	local name=$1 rc=0 dt a b n
	wait "${XFER_PID[$name]}" || rc=$?
	wait "${XFER_PID[$name.rx]}" || rc=$?
	dt=$(python3 -c "import time; print(max(time.time() - ${XFER_T0[$name]}, 0.001))")
	a=$(sha256sum <"$XFER_DIR/$name.src" | cut -c1-16) b=$(sha256sum <"$XFER_DIR/$name.got" | cut -c1-16)
	n=$(stat -c %s "$XFER_DIR/$name.got")
	XFER_RATE[$name]=$(python3 -c "print(round($n / $dt))")
	if [ $rc = 0 ] && [ "$a" = "$b" ]; then
		ok "TCP ${XFER_DESC[$name]}: $n bytes in $(printf %.1f "$dt") s (${XFER_RATE[$name]} bytes/s), SHA-256 $a... both ends"
	else
		not_ok "TCP ${XFER_DESC[$name]}: socat status $rc, $n bytes, SHA-256 sent $a got $b: $(tail -2 "$XFER_DIR/$name.log")"
	fi
}
