// pg pieces that need no database: DSN masking, server settings, text codecs, the statement
// cache, the histogram, SQLSTATE mapping, COPY rows.
#include <gtest/gtest.h>

#include "pg/connection.hpp"
#include "pg/detail/statement_cache.hpp"
#include "pg/detail/text_codec.hpp"
#include "pg/dsn.hpp"
#include "pg/errors.hpp"
#include "pg/histogram.hpp"
#include "pg/result.hpp"
#include "pg/settings.hpp"
#include "pg/types.hpp"

namespace shipd::pg {
namespace {

using namespace std::chrono_literals;

TEST(Dsn, MaskHidesPasswordsInEveryForm) {
    EXPECT_EQ(mask_dsn("postgresql://u:s3cret@db:5432/app"), "postgresql://u:***@db:5432/app");
    EXPECT_EQ(mask_dsn("postgresql+asyncpg://u:p%40ss@h/db?sslmode=require"),
              "postgresql+asyncpg://u:***@h/db?sslmode=require");
    EXPECT_EQ(mask_dsn("postgres://u@h/db"), "postgres://u@h/db");
    EXPECT_EQ(mask_dsn("host=h user=u password=s3cret dbname=d"),
              "host=h user=u password=*** dbname=d");
    EXPECT_EQ(mask_dsn("host=h password = 'a b\\'c' dbname=d"), "host=h password = *** dbname=d");
    EXPECT_EQ(dsn_password("postgresql://u:p%40ss@h/db"), "p@ss");
    EXPECT_EQ(dsn_password("password='a b\\'c'"), "a b'c");
    EXPECT_EQ(redact("x s3cret y s3cret", "s3cret"), "x *** y ***");
    EXPECT_EQ(normalize_dsn("postgresql+asyncpg://u:p@h/d"), "postgresql://u:p@h/d");
}

// A Row points into its Result: taking one from a temporary Result must not compile.
template <class R>
concept GivesOne = requires(R&& r) { static_cast<R&&>(r).one(); };
template <class R>
concept GivesMaybeOne = requires(R&& r) { static_cast<R&&>(r).maybe_one(); };
template <class R>
concept GivesRowAt = requires(R&& r) { static_cast<R&&>(r)[0]; };
template <class R>
concept GivesIterators = requires(R&& r) {
    static_cast<R&&>(r).begin();
    static_cast<R&&>(r).end();
};
template <class R>
concept GivesScalar = requires(R&& r) { static_cast<R&&>(r).template scalar<int>(); };
static_assert(GivesOne<Result&> && GivesOne<const Result&>);
static_assert(!GivesOne<Result> && !GivesOne<const Result>);
static_assert(GivesMaybeOne<Result&> && !GivesMaybeOne<Result>);
static_assert(GivesRowAt<Result&> && !GivesRowAt<Result>);
static_assert(GivesIterators<Result&> && !GivesIterators<Result>);
static_assert(GivesScalar<Result> && GivesScalar<Result&>);  // a value, not a Row

// An Outcome's value() hands out a reference into a named Outcome and a Result of its own
// from a temporary one (`(co_await connection.pipeline(...))[0]` is named; a function
// returning an Outcome by value is not).
static_assert(std::is_same_v<decltype(std::declval<Outcome&>().value()), const Result&>);
static_assert(std::is_same_v<decltype(std::declval<Outcome>().value()), Result>);

TEST(Dsn, LocalMeansEveryServerOnThisMachine) {
    for (const char* local : {"postgresql://u:p@127.0.0.1:5432/d", "postgresql://localhost/d",
                              "postgresql+asyncpg://u@[::1]:6432/d", "postgresql:///d",
                              "postgresql:///d?host=/var/run/postgresql", "host=/tmp dbname=d",
                              "host=localhost,127.0.0.2 dbname=d", "dbname=d",
                              "host=db.example.com hostaddr=127.0.0.1 dbname=d"}) {
        EXPECT_TRUE(dsn_is_local(local)) << local;
    }
    for (const char* remote : {"postgresql://u:p@db.example.com/d", "postgresql://10.0.0.5/d",
                               "host=localhost,db2 dbname=d", "host=127.0.0.1 hostaddr=10.1.1.1",
                               "postgresql://u@[2001:db8::1]/d", "not a dsn = = ="}) {
        EXPECT_FALSE(dsn_is_local(remote)) << remote;
    }
}

TEST(Outcome, ValueOfATemporaryOwnsItsResultAndRethrowsItsError) {
    Result r = Outcome(Result{}).value();
    EXPECT_TRUE(r.empty());
    EXPECT_THROW(Outcome(std::make_exception_ptr(ResultError("x"))).value(), ResultError);
}

TEST(Result, RowsComeFromANamedResultAndRangeForOverATemporaryWorks) {
    Result empty;
    EXPECT_TRUE(empty.empty());
    EXPECT_FALSE(empty.maybe_one().has_value());
    EXPECT_THROW(empty.one(), ResultError);
    int rows = 0;
    for (auto row : Result{}) {  // the loop binds the temporary: begin()/end() see an lvalue
        (void)row;
        ++rows;
    }
    EXPECT_EQ(rows, 0);
}

TEST(Settings, ServerSettingsParse) {
    auto s = parse_server_settings("jit=on, timezone=UTC ,");
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[1].first, "timezone");
    EXPECT_EQ(s[1].second, "UTC");
    EXPECT_THROW(parse_server_settings("jit"), std::invalid_argument);
    EXPECT_THROW(parse_server_settings("a;drop=1"), std::invalid_argument);
    // Every connection fixes DateStyle (the timestamp codecs read ISO): naming it is an error.
    EXPECT_THROW(parse_server_settings("jit=on,DateStyle=SQL"), std::invalid_argument);
    EXPECT_THROW(parse_server_settings("datestyle=ISO"), std::invalid_argument);
    EXPECT_TRUE(same_setting("TimeZone", "timezone"));
    EXPECT_FALSE(same_setting("timezones", "timezone"));
    PoolSettings primary;
    EXPECT_EQ(primary.size, 20u);
    EXPECT_EQ(primary.max_overflow, 30u);
    EXPECT_EQ(primary.acquire_timeout, 30s);
    EXPECT_EQ(primary.max_lifetime, 3600s);
    EXPECT_TRUE(primary.pre_ping);
    auto bulk = PoolSettings::bulk();
    EXPECT_EQ(bulk.min_size, 10u);
    EXPECT_EQ(bulk.max_size(), 32u);
    ConnectionSettings c;
    EXPECT_EQ(c.statement_cache_size, 500u);
    EXPECT_EQ(c.command_timeout, 60s);
    EXPECT_EQ(c.connect_timeout, 10s);
    EXPECT_EQ(c.server_settings, "jit=on,timezone=UTC");
}

TEST(TextCodec, TimestampsAndArrays) {
    using namespace std::chrono;
    auto t = detail::parse_timestamptz("2024-02-29 13:14:15.5+02");
    EXPECT_EQ(t, sys_days{year{2024} / 2 / 29} + 11h + 14min + 15s + 500ms);
    EXPECT_EQ(detail::format_timestamptz(t), "2024-02-29 11:14:15.500000+00");
    EXPECT_EQ(detail::parse_timestamptz("2024-01-01T00:00:00Z"), sys_days{year{2024} / 1 / 1});
    EXPECT_EQ(detail::parse_timestamptz("2024-01-01 05:30:00+05:30"), sys_days{year{2024} / 1 / 1});
    EXPECT_THROW(detail::parse_timestamptz("yesterday"), ResultError);
    auto a = detail::parse_array(R"({a,"b c","q\"x",NULL,""})");
    ASSERT_EQ(a.size(), 5u);
    EXPECT_EQ(*a[2], "q\"x");
    EXPECT_FALSE(a[3].has_value());
    EXPECT_EQ(*a[4], "");
    EXPECT_TRUE(detail::parse_array("{}").empty());
    EXPECT_EQ(detail::format_array({"a", std::nullopt, "b\"c"}), R"({"a",NULL,"b\"c"})");
    EXPECT_THROW(detail::parse_array("{a"), ResultError);
}

TEST(StatementCache, LruEvictsAndQueuesDeallocation) {
    detail::StatementCache c(2);
    auto a = std::string(c.insert("A"));
    c.insert("B");
    EXPECT_TRUE(c.find("A"));  // A most recent
    c.insert("C");             // evicts B
    EXPECT_FALSE(c.find("B"));
    EXPECT_EQ(c.evicted().size(), 1u);
    EXPECT_EQ(*c.find("A"), a);
    c.erase("A", true);
    EXPECT_EQ(c.evicted().size(), 2u);
    EXPECT_EQ(c.size(), 1u);
}

TEST(Histogram, BucketsAndQuantiles) {
    Histogram h;
    for (int i = 0; i < 90; ++i) h.record(80us);
    for (int i = 0; i < 10; ++i) h.record(3ms);
    EXPECT_EQ(h.count(), 100u);
    EXPECT_EQ(h.quantile_upper_bound_us(0.5), 100);
    EXPECT_EQ(h.quantile_upper_bound_us(0.99), 5000);
    h.record(100s);
    EXPECT_EQ(h.bucket(Histogram::kBuckets - 1), 1u);
}

TEST(Errors, EvictingSqlstates) {
    EXPECT_TRUE(evicts_connection("08006"));
    EXPECT_TRUE(evicts_connection("57P01"));
    EXPECT_TRUE(evicts_connection("25006"));
    EXPECT_FALSE(evicts_connection("23505"));
    EXPECT_FALSE(evicts_connection("57014"));
}

TEST(Types, ParamsAndCopyRows) {
    Params p(1, std::string("x"), std::optional<int>{}, true, std::int64_t{-5});
    ASSERT_EQ(p.size(), 5u);
    EXPECT_EQ(*p.values()[0], "1");
    EXPECT_FALSE(p.values()[2].has_value());
    EXPECT_EQ(*p.values()[3], "true");
    std::string buf;
    append_copy_row(buf, Params("a\tb", std::optional<std::string>{}, "c\\d\n"));
    EXPECT_EQ(buf, "a\\tb\t\\N\tc\\\\d\\n\n");
    EXPECT_EQ(decode<std::optional<int>>(std::nullopt, "c"), std::nullopt);
    EXPECT_THROW(decode<int>(std::optional<std::string_view>("12x"), "c"), ResultError);
}

}  // namespace
}  // namespace shipd::pg
