// POST /v1/webhooks/easypost (no secret: 503 and nothing stored; bad or missing signature: 401
// and nothing stored; tracker.updated stored as events with source webhook; at-least-once
// delivery absorbed; unknown codes and other types acknowledged) and POST /v1/imports/shipments
// (bad lines in the middle, line numbers, 415, an idempotent retry, imports' own body limit).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "carriers/webhook_signature.hpp"
#include "support/pg_harness.hpp"
#include "support/shipd_server.hpp"

namespace shipd::testing {
namespace {

namespace json = boost::json;

constexpr const char* kSecret = "s3cr\xc3\xa9t-webhook";  // non-ASCII: the NFKD path is exercised
constexpr std::size_t kImportLimit = 2u << 20;

// No webhook secret, default limits.
ShipdServer& plain() {
    static ShipdServer s;
    return s;
}

// A webhook secret and a 2 MiB import limit (twice the default body limit).
ShipdServer& configured() {
    static ShipdServer s(ShipdServerOptions{
        {{"EASYPOST_WEBHOOK_SECRET", kSecret}, {"SHIPD_IMPORT_MAX_BYTES", std::to_string(kImportLimit)}}, {}});
    return s;
}

std::string count_sql(const ShipdServer& s, const std::string& statement) { return sql_value(s.database(), statement); }

std::pair<std::string, std::string> bought(ShipdServer& s) {
    Api api(s);
    auto c = api.post("/v1/shipments", shipment_body(unique("wh")));
    EXPECT_EQ(c.status, 201) << c.body;
    std::string id = str_at(json_of(c), "id");
    auto b = api.post("/v1/shipments/" + id + "/buy", R"({"carrier":"USPS","service":"GroundAdvantage"})");
    EXPECT_EQ(b.status, 200) << b.body;
    return {id, str_at(json_of(b), "tracking_code")};
}

std::string tracker_event(const std::string& event_id, const std::string& code,
                          const std::string& description = "tracker.updated") {
    // Dated after the purchase event (now), so the shipment status follows them.
    json::object detail1{{"object", "TrackingDetail"},
                         {"message", "Arrived at USPS Regional Facility"},
                         {"status", "in_transit"},
                         {"status_detail", "arrived_at_facility"},
                         {"datetime", "2099-03-02T07:10:00Z"},
                         {"source", "USPS"},
                         {"tracking_location", json::object{{"object", "TrackingLocation"}, {"city", "RENO"}, {"state", "NV"},
                                                            {"country", "US"}, {"zip", "89501"}}}};
    json::object detail2 = detail1;
    detail2["message"] = "Departed USPS Regional Facility";
    detail2["datetime"] = "2099-03-02T11:45:00Z";
    json::object tracker{{"id", "trk_" + event_id}, {"object", "Tracker"}, {"mode", "test"}, {"tracking_code", code},
                         {"status", "in_transit"}, {"status_detail", "arrived_at_facility"}, {"carrier", "USPS"},
                         {"tracking_details", json::array{detail1, detail2}}};
    json::object event{{"id", event_id},     {"object", "Event"},   {"mode", "test"}, {"description", description},
                       {"result", tracker}, {"pending_urls", json::array{}}, {"completed_urls", json::array{}}};
    return json::serialize(event);
}

HttpResponse deliver(ShipdServer& s, const std::string& body, const std::string& signature_header) {
    // No API key: the webhook is authenticated by its signature.
    return Api(s).anonymous("POST", "/v1/webhooks/easypost", body, "Content-Type: application/json\r\n" + signature_header);
}

std::string signed_header(const std::string& body, const std::string& secret = kSecret) {
    return "X-Hmac-Signature: " + carriers::webhook_signature(body, secret) + "\r\n";
}

std::size_t events_of(ShipdServer& s, const std::string& id) {
    auto r = Api(s).get("/v1/shipments/" + id + "/events");
    EXPECT_EQ(r.status, 200) << r.body;
    auto v = json_of(r);
    const auto* e = at(v, "events");
    return e && e->is_array() ? e->as_array().size() : 0;
}

TEST(ApiWebhook, WithoutASecretConfiguredTheRouteAnswers503AndStoresNothing) {
    std::string body = tracker_event(unique("evt"), "9400100000000000000000");
    auto r = deliver(plain(), body, signed_header(body));
    EXPECT_EQ(r.status, 503) << r.body;
    EXPECT_FALSE(r.header("retry-after").empty());
    EXPECT_FALSE(str_at(json_of(r), "error.code").empty()) << r.body;
    EXPECT_EQ(count_sql(plain(), "SELECT count(*) FROM webhook_receipts"), "0");
    EXPECT_EQ(Api(plain()).anonymous("GET", "/health/live").status, 200);
}

TEST(ApiWebhook, BadOrMissingSignatureIs401AndStoresNothing) {
    auto [id, code] = bought(configured());
    std::string event_id = unique("evt_bad");
    std::string body = tracker_event(event_id, code);
    std::string good = carriers::webhook_signature(body, kSecret);
    std::vector<std::string> headers = {
        "",                                                                          // missing
        "X-Hmac-Signature: \r\n",                                                    // empty
        "X-Hmac-Signature: " + good.substr(16) + "\r\n",                             // no scheme
        "X-Hmac-Signature: hmac-sha256-hex=xyz\r\n",                                 // malformed
        "X-Hmac-Signature: hmac-sha1-hex=" + good.substr(16) + "\r\n",               // other scheme
        signed_header(body, "another-secret"),                                       // wrong secret
        signed_header(body + " "),                                                   // another body
        signed_header(body, "s3cr\xc3\xa9t-webhoo"),                                 // near miss
        "X-Hmac-Signature: " + good.substr(0, good.size() - 1) + (good.back() == '0' ? "1" : "0") + "\r\n",  // one digit off
    };
    for (const auto& h : headers) {
        auto r = deliver(configured(), body, h);
        EXPECT_EQ(r.status, 401) << h << "\n" << r.body;
        EXPECT_EQ(str_at(json_of(r), "error.code"), "UNAUTHORIZED") << r.body;
    }
    EXPECT_EQ(count_sql(configured(), "SELECT count(*) FROM webhook_receipts WHERE event_id = '" + event_id + "'"), "0");
    EXPECT_EQ(events_of(configured(), id), 1u) << "only the purchase event";
    EXPECT_EQ(str_at(json_of(Api(configured()).get("/v1/shipments/" + id)), "status"), "pre_transit");
    EXPECT_EQ(Api(configured()).anonymous("GET", "/health/live").status, 200);
}

TEST(ApiWebhook, ValidTrackerUpdatedStoresEventsAndUpdatesTheShipment) {
    auto [id, code] = bought(configured());
    std::string event_id = unique("evt_ok");
    std::string body = tracker_event(event_id, code);
    auto r = deliver(configured(), body, signed_header(body));
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(str_at(json_of(r), "outcome"), "applied") << r.body;

    auto events = json_of(Api(configured()).get("/v1/shipments/" + id + "/events"));
    const auto* list = at(events, "events");
    ASSERT_TRUE(list && list->is_array());
    ASSERT_EQ(list->as_array().size(), 3u) << json::serialize(events);
    int from_webhook = 0;
    for (const auto& e : list->as_array()) {
        if (str_at(e, "source") == "webhook") {
            ++from_webhook;
            EXPECT_EQ(str_at(e, "status"), "in_transit");
            EXPECT_EQ(str_at(e, "location.city"), "RENO");
        }
    }
    EXPECT_EQ(from_webhook, 2);
    EXPECT_EQ(str_at(events, "events.2.message"), "Departed USPS Regional Facility");
    EXPECT_EQ(str_at(json_of(Api(configured()).get("/v1/shipments/" + id)), "status"), "in_transit");

    // At-least-once delivery: the same event again is acknowledged and changes nothing.
    auto again = deliver(configured(), body, signed_header(body));
    ASSERT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(str_at(json_of(again), "outcome"), "duplicate") << again.body;
    EXPECT_EQ(events_of(configured(), id), 3u);
    EXPECT_EQ(count_sql(configured(), "SELECT count(*) FROM webhook_receipts WHERE event_id = '" + event_id + "'"), "1");

    // Another event id carrying the same details (tracker.created, then .updated) is absorbed
    // as repeats of the stored events.
    std::string created = tracker_event(unique("evt_created"), code, "tracker.created");
    auto c = deliver(configured(), created, signed_header(created));
    EXPECT_EQ(c.status, 200) << c.body;
    EXPECT_EQ(events_of(configured(), id), 3u);
}

TEST(ApiWebhook, UnknownTrackingCodesAndOtherEventTypesAreAcknowledgedAndRecorded) {
    std::string unknown_id = unique("evt_unknown");
    std::string body = tracker_event(unknown_id, unique("NOSUCHCODE"));
    auto r = deliver(configured(), body, signed_header(body));
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(str_at(json_of(r), "outcome"), "unknown_tracking_code") << r.body;
    EXPECT_EQ(count_sql(configured(), "SELECT count(*) FROM webhook_receipts WHERE event_id = '" + unknown_id + "'"), "1");

    std::string other_id = unique("evt_other");
    std::string other = json::serialize(json::object{{"id", other_id}, {"object", "Event"}, {"description", "batch.created"},
                                                     {"result", json::object{{"object", "Batch"}, {"id", "batch_1"}}}});
    auto o = deliver(configured(), other, signed_header(other));
    EXPECT_EQ(o.status, 200) << o.body;
    EXPECT_EQ(str_at(json_of(o), "outcome"), "ignored") << o.body;
    EXPECT_EQ(count_sql(configured(), "SELECT count(*) FROM webhook_receipts WHERE event_id = '" + other_id + "'"), "1");
}

TEST(ApiWebhook, SignedButNotJsonIs400) {
    std::string body = "{\"id\": \"evt_truncated\", \"description\": ";
    auto r = deliver(configured(), body, signed_header(body));
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(count_sql(configured(), "SELECT count(*) FROM webhook_receipts WHERE event_id = 'evt_truncated'"), "0");
}

// --- imports -------------------------------------------------------------------------------

std::string line(const std::string& reference) { return shipment_body(reference) + "\n"; }

TEST(ApiImport, BadLinesInTheMiddleNeverLoseTheGoodOnes) {
    Api api(configured());
    std::string ref = unique("imp");
    std::string no_parcel = R"({"reference":")" + ref + R"(","from_address":{"street1":"1 A St","city":"Austin","zip":"78701"},)"
                            R"("to_address":{"street1":"2 B St","city":"Boston","zip":"02108","country":"us"}})";
    std::string body = line(ref)                                                              // 1 ok
                       + "this is not json\n"                                                 // 2 400
                       + line(ref)                                                            // 3 ok
                       + "\n"                                                                 // 4 blank, skipped
                       + no_parcel + "\r\n"                                                   // 5 ok (CRLF)
                       + R"({"reference":")" + ref + R"(","to_address":{"city":"X"}})" + "\n"  // 6 422
                       + line(ref)                                                            // 7 ok
                       + R"({"reference":")" + ref + R"(","parcel":{"weight":"heavy"}})" + "\n"  // 8 400
                       + std::string(10000, '[') + "\n"                                       // 9 too deep
                       + shipment_body(ref);                                                  // 10 ok, no final LF
    auto r = api.post("/v1/imports/shipments", body, {}, "application/x-ndjson");
    ASSERT_EQ(r.status, 200) << r.body;
    auto v = json_of(r);
    EXPECT_EQ(at(v, "accepted")->to_number<int>(), 5) << r.body;
    EXPECT_EQ(at(v, "rejected")->to_number<int>(), 4) << r.body;
    std::vector<int> created_lines, error_lines;
    std::vector<std::string> ids;
    for (const auto& c : at(v, "created")->as_array()) {
        created_lines.push_back(at(c, "line")->to_number<int>());
        ids.push_back(str_at(c, "id"));
    }
    for (const auto& e : at(v, "errors")->as_array()) {
        error_lines.push_back(at(e, "line")->to_number<int>());
        EXPECT_FALSE(str_at(e, "message").empty());
    }
    EXPECT_EQ(created_lines, (std::vector<int>{1, 3, 5, 7, 10}));
    EXPECT_EQ(error_lines, (std::vector<int>{2, 6, 8, 9}));
    EXPECT_EQ(str_at(v, "errors.0.code"), "BAD_REQUEST");
    EXPECT_EQ(str_at(v, "errors.1.code"), "VALIDATION_ERROR");
    EXPECT_NE(str_at(v, "errors.1.message").find("to_address"), std::string::npos) << r.body;

    // Every good line is stored, without rates, and the one without a parcel has none.
    for (std::size_t i = 0; i < ids.size(); ++i) {
        auto s = api.get("/v1/shipments/" + ids[i]);
        ASSERT_EQ(s.status, 200) << s.body;
        auto sv = json_of(s);
        EXPECT_EQ(str_at(sv, "reference"), ref);
        const auto* rates = at(sv, "rates");
        EXPECT_TRUE(!rates || rates->is_null() || (rates->is_array() && rates->as_array().empty())) << s.body;
        if (created_lines[i] == 5) {
            EXPECT_TRUE(at(sv, "parcel")->is_null()) << s.body;
            EXPECT_EQ(str_at(sv, "to_address.country"), "US");
        }
    }
    auto listed = json_of(api.get("/v1/shipments?page_size=100&reference=" + url_encode(ref)));
    EXPECT_EQ(at(listed, "shipments")->as_array().size(), 5u);

    // An imported shipment (no rates) is quoted when bought by carrier and service.
    auto buy = api.post("/v1/shipments/" + ids[0] + "/buy", R"({"carrier":"UPS","service":"Ground"})");
    ASSERT_EQ(buy.status, 200) << buy.body;
    EXPECT_EQ(str_at(json_of(buy), "status"), "pre_transit");
    EXPECT_FALSE(str_at(json_of(buy), "tracking_code").empty());
    // ...and a rate id cannot name a rate it does not have.
    auto by_id = api.post("/v1/shipments/" + ids[1] + "/buy", R"({"rate":{"id":"rate_x"}})");
    EXPECT_EQ(by_id.status, 422) << by_id.body;
}

TEST(ApiImport, WrongContentTypeIs415AndStoresNothing) {
    Api api(configured());
    std::string ref = unique("imp415");
    EXPECT_EQ(api.post("/v1/imports/shipments", line(ref), {}, "application/json").status, 415);
    EXPECT_EQ(api.post("/v1/imports/shipments", line(ref), {}, "").status, 415);
    EXPECT_EQ(api.post("/v1/imports/shipments", line(ref), {}, "text/plain").status, 415);
    auto r = api.post("/v1/imports/shipments", line(ref), {}, "application/x-ndjson");
    EXPECT_EQ(r.status, 200) << r.body;
    auto listed = json_of(api.get("/v1/shipments?reference=" + url_encode(ref)));
    EXPECT_EQ(at(listed, "shipments")->as_array().size(), 1u);
}

TEST(ApiImport, ARetryOfTheSameFileWithTheSameKeyImportsNothingTwice) {
    Api api(configured());
    std::string ref = unique("imp-retry");
    std::string body;
    for (int i = 0; i < 30; ++i) body += line(ref);
    body += "oops\n";
    std::string key = "Idempotency-Key: " + unique("import") + "\r\n";
    auto first = api.post("/v1/imports/shipments", body, key, "application/x-ndjson");
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(at(json_of(first), "accepted")->to_number<int>(), 30);
    auto retry = api.post("/v1/imports/shipments", body, key, "application/x-ndjson");
    ASSERT_EQ(retry.status, 200) << retry.body;
    EXPECT_EQ(retry.header("idempotent-replayed"), "true");
    EXPECT_EQ(retry.body, first.body);
    auto listed = json_of(api.get("/v1/shipments?page_size=100&reference=" + url_encode(ref)));
    EXPECT_EQ(at(listed, "shipments")->as_array().size(), 30u);
    // Another file under the key is refused.
    auto other = api.post("/v1/imports/shipments", line(ref), key, "application/x-ndjson");
    EXPECT_EQ(other.status, 409) << other.body;
    EXPECT_EQ(str_at(json_of(other), "error.code"), "IDEMPOTENCY_KEY_REUSED");
}

TEST(ApiImport, ImportsHaveTheirOwnBodyLimit) {
    Api api(configured());
    std::string ref = unique("imp-big");
    std::string one = line(ref);
    std::string body;
    while (body.size() + one.size() < (3u << 19)) body += one;  // 1.5 MiB: over the 1 MiB default
    std::size_t lines = body.size() / one.size();
    auto r = api.post("/v1/imports/shipments", body, {}, "application/x-ndjson");
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 300);
    EXPECT_EQ(at(json_of(r), "accepted")->to_number<std::size_t>(), lines);
    EXPECT_EQ(at(json_of(r), "rejected")->to_number<int>(), 0);
    // One line over 64 KiB is rejected alone.
    std::string long_line = R"({"reference":")" + std::string(70000, 'x') + "\"}\n";
    auto l = api.post("/v1/imports/shipments", one + long_line + one, {}, "application/x-ndjson");
    ASSERT_EQ(l.status, 200) << l.body;
    EXPECT_EQ(at(json_of(l), "accepted")->to_number<int>(), 2) << l.body;
    EXPECT_EQ(at(json_of(l), "errors.0.line")->to_number<int>(), 2) << l.body;
    // Over the import limit: 413.
    // (Declared in the header; the answer comes before the body is sent.)
    RawConnection c(configured().port());
    ASSERT_TRUE(c.send("POST /v1/imports/shipments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + configured().key() +
                       "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + std::to_string(kImportLimit + 1) +
                       "\r\n\r\n"));
    auto big = c.read_response(std::chrono::seconds(10));
    ASSERT_TRUE(big);
    EXPECT_EQ(big->status, 413) << big->body;
    EXPECT_EQ(str_at(json_of(*big), "error.code"), "PAYLOAD_TOO_LARGE");
    EXPECT_EQ(api.anonymous("GET", "/health/live").status, 200);
}

}  // namespace
}  // namespace shipd::testing
