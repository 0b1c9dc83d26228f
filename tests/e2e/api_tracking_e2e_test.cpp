// Tracking end to end: POST/GET /v1/shipments/{id}/events (repeats absorbed, status follows the
// newest occurred_at whatever the arrival order, oldest first) and POST /v1/shipments/batch-track
// (request order, duplicates answered twice, not_found, 1000 codes, 1001 refused).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/shipd_server.hpp"

namespace shipd::testing {
namespace {

namespace json = boost::json;


std::string create_id() {
    auto r = default_api().post("/v1/shipments", shipment_body(unique("trk")));
    EXPECT_EQ(r.status, 201) << r.body;
    return str_at(json_of(r), "id");
}

// A bought shipment: {id, tracking_code}.
std::pair<std::string, std::string> bought() {
    std::string id = create_id();
    auto r = default_api().post("/v1/shipments/" + id + "/buy", R"({"carrier":"USPS","service":"Priority"})");
    EXPECT_EQ(r.status, 200) << r.body;
    return {id, str_at(json_of(r), "tracking_code")};
}

std::string event(const std::string& status, const std::string& at, const std::string& message) {
    return R"({"status":")" + status + R"(","occurred_at":")" + at + R"(","message":")" + message +
           R"(","status_detail":"arrived_at_facility","location":{"city":"Reno","state":"NV","zip":"89501","country":"US"}})";
}

std::string events_body(std::initializer_list<std::string> events) {
    std::string out = "{\"events\":[";
    bool first = true;
    for (const auto& e : events) {
        if (!first) out += ',';
        out += e;
        first = false;
    }
    return out + "]}";
}

std::size_t count(const json::value& v, const std::string& list) {
    const auto* a = at(v, list);
    return a && a->is_array() ? a->as_array().size() : 0;
}

TEST(ApiTracking, AppendAnswers201WithAllEventsAndRepeatsAreAbsorbed) {
    std::string id = create_id();
    auto r = default_api().post("/v1/shipments/" + id + "/events",
                        events_body({event("in_transit", "2026-03-01T10:00:00Z", "Departed facility")}));
    ASSERT_EQ(r.status, 201) << r.body;
    auto v = json_of(r);
    ASSERT_EQ(count(v, "events"), 1u) << r.body;
    EXPECT_EQ(str_at(v, "events.0.shipment_id"), id);
    EXPECT_EQ(str_at(v, "events.0.status"), "in_transit");
    EXPECT_EQ(str_at(v, "events.0.source"), "api");
    EXPECT_EQ(str_at(v, "events.0.location.city"), "Reno");
    EXPECT_TRUE(str_at(v, "events.0.occurred_at").starts_with("2026-03-01T10:00:00")) << r.body;
    EXPECT_TRUE(str_at(v, "events.0.occurred_at").ends_with("Z")) << r.body;

    // The same event again, and once more inside a batch with a new one: stored once.
    auto again = default_api().post("/v1/shipments/" + id + "/events",
                            events_body({event("in_transit", "2026-03-01T10:00:00Z", "Departed facility")}));
    ASSERT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(count(json_of(again), "events"), 1u) << again.body;
    auto mixed = default_api().post("/v1/shipments/" + id + "/events",
                            events_body({event("in_transit", "2026-03-01T10:00:00Z", "Departed facility"),
                                         event("out_for_delivery", "2026-03-02T08:00:00Z", "Out for delivery"),
                                         event("out_for_delivery", "2026-03-02T08:00:00Z", "Out for delivery")}));
    ASSERT_EQ(mixed.status, 201) << mixed.body;
    EXPECT_EQ(count(json_of(mixed), "events"), 2u) << mixed.body;
    // Same time and status, another message: a different event.
    auto other = default_api().post("/v1/shipments/" + id + "/events",
                            events_body({event("in_transit", "2026-03-01T10:00:00Z", "Departed facility (scan 2)")}));
    EXPECT_EQ(count(json_of(other), "events"), 3u) << other.body;
    // The same instant in another offset is the same occurred_at: a repeat.
    auto offset = default_api().post("/v1/shipments/" + id + "/events",
                             events_body({event("in_transit", "2026-03-01T12:00:00+02:00", "Departed facility")}));
    EXPECT_EQ(count(json_of(offset), "events"), 3u) << offset.body;
}

TEST(ApiTracking, StatusFollowsTheNewestOccurredAtWhateverTheArrivalOrder) {
    std::string id = create_id();
    auto post = [&](const std::string& e) {
        auto r = default_api().post("/v1/shipments/" + id + "/events", events_body({e}));
        EXPECT_EQ(r.status, 201) << r.body;
    };
    post(event("delivered", "2026-03-03T15:00:00Z", "Delivered"));
    EXPECT_EQ(str_at(json_of(default_api().get("/v1/shipments/" + id)), "status"), "delivered");
    post(event("in_transit", "2026-03-01T09:00:00Z", "Late scan arriving late"));
    EXPECT_EQ(str_at(json_of(default_api().get("/v1/shipments/" + id)), "status"), "delivered");
    post(event("return_to_sender", "2026-03-04T09:00:00Z", "Returned"));
    EXPECT_EQ(str_at(json_of(default_api().get("/v1/shipments/" + id)), "status"), "return_to_sender");

    // GET lists them oldest first, whatever order they came in.
    auto r = default_api().get("/v1/shipments/" + id + "/events");
    ASSERT_EQ(r.status, 200) << r.body;
    auto v = json_of(r);
    ASSERT_EQ(count(v, "events"), 3u) << r.body;
    EXPECT_EQ(str_at(v, "events.0.status"), "in_transit");
    EXPECT_EQ(str_at(v, "events.1.status"), "delivered");
    EXPECT_EQ(str_at(v, "events.2.status"), "return_to_sender");
}

TEST(ApiTracking, EventsOfAnUnknownShipmentAre404AndBadIdsAre400) {
    std::string unknown = "/v1/shipments/01939b6e-0000-7000-8000-0000000000aa/events";
    auto get = default_api().get(unknown);
    EXPECT_EQ(get.status, 404) << get.body;
    EXPECT_EQ(str_at(json_of(get), "error.code"), "NOT_FOUND");
    auto post = default_api().post(unknown, events_body({event("in_transit", "2026-03-01T10:00:00Z", "x")}));
    EXPECT_EQ(post.status, 404) << post.body;
    EXPECT_EQ(str_at(json_of(post), "error.code"), "NOT_FOUND");
    EXPECT_EQ(default_api().get("/v1/shipments/nope/events").status, 400);
}

TEST(ApiTracking, InvalidEventsAre422ListingEveryField) {
    std::string id = create_id();
    auto r = default_api().post("/v1/shipments/" + id + "/events",
                        R"({"events":[{"status":"teleported","occurred_at":"2026-03-01T10:00:00Z"},)"
                        R"({"status":"in_transit","occurred_at":"yesterday"}]})");
    EXPECT_EQ(r.status, 422) << r.body;
    EXPECT_NE(r.body.find("events[0].status"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("events[1].occurred_at"), std::string::npos) << r.body;
    EXPECT_EQ(default_api().post("/v1/shipments/" + id + "/events", R"({"events":[]})").status, 422);
    EXPECT_EQ(count(json_of(default_api().get("/v1/shipments/" + id + "/events")), "events"), 0u);
}

TEST(ApiTracking, BatchTrackAnswersInRequestOrderWithDuplicatesAndNotFound) {
    auto [id1, code1] = bought();
    auto [id2, code2] = bought();
    ASSERT_FALSE(code1.empty());
    ASSERT_FALSE(code2.empty());
    default_api().post("/v1/shipments/" + id2 + "/events",
               events_body({event("in_transit", "2099-01-01T00:00:00Z", "Far future scan")}));
    std::string missing = unique("NOSUCHCODE");
    auto r = default_api().post("/v1/shipments/batch-track", R"({"tracking_codes":[")" + code2 + R"(",")" + missing +
                                                         R"(",")" + code1 + R"(",")" + code2 + R"("]})");
    ASSERT_EQ(r.status, 200) << r.body;
    auto v = json_of(r);
    ASSERT_EQ(count(v, "results"), 3u) << r.body;
    EXPECT_EQ(str_at(v, "results.0.tracking_code"), code2);
    EXPECT_EQ(str_at(v, "results.0.shipment_id"), id2);
    EXPECT_EQ(str_at(v, "results.0.status"), "in_transit");
    EXPECT_EQ(str_at(v, "results.0.last_event.message"), "Far future scan");
    EXPECT_EQ(str_at(v, "results.1.tracking_code"), code1);
    EXPECT_EQ(str_at(v, "results.1.shipment_id"), id1);
    EXPECT_EQ(str_at(v, "results.1.status"), "pre_transit");
    EXPECT_EQ(str_at(v, "results.1.last_event.status"), "pre_transit");
    EXPECT_EQ(str_at(v, "results.2.tracking_code"), code2);
    EXPECT_EQ(str_at(v, "results.2.shipment_id"), id2);
    ASSERT_EQ(count(v, "not_found"), 1u) << r.body;
    EXPECT_EQ(str_at(v, "not_found.0"), missing);
}

std::string codes_body(int n, const std::string& prefix, const std::string& real = {}) {
    std::string body = "{\"tracking_codes\":[";
    for (int i = 0; i < n; ++i) {
        if (i) body += ',';
        body += '"' + (i == n / 2 && !real.empty() ? real : prefix + std::to_string(i)) + '"';
    }
    return body + "]}";
}

TEST(ApiTracking, BatchTrackTakesAThousandCodesAndRefusesOneMore) {
    auto [id, code] = bought();
    std::string prefix = unique("BULK");
    auto ok = default_api().post("/v1/shipments/batch-track", codes_body(1000, prefix, code));
    ASSERT_EQ(ok.status, 200) << ok.body.substr(0, 500);
    auto v = json_of(ok);
    EXPECT_EQ(count(v, "results"), 1u);
    EXPECT_EQ(str_at(v, "results.0.shipment_id"), id);
    EXPECT_EQ(count(v, "not_found"), 999u);
    EXPECT_EQ(str_at(v, "not_found.0"), prefix + "0");
    EXPECT_EQ(str_at(v, "not_found.998"), prefix + "999");

    auto too_many = default_api().post("/v1/shipments/batch-track", codes_body(1001, prefix));
    EXPECT_EQ(too_many.status, 422) << too_many.body.substr(0, 500);
    auto e = json_of(too_many);
    EXPECT_EQ(str_at(e, "error.code"), "VALIDATION_ERROR");
    EXPECT_EQ(str_at(e, "error.errors.0.field"), "tracking_codes") << too_many.body.substr(0, 500);
    EXPECT_EQ(default_api().post("/v1/shipments/batch-track", R"({"tracking_codes":[]})").status, 422);
    EXPECT_EQ(default_api().post("/v1/shipments/batch-track", R"({"tracking_codes":"abc"})").status, 400);
}

}  // namespace
}  // namespace shipd::testing
