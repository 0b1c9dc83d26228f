// Idempotency keys.
#include "store/idempotency_store.hpp"

#include "pg/errors.hpp"
#include "store/detail/codec.hpp"

namespace shipd::store {

namespace asio = boost::asio;

namespace {

// Inserts, or takes over an expired row; returns a row only when this request now holds it.
// A live row (ours or a concurrent request's) returns nothing and is read by kReadKey, in a
// new statement so that a row committed by a concurrent begin after this one's snapshot is
// visible.
constexpr std::string_view kClaimKey =
    "INSERT INTO idempotency_keys AS k (api_key_id, key, request_hash)"
    " VALUES ($1::uuid, $2, $3::bytea)"
    " ON CONFLICT (api_key_id, key) DO UPDATE"
    " SET request_hash = EXCLUDED.request_hash, response_status = NULL, response_body = NULL,"
    " created_at = now(), completed_at = NULL, expires_at = now() + interval '24 hours'"
    " WHERE k.expires_at <= now()"
    " RETURNING k.id";

constexpr std::string_view kReadKey =
    "SELECT request_hash = $3::bytea, response_status, response_body FROM idempotency_keys"
    " WHERE api_key_id = $1::uuid AND key = $2 AND expires_at > now()";

constexpr std::string_view kCompleteKey =
    "UPDATE idempotency_keys SET response_status = $3, response_body = $4, completed_at = now()"
    " WHERE api_key_id = $1::uuid AND key = $2 AND completed_at IS NULL";

constexpr std::string_view kAbandonKey =
    "DELETE FROM idempotency_keys WHERE api_key_id = $1::uuid AND key = $2"
    " AND completed_at IS NULL";

constexpr std::string_view kPurgeKeys = "DELETE FROM idempotency_keys WHERE expires_at <= now()";

// A begin that loses to a concurrent abandon() or expiry between its two statements claims
// again; three rounds cover any interleaving that is not a deliberate storm.
constexpr int kClaimAttempts = 3;

}  // namespace

asio::awaitable<BeginResult> begin_idempotent(pg::Pool& pool, const std::string& api_key_id,
                                              const std::string& key,
                                              std::string_view request_hash) {
    auto hash = detail::bytea_param(request_hash);
    auto lease = co_await pool.acquire("store.begin_idempotent");
    for (int attempt = 1;; ++attempt) {
        auto claimed = co_await lease->execute(kClaimKey, api_key_id, key, hash);
        if (!claimed.empty()) co_return BeginResult{BeginOutcome::kNew, 0, {}};
        auto read = co_await lease->execute(kReadKey, api_key_id, key, hash);
        if (auto row = read.maybe_one()) {
            if (!(*row)[0].as<bool>()) co_return BeginResult{BeginOutcome::kMismatch, 0, {}};
            auto status = (*row)[1].as<std::optional<int>>();
            if (!status) co_return BeginResult{BeginOutcome::kInProgress, 0, {}};
            co_return BeginResult{BeginOutcome::kReplay, *status, (*row)[2].as<std::string>()};
        }
        if (attempt >= kClaimAttempts) {
            throw pg::Error("idempotency key kept changing under a concurrent request");
        }
    }
}

asio::awaitable<bool> complete_idempotent(pg::Pool& pool, const std::string& api_key_id,
                                          const std::string& key, int status,
                                          const std::string& body) {
    auto result = co_await pool.execute(kCompleteKey, api_key_id, key, status, body);
    co_return result.rows_affected() == 1;
}

asio::awaitable<bool> abandon_idempotent(pg::Pool& pool, const std::string& api_key_id,
                                         const std::string& key) {
    auto result = co_await pool.execute(kAbandonKey, api_key_id, key);
    co_return result.rows_affected() == 1;
}

asio::awaitable<std::uint64_t> purge_expired_idempotency_keys(pg::Pool& pool) {
    auto result = co_await pool.execute(kPurgeKeys);
    co_return result.rows_affected();
}

}  // namespace shipd::store
