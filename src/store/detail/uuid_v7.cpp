// Client-made UUID v7.
#include "store/detail/uuid_v7.hpp"

#include <sys/random.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <system_error>

namespace shipd::store::detail {

namespace {

void fill_random(unsigned char* out, std::size_t size) {
    while (size > 0) {
        ssize_t got = getrandom(out, size, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            throw std::system_error(errno, std::generic_category(), "getrandom");
        }
        out += got;
        size -= static_cast<std::size_t>(got);
    }
}

}  // namespace

std::vector<std::string> make_uuid_v7(std::size_t count) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::vector<unsigned char> random(count * 8);
    fill_random(random.data(), random.size());
    std::vector<std::string> ids;
    ids.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
        auto ms = static_cast<std::uint64_t>(us / 1000);
        auto fraction = static_cast<std::uint16_t>((us % 1000) * 4096 / 1000);
        unsigned char b[16];
        for (int k = 0; k < 6; ++k) b[k] = static_cast<unsigned char>(ms >> (8 * (5 - k)));
        b[6] = static_cast<unsigned char>(0x70 | (fraction >> 8));
        b[7] = static_cast<unsigned char>(fraction & 0xff);
        const unsigned char* r = random.data() + i * 8;
        b[8] = static_cast<unsigned char>(0x80 | (r[0] & 0x3f));
        for (int k = 1; k < 8; ++k) b[8 + k] = r[k];
        std::string text;
        text.reserve(36);
        for (int k = 0; k < 16; ++k) {
            if (k == 4 || k == 6 || k == 8 || k == 10) text.push_back('-');
            text.push_back(kHex[b[k] >> 4]);
            text.push_back(kHex[b[k] & 0xf]);
        }
        ids.push_back(std::move(text));
    }
    return ids;
}

}  // namespace shipd::store::detail
