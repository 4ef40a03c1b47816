// Where each SA and rule goes in the card's tables.
//
// Inbound SAs sit at index SPI & 0xfff, because the card finds an inbound SA
// by the low 12 bits of the SPI in the packet (and then compares the whole
// SPI). Outbound SAs take the lowest indices left. The policy file's rules
// come first, in file order (a protect rule there names its outbound SA by
// SPI), then one protect rule per outbound SA, from its `sel`, in SA-file
// order: the card takes the first rule that matches.
#include "replay.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/socket.h>

namespace replay {

namespace {

// The line each SA of the file is on: sa_parse_file() keeps them to itself.
std::vector<int> sa_lines(const std::string &path)
{
    std::vector<int> lines;
    FILE *f = fopen(path.c_str(), "r");
    if (!f) return lines;
    char buf[SA_LINE_MAX + 2], err[16];
    struct nicsec_sa sa;
    for (int n = 1; fgets(buf, sizeof buf, f); n++)
        if (sa_parse_line(buf, &sa, err, sizeof err) == 1) lines.push_back(n);
    explicit_bzero(buf, sizeof buf);
    explicit_bzero(&sa, sizeof sa);
    fclose(f);
    return lines;
}

std::string fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
std::string fmt(const char *f, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, f);
    vsnprintf(buf, sizeof buf, f, ap);
    va_end(ap);
    return buf;
}

}  // namespace

std::string make_plan(const Options &o, Plan &p)
{
    char err[1024];
    struct nicsec_sa *v = nullptr;
    size_t n = 0;
    if (sa_parse_file(o.sa.c_str(), &v, &n, err, sizeof err) != 0) return err;
    std::vector<int> lines = sa_lines(o.sa);
    if (lines.size() != n) lines.assign(n, 0);  // the file changed under us; no line numbers

    std::vector<int> owner(kSaSlots, -1);  // slot -> position in p.sas
    p.sas.clear();
    for (size_t i = 0; i < n; i++) p.sas.push_back(Slot{-1, lines[i], v[i]});
    sa_free(v, n);

    for (size_t i = 0; i < p.sas.size(); i++) {
        Slot &s = p.sas[i];
        if (s.sa.dir != SA_DIR_IN) continue;
        s.index = int(s.sa.spi & (kSaSlots - 1));
        if (owner[s.index] >= 0) {
            const Slot &o2 = p.sas[owner[s.index]];
            return fmt("%s:%d: inbound spi 0x%08x and spi 0x%08x on line %d share SA index 0x%03x "
                       "(the low 12 bits of the SPI, which the card looks inbound SAs up by); "
                       "give one of them another SPI",
                       o.sa.c_str(), s.line, s.sa.spi, o2.sa.spi, o2.line, s.index);
        }
        owner[s.index] = int(i);
    }
    int next = 0;
    for (size_t i = 0; i < p.sas.size(); i++) {
        Slot &s = p.sas[i];
        if (s.sa.dir != SA_DIR_OUT) continue;
        while (next < kSaSlots && owner[next] >= 0) next++;
        if (next == kSaSlots)
            return fmt("%s:%d: no SA index left for this outbound SA (the card holds %d SAs)",
                       o.sa.c_str(), s.line, kSaSlots);
        s.index = next;
        owner[next] = int(i);
    }

    p.rules.clear();
    if (!o.spd.empty()) {
        struct nicsec_spd_rule *r = nullptr;
        size_t nr = 0;
        if (spd_parse_file(o.spd.c_str(), &r, &nr, err, sizeof err) != 0) return err;
        for (size_t i = 0; i < nr; i++) {
            Rule q;
            q.family = r[i].family;
            memcpy(q.src, r[i].src, 16);
            memcpy(q.dst, r[i].dst, 16);
            q.src_plen = r[i].src_plen;
            q.dst_plen = r[i].dst_plen;
            q.proto = r[i].proto;
            q.action = r[i].action;
            q.sa = 0;
            if (q.action == SPD_PROTECT) {
                const Slot *to = nullptr;
                for (const Slot &s : p.sas)
                    if (s.sa.dir == SA_DIR_OUT && s.sa.spi == r[i].spi) to = &s;
                if (to == nullptr) {
                    uint32_t spi = r[i].spi;
                    free(r);
                    return fmt("%s: rule %zu: action protect spi 0x%08x: no outbound SA in %s has that SPI",
                               o.spd.c_str(), i + 1, spi, o.sa.c_str());
                }
                q.sa = to->index;
            }
            p.rules.push_back(q);
        }
        free(r);
    }
    size_t from_file = p.rules.size();
    for (const Slot &s : p.sas) {
        if (s.sa.dir != SA_DIR_OUT) continue;
        Rule q;
        q.family = s.sa.sel.family;
        memcpy(q.src, s.sa.sel.src, 16);
        memcpy(q.dst, s.sa.sel.dst, 16);
        q.src_plen = s.sa.sel.src_plen;
        q.dst_plen = s.sa.sel.dst_plen;
        q.proto = s.sa.sel.proto;
        q.action = SPD_PROTECT;
        q.sa = s.index;
        p.rules.push_back(q);
    }
    if (p.rules.size() > size_t(kRules))
        return fmt("%zu policy rules (%zu from %s, %zu from outbound SAs' sel) do not fit the card's %d",
                   p.rules.size(), from_file, o.spd.empty() ? "no policy file" : o.spd.c_str(),
                   p.rules.size() - from_file, kRules);
    return "";
}

}  // namespace replay
