// GET /v1/analytics/* query parameters and the analytics JSON writers.
#include "domain/analytics.hpp"
#include "domain/analytics_query.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace shipd::domain {
namespace {

using namespace std::chrono;

sys_days day(int y, unsigned m, unsigned d) { return sys_days(year_month_day(year(y), month(m), std::chrono::day(d))); }

std::vector<std::string> fields(const std::vector<Problem>& problems) {
    std::vector<std::string> out;
    for (const auto& p : problems) out.push_back(p.field + ": " + p.message);
    return out;
}

TEST(AnalyticsDates, ParseAndFormat) {
    EXPECT_EQ(parse_date("2026-11-28"), day(2026, 11, 28));
    EXPECT_EQ(parse_date("2024-02-29"), day(2024, 2, 29));
    EXPECT_EQ(parse_date("0001-01-01"), day(1, 1, 1));
    for (const char* bad : {"2026-02-29", "2026-13-01", "2026-00-10", "2026-11-31", "0000-01-01", "2026-1-01",
                            "2026-11-28T00:00:00Z", "20261128", "2026/11/28", "", "２０２６-11-28", "2026-11-2x"}) {
        EXPECT_EQ(parse_date(bad), std::nullopt) << bad;
    }
    EXPECT_EQ(format_date(day(2026, 3, 7)), "2026-03-07");
    EXPECT_EQ(format_date(day(1, 1, 1)), "0001-01-01");
}

TEST(DailyVolumeQuery, DefaultsToTheLast30DaysUpToToday) {
    auto today = day(2026, 3, 1);
    auto none = parse_daily_volume_query("", today);
    ASSERT_TRUE(none.ok());
    EXPECT_EQ(none.value->end_date, today);
    EXPECT_EQ(none.value->start_date, day(2026, 1, 31));  // 30 days, both ends included
    EXPECT_FALSE(none.value->carrier);

    auto only_end = parse_daily_volume_query("end_date=2025-12-31", today);
    ASSERT_TRUE(only_end.ok());
    EXPECT_EQ(only_end.value->start_date, day(2025, 12, 2));
    auto only_start = parse_daily_volume_query("start_date=2026-02-27&carrier=U%53PS", today);
    ASSERT_TRUE(only_start.ok());
    EXPECT_EQ(only_start.value->start_date, day(2026, 2, 27));
    EXPECT_EQ(only_start.value->end_date, today);
    EXPECT_EQ(only_start.value->carrier, "USPS");
    // One day, and the longest range allowed; empty values count as absent.
    auto one = parse_daily_volume_query("start_date=2026-02-01&end_date=2026-02-01&carrier=", today);
    ASSERT_TRUE(one.ok());
    EXPECT_EQ(one.value->start_date, one.value->end_date);
    EXPECT_TRUE(parse_daily_volume_query("start_date=2024-01-01&end_date=2024-12-31", today).ok());  // 366 days
}

TEST(DailyVolumeQuery, BadParametersAre400sNamingEachOne) {
    auto today = day(2026, 3, 1);
    auto bad = parse_daily_volume_query("start_date=2026-02-30&end_date=yesterday&carrier=" + std::string(51, 'x'), today);
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.failure, Failure::kBadRequest);
    EXPECT_EQ(bad.code(), "BAD_REQUEST");
    EXPECT_EQ(fields(bad.problems), (std::vector<std::string>{
                                        "start_date: must be a date as YYYY-MM-DD (2026-11-28)",
                                        "end_date: must be a date as YYYY-MM-DD (2026-11-28)",
                                        "carrier: must be at most 50 characters",
                                    }));
    EXPECT_EQ(bad.message, "3 query parameters are invalid");

    auto backwards = parse_daily_volume_query("start_date=2026-02-02&end_date=2026-02-01", today);
    EXPECT_EQ(fields(backwards.problems), std::vector<std::string>{"start_date: must not be after end_date"});
    EXPECT_EQ(backwards.message, "start_date must not be after end_date");
    auto future = parse_daily_volume_query("start_date=2026-03-02", today);
    EXPECT_EQ(fields(future.problems), std::vector<std::string>{"start_date: must not be after end_date"});
    auto too_long = parse_daily_volume_query("start_date=2023-12-31&end_date=2024-12-31", today);  // 367 days
    EXPECT_EQ(fields(too_long.problems),
              std::vector<std::string>{"start_date: must be at most 366 days before end_date (both included)"});
    auto twice = parse_daily_volume_query("carrier=UPS&carrier=USPS", today);
    EXPECT_EQ(fields(twice.problems), std::vector<std::string>{"carrier: is given more than once"});
    auto control = parse_daily_volume_query("carrier=U%0APS", today);
    EXPECT_EQ(fields(control.problems), std::vector<std::string>{"carrier: must not contain control characters"});
    auto encoding = parse_daily_volume_query("end_date=%FF", today);
    EXPECT_EQ(fields(encoding.problems), std::vector<std::string>{"end_date: is not properly percent-encoded UTF-8"});
}

TEST(CarrierQuery, CarrierOnly) {
    auto parsed = parse_carrier_query("carrier=FedEx&start_date=whatever");
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed.value->carrier, "FedEx");
    EXPECT_FALSE(parse_carrier_query("").value->carrier);
    EXPECT_EQ(fields(parse_carrier_query("carrier=" + std::string(51, 'x')).problems),
              std::vector<std::string>{"carrier: must be at most 50 characters"});
}

TEST(AnalyticsJson, DailyVolume) {
    std::string out;
    std::vector<DailyVolumeRow> rows{{"2026-11-27", "UPS", "delivered", 3}, {"2026-11-28", "unassigned", "unknown", 12}};
    write_daily_volume(out, "2026-11-28T09:00:00.000000Z", "2026-11-27", "2026-11-28", std::nullopt, rows);
    EXPECT_EQ(out,
              R"({"refreshed_at":"2026-11-28T09:00:00.000000Z","start_date":"2026-11-27","end_date":"2026-11-28","carrier":null,)"
              R"("daily_volume":[{"date":"2026-11-27","carrier":"UPS","status":"delivered","shipments":3},)"
              R"({"date":"2026-11-28","carrier":"unassigned","status":"unknown","shipments":12}]})");
    out.clear();
    write_daily_volume(out, "", "2026-11-27", "2026-11-28", std::string("Q\"x"), {});
    EXPECT_EQ(out, R"({"refreshed_at":null,"start_date":"2026-11-27","end_date":"2026-11-28","carrier":"Q\"x","daily_volume":[]})");
}

TEST(AnalyticsJson, CarrierPerformanceCostsAndRefresh) {
    std::string out;
    std::vector<CarrierPerformanceRow> perf{{"UPS", "Ground", 4, 2, 2.5, 2.9}, {"USPS", "Priority", 1, 0, std::nullopt, std::nullopt}};
    write_carrier_performance(out, "2026-11-28T09:00:00.000000Z", perf);
    EXPECT_EQ(out, R"({"refreshed_at":"2026-11-28T09:00:00.000000Z","carrier_performance":[)"
                   R"({"carrier":"UPS","service":"Ground","shipments":4,"delivered":2,"mean_transit_days":2.5,"p90_transit_days":2.9},)"
                   R"({"carrier":"USPS","service":"Priority","shipments":1,"delivered":0,"mean_transit_days":null,"p90_transit_days":null}]})");
    out.clear();
    std::vector<CostRow> costs{{"UPS", "Ground", "USD", 2, "21.00", "10.50"}};
    write_costs(out, "2026-11-28T09:00:00.000000Z", costs);
    EXPECT_EQ(out, R"({"refreshed_at":"2026-11-28T09:00:00.000000Z","costs":[)"
                   R"({"carrier":"UPS","service":"Ground","currency":"USD","count":2,"total":"21.00","mean_rate":"10.50"}]})");
    out.clear();
    AnalyticsRefresh refresh{"2026-11-28T09:00:00.000000Z", 7, {{"analytics_costs", "2026-11-28T09:00:00.000000Z", 7}}};
    write_analytics_refresh(out, refresh);
    EXPECT_EQ(out, R"({"refreshed_at":"2026-11-28T09:00:00.000000Z","duration_ms":7,"views":[)"
                   R"({"view":"analytics_costs","refreshed_at":"2026-11-28T09:00:00.000000Z","duration_ms":7}]})");
    EXPECT_NO_THROW(boost::json::parse(out));
}

}  // namespace
}  // namespace shipd::domain
