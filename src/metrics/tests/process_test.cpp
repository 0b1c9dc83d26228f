// Process figures: read from this test process's /proc/self.
#include "metrics/process.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <ctime>

namespace shipd::metrics {
namespace {

TEST(Process, FiguresAreThoseOfThisProcess) {
    auto before = read_process_stats();
    EXPECT_GT(before.resident_memory_bytes, 1e5);
    EXPECT_GE(before.virtual_memory_bytes, before.resident_memory_bytes);
    EXPECT_GE(before.open_fds, 3);  // stdin, stdout, stderr
    EXPECT_GT(before.max_fds, 0);
    double now = static_cast<double>(std::time(nullptr));
    EXPECT_GT(before.start_time_seconds, now - 3600);
    EXPECT_LE(before.start_time_seconds, now + 1);

    int fd = open("/dev/null", O_RDONLY);
    ASSERT_GE(fd, 0);
    auto after = read_process_stats();
    close(fd);
    EXPECT_EQ(after.open_fds, before.open_fds + 1);
}

TEST(Process, WrittenUnderTheStandardNames) {
    Exposition out;
    write_process_stats(out, read_process_stats());
    for (const char* name : {"process_resident_memory_bytes ", "process_open_fds ", "process_max_fds ",
                             "process_cpu_seconds_total ", "process_start_time_seconds ",
                             "# TYPE process_cpu_seconds_total counter"}) {
        EXPECT_NE(out.text().find(name), std::string::npos) << name << "\n" << out.text();
    }
}

}  // namespace
}  // namespace shipd::metrics
