// domain/civil.hpp against std::chrono's calendar, over both eras and the years PostgreSQL
// stores (4713 BC to beyond 9999).
#include <gtest/gtest.h>

#include <chrono>

#include "domain/civil.hpp"

namespace shipd::domain {
namespace {

static_assert(days_from_civil(1970, 1, 1) == 0);
static_assert(days_from_civil(2000, 3, 1) == 11017);
static_assert(civil_from_days(-1).year == 1969 && civil_from_days(-1).month == 12);
static_assert(floor_days(-1) == -1 && floor_days(86399) == 0 && floor_days(-86400) == -1);

TEST(Civil, AgreesWithChronoBothWays) {
    using namespace std::chrono;
    // Every 7th day from 4714 BC (astronomical -4713) to 32000 AD, and every day around 1970.
    const auto first = sys_days{year{-4713} / 1 / 1}.time_since_epoch().count();
    const auto last = sys_days{year{32000} / 12 / 31}.time_since_epoch().count();
    auto check = [](std::int64_t n) {
        year_month_day ymd{sys_days{days{n}}};
        CivilDate c = civil_from_days(n);
        ASSERT_EQ(c.year, static_cast<int>(ymd.year())) << n;
        ASSERT_EQ(c.month, static_cast<unsigned>(ymd.month())) << n;
        ASSERT_EQ(c.day, static_cast<unsigned>(ymd.day())) << n;
        ASSERT_EQ(days_from_civil(c.year, c.month, c.day), n);
    };
    for (std::int64_t n = first; n <= last; n += 7) check(n);
    for (std::int64_t n = -1000; n <= 1000; ++n) check(n);
}

TEST(Civil, FloorDaysRoundsTowardsThePast) {
    EXPECT_EQ(floor_days(0), 0);
    EXPECT_EQ(floor_days(86400), 1);
    EXPECT_EQ(floor_days(-86401), -2);
}

}  // namespace
}  // namespace shipd::domain
