// The capacity arithmetic on its own: the review's table, the verdicts, enforce's shrinking.
#include <gtest/gtest.h>

#include <cctype>

#include "pg/capacity.hpp"

namespace shipd::pg::capacity {
namespace {

// The seed's pools: SQLAlchemy 20 + 30, asyncpg 32 (on one loop).
Plan seed_plan(int loops = 1, int instances = 1) {
    Plan p;
    p.pools = {{"primary", 20, 30}, {"bulk", 10, 22}};
    p.loops = loops;
    p.instances = instances;
    return p;
}

TEST(Capacity, ReviewTableFiguresOnTheDefaultServer) {
    // The review: 82 of 100, "18 %" (it forgot the 3 reserved connections).
    ServerFigures server{100, 3, 0};
    Budget b = assess(seed_plan(), server);
    EXPECT_EQ(b.planned, 82);
    EXPECT_EQ(b.available, 97);
    EXPECT_EQ(b.margin, 15);
    EXPECT_NEAR(b.margin_percent, 15.46, 0.01);
    EXPECT_EQ(b.verdict, Verdict::kLowMargin);
    EXPECT_STREQ(verdict_name(b.verdict), "warn");
}

TEST(Capacity, LoopsAndInstancesMultiplyThePools) {
    Plan p = seed_plan(2, 3);
    EXPECT_EQ(p.per_loop(), 82);
    EXPECT_EQ(p.per_process(), 164);
    EXPECT_EQ(p.total(), 492);
    Budget b = assess(p, {500, 3, 5});
    EXPECT_EQ(b.available, 492);
    EXPECT_EQ(b.margin, 0);
    EXPECT_EQ(b.verdict, Verdict::kLowMargin);  // exactly full still fits, barely
    EXPECT_EQ(assess(p, {500, 3, 6}).verdict, Verdict::kExceeds);
    EXPECT_EQ(assess(p, {1000, 3, 0}).verdict, Verdict::kOk);
}

TEST(Capacity, NothingAvailableIsMinusOneHundredPercent) {
    Budget b = assess(seed_plan(), {20, 3, 30});
    EXPECT_EQ(b.available, -13);
    EXPECT_EQ(b.margin_percent, -100.0);
    EXPECT_EQ(b.verdict, Verdict::kExceeds);
}

TEST(Capacity, SessionsOutsideThePoolsCountOncePerProcess) {
    Plan p = seed_plan(2, 3);
    p.sessions = 1;  // serve's leader election
    EXPECT_EQ(p.per_process(), 165);
    EXPECT_EQ(p.total(), 495);
    EXPECT_EQ(assess(p, {500, 3, 2}).verdict, Verdict::kLowMargin);
    EXPECT_EQ(assess(p, {500, 3, 3}).verdict, Verdict::kExceeds);  // would fit without the sessions
    bool row = false;
    for (const auto& line : table(p, {500, 3, 0})) {
        if (line.find("leader election") != std::string::npos && line.find(" 3 ") != std::string::npos) row = true;
    }
    EXPECT_TRUE(row);
    // enforce keeps them out of what the pools may have: 17 available, 4 kept, 1 session → 12.
    p = seed_plan(2);
    p.sessions = 1;
    Fit f = fit(p, {20, 3, 0});
    EXPECT_EQ(f.loop_budget, 6);
    EXPECT_LE(f.plan.total() + 4, 17);
}

TEST(Capacity, FitLeavesAFittingPlanAlone) {
    Fit f = fit(seed_plan(), {200, 3, 0});
    EXPECT_FALSE(f.changed);
    EXPECT_TRUE(f.fits);
    EXPECT_TRUE(f.changes.empty());
    EXPECT_EQ(f.plan.per_loop(), 82);
}

TEST(Capacity, FitShrinksPrimaryFirstOverflowBeforeSizeAndKeepsTheMargin) {
    // max_connections 20: 17 available, 20 % kept (4) → 13 for 2 loops → 6 a loop.
    ServerFigures server{20, 3, 0};
    Fit f = fit(seed_plan(2), server);
    EXPECT_TRUE(f.changed);
    EXPECT_TRUE(f.fits);
    EXPECT_EQ(f.loop_budget, 6);
    ASSERT_EQ(f.plan.pools.size(), 2u);
    EXPECT_EQ(f.plan.pools[0].size, 5u);  // the primary gets all but one
    EXPECT_EQ(f.plan.pools[0].max_overflow, 0u);
    EXPECT_EQ(f.plan.pools[1].max(), 1u);  // the bulk pool keeps one
    EXPECT_EQ(f.plan.loops, 2);
    EXPECT_EQ(assess(f.plan, server).verdict, Verdict::kOk);
    ASSERT_EQ(f.changes.size(), 2u);
    EXPECT_EQ(f.changes[0], "primary 50 → 5 a loop (size 20 → 5, overflow 30 → 0)");
    EXPECT_EQ(f.changes[1], "bulk 32 → 1 a loop (size 10 → 1, overflow 22 → 0)");
}

TEST(Capacity, FitGivesTheBulkPoolWhatThePrimaryLeaves) {
    // 200 - 3 - 0 = 197, keep 40 → 157 a loop: primary keeps 50, bulk gets 32 → unchanged;
    // with 2 instances: 78 a loop → primary 50 (size 20, overflow 30), bulk 28.
    Fit f = fit(seed_plan(1, 2), {200, 3, 0});
    EXPECT_EQ(f.loop_budget, 78);
    EXPECT_EQ(f.plan.pools[0].max(), 50u);
    EXPECT_EQ(f.plan.pools[0].size, 20u);
    EXPECT_EQ(f.plan.pools[1].max(), 28u);
    EXPECT_EQ(f.plan.pools[1].size, 10u);
    EXPECT_EQ(f.plan.pools[1].max_overflow, 18u);
    ASSERT_EQ(f.changes.size(), 1u);  // the primary did not change
    EXPECT_LE(f.plan.total(), 157);
}

TEST(Capacity, FitNeverGoesBelowOneAndSaysItDoesNotFit) {
    Fit f = fit(seed_plan(4), {10, 3, 5});  // 2 available, 4 loops
    EXPECT_FALSE(f.fits);
    EXPECT_EQ(f.loop_budget, 0);
    EXPECT_EQ(f.plan.pools[0].max(), 1u);
    EXPECT_EQ(f.plan.pools[1].max(), 1u);
    EXPECT_EQ(assess(f.plan, {10, 3, 5}).verdict, Verdict::kExceeds);
}

TEST(Capacity, TableIsAlignedAndNamesEveryFigure) {
    auto lines = table(seed_plan(2), {100, 3, 4});
    ASSERT_EQ(lines.size(), 10u);
    EXPECT_EQ(lines[0], "pool primary             100   (20 + 30 overflow) a loop × 2 loops × 1 instance");
    EXPECT_EQ(lines[1], "pool bulk                 64   (10 + 22 overflow) a loop × 2 loops × 1 instance");
    EXPECT_EQ(lines[3], "shipd at most            164");
    EXPECT_EQ(lines[4], "max_connections          100");
    EXPECT_EQ(lines[5], "reserved for superusers   -3   superuser_reserved_connections");
    EXPECT_EQ(lines[6], "others connected now      -4   sessions not from shipd's pools");
    EXPECT_EQ(lines[7], "available to shipd        93");
    EXPECT_EQ(lines[9], "margin                   -71   -76.3 % of available (warn below 20.0 %)");
    // Every number ends in the same column; the rules are as wide as label and number.
    const std::size_t end = lines[3].size();
    for (int i : {0, 1, 3, 4, 5, 6, 7, 9}) {
        EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(lines[i][end - 1]))) << lines[i];
        EXPECT_TRUE(lines[i].size() == end || lines[i][end] == ' ') << lines[i];
    }
    EXPECT_EQ(lines[2], lines[8]);
    EXPECT_EQ(lines[2].size(), end * std::string("─").size());
}

TEST(Capacity, VerdictLinesSayWhatToDo) {
    EXPECT_EQ(verdict_line(seed_plan(), {200, 3, 0}).rfind("ok: shipd may open 82 of the 197 connections available", 0), 0u);
    std::string warn = verdict_line(seed_plan(), {100, 3, 0});
    EXPECT_EQ(warn.rfind("WARN: ", 0), 0u) << warn;
    EXPECT_NE(warn.find("raise max_connections"), std::string::npos);
    std::string fail = verdict_line(seed_plan(), {20, 3, 0});
    EXPECT_EQ(fail.rfind("FAIL: shipd may open 82 of the 17 connections available", 0), 0u) << fail;
    EXPECT_NE(fail.find("65 too many"), std::string::npos);
    EXPECT_NE(fail.find("SHIPD_CAPACITY_POLICY=enforce"), std::string::npos);
}

TEST(Capacity, PoolSettingsRoundTrip) {
    PoolSettings s = PoolSettings::bulk();
    s.min_size = 10;
    s.size = 10;
    s.max_overflow = 22;
    PoolPlan p = pool_plan(s);
    EXPECT_EQ(p.max(), 32u);
    p.size = 3;
    p.max_overflow = 1;
    apply(p, s);
    EXPECT_EQ(s.size, 3u);
    EXPECT_EQ(s.max_overflow, 1u);
    EXPECT_EQ(s.min_size, 3u);  // min_size never above size
}

}  // namespace
}  // namespace shipd::pg::capacity
