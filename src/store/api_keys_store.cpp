// API keys.
#include "store/api_keys_store.hpp"

#include "store/detail/codec.hpp"
#include "store/detail/columns.hpp"

namespace shipd::store {

namespace asio = boost::asio;

namespace {

#define SHIPD_KEY_COLUMNS                                                            \
    "id, name, key_prefix, is_admin, " SHIPD_UTC("created_at") ", " SHIPD_UTC( \
        "revoked_at") ", " SHIPD_UTC("last_used_at")

constexpr std::string_view kCreateKey =
    "INSERT INTO api_keys (name, is_admin, key_hash, key_prefix)"
    " VALUES ($1, $2::boolean, $3::bytea, $4) RETURNING " SHIPD_KEY_COLUMNS;

constexpr std::string_view kListKeys =
    "SELECT " SHIPD_KEY_COLUMNS " FROM api_keys ORDER BY created_at, id";

#undef SHIPD_KEY_COLUMNS

// Matches by id (as text, so a prefix that is not a UUID is no error) or prefix; revokes
// only when exactly one key matched.
constexpr std::string_view kRevokeKey =
    "WITH m AS (SELECT id, revoked_at FROM api_keys WHERE id::text = $1 OR key_prefix = $1),"
    " u AS (UPDATE api_keys k SET revoked_at = now() FROM m"
    " WHERE k.id = m.id AND m.revoked_at IS NULL AND (SELECT count(*) FROM m) = 1"
    " RETURNING k.id)"
    " SELECT (SELECT count(*) FROM m), (SELECT count(*) FROM u)";

// The touch is a no-op UPDATE (no row written, no lock held) while last_used_at is fresh.
constexpr std::string_view kFindKeyByHash =
    "WITH k AS (SELECT id, name, is_admin, revoked_at IS NOT NULL AS revoked"
    " FROM api_keys WHERE key_hash = $1::bytea),"
    " t AS (UPDATE api_keys SET last_used_at = now() WHERE key_hash = $1::bytea"
    " AND revoked_at IS NULL"
    " AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))"
    " SELECT id, name, is_admin, revoked FROM k";

ApiKey decode_key(const pg::Row& row) {
    ApiKey k;
    k.id = row[0].as<std::string>();
    k.name = row[1].as<std::string>();
    k.key_prefix = row[2].as<std::string>();
    k.is_admin = row[3].as<bool>();
    k.created_at = row[4].as<std::string>();
    k.revoked_at = row[5].as<std::optional<std::string>>();
    k.last_used_at = row[6].as<std::optional<std::string>>();
    return k;
}

}  // namespace

asio::awaitable<ApiKey> create_key(pg::Pool& pool, const std::string& name, bool is_admin,
                                   std::string_view key_hash, const std::string& key_prefix) {
    auto result =
        co_await pool.execute(kCreateKey, name, is_admin, detail::bytea_param(key_hash), key_prefix);
    co_return decode_key(result.one());
}

asio::awaitable<std::vector<ApiKey>> list_keys(pg::Pool& pool) {
    auto result = co_await pool.execute(kListKeys);
    std::vector<ApiKey> out;
    out.reserve(result.size());
    for (auto row : result) out.push_back(decode_key(row));
    co_return out;
}

asio::awaitable<RevokeOutcome> revoke_key(pg::Pool& pool, const std::string& id_or_prefix) {
    auto result = co_await pool.execute(kRevokeKey, id_or_prefix);
    auto row = result.one();  // a Row points into its Result: keep the Result alive
    auto matched = row[0].as<std::int64_t>();
    auto revoked = row[1].as<std::int64_t>();
    if (matched == 0) co_return RevokeOutcome::kNotFound;
    if (matched > 1) co_return RevokeOutcome::kAmbiguous;
    co_return revoked == 1 ? RevokeOutcome::kRevoked : RevokeOutcome::kAlreadyRevoked;
}

asio::awaitable<std::optional<KeyIdentity>> find_key_by_hash(pg::Pool& pool,
                                                             std::string_view key_hash) {
    auto result = co_await pool.execute(kFindKeyByHash, detail::bytea_param(key_hash));
    auto row = result.maybe_one();
    if (!row) co_return std::nullopt;
    KeyIdentity k;
    k.id = (*row)[0].as<std::string>();
    k.name = (*row)[1].as<std::string>();
    k.is_admin = (*row)[2].as<bool>();
    k.revoked = (*row)[3].as<bool>();
    co_return k;
}

}  // namespace shipd::store
