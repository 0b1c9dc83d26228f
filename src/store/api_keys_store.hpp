// API keys: create, list, revoke, and the lookup by hash that authenticates a request.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pg/pool.hpp"

namespace shipd::store {

/// Every function here throws what pg::Pool::acquire and pg::Connection::execute throw.

/// A key as `shipd keys list` shows it: never the hash.
struct ApiKey {
    std::string id;
    std::string name;
    std::string key_prefix;
    bool is_admin = false;
    std::string created_at;                    ///< RFC 3339 UTC
    std::optional<std::string> revoked_at;
    std::optional<std::string> last_used_at;
};

/// What authentication needs.
struct KeyIdentity {
    std::string id;
    std::string name;
    bool is_admin = false;
    bool revoked = false;
};

/// Stores a key by its SHA-256 (`key_hash`, 32 raw bytes) and display prefix (<= 16
/// characters). Throws pg::UniqueViolation when the hash exists, pg::IntegrityConstraintViolation
/// for an empty name or a hash that is not 32 bytes.
boost::asio::awaitable<ApiKey> create_key(pg::Pool& pool, const std::string& name, bool is_admin,
                                          std::string_view key_hash, const std::string& key_prefix);

/// Every key, oldest first.
boost::asio::awaitable<std::vector<ApiKey>> list_keys(pg::Pool& pool);

enum class RevokeOutcome { kRevoked, kAlreadyRevoked, kNotFound, kAmbiguous };

/// Revokes the key whose id or key_prefix is `id_or_prefix`; a prefix shared by several keys
/// revokes none (kAmbiguous). Revoking twice: kAlreadyRevoked (revoked_at unchanged).
boost::asio::awaitable<RevokeOutcome> revoke_key(pg::Pool& pool, const std::string& id_or_prefix);

/// The key with this SHA-256 (32 raw bytes), revoked or not; nullopt when none. In the same
/// statement, last_used_at is set to now() only when it is NULL or older than one minute, so a
/// busy key costs one write a minute, not one per request (last_used_at is minute-accurate).
boost::asio::awaitable<std::optional<KeyIdentity>> find_key_by_hash(pg::Pool& pool,
                                                                    std::string_view key_hash);

}  // namespace shipd::store
