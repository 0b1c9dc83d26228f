// Logging set-up: spdlog, human-readable or JSON lines, secrets redacted from every line.
#include "log/log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <ctime>

#include "config/dsn.hpp"

namespace shipd::log {

std::string json_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (unsigned char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    static constexpr char kHex[] = "0123456789abcdef";
                    out += "\\u00";
                    out += kHex[c >> 4];
                    out += kHex[c & 15];
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out;
}

namespace {

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
        if (format_ == config::LogFormat::kJson) {
            line = "{\"ts\":\"" + utc_timestamp(msg.time) + "\",\"level\":\"" +
                   std::string(level.data(), level.size()) + "\",\"msg\":\"" + json_escape(text) + "\"}\n";
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

void setup(config::LogFormat format, const std::string& level) {
    auto sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
    auto logger = std::make_shared<spdlog::logger>("shipd", sink);
    logger->set_formatter(std::make_unique<Formatter>(format));
    logger->set_level(spdlog::level::from_str(level));
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
}

}  // namespace shipd::log
