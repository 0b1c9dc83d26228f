// The `limit` query parameter of the admin listings.
#include "domain/limit_query.hpp"

#include <gtest/gtest.h>

namespace shipd::domain {
namespace {

TEST(LimitQuery, DefaultWhenAbsentOrEmpty) {
    EXPECT_EQ(parse_limit_query("", 20, 100).value, 20);
    EXPECT_EQ(parse_limit_query("limit=", 20, 100).value, 20);
    EXPECT_EQ(parse_limit_query("other=5&x", 20, 100).value, 20);
}

TEST(LimitQuery, TakesOneToMax) {
    EXPECT_EQ(parse_limit_query("limit=1", 20, 100).value, 1);
    EXPECT_EQ(parse_limit_query("a=b&limit=100", 20, 100).value, 100);
    EXPECT_EQ(parse_limit_query("%6cimit=%35", 20, 100).value, 5);  // percent-encoded name and value
}

TEST(LimitQuery, RefusesAnythingElseNamingTheField) {
    for (const char* q : {"limit=0", "limit=101", "limit=-1", "limit=5x", "limit=+5", "limit=abc", "limit=1e2",
                          "limit=99999999999999999999", "limit=%zz", "limit=5&limit=6"}) {
        auto parsed = parse_limit_query(q, 20, 100);
        EXPECT_FALSE(parsed.ok()) << q;
        EXPECT_EQ(parsed.code(), "BAD_REQUEST") << q;
        ASSERT_EQ(parsed.problems.size(), 1u) << q;
        EXPECT_EQ(parsed.problems[0].field, "limit");
        EXPECT_EQ(parsed.message.rfind("limit ", 0), 0u) << parsed.message;
    }
    EXPECT_EQ(parse_limit_query("limit=0", 20, 100).problems[0].message, "must be an integer from 1 to 100");
    EXPECT_EQ(parse_limit_query("limit=5&limit=6", 20, 100).problems[0].message, "is given more than once");
}

}  // namespace
}  // namespace shipd::domain
