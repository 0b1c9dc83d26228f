// Store test fixture: a fresh database per test, copied from one template migrated to head
// once per binary; a pool on the test's io_context; sample shipments.
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <memory>
#include <regex>
#include <string>
#include <utility>
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

/// A stored address has what was sent, an id and RFC 3339 UTC timestamps.
inline void expect_same_address(const domain::Address& got, const domain::Address& want) {
    EXPECT_FALSE(got.id.empty());
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.company, want.company);
    EXPECT_EQ(got.street1, want.street1);
    EXPECT_EQ(got.street2, want.street2);
    EXPECT_EQ(got.city, want.city);
    EXPECT_EQ(got.state, want.state);
    EXPECT_EQ(got.zip, want.zip);
    EXPECT_EQ(got.country, want.country);
    EXPECT_EQ(got.phone, want.phone);
    EXPECT_EQ(got.email, want.email);
    EXPECT_EQ(got.residential, want.residential);
    EXPECT_TRUE(is_rfc3339_utc(got.created_at)) << got.created_at;
    EXPECT_TRUE(is_rfc3339_utc(got.updated_at)) << got.updated_at;
}

inline void expect_same_rate(const domain::Rate& got, const domain::Rate& want) {
    EXPECT_EQ(got.id, want.id);
    EXPECT_EQ(got.carrier, want.carrier);
    EXPECT_EQ(got.service, want.service);
    EXPECT_EQ(got.rate, want.rate);
    EXPECT_EQ(got.currency, want.currency);
    EXPECT_EQ(got.delivery_days, want.delivery_days);
    EXPECT_EQ(got.est_delivery_date, want.est_delivery_date);
}

/// A stored shipment has what was sent (ids and timestamps are the store's own).
inline void expect_same_shipment(const domain::Shipment& got, const domain::Shipment& want) {
    EXPECT_EQ(got.reference, want.reference);
    EXPECT_EQ(got.status, want.status);
    expect_same_address(got.from_address, want.from_address);
    expect_same_address(got.to_address, want.to_address);
    ASSERT_EQ(got.parcel.has_value(), want.parcel.has_value());
    if (got.parcel) {
        EXPECT_FALSE(got.parcel->id.empty());
        EXPECT_EQ(got.parcel->length, want.parcel->length);
        EXPECT_EQ(got.parcel->width, want.parcel->width);
        EXPECT_EQ(got.parcel->height, want.parcel->height);
        EXPECT_EQ(got.parcel->weight, want.parcel->weight);
        EXPECT_EQ(got.parcel->predefined_package, want.parcel->predefined_package);
    }
    ASSERT_EQ(got.rates.size(), want.rates.size());
    for (std::size_t i = 0; i < got.rates.size(); ++i) expect_same_rate(got.rates[i], want.rates[i]);
    EXPECT_EQ(got.easypost_id, want.easypost_id);
}

/// Two shipments are the same row: every field, ids and timestamps included (e.g. an answer
/// built without reading back, against a read).
inline void expect_identical(const domain::Shipment& a, const domain::Shipment& b) {
    expect_same_shipment(a, b);
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.created_at, b.created_at);
    EXPECT_EQ(a.updated_at, b.updated_at);
    EXPECT_EQ(a.selected_rate.has_value(), b.selected_rate.has_value());
    EXPECT_EQ(a.carrier, b.carrier);
    EXPECT_EQ(a.service, b.service);
    EXPECT_EQ(a.tracking_code, b.tracking_code);
    EXPECT_EQ(a.label_url, b.label_url);
    for (auto [x, y] : {std::pair{&a.from_address, &b.from_address}, std::pair{&a.to_address, &b.to_address}}) {
        EXPECT_EQ(x->id, y->id);
        EXPECT_EQ(x->created_at, y->created_at);
        EXPECT_EQ(x->updated_at, y->updated_at);
    }
    if (a.parcel && b.parcel) {
        EXPECT_EQ(a.parcel->id, b.parcel->id);
    }
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
