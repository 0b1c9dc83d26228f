// App: start-up and shutdown order.
#include "app/app.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_future.hpp>

#include <cstdio>
#include <future>
#include <thread>
#include <vector>

#include "api/metered_carrier.hpp"
#include "api/routes.hpp"
#include "api/services.hpp"
#include "app/background.hpp"
#include "app/capacity_check.hpp"
#include "app/commands.hpp"
#include "app/demo_data.hpp"
#include "app/scheduler.hpp"
#include "store/create_batcher.hpp"
#include "store/get_batcher.hpp"
#include "app/database.hpp"
#include "carriers/carrier.hpp"
#include "app/module_settings.hpp"
#include "config/dsn.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "pg/cluster.hpp"
#include "pgembed/local_postgres.hpp"

namespace shipd::app {

namespace asio = boost::asio;

int loop_count(const config::Settings& s) {
    if (s.threads > 0) return s.threads;
    int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    // A database on this machine (embedded, or DATABASE_URL on loopback or a Unix socket)
    // needs the other half of the cores (bench/RESULTS.md, "One loop when the database is
    // local").
    return database_on_this_machine(s, s.database_url) ? std::max(1, cores / 2) : cores;
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

// Runs `task` on `io` (whose thread is running) and waits for it; rethrows what it threw.
template <class Task>
void run_on(asio::io_context& io, Task task) {
    asio::co_spawn(io, std::move(task), asio::use_future).get();
}

}  // namespace

/// One event loop: its own io_context and thread, pools, routes and listener; nothing shared
/// with the other loops but read-only settings.
struct Loop {
    asio::io_context io{1};
    asio::executor_work_guard<asio::io_context::executor_type> work = asio::make_work_guard(io);
    std::unique_ptr<pg::Cluster> cluster;
    std::unique_ptr<carriers::Carrier> carrier;
    std::unique_ptr<store::CreateBatcher> create_batcher;
    std::unique_ptr<store::GetBatcher> get_batcher;
    api::Services services;
    http::Router router;
    std::unique_ptr<http::Server> server;
    std::unique_ptr<Scheduler> scheduler;  // background jobs: on the first loop only
    std::unique_ptr<LeaderElection> election;  // whether this instance runs them (first loop)
    std::thread thread;
};

struct App::Impl {
    config::Settings settings;
    std::unique_ptr<pgembed::LocalPostgres> embedded;
    std::string database_url;
    api::SchemaInfo schema;
    std::vector<std::unique_ptr<Loop>> loops;
    std::vector<api::Services*> all_services;  // every loop's, for /metrics and /health

    void start_database() {
        if (settings.embedded()) {
            embedded = start_embedded(settings);
            database_url = embedded->socket_url();  // a Unix socket: less CPU than 127.0.0.1
        } else {
            database_url = settings.database_url;
            spdlog::info("database: {}", config::mask_dsn(database_url));
        }
        // The embedded database is shipd's own: it always migrates. An external one only when
        // the operator said so (SHIPD_AUTO_MIGRATE); otherwise serve refuses a stale schema.
        schema = prepare_schema(database_url, settings.embedded() || settings.auto_migrate, settings.startup_mode);
        if (embedded && embedded->created() && settings.demo_shipments > 0) {
            spdlog::info("loading {} demo shipments into the new database (SHIPD_DEMO_SHIPMENTS)", settings.demo_shipments);
            load_demo_data(settings, database_url, static_cast<std::size_t>(settings.demo_shipments), 42, false);
        }
        if (embedded) default_key = ensure_default_key(settings, database_url, (embedded->data_dir() / "api-key").string());
    }

    std::string default_key;  // the embedded default's key, for the banner

    void build_routes(Loop& loop) { api::add_routes(loop.router, loop.services); }

    void start_loops() {
        int n = loop_count(settings);
        for (int i = 0; i < n; ++i) {
            auto loop = std::make_unique<Loop>();
            loop->thread = std::thread([l = loop.get()] { l->io.run(); });
            all_services.push_back(&loop->services);
            loops.push_back(std::move(loop));
        }
        // Every loop gets the same pools: as configured, or shrunk by SHIPD_CAPACITY_POLICY.
        pg::ClusterSettings per_loop = cluster_settings(settings, database_url, n);
        pg::capacity::Plan plan = capacity_plan(settings, per_loop, n);
        if (schema.current > 0) {
            plan = check_capacity_at_start(settings, database_url, per_loop, n);
        } else {
            spdlog::warn("capacity: not checked, the database was unreachable at start");
        }
        for (auto& loop : loops) {
            loop->cluster = std::make_unique<pg::Cluster>(loop->io.get_executor(), per_loop);
            // Counted per loop by the api layer; the carriers module knows nothing of metrics.
            loop->carrier = std::make_unique<api::MeteredCarrier>(carriers::make_carrier(carrier_settings(settings)),
                                                                  loop->services.metrics.carrier);
            loop->services.cluster = loop->cluster.get();
            loop->services.carrier = loop->carrier.get();
            loop->create_batcher = std::make_unique<store::CreateBatcher>(store::CreateBatcher::Options{
                static_cast<std::size_t>(settings.create_batch_max),
                static_cast<std::size_t>(settings.create_batches_in_flight)});
            loop->services.create_batcher = loop->create_batcher.get();
            loop->get_batcher = std::make_unique<store::GetBatcher>(
                store::GetBatcher::Options{static_cast<std::size_t>(settings.get_batch_max)});
            loop->services.get_batcher = loop->get_batcher.get();
            loop->services.settings = &settings;
            loop->services.schema = schema;
            loop->services.loops = n;
            loop->services.executor = loop->io.get_executor();
            loop->services.all_loops = &all_services;
            loop->services.capacity_plan = plan;
            run_on(loop->io, loop->cluster->start());
            build_routes(*loop);
        }
        int port = settings.port;
        for (auto& loop : loops) {
            auto hs = server_settings(settings, n > 1);
            hs.port = port;
            loop->server = std::make_unique<http::Server>(loop->io, hs, loop->router);
            port = loop->server->port();  // with SHIPD_PORT=0 the others join the chosen one
        }
        for (auto& loop : loops) loop->server->start();
        Loop& first = *loops.front();
        first.scheduler = std::make_unique<Scheduler>(first.io.get_executor());
        auto connection = cluster_settings(settings, database_url, n).connection;
        asio::post(first.io, asio::use_future([&first, &connection] {
            first.election = add_background_jobs(*first.scheduler, first.services, connection);
        })).get();
        const auto& primary = per_loop.primary;
        spdlog::info("serving http://{}:{} on {} event loop(s); {}", settings.host, port, n,
                     primary.pipeline_connections == 0
                         ? std::string("statement pipelining off")
                         : fmt::format("single statements pipelined on {} connection(s) of depth {} a loop{}",
                                       primary.pipeline_connections, primary.pipeline_depth,
                                       primary.pipeline_spill_after.count() == 0
                                           ? std::string()
                                           : fmt::format(", filled in turn (the next opens while one takes over {} ms)",
                                                         primary.pipeline_spill_after.count() / 1000)));
        // The banner is for the person at the terminal, on stdout; logs go to stderr.
        std::printf("\nshipd is ready: http://%s:%d\n", settings.host.c_str(), port);
        if (!default_key.empty()) {
            std::printf("  API key (admin, kept in %s): %s\n  curl -H 'Authorization: Bearer %s' http://%s:%d/v1/shipments\n",
                        (embedded->data_dir() / "api-key").c_str(), default_key.c_str(), default_key.c_str(),
                        settings.host.c_str(), port);
        } else {
            std::printf("  curl http://%s:%d/health\n", settings.host.c_str(), port);
        }
        std::printf("  API docs: http://%s:%d/docs   metrics: http://%s:%d/metrics   checks: shipd doctor\n",
                    settings.host.c_str(), port, settings.host.c_str(), port);
        std::printf("\n");
        std::fflush(stdout);
    }

    // Installed before anything starts, so a signal during start-up is not the default
    // action (which would leave the embedded PostgreSQL running) but a stop once started.
    asio::io_context signals_io;
    asio::signal_set signals{signals_io, SIGINT, SIGTERM};

    void wait_for_signal() {
        signals.async_wait([](const boost::system::error_code& ec, int sig) {
            if (!ec) spdlog::info("{} received: stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
        });
        signals_io.run();
    }

    // Reverse order of start: listeners (in-flight requests finish), pools, loops.
    void stop_loops() {
        auto grace = std::chrono::milliseconds(std::chrono::seconds(settings.shutdown_grace_s));
        std::vector<std::future<void>> done;
        for (auto& loop : loops) {
            if (loop->server) done.push_back(asio::co_spawn(loop->io, loop->server->shutdown(grace), asio::use_future));
        }
        for (auto& f : done) f.get();
        for (auto& loop : loops) {
            if (loop->scheduler) {
                asio::post(loop->io, asio::use_future([l = loop.get()] { l->scheduler->stop(); })).get();
            }
            if (loop->cluster) {
                asio::post(loop->io, asio::use_future([l = loop.get()] { l->cluster->close(); })).get();
            }
            loop->work.reset();
        }
        for (auto& loop : loops) {
            // What is left on a loop is background work the closed pools are winding down.
            loop->io.stop();
            if (loop->thread.joinable()) loop->thread.join();
        }
        for (auto& loop : loops) {
            loop->server.reset();
            loop->scheduler.reset();
            loop->election.reset();  // closes its session: another instance may lead at once
            loop->cluster.reset();
        }
        loops.clear();
        all_services.clear();
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
    ExitCode code = ExitCode::kOk;
    try {
        s.start_database();
        s.start_loops();
        s.wait_for_signal();
    } catch (const std::exception& e) {
        spdlog::error("cannot start: {}", e.what());
        code = ExitCode::kFailure;
    }
    try {
        s.stop_loops();
        s.stop_database();
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        code = ExitCode::kFailure;
    }
    if (code == ExitCode::kOk) spdlog::info("stopped");
    return code;
}

}  // namespace shipd::app
