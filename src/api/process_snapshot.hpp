// The whole process's figures for /metrics and /health: every event loop's pools and metrics,
// each read on its own loop (posted to its executor and awaited), then summed. The hot path
// takes no lock and no atomic: a scrape pays for the hops instead.
#pragma once

#include <boost/asio/awaitable.hpp>

#include <vector>

#include "api/loop_metrics.hpp"
#include "api/services.hpp"
#include "metrics/histogram.hpp"
#include "pg/pool.hpp"

namespace shipd::api {

/// One pool (by name) summed over the loops: sizes, counters and histograms (in seconds).
/// stats.acquire_wait / stats.query_time are left empty: see the HistogramData members.
struct PoolFigures {
    pg::PoolStats stats;
    metrics::HistogramData acquire_wait;
    metrics::HistogramData query_time;
};

struct ProcessSnapshot {
    int loops = 0;
    bool healthy = true;  ///< no pool of any loop knows the database to be down
    std::vector<PoolFigures> pools;  ///< in the first loop's order (primary, bulk)
    std::vector<HttpSeries> http;    ///< summed by (route, method)
    CarrierSnapshot carrier;
};

/// pg's microsecond histogram as seconds.
metrics::HistogramData to_seconds(const pg::Histogram& h);

/// Gathers every loop's figures (`self` is the calling loop's Services; it must have
/// all_loops set, else only its own loop is reported).
boost::asio::awaitable<ProcessSnapshot> snapshot_process(Services& self);

}  // namespace shipd::api
