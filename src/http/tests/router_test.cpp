// Router: templates, parameters, literal precedence, 404 / 405 with Allow, query parameters.
#include <gtest/gtest.h>

#include "http/errors.hpp"
#include "http/router.hpp"

namespace shipd::http {
namespace {

Handler named(std::string name) {
    return [name](RequestContext&) -> boost::asio::awaitable<Response> {
        co_return json_response(Status::ok, name);
    };
}

Router shipments_router() {
    Router r;
    r.add(Verb::get, "/v1/shipments", named("list"));
    r.add(Verb::post, "/v1/shipments", named("create"));
    r.add(Verb::get, "/v1/shipments/{id}", named("get"));
    r.add(Verb::post, "/v1/shipments/{id}/buy", named("buy"), {.body_limit = 0});
    r.add(Verb::post, "/v1/shipments/batch-track", named("batch"));
    r.add(Verb::post, "/v1/imports/shipments", named("import"), {.body_limit = 64 << 20});
    return r;
}

TEST(Router, MatchesTemplatesAndExtractsParameters) {
    Router r = shipments_router();
    Match m = r.match(Verb::get, "/v1/shipments/0193abcd?expand=1");
    ASSERT_EQ(m.kind, Match::Kind::kFound);
    EXPECT_EQ(m.route, "/v1/shipments/{id}");
    ASSERT_EQ(m.params.size(), 1u);
    EXPECT_EQ(m.params[0].first, "id");
    EXPECT_EQ(m.params[0].second, "0193abcd");
    EXPECT_EQ(r.match(Verb::post, "/v1/shipments/x/buy").route, "/v1/shipments/{id}/buy");
}

TEST(Router, LiteralSegmentsWinOverParameters) {
    Router r = shipments_router();
    Match m = r.match(Verb::post, "/v1/shipments/batch-track");
    ASSERT_EQ(m.kind, Match::Kind::kFound);
    EXPECT_EQ(m.route, "/v1/shipments/batch-track");
}

TEST(Router, UnknownPathIsNotFoundAndWrongMethodListsAllow) {
    Router r = shipments_router();
    EXPECT_EQ(r.match(Verb::get, "/v2/nothing").kind, Match::Kind::kNotFound);
    EXPECT_EQ(r.match(Verb::get, "/v1/shipments/a/b/c").kind, Match::Kind::kNotFound);
    Match m = r.match(Verb::delete_, "/v1/shipments");
    ASSERT_EQ(m.kind, Match::Kind::kMethodNotAllowed);
    EXPECT_EQ(m.allow, "GET, POST");
    Match one = r.match(Verb::put, "/v1/shipments/abc");
    ASSERT_EQ(one.kind, Match::Kind::kMethodNotAllowed);
    EXPECT_EQ(one.allow, "GET");
}

TEST(Router, RouteBodyLimitIsReported) {
    Router r = shipments_router();
    EXPECT_EQ(r.match(Verb::post, "/v1/imports/shipments").body_limit, 64u << 20);
    EXPECT_EQ(r.match(Verb::post, "/v1/shipments").body_limit, 0u);
}

TEST(Router, DuplicateAndMalformedTemplatesAreRefused) {
    Router r = shipments_router();
    EXPECT_THROW(r.add(Verb::get, "/v1/shipments/{id}", named("again")), std::invalid_argument);
    EXPECT_THROW(r.add(Verb::get, "no-slash", named("x")), std::invalid_argument);
    EXPECT_THROW(r.add(Verb::get, "/a/{b", named("x")), std::invalid_argument);
    EXPECT_EQ(r.routes().size(), 6u);
}

TEST(Router, QueryParametersAreFound) {
    EXPECT_EQ(query_param("/x?page_size=5&status=delivered", "status"), "delivered");
    EXPECT_EQ(query_param("/x?page_size=5&status=delivered", "page_size"), "5");
    EXPECT_EQ(query_param("/x?flag&y=1", "flag"), "");
    EXPECT_FALSE(query_param("/x?y=1", "z").has_value());
    EXPECT_FALSE(query_param("/x", "z").has_value());
    EXPECT_EQ(target_path("/v1/shipments?x=1"), "/v1/shipments");
}

TEST(Errors, ShapeIsApiMds) {
    Response r = error_response(Status::unprocessable_entity, "VALIDATION_ERROR", "2 fields are invalid", "rid-1",
                                {{"to_address.zip", "is required"}, {"parcel.weight", "must be greater than 0"}});
    EXPECT_EQ(r.body(),
              R"({"error":{"code":"VALIDATION_ERROR","message":"2 fields are invalid","errors":[{"field":"to_address.zip","message":"is required"},{"field":"parcel.weight","message":"must be greater than 0"}]},"request_id":"rid-1"})");
    EXPECT_EQ(r[bhttp::field::content_type], "application/json");
    Response busy = error_response(Status::service_unavailable, "POOL_TIMEOUT", "say \"when\"\n", "r", {}, 2);
    EXPECT_EQ(busy[bhttp::field::retry_after], "2");
    EXPECT_NE(busy.body().find(R"(say \"when\"\n)"), std::string::npos);
}

}  // namespace
}  // namespace shipd::http
