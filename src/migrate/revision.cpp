// Revisions: parsing the embedded files, markers, checksums.
#include "migrate/revision.hpp"

#include <openssl/evp.h>

#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>

#include "migrate/detail/embedded.hpp"

namespace shipd::migrate {

namespace {

bool starts_with_marker(std::string_view text) {
    return text.substr(0, kNoTransactionMarker.size()) == kNoTransactionMarker;
}

std::string padded(int version) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d", version);
    return buf;
}

std::vector<Revision> parse_embedded() {
    struct Parts {
        std::string name;
        std::optional<std::string> up;
        std::optional<std::string> down;
    };
    std::map<int, Parts> by_version;
    for (const auto& file : detail::embedded_files()) {
        // NNNN_name.up.sql / NNNN_name.down.sql; the build already checked the pattern.
        const std::string file_name(file.name);
        const auto underscore = file_name.find('_');
        const bool is_up = file_name.ends_with(".up.sql");
        const std::size_t suffix = is_up ? 7 : 9;
        if (underscore == std::string::npos || (!is_up && !file_name.ends_with(".down.sql"))) {
            throw std::logic_error("migrations/" + file_name + ": not NNNN_name.up|down.sql");
        }
        const int version = std::stoi(file_name.substr(0, underscore));
        std::string name = file_name.substr(underscore + 1, file_name.size() - underscore - 1 - suffix);
        auto& parts = by_version[version];
        if (!parts.name.empty() && parts.name != name) {
            throw std::logic_error("migrations/: version " + padded(version) + " has two names, " +
                                   parts.name + " and " + name);
        }
        parts.name = name;
        (is_up ? parts.up : parts.down) = std::string(file.contents);
    }
    std::vector<Revision> out;
    for (auto& [version, parts] : by_version) {
        if (!parts.up || !parts.down) {
            throw std::logic_error("migrations/" + padded(version) + "_" + parts.name + ": missing its " +
                                   (parts.up ? ".down.sql" : ".up.sql") + " file");
        }
        out.push_back(make_revision(version, parts.name, std::move(*parts.up), std::move(*parts.down)));
    }
    validate_revisions(out);
    return out;
}

}  // namespace

std::string Revision::label() const { return padded(version) + "_" + name; }
std::string Revision::up_file() const { return "migrations/" + label() + ".up.sql"; }
std::string Revision::down_file() const { return "migrations/" + label() + ".down.sql"; }

Revision make_revision(int version, std::string name, std::string up, std::string down) {
    Revision r;
    r.version = version;
    r.name = std::move(name);
    r.transactional = !starts_with_marker(up);
    r.down_transactional = !starts_with_marker(down);
    r.checksum = sha256_hex(up);
    r.up = std::move(up);
    r.down = std::move(down);
    return r;
}

const std::vector<Revision>& embedded_revisions() {
    static const std::vector<Revision> revisions = parse_embedded();
    return revisions;
}

void validate_revisions(const std::vector<Revision>& revisions) {
    int previous = 0;
    for (const auto& r : revisions) {
        if (r.version <= previous) {
            throw std::invalid_argument("revision " + r.label() + ": versions must be positive and increase (after " +
                                        std::to_string(previous) + ")");
        }
        if (r.name.empty()) throw std::invalid_argument("revision " + std::to_string(r.version) + " has no name");
        previous = r.version;
    }
}

std::string sha256_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("SHA-256 failed (OpenSSL)");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        out.push_back(kHex[digest[i] >> 4]);
        out.push_back(kHex[digest[i] & 0xF]);
    }
    return out;
}

}  // namespace shipd::migrate
