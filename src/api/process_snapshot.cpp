// Gathering and summing the loops' figures.
#include "api/process_snapshot.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "pg/cluster.hpp"

namespace shipd::api {

namespace {

// What one loop holds, copied on that loop.
struct LoopSnapshot {
    pg::HealthSnapshot health;
    std::vector<HttpSeries> http;
    CarrierSnapshot carrier;
};

LoopSnapshot take(const Services& s) {
    return LoopSnapshot{s.cluster->health(), s.metrics.http.snapshot(), s.metrics.carrier.snapshot()};
}

boost::asio::awaitable<LoopSnapshot> take_on_loop(const Services& s) { co_return take(s); }

void add_pool(std::vector<PoolFigures>& pools, const pg::PoolStats& p) {
    PoolFigures* into = nullptr;
    for (auto& f : pools) {
        if (f.stats.name == p.name) into = &f;
    }
    if (!into) {
        into = &pools.emplace_back();
        into->stats.name = p.name;
    }
    pg::PoolStats& s = into->stats;
    s.size += p.size;
    s.idle += p.idle;
    s.in_use += p.in_use;
    s.opening += p.opening;
    s.waiting += p.waiting;
    s.max += p.max;
    s.acquired_total += p.acquired_total;
    s.timeouts += p.timeouts;
    s.overloaded += p.overloaded;
    s.unavailable += p.unavailable;
    s.connect_errors += p.connect_errors;
    s.evicted += p.evicted;
    s.leaks_reported += p.leaks_reported;
    s.pipelines += p.pipelines;
    s.pipelined_total += p.pipelined_total;
    s.pipeline_stalls += p.pipeline_stalls;
    s.database_down = s.database_down || p.database_down;
    if (s.last_error.empty()) s.last_error = p.last_error;
    into->acquire_wait.merge(to_seconds(p.acquire_wait));
    into->query_time.merge(to_seconds(p.query_time));
}

void add_http(std::vector<HttpSeries>& all, const HttpSeries& h) {
    for (auto& a : all) {
        if (a.route != h.route || a.method != h.method) continue;
        a.latency.merge(h.latency);
        for (const auto& [status, n] : h.statuses) {
            bool found = false;
            for (auto& [s, m] : a.statuses) {
                if (s == status) {
                    m += n;
                    found = true;
                }
            }
            if (!found) a.statuses.emplace_back(status, n);
        }
        return;
    }
    all.push_back(h);
}

}  // namespace

metrics::HistogramData to_seconds(const pg::Histogram& h) {
    metrics::HistogramData d;
    for (auto us : pg::Histogram::kBoundsUs) d.bounds.push_back(static_cast<double>(us) / 1e6);
    for (std::size_t i = 0; i < pg::Histogram::kBuckets; ++i) d.counts.push_back(h.bucket(i));
    d.sum = static_cast<double>(h.sum_us()) / 1e6;
    d.count = h.count();
    return d;
}

boost::asio::awaitable<ProcessSnapshot> snapshot_process(Services& self) {
    std::vector<LoopSnapshot> loops;
    if (!self.all_loops) {
        loops.push_back(take(self));
    } else {
        for (const Services* s : *self.all_loops) {
            if (s == &self) {
                loops.push_back(take(self));
            } else {
                // Runs on that loop's thread; the answer comes back to this one.
                loops.push_back(co_await boost::asio::co_spawn(s->executor, take_on_loop(*s), boost::asio::use_awaitable));
            }
        }
    }
    ProcessSnapshot out;
    out.loops = static_cast<int>(loops.size());
    for (const auto& l : loops) {
        out.healthy = out.healthy && l.health.healthy;
        for (const auto& p : l.health.pools) add_pool(out.pools, p);
        for (const auto& h : l.http) add_http(out.http, h);
        out.carrier.merge(l.carrier);
    }
    co_return out;
}

}  // namespace shipd::api
