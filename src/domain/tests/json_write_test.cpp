// The JSON writers: exact output for small fixtures, escaping, and Boost.JSON re-parsing it.
#include "domain/json_write.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <limits>

#include "domain/tests/fixtures.hpp"

namespace shipd::domain {
namespace {

namespace json = boost::json;

bool reparses(const std::string& text) {
    std::error_code ec;
    auto v = json::parse(text, ec);
    return !ec;
}

std::string escaped(std::string_view text) {
    std::string out;
    append_json_escaped(out, text);
    return out;
}

TEST(JsonWrite, EscapesQuotesBackslashesAndControls) {
    EXPECT_EQ(escaped("a\"b\\c"), "a\\\"b\\\\c");
    EXPECT_EQ(escaped("\n\r\t\b\f"), "\\n\\r\\t\\b\\f");
    EXPECT_EQ(escaped(std::string_view("\0\x01\x1f", 3)), "\\u0000\\u0001\\u001f");
    EXPECT_EQ(escaped("\x7f"), "\x7f");
}

TEST(JsonWrite, PassesValidUtf8ThroughByteForByte) {
    const std::string text = "Zoë 😀 日本 ' OR 1=1; DROP TABLE shipments; -- \u2028";
    EXPECT_EQ(escaped(text), text);
}

TEST(JsonWrite, ReplacesInvalidUtf8) {
    EXPECT_EQ(escaped("a\xff" "b"), "a\\ufffdb");
    EXPECT_EQ(escaped("\xc0\x80"), "\\ufffd\\ufffd");          // overlong NUL
    EXPECT_EQ(escaped("\xed\xa0\x80"), "\\ufffd\\ufffd\\ufffd");  // a surrogate
    EXPECT_EQ(escaped("\xe2\x82"), "\\ufffd\\ufffd");          // truncated
    std::string out;
    write_string(out, std::string_view("\xf5\x80\x80\x80 \xf4\x90\x80\x80"));
    EXPECT_TRUE(reparses(out));
}

TEST(JsonWrite, NumbersShortestRoundTrip) {
    std::string out;
    write_number(out, 0.1);
    out += ' ';
    write_number(out, 16.0);
    out += ' ';
    write_number(out, 1e300);
    out += ' ';
    write_number(out, std::numeric_limits<double>::infinity());
    out += ' ';
    write_number(out, std::optional<double>{});
    EXPECT_EQ(out, "0.1 16 1e+300 null null");
    std::string big;
    write_number(big, 1e300);
    EXPECT_TRUE(reparses(big));
}

TEST(JsonWrite, RawIsSplicedAndEmptyIsNull) {
    std::string out = "[";
    write_raw(out, R"({"a": [1, 2]})");
    out += ',';
    write_raw(out, "");
    out += ']';
    EXPECT_EQ(out, R"([{"a": [1, 2]},null])");
}

TEST(JsonWrite, ShipmentExact) {
    std::string out;
    write_shipment(out, testing::full_shipment());
    const std::string rate =
        R"({"id":"rate_1","carrier":"USPS","service":"Priority","rate":"7.58","currency":"USD",)"
        R"("delivery_days":2,"est_delivery_date":"2026-11-30"})";
    const std::string expected =
        R"({"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b","reference":"order-42","status":"pre_transit",)"
        R"("from_address":{"id":"0193a1b2-0000-7000-8000-000000000001","name":"Ship \"Co\"",)"
        R"("company":null,"street1":"1 Main St","street2":null,"city":"Springfield","state":"IL",)"
        R"("zip":"62701","country":"US","phone":"+1 555 0100","email":"ship@example.com",)"
        R"("residential":false,"created_at":"2026-11-28T09:00:00Z","updated_at":"2026-11-28T09:00:00.5Z"},)"
        R"("to_address":{"id":"0193a1b2-0000-7000-8000-000000000002","name":null,"company":null,)"
        R"("street1":"2 Elm","street2":null,"city":"Köln","state":null,"zip":"50667","country":"DE",)"
        R"("phone":null,"email":null,"residential":null,"created_at":"2026-11-28T09:00:00Z",)"
        R"("updated_at":"2026-11-28T09:00:00Z"},)"
        R"("parcel":{"id":"0193a1b2-0000-7000-8000-000000000003","length":10.5,"width":null,)"
        R"("height":null,"weight":16,"predefined_package":null},)"
        R"("rates":[)" + rate + R"(],"selected_rate":)" + rate +
        R"(,"carrier":"USPS","service":"Priority","tracking_code":"9400100000000000000000",)"
        R"("label_url":"https://labels.example/1.png","easypost_id":null,)"
        R"("created_at":"2026-11-28T09:00:00Z","updated_at":"2026-11-28T09:01:00Z"})";
    EXPECT_EQ(out, expected);
    EXPECT_TRUE(reparses(out));
}

TEST(JsonWrite, UnstoredShipmentHasNulls) {
    Shipment s;
    std::string out;
    write_shipment(out, s);
    EXPECT_EQ(out,
              R"({"id":null,"reference":null,"status":"unknown","from_address":{"id":null,)"
              R"("name":null,"company":null,"street1":"","street2":null,"city":"","state":null,)"
              R"("zip":"","country":"","phone":null,"email":null,"residential":null,)"
              R"("created_at":null,"updated_at":null},"to_address":{"id":null,"name":null,)"
              R"("company":null,"street1":"","street2":null,"city":"","state":null,"zip":"",)"
              R"("country":"","phone":null,"email":null,"residential":null,"created_at":null,)"
              R"("updated_at":null},"parcel":null,"rates":[],"selected_rate":null,"carrier":null,)"
              R"("service":null,"tracking_code":null,"label_url":null,"easypost_id":null,)"
              R"("created_at":null,"updated_at":null})");
    EXPECT_TRUE(reparses(out));
}

TrackingEvent sample_event() {
    TrackingEvent e;
    e.id = "0193a1b2-0000-7000-8000-000000000009";
    e.shipment_id = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    e.status = Status::kInTransit;
    e.status_detail = "arrived_at_facility";
    e.message = "Arrived at USPS facility";
    e.occurred_at = "2026-11-28T10:00:00Z";
    e.location.city = "Chicago";
    e.location.state = "IL";
    e.location.country = "US";
    e.source = "carrier";
    return e;
}

constexpr std::string_view kSampleEvent =
    R"({"id":"0193a1b2-0000-7000-8000-000000000009","shipment_id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",)"
    R"("status":"in_transit","status_detail":"arrived_at_facility","message":"Arrived at USPS facility",)"
    R"("occurred_at":"2026-11-28T10:00:00Z","location":{"city":"Chicago","state":"IL","zip":null,)"
    R"("country":"US"},"source":"carrier"})";

TEST(JsonWrite, EventExact) {
    std::string out;
    write_event(out, sample_event());
    EXPECT_EQ(out, kSampleEvent);
    EXPECT_TRUE(reparses(out));
}

TEST(JsonWrite, EventsList) {
    std::vector<TrackingEvent> events{sample_event(), sample_event()};
    std::string out;
    write_events(out, events);
    EXPECT_EQ(out, "{\"events\":[" + std::string(kSampleEvent) + "," + std::string(kSampleEvent) + "]}");
    EXPECT_TRUE(reparses(out));
    out.clear();
    write_events(out, {});
    EXPECT_EQ(out, R"({"events":[]})");
}

TEST(JsonWrite, ShipmentsPage) {
    std::vector<Shipment> page{testing::full_shipment(), testing::full_shipment()};
    std::string out;
    write_shipments_page(out, page, true);
    EXPECT_TRUE(out.starts_with(R"({"shipments":[{"id":)"));
    EXPECT_TRUE(out.ends_with(R"(],"has_more":true})"));
    auto v = json::parse(out);
    EXPECT_EQ(v.at("shipments").as_array().size(), 2u);
    out.clear();
    write_shipments_page(out, {}, false);
    EXPECT_EQ(out, R"({"shipments":[],"has_more":false})");
}

TEST(JsonWrite, BatchTrack) {
    TrackResult found{"EZ1", "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", Status::kInTransit,
                      sample_event()};
    TrackResult quiet{"EZ2", "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c", Status::kUnknown,
                      std::nullopt};
    std::vector<TrackResult> results{found, quiet};
    std::vector<std::string> missing{"NOPE", "x\"y"};
    std::string out;
    write_batch_track(out, results, missing);
    EXPECT_EQ(out, R"({"results":[{"tracking_code":"EZ1","shipment_id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",)"
                   R"("status":"in_transit","last_event":)" +
                       std::string(kSampleEvent) +
                       R"(},{"tracking_code":"EZ2","shipment_id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c",)"
                       R"("status":"unknown","last_event":null}],"not_found":["NOPE","x\"y"]})");
    EXPECT_TRUE(reparses(out));
}

}  // namespace
}  // namespace shipd::domain
