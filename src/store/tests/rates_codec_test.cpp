// The stored rates' JSON: what rates_to_json writes, rates_from_json reads back exactly, at any
// size; anything else is a pg::ResultError naming the problem. The reader (a SAX handler,
// detail/rates_reader.cpp) answers as the DOM reader it replaced, kept here as the reference,
// for every document of a list of shapes, members and types.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

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

// The DOM reader of sessions 4-5, verbatim in its rules: the specification of rates_from_json.
namespace reference {

namespace json = boost::json;

[[noreturn]] void bad_rate(std::string_view why) {
    throw pg::ResultError("stored rate is malformed: " + std::string(why));
}

std::string string_member(const json::object& o, std::string_view key) {
    auto* v = o.if_contains(key);
    if (!v || !v->is_string()) bad_rate(key);
    return std::string(v->get_string());
}

domain::Rate rate_from_value(const json::value& v) {
    auto* o = v.if_object();
    if (!o) bad_rate("not an object");
    domain::Rate r;
    r.id = string_member(*o, "id");
    r.carrier = string_member(*o, "carrier");
    r.service = string_member(*o, "service");
    r.rate = string_member(*o, "rate");
    r.currency = string_member(*o, "currency");
    if (auto* d = o->if_contains("delivery_days"); d && !d->is_null()) {
        if (!d->is_int64()) bad_rate("delivery_days");
        r.delivery_days = static_cast<int>(d->get_int64());
    }
    if (auto* d = o->if_contains("est_delivery_date"); d && !d->is_null()) {
        if (!d->is_string()) bad_rate("est_delivery_date");
        r.est_delivery_date = std::string(d->get_string());
    }
    return r;
}

json::value parse(std::string_view text) {
    boost::system::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec) bad_rate("not JSON");
    return v;
}

std::vector<domain::Rate> rates_from_json(std::string_view text) {
    json::value v = parse(text);
    auto* a = v.if_array();
    if (!a) bad_rate("rates are not an array");
    std::vector<domain::Rate> out;
    for (const auto& item : *a) out.push_back(rate_from_value(item));
    return out;
}

std::vector<domain::Rate> rate_from_json(std::string_view text) { return {rate_from_value(parse(text))}; }

}  // namespace reference

// What a reader made of `text`: its rates, or its error's message.
template <class Read>
std::string outcome(Read&& read) {
    try {
        std::string out;
        for (const auto& r : read()) {
            out += r.id + "|" + r.carrier + "|" + r.service + "|" + r.rate + "|" + r.currency + "|" +
                   (r.delivery_days ? std::to_string(*r.delivery_days) : "-") + "|" +
                   r.est_delivery_date.value_or("-") + ";";
        }
        return out;
    } catch (const pg::ResultError& e) {
        return std::string("error: ") + e.what();
    }
}

TEST(RatesCodec, TheReaderAnswersAsTheDomReaderForEveryShape) {
    const std::string good = R"("id":"rate_1","carrier":"UPS","service":"Ground","rate":"7.58","currency":"USD")";
    std::vector<std::string> members = {
        good,
        good + R"(,"delivery_days":3,"est_delivery_date":"2026-12-01")",
        good + R"(,"delivery_days":null,"est_delivery_date":null)",
        good + R"(,"delivery_days":-2)",
        good + R"(,"delivery_days":3.0)",
        good + R"(,"delivery_days":18446744073709551615)",
        good + R"(,"delivery_days":"3")",
        good + R"(,"delivery_days":true)",
        good + R"(,"delivery_days":[3])",
        good + R"(,"delivery_days":{"n":3})",
        good + R"(,"est_delivery_date":5)",
        good + R"(,"est_delivery_date":{"d":"x"})",
        good + R"(,"extra":{"id":5,"nested":[1,{"carrier":null}]},"more":[[],{}],"x":null)",
        good + R"(,"id":"rate_2")",
        good + R"(,"id":5)",
        R"("id":5,)" + good,
        R"("carrier":"UPS","service":"Ground","rate":"7.58","currency":"USD")",
        R"("id":"r","service":"Ground","rate":"7.58","currency":"USD")",
        R"("id":"r","carrier":"UPS","service":"Ground","rate":"7.58")",
        R"("id":null,"carrier":"UPS","service":"Ground","rate":"7.58","currency":"USD")",
        R"("id":"r","carrier":"UPS","service":"Ground","rate":7.58,"currency":"USD")",
        R"("id":"r","carrier":["UPS"],"service":"Ground","rate":"7.58","currency":"USD")",
        R"("currency":"EUR","rate":"1","service":"s","carrier":"c","id":"é"\
")",
        R"("id":"rate_)" + std::string(5000, 'x') + R"(","carrier":"UPS","service":"G","rate":"1","currency":"USD")",
        R"("id":"r","carrier":"UPS","service":"G","rate":"1","currency":"USD","delivery_days":2,"delivery_days":null)",
        "",
    };
    std::vector<std::string> documents;
    for (const auto& m : members) {
        documents.push_back("{" + m + "}");
        documents.push_back("[{" + m + "}]");
        documents.push_back("[{" + good + "},{" + m + "}]");
    }
    for (const std::string& other : std::vector<std::string>{"[]", "{}", "[1]", "[\"x\"]", "[null]", "[[]]", "[{}, 5]", "null", "5", "\"rates\"",
                              "true", "[{" + good + "}] x", "[{" + good + "}", "", " ", "[{" + good + "},]",
                              "[{" + good + "}]  ", "{\"id\": ", std::string(40, '[') + std::string(40, ']')}) {
        documents.push_back(other);
    }
    for (const auto& text : documents) {
        EXPECT_EQ(outcome([&] { return rates_from_json(text); }), outcome([&] { return reference::rates_from_json(text); }))
            << text;
        EXPECT_EQ(outcome([&] { return std::vector<domain::Rate>{rate_from_json(text)}; }),
                  outcome([&] { return reference::rate_from_json(text); }))
            << text;
    }
}

}  // namespace
}  // namespace shipd::store::detail
