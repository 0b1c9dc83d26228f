// Request ids: UUID v7 strings.
#include "http/request_id.hpp"

#include <chrono>
#include <cstdint>
#include <random>

namespace shipd::http {

std::string new_request_id() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    uint64_t ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::system_clock::now().time_since_epoch())
                                            .count());
    uint64_t r1 = rng(), r2 = rng();
    unsigned char b[16];
    for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(ms >> (40 - 8 * i));
    b[6] = static_cast<unsigned char>(0x70 | (r1 & 0x0f));
    b[7] = static_cast<unsigned char>(r1 >> 8);
    b[8] = static_cast<unsigned char>(0x80 | ((r1 >> 16) & 0x3f));
    for (int i = 9; i < 16; ++i) b[i] = static_cast<unsigned char>(r2 >> (8 * (i - 9)));
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(36);
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += kHex[b[i] >> 4];
        out += kHex[b[i] & 15];
    }
    return out;
}

std::string request_id_from(std::string_view header) {
    if (header.empty() || header.size() > 128) return new_request_id();
    for (unsigned char c : header) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '.' || c == '_' || c == ':' || c == '-';
        if (!ok) return new_request_id();
    }
    return std::string(header);
}

}  // namespace shipd::http
