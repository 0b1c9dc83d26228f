// ShipdServer: `shipd serve` on a fresh database of the harness cluster (or on a given
// DATABASE_URL), with API keys made by `shipd keys create`, stopped with SIGTERM. Api: requests
// with the key and a content type, answers as HttpResponse. JSON helpers over Boost.JSON.
#pragma once

#include <boost/json/value.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/child_process.hpp"
#include "support/http_client.hpp"
#include "support/temp_dir.hpp"

namespace shipd::testing {

struct ShipdServerOptions {
    /// Extra environment for `shipd serve` (and the key commands); overrides the defaults.
    std::map<std::string, std::string> env;
    /// Empty: a fresh database of the harness cluster (pg_harness.hpp).
    std::string database_url;
};

class ShipdServer {
public:
    /// Starts `shipd serve` (SHIPD_AUTO_MIGRATE=true, a free port, SIMULATED_TRACKING=off), waits
    /// for "shipd is ready" (60 s at most) and makes one non-admin key. Throws
    /// std::runtime_error with shipd's stderr when it does not come up.
    explicit ShipdServer(ShipdServerOptions options = {});
    /// Stops it (SIGTERM, then SIGKILL after 30 s).
    ~ShipdServer();
    ShipdServer(const ShipdServer&) = delete;
    ShipdServer& operator=(const ShipdServer&) = delete;

    int port() const { return port_; }
    /// The harness database name ("" when started on an external DATABASE_URL).
    const std::string& database() const { return database_; }
    /// A non-admin key made at start.
    const std::string& key() const { return key_; }
    /// A new API key, inserted as `shipd keys create` would store it (SHA-256 hash, 12-character
    /// prefix). Not through the CLI: its keys do not authenticate (see the DISABLED_ test in
    /// api_auth_idempotency_e2e_test.cpp).
    std::string create_key(const std::string& name, bool admin = false);
    /// `shipd keys create --name NAME [--admin]`: the key printed on stdout.
    std::string create_key_with_cli(const std::string& name, bool admin = false);
    /// Runs SQL on the server's database; the first column of every row.
    std::vector<std::string> exec_sql(const std::string& statement) const;
    /// `shipd keys revoke PREFIX_OR_ID`; true on exit 0.
    bool revoke_key(const std::string& prefix_or_id);
    /// Runs `shipd ARGS...` with the server's environment; exit code (nullopt on timeout),
    /// stdout in *out when given.
    std::optional<int> run_cli(const std::vector<std::string>& args, std::string* out = nullptr,
                               std::chrono::seconds timeout = std::chrono::seconds(60));
    /// SIGKILL, as a crash would end it, and waits for it to go.
    void kill();
    /// The DATABASE_URL it serves from (for a second shipd on the same database).
    const std::string& database_url() const { return env_.at("DATABASE_URL"); }
    /// SIGTERM and the exit code (nullopt when it did not stop within `timeout`).
    std::optional<int> stop(std::chrono::seconds timeout = std::chrono::seconds(30));
    std::string log() const { return process_ ? process_->stderr_text() : std::string(); }

private:
    TempDir dir_{"shipd-api-e2e"};
    std::map<std::string, std::string> env_;
    std::string database_;
    int port_ = 0;
    std::string key_;
    std::unique_ptr<ChildProcess> process_;
    bool stopped_ = false;
};

/// Requests to one shipd with one key. A request that gets no answer (closed, 10 s passed)
/// comes back with status 0 and the reason in the body.
class Api {
public:
    Api(int port, std::string key) : port_(port), key_(std::move(key)) {}
    Api(const ShipdServer& s) : Api(s.port(), s.key()) {}  // NOLINT: implicit on purpose

    /// GET with the key.
    HttpResponse get(const std::string& target, const std::string& headers = {}) const;
    /// POST with the key and Content-Type (none when content_type is empty).
    HttpResponse post(const std::string& target, const std::string& body, const std::string& headers = {},
                      const std::string& content_type = "application/json") const;
    /// Any method, with the key; `headers` as "Name: value\r\n" lines.
    HttpResponse request(const std::string& method, const std::string& target, const std::string& body,
                         const std::string& headers) const;
    /// Without any Authorization header.
    HttpResponse anonymous(const std::string& method, const std::string& target, const std::string& body = {},
                           const std::string& headers = {}) const;
    int port() const { return port_; }
    const std::string& key() const { return key_; }

private:
    int port_;
    std::string key_;
};

/// The shipd of this test binary with default settings: started on first use, stopped at
/// exit. Tests share it and keep apart by their own data (unique references, codes).
ShipdServer& default_server();
/// A client of default_server() with its key.
inline Api default_api() { return Api(default_server()); }

/// The JSON of a response body (null when it is not JSON).
boost::json::value json_of(const std::string& body);
inline boost::json::value json_of(const HttpResponse& r) { return json_of(r.body); }
/// o[k] as a string ("" when absent or not a string); `path` is dotted ("error.code").
std::string str_at(const boost::json::value& v, const std::string& path);
/// The value at a dotted path (array indices as numbers: "shipments.0.id"); nullptr when absent.
const boost::json::value* at(const boost::json::value& v, const std::string& path);

/// A name no other test of this run uses: prefix + pid + counter + time.
std::string unique(const std::string& prefix);

/// A valid create body (bare) with `reference`, weight `weight_oz`.
std::string shipment_body(const std::string& reference, double weight_oz = 21.5);

/// Percent-encodes everything but unreserved characters (for query values).
std::string url_encode(const std::string& in);

/// base64 of `in` (for Basic authorization).
std::string base64(const std::string& in);

}  // namespace shipd::testing
