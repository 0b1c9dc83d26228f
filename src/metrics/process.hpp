// Process figures from /proc/self (Linux), with the names of Prometheus' process collector.
#pragma once

#include "metrics/exposition.hpp"

namespace shipd::metrics {

struct ProcessStats {
    double resident_memory_bytes = 0;  ///< VmRSS
    double virtual_memory_bytes = 0;
    double open_fds = 0;
    double max_fds = 0;             ///< RLIMIT_NOFILE (soft)
    double cpu_seconds = 0;         ///< user + system
    double start_time_seconds = 0;  ///< since the Unix epoch
};

/// Reads them now (a few small /proc reads and a directory listing: for a scrape, not a hot
/// path). A figure that cannot be read stays 0.
ProcessStats read_process_stats();

/// Writes them as process_resident_memory_bytes, process_virtual_memory_bytes,
/// process_open_fds, process_max_fds, process_cpu_seconds_total, process_start_time_seconds.
void write_process_stats(Exposition& out, const ProcessStats& stats);

}  // namespace shipd::metrics
