// Store test fixture: a fresh database per test, copied from one template migrated to head
// once per binary; a pool on the test's io_context; sample shipments.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "domain/types.hpp"
#include "migrate/migrator.hpp"
#include "pg/pool.hpp"
#include "pg/tests/test_util.hpp"
#include "support/pg_harness.hpp"

namespace shipd::store::testing {

namespace asio = boost::asio;

/// A database at head, made once; fresh_database() copies it.
inline const std::string& template_database() {
    static const std::string kName = [] {
        auto name = shipd::testing::fresh_database();
        {
            migrate::Migrator migrator(shipd::testing::database_url(name));
            migrator.up();
        }  // the template must have no session left when it is copied
        return name;
    }();
    return kName;
}

inline bool is_rfc3339_utc(const std::string& t) {
    static const std::regex kPattern(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)");
    return std::regex_match(t, kPattern);
}

inline domain::Address sample_address(const std::string& tag) {
    domain::Address a;
    a.name = "Name " + tag;
    a.company = "Company";
    a.street1 = "1 Main St";
    a.street2 = std::nullopt;
    a.city = "Springfield";
    a.state = "IL";
    a.zip = "62701";
    a.country = "US";
    a.phone = "555-0100";
    a.email = "a@example.com";
    a.residential = true;
    return a;
}

inline domain::Rate sample_rate(const std::string& id, const std::string& carrier = "USPS",
                                const std::string& service = "Priority") {
    domain::Rate r;
    r.id = id;
    r.carrier = carrier;
    r.service = service;
    r.rate = "7.58";
    r.currency = "USD";
    r.delivery_days = 2;
    r.est_delivery_date = "2026-12-01";
    return r;
}

inline domain::Shipment sample_shipment(const std::string& tag) {
    domain::Shipment s;
    s.reference = "ref-" + tag;
    s.from_address = sample_address("from " + tag);
    s.to_address = sample_address("to " + tag);
    s.to_address.residential = std::nullopt;
    domain::Parcel p;
    p.length = 10.5;
    p.width = 4;
    p.height = 2.25;
    p.weight = 16.1;
    p.predefined_package = std::nullopt;
    s.parcel = p;
    s.rates = {sample_rate("rate_1"), sample_rate("rate_2", "UPS", "Ground")};
    s.rates[1].delivery_days = std::nullopt;
    s.rates[1].est_delivery_date = std::nullopt;
    return s;
}

inline domain::TrackingEvent event(domain::Status status, const std::string& occurred_at,
                                   std::optional<std::string> message = std::nullopt) {
    domain::TrackingEvent e;
    e.status = status;
    e.occurred_at = occurred_at;
    e.message = std::move(message);
    return e;
}

class StoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = shipd::testing::fresh_database(template_database());
        pg::PoolSettings settings;
        settings.name = "test";
        settings.size = 8;
        settings.max_overflow = 0;
        settings.acquire_timeout = std::chrono::seconds(20);
        pool_ = pg::Pool::create(io_.get_executor(), pg::testing::settings_for(db_), settings);
        run(pool_->start());
    }
    void TearDown() override { pool_->close(); }

    template <class T>
    T run(asio::awaitable<T> task) {
        return pg::testing::run(io_, std::move(task));
    }
    void run(asio::awaitable<void> task) { pg::testing::run(io_, std::move(task)); }

    /// Runs every task concurrently on the io_context; results in task order.
    template <class T>
    std::vector<T> run_all(std::vector<asio::awaitable<T>> tasks) {
        std::vector<std::optional<T>> results(tasks.size());
        std::exception_ptr error;
        std::size_t done = 0;
        for (std::size_t i = 0; i < tasks.size(); ++i) {
            asio::co_spawn(io_, std::move(tasks[i]), [&, i](std::exception_ptr e, T v) {
                ++done;
                if (e) error = e;
                else results[i].emplace(std::move(v));
            });
        }
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (done < results.size() && std::chrono::steady_clock::now() < deadline) {
            io_.restart();
            io_.run_one_for(std::chrono::milliseconds(100));
        }
        if (done < results.size()) throw std::runtime_error("tasks did not finish in time");
        if (error) std::rethrow_exception(error);
        std::vector<T> out;
        for (auto& r : results) out.push_back(std::move(*r));
        return out;
    }

    std::string sql_value(const std::string& statement) {
        return shipd::testing::sql_value(db_, statement);
    }
    std::vector<std::string> sql(const std::string& statement) {
        return shipd::testing::sql(db_, statement);
    }

    asio::io_context io_;
    std::string db_;
    std::shared_ptr<pg::Pool> pool_;
};

}  // namespace shipd::store::testing
