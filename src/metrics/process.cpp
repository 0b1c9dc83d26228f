// Process figures from /proc/self.
#include "metrics/process.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace shipd::metrics {

namespace {

// Seconds since the epoch at boot (/proc/stat btime).
double boot_time() {
    std::ifstream in("/proc/stat");
    std::string key;
    double value = 0;
    while (in >> key) {
        if (key == "btime") {
            in >> value;
            return value;
        }
        in.ignore(1 << 20, '\n');
    }
    return 0;
}

double open_fds() {
    DIR* dir = opendir("/proc/self/fd");
    if (!dir) return 0;
    double n = 0;
    while (dirent* e = readdir(dir)) {
        if (e->d_name[0] != '.') ++n;
    }
    closedir(dir);
    return n - 1;  // the listing's own descriptor
}

}  // namespace

ProcessStats read_process_stats() {
    ProcessStats s;
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    {
        std::ifstream statm("/proc/self/statm");
        double size = 0, resident = 0;
        if (statm >> size >> resident) {
            s.virtual_memory_bytes = size * page;
            s.resident_memory_bytes = resident * page;
        }
    }
    {
        // /proc/self/stat: "pid (comm) state ..." — comm may hold spaces: parse after the ')'.
        std::ifstream stat("/proc/self/stat");
        std::string line;
        std::getline(stat, line);
        auto close = line.rfind(')');
        if (close != std::string::npos) {
            std::istringstream fields(line.substr(close + 2));
            std::string f;
            // Fields from 3 (state): utime is 14, stime 15, starttime 22.
            double utime = 0, stime = 0, start = 0;
            for (int i = 3; i <= 22 && fields >> f; ++i) {
                if (i == 14) utime = std::stod(f);
                if (i == 15) stime = std::stod(f);
                if (i == 22) start = std::stod(f);
            }
            if (ticks > 0) {
                s.cpu_seconds = (utime + stime) / ticks;
                s.start_time_seconds = boot_time() + start / ticks;
            }
        }
    }
    s.open_fds = open_fds();
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) s.max_fds = static_cast<double>(limit.rlim_cur);
    return s;
}

void write_process_stats(Exposition& out, const ProcessStats& s) {
    struct Row {
        const char* name;
        Type type;
        const char* help;
        double value;
    };
    const Row rows[] = {
        {"process_resident_memory_bytes", Type::kGauge, "Resident memory size in bytes.", s.resident_memory_bytes},
        {"process_virtual_memory_bytes", Type::kGauge, "Virtual memory size in bytes.", s.virtual_memory_bytes},
        {"process_open_fds", Type::kGauge, "Number of open file descriptors.", s.open_fds},
        {"process_max_fds", Type::kGauge, "Maximum number of open file descriptors.", s.max_fds},
        {"process_cpu_seconds_total", Type::kCounter, "Total user and system CPU time spent in seconds.", s.cpu_seconds},
        {"process_start_time_seconds", Type::kGauge, "Start time of the process since unix epoch in seconds.", s.start_time_seconds},
    };
    for (const Row& r : rows) {
        out.family(r.name, r.type, r.help);
        out.sample(r.name, {}, r.value);
    }
}

}  // namespace shipd::metrics
