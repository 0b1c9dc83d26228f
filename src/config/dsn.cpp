// Database URLs: the seed's spellings normalised, passwords masked for printing.
#include "config/dsn.hpp"

#include <array>
#include <cctype>

#include "text/secrets.hpp"

namespace shipd::config {

namespace {

constexpr std::string_view kMask = "****";

bool starts_with_ci(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
    }
    return true;
}

}  // namespace

std::string normalize_database_url(std::string_view url) {
    static constexpr std::array<std::string_view, 4> kAliases = {
        "postgresql+asyncpg://", "postgresql+psycopg://", "postgresql+psycopg2://", "postgres://"};
    for (auto alias : kAliases) {
        if (starts_with_ci(url, alias)) {
            std::string out("postgresql://");
            out.append(url.substr(alias.size()));
            return out;
        }
    }
    return std::string(url);
}

std::string mask_dsn(std::string_view dsn) { return redact_secrets(dsn); }

std::string redact_secrets(std::string_view text) { return text::mask_passwords(text, kMask); }

}  // namespace shipd::config
