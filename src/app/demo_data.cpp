// Demo data.
#include "app/demo_data.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <array>
#include <chrono>
#include <random>

#include "app/module_settings.hpp"
#include "app/progress.hpp"
#include "carriers/simulated.hpp"
#include "carriers/simulated_tracking.hpp"
#include "pg/cluster.hpp"
#include "store/events_store.hpp"
#include "store/import_store.hpp"

namespace shipd::app {

namespace asio = boost::asio;
using Clock = std::chrono::system_clock;

// Shipments stored per batch (as imports do: COPY, one transaction).
constexpr std::size_t kDemoBatch = 5000;
// Demo shipments are spread over this many days back from now.
constexpr int kDemoDays = 30;
// Time between simulated tracking steps in demo histories: about a carrier scan per shift.
constexpr auto kDemoStep = std::chrono::hours(7);

namespace {

struct Place {
    const char* city;
    const char* state;
    const char* zip;
};

constexpr std::array<Place, 24> kPlaces = {{
    {"New York", "NY", "10001"},     {"Los Angeles", "CA", "90012"}, {"Chicago", "IL", "60601"},
    {"Houston", "TX", "77002"},      {"Phoenix", "AZ", "85004"},     {"Philadelphia", "PA", "19103"},
    {"San Antonio", "TX", "78205"},  {"San Diego", "CA", "92101"},   {"Dallas", "TX", "75201"},
    {"Austin", "TX", "78701"},       {"Jacksonville", "FL", "32202"}, {"Columbus", "OH", "43215"},
    {"Charlotte", "NC", "28202"},    {"Seattle", "WA", "98101"},     {"Denver", "CO", "80202"},
    {"Boston", "MA", "02110"},       {"Nashville", "TN", "37203"},   {"Portland", "OR", "97204"},
    {"Las Vegas", "NV", "89101"},    {"Detroit", "MI", "48226"},     {"Atlanta", "GA", "30303"},
    {"Miami", "FL", "33131"},        {"Minneapolis", "MN", "55401"}, {"Salt Lake City", "UT", "84111"},
}};
constexpr std::array<const char*, 16> kFirst = {"Ada", "Grace", "Alan", "Linus", "Barbara", "Ken", "Margaret", "Dennis",
                                                "Frances", "Edsger", "Radia", "Tim", "Katherine", "Donald", "Shafi", "Leslie"};
constexpr std::array<const char*, 12> kLast = {"Lovelace", "Hopper", "Turing", "Torvalds", "Liskov", "Thompson",
                                               "Hamilton", "Ritchie", "Allen", "Dijkstra", "Perlman", "Lamport"};
constexpr std::array<const char*, 10> kStreets = {"Main St", "Oak Ave", "Pine St", "Maple Dr", "Cedar Ln",
                                                  "Elm St", "Washington Blvd", "Lake Rd", "Hill St", "Park Ave"};

struct Generated {
    domain::Shipment shipment;
    std::vector<domain::TrackingEvent> events;
};

domain::Address address(std::mt19937_64& rng) {
    const Place& p = kPlaces[rng() % kPlaces.size()];
    domain::Address a;
    a.name = std::string(kFirst[rng() % kFirst.size()]) + " " + kLast[rng() % kLast.size()];
    a.street1 = std::to_string(100 + rng() % 9000) + " " + kStreets[rng() % kStreets.size()];
    a.city = p.city;
    a.state = p.state;
    a.zip = p.zip;
    a.country = "US";
    a.residential = rng() % 3 != 0;
    return a;
}

Generated generate(std::mt19937_64& rng, std::size_t n, Clock::time_point now) {
    Generated g;
    domain::Shipment& s = g.shipment;
    s.reference = "demo-" + std::to_string(n);
    s.from_address = address(rng);
    do {
        s.to_address = address(rng);
    } while (s.to_address.city == s.from_address.city);
    domain::Parcel parcel;
    parcel.weight = static_cast<double>(4 + rng() % 640) / 4.0;  // 1 to 161 oz
    parcel.length = static_cast<double>(6 + rng() % 18);
    parcel.width = static_cast<double>(4 + rng() % 12);
    parcel.height = static_cast<double>(2 + rng() % 10);
    s.parcel = parcel;
    auto created = now - std::chrono::seconds(rng() % (kDemoDays * 86400));
    s.created_at = carriers::format_utc(created);
    auto day = std::chrono::floor<std::chrono::days>(created);
    s.rates = carriers::simulated_rates(s, day);
    if (rng() % 7 == 0) return g;  // quoted, never bought: status unknown
    const domain::Rate& rate = s.rates[rng() % s.rates.size()];
    carriers::Purchase bought = carriers::simulated_purchase(s, rate, day);
    s.selected_rate = bought.rate;
    s.carrier = bought.rate.carrier;
    s.service = bought.rate.service;
    s.tracking_code = bought.tracking_code;
    s.label_url = bought.label_url;
    // The history: label at purchase, then the simulated carrier's steps while time allows.
    auto at = created + std::chrono::minutes(20 + rng() % 120);
    domain::TrackingEvent label;
    label.status = domain::Status::kPreTransit;
    label.message = "Label created: " + rate.carrier + " " + rate.service;
    label.occurred_at = carriers::format_utc(at);
    label.source = "carrier";
    g.events.push_back(label);
    carriers::TrackingState state = carriers::tracking_state(s, 0, at);
    state.status = domain::Status::kPreTransit;
    while (true) {
        auto next = carriers::next_simulated_event(state, now, kDemoStep);
        if (!next) break;
        g.events.push_back(*next);
        state.status = next->status;
        if (next->status == domain::Status::kInTransit) ++state.in_transit_events;
        state.last_event_at += kDemoStep;
    }
    s.status = g.events.back().status;
    return g;
}

}  // namespace

void load_demo_data(const config::Settings& settings, const std::string& url, std::size_t count, std::uint64_t seed,
                    bool progress) {
    asio::io_context io;
    pg::Cluster cluster(io.get_executor(), command_cluster_settings(settings, url));
    std::mt19937_64 rng(seed);
    auto now = Clock::now();
    ProgressBar bar("demo-data", count);
    auto fill = [&](pg::Cluster& cluster) -> asio::awaitable<void> {
        co_await cluster.start();
        std::size_t done = 0;
        while (done < count) {
            std::size_t n = std::min(kDemoBatch, count - done);
            std::vector<domain::Shipment> shipments;
            std::vector<std::vector<domain::TrackingEvent>> histories;
            shipments.reserve(n);
            for (std::size_t i = 0; i < n; ++i) {
                Generated g = generate(rng, done + i + 1, now);
                shipments.push_back(std::move(g.shipment));
                histories.push_back(std::move(g.events));
            }
            auto ids = co_await store::insert_shipments_batch(cluster.bulk(), shipments);
            std::vector<domain::TrackingEvent> events;
            for (std::size_t i = 0; i < ids.size(); ++i) {
                for (auto& e : histories[i]) {
                    e.shipment_id = ids[i];
                    events.push_back(std::move(e));
                }
            }
            if (!events.empty()) co_await store::insert_events_batch(cluster.bulk(), events);
            done += n;
            if (progress) bar.update(done);
        }
        // Fresh statistics for the planner after a large load (SHIPD_IMPORT_ANALYZE_ROWS).
        if (settings.import_analyze_rows > 0 && count >= static_cast<std::size_t>(settings.import_analyze_rows)) {
            co_await store::analyze_bulk_tables(cluster.bulk(), store::BulkTables::kShipmentsAndEvents,
                                                store::AnalyzeSpread::kConnectionPerTable);
        }
        if (progress) bar.finish();
    };
    auto task = [&]() -> asio::awaitable<void> {
        std::exception_ptr error;
        try {
            co_await fill(cluster);
        } catch (...) {
            error = std::current_exception();
        }
        // Closed on every path: the pools' background tasks would keep io.run() going.
        cluster.close();
        if (error) std::rethrow_exception(error);
    };
    auto future = asio::co_spawn(io, task(), asio::use_future);
    io.run();
    future.get();
}

}  // namespace shipd::app
