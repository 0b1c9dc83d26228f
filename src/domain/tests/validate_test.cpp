// Field rules, RFC 3339 times and UTF-8 checks.
#include "domain/timestamp.hpp"
#include "text/utf8.hpp"
#include "domain/validate.hpp"

#include <gtest/gtest.h>

namespace shipd::domain {
namespace {

TEST(Validate, Uuid) {
    EXPECT_TRUE(is_uuid("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"));
    EXPECT_TRUE(is_uuid("0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B"));
    EXPECT_TRUE(is_uuid("00000000-0000-0000-0000-000000000000"));
    EXPECT_FALSE(is_uuid("0193a1b2c3d47e5f8a9b0c1d2e3f4a5b"));
    EXPECT_FALSE(is_uuid("{0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b}"));
    EXPECT_FALSE(is_uuid("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5g"));
    EXPECT_FALSE(is_uuid("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5"));
    EXPECT_FALSE(is_uuid("0193a1b2-c3d4-7e5f-8a9b0-c1d2e3f4a5b"));
    EXPECT_FALSE(is_uuid("' OR 1=1 --"));
    EXPECT_FALSE(is_uuid(""));
}

TEST(Validate, Country) {
    EXPECT_EQ(normalize_country("US"), "US");
    EXPECT_EQ(normalize_country("de"), "DE");
    EXPECT_EQ(normalize_country("gB"), "GB");
    EXPECT_EQ(normalize_country("XK"), "XK");
    EXPECT_EQ(normalize_country("ZW"), "ZW");
    EXPECT_EQ(normalize_country("AD"), "AD");
    EXPECT_EQ(normalize_country("ZZ"), std::nullopt);
    EXPECT_EQ(normalize_country("UK"), std::nullopt);  // GB is the code
    EXPECT_EQ(normalize_country("USA"), std::nullopt);
    EXPECT_EQ(normalize_country("U1"), std::nullopt);
    EXPECT_EQ(normalize_country("Ü"), std::nullopt);
    EXPECT_EQ(normalize_country(""), std::nullopt);
}

TEST(Validate, Email) {
    EXPECT_TRUE(is_plausible_email("a@example.com"));
    EXPECT_TRUE(is_plausible_email("first.last+tag@sub.example.co.uk"));
    EXPECT_TRUE(is_plausible_email("jörg@bücher.de"));
    EXPECT_FALSE(is_plausible_email("nope"));
    EXPECT_FALSE(is_plausible_email("@example.com"));
    EXPECT_FALSE(is_plausible_email("a@b"));
    EXPECT_FALSE(is_plausible_email("a@.com"));
    EXPECT_FALSE(is_plausible_email("a@example."));
    EXPECT_FALSE(is_plausible_email("a@@example.com"));
    EXPECT_FALSE(is_plausible_email("a b@example.com"));
}

TEST(Validate, ControlChars) {
    EXPECT_FALSE(has_control_chars("plain text 😀"));
    EXPECT_TRUE(has_control_chars("a\nb"));
    EXPECT_FALSE(has_control_chars("a\nb\tc\r", true));
    EXPECT_TRUE(has_control_chars(std::string_view("a\0b", 3), true));
    EXPECT_TRUE(has_control_chars("a\x7f"));
    EXPECT_TRUE(has_control_chars("a\x1b[31m", true));
}

TEST(Utf8, Checks) {
    EXPECT_TRUE(shipd::text::is_valid_utf8("ascii é € 😀"));
    EXPECT_FALSE(shipd::text::is_valid_utf8("\x80"));
    EXPECT_FALSE(shipd::text::is_valid_utf8("\xc3"));
    EXPECT_FALSE(shipd::text::is_valid_utf8("\xe0\x80\x80"));  // overlong
    EXPECT_FALSE(shipd::text::is_valid_utf8("\xed\xbf\xbf"));  // surrogate
    EXPECT_FALSE(shipd::text::is_valid_utf8("\xf4\x90\x80\x80"));  // > U+10FFFF
    EXPECT_TRUE(shipd::text::is_valid_utf8("\xf4\x8f\xbf\xbf"));  // U+10FFFF
    EXPECT_EQ(shipd::text::utf8_length("a é € 😀"), 7u);
}

TEST(Rfc3339, NormalisesToUtc) {
    EXPECT_EQ(parse_rfc3339("2026-11-28T09:03:13Z"), "2026-11-28T09:03:13Z");
    EXPECT_EQ(parse_rfc3339("2026-11-28t09:03:13z"), "2026-11-28T09:03:13Z");
    EXPECT_EQ(parse_rfc3339("2026-11-28 09:03:13Z"), "2026-11-28T09:03:13Z");
    EXPECT_EQ(parse_rfc3339("2026-11-28T09:03:13.188123Z"), "2026-11-28T09:03:13.188123Z");
    EXPECT_EQ(parse_rfc3339("2026-11-28T09:03:13.1881239Z"), "2026-11-28T09:03:13.188123Z");
    EXPECT_EQ(parse_rfc3339("2026-11-28T09:03:13.500Z"), "2026-11-28T09:03:13.5Z");
    EXPECT_EQ(parse_rfc3339("2026-11-28T09:03:13.000Z"), "2026-11-28T09:03:13Z");
    EXPECT_EQ(parse_rfc3339("2026-11-28T01:00:00+02:00"), "2026-11-27T23:00:00Z");
    EXPECT_EQ(parse_rfc3339("2026-12-31T20:00:00-05:30"), "2027-01-01T01:30:00Z");
    EXPECT_EQ(parse_rfc3339("2024-02-29T23:59:59-00:01"), "2024-03-01T00:00:59Z");
    EXPECT_EQ(parse_rfc3339("2000-03-01T00:30:00+01:00"), "2000-02-29T23:30:00Z");
    EXPECT_EQ(parse_rfc3339("9999-12-31T23:59:59Z"), "9999-12-31T23:59:59Z");
    EXPECT_EQ(parse_rfc3339("0001-01-01T00:00:00Z"), "0001-01-01T00:00:00Z");
}

TEST(Rfc3339, RefusesGarbage) {
    for (std::string_view bad :
         {"", "yesterday", "2026-11-28", "2026-11-28T09:03:13", "2026-11-28T09:03Z",
          "2026-11-28T09:03:13+0100", "2026-11-28T09:03:13+01", "2026-02-29T00:00:00Z",
          "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-11-31T00:00:00Z",
          "2026-11-28T24:00:00Z", "2026-11-28T23:60:00Z", "2026-11-28T23:59:60Z",
          "2026-11-28T09:03:13.Z", "2026-11-28T09:03:13.1234567890Z", "2026-11-28T09:03:13ZZ",
          "2026-11-28T09:03:13+24:00", "0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01",
          "+2026-11-28T09:03:13Z", "2026/11/28T09:03:13Z", "2026-11-28T09:03:13Z ",
          "２０２６-11-28T09:03:13Z"}) {
        EXPECT_EQ(parse_rfc3339(bad), std::nullopt) << bad;
    }
}

}  // namespace
}  // namespace shipd::domain
