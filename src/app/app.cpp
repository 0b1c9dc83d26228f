// App: start-up and shutdown order.
#include "app/app.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

#include "api/health.hpp"
#include "app/database.hpp"
#include "config/dsn.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "pgembed/local_postgres.hpp"

namespace shipd::app {

namespace asio = boost::asio;

int loop_count(const config::Settings& s) {
    if (s.threads > 0) return s.threads;
    int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return s.embedded() ? std::max(1, cores / 2) : cores;
}

namespace {

http::ServerSettings server_settings(const config::Settings& s, bool reuse_port) {
    http::ServerSettings h;
    h.host = s.host;
    h.port = s.port;
    h.reuse_port = reuse_port;
    h.body_limit = s.body_limit;
    h.header_limit = s.header_limit;
    h.read_timeout = std::chrono::seconds(s.read_timeout_s);
    h.keepalive_timeout = std::chrono::seconds(s.keepalive_timeout_s);
    h.max_connections = s.max_connections;
    return h;
}

}  // namespace

struct App::Impl {
    config::Settings settings;
    std::unique_ptr<pgembed::LocalPostgres> embedded;
    std::string database_url;
    http::Router router;

    /// One event loop a thread, each with its own listener (SO_REUSEPORT), never shared.
    struct Loop {
        asio::io_context io{1};
        std::unique_ptr<http::Server> server;
        std::thread thread;
    };
    std::vector<std::unique_ptr<Loop>> loops;

    void start_database() {
        if (settings.embedded()) {
            embedded = start_embedded(settings);
            database_url = embedded->url();
        } else {
            database_url = settings.database_url;
            spdlog::info("database: {}", config::mask_dsn(database_url));
        }
        // The embedded database is shipd's own: it always migrates. An external one only when
        // the operator said so (SHIPD_AUTO_MIGRATE); otherwise serve refuses a stale schema.
        prepare_schema(database_url, settings.embedded() || settings.auto_migrate, settings.startup_mode);
    }

    void build_routes() { api::add_health_routes(router); }

    void start_http() {
        int n = loop_count(settings);
        int port = settings.port;
        for (int i = 0; i < n; ++i) {
            auto loop = std::make_unique<Loop>();
            auto hs = server_settings(settings, n > 1);
            hs.port = port;
            loop->server = std::make_unique<http::Server>(loop->io, hs, router);
            port = loop->server->port();  // with SHIPD_PORT=0 the others join the chosen one
            loop->server->start();
            loops.push_back(std::move(loop));
        }
        spdlog::info("serving http://{}:{} on {} event loop(s)", settings.host, port, n);
        // The banner is for the person at the terminal, on stdout; logs go to stderr.
        std::printf("\nshipd is ready: http://%s:%d\n  curl http://%s:%d/health/live\n\n",
                    settings.host.c_str(), port, settings.host.c_str(), port);
        std::fflush(stdout);
    }

    void run_until_signal() {
        asio::io_context& main_loop = loops.front()->io;
        asio::signal_set signals(main_loop, SIGINT, SIGTERM);
        std::atomic<int> stopped{0};
        auto grace = std::chrono::seconds(settings.shutdown_grace_s);
        signals.async_wait([&](const boost::system::error_code& ec, int sig) {
            if (ec) return;
            spdlog::info("{} received: stopping (grace {} s)", sig == SIGINT ? "SIGINT" : "SIGTERM", grace.count());
            for (auto& loop : loops) {
                asio::co_spawn(loop->io, [&, l = loop.get()]() -> asio::awaitable<void> {
                    co_await l->server->shutdown(grace);
                    l->io.stop();
                }, asio::detached);
            }
        });
        for (size_t i = 1; i < loops.size(); ++i) {
            loops[i]->thread = std::thread([l = loops[i].get()] { l->io.run(); });
        }
        main_loop.run();
        for (auto& loop : loops) {
            if (loop->thread.joinable()) loop->thread.join();
        }
        loops.clear();
    }

    void stop_database() {
        if (!embedded) return;
        spdlog::info("stopping embedded PostgreSQL");
        embedded->stop();
    }
};

App::App(config::Settings settings) : impl_(std::make_unique<Impl>()) { impl_->settings = std::move(settings); }

App::~App() = default;

ExitCode App::run() {
    Impl& s = *impl_;
    try {
        s.start_database();
        s.build_routes();
        s.start_http();
    } catch (const std::exception& e) {
        spdlog::error("cannot start: {}", e.what());
        try {
            s.stop_database();
        } catch (const std::exception& stop_error) {
            spdlog::error("{}", stop_error.what());
        }
        return ExitCode::kFailure;
    }
    s.run_until_signal();
    try {
        s.stop_database();
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        return ExitCode::kFailure;
    }
    spdlog::info("stopped");
    return ExitCode::kOk;
}

}  // namespace shipd::app
