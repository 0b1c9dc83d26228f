// Timestamps of the hot select lists, sent as timestamptz and rewritten in C++:
// - utc_timestamp against PostgreSQL itself: for timestamps across the calendar, in session
//   time zones east and west of UTC (half hours, LMT offsets with seconds), the rewrite of
//   x::text is byte for byte the to_char() the select lists used before (NULL ↔ nullopt for
//   infinity);
// - the stores against a database whose DateStyle is 'SQL, DMY' and whose TimeZone is not UTC
//   (ALTER DATABASE ... SET, and no timezone in the server settings): every timestamp create,
//   get, list, events and batch-track answer is the to_char() of the stored value.
#include <gtest/gtest.h>

#include "store/detail/timestamp.hpp"
#include "store/events_store.hpp"
#include "store/shipments_store.hpp"
#include "store/tests/store_test_util.hpp"
#include "support/pg_harness.hpp"

namespace shipd::store {
namespace {

using namespace testing;
using domain::Status;

TEST(UtcTimestampPg, MatchesToCharInEveryTimeZone) {
    auto db = shipd::testing::fresh_database();
    const std::string values =
        "SELECT x FROM (VALUES (timestamptz '2026-11-28 09:03:13.188123+00'),"
        " ('2026-11-28 09:03:13.18812+00'), ('2026-11-28 09:03:13+00'), ('2024-02-29 23:59:59.999999+00'),"
        " ('2000-01-01 00:00:00+00'), ('1900-01-01 00:00:00+00'), ('0999-06-01 12:00:00.5+00'),"
        " ('0044-03-15 12:00:00+00 BC'), ('0001-01-01 00:00:00+00'), ('12345-06-07 08:09:10.1+00'),"
        " ('infinity'), ('-infinity')) v(x)"
        " UNION ALL SELECT timestamptz '1970-01-01 00:00:00+00' + (random() * 4e9 - 1e9) * interval '1 second'"
        " FROM generate_series(1, 300)";
    for (std::string zone : {"UTC", "Asia/Kolkata", "America/New_York", "Pacific/Chatham",
                             "Europe/Amsterdam", "America/St_Johns", "Asia/Kathmandu"}) {
        auto rows = shipd::testing::sql(
            db, "SET DateStyle = 'ISO, YMD'; SET timezone = '" + zone +
                    "'; SELECT x::text || '|' || coalesce(to_char(x AT TIME ZONE 'UTC',"
                    " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), '<null>') FROM (" + values + ") t");
        ASSERT_EQ(rows.size(), 312u) << zone;
        for (const auto& row : rows) {
            auto bar = row.find('|');
            auto got = detail::utc_timestamp(std::string_view(row).substr(0, bar));
            EXPECT_EQ(got.value_or("<null>"), row.substr(bar + 1)) << zone << ": " << row;
        }
    }
}

// The database (and so every new session) prints dates as "28/11/2026 09:03:13.18812 IST"
// unless shipd sets DateStyle itself.
class ForeignDateStyleTest : public StoreTest {
protected:
    void SetUp() override {
        db_ = shipd::testing::fresh_database(template_database());
        shipd::testing::sql("postgres", "ALTER DATABASE \"" + db_ + "\" SET DateStyle = 'SQL, DMY'");
        shipd::testing::sql("postgres", "ALTER DATABASE \"" + db_ + "\" SET TimeZone = 'Asia/Kolkata'");
        ASSERT_EQ(sql_value("SELECT timestamptz '2026-11-28 03:33:13.5+00'::text"), "28/11/2026 09:03:13.5 IST");
        pg::PoolSettings settings;
        settings.name = "test";
        settings.size = 2;
        settings.max_overflow = 0;
        auto connection = pg::testing::settings_for(db_);
        connection.server_settings = "jit=off";  // no timezone: the database's would apply
        pool_ = pg::Pool::create(io_.get_executor(), connection, settings);
        run(pool_->start());
    }

    // The to_char() of a stored timestamp, which the select lists used to send.
    std::string to_char(const std::string& expression) {
        return sql_value("SELECT to_char((" + expression + ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
    }
};

TEST_F(ForeignDateStyleTest, EveryHotReadAnswersWhatToCharMade) {
    auto created = run(create_shipment(*pool_, sample_shipment("ds")));
    const std::string where = " FROM shipments WHERE id = '" + created.id + "'";
    EXPECT_EQ(created.created_at, to_char("SELECT created_at" + where));
    EXPECT_EQ(created.from_address.created_at, to_char("SELECT created_at FROM addresses WHERE id = '" +
                                                       created.from_address.id + "'"));

    // Distinct fractions (trailing zeros trimmed by PostgreSQL's text), one before 1970.
    auto events = run(append_events(*pool_, created.id,
                                    {event(Status::kPreTransit, "1969-07-20T20:17:40Z"),
                                     event(Status::kInTransit, "2026-03-01T09:00:00.5Z"),
                                     event(Status::kDelivered, "2026-12-31T23:59:59.999999Z")}));
    ASSERT_TRUE(events);
    ASSERT_EQ(events->size(), 3u);
    EXPECT_EQ((*events)[0].occurred_at, "1969-07-20T20:17:40.000000Z");
    EXPECT_EQ((*events)[1].occurred_at, "2026-03-01T09:00:00.500000Z");
    EXPECT_EQ((*events)[2].occurred_at, "2026-12-31T23:59:59.999999Z");
    auto listed_events = run(list_events(*pool_, created.id));
    ASSERT_TRUE(listed_events);
    ASSERT_EQ(listed_events->size(), 3u);
    for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ((*listed_events)[i].occurred_at, (*events)[i].occurred_at);

    auto got = run(get_shipment(*pool_, created.id));
    ASSERT_TRUE(got);
    EXPECT_EQ(got->created_at, created.created_at);
    EXPECT_EQ(got->updated_at, to_char("SELECT updated_at" + where));
    EXPECT_EQ(got->to_address.updated_at,
              to_char("SELECT updated_at FROM addresses WHERE id = '" + created.to_address.id + "'"));

    auto page = run(list_shipments(*pool_, ListFilter{}));
    ASSERT_EQ(page.shipments.size(), 1u);
    expect_identical(page.shipments[0], *got);

    sql("UPDATE shipments SET tracking_code = 'DS1' WHERE id = '" + created.id + "'");
    std::vector<std::string> codes{"DS1"};
    auto tracked = run(batch_track(*pool_, codes));
    ASSERT_EQ(tracked.results.size(), 1u);
    ASSERT_TRUE(tracked.results[0].last_event);
    EXPECT_EQ(tracked.results[0].last_event->occurred_at, "2026-12-31T23:59:59.999999Z");
}

TEST_F(ForeignDateStyleTest, SessionsAreIsoAndUtcWhateverTheDatabaseSays) {
    auto settings = run([&]() -> asio::awaitable<std::string> {
        auto r = co_await pool_->execute("SELECT current_setting('DateStyle') || ' ' || current_setting('TimeZone')");
        co_return r.one()[0].as<std::string>();
    }());
    EXPECT_EQ(settings, "ISO, YMD UTC");
}

}  // namespace
}  // namespace shipd::store
