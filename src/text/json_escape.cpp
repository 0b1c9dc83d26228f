// JSON string escaping, UTF-8 safe: the one implementation for every JSON shipd writes.
#include "text/json_escape.hpp"

#include <cstdint>
#include <cstring>

#include "text/utf8.hpp"

namespace shipd::text {

namespace {

constexpr char kHex[] = "0123456789abcdef";

bool is_plain(unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; }

// True when one of the 8 bytes in `v` is not plain: below 0x20, '"', '\\' or from 0x80 on
// (the classic "has a byte less than n / equal to c" tests on a 64-bit word; exact for the
// question "is there one", which is all the caller asks before it copies the 8 bytes).
bool any_not_plain(std::uint64_t v) {
    constexpr std::uint64_t kOnes = 0x0101010101010101;
    constexpr std::uint64_t kHigh = 0x8080808080808080;
    const auto has_zero = [](std::uint64_t x) { return (x - kOnes) & ~x & kHigh; };
    return ((v & kHigh) | ((v - 0x20 * kOnes) & ~v & kHigh) | has_zero(v ^ ('"' * kOnes)) |
            has_zero(v ^ ('\\' * kOnes))) != 0;
}

}  // namespace

void append_json_escaped(std::string& out, std::string_view text) {
    std::size_t i = 0;
    const std::size_t n = text.size();
    while (i < n) {
        std::size_t run = i;
        // Plain bytes 8 at a time; fewer than 8 left, the text's last 8 bytes as one word (all
        // plain: so are the ones from `run` on; if not, the slow way); then one at a time up
        // to the next byte that is not plain.
        for (std::uint64_t word; run + 8 <= n; run += 8) {
            std::memcpy(&word, text.data() + run, 8);
            if (any_not_plain(word)) break;
        }
        if (run < n && n - run < 8 && n >= 8) {
            std::uint64_t word;
            std::memcpy(&word, text.data() + n - 8, 8);
            if (!any_not_plain(word)) run = n;
        }
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
