// Plain-text renderings of migration results.
#include "migrate/format.hpp"

#include <cstdio>

namespace shipd::migrate {

namespace {

std::string label(int version, const std::string& name) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d", version);
    return std::string(buf) + "_" + name;
}

std::string pad(std::string s, std::size_t width) {
    if (s.size() < width) s.append(width - s.size(), ' ');
    return s;
}

const char* state_name(RevisionState s) {
    switch (s) {
        case RevisionState::kApplied: return "applied";
        case RevisionState::kPending: return "pending";
        case RevisionState::kDrifted: return "DRIFTED";
        case RevisionState::kUnknown: return "unknown";
    }
    return "?";
}

}  // namespace

std::string format_status(const Status& status, const std::string& command) {
    std::string out;
    for (const auto& r : status.revisions) {
        out += pad(state_name(r.state), 9) + pad(label(r.version, r.name), 32);
        if (r.applied) out += r.applied->applied_at;
        out += "\n";
    }
    out += "revision " + std::to_string(status.current) + " of " + std::to_string(status.head);
    if (!status.pending.empty()) out += ", " + std::to_string(status.pending.size()) + " pending";
    if (!status.drift.empty()) out += ", " + std::to_string(status.drift.size()) + " drifted";
    if (!status.unknown.empty()) out += ", " + std::to_string(status.unknown.size()) + " unknown to this binary";
    out += "\n";
    if (!status.drift.empty()) {
        out += "drift: applied revision files were edited; run `" + command + " verify` for details\n";
    } else if (!status.pending.empty()) {
        out += "run `" + command + " up` to apply the pending revisions\n";
    } else {
        out += "up to date\n";
    }
    return out;
}

std::string format_history(const std::vector<Applied>& history) {
    if (history.empty()) return "no revision applied\n";
    std::string out = pad("revision", 32) + pad("applied at (UTC)", 26) + pad("took", 10) + "checksum\n";
    for (const auto& a : history) {
        out += pad(label(a.version, a.name), 32) + pad(a.applied_at, 26) +
               pad(std::to_string(a.duration_ms) + " ms", 10) + a.checksum.substr(0, 12) + "\n";
    }
    return out;
}

std::string format_up(const UpResult& result) {
    if (result.applied.empty()) return "already at revision " + std::to_string(result.from_version) + "\n";
    std::string out;
    for (const auto& s : result.applied) {
        out += "applied  " + label(s.version, s.name) + " (" + std::to_string(s.duration.count()) + " ms)\n";
    }
    out += "revision " + std::to_string(result.from_version) + " -> " + std::to_string(result.to_version) + "\n";
    return out;
}

std::string format_down(const DownResult& result) {
    if (result.reverted.empty()) return "nothing to revert: at revision " + std::to_string(result.from_version) + "\n";
    std::string out;
    for (const auto& s : result.reverted) {
        out += "reverted " + label(s.version, s.name) + " (" + std::to_string(s.duration.count()) + " ms)\n";
    }
    out += "revision " + std::to_string(result.from_version) + " -> " + std::to_string(result.to_version) + "\n";
    return out;
}

std::string format_verify(const VerifyResult& result) {
    std::string out;
    for (const auto& d : result.drift) {
        out += "DRIFT " + label(d.version, d.name) + ": " + d.file +
               " differs from the file that was applied\n  stored checksum " + d.stored_checksum +
               "\n  this binary     " + d.expected_checksum + "\n";
    }
    for (int v : result.unknown) {
        out += "note: revision " + std::to_string(v) + " is applied but unknown to this binary (a newer shipd)\n";
    }
    out += std::to_string(result.verified) + " applied revision(s) verified";
    out += result.ok() ? ", no drift\n" : ", " + std::to_string(result.drift.size()) + " drifted\n";
    return out;
}

}  // namespace shipd::migrate
