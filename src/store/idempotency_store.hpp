// Idempotency keys (API.md: scoped to the API key, kept 24 hours): begin, complete, abandon,
// purge.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "pg/pool.hpp"

namespace shipd::store {

/// Every function here throws what pg::Pool::acquire and pg::Connection::execute throw;
/// api_key_id must be UUID text of an existing key (else pg::DataException /
/// pg::ForeignKeyViolation); the key is 1-255 characters (else pg::DataException /
/// pg::IntegrityConstraintViolation).

enum class BeginOutcome {
    kNew,         ///< this request holds the key now: do the work, then complete() or abandon()
    kReplay,      ///< done before with the same request: send status and body back
    kMismatch,    ///< the key was used with another request (409 IDEMPOTENCY_KEY_REUSED)
    kInProgress,  ///< a concurrent request with the same key holds it and has not finished
};

struct BeginResult {
    BeginOutcome outcome = BeginOutcome::kNew;
    int status = 0;    ///< kReplay
    std::string body;  ///< kReplay: the exact bytes sent the first time
};

/// Claims (api_key_id, key) for a request whose hash is `request_hash` (raw bytes, e.g. the
/// SHA-256 of method, path and body). Atomic: of concurrent begins of one key exactly one gets
/// kNew. A key past its 24 hours counts as unused (its row is taken over).
boost::asio::awaitable<BeginResult> begin_idempotent(pg::Pool& pool, const std::string& api_key_id,
                                                     const std::string& key,
                                                     std::string_view request_hash);

/// Stores the response of the request that got kNew; false when no in-progress row was there
/// (abandoned, expired and purged, or already completed).
boost::asio::awaitable<bool> complete_idempotent(pg::Pool& pool, const std::string& api_key_id,
                                                 const std::string& key, int status,
                                                 const std::string& body);

/// Deletes the in-progress row of a request that failed, so a retry runs again; a completed
/// row is kept. False when there was no in-progress row.
boost::asio::awaitable<bool> abandon_idempotent(pg::Pool& pool, const std::string& api_key_id,
                                                const std::string& key);

/// Deletes keys past their expiry; returns how many.
boost::asio::awaitable<std::uint64_t> purge_expired_idempotency_keys(pg::Pool& pool);

}  // namespace shipd::store
