// Connection strings: scheme normalisation and password-free descriptions.
#include "migrate/detail/conninfo.hpp"

#include <libpq-fe.h>

#include <map>
#include <memory>

namespace shipd::migrate::detail {

std::string normalize_conninfo(const std::string& conninfo) {
    for (const char* scheme : {"postgresql+asyncpg://", "postgres+asyncpg://"}) {
        const std::string s = scheme;
        if (conninfo.rfind(s, 0) == 0) return "postgresql://" + conninfo.substr(s.size());
    }
    return conninfo;
}

std::string describe_conninfo(const std::string& conninfo) {
    char* error = nullptr;
    PQconninfoOption* options = PQconninfoParse(normalize_conninfo(conninfo).c_str(), &error);
    if (error) PQfreemem(error);
    if (options == nullptr) return "(unparsable connection string)";
    std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> guard(options, &PQconninfoFree);
    std::map<std::string, std::string> values;
    for (auto* o = options; o->keyword != nullptr; ++o) {
        if (o->val != nullptr && *o->val != '\0') values[o->keyword] = o->val;
    }
    std::string out;
    if (values.count("user")) out += values["user"] + "@";
    out += values.count("host") ? values["host"] : (values.count("hostaddr") ? values["hostaddr"] : "localhost");
    if (values.count("port")) out += ":" + values["port"];
    out += "/" + (values.count("dbname") ? values["dbname"] : std::string());
    return out;
}

}  // namespace shipd::migrate::detail
