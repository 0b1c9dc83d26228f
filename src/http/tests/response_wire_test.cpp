// response_wire: the head shipd writes is byte for byte the one Beast's serializer writes.
#include <gtest/gtest.h>

#include <boost/beast/http/write.hpp>

#include <sstream>
#include <string>

#include "http/errors.hpp"
#include "http/response_wire.hpp"

namespace shipd::http {
namespace {

// What Beast puts on the wire for `res` (its serializer, through operator<<).
std::string beast_bytes(const Response& res) {
    std::ostringstream out;
    out << res;
    return out.str();
}

std::string our_bytes(const Response& res) {
    std::string out = "left as it was|";  // appended to, never cleared
    append_response_head(out, res);
    return out.substr(15) + res.body();
}

TEST(ResponseWire, TheHeadIsWhatBeastWritesForEveryShape) {
    std::vector<Response> shapes;
    shapes.push_back(json_response(Status::ok, R"({"id":"shp_1"})"));
    shapes.push_back(error_response(Status::not_found, "NOT_FOUND", "no shipment 42", "req-1"));
    Response empty{Status::no_content, 11};
    shapes.push_back(empty);
    Response not_modified{Status::not_modified, 11};
    not_modified.set(bhttp::field::etag, "\"v1\"");
    shapes.push_back(not_modified);
    Response old = json_response(Status::ok, "hello");
    old.version(10);
    old.keep_alive(false);
    shapes.push_back(old);
    Response custom = json_response(Status::service_unavailable, "{}");
    custom.reason("Busy Right Now");
    shapes.push_back(custom);
    Response unknown = json_response(static_cast<Status>(299), "x");  // a code Beast has no reason for
    shapes.push_back(unknown);
    Response many = json_response(Status::created, std::string(70000, 'a'));
    many.set(bhttp::field::server, "shipd");
    many.set("X-Request-Id", "0193abcd-0000-7000-8000-000000000000");
    many.insert(bhttp::field::set_cookie, "a=1");
    many.insert(bhttp::field::set_cookie, "b=2");
    many.set("X-Empty", "");
    many.set("x-lower-case-custom", "kept as given");
    shapes.push_back(many);
    for (const auto& res : shapes) {
        EXPECT_EQ(our_bytes(res), beast_bytes(res)) << res.result_int();
    }
}

TEST(ResponseWire, StatusLineFieldsAndTheEmptyLine) {
    Response res = json_response(Status::ok, "{}");
    res.set(bhttp::field::server, "shipd");
    std::string head;
    append_response_head(head, res);
    EXPECT_EQ(head, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nServer: shipd\r\n\r\n");
}

}  // namespace
}  // namespace shipd::http
