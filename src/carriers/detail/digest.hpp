// Small hashing helpers (OpenSSL) the simulated carrier derives its stable ids from.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace shipd::carriers::detail {

/// SHA-256 of `data`.
std::array<std::uint8_t, 32> sha256(std::string_view data);

/// Lower-case hex of `bytes`.
std::string to_hex(const std::uint8_t* bytes, std::size_t size);

}  // namespace shipd::carriers::detail
