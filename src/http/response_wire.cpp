// A response's head in the wire format of RFC 9112 (section 4 and 5), as Beast writes it.
#include "http/response_wire.hpp"

namespace shipd::http {

void append_response_head(std::string& out, const Response& res) {
    const unsigned version = res.version();
    const unsigned code = res.result_int();
    const char status_line[] = {'H', 'T', 'T', 'P', '/',
                                static_cast<char>('0' + version / 10 % 10), '.',
                                static_cast<char>('0' + version % 10), ' ',
                                static_cast<char>('0' + code / 100 % 10),
                                static_cast<char>('0' + code / 10 % 10),
                                static_cast<char>('0' + code % 10), ' '};
    out.append(status_line, sizeof status_line);
    const auto reason = res.reason();
    out.append(reason.data(), reason.size());
    out += "\r\n";
    for (const auto& field : res.base()) {
        const auto name = field.name_string();
        const auto value = field.value();
        out.append(name.data(), name.size());
        out += ": ";
        out.append(value.data(), value.size());
        out += "\r\n";
    }
    out += "\r\n";
}

}  // namespace shipd::http
