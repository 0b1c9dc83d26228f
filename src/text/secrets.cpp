// Password masking.
#include "text/secrets.hpp"

#include <algorithm>
#include <cctype>

namespace shipd::text {

namespace {

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

// Masks "user:password@" in the authority of the URL whose authority starts at `begin` (just
// past "://") in `s`, in place. Returns the index where the authority ends.
size_t mask_url_authority(std::string& s, size_t begin, std::string_view mask) {
    size_t end = s.find_first_of("/?# \t\r\n\"'", begin);
    if (end == std::string::npos) end = s.size();
    // The last '@' of the authority separates userinfo from hosts (a password may hold '@'
    // when percent-encoding was forgotten).
    size_t at = end == begin ? std::string::npos : s.rfind('@', end - 1);
    if (at == std::string::npos || at < begin) return end;
    size_t colon = s.find(':', begin);
    if (colon == std::string::npos || colon > at) return end;
    s.replace(colon + 1, at - colon - 1, mask);
    return colon + 1 + mask.size() + 1;
}

// Masks the value of every `password = value` (a word of its own), in place. A value ends at
// whitespace or a quote, a quoted one at its closing quote (backslash escapes), and one of a
// URL query (after '?' or '&') also at '&'.
void mask_password_params(std::string& s, std::string_view mask) {
    constexpr std::string_view kKey = "password";
    size_t pos = 0;
    while ((pos = s.find(kKey, pos)) != std::string::npos) {
        size_t key = pos;
        pos += kKey.size();
        if (key > 0 && (std::isalnum(static_cast<unsigned char>(s[key - 1])) || s[key - 1] == '_')) continue;
        size_t eq = pos;
        while (eq < s.size() && is_space(s[eq])) ++eq;
        if (eq >= s.size() || s[eq] != '=') continue;
        size_t value = eq + 1;
        while (value < s.size() && is_space(s[value])) ++value;
        bool in_query = key > 0 && (s[key - 1] == '?' || s[key - 1] == '&');
        size_t end = value;
        if (end < s.size() && s[end] == '\'') {
            ++end;
            while (end < s.size() && s[end] != '\'') end += (s[end] == '\\') ? 2 : 1;
            end = std::min(end + 1, s.size());
        } else {
            while (end < s.size() && !is_space(s[end]) && s[end] != '"' && s[end] != '\'' && !(in_query && s[end] == '&'))
                ++end;
        }
        s.replace(value, end - value, mask);
        pos = value + mask.size();
    }
}

}  // namespace

std::string mask_passwords(std::string_view text, std::string_view mask) {
    std::string s(text);
    size_t pos = 0;
    while ((pos = s.find("://", pos)) != std::string::npos) {
        pos = mask_url_authority(s, pos + 3, mask);
    }
    mask_password_params(s, mask);
    return s;
}

}  // namespace shipd::text
