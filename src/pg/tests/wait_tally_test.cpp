// wait_tally without a database: arming, taking, generations of closed tallies.
#include "pg/wait_tally.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace shipd::pg::wait_tally {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(WaitTally, AnArmedScopeAddsToItsTallyAndDisarms) {
    Token t = open();
    ASSERT_NE(t, 0u);
    arm(t);
    { Scope s(Clock::now() - 5ms); }
    { Scope unarmed(Clock::now() - 50ms); }  // taking disarmed it: this one is nobody's
    EXPECT_GE(close(t), 5ms);
    EXPECT_LT(close(t), 1us) << "a closed token is dead";
}

TEST(WaitTally, AScopeOutlivingItsTallyWritesNothing) {
    Token t = open();
    arm(t);
    auto* s = new Scope(Clock::now() - 10ms);  // an acquire still waiting...
    EXPECT_EQ(close(t), 0us);                  // ...when its request ends
    Token reused = open();                     // the same slot, a new generation
    EXPECT_NE(reused, t);
    delete s;
    EXPECT_EQ(close(reused), 0us);
}

TEST(WaitTally, ClosingAnArmedTallyDisarmsIt) {
    Token t = open();
    arm(t);
    close(t);
    Token other = open();
    { Scope s(Clock::now() - 5ms); }
    EXPECT_EQ(close(other), 0us);
}

TEST(WaitTally, TalliesArePerThread) {
    Token t = open();
    arm(t);
    std::thread([t] {
        { Scope s(Clock::now() - 5ms); }  // this thread has nothing armed
        EXPECT_EQ(close(t), 0us);         // and no such tally
    }).join();
    { Scope s(Clock::now() - 1ms); }
    EXPECT_GE(close(t), 1ms);
}

TEST(WaitTally, ZeroIsNone) {
    arm(0);
    { Scope s(Clock::now() - 1ms); }
    EXPECT_EQ(close(0), 0us);
}

}  // namespace
}  // namespace shipd::pg::wait_tally
