// Logging set-up: spdlog, human-readable or JSON lines, secrets redacted from every line.
#include "log/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdlib>
#include <ctime>

#include "config/dsn.hpp"
#include "log/async_stderr_sink.hpp"
#include "text/json_escape.hpp"

namespace shipd::log {

namespace {

// A message that starts with this byte carries JSON fields to splice, not text (access lines).
constexpr char kFieldsMarker = '\x1e';
config::LogFormat g_format = config::LogFormat::kText;

std::string utc_timestamp(spdlog::log_clock::time_point tp) {
    auto t = spdlog::log_clock::to_time_t(tp);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count() % 1000;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[80];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
}

/// Formats a line as text or JSON, after redacting secrets from the message.
class Formatter final : public spdlog::formatter {
public:
    explicit Formatter(config::LogFormat format) : format_(format) {}

    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        std::string text = config::redact_secrets(std::string_view(msg.payload.data(), msg.payload.size()));
        auto level = spdlog::level::to_string_view(msg.level);
        std::string line;
        if (!text.empty() && text.front() == kFieldsMarker) {
            line = "{\"ts\":\"" + utc_timestamp(msg.time) + "\",\"level\":\"" + std::string(level.data(), level.size()) +
                   "\"," + text.substr(1) + "}\n";
        } else if (format_ == config::LogFormat::kJson) {
            line = "{\"ts\":\"" + utc_timestamp(msg.time) + "\",\"level\":\"" +
                   std::string(level.data(), level.size()) + "\",\"msg\":\"" + shipd::text::json_escape(text) + "\"}\n";
        } else {
            line = utc_timestamp(msg.time) + " " + std::string(level.data(), level.size()) + " " + text + "\n";
        }
        dest.append(line.data(), line.data() + line.size());
    }

    std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<Formatter>(format_); }

private:
    config::LogFormat format_;
};

}  // namespace

void access(const AccessRecord& r) {
    if (!spdlog::should_log(spdlog::level::info)) return;
    if (g_format == config::LogFormat::kJson) {
        std::string f(1, kFieldsMarker);
        f += "\"msg\":\"access\",\"method\":\"" + shipd::text::json_escape(r.method) + "\",\"path\":\"" + shipd::text::json_escape(r.path) +
             "\",\"route\":\"" + shipd::text::json_escape(r.route) + "\",\"status\":" + std::to_string(r.status) +
             ",\"duration_ms\":" + fmt::format("{:.3f}", r.duration_ms) +
             ",\"pool_wait_ms\":" + fmt::format("{:.3f}", r.pool_wait_ms) + ",\"request_id\":\"" +
             shipd::text::json_escape(r.request_id) + "\",\"key_id\":\"" + shipd::text::json_escape(r.principal) + "\"";
        spdlog::info("{}", f);
        return;
    }
    spdlog::info("{} {} {} {:.2f} ms wait={:.2f} ms id={}{}{}", r.method, r.path, r.status, r.duration_ms,
                 r.pool_wait_ms, r.request_id,
                 r.principal.empty() ? "" : " key=", r.principal);
}

void setup(config::LogFormat format, const std::string& level) {
    g_format = format;
    // Lines are written by the sink's own thread (a request's access line costs a memcpy, not
    // a write(2)); warnings and errors, and exit, flush synchronously.
    auto sink = std::make_shared<AsyncStderrSink>();
    auto logger = std::make_shared<spdlog::logger>("shipd", sink);
    logger->set_formatter(std::make_unique<Formatter>(format));
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::warn);
    spdlog::set_default_logger(logger);
    static bool registered = false;
    if (!registered) {
        registered = true;
        std::atexit([] {
            if (auto l = spdlog::default_logger()) l->flush();
        });
    }
}

}  // namespace shipd::log
