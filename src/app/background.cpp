// shipd's background jobs.
#include "app/background.hpp"

#include <spdlog/spdlog.h>

#include <ctime>

#include "api/analytics.hpp"
#include "carriers/simulated_tracking.hpp"
#include "pg/cluster.hpp"
#include "store/events_store.hpp"
#include "store/idempotency_store.hpp"
#include "store/shipments_store.hpp"

namespace shipd::app {

namespace asio = boost::asio;
using Clock = std::chrono::system_clock;

// Shipments the simulated tracking job advances per run: a demo needs a few hundred moving;
// more would make one run a long burst of writes.
constexpr std::size_t kTrackingBatch = 200;

namespace {

// "2026-11-28T09:33:50.424999Z" → time point (UTC); nullopt when malformed.
std::optional<Clock::time_point> parse_utc(const std::string& text) {
    std::tm tm{};
    int micros = 0;
    char frac[8] = {};
    int n = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%6[0-9]", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                        &tm.tm_hour, &tm.tm_min, &tm.tm_sec, frac);
    if (n < 6) return std::nullopt;
    if (n == 7) {
        std::string f(frac);
        f.resize(6, '0');
        micros = std::stoi(f);
    }
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return Clock::from_time_t(timegm(&tm)) + std::chrono::microseconds(micros);
}

asio::awaitable<void> advance_simulated(api::Services& services) {
    pg::Pool& pool = services.cluster->write();
    auto step = std::chrono::seconds(services.settings->simulated_tracking_step_s);
    auto now = Clock::now();
    auto in_flight = co_await store::list_simulated_in_flight(pool, kTrackingBatch);
    std::size_t moved = 0;
    for (const auto& f : in_flight) {
        auto shipment = co_await store::get_shipment(pool, f.shipment_id);
        auto events = co_await store::list_events(pool, f.shipment_id);
        if (!shipment || !events || events->empty()) continue;
        int in_transit = 0;
        for (const auto& e : *events) in_transit += e.status == domain::Status::kInTransit;
        auto last = parse_utc(events->back().occurred_at);
        if (!last) continue;
        auto next = carriers::next_simulated_event(carriers::tracking_state(*shipment, in_transit, *last), now, step);
        if (!next) continue;
        // (GCC 12 miscompiles a braced temporary in a co_await call: name the vector.)
        std::vector<domain::TrackingEvent> step_events{*next};
        co_await store::append_events(pool, f.shipment_id, step_events);
        ++moved;
    }
    if (moved) spdlog::debug("simulated tracking: {} shipment(s) moved", moved);
}

bool simulated_tracking_on(const config::Settings& s) {
    return s.carrier_provider == config::CarrierProvider::kSimulated && s.simulated_tracking;
}

}  // namespace

std::chrono::milliseconds election_heartbeat(const config::Settings& s) {
    std::chrono::milliseconds shortest = kMaxElectionHeartbeat;
    auto consider = [&](int seconds) { shortest = std::min<std::chrono::milliseconds>(shortest, std::chrono::seconds(seconds)); };
    if (simulated_tracking_on(s)) consider(s.simulated_tracking_step_s);
    consider(s.idempotency_purge_s);
    consider(s.analytics_refresh_s);
    return shortest;
}

std::unique_ptr<LeaderElection> add_background_jobs(Scheduler& scheduler, api::Services& services,
                                                    const pg::ConnectionSettings& connection) {
    const config::Settings& s = *services.settings;
    auto heartbeat = election_heartbeat(s);
    auto election = std::make_unique<LeaderElection>(services.cluster->write().executor(), connection, heartbeat);
    LeaderElection* e = election.get();
    scheduler.every("leader-election", heartbeat, [e]() { return e->heartbeat(); }, Scheduler::First::kNow);
    // A job of the leader only: the others skip their turn.
    auto elected = [e](std::string name, std::chrono::milliseconds period, Scheduler::Job job) {
        return [e, name = std::move(name), period, job = std::move(job)]() -> asio::awaitable<void> {
            if (!e->leader()) co_return;
            spdlog::trace("background job {} runs (every {} ms)", name, period.count());
            co_await job();
        };
    };
    auto add = [&](std::string name, std::chrono::milliseconds period, Scheduler::Job job) {
        scheduler.every(name, period, elected(name, period, std::move(job)));
    };
    if (simulated_tracking_on(s)) {
        // One step per SIMULATED_TRACKING_STEP_S (API.md): the job runs at that period.
        add("simulated-tracking", std::chrono::seconds(s.simulated_tracking_step_s),
            [&services]() { return advance_simulated(services); });
    }
    add("idempotency-purge", std::chrono::seconds(s.idempotency_purge_s), [&services]() -> asio::awaitable<void> {
        auto purged = co_await store::purge_expired_idempotency_keys(services.cluster->write());
        if (purged) spdlog::info("purged {} expired idempotency key(s)", purged);
        else spdlog::debug("idempotency purge: no expired key");
    });
    add("analytics-refresh", std::chrono::seconds(s.analytics_refresh_s), [&services]() -> asio::awaitable<void> {
        co_await api::refresh_analytics(services, api::RefreshTrigger::kSchedule);
    });
    return election;
}

}  // namespace shipd::app
