// text::mask_passwords: the cases the config/ and pg/ tests do not cover.
#include <gtest/gtest.h>

#include "text/secrets.hpp"

namespace shipd::text {
namespace {

TEST(MaskPasswords, EveryPasswordOfAFreeTextIsMasked) {
    EXPECT_EQ(mask_passwords("a postgresql://u:p1@h/d and host=h password=p2 and postgres://v:p3@k", "#"),
              "a postgresql://u:#@h/d and host=h password=# and postgres://v:#@k");
}

TEST(MaskPasswords, AnAmpersandEndsAValueOnlyInAUrlQuery) {
    EXPECT_EQ(mask_passwords("postgresql://h/d?user=u&password=a&sslmode=require", "#"),
              "postgresql://h/d?user=u&password=#&sslmode=require");
    // In a conninfo '&' is part of the password: masked whole, nothing of it left.
    EXPECT_EQ(mask_passwords("host=h password=a&b dbname=d", "#"), "host=h password=# dbname=d");
}

TEST(MaskPasswords, OnlyTheWordPasswordIsAKey) {
    EXPECT_EQ(mask_passwords("old_password=x newpassword=y", "#"), "old_password=x newpassword=y");
    EXPECT_EQ(mask_passwords("the password is secret", "#"), "the password is secret");
    EXPECT_EQ(mask_passwords("password=", "#"), "password=#");
}

TEST(MaskPasswords, UrlsWithoutAPasswordAreLeftAlone) {
    EXPECT_EQ(mask_passwords("postgresql://u@h/d", "#"), "postgresql://u@h/d");
    EXPECT_EQ(mask_passwords("postgresql://h:5432/d", "#"), "postgresql://h:5432/d");
    EXPECT_EQ(mask_passwords("see https://example.com/a@b", "#"), "see https://example.com/a@b");
    EXPECT_EQ(mask_passwords("://", "#"), "://");
}

TEST(MaskPasswords, AnAtSignInAPasswordIsMaskedToo) {
    EXPECT_EQ(mask_passwords("postgresql://u:p@ss@h/d", "#"), "postgresql://u:#@h/d");
}

}  // namespace
}  // namespace shipd::text
