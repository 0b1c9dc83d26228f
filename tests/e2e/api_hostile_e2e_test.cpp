// Hostile input, each a test, and after each the server still answers /health/live: not JSON,
// truncated JSON, JSON nested 10,000 deep, numbers too large, wrong types, invalid UTF-8, a
// 10 MiB body, no content type, unknown routes and methods, non-UUID path ids, SQL
// metacharacters and emoji in every string field (stored and returned byte for byte),
// page_size 0 and 101, 1001 tracking codes, malformed HTTP. (The webhook's bad signatures and
// the NDJSON import's bad lines are in api_webhook_import_e2e_test.cpp.)
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <thread>

#include "support/shipd_server.hpp"

namespace shipd::testing {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;


class Hostile : public ::testing::Test {
protected:
    void SetUp() override { ASSERT_EQ(default_api().anonymous("GET", "/health/live").status, 200); }
    void TearDown() override {
        auto live = default_api().anonymous("GET", "/health/live");
        EXPECT_EQ(live.status, 200) << "shipd stopped answering after " << ::testing::UnitTest::GetInstance()->current_test_info()->name()
                                    << ":\n" << default_server().log();
    }
    static void expect_error(const HttpResponse& r, int status, const std::string& code, const std::string& field = {}) {
        EXPECT_EQ(r.status, status) << r.body;
        auto v = json_of(r);
        EXPECT_EQ(str_at(v, "error.code"), code) << r.body;
        EXPECT_FALSE(str_at(v, "request_id").empty()) << r.body;
        if (!field.empty()) {
            EXPECT_NE(r.body.find("\"field\":\"" + field + "\""), std::string::npos) << r.body;
        }
        // No internals in an error body.
        for (const char* leak : {"SELECT", "INSERT", "pg_", "std::", "terminate"}) {
            EXPECT_EQ(r.body.find(leak), std::string::npos) << leak << " in " << r.body;
        }
    }
};

TEST_F(Hostile, NotJson) {
    expect_error(default_api().post("/v1/shipments", "hello, shipd"), 400, "BAD_REQUEST");
    expect_error(default_api().post("/v1/shipments", "<xml/>"), 400, "BAD_REQUEST");
    expect_error(default_api().post("/v1/shipments", ""), 400, "BAD_REQUEST");
    expect_error(default_api().post("/v1/shipments", "[]"), 400, "BAD_REQUEST");
    expect_error(default_api().post("/v1/shipments", "null"), 400, "BAD_REQUEST");
    expect_error(default_api().post("/v1/shipments/batch-track", "{'tracking_codes': ['a']}"), 400, "BAD_REQUEST");
    expect_error(default_api().post("/v1/shipments", shipment_body(unique("trailing")) + " {}"), 400, "BAD_REQUEST");
}

TEST_F(Hostile, TruncatedJson) {
    std::string body = shipment_body(unique("truncated"));
    for (std::size_t cut : {std::size_t{1}, body.size() / 3, body.size() / 2, body.size() - 1}) {
        expect_error(default_api().post("/v1/shipments", body.substr(0, cut)), 400, "BAD_REQUEST");
    }
    // A declared length longer than what is sent, then the client gives up: no answer is owed,
    // and the server must not hang on it.
    RawConnection c(default_server().port());
    ASSERT_TRUE(c.send("POST /v1/shipments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + default_server().key() +
                       "\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"reference\":"));
}

TEST_F(Hostile, JsonNestedTenThousandDeep) {
    expect_error(default_api().post("/v1/shipments", std::string(10000, '[') + std::string(10000, ']')), 400, "BAD_REQUEST");
    std::string objects;
    for (int i = 0; i < 10000; ++i) objects += "{\"a\":";
    objects += "1" + std::string(10000, '}');
    expect_error(default_api().post("/v1/shipments", objects), 400, "BAD_REQUEST");
    // Deep inside an otherwise valid shipment.
    std::string body = shipment_body(unique("deep"));
    body.insert(1, "\"x\":" + std::string(10000, '[') + std::string(10000, ']') + ",");
    expect_error(default_api().post("/v1/shipments", body), 400, "BAD_REQUEST");
    expect_error(default_api().post("/v1/shipments/batch-track", "{\"tracking_codes\":" + std::string(10000, '[') +
                                                             std::string(10000, ']') + "}"),
                 400, "BAD_REQUEST");
}

TEST_F(Hostile, NumbersTooLargeForTheirField) {
    std::string ref = unique("big");
    expect_error(default_api().post("/v1/shipments", shipment_body(ref, 1e7)), 422, "VALIDATION_ERROR", "parcel.weight");
    std::string body = shipment_body(ref);
    std::string huge = body;
    huge.replace(huge.find("\"weight\":21.5"), 13, "\"weight\":1e400");
    expect_error(default_api().post("/v1/shipments", huge), 422, "VALIDATION_ERROR", "parcel.weight");
    std::string digits = body;
    digits.replace(digits.find("\"weight\":21.5"), 13, "\"weight\":" + std::string(400, '9'));
    expect_error(default_api().post("/v1/shipments", digits), 422, "VALIDATION_ERROR", "parcel.weight");
    std::string length = body;
    length.replace(length.find("\"length\":10"), 11, "\"length\":1e300");
    expect_error(default_api().post("/v1/shipments", length), 422, "VALIDATION_ERROR", "parcel.length");
    std::string negative = body;
    negative.replace(negative.find("\"weight\":21.5"), 13, "\"weight\":-1e400");
    expect_error(default_api().post("/v1/shipments", negative), 422, "VALIDATION_ERROR", "parcel.weight");
    expect_error(default_api().get("/v1/shipments?page_size=18446744073709551617"), 400, "BAD_REQUEST", "page_size");
    // Nothing of it was stored.
    auto list = json_of(default_api().get("/v1/shipments?reference=" + url_encode(ref)));
    EXPECT_TRUE(at(list, "shipments")->as_array().empty());
}

TEST_F(Hostile, WrongJsonTypes) {
    std::string body = shipment_body(unique("types"));
    auto with = [&](const std::string& from, const std::string& to) {
        std::string b = body;
        auto pos = b.find(from);
        EXPECT_NE(pos, std::string::npos) << from;
        return b.replace(pos, from.size(), to);
    };
    expect_error(default_api().post("/v1/shipments", with("\"weight\":21.5", "\"weight\":\"heavy\"")), 400, "BAD_REQUEST", "parcel.weight");
    expect_error(default_api().post("/v1/shipments", with("\"weight\":21.5", "\"weight\":\"21.5\"")), 400, "BAD_REQUEST", "parcel.weight");
    expect_error(default_api().post("/v1/shipments", with("\"residential\":true", "\"residential\":\"yes\"")), 400, "BAD_REQUEST",
                 "to_address.residential");
    expect_error(default_api().post("/v1/shipments", with("\"city\":\"New York\"", "\"city\":42")), 400, "BAD_REQUEST", "to_address.city");
    expect_error(default_api().post("/v1/shipments", R"({"to_address":"here","from_address":[],"parcel":true})"), 400, "BAD_REQUEST");
    expect_error(default_api().post("/v1/shipments", R"({"shipment":"wrapped?"})"), 400, "BAD_REQUEST");
    expect_error(default_api().post("/v1/shipments/batch-track", R"({"tracking_codes":[1,2,3]})"), 400, "BAD_REQUEST");
    auto created = default_api().post("/v1/shipments", body);
    ASSERT_EQ(created.status, 201);
    std::string id = str_at(json_of(created), "id");
    expect_error(default_api().post("/v1/shipments/" + id + "/events", R"({"events":{"status":"in_transit"}})"), 400, "BAD_REQUEST");
    expect_error(default_api().post("/v1/shipments/" + id + "/buy", R"({"carrier":7,"service":["Ground"]})"), 400, "BAD_REQUEST");
}

TEST_F(Hostile, InvalidUtf8) {
    std::string body = shipment_body(unique("utf8"));
    for (std::string bad : {std::string("\xff\xfe"), std::string("\xc0\xaf"), std::string("\xed\xa0\x80"),
                            std::string("caf\xe9"), std::string("\xf0\x9f\x98")}) {
        std::string b = body;
        b.replace(b.find("Ada Lovelace"), 12, bad);
        expect_error(default_api().post("/v1/shipments", b), 400, "BAD_REQUEST");
    }
    std::string surrogate = body;
    surrogate.replace(surrogate.find("Ada Lovelace"), 12, "\\ud800");
    expect_error(default_api().post("/v1/shipments", surrogate), 400, "BAD_REQUEST");
    expect_error(default_api().get("/v1/shipments?reference=%FF%FE"), 400, "BAD_REQUEST", "reference");
    expect_error(default_api().post("/v1/shipments/batch-track", "{\"tracking_codes\":[\"\xff\"]}"), 400, "BAD_REQUEST");
}

TEST_F(Hostile, TenMiBBodyIs413) {
    const std::size_t ten_mib = 10u << 20;
    // Declared up front: refused from the header alone, before any body is sent.
    {
        RawConnection c(default_server().port());
        ASSERT_TRUE(c.send("POST /v1/shipments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + default_server().key() +
                           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(ten_mib) + "\r\n\r\n"));
        auto r = c.read_response(10s);
        ASSERT_TRUE(r) << "no answer before the body";
        expect_error(*r, 413, "PAYLOAD_TOO_LARGE");
        EXPECT_TRUE(c.closed_by_peer(5s));
    }
    // Chunked, so the size shows only while reading: refused once past the limit.
    {
        RawConnection c(default_server().port());
        ASSERT_TRUE(c.send("POST /v1/shipments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + default_server().key() +
                           "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
        std::thread sender([&c, ten_mib] {
            std::string chunk(64 * 1024, ' ');
            std::string framed = "10000\r\n" + chunk + "\r\n";
            for (std::size_t sent = 0; sent < ten_mib; sent += chunk.size()) {
                if (!c.send(framed)) return;  // the server closed: expected once over the limit
            }
            c.send("0\r\n\r\n");
        });
        auto r = c.read_response(20s);
        sender.join();
        ASSERT_TRUE(r) << "no answer to a chunked 10 MiB body";
        expect_error(*r, 413, "PAYLOAD_TOO_LARGE");
    }
    // Just under 1 MiB is read and judged as JSON (here: not JSON).
    expect_error(default_api().post("/v1/shipments", std::string((1u << 20) - 1, 'x')), 400, "BAD_REQUEST");
    RawConnection over(default_server().port());
    ASSERT_TRUE(over.send("POST /v1/shipments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + default_server().key() +
                          "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string((1u << 20) + 1) + "\r\n\r\n"));
    auto r = over.read_response(10s);
    ASSERT_TRUE(r);
    expect_error(*r, 413, "PAYLOAD_TOO_LARGE");
}

TEST_F(Hostile, MissingOrWrongContentTypeIs415) {
    std::string body = shipment_body(unique("ctype"));
    expect_error(default_api().post("/v1/shipments", body, {}, ""), 415, "UNSUPPORTED_MEDIA_TYPE");
    expect_error(default_api().post("/v1/shipments", body, {}, "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE");
    expect_error(default_api().post("/v1/shipments", body, {}, "application/x-www-form-urlencoded"), 415, "UNSUPPORTED_MEDIA_TYPE");
    expect_error(default_api().post("/v1/shipments/batch-track", R"({"tracking_codes":["a"]})", {}, ""), 415, "UNSUPPORTED_MEDIA_TYPE");
    expect_error(default_api().post("/v1/imports/shipments", body, {}, "application/json"), 415, "UNSUPPORTED_MEDIA_TYPE");
    // Parameters and case are not part of the type.
    EXPECT_EQ(default_api().post("/v1/shipments", body, {}, "Application/JSON; charset=utf-8").status, 201);
}

TEST_F(Hostile, UnknownRoutesAndMethods) {
    expect_error(default_api().get("/v1/nothing"), 404, "NOT_FOUND");
    expect_error(default_api().get("/v2/shipments"), 404, "NOT_FOUND");
    expect_error(default_api().anonymous("GET", "/v1/nothing"), 404, "NOT_FOUND");
    expect_error(default_api().get("/v1/shipments/01939b6e-0000-7000-8000-000000000000/labels"), 404, "NOT_FOUND");

    auto del = default_api().request("DELETE", "/v1/shipments", {}, {});
    expect_error(del, 405, "METHOD_NOT_ALLOWED");
    EXPECT_NE(del.header("allow").find("GET"), std::string::npos) << del.header("allow");
    EXPECT_NE(del.header("allow").find("POST"), std::string::npos) << del.header("allow");
    auto put = default_api().request("PUT", "/v1/shipments/01939b6e-0000-7000-8000-000000000000", "{}", "Content-Type: application/json\r\n");
    expect_error(put, 405, "METHOD_NOT_ALLOWED");
    EXPECT_NE(put.header("allow").find("GET"), std::string::npos) << put.header("allow");
    auto get_buy = default_api().get("/v1/shipments/01939b6e-0000-7000-8000-000000000000/buy");
    expect_error(get_buy, 405, "METHOD_NOT_ALLOWED");
    EXPECT_EQ(get_buy.header("allow"), "POST");
    auto patch_events = default_api().request("PATCH", "/v1/shipments/01939b6e-0000-7000-8000-000000000000/events", "{}", {});
    expect_error(patch_events, 405, "METHOD_NOT_ALLOWED");
    EXPECT_NE(patch_events.header("allow").find("GET"), std::string::npos);
    EXPECT_NE(patch_events.header("allow").find("POST"), std::string::npos);
    auto post_live = default_api().request("POST", "/health/live", "", {});
    expect_error(post_live, 405, "METHOD_NOT_ALLOWED");
    EXPECT_EQ(post_live.header("allow"), "GET");
}

TEST_F(Hostile, MalformedHttpIs400AndHugeHeadersAre431) {
    RawConnection c(default_server().port());
    ASSERT_TRUE(c.send("THIS IS NOT HTTP\r\n\r\n"));
    auto r = c.read_response(5s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << r->body;
    EXPECT_EQ(str_at(json_of(*r), "error.code"), "BAD_REQUEST");

    auto big = default_api().get("/v1/shipments", "X-Junk: " + std::string(64 * 1024, 'j') + "\r\n");
    EXPECT_EQ(big.status, 431) << big.body;
}

TEST_F(Hostile, PathIdsThatAreNotUuids) {
    for (std::string id : {"123", "01939b6e00007000800000000000000", "01939b6e-0000-7000-8000-0000000000000",
                           "%F0%9F%98%80", "%27%20OR%201%3D1--", "..%2F..%2Fetc%2Fpasswd", "{id}"}) {
        expect_error(default_api().get("/v1/shipments/" + id), 400, "BAD_REQUEST", "id");
        expect_error(default_api().get("/v1/shipments/" + id + "/events"), 400, "BAD_REQUEST", "id");
        expect_error(default_api().post("/v1/shipments/" + id + "/buy", R"({"carrier":"UPS","service":"Ground"})"), 400, "BAD_REQUEST", "id");
    }
}

// SQL metacharacters, quotes, backslashes, percent and underscore (LIKE), emoji (4-byte UTF-8),
// combining marks and U+2028, cut to each field's limit in characters.
std::string hostile(const std::string& tag, std::size_t max_chars) {
    std::vector<std::string> pieces = {"'", ";", "--", " DROP TABLE shipments", "\"", "\\", "%", "_", "$1", "😀", "🚚", "é",
                                       "e\xcc\x81", "\xe2\x80\xa8", "\xe4\xb8\xad", "/*", "*/", ")", "(", "NULL", "\\x00"};
    std::string out = tag;
    std::size_t chars = tag.size();
    for (std::size_t i = 0; chars < max_chars; ++i) {
        const std::string& p = pieces[i % pieces.size()];
        std::size_t n = 0;
        for (unsigned char ch : p) n += (ch & 0xc0) != 0x80;
        if (chars + n > max_chars) break;
        out += p;
        chars += n;
    }
    return out;
}

json::object address(const std::string& tag) {
    return {{"name", hostile(tag + "n", 100)},   {"company", hostile("c", 100)}, {"street1", hostile("s1", 200)},
            {"street2", hostile("s2", 200)},     {"city", hostile("ci", 100)},   {"state", hostile("st", 50)},
            {"zip", hostile("z", 20)},           {"country", "US"},              {"phone", hostile("p", 30)},
            {"email", "o'brien\";--%_😀@exa'mple.com"}, {"residential", false}};
}

void expect_same_strings(const json::value& sent, const json::value& got, const std::string& path) {
    if (sent.is_object()) {
        ASSERT_TRUE(got.is_object()) << path;
        for (const auto& [k, v] : sent.as_object()) {
            const auto* g = got.as_object().if_contains(k);
            ASSERT_TRUE(g) << path << "." << k << " missing";
            expect_same_strings(v, *g, path + "." + std::string(k));
        }
    } else if (sent.is_string()) {
        ASSERT_TRUE(got.is_string()) << path;
        EXPECT_EQ(std::string(got.as_string()), std::string(sent.as_string())) << path;
    }
}

TEST_F(Hostile, SqlMetacharactersAndEmojiInEveryStringFieldRoundTripByteForByte) {
    std::string reference = hostile(unique("ref"), 100);
    json::object shipment{{"reference", reference},
                          {"from_address", address("f")},
                          {"to_address", address("t")},
                          {"parcel", json::object{{"weight", 12}, {"predefined_package", hostile("pp", 50)}}}};
    std::string body = json::serialize(shipment);
    auto created = default_api().post("/v1/shipments", body);
    ASSERT_EQ(created.status, 201) << created.body;
    // The emoji go out as raw UTF-8, not escaped or replaced.
    EXPECT_NE(created.body.find("😀"), std::string::npos);
    expect_same_strings(shipment, json_of(created), "create");
    std::string id = str_at(json_of(created), "id");
    auto got = default_api().get("/v1/shipments/" + id);
    ASSERT_EQ(got.status, 200);
    expect_same_strings(shipment, json_of(got), "get");
    // The reference is a filter that finds exactly it.
    auto listed = default_api().get("/v1/shipments?reference=" + url_encode(reference));
    ASSERT_EQ(listed.status, 200) << listed.body;
    auto list = json_of(listed);
    ASSERT_EQ(at(list, "shipments")->as_array().size(), 1u) << listed.body;
    expect_same_strings(shipment, list.at("shipments").at(0), "list");
    // LIKE metacharacters are literal: a prefix with % matches nothing.
    auto like = json_of(default_api().get("/v1/shipments?reference=" + url_encode(reference.substr(0, 5) + "%")));
    EXPECT_TRUE(at(like, "shipments")->as_array().empty());

    // Events: message (tabs and newlines allowed there), status_detail, location.
    json::object event{{"status", "in_transit"},
                       {"occurred_at", "2026-03-01T10:00:00Z"},
                       {"message", hostile("m\t\r\n", 500)},
                       {"status_detail", hostile("sd", 100)},
                       {"location", json::object{{"city", hostile("lc", 100)}, {"state", hostile("ls", 50)},
                                                 {"zip", hostile("lz", 20)}, {"country", "CA"}}}};
    auto appended = default_api().post("/v1/shipments/" + id + "/events", json::serialize(json::object{{"events", json::array{event}}}));
    event.erase("occurred_at");  // a time, written back in its own RFC 3339 form
    ASSERT_EQ(appended.status, 201) << appended.body;
    expect_same_strings(event, json_of(appended).at("events").at(0), "events");
    auto events = json_of(default_api().get("/v1/shipments/" + id + "/events"));
    expect_same_strings(event, events.at("events").at(0), "events GET");

    // A hostile tracking code is not found, and told back byte for byte.
    std::string code = hostile("tc", 100);
    auto tracked = default_api().post("/v1/shipments/batch-track", json::serialize(json::object{{"tracking_codes", json::array{code.c_str()}}}));
    ASSERT_EQ(tracked.status, 200) << tracked.body;
    EXPECT_EQ(str_at(json_of(tracked), "not_found.0"), code);
    auto by_code = default_api().get("/v1/shipments?tracking_code=" + url_encode(code));
    EXPECT_EQ(by_code.status, 200) << by_code.body;

    // And the tables are still there.
    EXPECT_EQ(default_api().get("/v1/shipments/" + id).status, 200);
}

TEST_F(Hostile, OverLongStringsAndControlCharactersAre422) {
    json::object s = json::parse(shipment_body(unique("long"))).as_object();
    s["reference"] = std::string(101, 'r');
    s["to_address"].as_object()["zip"] = std::string(21, '9');
    s["from_address"].as_object()["name"] = "tab\there";
    auto r = default_api().post("/v1/shipments", json::serialize(s));
    expect_error(r, 422, "VALIDATION_ERROR", "reference");
    EXPECT_NE(r.body.find("to_address.zip"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("from_address.name"), std::string::npos) << r.body;
    s = json::parse(shipment_body(unique("nul"))).as_object();
    s["reference"] = std::string("a\0b", 3);
    expect_error(default_api().post("/v1/shipments", json::serialize(s)), 422, "VALIDATION_ERROR", "reference");
}

TEST_F(Hostile, PageSizeZeroAndOneHundredOne) {
    expect_error(default_api().get("/v1/shipments?page_size=0"), 400, "BAD_REQUEST", "page_size");
    expect_error(default_api().get("/v1/shipments?page_size=101"), 400, "BAD_REQUEST", "page_size");
    EXPECT_EQ(default_api().get("/v1/shipments?page_size=100").status, 200);
}

TEST_F(Hostile, ThousandAndOneTrackingCodes) {
    std::string body = "{\"tracking_codes\":[";
    for (int i = 0; i < 1001; ++i) body += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
    body += "]}";
    expect_error(default_api().post("/v1/shipments/batch-track", body), 422, "VALIDATION_ERROR", "tracking_codes");
}

TEST_F(Hostile, ManyRequestsOnOneKeptAliveConnection) {
    RawConnection c(default_server().port());
    std::string req = "GET /v1/shipments?page_size=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + default_server().key() + "\r\n\r\n";
    std::string pipelined;
    for (int i = 0; i < 20; ++i) pipelined += req;
    ASSERT_TRUE(c.send(pipelined));
    for (int i = 0; i < 20; ++i) {
        auto r = c.read_response(10s);
        ASSERT_TRUE(r) << "answer " << i;
        EXPECT_EQ(r->status, 200);
    }
}

}  // namespace
}  // namespace shipd::testing
