// DSN normalisation and password masking.
#include "pg/dsn.hpp"

#include <cctype>
#include <memory>
#include <string>

#include <libpq-fe.h>

#include "text/secrets.hpp"

namespace shipd::pg {

namespace {

constexpr std::string_view kMask = "***";

bool is_url(std::string_view dsn) {
    return dsn.starts_with("postgresql://") || dsn.starts_with("postgres://") ||
           dsn.starts_with("postgresql+");
}

// [begin, end) of the password inside a URL, or npos when there is none.
std::pair<size_t, size_t> url_password_span(std::string_view url) {
    auto scheme = url.find("://");
    if (scheme == std::string_view::npos) return {std::string_view::npos, 0};
    size_t auth_begin = scheme + 3;
    size_t auth_end = url.find_first_of("/?#", auth_begin);
    if (auth_end == std::string_view::npos) auth_end = url.size();
    // The last '@' of the authority separates userinfo from hosts (passwords may hold '@'
    // when percent-encoding was forgotten).
    auto at = url.substr(0, auth_end).rfind('@');
    if (at == std::string_view::npos || at < auth_begin) return {std::string_view::npos, 0};
    auto colon = url.find(':', auth_begin);
    if (colon == std::string_view::npos || colon > at) return {std::string_view::npos, 0};
    return {colon + 1, at};
}

// [begin, end) of the value of password= in a key=value string (quoted or not).
std::pair<size_t, size_t> kv_password_span(std::string_view kv) {
    size_t pos = 0;
    while (pos < kv.size()) {
        while (pos < kv.size() && std::isspace(static_cast<unsigned char>(kv[pos]))) ++pos;
        size_t key_begin = pos;
        while (pos < kv.size() && kv[pos] != '=' && !std::isspace(static_cast<unsigned char>(kv[pos])))
            ++pos;
        std::string_view key = kv.substr(key_begin, pos - key_begin);
        while (pos < kv.size() && std::isspace(static_cast<unsigned char>(kv[pos]))) ++pos;
        if (pos >= kv.size() || kv[pos] != '=') return {std::string_view::npos, 0};
        ++pos;
        while (pos < kv.size() && std::isspace(static_cast<unsigned char>(kv[pos]))) ++pos;
        size_t value_begin = pos;
        if (pos < kv.size() && kv[pos] == '\'') {
            ++pos;
            while (pos < kv.size() && kv[pos] != '\'') pos += (kv[pos] == '\\') ? 2 : 1;
            pos = std::min(pos + 1, kv.size());
        } else {
            while (pos < kv.size() && !std::isspace(static_cast<unsigned char>(kv[pos]))) ++pos;
        }
        if (key == "password") return {value_begin, pos};
    }
    return {std::string_view::npos, 0};
}

std::string percent_decode(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() &&
            std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

}  // namespace

std::string normalize_dsn(std::string_view dsn) {
    if (dsn.starts_with("postgresql+")) {
        auto scheme = dsn.find("://");
        if (scheme != std::string_view::npos) {
            return "postgresql" + std::string(dsn.substr(scheme));
        }
    }
    return std::string(dsn);
}

std::string mask_dsn(std::string_view dsn) { return text::mask_passwords(dsn, kMask); }

std::string dsn_password(std::string_view dsn) {
    if (is_url(dsn)) {
        auto [begin, end] = url_password_span(dsn);
        if (begin == std::string_view::npos) return {};
        return percent_decode(dsn.substr(begin, end - begin));
    }
    auto [begin, end] = kv_password_span(dsn);
    if (begin == std::string_view::npos) return {};
    std::string_view v = dsn.substr(begin, end - begin);
    if (v.size() >= 2 && v.front() == '\'') {
        std::string out;
        for (size_t i = 1; i + 1 < v.size(); ++i) {
            if (v[i] == '\\' && i + 2 < v.size()) ++i;
            out.push_back(v[i]);
        }
        return out;
    }
    return std::string(v);
}

std::string redact(std::string_view text, std::string_view secret) {
    std::string out(text);
    if (secret.empty()) return out;
    for (size_t pos = out.find(secret); pos != std::string::npos;
         pos = out.find(secret, pos + kMask.size())) {
        out.replace(pos, secret.size(), kMask);
    }
    return out;
}

namespace {

bool local_host(std::string_view h) {
    if (h.empty() || h.front() == '/' || h.front() == '@') return true;  // Unix sockets
    return h == "localhost" || h == "::1" || h.starts_with("127.");
}

}  // namespace

bool dsn_is_local(std::string_view dsn) {
    char* error = nullptr;
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
        PQconninfoParse(normalize_dsn(dsn).c_str(), &error), &PQconninfoFree);
    if (error) PQfreemem(error);
    if (!options) return false;
    std::string host, hostaddr;
    for (auto* o = options.get(); o->keyword; ++o) {
        if (!o->val) continue;
        if (std::string_view(o->keyword) == "host") host = o->val;
        if (std::string_view(o->keyword) == "hostaddr") hostaddr = o->val;
    }
    // hostaddr, when given, is where libpq connects; host is then only a name.
    const std::string& where = hostaddr.empty() ? host : hostaddr;
    std::string_view rest = where;
    for (;;) {  // a comma-separated list: every entry must be local
        auto comma = rest.find(',');
        if (!local_host(rest.substr(0, comma))) return false;
        if (comma == std::string_view::npos) return true;
        rest.remove_prefix(comma + 1);
    }
}

}  // namespace shipd::pg
