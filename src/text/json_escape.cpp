// JSON string escaping, UTF-8 safe: the one implementation for every JSON shipd writes.
#include "text/json_escape.hpp"

#include "text/utf8.hpp"

namespace shipd::text {

namespace {

constexpr char kHex[] = "0123456789abcdef";

bool is_plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

}  // namespace

void append_json_escaped(std::string& out, std::string_view text) {
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        std::size_t run = i;
        while (run < n && is_plain(static_cast<unsigned char>(text[run]))) ++run;
        out.append(text.data() + i, run - i);
        i = run;
        if (i >= n) break;
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            const std::size_t len = utf8_sequence_length(text.substr(i));
            if (len == 0) {
                out += "\\ufffd";
                ++i;
            } else {
                out.append(text.data() + i, len);
                i += len;
            }
            continue;
        }
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                out += "\\u00";
                out += kHex[c >> 4];
                out += kHex[c & 15];
        }
        ++i;
    }
}

std::string json_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    append_json_escaped(out, text);
    return out;
}

}  // namespace shipd::text
