// Authentication (no key, wrong key, Bearer and Basic, a revoked key refused within the cache
// TTL, admin routes) and Idempotency-Key on POST /v1/shipments and /buy (replay, reuse with
// another body, scope per API key, ten concurrent retries making one shipment).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <set>
#include <thread>

#include "support/shipd_server.hpp"

namespace shipd::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;


std::size_t shipments_with_reference(const std::string& ref) {
    auto r = default_api().get("/v1/shipments?page_size=100&reference=" + url_encode(ref));
    EXPECT_EQ(r.status, 200) << r.body;
    auto v = json_of(r);
    const auto* list = at(v, "shipments");
    return list && list->is_array() ? list->as_array().size() : 0;
}

void expect_unauthorized(const HttpResponse& r) {
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(str_at(json_of(r), "error.code"), "UNAUTHORIZED") << r.body;
    EXPECT_FALSE(str_at(json_of(r), "request_id").empty()) << r.body;
}

TEST(ApiAuth, MissingKeyIs401) {
    expect_unauthorized(default_api().anonymous("GET", "/v1/shipments"));
    expect_unauthorized(default_api().anonymous("GET", "/v1/shipments/01939b6e-0000-7000-8000-000000000000"));
    expect_unauthorized(default_api().anonymous("POST", "/v1/shipments", shipment_body(unique("anon")),
                                        "Content-Type: application/json\r\n"));
    expect_unauthorized(default_api().anonymous("POST", "/v1/shipments/batch-track", R"({"tracking_codes":["x"]})",
                                        "Content-Type: application/json\r\n"));
    expect_unauthorized(default_api().anonymous("POST", "/v1/imports/shipments", "", "Content-Type: application/x-ndjson\r\n"));
    expect_unauthorized(default_api().anonymous("GET", "/v1/shipments", {}, "Authorization: Bearer \r\n"));
    expect_unauthorized(default_api().anonymous("GET", "/v1/shipments", {}, "Authorization: Token abc\r\n"));
}

TEST(ApiAuth, WrongKeyIs401) {
    expect_unauthorized(Api(default_server().port(), "shipd_thisIsNotAKeyAtAll000000000000000000").get("/v1/shipments"));
    expect_unauthorized(Api(default_server().port(), default_server().key() + "x").get("/v1/shipments"));
    expect_unauthorized(default_api().anonymous("GET", "/v1/shipments", {},
                                        "Authorization: Basic " + base64("shipd_wrong:") + "\r\n"));
    expect_unauthorized(default_api().anonymous("GET", "/v1/shipments", {}, "Authorization: Basic !!!notbase64\r\n"));
    // The health routes need no key.
    EXPECT_EQ(default_api().anonymous("GET", "/health/live").status, 200);
}

TEST(ApiAuth, BearerAndBasicAreBothAccepted) {
    const std::string& key = default_server().key();
    EXPECT_EQ(default_api().anonymous("GET", "/v1/shipments", {}, "Authorization: Bearer " + key + "\r\n").status, 200);
    EXPECT_EQ(default_api().anonymous("GET", "/v1/shipments", {}, "Authorization: bearer " + key + "\r\n").status, 200);
    // EasyPost's clients: the key as user name, an empty password.
    auto basic = default_api().anonymous("GET", "/v1/shipments", {}, "Authorization: Basic " + base64(key + ":") + "\r\n");
    EXPECT_EQ(basic.status, 200) << basic.body;
    auto create = default_api().anonymous("POST", "/v1/shipments", shipment_body(unique("basic")),
                                  "Authorization: Basic " + base64(key + ":") + "\r\nContent-Type: application/json\r\n");
    EXPECT_EQ(create.status, 201) << create.body;
}

// Keys made by `shipd keys create` (with and without --admin) authenticate, stored as SHA-256.
TEST(ApiAuth, KeysMadeByTheCliAuthenticate) {
    for (bool admin : {false, true}) {
        std::string key = default_server().create_key_with_cli(unique("cli"), admin);
        ASSERT_TRUE(key.starts_with("shipd_")) << key;
        auto r = Api(default_server().port(), key).get("/v1/shipments?page_size=1");
        EXPECT_EQ(r.status, 200) << "shipd keys create" << (admin ? " --admin" : "") << " printed " << key << ": " << r.body;
        auto stored = default_server().exec_sql("SELECT key_hash = sha256(convert_to('" + key + "', 'UTF8')) FROM api_keys WHERE key_prefix = '" +
                                        key.substr(0, 12) + "'");
        ASSERT_EQ(stored.size(), 1u);
        EXPECT_EQ(stored[0], "t") << "the stored hash is not SHA-256 of the printed key";
    }
}

TEST(ApiAuth, KeysCliListsAndRevokes) {
    std::string key = default_server().create_key("listed");
    std::string out;
    ASSERT_EQ(default_server().run_cli({"keys", "list"}, &out), 0);
    EXPECT_NE(out.find(key.substr(0, 12)), std::string::npos) << out;
    EXPECT_EQ(out.find(key), std::string::npos) << "keys list shows the whole key";
    EXPECT_EQ(default_server().run_cli({"keys", "revoke", "shipd_nosuch"}), 1);
}

TEST(ApiAuth, RevokedKeyIsRefusedWithinTheCacheTtl) {
    std::string key = default_server().create_key("to-revoke");
    ASSERT_FALSE(key.empty());
    Api revoked(default_server().port(), key);
    // Used first, so it sits in the server's key cache when revoked.
    for (int i = 0; i < 4; ++i) ASSERT_EQ(revoked.get("/v1/shipments?page_size=1").status, 200);
    auto t0 = std::chrono::steady_clock::now();
    ASSERT_TRUE(default_server().revoke_key(key.substr(0, 12)));
    // The cache TTL is 10 s: refused within it (plus slack for a loaded machine), on every
    // event loop, and for good.
    int refused_in_a_row = 0;
    auto deadline = t0 + 14s;
    while (refused_in_a_row < 6 && std::chrono::steady_clock::now() < deadline) {
        auto r = revoked.get("/v1/shipments?page_size=1");
        if (r.status == 401) {
            ++refused_in_a_row;
        } else {
            EXPECT_EQ(r.status, 200) << r.body;
            refused_in_a_row = 0;
            std::this_thread::sleep_for(200ms);
        }
    }
    EXPECT_EQ(refused_in_a_row, 6) << "a revoked key still works after "
                                   << std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - t0).count()
                                   << " s";
    // The other keys are untouched.
    EXPECT_EQ(default_api().get("/v1/shipments?page_size=1").status, 200);
}

TEST(ApiAuth, NonAdminKeyOnAdminRoutesIs403) {
    std::string admin = default_server().create_key("admin", true);
    auto ok = Api(default_server().port(), admin).get("/v1/admin/db/connections");
    ASSERT_EQ(ok.status, 200) << ok.body;
    auto report = json_of(ok);
    EXPECT_GE(at(report, "connections")->as_int64(), 1);
    EXPECT_GE(at(report, "max_connections")->as_int64(), 1);
    EXPECT_NE(ok.body.find("/primary\""), std::string::npos) << "shipd's own pool is not among the connections: " << ok.body;
    auto r = default_api().get("/v1/admin/db/connections");
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(str_at(json_of(r), "error.code"), "FORBIDDEN");
}

TEST(ApiAuth, PastTheRateLimitIs429WithRetryAfter) {
    ShipdServerOptions options;
    options.env["SHIPD_RATE_LIMIT_RPS"] = "2";
    options.env["SHIPD_RATE_LIMIT_BURST"] = "5";
    // One event loop: with several, each has its share of the bucket and connections land
    // on loops at random, which makes exact counts a matter of chance.
    options.env["SHIPD_THREADS"] = "1";
    ShipdServer limited(options);
    Api client(limited.port(), limited.key());
    int ok = 0;
    HttpResponse last;
    for (int i = 0; i < 8; ++i) {
        last = client.get("/v1/shipments?page_size=1");
        if (last.status == 200) ++ok;
    }
    EXPECT_GE(ok, 5);
    EXPECT_LE(ok, 6);  // a token may have refilled during the burst
    ASSERT_EQ(last.status, 429) << last.body;
    EXPECT_EQ(str_at(json_of(last), "error.code"), "RATE_LIMITED");
    int retry_after = std::stoi(last.header("retry-after"));
    EXPECT_GE(retry_after, 1);
    // Health is not limited; another key has its own bucket.
    EXPECT_EQ(http_request(limited.port(), "GET", "/health/live")->status, 200);
    Api other(limited.port(), limited.create_key("other"));
    EXPECT_EQ(other.get("/v1/shipments?page_size=1").status, 200);
    std::this_thread::sleep_for(std::chrono::seconds(retry_after));
    EXPECT_EQ(client.get("/v1/shipments?page_size=1").status, 200);
}

TEST(ApiIdempotency, CreateRetryReturnsTheFirstResponse) {
    std::string ref = unique("idem-create");
    std::string key = "Idempotency-Key: " + unique("k") + "\r\n";
    auto first = default_api().post("/v1/shipments", shipment_body(ref), key);
    ASSERT_EQ(first.status, 201) << first.body;
    EXPECT_TRUE(first.header("idempotent-replayed").empty());
    auto retry = default_api().post("/v1/shipments", shipment_body(ref), key);
    ASSERT_EQ(retry.status, 201) << retry.body;
    EXPECT_EQ(retry.header("idempotent-replayed"), "true");
    EXPECT_EQ(str_at(json_of(retry), "id"), str_at(json_of(first), "id"));
    EXPECT_EQ(retry.body, first.body);
    EXPECT_EQ(shipments_with_reference(ref), 1u);

    // Another body under the same key: 409 IDEMPOTENCY_KEY_REUSED, nothing made.
    auto reused = default_api().post("/v1/shipments", shipment_body(ref, 99), key);
    EXPECT_EQ(reused.status, 409) << reused.body;
    EXPECT_EQ(str_at(json_of(reused), "error.code"), "IDEMPOTENCY_KEY_REUSED") << reused.body;
    EXPECT_EQ(shipments_with_reference(ref), 1u);

    // Without the key, the same body is a new shipment.
    EXPECT_EQ(default_api().post("/v1/shipments", shipment_body(ref)).status, 201);
    EXPECT_EQ(shipments_with_reference(ref), 2u);
}

TEST(ApiIdempotency, KeysAreScopedToTheApiKey) {
    std::string ref = unique("idem-scope");
    std::string key = "Idempotency-Key: " + unique("k") + "\r\n";
    Api other(default_server().port(), default_server().create_key("other-client"));
    auto a = default_api().post("/v1/shipments", shipment_body(ref), key);
    auto b = other.post("/v1/shipments", shipment_body(ref, 40), key);
    ASSERT_EQ(a.status, 201) << a.body;
    ASSERT_EQ(b.status, 201) << b.body;
    EXPECT_NE(str_at(json_of(a), "id"), str_at(json_of(b), "id"));
    EXPECT_TRUE(b.header("idempotent-replayed").empty());
}

TEST(ApiIdempotency, BuyRetryReturnsTheFirstPurchase) {
    auto created = default_api().post("/v1/shipments", shipment_body(unique("idem-buy")));
    ASSERT_EQ(created.status, 201);
    std::string id = str_at(json_of(created), "id");
    std::string key = "Idempotency-Key: " + unique("k") + "\r\n";
    std::string body = R"({"carrier":"UPS","service":"2ndDayAir"})";
    auto first = default_api().post("/v1/shipments/" + id + "/buy", body, key);
    ASSERT_EQ(first.status, 200) << first.body;
    auto retry = default_api().post("/v1/shipments/" + id + "/buy", body, key);
    EXPECT_EQ(retry.status, 200) << retry.body;
    EXPECT_EQ(retry.header("idempotent-replayed"), "true");
    EXPECT_EQ(str_at(json_of(retry), "id"), id);
    EXPECT_EQ(str_at(json_of(retry), "tracking_code"), str_at(json_of(first), "tracking_code"));
    EXPECT_EQ(retry.body, first.body);
    // Only one purchase event.
    auto events = json_of(default_api().get("/v1/shipments/" + id + "/events"));
    EXPECT_EQ(at(events, "events")->as_array().size(), 1u);
    // Another body under the key: reused; without a key: already purchased.
    auto reused = default_api().post("/v1/shipments/" + id + "/buy", R"({"carrier":"UPS","service":"Ground"})", key);
    EXPECT_EQ(reused.status, 409);
    EXPECT_EQ(str_at(json_of(reused), "error.code"), "IDEMPOTENCY_KEY_REUSED");
    auto again = default_api().post("/v1/shipments/" + id + "/buy", body);
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(str_at(json_of(again), "error.code"), "CONFLICT");
}

TEST(ApiIdempotency, ARefusalIsReplayedToo) {
    auto created = default_api().post("/v1/shipments", shipment_body(unique("idem-422")));
    std::string id = str_at(json_of(created), "id");
    std::string key = "Idempotency-Key: " + unique("k") + "\r\n";
    std::string body = R"({"rate":{"id":"rate_nope"}})";
    auto first = default_api().post("/v1/shipments/" + id + "/buy", body, key);
    EXPECT_EQ(first.status, 422) << first.body;
    auto retry = default_api().post("/v1/shipments/" + id + "/buy", body, key);
    EXPECT_EQ(retry.status, 422) << retry.body;
    EXPECT_EQ(retry.header("idempotent-replayed"), "true");
}

TEST(ApiIdempotency, MalformedKeyIs400) {
    auto r = default_api().post("/v1/shipments", shipment_body(unique("idem-bad")),
                        "Idempotency-Key: " + std::string(256, 'k') + "\r\n");
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(str_at(json_of(r), "error.code"), "BAD_REQUEST");
}

TEST(ApiIdempotency, TenConcurrentRequestsWithOneKeyCreateOneShipment) {
    std::string ref = unique("idem-race");
    std::string key = "Idempotency-Key: " + unique("k") + "\r\n";
    std::string body = shipment_body(ref);
    std::vector<HttpResponse> answers(10);
    std::vector<std::thread> threads;
    Api a = default_api();
    for (int i = 0; i < 10; ++i) {
        threads.emplace_back([&, i] { answers[i] = a.post("/v1/shipments", body, key); });
    }
    for (auto& t : threads) t.join();
    std::set<std::string> ids;
    int created = 0, in_progress = 0;
    for (const auto& r : answers) {
        if (r.status == 201) {
            ++created;
            ids.insert(str_at(json_of(r), "id"));
        } else {
            // A retry racing the first request is told to retry shortly.
            EXPECT_EQ(r.status, 409) << r.body;
            EXPECT_EQ(str_at(json_of(r), "error.code"), "CONFLICT") << r.body;
            ++in_progress;
        }
    }
    EXPECT_GE(created, 1);
    EXPECT_EQ(ids.size(), 1u);
    EXPECT_EQ(created + in_progress, 10);
    EXPECT_EQ(shipments_with_reference(ref), 1u);
    // Once settled, a retry replays the one shipment.
    auto retry = a.post("/v1/shipments", body, key);
    EXPECT_EQ(retry.status, 201);
    EXPECT_EQ(str_at(json_of(retry), "id"), *ids.begin());
}

}  // namespace
}  // namespace shipd::testing
