// GET /v1/shipments' query parameters and percent-decoding.
#include "domain/query.hpp"

#include <gtest/gtest.h>

namespace shipd::domain {
namespace {

std::vector<std::string> fields(const std::vector<Problem>& problems) {
    std::vector<std::string> out;
    for (const auto& p : problems) out.push_back(p.field + ": " + p.message);
    return out;
}

TEST(PercentDecode, Decodes) {
    EXPECT_EQ(percent_decode("a%20b+c"), "a b c");
    EXPECT_EQ(percent_decode("a+b", false), "a+b");
    EXPECT_EQ(percent_decode("%F0%9F%98%80%2b"), "😀+");
    EXPECT_EQ(percent_decode("%e2%82%ac"), "€");
    EXPECT_EQ(percent_decode(""), "");
    EXPECT_EQ(percent_decode("%"), std::nullopt);
    EXPECT_EQ(percent_decode("%2"), std::nullopt);
    EXPECT_EQ(percent_decode("%zz"), std::nullopt);
    EXPECT_EQ(percent_decode("%FF"), std::nullopt);  // not UTF-8
    EXPECT_EQ(percent_decode("%C0%AF"), std::nullopt);
}

TEST(ListQuery, Defaults) {
    auto parsed = parse_list_query("");
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed.value->page_size, 20);
    EXPECT_FALSE(parsed.value->before_id);
    EXPECT_FALSE(parsed.value->status);
}

TEST(ListQuery, EveryParameter) {
    auto parsed = parse_list_query(
        "page_size=100&before_id=0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B&status=in_transit&carrier=USPS"
        "&tracking_code=EZ%201&reference=o%27r+1%3B--&start_datetime=2026-11-01T00:00:00%2B01:00"
        "&end_datetime=2026-11-30T00:00:00Z&unknown=%zz&&carrier_x=1");
    ASSERT_TRUE(parsed.ok()) << parsed.message;
    const ListQuery& q = *parsed.value;
    EXPECT_EQ(q.page_size, 100);
    EXPECT_EQ(q.before_id, "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
    EXPECT_EQ(q.status, Status::kInTransit);
    EXPECT_EQ(q.carrier, "USPS");
    EXPECT_EQ(q.tracking_code, "EZ 1");
    EXPECT_EQ(q.reference, "o'r 1;--");
    EXPECT_EQ(q.start_datetime, "2026-10-31T23:00:00Z");
    EXPECT_EQ(q.end_datetime, "2026-11-30T00:00:00Z");
}

TEST(ListQuery, PageSizeBounds) {
    for (std::string_view bad : {"0", "101", "abc", "-1", "1.5", "99999999999999999999", " 5", "5x"}) {
        auto parsed = parse_list_query("page_size=" + std::string(bad));
        EXPECT_EQ(parsed.failure, Failure::kBadRequest) << bad;
        EXPECT_EQ(fields(parsed.problems),
                  std::vector<std::string>{"page_size: must be an integer from 1 to 100"})
            << bad;
    }
    EXPECT_EQ(parse_list_query("page_size=1").value->page_size, 1);
    EXPECT_EQ(parse_list_query("page_size=").value->page_size, 20);
}

TEST(ListQuery, AllBadParametersAtOnce) {
    auto parsed = parse_list_query(
        "page_size=0&after_id=nope&status=lost&start_datetime=yesterday&end_datetime=2026-13-01T00:00:00Z"
        "&carrier=%00&reference=%E0");
    EXPECT_EQ(parsed.failure, Failure::kBadRequest);
    EXPECT_EQ(parsed.message, "7 query parameters are invalid");
    EXPECT_EQ(fields(parsed.problems),
              (std::vector<std::string>{
                  "page_size: must be an integer from 1 to 100",
                  "after_id: must be a UUID",
                  "status: must be one of unknown, pre_transit, in_transit, out_for_delivery, "
                  "delivered, available_for_pickup, return_to_sender, failure, cancelled, error",
                  "start_datetime: must be an RFC 3339 time (2026-11-28T09:03:13Z)",
                  "end_datetime: must be an RFC 3339 time (2026-11-28T09:03:13Z)",
                  "carrier: must not contain control characters",
                  "reference: is not properly percent-encoded UTF-8",
              }));
}

TEST(ListQuery, CursorsAndRanges) {
    const std::string id = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";
    auto both = parse_list_query("before_id=" + id + "&after_id=" + id);
    EXPECT_EQ(fields(both.problems),
              std::vector<std::string>{"before_id: cannot be combined with after_id"});
    auto twice = parse_list_query("status=delivered&status=failure");
    EXPECT_EQ(fields(twice.problems), std::vector<std::string>{"status: is given more than once"});
    auto backwards = parse_list_query(
        "start_datetime=2026-11-02T00:00:00.5Z&end_datetime=2026-11-02T00:00:00.25Z");
    EXPECT_EQ(fields(backwards.problems),
              std::vector<std::string>{"start_datetime: must not be after end_datetime"});
    EXPECT_TRUE(parse_list_query("start_datetime=2026-11-02T00:00:00Z&end_datetime=2026-11-02T00:00:00.1Z").ok());
    EXPECT_TRUE(parse_list_query("start_datetime=2026-11-02T00:00:00Z&end_datetime=2026-11-02T00:00:00Z").ok());
    auto long_ref = parse_list_query("reference=" + std::string(101, 'r'));
    EXPECT_EQ(fields(long_ref.problems),
              std::vector<std::string>{"reference: must be at most 100 characters"});
}

}  // namespace
}  // namespace shipd::domain
