// The stored rates' JSON: what rates_to_json writes, rates_from_json reads back exactly, at any
// size (the parse buffer on the stack spills to the heap past 4 KiB); anything else is a
// pg::ResultError naming the problem.
#include <gtest/gtest.h>

#include "pg/errors.hpp"
#include "store/detail/codec.hpp"

namespace shipd::store::detail {
namespace {

domain::Rate rate(int i) {
    domain::Rate r;
    r.id = "rate_" + std::string(32, static_cast<char>('a' + i % 26));
    r.carrier = i % 2 ? "UPS" : "USPS \"Ground\" \\ é";
    r.service = "Priority";
    r.rate = std::to_string(i) + ".25";
    r.currency = "USD";
    if (i % 3) r.delivery_days = i;
    if (i % 4) r.est_delivery_date = "2026-12-0" + std::to_string(1 + i % 9);
    return r;
}

void expect_same(const std::vector<domain::Rate>& got, const std::vector<domain::Rate>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(got[i].id, want[i].id) << i;
        EXPECT_EQ(got[i].carrier, want[i].carrier) << i;
        EXPECT_EQ(got[i].service, want[i].service) << i;
        EXPECT_EQ(got[i].rate, want[i].rate) << i;
        EXPECT_EQ(got[i].currency, want[i].currency) << i;
        EXPECT_EQ(got[i].delivery_days, want[i].delivery_days) << i;
        EXPECT_EQ(got[i].est_delivery_date, want[i].est_delivery_date) << i;
    }
}

TEST(RatesCodec, ReadsBackWhatItWrote) {
    std::vector<domain::Rate> rates{rate(1), rate(2), rate(3)};
    expect_same(rates_from_json(rates_to_json(rates)), rates);
    expect_same({rate_from_json(rate_to_json(rate(4)))}, {rate(4)});
    expect_same(rates_from_json("[]"), {});
}

TEST(RatesCodec, RatesLargerThanTheParseBufferAreReadWhole) {
    std::vector<domain::Rate> rates;
    for (int i = 0; i < 400; ++i) rates.push_back(rate(i));
    const std::string text = rates_to_json(rates);
    ASSERT_GT(text.size(), 16u * 4096);
    expect_same(rates_from_json(text), rates);
}

TEST(RatesCodec, MalformedRatesNameTheProblem) {
    auto message = [](auto&& read) -> std::string {
        try {
            read();
        } catch (const pg::ResultError& e) {
            return e.what();
        }
        return "<no error>";
    };
    EXPECT_NE(message([] { rates_from_json("[{\"id\": "); }).find("not JSON"), std::string::npos);
    EXPECT_NE(message([] { rates_from_json("{}"); }).find("not an array"), std::string::npos);
    EXPECT_NE(message([] { rates_from_json("[1]"); }).find("not an object"), std::string::npos);
    EXPECT_NE(message([] { rate_from_json("{\"id\": 5}"); }).find("id"), std::string::npos);
    EXPECT_NE(message([] { rate_from_json(std::string(100000, '[')); }).find("not JSON"), std::string::npos);
}

}  // namespace
}  // namespace shipd::store::detail
