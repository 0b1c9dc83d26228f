// Database URLs: the seed's spellings normalised, passwords masked for printing.
#include "config/dsn.hpp"

#include <array>
#include <cctype>

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

// Masks "user:password@" in the authority of the URL that starts at `scheme_end` (just past
// "://") in `s`, in place. Returns the index where the authority ends.
size_t mask_url_authority(std::string& s, size_t scheme_end) {
    size_t end = s.find_first_of("/?# \t\r\n\"'", scheme_end);
    if (end == std::string::npos) end = s.size();
    size_t at = s.rfind('@', end == 0 ? 0 : end - 1);
    if (at == std::string::npos || at < scheme_end) return end;
    size_t colon = s.find(':', scheme_end);
    if (colon == std::string::npos || colon > at) return end;
    s.replace(colon + 1, at - colon - 1, kMask);
    return colon + 1 + kMask.size() + 1;
}

// Masks the values of `password=` (conninfo, URL query) from `from` on, in place.
void mask_password_params(std::string& s) {
    size_t pos = 0;
    while ((pos = s.find("password=", pos)) != std::string::npos) {
        bool word_start = pos == 0 || !std::isalnum(static_cast<unsigned char>(s[pos - 1]));
        size_t value = pos + 9;
        if (!word_start) {
            pos = value;
            continue;
        }
        size_t end = value;
        if (end < s.size() && s[end] == '\'') {
            ++end;
            while (end < s.size() && s[end] != '\'') end += (s[end] == '\\') ? 2 : 1;
            end = std::min(end + 1, s.size());
        } else {
            while (end < s.size() && !std::isspace(static_cast<unsigned char>(s[end])) &&
                   s[end] != '&' && s[end] != '"')
                ++end;
        }
        s.replace(value, end - value, kMask);
        pos = value + kMask.size();
    }
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

std::string redact_secrets(std::string_view text) {
    std::string s(text);
    size_t pos = 0;
    while ((pos = s.find("://", pos)) != std::string::npos) {
        pos = mask_url_authority(s, pos + 3);
    }
    mask_password_params(s);
    return s;
}

}  // namespace shipd::config
