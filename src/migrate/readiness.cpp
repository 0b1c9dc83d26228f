// check_ready: the pre-serve schema check.
#include "migrate/readiness.hpp"

#include <cstdio>

namespace shipd::migrate {

ReadyCheck check_ready(const std::string& conninfo, Options options) {
    ReadyCheck out;
    const std::string command = options.command;
    try {
        Migrator migrator(conninfo, std::move(options));
        out.status = migrator.status();
        out.reachable = true;
        const Status& s = out.status;
        if (!s.drift.empty()) {
            out.message = "the database schema has drifted from this shipd: ";
            for (std::size_t i = 0; i < s.drift.size(); ++i) {
                if (i > 0) out.message += ", ";
                out.message += s.drift[i].file;
            }
            out.message += " changed after being applied (checksums differ); run `" + command +
                           " verify` for details, restore the file(s) or move the change into a new revision";
            return out;
        }
        if (!s.pending.empty()) {
            out.message = "the database schema is at revision " + std::to_string(s.current) + " but this shipd needs " +
                          std::to_string(s.head) + " (" + std::to_string(s.pending.size()) + " pending: ";
            for (std::size_t i = 0; i < s.pending.size(); ++i) {
                if (i > 0) out.message += ", ";
                for (const auto& r : s.revisions) {
                    if (r.version == s.pending[i]) {
                        char buf[16];
                        std::snprintf(buf, sizeof buf, "%04d_", r.version);
                        out.message += buf + r.name;
                    }
                }
            }
            out.message += "); run `" + command + " up`, or start with SHIPD_AUTO_MIGRATE=true";
            return out;
        }
        out.ok = true;
        if (!s.unknown.empty()) {
            out.warning = true;
            out.message = "the database schema is at revision " + std::to_string(s.current) +
                          ", newer than this shipd's head " + std::to_string(s.head) + " (a newer shipd migrated it)";
        } else {
            out.message = "schema at revision " + std::to_string(s.current) + " (head), checksums verified";
        }
    } catch (const std::exception& e) {
        out.ok = false;
        out.message = std::string("cannot check the database schema: ") + e.what();
    }
    return out;
}

}  // namespace shipd::migrate
