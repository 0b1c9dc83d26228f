// utc_timestamp: PostgreSQL's timestamptz text → the API's RFC 3339 UTC text (what the hot
// select lists' to_char() used to make in the database).
#include <gtest/gtest.h>

#include "pg/errors.hpp"
#include "store/detail/timestamp.hpp"

namespace shipd::store::detail {
namespace {

std::string utc(std::string_view text) {
    auto out = utc_timestamp(text);
    EXPECT_TRUE(out.has_value()) << text;
    return out.value_or("<nullopt>");
}

TEST(UtcTimestamp, PadsTheFractionPostgresTrimmed) {
    EXPECT_EQ(utc("2026-11-28 09:03:13.188123+00"), "2026-11-28T09:03:13.188123Z");
    EXPECT_EQ(utc("2026-11-28 09:03:13.18812+00"), "2026-11-28T09:03:13.188120Z");
    EXPECT_EQ(utc("2026-11-28 09:03:13.1+00"), "2026-11-28T09:03:13.100000Z");
    EXPECT_EQ(utc("2026-11-28 09:03:13.000001+00"), "2026-11-28T09:03:13.000001Z");
}

TEST(UtcTimestamp, ZeroFractionIsSixZeros) {
    EXPECT_EQ(utc("2026-11-28 09:03:13+00"), "2026-11-28T09:03:13.000000Z");
    EXPECT_EQ(utc("2024-01-01 00:00:00+00"), "2024-01-01T00:00:00.000000Z");
}

TEST(UtcTimestamp, OtherSessionTimeZonesAreShiftedToUtc) {
    EXPECT_EQ(utc("2026-11-28 14:33:13.18812+05:30"), "2026-11-28T09:03:13.188120Z");
    EXPECT_EQ(utc("2026-12-31 20:00:00.5-05"), "2027-01-01T01:00:00.500000Z");
    EXPECT_EQ(utc("2024-03-01 00:30:00+01"), "2024-02-29T23:30:00.000000Z");  // leap day
    EXPECT_EQ(utc("1900-01-01 05:21:10+05:21:10"), "1900-01-01T00:00:00.000000Z");  // LMT
    EXPECT_EQ(utc("2026-01-01 00:00:00-00:30"), "2026-01-01T00:30:00.000000Z");
}

TEST(UtcTimestamp, YearsOutsideFourDigitsAndBcDoNotBreak) {
    EXPECT_EQ(utc("0999-01-01 00:00:00.5+00"), "0999-01-01T00:00:00.500000Z");
    EXPECT_EQ(utc("12345-01-01 00:00:00+00"), "12345-01-01T00:00:00.000000Z");
    // to_char's YYYY prints a BC year without its era; so does the rewrite.
    EXPECT_EQ(utc("0044-03-15 12:00:00+00 BC"), "0044-03-15T12:00:00.000000Z");
    EXPECT_EQ(utc("0001-01-01 00:30:00+01 BC"), "0002-12-31T23:30:00.000000Z");
    EXPECT_EQ(utc("0001-12-31 23:30:00-01 BC"), "0001-01-01T00:30:00.000000Z");
}

TEST(UtcTimestamp, InfinityIsNoTimestamp) {
    EXPECT_FALSE(utc_timestamp("infinity").has_value());
    EXPECT_FALSE(utc_timestamp("-infinity").has_value());
}

TEST(UtcTimestamp, AnythingElseIsAResultError) {
    for (std::string_view bad :
         {"", "2026-11-28", "2026-11-28T09:03:13Z", "2026-11-28 09:03:13", "11/28/2026 09:03:13 UTC",
          "Sat 28 Nov 09:03:13.1 2026 UTC", "2026-11-28 09:03:13.1234567+00", "2026-11-28 09:03:13.+00",
          "2026-13-28 09:03:13+00", "2026-11-28 09:03:13+00 AD", "2026-11-28 09:03:13+0", "26-11-28 09:03:13+00",
          "2026-11-28 09:03:13+00x", "99999999-01-01 00:00:00+00"}) {
        EXPECT_THROW(utc_timestamp(bad), pg::ResultError) << bad;
    }
}

}  // namespace
}  // namespace shipd::store::detail
