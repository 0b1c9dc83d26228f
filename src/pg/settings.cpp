// Settings helpers: the bulk pool's defaults and DATABASE_SERVER_SETTINGS parsing.
#include "pg/settings.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace shipd::pg {

PoolSettings PoolSettings::bulk() {
    PoolSettings s;
    s.name = "bulk";
    s.min_size = 10;
    s.size = 10;
    s.max_overflow = 22;
    s.pipeline_connections = 0;  // batch statements are long: a connection each
    return s;
}

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

}  // namespace

bool same_setting(std::string_view name, std::string_view parameter) noexcept {
    return name.size() == parameter.size() &&
           std::equal(name.begin(), name.end(), parameter.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == b;
           });
}

std::vector<std::pair<std::string, std::string>> parse_server_settings(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!text.empty()) {
        auto comma = text.find(',');
        std::string_view item = trim(text.substr(0, comma));
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        if (item.empty()) continue;
        auto eq = item.find('=');
        if (eq == std::string_view::npos) {
            throw std::invalid_argument("server setting '" + std::string(item) +
                                        "' is not name=value");
        }
        std::string_view name = trim(item.substr(0, eq));
        std::string_view value = trim(item.substr(eq + 1));
        bool valid = !name.empty();
        for (char c : name) {
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') valid = false;
        }
        if (!valid) {
            throw std::invalid_argument("server setting name '" + std::string(name) +
                                        "' is not a PostgreSQL parameter name");
        }
        if (same_setting(name, "datestyle")) {
            throw std::invalid_argument("server setting '" + std::string(name) +
                                        "' cannot be changed: shipd reads timestamps as DateStyle "
                                        "ISO prints them and sets it on every connection");
        }
        out.emplace_back(std::string(name), std::string(value));
    }
    return out;
}

}  // namespace shipd::pg
