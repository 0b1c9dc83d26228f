// The body parsers: good bodies, every hostile body of issue 5, every problem listed at once.
#include "domain/parse.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "domain/json_write.hpp"

namespace shipd::domain {
namespace {

constexpr std::string_view kGoodShipment = R"({
  "reference": "order-1",
  "from_address": {"name": "Ann", "street1": "1 Main St", "city": "Springfield", "state": "IL",
                   "zip": "62701", "country": "us", "email": "ann@example.com", "residential": true},
  "to_address": {"street1": "2 Elm", "city": "Köln", "zip": "50667", "country": "DE"},
  "parcel": {"length": 10, "width": 5.5, "height": 2, "weight": 16.25},
  "carrier_accounts": ["ca_1"], "options": {"label_format": "PDF"}
})";

std::vector<std::string> fields(const std::vector<Problem>& problems) {
    std::vector<std::string> out;
    for (const auto& p : problems) out.push_back(p.field + ": " + p.message);
    return out;
}

TEST(ParseShipment, GoodBody) {
    auto parsed = parse_create_shipment(kGoodShipment);
    ASSERT_TRUE(parsed.ok()) << parsed.message;
    EXPECT_EQ(parsed.failure, Failure::kNone);
    const Shipment& s = *parsed.value;
    EXPECT_EQ(s.reference, "order-1");
    EXPECT_EQ(s.from_address.name, "Ann");
    EXPECT_EQ(s.from_address.country, "US");  // normalised
    EXPECT_EQ(s.from_address.residential, true);
    EXPECT_EQ(s.to_address.city, "Köln");
    EXPECT_EQ(s.to_address.state, std::nullopt);
    ASSERT_TRUE(s.parcel);
    EXPECT_EQ(s.parcel->weight, 16.25);
    EXPECT_EQ(s.parcel->length, 10.0);
    EXPECT_EQ(s.parcel->predefined_package, std::nullopt);
    EXPECT_TRUE(s.id.empty());
    EXPECT_TRUE(s.rates.empty());
}

TEST(ParseShipment, WrappedBodyAndDefaultCountry) {
    auto parsed = parse_create_shipment(
        R"({"shipment": {"from_address": {"street1": "a", "city": "b", "zip": "1"},
            "to_address": {"street1": "a", "city": "b", "zip": "1", "country": null},
            "parcel": {"weight": 1}}})");
    ASSERT_TRUE(parsed.ok()) << parsed.message;
    EXPECT_EQ(parsed.value->from_address.country, "US");
    EXPECT_EQ(parsed.value->to_address.country, "US");
}

TEST(ParseShipment, ParcelRequiredForCreateNotForImport) {
    constexpr std::string_view body = R"({"from_address": {"street1": "a", "city": "b", "zip": "1"},
        "to_address": {"street1": "a", "city": "b", "zip": "1"}})";
    auto created = parse_create_shipment(body);
    ASSERT_FALSE(created.ok());
    EXPECT_EQ(created.failure, Failure::kValidation);
    EXPECT_EQ(fields(created.problems), std::vector<std::string>{"parcel: is required"});
    auto imported = parse_import_line(body);
    ASSERT_TRUE(imported.ok()) << imported.message;
    EXPECT_FALSE(imported.value->parcel);
}

TEST(ParseShipment, EveryProblemListedAtOnce) {
    auto parsed = parse_create_shipment(R"({
      "from_address": {"street1": "", "city": "x", "zip": "1", "country": "ZZ", "email": "nope"},
      "to_address": {"street1": "a", "city": "b"},
      "parcel": {"weight": 0, "length": -1, "height": 1e400}
    })");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.failure, Failure::kValidation);
    EXPECT_EQ(fields(parsed.problems),
              (std::vector<std::string>{
                  "from_address.street1: is required",
                  "from_address.country: must be an ISO 3166-1 alpha-2 country code",
                  "from_address.email: must be an e-mail address",
                  "to_address.zip: is required",
                  "parcel.length: must be greater than 0",
                  "parcel.height: is too large",
                  "parcel.weight: must be greater than 0",
              }));
    EXPECT_EQ(parsed.message, "7 fields are invalid");
}

TEST(ParseShipment, OneProblemSaysItself) {
    auto parsed = parse_create_shipment(R"({"from_address": {"street1": "a", "city": "b", "zip": "1"},
        "to_address": {"street1": "a", "city": "b", "zip": "1"}, "parcel": {"weight": -2}})");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.message, "parcel.weight must be greater than 0");
}

TEST(ParseShipment, WrongTypesAre400NamingTheField) {
    auto parsed = parse_create_shipment(R"({"from_address": {"street1": 5, "city": "b", "zip": "1"},
        "to_address": "here", "parcel": {"weight": "heavy"}, "reference": ["x"]})");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.failure, Failure::kBadRequest);
    EXPECT_EQ(fields(parsed.problems),
              (std::vector<std::string>{"reference: must be a string",
                                        "from_address.street1: must be a string",
                                        "to_address: must be an object",
                                        "parcel.weight: must be a number"}));
    auto residential = parse_create_shipment(R"({"from_address": {"street1": "a", "city": "b",
        "zip": "1", "residential": "yes"}, "to_address": {}, "parcel": {"weight": 1}})");
    EXPECT_EQ(residential.failure, Failure::kBadRequest);
    EXPECT_EQ(fields(residential.problems),
              std::vector<std::string>{"from_address.residential: must be true or false"});
    auto wrapped = parse_create_shipment(R"({"shipment": 3})");
    EXPECT_EQ(wrapped.failure, Failure::kBadRequest);
    EXPECT_EQ(fields(wrapped.problems), std::vector<std::string>{"shipment: must be an object"});
}

TEST(ParseShipment, NumbersTooLarge) {
    auto weight = parse_create_shipment(R"({"from_address": {"street1": "a", "city": "b", "zip": "1"},
        "to_address": {"street1": "a", "city": "b", "zip": "1"}, "parcel": {"weight": 1e400}})");
    EXPECT_EQ(weight.failure, Failure::kValidation);
    EXPECT_EQ(fields(weight.problems), std::vector<std::string>{"parcel.weight: is too large"});
    auto huge = parse_create_shipment(R"({"from_address": {"street1": "a", "city": "b", "zip": "1"},
        "to_address": {"street1": "a", "city": "b", "zip": "1"},
        "parcel": {"weight": 123456789012345678901234567890, "width": 18446744073709551615}})");
    EXPECT_EQ(huge.failure, Failure::kValidation);
    EXPECT_EQ(fields(huge.problems),
              (std::vector<std::string>{"parcel.width: must be at most 10000",
                                        "parcel.weight: must be at most 1000000"}));
}

TEST(ParseShipment, StringLimitsCountCharacters) {
    const std::string city100(100, 'x');
    std::string emoji50;
    for (int i = 0; i < 50; ++i) emoji50 += "😀";  // 200 bytes, 50 characters
    auto body = R"({"from_address": {"street1": ")" + emoji50 + R"(", "city": ")" + city100 +
                R"(", "zip": "1"}, "to_address": {"street1": "a", "city": ")" + city100 +
                R"(x", "zip": "123456789012345678901"}, "parcel": {"weight": 1}})";
    auto parsed = parse_create_shipment(body);
    EXPECT_EQ(fields(parsed.problems),
              (std::vector<std::string>{"to_address.city: must be at most 100 characters",
                                        "to_address.zip: must be at most 20 characters"}));
}

TEST(ParseShipment, ControlCharactersRefused) {
    auto parsed = parse_create_shipment(R"({"from_address": {"street1": "a\u0000b", "city": "b\nc",
        "zip": "1"}, "to_address": {"street1": "a", "city": "b", "zip": "1"}, "parcel": {"weight": 1}})");
    EXPECT_EQ(parsed.failure, Failure::kValidation);
    EXPECT_EQ(fields(parsed.problems),
              (std::vector<std::string>{"from_address.street1: must not contain control characters",
                                        "from_address.city: must not contain control characters"}));
}

TEST(ParseShipment, HostileBodiesAre400) {
    const std::string deep = std::string(10000, '[') + std::string(10000, ']');
    const std::string deep_object = "{\"a\":" + std::string(10000, '[') + std::string(10000, ']') + "}";
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "body is empty; a JSON object is expected"},
        {"   ", "body is empty; a JSON object is expected"},
        {"hello", "body is not valid JSON: syntax error (at byte 0)"},
        {R"({"from_address": {"street1": )", "body is not valid JSON: it ends too early (truncated)"},
        {deep, "body is not valid JSON: nested deeper than 32 levels (at byte 32)"},
        {deep_object, "body is not valid JSON: nested deeper than 32 levels (at byte 36)"},
        {"{} {}", "body is not valid JSON: unexpected data after the JSON value (at byte 3)"},
        {"{\"a\": \"\xff\"}", "body is not valid UTF-8 (at byte 7)"},
        {"{\"a\": \"\xed\xa0\x80\"}", "body is not valid UTF-8 (at byte 7)"},
        {"{\"a\": \"\xc0\xaf\"}", "body is not valid UTF-8 (at byte 7)"},
        {R"({"a": "\ud800"})", "body is not valid JSON: syntax error (at byte 13)"},
        {"[1, 2]", "body must be a JSON object"},
        {"null", "body must be a JSON object"},
        {R"({"a": 1,})", "body is not valid JSON: syntax error (at byte 8)"},
        {"/* c */ {}", "body is not valid JSON: syntax error (at byte 0)"},
        {"NaN", "body is not valid JSON: syntax error (at byte 0)"},
    };
    for (const auto& [body, message] : cases) {
        for (auto parsed : {parse_create_shipment(body), parse_import_line(body)}) {
            EXPECT_EQ(parsed.failure, Failure::kBadRequest) << body.substr(0, 40);
            EXPECT_EQ(parsed.message, message) << body.substr(0, 40);
            EXPECT_TRUE(parsed.problems.empty());
        }
        EXPECT_EQ(parse_buy(body).failure, Failure::kBadRequest);
        EXPECT_EQ(parse_events(body).failure, Failure::kBadRequest);
        EXPECT_EQ(parse_batch_track(body).failure, Failure::kBadRequest);
    }
}

TEST(ParseShipment, DuplicateKeysKeepTheLast) {
    auto parsed = parse_create_shipment(R"({"reference": "first", "reference": "last",
        "from_address": {"street1": "a", "city": "b", "zip": "1"},
        "to_address": {"street1": "a", "city": "b", "zip": "1"}, "parcel": {"weight": 1}})");
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed.value->reference, "last");
}

TEST(ParseShipment, SqlAndEmojiRoundTripByteForByte) {
    const std::vector<std::string> hostile = {
        "Robert'); DROP TABLE shipments;--",
        "' OR '1'='1",
        "\\\\ backslash \\\" quote",
        "😀🚚📦 Zoë Ærøskøbing 日本語",
        "$1 %s %n {{x}} <script>",
        "\u2028\u2029 \u200b\ufeff",
    };
    for (const auto& text : hostile) {
        // The text as a JSON string literal, written by the writer itself.
        std::string literal;
        write_string(literal, text);
        const std::string body = R"({"reference": )" + literal + R"(, "from_address": {"name": )" +
                                 literal + R"(, "street1": )" + literal + R"(, "city": )" + literal +
                                 R"(, "zip": "1"}, "to_address": {"street1": )" + literal +
                                 R"(, "city": "b", "zip": "1", "company": )" + literal +
                                 R"(}, "parcel": {"weight": 1, "predefined_package": )" + literal + "}}";
        auto parsed = parse_create_shipment(body);
        ASSERT_TRUE(parsed.ok()) << text << ": " << parsed.message;
        const Shipment& s = *parsed.value;
        const std::string decoded = boost::json::value_to<std::string>(boost::json::parse(literal));
        EXPECT_EQ(s.reference, decoded);
        EXPECT_EQ(s.from_address.name, decoded);
        EXPECT_EQ(s.from_address.street1, decoded);
        EXPECT_EQ(s.to_address.company, decoded);
        EXPECT_EQ(s.parcel->predefined_package, decoded);
        std::string written;
        write_shipment(written, s);
        auto reparsed = boost::json::parse(written);
        EXPECT_EQ(reparsed.at("reference").as_string(), decoded);
        EXPECT_EQ(reparsed.at("to_address").at("street1").as_string(), decoded);
        // The written string literal is the very one that was sent.
        EXPECT_NE(written.find(R"("reference":)" + literal), std::string::npos) << written;
    }
}

TEST(ParseBuy, RateOrCarrierAndService) {
    auto by_rate = parse_buy(R"({"rate": {"id": "rate_123", "carrier": "USPS"}})");
    ASSERT_TRUE(by_rate.ok()) << by_rate.message;
    EXPECT_EQ(by_rate.value->rate_id, "rate_123");
    EXPECT_FALSE(by_rate.value->carrier);
    auto by_name = parse_buy(R"({"carrier": "UPS", "service": "Ground"})");
    ASSERT_TRUE(by_name.ok());
    EXPECT_EQ(by_name.value->carrier, "UPS");
    EXPECT_EQ(by_name.value->service, "Ground");
    EXPECT_FALSE(by_name.value->rate_id);
}

TEST(ParseBuy, Problems) {
    EXPECT_EQ(fields(parse_buy("{}").problems),
              std::vector<std::string>{"rate: is required (or carrier and service)"});
    EXPECT_EQ(fields(parse_buy(R"({"rate": {}})").problems),
              std::vector<std::string>{"rate.id: is required"});
    EXPECT_EQ(fields(parse_buy(R"({"carrier": "UPS"})").problems),
              std::vector<std::string>{"service: is required"});
    EXPECT_EQ(fields(parse_buy(R"({"rate": {"id": "r"}, "carrier": "UPS", "service": "G"})").problems),
              std::vector<std::string>{"rate: give either rate or carrier and service, not both"});
    auto typed = parse_buy(R"({"rate": "rate_1"})");
    EXPECT_EQ(typed.failure, Failure::kBadRequest);
    EXPECT_EQ(fields(typed.problems), std::vector<std::string>{"rate: must be an object"});
    EXPECT_EQ(parse_buy(R"({"rate": {"id": 7}})").failure, Failure::kBadRequest);
}

TEST(ParseEvents, GoodEventsNormalisedToUtc) {
    auto parsed = parse_events(R"({"events": [
      {"status": "in_transit", "occurred_at": "2026-11-28T10:03:13.250+01:00", "message": "Left\nhub",
       "status_detail": "departed", "location": {"city": "Chicago", "state": "IL", "zip": "60601", "country": "us"}},
      {"status": "delivered", "occurred_at": "2026-11-29t00:00:00z"}
    ]})");
    ASSERT_TRUE(parsed.ok()) << parsed.message;
    const auto& events = *parsed.value;
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].status, Status::kInTransit);
    EXPECT_EQ(events[0].occurred_at, "2026-11-28T09:03:13.25Z");
    EXPECT_EQ(events[0].message, "Left\nhub");
    EXPECT_EQ(events[0].status_detail, "departed");
    EXPECT_EQ(events[0].location.city, "Chicago");
    EXPECT_EQ(events[0].location.country, "US");
    EXPECT_EQ(events[0].source, "api");
    EXPECT_EQ(events[1].status, Status::kDelivered);
    EXPECT_EQ(events[1].occurred_at, "2026-11-29T00:00:00Z");
    EXPECT_FALSE(events[1].message);
    EXPECT_FALSE(events[1].location.city);
}

TEST(ParseEvents, ProblemsNameTheIndex) {
    auto parsed = parse_events(R"({"events": [
      {"status": "in_transit", "occurred_at": "2026-11-28T10:00:00Z"},
      {"status": "lost", "occurred_at": "yesterday"},
      {"occurred_at": "2026-02-30T10:00:00Z", "location": {"country": "USA"}},
      {"status": "delivered", "occurred_at": "2026-11-28T10:00:00"}
    ]})");
    EXPECT_EQ(parsed.failure, Failure::kValidation);
    EXPECT_EQ(fields(parsed.problems),
              (std::vector<std::string>{
                  "events[1].status: must be one of unknown, pre_transit, in_transit, "
                  "out_for_delivery, delivered, available_for_pickup, return_to_sender, failure, "
                  "cancelled, error",
                  "events[1].occurred_at: must be an RFC 3339 time (2026-11-28T09:03:13Z)",
                  "events[2].status: is required",
                  "events[2].occurred_at: must be an RFC 3339 time (2026-11-28T09:03:13Z)",
                  "events[2].location.country: must be an ISO 3166-1 alpha-2 country code",
                  "events[3].occurred_at: must be an RFC 3339 time (2026-11-28T09:03:13Z)",
              }));
}

TEST(ParseEvents, ShapeProblems) {
    EXPECT_EQ(fields(parse_events("{}").problems), std::vector<std::string>{"events: is required"});
    EXPECT_EQ(fields(parse_events(R"({"events": []})").problems),
              std::vector<std::string>{"events: must not be empty"});
    auto typed = parse_events(R"({"events": [1, {"status": 2, "occurred_at": "2026-11-28T10:00:00Z"}]})");
    EXPECT_EQ(typed.failure, Failure::kBadRequest);
    EXPECT_EQ(fields(typed.problems), (std::vector<std::string>{"events[0]: must be an object",
                                                                "events[1].status: must be a string"}));
    std::string many = R"({"events": [)";
    for (int i = 0; i < 1001; ++i) {
        many += (i ? "," : "");
        many += R"({"status": "unknown", "occurred_at": "2026-11-28T10:00:00Z"})";
    }
    many += "]}";
    EXPECT_EQ(fields(parse_events(many).problems),
              std::vector<std::string>{"events: must hold at most 1000 events"});
}

TEST(ParseBatchTrack, Codes) {
    auto parsed = parse_batch_track(R"({"tracking_codes": ["EZ1", "EZ2", "EZ1"]})");
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed.value, (std::vector<std::string>{"EZ1", "EZ2", "EZ1"}));
}

std::string codes_body(int count) {
    std::string body = R"({"tracking_codes": [)";
    for (int i = 0; i < count; ++i) body += (i ? ",\"EZ" : "\"EZ") + std::to_string(i) + "\"";
    return body + "]}";
}

TEST(ParseBatchTrack, Limits) {
    auto thousand = parse_batch_track(codes_body(1000));
    ASSERT_TRUE(thousand.ok());
    EXPECT_EQ(thousand.value->size(), 1000u);
    auto too_many = parse_batch_track(codes_body(1001));
    EXPECT_EQ(too_many.failure, Failure::kValidation);
    EXPECT_EQ(fields(too_many.problems),
              std::vector<std::string>{"tracking_codes: must hold at most 1000 codes"});
    EXPECT_EQ(fields(parse_batch_track(R"({"tracking_codes": []})").problems),
              std::vector<std::string>{"tracking_codes: must not be empty"});
    auto bad = parse_batch_track(R"({"tracking_codes": ["", ")" + std::string(101, 'x') + R"("]})");
    EXPECT_EQ(fields(bad.problems),
              (std::vector<std::string>{"tracking_codes[0]: must not be empty",
                                        "tracking_codes[1]: must be at most 100 characters"}));
    auto typed = parse_batch_track(R"({"tracking_codes": ["a", 5]})");
    EXPECT_EQ(typed.failure, Failure::kBadRequest);
    EXPECT_EQ(fields(typed.problems), std::vector<std::string>{"tracking_codes[1]: must be a string"});
    EXPECT_EQ(parse_batch_track(R"({"tracking_codes": "EZ1"})").failure, Failure::kBadRequest);
}

}  // namespace
}  // namespace shipd::domain

namespace shipd::domain {
namespace {

// A hostile text short enough for every field (zip is 20 characters): quotes, SQL comment,
// LIKE wildcards, a backslash, an emoji and a combining accent.
const std::string kHostile = "'\";--%_\\😀e\u0301";

TEST(RoundTrip, EveryStringFieldKeepsHostileTextByteForByte) {
    std::string lit;
    write_string(lit, kHostile);
    auto address = [&](bool with_email) {
        return R"({"name": )" + lit + R"(, "company": )" + lit + R"(, "street1": )" + lit +
               R"(, "street2": )" + lit + R"(, "city": )" + lit + R"(, "state": )" + lit +
               R"(, "zip": )" + lit + R"(, "phone": )" + lit +
               (with_email ? R"(, "email": "o'hara+😀@example.com")" : "") + "}";
    };
    const std::string body = R"({"reference": )" + lit + R"(, "from_address": )" + address(true) +
                             R"(, "to_address": )" + address(false) +
                             R"(, "parcel": {"weight": 1, "predefined_package": )" + lit + "}}";
    auto parsed = parse_create_shipment(body);
    ASSERT_TRUE(parsed.ok()) << parsed.describe();
    std::string out;
    write_shipment(out, *parsed.value);
    // Every field written back is the very literal that was sent.
    std::size_t count = 0;
    for (auto at = out.find(lit); at != std::string::npos; at = out.find(lit, at + 1)) ++count;
    EXPECT_EQ(count, 1u + 8u + 8u + 1u) << out;
    EXPECT_NE(out.find(R"("email":"o'hara+😀@example.com")"), std::string::npos);
    auto back = boost::json::parse(out);
    EXPECT_EQ(back.at("from_address").at("zip").as_string(), kHostile);

    auto events = parse_events(R"({"events": [{"status": "in_transit", "occurred_at": "2026-11-28T10:00:00Z",
        "message": )" + lit + R"(, "status_detail": )" + lit + R"(, "location": {"city": )" + lit +
                               R"(, "state": )" + lit + R"(, "zip": )" + lit + "}}]}");
    ASSERT_TRUE(events.ok()) << events.describe();
    std::string written;
    write_events(written, *events.value);
    count = 0;
    for (auto at = written.find(lit); at != std::string::npos; at = written.find(lit, at + 1)) ++count;
    EXPECT_EQ(count, 5u) << written;

    auto codes = parse_batch_track(R"({"tracking_codes": [)" + lit + "]}");
    ASSERT_TRUE(codes.ok());
    EXPECT_EQ(codes.value->front(), kHostile);
}

}  // namespace
}  // namespace shipd::domain
