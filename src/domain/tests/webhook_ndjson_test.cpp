// EasyPost webhook Events, NDJSON splitting and the import answer.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "domain/json_write.hpp"
#include "domain/ndjson.hpp"
#include "domain/parse.hpp"
#include "domain/webhook_event.hpp"

namespace shipd::domain {
namespace {

// Shaped as EasyPost documents its Event and Tracker objects.
constexpr std::string_view kTrackerUpdated = R"({
  "id": "evt_0123456789abcdef", "object": "Event", "mode": "test",
  "description": "tracker.updated", "previous_attributes": {"status": "pre_transit"},
  "created_at": "2026-11-28T10:00:00Z", "pending_urls": [], "completed_urls": [],
  "result": {
    "id": "trk_abc", "object": "Tracker", "mode": "test", "tracking_code": "EZ4000000004",
    "status": "in_transit", "status_detail": "arrived_at_facility", "carrier": "USPS",
    "signed_by": null, "weight": null, "est_delivery_date": "2026-11-30T00:00:00Z",
    "tracking_details": [
      {"object": "TrackingDetail", "message": "Pre-Shipment Info Sent to USPS",
       "description": "", "status": "pre_transit", "status_detail": "status_update",
       "datetime": "2026-11-27T09:00:00Z", "source": "USPS", "carrier_code": "",
       "tracking_location": {"object": "TrackingLocation", "city": null, "state": null,
                             "country": null, "zip": null}},
      {"object": "TrackingDetail", "message": "Arrived at USPS Facility",
       "status": "in_transit", "status_detail": "arrived_at_facility",
       "datetime": "2026-11-28T04:15:00-06:00", "source": "USPS",
       "tracking_location": {"object": "TrackingLocation", "city": "CHICAGO", "state": "IL",
                             "country": "us", "zip": "60601"}},
      {"object": "TrackingDetail", "message": "no time", "status": "in_transit", "datetime": "soon"},
      {"object": "TrackingDetail", "message": "odd status", "status": "teleported",
       "datetime": "2026-11-28T11:00:00Z", "tracking_location": {"country": "Narnia"}}
    ]
  }
})";

TEST(Webhook, TrackerUpdated) {
    auto parsed = parse_webhook_event(kTrackerUpdated);
    ASSERT_TRUE(parsed.ok()) << parsed.message;
    const WebhookEvent& e = *parsed.value;
    EXPECT_EQ(e.id, "evt_0123456789abcdef");
    EXPECT_EQ(e.description, "tracker.updated");
    EXPECT_TRUE(e.is_tracker_update());
    EXPECT_EQ(e.tracker_id, "trk_abc");
    EXPECT_EQ(e.tracking_code, "EZ4000000004");
    EXPECT_EQ(e.status, Status::kInTransit);
    EXPECT_EQ(e.status_detail, "arrived_at_facility");
    EXPECT_EQ(e.carrier, "USPS");
    EXPECT_EQ(e.skipped_details, 1u);
    ASSERT_EQ(e.events.size(), 3u);
    EXPECT_EQ(e.events[0].status, Status::kPreTransit);
    EXPECT_EQ(e.events[0].occurred_at, "2026-11-27T09:00:00Z");
    EXPECT_EQ(e.events[0].message, "Pre-Shipment Info Sent to USPS");
    EXPECT_FALSE(e.events[0].location.city);
    EXPECT_EQ(e.events[0].source, "webhook");
    EXPECT_EQ(e.events[1].occurred_at, "2026-11-28T10:15:00Z");
    EXPECT_EQ(e.events[1].location.city, "CHICAGO");
    EXPECT_EQ(e.events[1].location.country, "US");
    EXPECT_EQ(e.events[2].status, Status::kUnknown);  // "teleported"
    EXPECT_FALSE(e.events[2].location.country);       // "Narnia" dropped, event kept
}

TEST(Webhook, OtherEventTypesAreAcknowledged) {
    auto batch = parse_webhook_event(
        R"({"id": "evt_1", "object": "Event", "description": "batch.created", "result": {"object": "Batch"}})");
    ASSERT_TRUE(batch.ok());
    EXPECT_FALSE(batch.value->is_tracker_update());
    EXPECT_FALSE(batch.value->has_tracker);
    auto bare = parse_webhook_event(R"({"id": "evt_2", "description": "tracker.created"})");
    ASSERT_TRUE(bare.ok());
    EXPECT_FALSE(bare.value->is_tracker_update());
}

TEST(Webhook, Problems) {
    EXPECT_EQ(parse_webhook_event("not json").failure, Failure::kBadRequest);
    EXPECT_EQ(parse_webhook_event("[]").failure, Failure::kBadRequest);
    auto missing = parse_webhook_event(R"({"object": "Event"})");
    EXPECT_EQ(missing.failure, Failure::kValidation);
    ASSERT_EQ(missing.problems.size(), 2u);
    EXPECT_EQ(missing.problems[0].field, "id");
    EXPECT_EQ(missing.problems[1].field, "description");
    EXPECT_EQ(parse_webhook_event(R"({"id": 5, "description": "x"})").failure, Failure::kBadRequest);
    EXPECT_EQ(parse_webhook_event(R"({"id": "e", "description": "x", "result": []})").failure,
              Failure::kBadRequest);
}

std::vector<std::pair<std::size_t, std::string>> split(std::vector<std::string_view> chunks,
                                                      std::size_t max = kMaxImportLineBytes) {
    NdjsonSplitter splitter(max);
    std::vector<std::pair<std::size_t, std::string>> out;
    auto drain = [&] {
        while (auto line = splitter.next()) {
            out.emplace_back(line->number, line->too_long ? "<too long>" : std::string(line->text));
        }
    };
    for (auto chunk : chunks) {
        splitter.feed(chunk);
        drain();
    }
    splitter.finish();
    drain();
    return out;
}

TEST(Ndjson, SplitsAcrossChunks) {
    using Lines = std::vector<std::pair<std::size_t, std::string>>;
    EXPECT_EQ(split({"{\"a\":1}\n{\"b\"", ":2}\r\n\n  \n{\"c\":3}"}),
              (Lines{{1, "{\"a\":1}"}, {2, "{\"b\":2}"}, {5, "{\"c\":3}"}}));
    EXPECT_EQ(split({"x\n", "y\n"}), (Lines{{1, "x"}, {2, "y"}}));
    EXPECT_EQ(split({""}), Lines{});
    EXPECT_EQ(split({"\n\n"}), Lines{});
    EXPECT_EQ(split({"a", "b", "c"}), (Lines{{1, "abc"}}));
}

TEST(Ndjson, OverLongLinesAreReportedNotKept) {
    using Lines = std::vector<std::pair<std::size_t, std::string>>;
    EXPECT_EQ(split({"short\n", "0123456789", "0123456789", "0123\nok\n"}, 16),
              (Lines{{1, "short"}, {2, "<too long>"}, {3, "ok"}}));
    EXPECT_EQ(split({"ok\n0123456789012345678901234"}, 16), (Lines{{1, "ok"}, {2, "<too long>"}}));
    EXPECT_EQ(split({"0123456789012345\n"}, 16), (Lines{{1, "0123456789012345"}}));
}

TEST(Ndjson, ImportLinesAndAnswer) {
    const std::string body =
        "{\"from_address\": {\"street1\": \"a\", \"city\": \"b\", \"zip\": \"1\"}, "
        "\"to_address\": {\"street1\": \"a\", \"city\": \"b\", \"zip\": \"1\"}}\n"
        "not json\n"
        "{\"from_address\": {}, \"to_address\": {\"street1\": \"a\", \"city\": \"b\", \"zip\": \"1\"}}\n";
    NdjsonSplitter splitter;
    splitter.feed(body);
    splitter.finish();
    ImportResult result;
    while (auto line = splitter.next()) {
        auto parsed = parse_import_line(line->text);
        if (parsed.ok()) {
            ++result.accepted;
            result.created.push_back({line->number, "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"});
        } else {
            ++result.rejected;
            result.errors.push_back({line->number, std::string(parsed.code()), parsed.describe()});
        }
    }
    std::string out;
    write_import_result(out, result);
    EXPECT_EQ(out,
              R"({"accepted":1,"rejected":2,"created":[{"line":1,"id":"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}],)"
              R"x("errors":[{"line":2,"code":"BAD_REQUEST","message":"body is not valid JSON: syntax error (at byte 0)"},)x"
              R"({"line":3,"code":"VALIDATION_ERROR","message":"3 fields are invalid: from_address.street1 )"
              R"(is required; from_address.city is required; from_address.zip is required"}]})");
    EXPECT_NO_THROW(boost::json::parse(out));
}

}  // namespace
}  // namespace shipd::domain
