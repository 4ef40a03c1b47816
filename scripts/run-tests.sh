#!/usr/bin/env bash
# `make test`: every test, in order, with one summary line at the end:
# "tests: N passed, N failed" counting suites (each suite prints its own counts).
#
#   unit      cmocka tests of the C helpers (NIST reader, OpenSSL oracle)
#   ike-crypto cross: nicsecd's IKEv2 key derivation, PRF+, AUTH and SK payload
#             (host/ike_crypto.c) against an independent Python version on
#             python3-cryptography (tests/unit/ike_crypto_oracle.py), every
#             DH group and IKE suite, byte for byte both ways
#   ike exchanges vs python: CREATE_CHILD_SA (a CHILD_SA rekey with PFS, the
#             IKE SA rekeyed) and INFORMATIONAL messages as nicsecd builds them
#             (tests/unit/ike_exch_cross.c), every DH group, opened with
#             python3-cryptography and read by scapy's IKEv2 dissector; the
#             KEYMAT with PFS and the new IKE SA's keys computed again from
#             the messages (tests/unit/ike_crypto_oracle.py --exchanges)
#   ike parser fuzz: libFuzzer (clang, ASan, UBSan) on the IKE message and
#             payload parser for 30 s from 200 scapy-made messages
#             (tests/fuzz/fuzz_ike_msg.c); any crash or bad access fails it
#   ike messages vs scapy: nicsecd's IKEv2 header and payload parser and
#             builder (host/ike_msg.c, host/ike_pld.c) both ways against
#             scapy's IKEv2 (tests/unit/ike_msg_scapy.py), and every prefix
#             and random bit flips of good messages parsed without a crash
#   lint      verilator --lint-only -Wall on rtl/ at every LANES value
#   gcm-nist  every NIST CAVP GCM vector with a 96-bit IV and a 128/256-bit key,
#             encrypt and decrypt (FAIL cases included), at LANES 1, 2 and 4,
#             once streaming freely and once with random back-pressure and gaps
#   gcm-rand  10,000 random ESP-like messages against OpenSSL at each LANES value:
#             half back to back, half with random back-pressure and gaps
#   splice    axis_splice (header ++ body[drop:drop+keep] ++ tail, realigned):
#             random packets checked byte by byte, with and without back-pressure;
#             also built with OVERLAP=1 (a first beat beside the last flush) at
#             LANES 1 and 4
#   hdrcap    axis_hdr_capture: random frames up to jumbo pass unchanged, each with
#             its first 96 bytes beside it
#   bytecap   axis_byte_capture (the inbound ICV's capture): random packets, offsets
#             and lengths, against the packet's own bytes
#   replay    replay_window against RFC 4303 Appendix A (bitmap shift, ESN inference)
#   spd       spd_lookup against a first-match scan of the same rules
#   counter   rmw_counter: adds every cycle, colliding, some refused by limits,
#             against a plain array; one field, and two (packets and bytes)
#   framefifo axis_frame_fifo: random frames up to jumbo (and past the FIFO's size),
#             some marked drop; every byte, meta, drop and overflow checked, and
#             without back-pressure each frame out on its store-and-forward cycle
#   route     axis_frame_route: frames steered by decisions that come before or
#             after them; every byte, output and meta checked; one beat a cycle
#   arb       axis_frame_arb: three inputs merged frame by frame, round robin;
#             every byte, tuser and m_src checked; one beat a cycle
#   encap     esp_encap: ESP frames checked by python3-cryptography and scapy
#   decap     esp_decap: ESP frames made with OpenSSL, a third of them faulty in one
#             of 20 ways (ICV, trailer, selector, truncation); every verdict, m_sa
#             and m_seq checked, and every intact inner frame byte for byte
#   hdrparse  hdr_parse against scapy: 3,000 frames of the run's seed from
#             tests/vectors/gen_hdr_vectors.py (in $BUILD/vectors/), every field
#             checked against what scapy dissects (python: $NICSEC_PYTHON, or
#             /usr/bin/python3, Debian's, which has python3-scapy)
#   card      the card's top level through nicsec-sim replay at LANES 1 and 4
#             (docs/nicsec-sim.md): interop (3,000 packets each, both ways, made
#             and checked by scapy), anti-replay, bad input, limits, exception path
#             (with the host's own frames out of both ports, between the data
#             path's); every output frame, counter and event checked
#             (tests/esp/check_card.py)
#   nicsec-sim arguments: bad options and files give one line and exit 2
#   nicsec-sim run: the card live between network namespaces at LANES 1 and 4
#             (tests/sim/run_basic.sh), through libnicsec's sim backend
#             (tests/sim/sim_client.c): registers, posted writes in order, the
#             lock between two clients, shared host memory, the DMA rings with
#             interrupts, bypassed frames whose partial checksums it finishes
#             (checked by scapy), GSO refused, no CPU while idle, the
#             simulator killed mid-session, every command line error
#   csr       the card behind its BAR0 block (rtl/nicsec_card_bar.v) at LANES 1,
#             driven only through the registers (sim/unit/csr_tb.cpp): identity,
#             every register and its bits, back-to-back ordering, SAs installed
#             with driver/sa_pack.h whose ESP OpenSSL decrypts, counters, keys
#             that never read back and are cleared by the commit, policy rules,
#             events, commits while busy, every bad access, 1,000 install/delete
#             cycles, soft reset
#   dma       the exception path's DMA rings (rtl/card_dma.v) in the card behind
#             BAR0, at LANES 1 and 4, with and without random back-pressure
#             (sim/unit/dma_tb.cpp): frames both ways byte-exact and in order,
#             small rings wrapping, drops and truncation, refused descriptors,
#             the interrupt, soft reset under traffic; every DMA access checked
#   bar0-docs docs/bar0.md is what regmap/bar0.def generates (`make regmap-docs`)
#   nicsecctl errors: against a live card (tests/card/ctl_errors.sh), a wrong
#             or missing device, bad specs, bad SA and policy lines, refused
#             requests: each its exit status and one line naming the cause,
#             and the card's SAs and rules unchanged
#   control path: 3,000 SA add/delete cycles (10,000 by hand: control_path.sh 1 10000) through libnicsec against a live
#             card (tests/card/control_path.sh, tests/card/sa_churn.c), checked
#             against a model of the table: used-slot bitmap, SAs read back,
#             counters, SA_COMMITS, no slot left used
#   dataplane: nicsecd's data plane module (host/dataplane.c) against a live
#             card (tests/card/dataplane.sh, dp_probe.c, dataplane.py): CHILD_SAs
#             from struct ike_child in both roles, with and without UDP
#             encapsulation and ESN, checked by nicsecctl (SAs, rules) and on the
#             wire (scapy opens the ESP with the KEYMAT half RFC 7296 says, not the
#             other; ESP made by scapy delivered only under the right one); counters,
#             events, rekey make-before-break, delete, capacity refusals changing
#             nothing, slot quarantine, `none`
#   nicsecd with a card: the daemon (--dataplane sim:) against charon with a
#             live card in the data path (tests/card/nicsecd_card.sh): IKE through
#             the card's exception path to TAPs, nicsecd initiating and then
#             responding; the card read back by nicsecctl (a process of its own)
#             holds exactly the CHILD_SA's two SAs (charon's SPIs crossed, UDP
#             4500/4500, addresses, selectors) and one protect rule on the
#             outbound SA; ping from a LAN host through the card, its per-SA
#             counters equal to charon's; rekeys both ways under traffic (the
#             new pair, the old gone, no ping lost), terminate and SIGTERM (the
#             peer answering or silent) leave nothing; CapEff 0; a rekey from
#             the card's soft packet limit; DPD held back while ESP comes in
#   trap on a card: start_action, close_action and dpd_action trap against
#             charon (tests/card/nicsecd_trap.sh): the punt rule on the card
#             with no IKE SA, a ping bringing the tunnel up, and again after
#             charon's CHILD_SA and IKE SA DELETEs and its death; terminate,
#             reload and SIGTERM leaving the card as they should
#   IKE_SA_INIT vs strongSwan: nicsecd's IKE_SA_INIT and IKE_AUTH (tests/ike/init_probe.c)
#             to charon in a network namespace: every IKE proposal family and
#             DH group (keys derived, the proposal charon logs the same), the
#             INVALID_KE_PAYLOAD, NO_PROPOSAL_CHOSEN and COOKIE rounds; a PSK
#             IKE_AUTH leaving charon ESTABLISHED and INSTALLED with the SPIs
#             crossed, a wrong PSK and an unexpected peer ID each one line
#   CREATE_CHILD_SA and INFORMATIONAL vs strongSwan: nicsecd's exchanges after
#             IKE_AUTH (tests/ike/child_probe.c) to charon, an AES-GCM and an
#             AES-CBC IKE SA: a CHILD_SA with PFS, a CHILD_SA rekey and DELETE,
#             liveness, the IKE SA rekeyed and the old one deleted, a CHILD_SA
#             over the new one; charon then has exactly our SAs, SPIs crossed,
#             the PFS group; charon requiring PFS (the PFS mismatch line) and
#             INVALID_KE_PAYLOAD for the PFS group (the retry); and charon as
#             the initiator (child_probe --respond): its CHILD_SA rekey with
#             PFS, IKE SA rekey, DELETEs, liveness checks and terminate answered
#   nicsecd vs strongSwan: the daemon (tests/ike/nicsecd_interop.sh) with
#             charon as responder and as initiator, one IKE SA for each IKE
#             proposal family and DH group at once, encap yes and no: both
#             ends hold the same SAs, SPIs and algorithms (sa_match.py against
#             swanctl --list-sas); CREATE_CHILD_SA, rekeys and DELETEs both
#             ways; ESN negotiated; ECDSA and RSA certificates both ways and an
#             untrusted CA; behind a NAT (keepalives); a lost response answered from the cache,
#             lost requests retransmitted; nicsecctl initiate, terminate,
#             rekey, reload (a broken file changes nothing), log-level and its
#             errors; a wrong PSK, an unknown peer ID, IKE and ESP proposals
#             and selectors with nothing in common, each its line; malformed,
#             oversized and wrong-SPI packets dropped with a line, no SA changed
#   lifecycle vs strongSwan: nicsecd's timers and actions
#             (tests/ike/nicsecd_lifecycle.sh) against charon, data plane none:
#             CHILD_SA rekeys every 3-4 s (rekey_time, life_time, rand_time) seen
#             on both ends, make-before-break both ways (charon's rekey: the new
#             inbound SA before the response, the outbound on its DELETE), IKE SA
#             rekeys keeping the CHILD_SA, a refused rekey (PFS) ending at
#             life_time on both ends, 30 % IKE loss each way during rekeys,
#             charon's DELETEs re-initiated (close_action start), charon killed:
#             DPD within dpd_delay plus the retransmits, dpd_action restart,
#             back-off, back when charon is; after each, nothing half-installed
#   two gateways: two simulated cards between network namespaces at LANES 1
#             and 4 (tests/card/two_gateways.sh), static SAs and a policy rule
#             loaded by nicsecctl, the exception path on TAPs: ping and TCP
#             both ways, and both cards' counters equal to what nftables
#             counted on the hosts
#   end to end gateway: host A, nicsec (card, TAPs, nicsecd), charon, host B
#             in network namespaces (tests/card/e2e_gateway.sh): 16 MB of TCP
#             each way at once (SHA-256), ten rekeys by both ends during it,
#             every ESP packet of the run counted alike by the card and charon
#             (charon's outbound on the wire), no drops; DPD with charon
#             killed; then two nicsec gateways: tunnel, TCP both ways, a rekey,
#             the two cards' counts alike
#   make demo: scripts/demo.sh with 4 MB each way, as `make demo` runs it, so
#             that the README's first command keeps working: its steps
#             (tunnel, ping, TCP checked by SHA-256, rekeys) must pass
#
# NICSEC_SUITES="csr dma" runs only the suites whose names begin with one of
# those words (the others are not counted).
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
CAVP_DIR=${NICSEC_CAVP_DIR:-/usr/lib/python3/dist-packages/cryptography_vectors/ciphers/AES/GCM}
PYTHON=${NICSEC_PYTHON:-/usr/bin/python3}
SEED=${NICSEC_SEED:-$(date +%s)}

passed=0
failed=0
failures=()

suite() {
	local name=$1 w keep=
	shift
	for w in ${NICSEC_SUITES:-}; do
		case "$name" in "$w"*) keep=1 ;; esac
	done
	[ -z "${NICSEC_SUITES:-}" ] || [ -n "$keep" ] || return 0
	echo "== $name"
	local t0=$SECONDS
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures+=("$name")
	fi
	# each suite's wall time, to see where make test's budget goes
	times+=("$((SECONDS - t0)) s  $name")
}
times=()

suite unit bash scripts/run-unit-tests.sh "$BUILD"/unit/test_*
suite "ike-crypto cross" "$BUILD/unit/ike_crypto_cross" --cases 336 --seed "$SEED" --python "$PYTHON"
# CREATE_CHILD_SA and INFORMATIONAL messages, opened and dissected apart from C
suite "ike exchanges vs python" sh -c '"$1" "$2" --seed "$3" && "$4" tests/unit/ike_crypto_oracle.py --exchanges "$2"' \
	sh "$BUILD/unit/ike_exch_cross" "$BUILD/unit/ike_exch_cases.txt" "$SEED" "$PYTHON"
suite "ike messages vs scapy" "$PYTHON" tests/unit/ike_msg_scapy.py "$BUILD/unit/ike_dump" 500 "$SEED"
# libFuzzer on the parser for 30 s, from 200 scapy-made messages
fuzz() {
	local dir rc
	dir=$(mktemp -d /tmp/nicsec-fuzz.XXXXXX)
	"$PYTHON" tests/fuzz/seed.py "$dir" 200 "$SEED" &&
		"$BUILD/fuzz/fuzz_ike_msg" -max_total_time=30 -max_len=4096 -seed="$SEED" \
			-artifact_prefix="$BUILD/fuzz/" -print_final_stats=1 "$dir" 2>&1 | grep -E "^Done|^stat::number_of_executed|ERROR|SUMMARY|==[0-9]+=="
	rc=${PIPESTATUS[0]}
	rm -rf "$dir"
	return "$rc"
}
suite "ike parser fuzz" fuzz
suite lint make -s lint

cavp=()
for f in gcmEncryptExtIV128 gcmEncryptExtIV256 gcmDecrypt128 gcmDecrypt256; do
	cavp+=(--cavp "$CAVP_DIR/$f.rsp")
done
echo "random seed $SEED (NICSEC_SEED=$SEED reproduces it)"
for L in 1 2 4; do
	tb=$BUILD/gcm_l$L/gcm-tb
	suite "gcm-nist LANES=$L" "$tb" "${cavp[@]}"
	suite "gcm-nist LANES=$L stalls" "$tb" "${cavp[@]}" --stall 30 --gap 30 --seed "$SEED"
	suite "gcm-rand LANES=$L" "$tb" --random 5000 --seed "$SEED"
	suite "gcm-rand LANES=$L stalls" "$tb" --random 5000 --seed "$((SEED + 1))" --stall 25 --gap 25
	suite "splice LANES=$L" "$BUILD/splice_l$L/splice-tb" 5000 0 "$SEED"
	suite "splice LANES=$L stalls" "$BUILD/splice_l$L/splice-tb" 20000 30 "$SEED"
	suite "hdrcap LANES=$L" "$BUILD/hdrcap_l$L/hdrcap-tb" 5000 0 "$SEED"
	suite "hdrcap LANES=$L stalls" "$BUILD/hdrcap_l$L/hdrcap-tb" 20000 30 "$SEED"
	suite "bytecap LANES=$L" "$BUILD/bytecap_l$L/bytecap-tb" 20000 "$SEED"
done
for L in 1 4; do
	suite "splice OVERLAP=1 LANES=$L stalls" "$BUILD/spliceov_l$L/spliceov-tb" 20000 30 "$SEED"
done

hdrparse() {
	mkdir -p "$BUILD/vectors" &&
		"$PYTHON" tests/vectors/gen_hdr_vectors.py "$BUILD/vectors/hdr.pcap" \
			"$BUILD/vectors/hdr.expect" --seed "$SEED" &&
		"$BUILD/hdrparse/hdrparse-tb" "$BUILD/vectors/hdr.pcap" "$BUILD/vectors/hdr.expect"
}
suite hdrparse hdrparse
suite replay "$BUILD/replay/replay-tb" 100000 "$SEED"
suite spd "$BUILD/spd/spd-tb" 100000 "$SEED"
suite counter "$BUILD/counter/counter-tb" 200000 "$SEED"
suite "counter fields=2" "$BUILD/counter2/counter2-tb" 200000 "$SEED"
for L in 1 4; do
	for tb in framefifo route arb; do
		suite "$tb LANES=$L" "$BUILD/${tb}_l$L/$tb-tb" 20000 0 "$SEED"
		suite "$tb LANES=$L stalls" "$BUILD/${tb}_l$L/$tb-tb" 20000 30 "$SEED"
	done
done

# esp_encap: random SAs and frames through the RTL, every ESP frame checked by
# python3-cryptography and scapy
encap() {
	local L=$1 stall=$2 dir=$BUILD/vectors/encap_l$1
	mkdir -p "$dir" &&
		"$BUILD/encap_l$L/encap-tb" "$dir/lan.pcap" "$dir/wan.pcap" "$dir/sas.txt" 1500 "$stall" "$SEED" &&
		"$PYTHON" tests/esp/check_encap.py "$dir/lan.pcap" "$dir/wan.pcap" "$dir/sas.txt"
}
suite "encap LANES=1" encap 1 0
suite "encap LANES=4 stalls" encap 4 30

# esp_decap: random SAs, good and faulty ESP frames, checked frame by frame
suite "decap LANES=1" "$BUILD/decap_l1/decap-tb" 3000 0 "$SEED"
suite "decap LANES=4 stalls" "$BUILD/decap_l4/decap-tb" 3000 30 "$SEED"

# The card (rtl/nicsec_card.v) through nicsec-sim replay, at LANES 1 and 4: the
# scenarios of tests/esp/card_vectors.py (seeded), every output frame, counter and
# event checked by tests/esp/check_card.py with scapy and python3-cryptography
card_vectors() {
	"$PYTHON" tests/esp/card_vectors.py "$BUILD/vectors/card_l$1" --seed "$SEED" --lanes "$1" \
		interop replay bad limits exception
}
card() {  # LANES SCENARIO [more nicsec-sim arguments]
	local L=$1 d=$BUILD/vectors/card_l$1/$2 sim
	shift 2
	sim=$(realpath "$BUILD/nicsec-sim")
	# the checker reads what nicsec-sim reports even when it exits non-zero
	(cd "$d" && mapfile -t args <args && "$sim" replay --lanes "$L" "${args[@]}" "$@" >result.json)
	"$PYTHON" tests/esp/check_card.py "$d"
}
for L in 1 4; do
	suite "card vectors LANES=$L" card_vectors "$L"
	suite "card LANES=$L" card "$L" interop
	suite "card LANES=$L stalls" card "$L" interop --stall 30 --seed "$SEED"
	suite "card anti-replay LANES=$L" card "$L" replay
	suite "card bad input LANES=$L" card "$L" bad
	suite "card limits LANES=$L" card "$L" limits
	suite "card exception path LANES=$L" card "$L" exception
done
suite "nicsec-sim arguments" bash tests/sim/replay_args.sh "$BUILD/nicsec-sim"
for L in 1 4; do
	suite "nicsec-sim run LANES=$L" bash tests/sim/run_basic.sh "$L"
done

# The card as the host sees it: nicsec_card behind card_csr, through BAR0 only
suite "csr LANES=1" "$BUILD/csr_l1/csr-tb" 1000 "$SEED"
for L in 1 4; do
	suite "dma LANES=$L" "$BUILD/dma_l$L/dma-tb" 200 0 "$SEED"
	suite "dma LANES=$L stalls" "$BUILD/dma_l$L/dma-tb" 200 30 "$SEED"
done
suite bar0-docs cmp "$BUILD/gen/bar0.md" docs/bar0.md

# libnicsec and nicsecctl against live simulated cards
suite "nicsecctl errors" bash tests/card/ctl_errors.sh 1
suite "control path" bash tests/card/control_path.sh 1 3000 "$SEED"
suite dataplane bash tests/card/dataplane.sh 1
suite "nicsecd with a card" bash tests/card/nicsecd_card.sh 1
suite "rekeys under traffic on a card" bash tests/card/nicsecd_rekeys.sh 100
suite "trap on a card" bash tests/card/nicsecd_trap.sh
# LANES 4: the card at 512 bits a cycle moves TCP 1.6 times as fast through
# the simulator as at LANES 1 (56 s against 76 s for the suite)
suite "end to end gateway LANES=4" bash tests/card/e2e_gateway.sh 4
suite "make demo" bash scripts/demo.sh 4
for L in 1 4; do
	suite "two gateways LANES=$L" bash tests/card/two_gateways.sh "$L"
done

# nicsecd against strongSwan (tests/ike/lib.sh: charon in network namespaces)
suite "IKE_SA_INIT and IKE_AUTH vs strongSwan" bash tests/ike/init_interop.sh "$BUILD"
suite "CREATE_CHILD_SA and INFORMATIONAL vs strongSwan" bash tests/ike/child_interop.sh "$BUILD"
suite "nicsecd vs strongSwan" bash tests/ike/nicsecd_interop.sh "$BUILD"
suite "lifecycle vs strongSwan" bash tests/ike/nicsecd_lifecycle.sh "$BUILD"

echo
echo "slowest suites:"
printf '%s\n' "${times[@]}" | sort -rn | head -12 | sed 's/^/  /'
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
