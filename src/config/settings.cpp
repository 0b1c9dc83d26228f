// Settings: reading the environment and .env, typed parsing, validation, masked printing.
#include "config/settings.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>

#include "config/dsn.hpp"

extern char** environ;

namespace shipd::config {

namespace {

using Problems = std::vector<std::string>;

/// One known variable: how to read it into Settings and how to print it back.
struct Spec {
    std::string name;
    std::string help;
    bool secret = false;
    std::function<void(Settings&, const std::string&, Problems&)> apply;
    std::function<std::string(const Settings&)> show;
};

std::string trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
    while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
    return std::string(s.substr(b, e - b));
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::optional<long long> to_integer(const std::string& v) {
    long long out = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc() || p != v.data() + v.size() || v.empty()) return std::nullopt;
    return out;
}

// `expected` names what the value must be in the problem ("is not an integer").
Spec integer(std::string name, int Settings::*field, int min, int max, std::string help,
             std::string expected = "an integer") {
    Spec s{name, std::move(help), false, nullptr, nullptr};
    s.apply = [=](Settings& st, const std::string& raw, Problems& problems) {
        std::string v = trim(raw);
        auto n = to_integer(v);
        if (!n) {
            problems.push_back(name + ": '" + raw + "' is not " + expected);
        } else if (*n < min || *n > max) {
            problems.push_back(name + ": " + v + " is out of range (" + std::to_string(min) +
                               " to " + std::to_string(max) + ")");
        } else {
            st.*field = static_cast<int>(*n);
        }
    };
    s.show = [=](const Settings& st) { return std::to_string(st.*field); };
    return s;
}

// An integer, or "auto" (Settings::kAuto): shipd chooses.
Spec integer_or_auto(std::string name, int Settings::*field, int min, int max, std::string help) {
    Spec s = integer(name, field, min, max, std::move(help), "an integer or auto");
    s.apply = [=, apply_integer = s.apply](Settings& st, const std::string& raw, Problems& problems) {
        if (lower(trim(raw)) == "auto") {
            st.*field = Settings::kAuto;
        } else {
            apply_integer(st, raw, problems);
        }
    };
    s.show = [=](const Settings& st) { return st.*field == Settings::kAuto ? std::string("auto") : std::to_string(st.*field); };
    return s;
}

Spec boolean(std::string name, bool Settings::*field, std::string help) {
    Spec s{name, std::move(help), false, nullptr, nullptr};
    s.apply = [=](Settings& st, const std::string& raw, Problems& problems) {
        std::string v = lower(trim(raw));
        if (v == "true" || v == "1" || v == "yes" || v == "on") {
            st.*field = true;
        } else if (v == "false" || v == "0" || v == "no" || v == "off") {
            st.*field = false;
        } else {
            problems.push_back(name + ": '" + raw + "' is not a boolean (true or false)");
        }
    };
    s.show = [=](const Settings& st) { return std::string(st.*field ? "true" : "false"); };
    return s;
}

Spec text(std::string name, std::string Settings::*field, std::string help, bool secret = false) {
    Spec s{name, std::move(help), secret, nullptr, nullptr};
    s.apply = [=](Settings& st, const std::string& raw, Problems&) { st.*field = trim(raw); };
    s.show = [=](const Settings& st) { return st.*field; };
    return s;
}

Spec database_url(std::string name, std::string help) {
    Spec s{name, std::move(help), false, nullptr, nullptr};
    s.apply = [=](Settings& st, const std::string& raw, Problems& problems) {
        std::string v = normalize_database_url(trim(raw));
        if (!v.empty() && v.rfind("postgresql://", 0) != 0 && v.find('=') == std::string::npos) {
            problems.push_back(name + ": '" + mask_dsn(raw) +
                               "' is not a PostgreSQL URL (postgresql://user:password@host:port/db)");
            return;
        }
        st.database_url = v;
    };
    s.show = [](const Settings& st) {
        return st.database_url.empty() ? std::string("(unset: embedded PostgreSQL)")
                                       : mask_dsn(st.database_url);
    };
    return s;
}

Spec url_list(std::string name, std::vector<std::string> Settings::*field, std::string help) {
    Spec s{name, std::move(help), false, nullptr, nullptr};
    s.apply = [=](Settings& st, const std::string& raw, Problems& problems) {
        std::vector<std::string> out;
        std::stringstream ss(raw);
        std::string item;
        int index = 0;
        while (std::getline(ss, item, ',')) {
            ++index;
            item = normalize_database_url(trim(item));
            if (item.empty()) continue;
            if (item.rfind("postgresql://", 0) != 0) {
                problems.push_back(name + ": entry " + std::to_string(index) + " '" +
                                   mask_dsn(item) + "' is not a postgresql:// URL");
                continue;
            }
            out.push_back(item);
        }
        st.*field = out;
    };
    s.show = [=](const Settings& st) {
        std::string out;
        for (const auto& u : st.*field) {
            if (!out.empty()) out += ',';
            out += mask_dsn(u);
        }
        return out;
    };
    return s;
}

Spec bytes(std::string name, std::size_t Settings::*field, std::size_t min, std::size_t max,
           std::string help) {
    Spec s{name, std::move(help), false, nullptr, nullptr};
    s.apply = [=](Settings& st, const std::string& raw, Problems& problems) {
        std::string v = trim(raw);
        size_t digits = 0;
        while (digits < v.size() && std::isdigit(static_cast<unsigned char>(v[digits]))) ++digits;
        auto n = to_integer(v.substr(0, digits));
        std::string unit = lower(trim(v.substr(digits)));
        unsigned long long mult = 0;
        if (unit.empty() || unit == "b") mult = 1;
        else if (unit == "k" || unit == "kb" || unit == "kib") mult = 1ULL << 10;
        else if (unit == "m" || unit == "mb" || unit == "mib") mult = 1ULL << 20;
        else if (unit == "g" || unit == "gb" || unit == "gib") mult = 1ULL << 30;
        if (!n || mult == 0) {
            problems.push_back(name + ": '" + raw + "' is not a size (bytes, or with KiB / MiB / GiB)");
            return;
        }
        unsigned long long total = static_cast<unsigned long long>(*n) * mult;
        if (total < min || total > max) {
            problems.push_back(name + ": " + v + " is out of range (" + std::to_string(min) +
                               " to " + std::to_string(max) + " bytes)");
            return;
        }
        st.*field = static_cast<std::size_t>(total);
    };
    s.show = [=](const Settings& st) { return std::to_string(st.*field); };
    return s;
}

template <typename E>
Spec choice(std::string name, E Settings::*field, std::vector<std::pair<std::string, E>> options,
            std::string help) {
    Spec s{name, std::move(help), false, nullptr, nullptr};
    s.apply = [=](Settings& st, const std::string& raw, Problems& problems) {
        std::string v = lower(trim(raw));
        for (const auto& [label, value] : options) {
            if (v == label) {
                st.*field = value;
                return;
            }
        }
        std::string allowed;
        for (const auto& o : options) {
            if (!allowed.empty()) allowed += " or ";
            allowed += o.first;
        }
        problems.push_back(name + ": '" + raw + "' is not one of " + allowed);
    };
    s.show = [=](const Settings& st) {
        for (const auto& [label, value] : options)
            if (st.*field == value) return label;
        return std::string("?");
    };
    return s;
}

Spec log_level(std::string name, std::string help) {
    Spec s = text(name, &Settings::log_level, std::move(help));
    s.apply = [=](Settings& st, const std::string& raw, Problems& problems) {
        std::string v = lower(trim(raw));
        static const std::vector<std::string> kLevels = {"trace", "debug", "info", "warn",
                                                         "error", "critical", "off"};
        if (std::find(kLevels.begin(), kLevels.end(), v) == kLevels.end()) {
            problems.push_back(name + ": '" + raw +
                               "' is not a log level (trace, debug, info, warn, error, critical, off)");
            return;
        }
        st.log_level = v;
    };
    return s;
}

const std::vector<Spec>& specs() {
    constexpr int kBig = 1'000'000;
    static const std::vector<Spec> kSpecs = [] {
        std::vector<Spec> v;
        v.push_back(database_url("DATABASE_URL", "primary database; unset: shipd runs its own PostgreSQL in SHIPD_DATA_DIR"));
        v.push_back(integer("DATABASE_POOL_SIZE", &Settings::pool_size, 1, 10'000, "primary pool: connections kept open"));
        v.push_back(integer("DATABASE_MAX_OVERFLOW", &Settings::max_overflow, 0, 10'000, "primary pool: extra connections under bursts, closed when idle"));
        v.push_back(integer("DATABASE_POOL_RECYCLE", &Settings::pool_recycle_s, 1, kBig, "seconds a connection lives (jittered) before it is replaced"));
        v.push_back(integer("DATABASE_POOL_TIMEOUT", &Settings::pool_timeout_s, 1, 3600, "seconds a request waits for a connection before 503 POOL_TIMEOUT"));
        v.push_back(boolean("DATABASE_POOL_PRE_PING", &Settings::pool_pre_ping, "validate a connection that sat idle before handing it out"));
        v.push_back(integer("DATABASE_STATEMENT_CACHE_SIZE", &Settings::statement_cache_size, 0, 100'000, "prepared statements cached per connection; 0 for PgBouncer transaction mode"));
        v.push_back(integer_or_auto("SHIPD_PIPELINE_CONNECTIONS", &Settings::pipeline_connections, 0, 64, "connections per event loop that carry single statements pipelined (0: a connection per statement; auto: 2; for a database on this machine they fill in turn, the second only while the first's statements take over 10 ms)"));
        v.push_back(integer_or_auto("SHIPD_PIPELINE_DEPTH", &Settings::pipeline_depth, 1, 1024, "statements in flight per pipelined connection, beyond which requests queue (auto: 64 when the database is on this machine, else 16)"));
        v.push_back(integer("DATABASE_COMMAND_TIMEOUT", &Settings::command_timeout_s, 1, kBig, "seconds a statement may run (statement_timeout)"));
        v.push_back(integer("DATABASE_CONNECT_TIMEOUT", &Settings::connect_timeout_s, 1, 3600, "seconds to open a connection"));
        v.push_back(text("DATABASE_SERVER_SETTINGS", &Settings::server_settings, "server settings applied to every connection, name=value,... (not DateStyle: every connection sets ISO; TimeZone is UTC unless named here)"));
        v.push_back(url_list("DATABASE_READ_REPLICA_URLS", &Settings::read_replica_urls, "read replicas, comma separated"));
        v.push_back(choice<StartupMode>("DB_STARTUP_MODE", &Settings::startup_mode, {{"degrade", StartupMode::kDegrade}, {"fail", StartupMode::kFail}}, "database down at start: degrade (serve, heal later) or fail (exit)"));
        v.push_back(integer("BULK_POOL_MIN_SIZE", &Settings::bulk_pool_min_size, 0, 10'000, "bulk pool (imports, analytics): connections kept open"));
        v.push_back(integer("BULK_POOL_MAX_SIZE", &Settings::bulk_pool_max_size, 1, 10'000, "bulk pool: most connections"));
        v.push_back(choice<CarrierProvider>("CARRIER_PROVIDER", &Settings::carrier_provider, {{"simulated", CarrierProvider::kSimulated}, {"easypost", CarrierProvider::kEasyPost}}, "simulated (offline) or easypost"));
        v.push_back(text("EASYPOST_API_KEY", &Settings::easypost_api_key, "EasyPost API key (required with CARRIER_PROVIDER=easypost)", true));
        v.push_back(text("EASYPOST_BASE_URL", &Settings::easypost_base_url, "EasyPost API base URL"));
        v.push_back(text("EASYPOST_WEBHOOK_SECRET", &Settings::easypost_webhook_secret, "secret that signs EasyPost webhooks; unset: the webhook route answers 503", true));
        v.push_back(boolean("SIMULATED_TRACKING", &Settings::simulated_tracking, "advance simulated shipments' tracking in the background"));
        v.push_back(integer("SIMULATED_TRACKING_STEP_S", &Settings::simulated_tracking_step_s, 1, kBig, "seconds between simulated tracking steps"));
        v.push_back(text("SHIPD_HOST", &Settings::host, "address the HTTP server listens on"));
        v.push_back(integer("SHIPD_PORT", &Settings::port, 0, 65535, "HTTP port (0: any free port)"));
        v.push_back(integer("SHIPD_THREADS", &Settings::threads, 0, 256, "event-loop threads (0: one a core, half of them when the database is on this machine)"));
        v.push_back(bytes("SHIPD_BODY_LIMIT", &Settings::body_limit, 1024, std::size_t{1} << 30, "largest request body"));
        v.push_back(bytes("SHIPD_IMPORT_MAX_BYTES", &Settings::import_max_bytes, 1024, std::size_t{1} << 34, "largest NDJSON import body"));
        v.push_back(integer("SHIPD_IMPORT_ANALYZE_ROWS", &Settings::import_analyze_rows, 0, kBig, "shipments an import or demo-data stores at or above which the touched tables are ANALYZEd (0: never)"));
        v.push_back(integer("SHIPD_CREATE_BATCH_MAX", &Settings::create_batch_max, 1, 1000, "creates (POST /v1/shipments) stored together in one statement at most, when they arrive while others are being stored (1: one statement each)"));
        v.push_back(integer("SHIPD_CREATE_BATCHES_IN_FLIGHT", &Settings::create_batches_in_flight, 1, 64, "create statements running at once per event loop; creates arriving beyond wait and leave together in the next"));
        v.push_back(integer("SHIPD_GET_BATCH_MAX", &Settings::get_batch_max, 1, 1000, "GETs of one shipment read together in one statement at most, when they arrive in the same event-loop tick (1: one statement each)"));
        v.push_back(bytes("SHIPD_HEADER_LIMIT", &Settings::header_limit, 1024, std::size_t{1} << 20, "largest request header block"));
        v.push_back(integer("SHIPD_READ_TIMEOUT_S", &Settings::read_timeout_s, 1, 3600, "seconds a client has to send a whole request (a streamed body, as an import's: each piece of it)"));
        v.push_back(integer("SHIPD_KEEPALIVE_TIMEOUT_S", &Settings::keepalive_timeout_s, 1, 3600, "seconds an idle keep-alive connection stays open"));
        v.push_back(integer("SHIPD_MAX_CONNECTIONS", &Settings::max_connections, 1, kBig, "open HTTP connections at most; past it, 503 OVERLOADED"));
        v.push_back(integer("SHIPD_SHUTDOWN_GRACE_S", &Settings::shutdown_grace_s, 0, 3600, "seconds in-flight requests get to finish at shutdown"));
        v.push_back(integer("SHIPD_RATE_LIMIT_RPS", &Settings::rate_limit_rps, 0, kBig, "requests a second per API key (0: unlimited); past it, 429 RATE_LIMITED"));
        v.push_back(integer("SHIPD_RATE_LIMIT_BURST", &Settings::rate_limit_burst, 0, kBig, "requests a key may burst above the rate (0: twice the rate)"));
        v.push_back(boolean("SHIPD_METRICS_REQUIRE_KEY", &Settings::metrics_require_key, "require an API key for /metrics"));
        Spec dir = text("SHIPD_DATA_DIR", nullptr, "embedded PostgreSQL's directory");
        dir.apply = [](Settings& st, const std::string& raw, Problems& problems) {
            if (trim(raw).empty()) problems.push_back("SHIPD_DATA_DIR: is empty");
            else st.data_dir = trim(raw);
        };
        dir.show = [](const Settings& st) { return st.data_dir.string(); };
        v.push_back(dir);
        v.push_back(log_level("SHIPD_LOG_LEVEL", "trace, debug, info, warn, error"));
        v.push_back(choice<LogFormat>("SHIPD_LOG_FORMAT", &Settings::log_format, {{"text", LogFormat::kText}, {"json", LogFormat::kJson}}, "text (for people) or json (one object a line)"));
        v.push_back(boolean("SHIPD_ACCESS_LOG", &Settings::access_log, "log one line a request (method, path, status, duration, request id)"));
        v.push_back(text("SHIPD_INSTANCE", &Settings::instance_name, "this instance's name in application_name and logs (default: host name)"));
        v.push_back(integer("SHIPD_INSTANCES", &Settings::instances, 1, 10'000, "instances sharing the database, for the capacity check"));
        v.push_back(choice<CapacityPolicy>("SHIPD_CAPACITY_POLICY", &Settings::capacity_policy, {{"warn", CapacityPolicy::kWarn}, {"enforce", CapacityPolicy::kEnforce}}, "pools exceed max_connections: warn, or enforce (shrink pools)"));
        v.push_back(boolean("SHIPD_AUTO_MIGRATE", &Settings::auto_migrate, "migrate an external database at serve start"));
        v.push_back(integer("SHIPD_ANALYTICS_REFRESH_S", &Settings::analytics_refresh_s, 1, kBig, "seconds between analytics view refreshes (by the elected instance)"));
        v.push_back(integer("SHIPD_IDEMPOTENCY_PURGE_S", &Settings::idempotency_purge_s, 1, kBig, "seconds between purges of expired idempotency keys (by the elected instance)"));
        v.push_back(integer("SHIPD_EMBEDDED_PG_PORT", &Settings::embedded_pg_port, 0, 65535, "first port tried by the embedded PostgreSQL"));
        v.push_back(integer("SHIPD_DEMO_SHIPMENTS", &Settings::demo_shipments, 0, 10'000'000, "demo shipments loaded when the embedded database is created (0: none)"));
        return v;
    }();
    return kSpecs;
}

// Variables that are not settings but are read elsewhere (kept out of the unknown warning).
const std::vector<std::string> kOtherKnown = {"SHIPD_ENV_FILE", "SHIPD_PG_BINDIR",
                                              "SHIPD_BINARY", "SHIPD_SOURCE_DIR"};

size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

void validate(const Settings& s, Problems& problems) {
    if (s.carrier_provider == CarrierProvider::kEasyPost && s.easypost_api_key.empty()) {
        problems.emplace_back("EASYPOST_API_KEY is required when CARRIER_PROVIDER=easypost");
    }
    if (s.bulk_pool_min_size > s.bulk_pool_max_size) {
        problems.push_back("BULK_POOL_MIN_SIZE (" + std::to_string(s.bulk_pool_min_size) +
                           ") is larger than BULK_POOL_MAX_SIZE (" +
                           std::to_string(s.bulk_pool_max_size) + ")");
    }
    for (const auto& item : [&] {
             std::vector<std::string> bad;
             std::stringstream ss(s.server_settings);
             std::string kv;
             while (std::getline(ss, kv, ',')) {
                 kv = trim(kv);
                 if (!kv.empty() && (kv.find('=') == std::string::npos || kv.front() == '=')) bad.push_back(kv);
             }
             return bad;
         }()) {
        problems.push_back("DATABASE_SERVER_SETTINGS: '" + item + "' is not name=value");
    }
    {
        // Every connection sets DateStyle ISO, the form the timestamp decoders read (pg/).
        std::stringstream ss(s.server_settings);
        std::string kv;
        while (std::getline(ss, kv, ',')) {
            if (lower(trim(kv.substr(0, kv.find('=')))) == "datestyle") {
                problems.emplace_back("DATABASE_SERVER_SETTINGS: DateStyle cannot be set (shipd fixes it to ISO on every connection)");
            }
        }
    }
    if (s.host.empty()) problems.emplace_back("SHIPD_HOST: is empty");
}

}  // namespace

Environment parse_env_file(const std::string& text, const std::string& file_name, Problems& problems) {
    Environment env;
    std::stringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        std::string t = trim(line);
        if (t.empty() || t.front() == '#') continue;
        if (t.rfind("export ", 0) == 0) t = trim(t.substr(7));
        size_t eq = t.find('=');
        std::string name = eq == std::string::npos ? "" : trim(t.substr(0, eq));
        bool name_ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
                       std::all_of(name.begin(), name.end(), [](unsigned char c) {
                           return std::isalnum(c) || c == '_';
                       });
        std::string where = file_name + ":" + std::to_string(number) + ": ";
        if (!name_ok) {
            problems.push_back(where + "expected NAME=VALUE, got '" + line.substr(0, 60) + "'");
            continue;
        }
        std::string value = trim(t.substr(eq + 1));
        if (!value.empty() && (value.front() == '"' || value.front() == '\'')) {
            char q = value.front();
            size_t close = value.find(q, 1);
            if (close == std::string::npos) {
                problems.push_back(where + name + ": unterminated " + (q == '"' ? "double" : "single") + " quote");
                continue;
            }
            std::string rest = trim(value.substr(close + 1));
            if (!rest.empty() && rest.front() != '#') {
                problems.push_back(where + name + ": text after the closing quote");
                continue;
            }
            std::string inner = value.substr(1, close - 1);
            if (q == '"') {
                std::string out;
                for (size_t i = 0; i < inner.size(); ++i) {
                    if (inner[i] == '\\' && i + 1 < inner.size()) {
                        char c = inner[++i];
                        out += c == 'n' ? '\n' : c == 't' ? '\t' : c;
                    } else {
                        out += inner[i];
                    }
                }
                inner = out;
            }
            value = inner;
        } else {
            size_t hash = value.find(" #");
            if (hash != std::string::npos) value = trim(value.substr(0, hash));
        }
        env[name] = value;
    }
    return env;
}

LoadResult load(const Environment& environment, const std::optional<std::filesystem::path>& env_file) {
    LoadResult result;
    Environment file_env;
    if (env_file) {
        std::ifstream f(*env_file);
        if (f) {
            std::stringstream ss;
            ss << f.rdbuf();
            file_env = parse_env_file(ss.str(), env_file->string(), result.problems);
        }
    }
    Settings& s = result.settings;
    for (const auto& spec : specs()) {
        Source source = Source::kDefault;
        const std::string* raw = nullptr;
        if (auto it = environment.find(spec.name); it != environment.end()) {
            raw = &it->second;
            source = Source::kEnvironment;
        } else if (auto f = file_env.find(spec.name); f != file_env.end()) {
            raw = &f->second;
            source = Source::kEnvFile;
        }
        if (raw) spec.apply(s, *raw, result.problems);
        std::string shown = spec.show(s);
        if (spec.secret && !shown.empty()) shown = "****";
        result.entries.push_back({spec.name, shown, source, spec.help});
    }
    if (s.instance_name.empty()) {
        char host[256] = {};
        gethostname(host, sizeof host - 1);
        s.instance_name = host[0] ? host : "shipd";
    }
    // Unknown SHIPD_* names are most often typos of a real one: say which.
    auto check_unknown = [&](const Environment& env, const std::string& origin) {
        for (const auto& [name, value] : env) {
            if (name.rfind("SHIPD_", 0) != 0) continue;
            bool known = std::any_of(specs().begin(), specs().end(),
                                     [&](const Spec& sp) { return sp.name == name; }) ||
                         std::find(kOtherKnown.begin(), kOtherKnown.end(), name) != kOtherKnown.end();
            if (known) continue;
            std::string best;
            size_t best_d = 4;
            for (const auto& sp : specs()) {
                size_t d = edit_distance(name, sp.name);
                if (d < best_d) best_d = d, best = sp.name;
            }
            result.warnings.push_back("unknown setting " + name + origin +
                                      (best.empty() ? "" : " (did you mean " + best + "?)"));
        }
    };
    check_unknown(environment, "");
    if (env_file) check_unknown(file_env, " in " + env_file->string());
    validate(s, result.problems);
    return result;
}

LoadResult load_from_process() {
    Environment env;
    for (char** e = environ; e && *e; ++e) {
        std::string_view kv(*e);
        size_t eq = kv.find('=');
        if (eq != std::string_view::npos) env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
    }
    std::filesystem::path file = ".env";
    if (auto it = env.find("SHIPD_ENV_FILE"); it != env.end() && !it->second.empty()) {
        file = it->second;
        if (!std::filesystem::exists(file)) {
            LoadResult r = load(env, std::nullopt);
            r.problems.insert(r.problems.begin(), "SHIPD_ENV_FILE: " + file.string() + " does not exist");
            return r;
        }
    }
    return load(env, std::filesystem::exists(file) ? std::optional(file) : std::nullopt);
}

}  // namespace shipd::config
