// SimulatedCarrier: deterministic, sane rates; carrier-shaped tracking codes; the tracking
// progression reaches delivered and stops.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "carriers/simulated.hpp"
#include "carriers/simulated_tracking.hpp"

namespace shipd::carriers {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using std::chrono::sys_days;

// A Tuesday, so weekend skipping is visible for 4-5 day services.
constexpr sys_days kShipDate = std::chrono::year{2026} / 3 / 3;

domain::Shipment shipment(double ounces = 32, std::string from_zip = "94107",
                          std::string to_zip = "10001") {
    domain::Shipment s;
    s.from_address.street1 = "417 Montgomery St";
    s.from_address.city = "San Francisco";
    s.from_address.state = "CA";
    s.from_address.zip = std::move(from_zip);
    s.from_address.country = "US";
    s.to_address.street1 = "20 W 34th St";
    s.to_address.city = "New York";
    s.to_address.state = "NY";
    s.to_address.zip = std::move(to_zip);
    s.to_address.country = "US";
    domain::Parcel p;
    p.weight = ounces;
    p.length = 10;
    p.width = 8;
    p.height = 4;
    s.parcel = p;
    return s;
}

double amount(const domain::Rate& r) { return std::stod(r.rate); }

const domain::Rate& find(const std::vector<domain::Rate>& rates, std::string_view service) {
    auto it = std::find_if(rates.begin(), rates.end(),
                           [&](const domain::Rate& r) { return r.service == service; });
    EXPECT_NE(it, rates.end()) << service;
    return *it;
}

TEST(SimulatedRates, AllNineServicesWithSaneFields) {
    auto rates = simulated_rates(shipment(), kShipDate);
    ASSERT_EQ(rates.size(), 9u);
    std::set<std::pair<std::string, std::string>> services;
    std::set<std::string> ids;
    std::regex money(R"(^[0-9]+\.[0-9]{2}$)");
    std::regex rate_id(R"(^rate_[0-9a-f]{32}$)");
    std::regex date(R"(^2026-03-[0-9]{2}$)");
    for (const auto& r : rates) {
        services.emplace(r.carrier, r.service);
        ids.insert(r.id);
        EXPECT_TRUE(std::regex_match(r.rate, money)) << r.rate;
        EXPECT_TRUE(std::regex_match(r.id, rate_id)) << r.id;
        EXPECT_EQ(r.currency, "USD");
        ASSERT_TRUE(r.delivery_days);
        EXPECT_GE(*r.delivery_days, 1);
        EXPECT_LE(*r.delivery_days, 5);
        ASSERT_TRUE(r.est_delivery_date);
        EXPECT_TRUE(std::regex_match(*r.est_delivery_date, date)) << *r.est_delivery_date;
        EXPECT_GT(*r.est_delivery_date, "2026-03-03");
        EXPECT_GT(amount(r), 3.0);
        EXPECT_LT(amount(r), 200.0);
    }
    EXPECT_EQ(ids.size(), 9u);
    std::set<std::pair<std::string, std::string>> expected{
        {"USPS", "GroundAdvantage"}, {"USPS", "Priority"},      {"USPS", "Express"},
        {"UPS", "Ground"},           {"UPS", "2ndDayAir"},      {"UPS", "NextDayAir"},
        {"FedEx", "FEDEX_GROUND"},   {"FedEx", "FEDEX_2_DAY"},  {"FedEx", "STANDARD_OVERNIGHT"}};
    EXPECT_EQ(services, expected);
    // Cheapest first.
    EXPECT_TRUE(std::is_sorted(rates.begin(), rates.end(),
                               [](const auto& a, const auto& b) { return amount(a) < amount(b); }));
}

TEST(SimulatedRates, Deterministic) {
    auto a = simulated_rates(shipment(), kShipDate);
    auto b = simulated_rates(shipment(), kShipDate);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].id, b[i].id);
        EXPECT_EQ(a[i].rate, b[i].rate);
        EXPECT_EQ(a[i].est_delivery_date, b[i].est_delivery_date);
    }
    // Another day changes dates only; ids and prices stay.
    auto c = simulated_rates(shipment(), kShipDate + std::chrono::days(1));
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].id, c[i].id);
        EXPECT_EQ(a[i].rate, c[i].rate);
    }
    // A stored shipment's ids follow its id; two stored twins differ.
    auto s1 = shipment(), s2 = shipment();
    s1.id = "0193a000-0000-7000-8000-000000000001";
    s2.id = "0193a000-0000-7000-8000-000000000002";
    EXPECT_NE(simulated_rates(s1, kShipDate)[0].id, simulated_rates(s2, kShipDate)[0].id);
    EXPECT_NE(simulated_rates(s1, kShipDate)[0].id, a[0].id);
}

TEST(SimulatedRates, HeavierAndFasterAndFartherCostMore) {
    auto light = simulated_rates(shipment(16), kShipDate);
    auto heavy = simulated_rates(shipment(16 * 20), kShipDate);
    for (const auto& r : light) {
        EXPECT_LT(amount(r), amount(find(heavy, r.service))) << r.service;
    }
    for (double oz : {1.0, 16.0, 80.0, 800.0}) {
        auto rates = simulated_rates(shipment(oz), kShipDate);
        EXPECT_LT(amount(find(rates, "GroundAdvantage")), amount(find(rates, "Priority")));
        EXPECT_LT(amount(find(rates, "Priority")), amount(find(rates, "Express")));
        EXPECT_LT(amount(find(rates, "Ground")), amount(find(rates, "2ndDayAir")));
        EXPECT_LT(amount(find(rates, "2ndDayAir")), amount(find(rates, "NextDayAir")));
        EXPECT_LT(amount(find(rates, "FEDEX_GROUND")), amount(find(rates, "FEDEX_2_DAY")));
        EXPECT_LT(amount(find(rates, "FEDEX_2_DAY")), amount(find(rates, "STANDARD_OVERNIGHT")));
        EXPECT_LE(*find(rates, "STANDARD_OVERNIGHT").delivery_days,
                  *find(rates, "FEDEX_GROUND").delivery_days);
    }
    auto near = simulated_rates(shipment(32, "94107", "94110"), kShipDate);
    auto far = simulated_rates(shipment(32, "94107", "10001"), kShipDate);
    for (const auto& r : near) {
        EXPECT_LT(amount(r), amount(find(far, r.service))) << r.service;
        EXPECT_LE(*r.delivery_days, *find(far, r.service).delivery_days) << r.service;
    }
}

TEST(SimulatedRates, ZoneFromZipPrefixes) {
    auto s = shipment();
    EXPECT_EQ(simulated_zone(s.from_address, s.from_address), 1);
    s.to_address.zip = "90210";
    EXPECT_EQ(simulated_zone(s.from_address, s.to_address), 2);
    s.to_address.zip = "10001";
    EXPECT_EQ(simulated_zone(s.from_address, s.to_address), 8);
    s.to_address.country = "CA";
    s.to_address.zip = "M5V 2T6";
    EXPECT_EQ(simulated_zone(s.from_address, s.to_address), 8);
}

TEST(SimulatedRates, DimensionalWeightAndResidential) {
    auto small = shipment(16);
    auto bulky = shipment(16);
    bulky.parcel->length = 24;
    bulky.parcel->width = 24;
    bulky.parcel->height = 24;  // 13824 in³ ≈ 100 lb at 139
    EXPECT_LT(amount(find(simulated_rates(small, kShipDate), "Ground")),
              amount(find(simulated_rates(bulky, kShipDate), "Ground")));
    auto home = shipment();
    home.to_address.residential = true;
    EXPECT_LT(amount(find(simulated_rates(shipment(), kShipDate), "Ground")),
              amount(find(simulated_rates(home, kShipDate), "Ground")));
    EXPECT_EQ(find(simulated_rates(shipment(), kShipDate), "Priority").rate,
              find(simulated_rates(home, kShipDate), "Priority").rate);
}

TEST(SimulatedRates, RefusesMissingParcelOrWeight) {
    auto s = shipment();
    s.parcel.reset();
    try {
        simulated_rates(s, kShipDate);
        FAIL() << "no throw";
    } catch (const CarrierError& e) {
        EXPECT_EQ(e.code(), "PARCEL.MISSING");
    }
    s = shipment(0);
    EXPECT_THROW(simulated_rates(s, kShipDate), CarrierError);
}

TEST(SimulatedPurchase, TrackingCodesShapedPerCarrier) {
    auto s = shipment();
    auto rates = simulated_rates(s, kShipDate);
    std::map<std::string, std::regex> shapes{{"USPS", std::regex(R"(^9400[0-9]{18}$)")},
                                             {"UPS", std::regex(R"(^1Z[0-9A-Z]{6}0[123][0-9]{8}$)")},
                                             {"FedEx", std::regex(R"(^[1-9][0-9]{11}$)")}};
    std::set<std::string> codes;
    for (const auto& r : rates) {
        Purchase p = simulated_purchase(s, r, kShipDate);
        EXPECT_TRUE(std::regex_match(p.tracking_code, shapes.at(r.carrier)))
            << r.carrier << " " << p.tracking_code;
        EXPECT_EQ(p.rate.id, r.id);
        EXPECT_EQ(p.rate.rate, r.rate);
        EXPECT_EQ(p.label_url, "https://labels.shipd.local/" + p.tracking_code + ".pdf");
        EXPECT_TRUE(p.easypost_id.empty());
        codes.insert(p.tracking_code);
        // Deterministic.
        EXPECT_EQ(simulated_purchase(s, r, kShipDate + std::chrono::days(3)).tracking_code,
                  p.tracking_code);
    }
    EXPECT_EQ(codes.size(), 9u);
    EXPECT_EQ(simulated_tracking_code("UPS", "NextDayAir", "x").substr(8, 2), "01");
    EXPECT_EQ(simulated_tracking_code("UPS", "2ndDayAir", "x").substr(8, 2), "02");
    EXPECT_THROW(simulated_tracking_code("DHL", "x", "x"), std::invalid_argument);
}

TEST(SimulatedPurchase, CheckDigitsValidate) {
    for (int i = 0; i < 50; ++i) {
        std::string seed = "seed" + std::to_string(i);
        std::string usps = simulated_tracking_code("USPS", "Priority", seed);
        int sum = 0;
        for (std::size_t k = 0; k + 1 < usps.size(); ++k) {
            sum += (usps[usps.size() - 2 - k] - '0') * (k % 2 == 0 ? 3 : 1);
        }
        EXPECT_EQ((10 - sum % 10) % 10, usps.back() - '0') << usps;
        std::string fedex = simulated_tracking_code("FedEx", "FEDEX_GROUND", seed);
        const int weights[] = {1, 3, 7};
        sum = 0;
        for (std::size_t k = 0; k + 1 < fedex.size(); ++k) {
            sum += (fedex[fedex.size() - 2 - k] - '0') * weights[k % 3];
        }
        EXPECT_EQ(sum % 11 % 10, fedex.back() - '0') << fedex;
    }
}

TEST(SimulatedPurchase, MatchesByIdElseByServiceElseRefuses) {
    auto s = shipment();
    domain::Rate by_service;
    by_service.carrier = "UPS";
    by_service.service = "Ground";
    Purchase p = simulated_purchase(s, by_service, kShipDate);
    EXPECT_EQ(p.rate.id, find(simulated_rates(s, kShipDate), "Ground").id);
    domain::Rate bogus;
    bogus.id = "rate_nope";
    bogus.carrier = "UPS";
    bogus.service = "Teleport";
    try {
        simulated_purchase(s, bogus, kShipDate);
        FAIL() << "no throw";
    } catch (const CarrierError& e) {
        EXPECT_EQ(e.code(), "RATE.INVALID");
        EXPECT_EQ(e.http_status(), 422);
    }
}

TEST(SimulatedCarrier, ThroughTheInterfaceAndFactory) {
    asio::io_context io;
    std::unique_ptr<Carrier> carrier = make_carrier(CarrierSettings{});
    EXPECT_EQ(carrier->name(), "simulated");
    auto s = shipment();
    auto f = asio::co_spawn(io, carrier->quote(s), asio::use_future);
    io.run();
    auto rates = f.get();
    ASSERT_EQ(rates.size(), 9u);
    io.restart();
    auto g = asio::co_spawn(io, carrier->buy(s, rates.back()), asio::use_future);
    io.run();
    EXPECT_EQ(g.get().rate.id, rates.back().id);
    // A fixed clock fixes est_delivery_date.
    SimulatedCarrier fixed([] { return std::chrono::sys_days(kShipDate) + 10h; });
    io.restart();
    auto h = asio::co_spawn(io, fixed.quote_shipment(s), asio::use_future);
    io.run();
    auto q = h.get();
    EXPECT_TRUE(q.easypost_id.empty());
    EXPECT_EQ(q.rates[0].est_delivery_date, simulated_rates(s, kShipDate)[0].est_delivery_date);
}

// Drives the progression as the lead's loop will: one step per tick until nothing comes.
std::vector<domain::TrackingEvent> drive(TrackingState state, std::chrono::seconds step) {
    std::vector<domain::TrackingEvent> events;
    auto now = state.last_event_at;
    for (int tick = 0; tick < 50; ++tick) {
        now += step;
        auto e = next_simulated_event(state, now, step);
        if (!e) break;
        events.push_back(*e);
        state.status = e->status;
        if (e->status == domain::Status::kInTransit) ++state.in_transit_events;
        state.last_event_at = now;
    }
    return events;
}

TEST(SimulatedTracking, ReachesDeliveredThroughHubsAndStops) {
    auto s = shipment();
    domain::Rate ground;
    ground.carrier = "FedEx";
    ground.service = "FEDEX_GROUND";
    Purchase p = simulated_purchase(s, ground, kShipDate);
    s.status = domain::Status::kPreTransit;
    s.carrier = p.rate.carrier;
    s.service = p.rate.service;
    s.tracking_code = p.tracking_code;
    auto start = std::chrono::sys_days(kShipDate) + 9h;
    auto events = drive(tracking_state(s, 0, start), 60s);
    ASSERT_GE(events.size(), 5u);
    EXPECT_EQ(events.front().status, domain::Status::kInTransit);
    EXPECT_EQ(events.front().location.city, "San Francisco");
    EXPECT_EQ(events[events.size() - 2].status, domain::Status::kOutForDelivery);
    EXPECT_EQ(events.back().status, domain::Status::kDelivered);
    EXPECT_EQ(events.back().location.city, "New York");
    // Zone 8 ground: origin + 3 hubs + destination facility.
    int in_transit = 0;
    std::set<std::string> hubs;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& e = events[i];
        EXPECT_EQ(e.source, "simulated");
        EXPECT_TRUE(e.message && !e.message->empty());
        EXPECT_TRUE(e.status_detail);
        EXPECT_TRUE(e.location.city && e.location.state);
        EXPECT_EQ(e.occurred_at, format_utc(start + 60s * static_cast<int>(i + 1)));
        if (e.status == domain::Status::kInTransit) {
            ++in_transit;
            hubs.insert(*e.location.city);
        }
    }
    EXPECT_EQ(in_transit, 5);
    EXPECT_EQ(hubs.size(), 5u);  // distinct places
    // Delivered is final.
    auto done = tracking_state(s, in_transit, start + 1h);
    done.status = domain::Status::kDelivered;
    EXPECT_FALSE(next_simulated_event(done, start + 10h, 60s));
    // Deterministic.
    auto again = drive(tracking_state(s, 0, start), 60s);
    ASSERT_EQ(again.size(), events.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
        EXPECT_EQ(again[i].message, events[i].message);
        EXPECT_EQ(again[i].occurred_at, events[i].occurred_at);
    }
}

TEST(SimulatedTracking, WaitsForTheStepAndIgnoresUnboughtOrFinal) {
    TrackingState st;
    st.status = domain::Status::kPreTransit;
    st.carrier = "USPS";
    st.service = "Priority";
    st.tracking_code = simulated_tracking_code("USPS", "Priority", "s");
    auto t0 = std::chrono::sys_days(kShipDate) + 12h;
    st.last_event_at = t0;
    EXPECT_FALSE(next_simulated_event(st, t0 + 59s, 60s));
    auto e = next_simulated_event(st, t0 + 60s, 60s);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->occurred_at, "2026-03-03T12:01:00Z");
    // Far behind: still one step after the last event, not "now".
    EXPECT_EQ(next_simulated_event(st, t0 + 24h, 60s)->occurred_at, "2026-03-03T12:01:00Z");
    for (auto status : {domain::Status::kUnknown, domain::Status::kDelivered,
                        domain::Status::kReturnToSender, domain::Status::kCancelled,
                        domain::Status::kFailure, domain::Status::kError}) {
        st.status = status;
        EXPECT_FALSE(next_simulated_event(st, t0 + 1h, 60s));
    }
    st.status = domain::Status::kPreTransit;
    st.tracking_code.clear();
    EXPECT_FALSE(next_simulated_event(st, t0 + 1h, 60s));
}

TEST(SimulatedTracking, AirRoutesAreShort) {
    TrackingState st;
    st.carrier = "UPS";
    st.service = "NextDayAir";
    st.tracking_code = "1Z0000000100000000";
    st.from_address = shipment().from_address;
    st.to_address = shipment().to_address;
    EXPECT_EQ(simulated_route_length(st), 3);
    st.service = "Ground";
    EXPECT_EQ(simulated_route_length(st), 5);
}

}  // namespace
}  // namespace shipd::carriers
