// UUID version 7 made by the client (bulk loads write their ids with COPY, so the rows of
// several tables can point at each other without a round trip).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace shipd::store::detail {

/// `count` UUID v7 in text form (RFC 9562: 48-bit Unix milliseconds, version 7, the
/// sub-millisecond fraction in the 12 bits of rand_a, variant 10, 62 random bits from the
/// kernel's CSPRNG), the same layout as migration 3's uuid_generate_v7(). One clock reading
/// per id. Throws std::system_error when the kernel gives no random bytes.
std::vector<std::string> make_uuid_v7(std::size_t count);

}  // namespace shipd::store::detail
