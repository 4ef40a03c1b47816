// Verilator test of rtl/hdr_parse.v against scapy: the frames of a pcap made by
// tests/vectors/gen_hdr_vectors.py, each with the fields scapy found in it (one
// line of its .expect file per frame, '-' for don't care).
//
//   hdrparse-tb FRAMES.pcap FRAMES.expect
//
// Each frame goes in as axis_hdr_capture would give it: its first HDR_BYTES bytes
// (zero past its end), hdr_len = min(HDR_BYTES, length), frame_len = length.
// Prints "hdrparse: N frames: N passed, N failed"; exits non-zero on any failure.
#include <verilated.h>
#include "Vhdr_parse.h"
#include "pcap.h"
#include "tb_util.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace {
constexpr int kHdr = 128;  // the module's default HDR_BYTES
using u128 = unsigned __int128;

u128 wide(const VlWide<4> &w)
{
    u128 v = 0;
    for (int i = 3; i >= 0; i--) v = v << 32 | w[i];
    return v;
}

struct Field {
    const char *name;
    bool hex;  // how the .expect file writes it (and how a failure prints it)
    u128 (*get)(const Vhdr_parse *);
};

// In the order of gen_hdr_vectors.py's FIELDS.
const Field kFields[] = {
    {"eth_dst", true, [](const Vhdr_parse *t) -> u128 { return t->eth_dst_o; }},
    {"eth_src", true, [](const Vhdr_parse *t) -> u128 { return t->eth_src_o; }},
    {"ethertype", true, [](const Vhdr_parse *t) -> u128 { return t->ethertype_o; }},
    {"is_arp", false, [](const Vhdr_parse *t) -> u128 { return t->is_arp_o; }},
    {"is_ipv4", false, [](const Vhdr_parse *t) -> u128 { return t->is_ipv4_o; }},
    {"is_ipv6", false, [](const Vhdr_parse *t) -> u128 { return t->is_ipv6_o; }},
    {"ip_ok", false, [](const Vhdr_parse *t) -> u128 { return t->ip_ok_o; }},
    {"ip_frag", false, [](const Vhdr_parse *t) -> u128 { return t->ip_frag_o; }},
    {"ip_opts", false, [](const Vhdr_parse *t) -> u128 { return t->ip_opts_o; }},
    {"ip_src", true, [](const Vhdr_parse *t) -> u128 { return wide(t->ip_src_o); }},
    {"ip_dst", true, [](const Vhdr_parse *t) -> u128 { return wide(t->ip_dst_o); }},
    {"ip_proto", false, [](const Vhdr_parse *t) -> u128 { return t->ip_proto_o; }},
    {"ip_len", false, [](const Vhdr_parse *t) -> u128 { return t->ip_len_o; }},
    {"l4_off", false, [](const Vhdr_parse *t) -> u128 { return t->l4_off_o; }},
    {"is_udp", false, [](const Vhdr_parse *t) -> u128 { return t->is_udp_o; }},
    {"udp_sport", false, [](const Vhdr_parse *t) -> u128 { return t->udp_sport_o; }},
    {"udp_dport", false, [](const Vhdr_parse *t) -> u128 { return t->udp_dport_o; }},
    {"udp_len", false, [](const Vhdr_parse *t) -> u128 { return t->udp_len_o; }},
    {"is_esp", false, [](const Vhdr_parse *t) -> u128 { return t->is_esp_o; }},
    {"esp_in_udp", false, [](const Vhdr_parse *t) -> u128 { return t->esp_in_udp_o; }},
    {"esp_off", false, [](const Vhdr_parse *t) -> u128 { return t->esp_off_o; }},
    {"spi", true, [](const Vhdr_parse *t) -> u128 { return t->esp_spi_o; }},
    {"seq", true, [](const Vhdr_parse *t) -> u128 { return t->esp_seq_o; }},
    {"iv", true, [](const Vhdr_parse *t) -> u128 { return t->esp_iv_o; }},
    {"is_ike", false, [](const Vhdr_parse *t) -> u128 { return t->is_ike_o; }},
    {"short", false, [](const Vhdr_parse *t) -> u128 { return t->short_o; }},
};
constexpr int kNF = sizeof kFields / sizeof kFields[0];

struct Expect {
    long n = 0;
    std::string kind;
    bool care[kNF] = {};
    u128 val[kNF] = {};
};

bool parse_num(const std::string &s, u128 &v)
{
    v = 0;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        if (s.size() > 34) return false;
        for (size_t i = 2; i < s.size(); i++) {
            int c = tolower((unsigned char)s[i]);
            int d = isdigit(c) ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (d < 0) return false;
            v = v << 4 | unsigned(d);
        }
        return true;
    }
    if (s.empty() || s.size() > 19) return false;
    for (char c : s) {
        if (!isdigit((unsigned char)c)) return false;
        v = v * 10 + unsigned(c - '0');
    }
    return true;
}

std::string show(u128 v, bool hex)
{
    char b[64];
    if (!hex) {
        snprintf(b, sizeof b, "%llu", (unsigned long long)v);
    } else if (v >> 64) {
        snprintf(b, sizeof b, "0x%llx%016llx", (unsigned long long)(v >> 64),
                 (unsigned long long)v);
    } else {
        snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
    }
    return b;
}

// Reads the .expect file; false with a message on stderr if it is malformed.
bool read_expect(const char *path, std::vector<Expect> &out)
{
    std::ifstream in(path);
    if (!in) { fprintf(stderr, "hdrparse: %s: can't read\n", path); return false; }
    std::string line;
    long lineno = 0;
    while (std::getline(in, line)) {
        lineno++;
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ss(line);
        Expect e;
        std::string tok;
        if (!(ss >> e.n >> e.kind)) {
            fprintf(stderr, "hdrparse: %s:%ld: no frame number and kind\n", path, lineno);
            return false;
        }
        bool seen[kNF] = {};
        while (ss >> tok) {
            size_t eq = tok.find('=');
            int f = -1;
            for (int i = 0; i < kNF && eq != std::string::npos; i++)
                if (tok.compare(0, eq, kFields[i].name) == 0 && strlen(kFields[i].name) == eq) f = i;
            if (f < 0) {
                fprintf(stderr, "hdrparse: %s:%ld: unknown field '%s'\n", path, lineno, tok.c_str());
                return false;
            }
            std::string v = tok.substr(eq + 1);
            seen[f] = true;
            if (v == "-") continue;
            if (!parse_num(v, e.val[f])) {
                fprintf(stderr, "hdrparse: %s:%ld: bad value '%s'\n", path, lineno, tok.c_str());
                return false;
            }
            e.care[f] = true;
        }
        for (int i = 0; i < kNF; i++)
            if (!seen[i]) {
                fprintf(stderr, "hdrparse: %s:%ld: no %s\n", path, lineno, kFields[i].name);
                return false;
            }
        if (e.n != long(out.size()) + 1) {
            fprintf(stderr, "hdrparse: %s:%ld: frame %ld out of order\n", path, lineno, e.n);
            return false;
        }
        out.push_back(e);
    }
    return true;
}
}  // namespace

int main(int argc, char **argv)
{
    Verilated::commandArgs(argc, argv);
    if (argc != 3) {
        fprintf(stderr, "usage: hdrparse-tb FRAMES.pcap FRAMES.expect\n");
        return 2;
    }
    char err[512];
    std::vector<Bytes> frames;
    struct pcap_reader *r = pcap_open_read(argv[1], err, sizeof err);
    if (!r) { fprintf(stderr, "hdrparse: %s\n", err); return 2; }
    for (;;) {
        const uint8_t *d;
        size_t len;
        uint64_t ts;
        int rc = pcap_next(r, &d, &len, &ts, err, sizeof err);
        if (rc < 0) { fprintf(stderr, "hdrparse: %s\n", err); return 2; }
        if (rc == 0) break;
        frames.emplace_back(d, d + len);
    }
    pcap_close_read(r);
    std::vector<Expect> exp;
    if (!read_expect(argv[2], exp)) return 2;
    if (exp.size() != frames.size()) {
        fprintf(stderr, "hdrparse: %s has %zu frames, %s %zu\n", argv[1], frames.size(),
                argv[2], exp.size());
        return 2;
    }

    auto *t = new Vhdr_parse;
    t->clk = 0;
    t->hdr_valid_i = 0;
    t->eval();
    long bad = 0, checks = 0;
    std::map<std::string, long> by_field;  // "field kind" -> failures
    for (size_t k = 0; k < frames.size(); k++) {
        const Bytes &f = frames[k];
        const Expect &e = exp[k];
        int hl = int(std::min<size_t>(kHdr, f.size()));
        put_bytes(t->hdr_i, kHdr / 4, f.data(), hl);
        t->hdr_len_i = uint8_t(hl);
        t->frame_len_i = uint16_t(f.size());
        t->hdr_valid_i = 1;
        t->clk = 1; t->eval(); t->clk = 0; t->eval();
        bool ok = t->valid_o;
        if (!ok && bad < 10)
            fprintf(stderr, "hdrparse: frame %ld (%s, %zu bytes): valid_o low\n", e.n,
                    e.kind.c_str(), f.size());
        std::string what;
        for (int i = 0; i < kNF; i++) {
            if (!e.care[i]) continue;
            checks++;
            u128 got = kFields[i].get(t);
            if (got == e.val[i]) continue;
            ok = false;
            by_field[std::string(kFields[i].name) + " " + e.kind.substr(0, e.kind.find('+'))]++;
            what += " " + std::string(kFields[i].name) + "=" + show(got, kFields[i].hex) +
                    " (want " + show(e.val[i], kFields[i].hex) + ")";
        }
        if (!ok && ++bad <= 10)
            fprintf(stderr, "hdrparse: frame %ld (%s, %zu bytes):%s\n", e.n, e.kind.c_str(),
                    f.size(), what.c_str());
    }
    t->final();
    delete t;
    if (bad) {
        fprintf(stderr, "hdrparse: failures by field and kind:");
        for (auto &kv : by_field) fprintf(stderr, " [%s: %ld]", kv.first.c_str(), kv.second);
        fprintf(stderr, "\n");
    }
    printf("hdrparse: %ld field checks, the rest don't care\n", checks);
    printf("hdrparse: %zu frames: %ld passed, %ld failed\n", frames.size(),
           long(frames.size()) - bad, bad);
    return bad ? 1 : 0;
}
