// POST /v1/imports/shipments reads its body as it arrives (issue 7): a body sent in many
// pieces, with `Expect: 100-continue`, or chunked imports every line; a chunked body that grows
// past SHIPD_IMPORT_MAX_BYTES is 413 saying what was stored before the limit (and that is what
// is stored); a client gone mid-body leaves the lines it sent whole stored and the server
// healthy; an Idempotency-Key import cut by the limit stores nothing and leaves the key free.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <thread>

#include "support/http_client.hpp"
#include "support/shipd_server.hpp"

namespace shipd::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kLimit = 1u << 20;  // SHIPD_IMPORT_MAX_BYTES here: 1 MiB

ShipdServer& server() {
    static ShipdServer s(ShipdServerOptions{{{"SHIPD_IMPORT_MAX_BYTES", std::to_string(kLimit)}}, {}});
    return s;
}

std::string line(const std::string& reference) { return shipment_body(reference) + "\n"; }

std::size_t stored(const std::string& reference) {
    return std::stoul(server().exec_sql("SELECT count(*) FROM shipments WHERE reference = '" + reference + "'").at(0));
}

std::string head(const std::string& extra) {
    return "POST /v1/imports/shipments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + server().key() +
           "\r\nContent-Type: application/x-ndjson\r\n" + extra;
}

std::string chunk(const std::string& data) {
    char size[16];
    std::snprintf(size, sizeof size, "%zx", data.size());
    return std::string(size) + "\r\n" + data + "\r\n";
}

std::size_t number(const boost::json::value& v, const char* path) {
    const auto* n = at(v, path);
    if (!n) {
        ADD_FAILURE() << "no " << path << " in " << boost::json::serialize(v).substr(0, 300);
        return SIZE_MAX;
    }
    return n->to_number<std::size_t>();
}

TEST(ImportStream, ABodySentInManyPiecesAfter100ContinueImportsEveryLine) {
    std::string ref = unique("stream");
    std::string body;
    for (int i = 0; i < 1500; ++i) body += i == 700 ? std::string("not json\n") : line(ref);
    RawConnection c(server().port());
    ASSERT_TRUE(c.send(head("Expect: 100-continue\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n")));
    auto go_on = c.read_response(5s);
    ASSERT_TRUE(go_on);
    EXPECT_EQ(go_on->status, 100);
    for (std::size_t off = 0; off < body.size(); off += 9'000) {
        ASSERT_TRUE(c.send(body.substr(off, 9'000)));  // lines cut anywhere
        if (off % 90'000 == 0) std::this_thread::sleep_for(5ms);
    }
    auto r = c.read_response(60s);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body.substr(0, 300);
    auto v = json_of(*r);
    EXPECT_EQ(number(v, "accepted"), 1499u);
    EXPECT_EQ(number(v, "rejected"), 1u);
    EXPECT_EQ(number(v, "errors.0.line"), 701u);
    EXPECT_EQ(str_at(v, "errors.0.code"), "BAD_REQUEST");
    EXPECT_EQ(number(v, "created.1498.line"), 1500u) << "the last line is the last created";
    EXPECT_EQ(stored(ref), 1499u);
    // The connection carries the next request.
    ASSERT_TRUE(c.send("GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto live = c.read_response();
    ASSERT_TRUE(live);
    EXPECT_EQ(live->status, 200);
}

TEST(ImportStream, AChunkedBodyImportsEveryLine) {
    std::string ref = unique("chunked");
    std::string body;
    for (int i = 0; i < 800; ++i) body += line(ref);
    body += shipment_body(ref);  // a last line without its newline
    RawConnection c(server().port());
    ASSERT_TRUE(c.send(head("Transfer-Encoding: chunked\r\n\r\n")));
    for (std::size_t off = 0; off < body.size(); off += 5'000) ASSERT_TRUE(c.send(chunk(body.substr(off, 5'000))));
    ASSERT_TRUE(c.send("0\r\n\r\n"));
    auto r = c.read_response(60s);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body.substr(0, 300);
    EXPECT_EQ(number(json_of(*r), "accepted"), 801u);
    EXPECT_EQ(stored(ref), 801u);
}

TEST(ImportStream, AChunkedBodyPastTheLimitIs413AndSaysWhatIsStored) {
    std::string ref = unique("over");
    const std::string one = line(ref);
    RawConnection c(server().port());
    ASSERT_TRUE(c.send(head("Transfer-Encoding: chunked\r\n\r\n")));
    // Half a line at the end of each chunk: the cut falls inside a line.
    std::size_t sent = 0;
    std::string pending;
    while (sent < kLimit + (256u << 10)) {
        while (pending.size() < 64'000) pending += one;
        std::string piece = pending.substr(0, 64'000);
        pending.erase(0, 64'000);
        if (!c.send(chunk(piece))) break;
        sent += piece.size();
    }
    auto r = c.read_response(60s);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 413) << r->body.substr(0, 300);
    EXPECT_EQ(r->header("connection"), "close");
    auto v = json_of(*r);
    EXPECT_EQ(str_at(v, "error.code"), "PAYLOAD_TOO_LARGE");
    EXPECT_NE(str_at(v, "error.message").find(std::to_string(kLimit)), std::string::npos) << r->body.substr(0, 300);
    EXPECT_FALSE(str_at(v, "request_id").empty());
    // What the answer lists is what is stored: every whole line of the chunks within the limit
    // (the chunk that would cross it is refused whole), in order.
    const std::size_t accepted = number(v, "import.accepted");
    EXPECT_EQ(number(v, "import.rejected"), 0u);
    EXPECT_GE(accepted, (kLimit - 64'000) / one.size() - 1);
    EXPECT_LE(accepted, kLimit / one.size());
    EXPECT_EQ(at(v, "import.created")->as_array().size(), accepted);
    EXPECT_EQ(number(v, "import.created.0.line"), 1u);
    EXPECT_EQ(stored(ref), accepted);
    EXPECT_EQ(Api(server()).anonymous("GET", "/health/live").status, 200);
}

TEST(ImportStream, AClientGoneMidBodyLeavesItsWholeLinesStoredAndTheServerHealthy) {
    std::string ref = unique("gone");
    const std::string one = line(ref);
    std::string sent_body;
    for (int i = 0; i < 600; ++i) sent_body += one;
    sent_body += one.substr(0, one.size() / 2);  // then the client goes
    {
        RawConnection c(server().port());
        ASSERT_TRUE(c.send(head("Content-Length: " + std::to_string(sent_body.size() * 2) + "\r\n\r\n") + sent_body));
        std::this_thread::sleep_for(200ms);
    }
    // The 600 whole lines are stored (the half line is not), once the stream noticed.
    std::size_t n = 0;
    for (int i = 0; i < 200 && (n = stored(ref)) < 600; ++i) std::this_thread::sleep_for(50ms);
    EXPECT_EQ(n, 600u);
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(stored(ref), 600u);
    Api api(server());
    EXPECT_EQ(api.anonymous("GET", "/health/live").status, 200);
    auto r = api.post("/v1/imports/shipments", line(ref), {}, "application/x-ndjson");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(number(json_of(r), "accepted"), 1u);
}

TEST(ImportStream, AnIdempotentImportCutByTheLimitStoresNothingAndLeavesTheKeyFree) {
    std::string ref = unique("idem-over");
    std::string key = unique("key");
    const std::string one = line(ref);
    {
        RawConnection c(server().port());
        ASSERT_TRUE(c.send(head("Idempotency-Key: " + key + "\r\nTransfer-Encoding: chunked\r\n\r\n")));
        std::string piece;
        while (piece.size() < 60'000) piece += one;
        for (std::size_t sent = 0; sent < kLimit + piece.size(); sent += piece.size()) {
            if (!c.send(chunk(piece))) break;
        }
        auto r = c.read_response(60s);
        ASSERT_TRUE(r);
        EXPECT_EQ(r->status, 413) << r->body.substr(0, 300);
        EXPECT_EQ(str_at(json_of(*r), "error.code"), "PAYLOAD_TOO_LARGE");
    }
    EXPECT_EQ(stored(ref), 0u);
    // The key was never bound: the same key with a body within the limit imports.
    auto ok = Api(server()).post("/v1/imports/shipments", one + one, "Idempotency-Key: " + key + "\r\n", "application/x-ndjson");
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(number(json_of(ok), "accepted"), 2u);
    EXPECT_EQ(stored(ref), 2u);
}

}  // namespace
}  // namespace shipd::testing
